"""The objects a pod template names: ConfigMaps, Secrets, PersistentVolumeClaims and its
ServiceAccount, each with the JSON path of the reference and whether it is optional.

Shared by the cross-object reference rules; pure functions over an `ObjectView`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from kubelint.k8s.podspec import CONTAINER_LISTS
from kubelint.model import JsonPath
from kubelint.rules.engine import ObjectView


class PodRef(NamedTuple):
    kind: str  # "ConfigMap" | "Secret" | "PersistentVolumeClaim" | "ServiceAccount"
    name: str
    path: JsonPath  # to the field holding the name, from the object root
    optional: bool = False
    keys: tuple[tuple[str, JsonPath], ...] = ()  # keys the reference reads, with their paths


def _map(node: Any) -> Mapping[str, Any]:
    return node if isinstance(node, dict) else {}


def _list(node: Any) -> list[Any]:
    return node if isinstance(node, list) else []


def _name(node: Mapping[str, Any], field: str = "name") -> str:
    value = node.get(field)
    return value if isinstance(value, str) else ""


def pod_refs(obj: ObjectView) -> list[PodRef]:
    """Every named reference of the object's pod template, in document order."""
    template = obj.template
    if template is None:
        return []
    out: list[PodRef] = []
    spec, base = template.spec, template.spec_path
    for field in ("serviceAccountName", "serviceAccount"):
        if name := _name(spec, field):
            out.append(PodRef("ServiceAccount", name, (*base, field)))
            break  # serviceAccount is the deprecated alias of serviceAccountName
    if "imagePullSecrets" in spec:
        for i, secret in enumerate(_list(spec["imagePullSecrets"])):
            if name := _name(_map(secret)):
                out.append(PodRef("Secret", name, (*base, "imagePullSecrets", i, "name")))
    if "volumes" in spec:
        claimed = _claim_template_names(obj)
        for i, volume in enumerate(_list(spec["volumes"])):
            if isinstance(volume, dict) and (not claimed or _name(volume) not in claimed):
                _volume_refs(volume, (*base, "volumes", i), out)
    for field in CONTAINER_LISTS:  # read directly: the paths are needed only for references
        if field in spec:
            for i, container in enumerate(_list(spec[field])):
                if isinstance(container, dict):
                    _container_refs(container, (*base, field, i), out)
    return out


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


def _volume_refs(volume: Mapping[str, Any], path: JsonPath, out: list[PodRef]) -> None:
    if (cm := _map(volume.get("configMap"))) and (name := _name(cm)):
        p = (*path, "configMap")
        out.append(
            PodRef("ConfigMap", name, (*p, "name"), cm.get("optional") is True, _items(cm, p))
        )
    if (secret := _map(volume.get("secret"))) and (name := _name(secret, "secretName")):
        p = (*path, "secret")
        optional = secret.get("optional") is True
        out.append(PodRef("Secret", name, (*p, "secretName"), optional, _items(secret, p)))
    if (claim := _map(volume.get("persistentVolumeClaim"))) and (name := _name(claim, "claimName")):
        p = (*path, "persistentVolumeClaim", "claimName")
        out.append(PodRef("PersistentVolumeClaim", name, p))
    if "csi" in volume:
        csi_secret = _map(_map(volume["csi"]).get("nodePublishSecretRef"))
        if name := _name(csi_secret):
            out.append(PodRef("Secret", name, (*path, "csi", "nodePublishSecretRef", "name")))
    if "projected" in volume:
        for i, source in enumerate(_list(_map(volume["projected"]).get("sources"))):
            for field, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
                ref = _map(_map(source).get(field))
                if name := _name(ref):
                    p = (*path, "projected", "sources", i, field)
                    optional = ref.get("optional") is True
                    out.append(PodRef(kind, name, (*p, "name"), optional, _items(ref, p)))


def _container_refs(container: Mapping[str, Any], path: JsonPath, out: list[PodRef]) -> None:
    if "envFrom" in container:
        for i, source in enumerate(_list(container["envFrom"])):
            for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                ref = _map(_map(source).get(field))
                if name := _name(ref):
                    p = (*path, "envFrom", i, field, "name")
                    out.append(PodRef(kind, name, p, ref.get("optional") is True))
    env = container.get("env")
    for i, var in enumerate(env if isinstance(env, list) else ()):
        if not isinstance(var, dict) or "valueFrom" not in var:
            continue  # a plain value: the common case
        value_from = _map(var["valueFrom"])
        for field, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
            ref = value_from.get(field)  # most are fieldRefs (the downward API)
            if isinstance(ref, dict) and (name := _name(ref)):
                p = (*path, "env", i, "valueFrom", field)
                key = ref.get("key")
                keys = ((key, (*p, "key")),) if isinstance(key, str) else ()
                out.append(PodRef(kind, name, (*p, "name"), ref.get("optional") is True, keys))
