"""`kubelint diff --simulate`: what the change does to the predicted pods and endpoints.

Both sides are simulated (kubelint.reconcile) on the same cluster, each from scratch, and the
predictions are compared: per workload, pods by phase and the pods added, removed, replaced (a
new pod template: new pod-template-hash, new ReplicaSet), moved to another node, given another
IP or left Pending with the scheduler's reason; per Service, the ready endpoint addresses; and
the simulate findings that appear or clear. Only what differs is reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from kubelint.model import Document, Finding

if TYPE_CHECKING:
    from kubelint.reconcile.objects import PodRecord
    from kubelint.reconcile.simulate import Simulation

TEXT_POD_LIMIT = 5
"""Pod changes listed per workload in text and Markdown (JSON has them all)."""
HASH_LABEL = "pod-template-hash"


class PodState(NamedTuple):
    name: str  # namespace/name
    node: str | None
    ip: str | None
    phase: str
    ready: bool
    message: str | None  # why Pending or not ready

    def text(self) -> str:
        where = f"{self.node or '<none>'} {self.ip or '<none>'} {self.phase}"
        return where if self.ready or self.phase != "Running" else f"{where} (not ready)"


class PodChange(NamedTuple):
    """added / removed / replaced (old pod → new pod of a new template) / changed (same pod)."""

    change: str
    old: PodState | None
    new: PodState | None

    def text(self) -> str:
        old, new = self.old, self.new
        if old is None and new is not None:
            return f"+ {new.name}  {new.text()}"
        if new is None and old is not None:
            return f"- {old.name}  {old.text()}"
        assert old is not None and new is not None
        name = old.name if old.name == new.name else f"{old.name} → {new.name}"
        before = old.text()
        return f"~ {name}  {new.text() if before == new.text() else f'{before} → {new.text()}'}"


class WorkloadDelta(NamedTuple):
    object: str
    before: Mapping[str, int]  # phase → pods
    after: Mapping[str, int]
    templates: tuple[tuple[str, ...], tuple[str, ...]]  # pod-template-hash values, old / new
    pods: tuple[PodChange, ...]
    pending: int  # pods Pending on the new side that were not before (net)
    reasons: tuple[tuple[str, int], ...]  # new side: why pods stay Pending → how many


class ServiceDelta(NamedTuple):
    object: str
    before: int  # ready addresses
    after: int
    added: tuple[str, ...]  # ready IPs
    removed: tuple[str, ...]
    replaced: int  # ready addresses kept whose pod is another one


class Predicted(NamedTuple):
    cluster: str  # the cluster line simulate prints
    default_cluster: bool
    workloads: tuple[WorkloadDelta, ...]
    services: tuple[ServiceDelta, ...]
    new_findings: tuple[Finding, ...]
    cleared_findings: tuple[Finding, ...]

    @property
    def pending(self) -> int:
        return sum(max(w.pending, 0) for w in self.workloads)


# -- simulate both sides ---------------------------------------------------------------------
def predict(
    old: Sequence[Document], new: Sequence[Document], cluster_path: str | None = None
) -> Predicted:
    """Simulate both document sets on one cluster (default: simulate's) and compare them.
    Raises kubelint.reconcile.simulate.SimulationError for an unusable cluster file."""
    from kubelint.reconcile.output import cluster_line
    from kubelint.reconcile.simulate import SimulateOptions, simulate

    now = datetime.now(UTC)
    before = simulate(SimulateOptions((), cluster_path, now, documents=old))
    after = simulate(SimulateOptions((), cluster_path, now, documents=new))
    new_findings, cleared = _findings(before.findings, after.findings)
    return Predicted(
        cluster_line(after),
        after.cluster.is_default,
        _workloads(before, after),
        _services(before, after),
        new_findings,
        cleared,
    )


# -- compare ---------------------------------------------------------------------------------
def _state(pod: PodRecord) -> PodState:
    return PodState(pod.key, pod.node, pod.ip, pod.phase, pod.ready, pod.message)


def _pods_by_workload(sim: Simulation) -> dict[str, list[PodRecord]]:
    from kubelint.reconcile.output import owner_text

    return {owner_text(w): list(w.pods) for w in sim.workloads}


def _workloads(before: Simulation, after: Simulation) -> tuple[WorkloadDelta, ...]:
    old, new = _pods_by_workload(before), _pods_by_workload(after)
    out = []
    for name in sorted({*old, *new}):
        delta = _workload(name, old.get(name, []), new.get(name, []))
        if delta.pods:
            out.append(delta)
    return tuple(out)


def _workload(name: str, old: list[PodRecord], new: list[PodRecord]) -> WorkloadDelta:
    old_states, new_states = [_state(p) for p in old], [_state(p) for p in new]
    old_names = {s.name for s in old_states}
    new_by_name = {s.name: s for s in new_states}
    changes = [
        PodChange("changed", s, new_by_name[s.name])
        for s in old_states
        if s.name in new_by_name and s != new_by_name[s.name]
    ]
    gone = [s for s in old_states if s.name not in new_by_name]
    came = [s for s in new_states if s.name not in old_names]
    paired = min(len(gone), len(came))  # replaced one for one, in creation order
    changes += [PodChange("replaced", a, b) for a, b in zip(gone, came, strict=False)]
    changes += [PodChange("removed", s, None) for s in gone[paired:]]
    changes += [PodChange("added", None, s) for s in came[paired:]]
    return WorkloadDelta(
        name,
        _phases(old_states),
        _phases(new_states),
        (_hashes(old), _hashes(new)),
        tuple(changes),
        _unscheduled(new_states) - _unscheduled(old_states),
        tuple(sorted(Counter(s.message or "" for s in new_states if _waits(s)).items())),
    )


def _phases(states: Iterable[PodState]) -> dict[str, int]:
    return dict(sorted(Counter(s.phase for s in states).items()))


def _waits(state: PodState) -> bool:
    return state.node is None and state.phase == "Pending"


def _unscheduled(states: Iterable[PodState]) -> int:
    return sum(1 for s in states if _waits(s))


def _hashes(pods: Iterable[PodRecord]) -> tuple[str, ...]:
    return tuple(sorted({p.labels[HASH_LABEL] for p in pods if HASH_LABEL in p.labels}))


def _ready(sim: Simulation) -> dict[str, dict[str, str]]:
    """Service → ready IP → the pod behind it ("" for user-given endpoints)."""
    out = {}
    for view in sim.services:
        if view.stored.doc is None:  # the implicit default/kubernetes
            continue
        key = f"Service {view.stored.namespace}/{view.stored.name}"
        out[key] = {a.ip: a.pod.key if a.pod else "" for a in view.ready()}
    return out


def _services(before: Simulation, after: Simulation) -> tuple[ServiceDelta, ...]:
    old, new = _ready(before), _ready(after)
    out = []
    for name in sorted({*old, *new}):
        a, b = old.get(name, {}), new.get(name, {})
        if a == b:
            continue
        kept = a.keys() & b.keys()
        out.append(
            ServiceDelta(
                name,
                len(a),
                len(b),
                tuple(sorted(b.keys() - a.keys(), key=_ip_key)),
                tuple(sorted(a.keys() - b.keys(), key=_ip_key)),
                sum(1 for ip in kept if a[ip] != b[ip]),
            )
        )
    return tuple(out)


def _ip_key(ip: str) -> tuple[Any, ...]:
    parts = ip.split(".")
    if len(parts) == 4 and all(p.isdigit() for p in parts):
        return (0, *map(int, parts))
    return (1, ip)


def _finding_key(f: Finding) -> tuple[str, str]:
    return f.code, f.message  # sources and lines differ between the sides


def _findings(
    old: Sequence[Finding], new: Sequence[Finding]
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    old_keys, new_keys = {_finding_key(f) for f in old}, {_finding_key(f) for f in new}
    appeared = tuple(f for f in new if _finding_key(f) not in old_keys)
    cleared = tuple(f for f in old if _finding_key(f) not in new_keys)
    return appeared, cleared


# -- report ----------------------------------------------------------------------------------
def _counts(phases: Mapping[str, int]) -> str:
    return ", ".join(f"{n} {phase}" for phase, n in phases.items()) or "no pods"


def workload_line(delta: WorkloadDelta) -> str:
    line = f"{delta.object}: pods {_counts(delta.before)} → {_counts(delta.after)}"
    old, new = delta.templates
    if old and new and old != new:
        line += f" (rollout: pod-template-hash {','.join(old)} → {','.join(new)})"
    return line


def service_line(delta: ServiceDelta) -> str:
    line = f"{delta.object}: ready endpoints {delta.before} → {delta.after}"
    parts = [*(f"+{ip}" for ip in delta.added), *(f"-{ip}" for ip in delta.removed)]
    if delta.replaced:
        parts.append(f"{delta.replaced} now served by a new pod")
    return f"{line} ({', '.join(parts)})" if parts else line


def summary(predicted: Predicted) -> str:
    return (
        f"predicted: pods change in {_plural(len(predicted.workloads), 'workload')}, endpoints "
        f"in {_plural(len(predicted.services), 'Service')}; "
        f"{_plural(predicted.pending, 'pod')} newly Pending; "
        f"{len(predicted.new_findings)} new, {len(predicted.cleared_findings)} cleared "
        f"simulate finding{'' if len(predicted.cleared_findings) == 1 else 's'}"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def text_lines(predicted: Predicted) -> list[str]:
    """The text report's `Predicted` section (also the body of the Markdown one)."""
    out = ["Predicted (both sides simulated)", f"  {predicted.cluster}"]
    for delta in predicted.workloads:
        out.append(f"  {workload_line(delta)}")
        out += [f"    {n} Pending: {why}" for why, n in delta.reasons]
        out += [f"    {c.text()}" for c in delta.pods[:TEXT_POD_LIMIT]]
        if len(delta.pods) > TEXT_POD_LIMIT:
            out.append(f"    … and {len(delta.pods) - TEXT_POD_LIMIT} more (-o json lists all)")
    out += [f"  {service_line(d)}" for d in predicted.services]
    out += [f"  new finding: {f.one_line()}" for f in predicted.new_findings]
    out += [f"  cleared finding: {f.one_line()}" for f in predicted.cleared_findings]
    if len(out) == 2:
        out.append("  no difference in predicted pods, endpoints or findings")
    out.append(f"  {summary(predicted)}")
    return out


def _pod_dict(state: PodState | None) -> dict[str, Any] | None:
    return None if state is None else state._asdict()


def to_dict(predicted: Predicted) -> dict[str, Any]:
    """The JSON report's `predicted` section (docs/diff.md)."""
    from kubelint.report.json_format import finding_dict

    return {
        "cluster": predicted.cluster,
        "defaultCluster": predicted.default_cluster,
        "newlyPending": predicted.pending,
        "workloads": [
            {
                "object": d.object,
                "before": dict(d.before),
                "after": dict(d.after),
                "podTemplateHashes": {"old": list(d.templates[0]), "new": list(d.templates[1])},
                "newlyPending": d.pending,
                "pendingReasons": [{"message": why, "pods": n} for why, n in d.reasons],
                "pods": [
                    {"change": c.change, "old": _pod_dict(c.old), "new": _pod_dict(c.new)}
                    for c in d.pods
                ],
            }
            for d in predicted.workloads
        ],
        "services": [
            {
                "object": d.object,
                "readyBefore": d.before,
                "readyAfter": d.after,
                "added": list(d.added),
                "removed": list(d.removed),
                "newPodBehind": d.replaced,
            }
            for d in predicted.services
        ],
        "findings": {
            "new": [finding_dict(f) for f in predicted.new_findings],
            "cleared": [finding_dict(f) for f in predicted.cleared_findings],
        },
    }


__all__ = ["Predicted", "predict", "text_lines", "to_dict"]
