"""Fields the apiserver refuses to change on update, with the apiserver's own error text.

`immutable_violations(old, new)` compares two versions of one object as the store holds them
(both already defaulted, see kubelint.store.defaults) and returns `(path, message)` pairs,
where `message` is what `kubectl apply` prints after `The Deployment "x" is invalid: ` and
`path` is where the refused change is (inside the spec for Pods, StatefulSets and PVCs, which
the apiserver refuses as a whole at `spec`).
Values are rendered as compact JSON, as current apiservers do in field errors.

Sources: ValidateDeploymentUpdate / ValidateStatefulSetUpdate / ValidateDaemonSetUpdate /
ValidateReplicaSetUpdate (pkg/apis/apps/validation), ValidateJobUpdate (batch),
ValidateServiceUpdate, ValidatePodUpdate, ValidatePersistentVolumeClaimUpdate,
ValidateConfigMapUpdate, ValidateSecretUpdate (core), ValidateRoleBindingUpdate (rbac),
ValidateStorageClassUpdate (storage).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from kubelint.k8s.quantity import QuantityError, parse_quantity
from kubelint.k8s.scope import canonical_group
from kubelint.model import JsonPath, format_path

Violation = tuple[JsonPath, str]
Check = Callable[[Mapping[str, Any], Mapping[str, Any]], list[Violation]]

IMMUTABLE = "field is immutable"
SHOWN = 160  # characters of a value quoted in a message (the apiserver quotes all of it)
STATEFULSET_MUTABLE = ("replicas", "ordinals", "template", "updateStrategy",
                       "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy",
                       "minReadySeconds")  # fmt: skip
_STS_MESSAGE = (
    "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', "
    "'template', 'updateStrategy', 'revisionHistoryLimit', "
    "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
)
_POD_MESSAGE = (
    "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
    "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
    "(allow it to be set to 1 if it was previously negative)"
)
_PVC_MESSAGE = (
    "Forbidden: spec is immutable after creation except resources.requests and "
    "volumeAttributesClassName for bound claims"
)


def render(value: Any, limit: int | None = None) -> str:
    """Compact JSON; with `limit`, long values are cut to that many characters plus "..."."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return text if limit is None or len(text) <= limit else text[:limit] + "..."


def get(body: Mapping[str, Any], path: JsonPath) -> Any:
    node: Any = body
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and -1 < part < len(node) else None
        else:
            node = node.get(part) if isinstance(node, Mapping) else None
    return node


def invalid(path: JsonPath, value: Any, detail: str = IMMUTABLE) -> Violation:
    return path, f"{format_path(path)}: Invalid value: {render(value, SHOWN)}: {detail}"


def forbidden(path: JsonPath, detail: str, where: JsonPath | None = None) -> Violation:
    """The apiserver's error at `path`; `where` (default `path`) is the path reported, which
    can point at the changed field inside a spec the apiserver refuses as a whole."""
    return (path if where is None else where), f"{format_path(path)}: {detail}"


def difference(a: Any, b: Any, base: JsonPath = ()) -> JsonPath:
    """The shortest path at which `a` and `b` differ (first in key order at that depth); a
    list whose length changed counts as differing as a whole. `base` when a and b differ at
    the top; callers only ask when they do differ."""
    level: list[tuple[JsonPath, Any, Any]] = [(base, a, b)]
    while level:
        deeper: list[tuple[JsonPath, Any, Any]] = []
        for path, x, y in level:
            if isinstance(x, Mapping) and isinstance(y, Mapping):
                for key in sorted(set(x) | set(y), key=str):
                    if x.get(key) != y.get(key):
                        if key not in x or key not in y:
                            return (*path, key)
                        deeper.append(((*path, key), x[key], y[key]))
            elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
                deeper.extend(
                    ((*path, i), u, v) for i, (u, v) in enumerate(zip(x, y, strict=True)) if u != v
                )
            elif x != y:
                return path
        level = deeper
    return base


def _unchanged(*paths: JsonPath) -> Check:
    """A check that each path keeps its value."""

    def check(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Violation]:
        return [invalid(p, get(new, p)) for p in paths if get(old, p) != get(new, p)]

    return check


def immutable_violations(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Violation]:
    """Every refused change from `old` to `new` (same object identity), in a stable order."""
    api_version, kind = new.get("apiVersion"), new.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return []
    check = CHECKS.get((canonical_group(api_version.rpartition("/")[0], kind), kind))
    return check(old, new) if check is not None else []


def _stateful_set(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Violation]:
    out = _unchanged(("spec", "selector"))(old, new)
    old_spec, new_spec = get(old, ("spec",)) or {}, get(new, ("spec",)) or {}
    if not isinstance(old_spec, Mapping) or not isinstance(new_spec, Mapping):
        return out
    keys = (set(old_spec) | set(new_spec)) - set(STATEFULSET_MUTABLE) - {"selector"}
    before = {k: old_spec[k] for k in keys if k in old_spec}
    after = {k: new_spec[k] for k in keys if k in new_spec}
    if before != after:
        out.append(forbidden(("spec",), _STS_MESSAGE, difference(before, after, ("spec",))))
    return out


def _job(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Violation]:
    paths = [
        ("spec", "selector"),
        ("spec", "template"),
        ("spec", "completionMode"),
        ("spec", "podFailurePolicy"),
        ("spec", "backoffLimitPerIndex"),
    ]
    if get(new, ("spec", "completionMode")) != "Indexed":  # elastic Indexed Jobs may scale
        paths.append(("spec", "completions"))
    return _unchanged(*paths)(old, new)


def _service(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Violation]:
    out: list[Violation] = []
    once = "may not change once set"
    old_ips, new_ips = get(old, ("spec", "clusterIPs")), get(new, ("spec", "clusterIPs"))
    old_ip, new_ip = get(old, ("spec", "clusterIP")), get(new, ("spec", "clusterIP"))
    if old_ips and new_ips and isinstance(old_ips, list) and isinstance(new_ips, list):
        if old_ips[0] != new_ips[0]:
            out.append(invalid(("spec", "clusterIPs", 0), new_ips, once))
    elif old_ip and new_ip and old_ip != new_ip:
        out.append(invalid(("spec", "clusterIPs", 0), [new_ip], once))
    old_class = get(old, ("spec", "loadBalancerClass"))
    if old_class is not None and get(old, ("spec", "type")) == get(new, ("spec", "type")):
        new_class = get(new, ("spec", "loadBalancerClass"))
        if new_class != old_class:
            out.append(invalid(("spec", "loadBalancerClass"), new_class, once))
    return out


def _pod(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Violation]:
    def comparable(body: Mapping[str, Any]) -> Any:
        spec = json.loads(render(get(body, ("spec",)) or {}))
        if not isinstance(spec, dict):
            return spec
        for key in ("containers", "initContainers"):
            containers = spec.get(key)
            for container in containers if isinstance(containers, list) else []:
                if isinstance(container, dict):
                    container.pop("image", None)
        for key in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"):
            spec.pop(key, None)
        return spec

    before, after = comparable(old), comparable(new)
    out = []
    if before != after:
        out.append(forbidden(("spec",), _POD_MESSAGE, difference(before, after, ("spec",))))
    was = get(old, ("spec", "tolerations")) or []
    now = get(new, ("spec", "tolerations")) or []
    if isinstance(was, list) and isinstance(now, list) and any(t not in now for t in was):
        detail = "existing toleration can not be modified except its tolerationSeconds"
        out.append(forbidden(("spec", "tolerations"), f"Forbidden: {detail}"))
    return out


def _claim(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Violation]:
    def rest(body: Mapping[str, Any]) -> Any:
        spec = json.loads(render(get(body, ("spec",)) or {}))
        if not isinstance(spec, dict):
            return spec
        if isinstance(spec.get("resources"), dict):
            spec["resources"].pop("requests", None)
        spec.pop("volumeAttributesClassName", None)
        return spec

    before, after = rest(old), rest(new)
    out = []
    if before != after:
        out.append(forbidden(("spec",), _PVC_MESSAGE, difference(before, after, ("spec",))))
    path = ("spec", "resources", "requests", "storage")
    before, after = get(old, path), get(new, path)
    try:
        shrinks = after is not None and before is not None
        shrinks = shrinks and parse_quantity(after) < parse_quantity(before)
    except (QuantityError, TypeError, ValueError):
        shrinks = False
    if shrinks:
        out.append(forbidden(path, "Forbidden: field can not be less than status.capacity"))
    return out


def _locked_data(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Violation]:
    """ConfigMap/Secret with `immutable: true`: no data change, no way back."""
    if old.get("immutable") is not True:
        return []
    detail = "Forbidden: field is immutable when `immutable` is set"
    out = []
    if new.get("immutable") is not True:
        out.append(forbidden(("immutable",), detail))
    for key in ("data", "binaryData", "stringData"):
        if (old.get(key) or {}) != (new.get(key) or {}):
            out.append(forbidden((key,), detail))
    return out


def _secret(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Violation]:
    return _unchanged(("type",))(old, new) + _locked_data(old, new)


def _role_binding(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Violation]:
    if old.get("roleRef") == new.get("roleRef"):
        return []
    return [invalid(("roleRef",), new.get("roleRef"), "cannot change roleRef")]


def _storage_class(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Violation]:
    keys = ("parameters", "provisioner", "reclaimPolicy", "volumeBindingMode")
    return [
        forbidden((key,), f"Forbidden: updates to {key} are forbidden.")
        for key in keys
        if old.get(key) != new.get(key)
    ]


CHECKS: dict[tuple[str, str], Check] = {
    ("apps", "Deployment"): _unchanged(("spec", "selector")),
    ("apps", "ReplicaSet"): _unchanged(("spec", "selector")),
    ("apps", "DaemonSet"): _unchanged(("spec", "selector")),
    ("apps", "StatefulSet"): _stateful_set,
    ("batch", "Job"): _job,
    ("", "Service"): _service,
    ("", "Pod"): _pod,
    ("", "PersistentVolumeClaim"): _claim,
    ("", "ConfigMap"): _locked_data,
    ("", "Secret"): _secret,
    ("rbac.authorization.k8s.io", "RoleBinding"): _role_binding,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): _role_binding,
    ("storage.k8s.io", "StorageClass"): _storage_class,
}
