"""Where a workload keeps its pod template, and the containers inside a pod spec.

Kinds are keyed by (group, kind) so `extensions/v1beta1 Deployment` and `apps/v1 Deployment` share
the same location. Custom resources with a pod template (Argo Rollouts, Kruise CloneSets, …) are
added through `extra` — a mapping "group/Kind" → dotted path such as "spec.template".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

JsonPath = tuple[str | int, ...]

TEMPLATE_PATHS: dict[tuple[str, str], JsonPath] = {
    ("apps", "Deployment"): ("spec", "template"),
    ("extensions", "Deployment"): ("spec", "template"),
    ("apps", "ReplicaSet"): ("spec", "template"),
    ("extensions", "ReplicaSet"): ("spec", "template"),
    ("apps", "StatefulSet"): ("spec", "template"),
    ("apps", "DaemonSet"): ("spec", "template"),
    ("extensions", "DaemonSet"): ("spec", "template"),
    ("", "ReplicationController"): ("spec", "template"),
    ("batch", "Job"): ("spec", "template"),
    ("batch", "CronJob"): ("spec", "jobTemplate", "spec", "template"),
    ("", "PodTemplate"): ("template",),
}
"""Path of the PodTemplateSpec (metadata + spec) per workload kind. A Pod is its own template."""

CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


class PodTemplate(NamedTuple):
    """A pod template found in an object: `path` leads to the PodTemplateSpec (or () for a Pod);
    `metadata` and `spec` are the template's (possibly empty) mappings."""

    path: JsonPath
    metadata: Mapping[str, Any]
    spec: Mapping[str, Any]

    @property
    def spec_path(self) -> JsonPath:
        return (*self.path, "spec")

    @property
    def labels(self) -> Mapping[str, Any]:
        labels = self.metadata.get("labels")
        return labels if isinstance(labels, dict) else {}


class Container(NamedTuple):
    path: JsonPath  # to the container mapping, from the object root
    kind: str  # "initContainers" | "containers" | "ephemeralContainers"
    body: Mapping[str, Any]

    @property
    def name(self) -> str:
        name = self.body.get("name")
        return name if isinstance(name, str) else ""


def parse_extra(entries: Mapping[str, str] | None) -> dict[tuple[str, str], JsonPath]:
    """Turn {"argoproj.io/Rollout": "spec.template"} into TEMPLATE_PATHS-style entries."""
    out: dict[tuple[str, str], JsonPath] = {}
    for key, dotted in (entries or {}).items():
        group, _, kind = key.rpartition("/")
        out[(group, kind)] = tuple(dotted.split("."))
    return out


def pod_template(
    body: Mapping[str, Any],
    group: str,
    kind: str,
    extra: Mapping[tuple[str, str], JsonPath] | None = None,
) -> PodTemplate | None:
    """The pod template of a workload object (or the Pod itself), None for other kinds or when
    the template is not a mapping."""
    if group == "" and kind == "Pod":
        path: JsonPath = ()
        node: Any = body
    else:
        path = TEMPLATE_PATHS.get((group, kind)) or (extra or {}).get((group, kind)) or ()
        if not path:
            return None
        node = body
        for step in path:
            node = node.get(step) if isinstance(node, dict) else None
    if not isinstance(node, dict):  # bodies are JSON data: dict is exact, and cheaper than Mapping
        return None
    metadata = node.get("metadata")
    spec = node.get("spec")
    return PodTemplate(
        path,
        metadata if isinstance(metadata, dict) else {},
        spec if isinstance(spec, dict) else {},
    )


def containers(
    template: PodTemplate, kinds: tuple[str, ...] = CONTAINER_LISTS
) -> Iterator[Container]:
    """Containers of the template's spec in API order (init, regular, ephemeral)."""
    spec = template.spec
    for list_name in kinds:
        items = spec.get(list_name)
        if not isinstance(items, list):
            continue
        spec_path = (*template.path, "spec", list_name)
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield Container((*spec_path, i), list_name, item)
