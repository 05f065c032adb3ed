"""The objects a pod template names: ConfigMaps, Secrets, PersistentVolumeClaims and its
ServiceAccount, each with the JSON path of the reference and whether it is optional.

Shared by the cross-object reference rules; pure functions over an `ObjectView`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from kubelint.model import JsonPath
from kubelint.rules.engine import ObjectView


class PodRef(NamedTuple):
    kind: str  # "ConfigMap" | "Secret" | "PersistentVolumeClaim" | "ServiceAccount"
    name: str
    path: JsonPath  # to the field holding the name, from the object root
    optional: bool = False
    keys: tuple[tuple[str, JsonPath], ...] = ()  # keys the reference reads, with their paths


def _map(node: Any) -> Mapping[str, Any]:
    return node if isinstance(node, Mapping) else {}


def _list(node: Any) -> list[Any]:
    return node if isinstance(node, list) else []


def _name(node: Mapping[str, Any], field: str = "name") -> str:
    value = node.get(field)
    return value if isinstance(value, str) else ""


def pod_refs(obj: ObjectView) -> Iterator[PodRef]:
    """Every named reference of the object's pod template, in document order."""
    template = obj.template
    if template is None:
        return
    spec, base = template.spec, template.spec_path
    for field in ("serviceAccountName", "serviceAccount"):
        if name := _name(spec, field):
            yield PodRef("ServiceAccount", name, (*base, field))
            break  # serviceAccount is the deprecated alias of serviceAccountName
    for i, secret in enumerate(_list(spec.get("imagePullSecrets"))):
        if name := _name(_map(secret)):
            yield PodRef("Secret", name, (*base, "imagePullSecrets", i, "name"))
    claimed = _claim_template_names(obj)
    for i, volume in enumerate(_list(spec.get("volumes"))):
        if _name(_map(volume)) not in claimed:
            yield from _volume_refs(_map(volume), (*base, "volumes", i))
    for container in obj.containers(ephemeral=True):
        yield from _container_refs(container.body, container.path)


def _claim_template_names(obj: ObjectView) -> frozenset[str]:
    """Names of a StatefulSet's volumeClaimTemplates: a pod volume of the same name is replaced
    by the claim the controller creates for each replica."""
    if obj.kind != "StatefulSet":
        return frozenset()
    templates = _list(obj.spec.get("volumeClaimTemplates"))
    return frozenset(_name(_map(_map(t).get("metadata"))) for t in templates) - {""}


def _items(source: Mapping[str, Any], path: JsonPath) -> tuple[tuple[str, JsonPath], ...]:
    return tuple(
        (key, (*path, "items", i, "key"))
        for i, item in enumerate(_list(source.get("items")))
        if isinstance(key := _map(item).get("key"), str)
    )


def _volume_refs(volume: Mapping[str, Any], path: JsonPath) -> Iterator[PodRef]:
    if (cm := _map(volume.get("configMap"))) and (name := _name(cm)):
        p = (*path, "configMap")
        yield PodRef("ConfigMap", name, (*p, "name"), cm.get("optional") is True, _items(cm, p))
    if (secret := _map(volume.get("secret"))) and (name := _name(secret, "secretName")):
        p = (*path, "secret")
        optional = secret.get("optional") is True
        yield PodRef("Secret", name, (*p, "secretName"), optional, _items(secret, p))
    if (claim := _map(volume.get("persistentVolumeClaim"))) and (name := _name(claim, "claimName")):
        yield PodRef("PersistentVolumeClaim", name, (*path, "persistentVolumeClaim", "claimName"))
    csi_secret = _map(_map(volume.get("csi")).get("nodePublishSecretRef"))
    if name := _name(csi_secret):
        yield PodRef("Secret", name, (*path, "csi", "nodePublishSecretRef", "name"))
    sources = _list(_map(volume.get("projected")).get("sources"))
    for i, source in enumerate(sources):
        for field, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
            ref = _map(_map(source).get(field))
            if name := _name(ref):
                p = (*path, "projected", "sources", i, field)
                yield PodRef(kind, name, (*p, "name"), ref.get("optional") is True, _items(ref, p))


def _container_refs(container: Mapping[str, Any], path: JsonPath) -> Iterator[PodRef]:
    for i, source in enumerate(_list(container.get("envFrom"))):
        for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            ref = _map(_map(source).get(field))
            if name := _name(ref):
                p = (*path, "envFrom", i, field, "name")
                yield PodRef(kind, name, p, ref.get("optional") is True)
    for i, var in enumerate(_list(container.get("env"))):
        value_from = _map(_map(var).get("valueFrom"))
        for field, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
            ref = _map(value_from.get(field))
            if name := _name(ref):
                p = (*path, "env", i, "valueFrom", field)
                key = ref.get("key")
                keys = ((key, (*p, "key")),) if isinstance(key, str) else ()
                yield PodRef(kind, name, (*p, "name"), ref.get("optional") is True, keys)
