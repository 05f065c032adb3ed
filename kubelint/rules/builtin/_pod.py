"""Shared helpers for the per-object policy rules (KL200–KL399): effective security context,
capabilities, images, rule parameters, and builders for the rules' documentation examples."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import yaml

from kubelint.k8s.podspec import Container, PodTemplate
from kubelint.model import JsonPath
from kubelint.rules.engine import ObjectView
from kubelint.rules.options import OPTIONS, option_problem, options, param  # noqa: F401

POD_AND_CONTAINER_FIELDS = frozenset(
    {
        "runAsUser",
        "runAsGroup",
        "runAsNonRoot",
        "seccompProfile",
        "seLinuxOptions",
        "appArmorProfile",
        "windowsOptions",
    }
)
"""securityContext fields a container inherits from the pod unless it sets its own."""


class Setting(NamedTuple):
    """A security-context value and where it was set (None: nowhere, the runtime default)."""

    value: Any
    path: JsonPath | None


UNSET = Setting(None, None)


def security_setting(obj: ObjectView, container: Container, field: str) -> Setting:
    """The effective value of a securityContext field for a container: its own, else (for
    fields PodSecurityContext also has) the pod's. Cheap when nothing is set: rules call it
    for every container."""
    own = own_setting(container, field)
    if own is not None:
        return Setting(own, own_path(container, field))
    template = obj.template
    return _pod_setting(template, field) if template is not None else UNSET


def _pod_setting(template: PodTemplate, field: str) -> Setting:
    """The pod's securityContext value that containers inherit (UNSET for other fields)."""
    if field in POD_AND_CONTAINER_FIELDS:
        pod = template.spec.get("securityContext")
        if isinstance(pod, dict) and pod.get(field) is not None:
            return Setting(pod[field], (*template.spec_path, "securityContext", field))
    return UNSET


def effective_settings(obj: ObjectView, field: str) -> list[tuple[Container, Setting]]:
    """(container, effective setting) for each container, ephemeral ones included, where
    `field` is set: by the container, else (for fields PodSecurityContext also has) the pod."""
    template = obj.template
    if template is None:
        return []
    inherited = _pod_setting(template, field)
    found = []
    for c in obj.containers(ephemeral=True):
        own = own_setting(c, field)
        if own is not None:
            found.append((c, Setting(own, own_path(c, field))))
        elif inherited.path is not None:
            found.append((c, inherited))
    return found


def own_setting(container: Container, field: str) -> Any:
    """A container's own securityContext value (no inheritance from the pod), or None."""
    context = container.body.get("securityContext")
    return context.get(field) if isinstance(context, dict) else None


def own_path(container: Container, field: str) -> JsonPath:
    return (*container.path, "securityContext", field)


def is_windows(obj: ObjectView) -> bool:
    """Pods that declare `os.name: windows`: Linux-only settings (capabilities, seccomp,
    readOnlyRootFilesystem) do not apply and the apiserver forbids them."""
    template = obj.template
    os_ = template.spec.get("os") if template is not None else None
    return isinstance(os_, dict) and os_.get("name") == "windows"


def capabilities(container: Container, which: str) -> list[tuple[int, str]]:
    """(index, upper-cased name without CAP_) of securityContext.capabilities.add|drop."""
    caps = own_setting(container, "capabilities")
    items = caps.get(which) if isinstance(caps, dict) else None
    if not items or not isinstance(items, list):
        return []
    return [
        (i, item.upper().removeprefix("CAP_"))
        for i, item in enumerate(items)
        if isinstance(item, str)
    ]


def capability_path(container: Container, which: str, index: int | None = None) -> JsonPath:
    path: JsonPath = (*container.path, "securityContext", "capabilities", which)
    return path if index is None else (*path, index)


_KIND_LABELS = {"initContainers": "init container", "ephemeralContainers": "ephemeral container"}


def label(container: Container) -> str:
    """How messages name a container: `init container "setup"`, `container "web"`."""
    return f'{_KIND_LABELS.get(container.kind, "container")} "{container.name}"'


# -- images ---------------------------------------------------------------------------------
class Image(NamedTuple):
    registry: str  # "" for Docker Hub shorthand (nginx, library/nginx)
    repository: str
    tag: str
    digest: str


@functools.lru_cache(maxsize=8192)  # image references repeat across workloads
def parse_image(ref: str) -> Image:
    """Split an image reference as the container runtime reads it."""
    name, _, digest = ref.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = ""
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return Image(first, rest, tag, digest)
    return Image("", name, tag, digest)


def images(obj: ObjectView) -> Iterator[tuple[Container, str]]:
    """(container, image) for every container with a string image, ephemeral ones included."""
    for container in obj.containers(ephemeral=True):
        image = container.body.get("image")
        if isinstance(image, str) and image:
            yield container, image


# -- documentation examples -----------------------------------------------------------------
EXAMPLE_IMAGE = "registry.example.com/shop/web:1.4.2"


class _PlainDumper(yaml.CSafeDumper):
    """Writes a value shared by two fields twice instead of as an anchor and alias. libyaml's
    emitter (the loader needs libyaml anyway): the rules' ~110 examples are written when the
    rules are imported, which the pure-Python emitter made ~20 ms of every lint start."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(body: Mapping[str, Any]) -> str:
    return yaml.dump(dict(body), Dumper=_PlainDumper, sort_keys=False, default_flow_style=False)


def example_pod(
    container: Mapping[str, Any] | None = None,
    spec: Mapping[str, Any] | None = None,
    *,
    name: str = "web",
    extra_containers: tuple[Mapping[str, Any], ...] = (),
) -> str:
    """A small Pod manifest: one container `web` merged with `container`, spec keys `spec`."""
    main = {"name": "web", "image": EXAMPLE_IMAGE, **(container or {})}
    body = {"containers": [main, *extra_containers], **(spec or {})}
    return _dump({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": body})


def example_workload(
    kind: str,
    template_spec: Mapping[str, Any] | None = None,
    spec: Mapping[str, Any] | None = None,
    container: Mapping[str, Any] | None = None,
    *,
    name: str = "web",
) -> str:
    """A Deployment/StatefulSet/Job/CronJob manifest with one container."""
    labels = {"app": name}
    pod_spec = {
        "containers": [{"name": "web", "image": EXAMPLE_IMAGE, **(container or {})}],
        **(template_spec or {}),
    }
    template = {"metadata": {"labels": labels}, "spec": pod_spec}
    if kind == "CronJob":
        pod_spec.setdefault("restartPolicy", "OnFailure")
        body = {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": template}}}
        api = "batch/v1"
    elif kind == "Job":
        pod_spec.setdefault("restartPolicy", "Never")
        body = {"template": template}
        api = "batch/v1"
    else:
        body = {"selector": {"matchLabels": labels}, "template": template}
        api = "apps/v1"
    return _dump(
        {
            "apiVersion": api,
            "kind": kind,
            "metadata": {"name": name},
            "spec": {**body, **(spec or {})},
        }
    )
