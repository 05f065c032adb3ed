"""Rollout impact: what applying a change does to a running cluster.

Each check looks at one changed object (both normalised bodies and its field changes) and says
whether pods roll, the object is re-created, the apiserver rejects the update, replicas scale, or
a Service / NetworkPolicy / PodDisruptionBudget selects other workloads. Later stages (the
reconciler's predicted pods and endpoints) add checks with `register_check`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from kubelint.codes import Code, register
from kubelint.diff.model import FieldChange, Impact, Level, Op, Status
from kubelint.diff.selection import Selection, pod_labels
from kubelint.k8s.podspec import pod_template
from kubelint.k8s.scope import canonical_group
from kubelint.model import JsonPath, ObjectRef, Severity, dicts
from kubelint.store.immutable import immutable_violations

_SEVERITY = {Level.REJECT: Severity.ERROR, Level.RECREATE: Severity.WARNING}
_CODES = {
    "pods-roll": ("KL750", Level.ROLLOUT, "Pods are replaced by a rolling update"),
    "pods-recreated": ("KL751", Level.RECREATE, "All pods are deleted before new ones start"),
    "update-rejected": ("KL752", Level.REJECT, "The update changes an immutable field"),
    "selector-changed": ("KL753", Level.RECREATE, "A workload selector changed: delete+create"),
    "replicas-changed": ("KL754", Level.INFO, "The replica count changes"),
    "selection-changed": ("KL755", Level.INFO, "A selector picks other workloads"),
    "volume-claim-changed": ("KL756", Level.INFO, "A volume claim or claim template changed"),
    "api-migration": ("KL757", Level.INFO, "The object moves to another apiVersion"),
    "object-renamed": ("KL758", Level.INFO, "The object is renamed (created anew, old deleted)"),
    "template-deferred": ("KL760", Level.INFO, "The new template applies to future pods only"),
}
register(
    *(
        Code(code, name, _SEVERITY.get(level, Severity.INFO), title)
        for name, (code, level, title) in _CODES.items()
    )
)

REPLICATED = {"Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"}
SELECTOR_IMMUTABLE = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"}
STATEFUL_DATA = {"PersistentVolumeClaim", "StatefulSet"}


class Subject(NamedTuple):
    """What the checks see: a changed object on both sides (None where absent)."""

    status: Status
    ref: ObjectRef
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None
    fields: tuple[FieldChange, ...]
    old_selection: Selection
    new_selection: Selection


Check = Callable[[Subject], Iterable[Impact]]
_CHECKS: list[Check] = []


def register_check(check: Check) -> Check:
    """Add an impact check (used as a decorator; later stages hook in here)."""
    _CHECKS.append(check)
    return check


def impacts(subject: Subject) -> tuple[Impact, ...]:
    found = [i for check in _CHECKS for i in check(subject)]
    return tuple(sorted(found, key=lambda i: (-i.level, i.code, i.path, i.message)))


def impact(name: str, message: str, path: JsonPath = (), level: Level | None = None, **details):
    code, default_level, _ = _CODES[name]
    return Impact(
        code,
        name,
        default_level if level is None else level,
        message,
        tuple(sorted(details.items())),
        path,
    )


def _group(ref: ObjectRef) -> str:
    return canonical_group(ref.group, ref.kind)


def _get(body: Mapping[str, Any] | None, *path: str) -> Any:
    node: Any = body
    for part in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


# -- checks -----------------------------------------------------------------------------------
@register_check
def pod_template_change(s: Subject) -> Iterable[Impact]:
    if s.status not in (Status.CHANGED, Status.MIGRATED) or s.old is None or s.new is None:
        return
    group, kind = _group(s.ref), s.ref.kind
    before, after = pod_template(s.old, group, kind), pod_template(s.new, group, kind)
    if before is None or after is None or kind == "Pod" or kind == "Job":
        return  # a Pod's and a Job's template are immutable: immutable_violations says so
    if (before.metadata, before.spec) == (after.metadata, after.spec):
        return
    containers = _changed_containers(before.spec, after.spec)
    images = _image_changes(before.spec, after.spec)
    path = after.path
    what = _describe(containers, images, _reordered(s.fields, path))
    if kind in ("CronJob", "ReplicaSet", "ReplicationController") or _on_delete(s.new):
        name = "template-deferred"
        message = f"{kind} pod template changed{what}: running pods keep the old template; " + (
            "the next Job uses the new one" if kind == "CronJob" else "new pods use it"
        )
    elif _get(s.new, "spec", "strategy", "type") == "Recreate":
        name = "pods-recreated"
        message = (
            f"pod template changed{what}: strategy Recreate deletes every pod before new ones "
            "start (downtime)"
        )
    else:
        name, message = "pods-roll", f"pod template changed{what}: pods roll"
    yield impact(name, message, path, containers=containers, images=images)


def _on_delete(body: Mapping[str, Any]) -> bool:
    return _get(body, "spec", "updateStrategy", "type") == "OnDelete"


def _containers(spec: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for field in ("initContainers", "containers"):
        for c in dicts(spec.get(field)):
            out[f"{field}/{c.get('name')}"] = c
    return out


def _changed_containers(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    a, b = _containers(old), _containers(new)
    names = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    return [n.partition("/")[2] for n in names]


def _image_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[list[str]]:
    a, b = _containers(old), _containers(new)
    out = []
    for key in sorted(a.keys() & b.keys()):
        before, after = a[key].get("image"), b[key].get("image")
        if before != after:
            out.append([key.partition("/")[2], str(before), str(after)])
    return out


def _reordered(fields: Iterable[FieldChange], template: JsonPath) -> list[str]:
    """Names of the lists inside the template whose items only moved (e.g. env, containers)."""
    names = {
        str(f.path[-1])
        for f in fields
        if f.op == Op.ORDER and f.path[: len(template)] == template and f.path
    }
    return sorted(names)


def _describe(containers: list[str], images: list[list[str]], reordered: list[str]) -> str:
    parts = []
    if containers:
        parts.append("containers " + ", ".join(containers))
    if reordered:
        parts.append("order of " + ", ".join(reordered) + " changed")
    parts.extend(f"image {name}: {a} → {b}" for name, a, b in images)
    return f" ({'; '.join(parts)})" if parts else ""


@register_check
def immutable_fields(s: Subject) -> Iterable[Impact]:
    if s.old is None or s.new is None or s.status == Status.RENAMED:
        return
    for path, message in immutable_violations(s.old, s.new):
        yield impact("update-rejected", message, tuple(path))  # the message names the path


@register_check
def selector_change(s: Subject) -> Iterable[Impact]:
    if s.old is None or s.new is None or s.ref.kind not in SELECTOR_IMMUTABLE:
        return
    before, after = _get(s.old, "spec", "selector"), _get(s.new, "spec", "selector")
    if before != after:
        yield impact(
            "selector-changed",
            f"spec.selector changed: {s.ref.kind} selectors are immutable, so the object must "
            "be deleted and re-created (its pods are replaced at once)",
            ("spec", "selector"),
        )


@register_check
def scale(s: Subject) -> Iterable[Impact]:
    if s.old is None or s.new is None or s.ref.kind not in REPLICATED:
        return
    before, after = _replicas(s.old), _replicas(s.new)
    if before != after:
        verb = "scales up" if after > before else "scales down"
        yield impact(
            "replicas-changed",
            f"{verb}: {before} → {after} replicas",
            ("spec", "replicas"),
            before=before,
            after=after,
        )


def _replicas(body: Mapping[str, Any]) -> int:
    value = _get(body, "spec", "replicas")
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


@register_check
def volume_claims(s: Subject) -> Iterable[Impact]:
    if s.old is None or s.new is None:
        return
    if s.ref.kind == "PersistentVolumeClaim":
        path = ("spec", "resources", "requests", "storage")
        before, after = _get(s.old, *path), _get(s.new, *path)
        if before != after:
            yield impact(
                "volume-claim-changed",
                f"storage request {before} → {after} (growing needs a StorageClass with "
                "allowVolumeExpansion; shrinking is rejected)",
                path,
                before=before,
                after=after,
            )
    elif s.ref.kind == "StatefulSet":
        before, after = (_get(b, "spec", "volumeClaimTemplates") for b in (s.old, s.new))
        if before != after:
            yield impact(
                "volume-claim-changed",
                "volumeClaimTemplates changed: existing PVCs keep their old spec "
                "(the StatefulSet field is immutable; re-create the StatefulSet with "
                "--cascade=orphan to change it)",
                ("spec", "volumeClaimTemplates"),
            )


@register_check
def migration_and_rename(s: Subject) -> Iterable[Impact]:
    if s.status == Status.MIGRATED and s.old is not None and s.new is not None:
        yield impact(
            "api-migration",
            f"apiVersion {s.old.get('apiVersion')} → {s.new.get('apiVersion')}",
            ("apiVersion",),
        )
    if s.status == Status.RENAMED and s.old is not None and s.new is not None:
        old_name = _get(s.old, "metadata", "name")
        heavy = s.ref.kind in STATEFUL_DATA or pod_template(s.new, _group(s.ref), s.ref.kind)
        yield impact(
            "object-renamed",
            f"renamed from {old_name}: a new object is created and {old_name} deleted"
            + (" (new pods or volumes, not an update in place)" if heavy else ""),
            ("metadata", "name"),
            level=Level.RECREATE if heavy else Level.INFO,
        )


@register_check
def selection(s: Subject) -> Iterable[Impact]:
    """Selector objects selecting other workloads; workloads selected by other selectors."""
    old_sel = s.old_selection.selected_by(s.ref, s.old) if s.old is not None else None
    new_sel = s.new_selection.selected_by(s.ref, s.new) if s.new is not None else None
    if old_sel is not None or new_sel is not None:
        before, after = old_sel or [], new_sel or []
        if before != after:
            message = _selection_message("selects", before, after)
            yield impact("selection-changed", message, before=before, after=after)
    if (
        s.old is not None
        and s.new is not None
        and pod_labels(s.ref, s.old) == pod_labels(s.ref, s.new)
    ):
        return  # same pod labels: only a changed selector (reported on itself) selects anew
    old_by = s.old_selection.selectors_of(s.ref, s.old) if s.old is not None else []
    new_by = s.new_selection.selectors_of(s.ref, s.new) if s.new is not None else []
    if old_by != new_by:
        message = _selection_message("selected by", old_by, new_by)
        yield impact("selection-changed", message, before=old_by, after=new_by)


def _selection_message(verb: str, before: list[str], after: list[str]) -> str:
    gained = [x for x in after if x not in before]
    lost = [x for x in before if x not in after]
    parts = []
    if gained:
        parts.append(f"now {verb} {', '.join(gained)}")
    if lost:
        parts.append(f"no longer {verb} {', '.join(lost)}")
    return "; ".join(parts)
