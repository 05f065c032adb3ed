"""Pod volumes and the mounts that use them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.validation import invalid
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._memo import is_dns1123_label
from kubelint.rules.builtin._validation import (
    items,
    mapping,
    one_of,
    unique_name,
    valid_dns1123_label,
    valid_one_of,
)
from kubelint.rules.engine import POD_TEMPLATES, ObjectView, Violation, object_rule

VOLUME_SOURCES = (
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
)
"""Members of core/v1 VolumeSource: a volume sets exactly one."""

_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx
      volumeMounts:
        - {name: cache, mountPath: /cache}
"""


@object_rule(
    "KL122",
    "invalid-volume",
    Severity.ERROR,
    "validation",
    title="Volumes need unique DNS-1123 label names and at most one source",
    rationale="A pod volume is named by a DNS-1123 label, unique in the pod, and has one "
    "source (emptyDir, configMap, secret, persistentVolumeClaim, …; none means emptyDir).",
    remediation="Rename duplicates; split a volume with two sources into two volumes.",
    failing=_POD + "  volumes:\n    - name: cache\n      emptyDir: {}\n"
    "      hostPath: {path: /tmp/cache}\n",
    passing=_POD + "  volumes:\n    - name: cache\n      emptyDir: {}\n",
    kinds=POD_TEMPLATES,
)
def invalid_volume(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is None:
        return
    seen: set[str] = set()
    for i, volume in items(template.spec.get("volumes")):
        name = volume.get("name")
        named = isinstance(name, str)
        if (named and (name in seen or not valid_dns1123_label(name))) or not valid_one_of(
            volume, _SOURCES, required=False
        ):
            yield from _volume((*template.spec_path, "volumes", i), volume, seen)
        elif named:
            seen.add(name)


_SOURCES = frozenset(VOLUME_SOURCES)


def _volume(path: JsonPath, volume: Mapping[str, Any], seen: set[str]) -> Iterator[Violation]:
    name = volume.get("name")
    if isinstance(name, str):
        yield from unique_name((*path, "name"), name, is_dns1123_label, seen)
    # no source at all is defaulted to emptyDir: {}
    yield from one_of(path, volume, VOLUME_SOURCES, "volume type", required=False)


@object_rule(
    "KL123",
    "invalid-volume-mount",
    Severity.ERROR,
    "validation",
    title="Volume mounts must name a declared volume, once per mount path",
    rationale="volumeMounts and volumeDevices refer to the pod's volumes by name; the apiserver "
    "rejects a mount of an undeclared volume and two mounts at the same path in a container.",
    remediation="Declare the volume under spec.volumes or fix the name.",
    failing=_POD + "  volumes:\n    - name: cache-volume\n      emptyDir: {}\n",
    passing=_POD + "  volumes:\n    - name: cache\n      emptyDir: {}\n",
    kinds=POD_TEMPLATES,
)
def invalid_volume_mount(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is None:
        return
    volumes: set[str] | None = None  # collected when a container mounts something
    for container in obj.containers(ephemeral=True):
        body = container.body
        if not body.get("volumeMounts") and not body.get("volumeDevices"):
            continue
        if volumes is None:
            volumes = _volume_names(obj, template.spec)
        paths: set[str] = set()
        for field, key in (("volumeMounts", "mountPath"), ("volumeDevices", "devicePath")):
            mounts = body.get(field)
            if not mounts:
                continue
            for i, mount in items(mounts):
                name = mount.get("name")
                if isinstance(name, str) and name not in volumes:
                    path = (*container.path, field, i, "name")
                    yield Violation(path, f'Not found: "{name}"', hint=_hint(volumes))
                target = mount.get(key)
                if isinstance(target, str):
                    if target in paths:
                        path = (*container.path, field, i, key)
                        yield Violation(path, invalid(target, "must be unique"))
                    paths.add(target)


def _volume_names(obj: ObjectView, spec: Mapping[str, Any]) -> set[str]:
    """Pod volumes, plus a StatefulSet's volumeClaimTemplates (each becomes a pod volume)."""
    names = {v["name"] for _, v in items(spec.get("volumes")) if isinstance(v.get("name"), str)}
    if (obj.group, obj.kind) == ("apps", "StatefulSet"):
        for _, claim in items(obj.spec.get("volumeClaimTemplates")):
            name = mapping(claim.get("metadata")).get("name")
            if isinstance(name, str):
                names.add(name)
    return names


def _hint(volumes: set[str]) -> str:
    if not volumes:
        return "the pod declares no volumes"
    return "declared volumes: " + ", ".join(sorted(volumes))
