"""Filter plugins, in kube-scheduler's default order, with its reason strings.

Each node is rejected by the first plugin that fails (the framework stops there); that plugin's
reasons are what `0/N nodes are available: …` counts. Static plugins look only at the node's
labels, taints and cordon flag, so the scheduler runs them once per node class.
"""

from __future__ import annotations

from collections.abc import Mapping

from kubelint.reconcile.podinfo import CPU, EPHEMERAL, MEMORY, ports_conflict
from kubelint.reconcile.scheduler.nodes import NodeClass, NodeState, Taint, Usage
from kubelint.reconcile.scheduler.pod import SchedPod

UNSCHEDULABLE = "node(s) were unschedulable"
NODE_NAME = "node(s) didn't match the requested node name"
NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
NODE_PORTS = "node(s) didn't have free ports for the requested pod ports"
TOO_MANY_PODS = "Too many pods"
POD_AFFINITY = "node(s) didn't match pod affinity rules"
POD_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
SPREAD = "node(s) didn't match pod topology spread constraints"
SPREAD_MISSING_LABEL = (
    "node(s) didn't match pod topology spread constraints (missing required label)"
)
PREFILTERED = "node is filtered out by the prefilter result"
UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"


def untolerated_taint_reason(taint: Taint) -> str:
    return f"node(s) had untolerated taint {{{taint.key}: {taint.value}}}"


def insufficient(resource: str) -> str:
    return f"Insufficient {resource}"


def node_unschedulable(pod: SchedPod, cls: NodeClass) -> str | None:
    if not cls.unschedulable:
        return None
    if any(t.tolerates(UNSCHEDULABLE_TAINT, "", "NoSchedule") for t in pod.tolerations):
        return None
    return UNSCHEDULABLE


def node_name(pod: SchedPod, name: str) -> str | None:
    return None if not pod.node_name or pod.node_name == name else NODE_NAME


def first_untolerated(pod: SchedPod, taints: tuple[Taint, ...], effects: tuple[str, ...]):
    for taint in taints:
        if taint.effect not in effects:
            continue
        if not any(t.tolerates(taint.key, taint.value, taint.effect) for t in pod.tolerations):
            return taint
    return None


def taint_toleration(pod: SchedPod, cls: NodeClass) -> str | None:
    taint = first_untolerated(pod, cls.taints, ("NoSchedule", "NoExecute"))
    return None if taint is None else untolerated_taint_reason(taint)


def node_affinity_matches(pod: SchedPod, labels: Mapping[str, str], name: str) -> bool:
    for key, value in pod.node_selector.items():
        if labels.get(key) != value:
            return False
    if pod.node_terms is None:
        return True
    return any(
        term is not None and all(r.matches(labels, name) for r in term) for term in pod.node_terms
    )


def node_affinity(pod: SchedPod, labels: Mapping[str, str], name: str) -> str | None:
    return None if node_affinity_matches(pod, labels, name) else NODE_AFFINITY


def static_reason(pod: SchedPod, cls: NodeClass, labels: Mapping[str, str], name: str):
    """The first static plugin rejecting the node, as (plugin, reason), or None."""
    reason = node_unschedulable(pod, cls)
    if reason:
        return "NodeUnschedulable", reason
    reason = node_name(pod, name)
    if reason:
        return "NodeName", reason
    reason = taint_toleration(pod, cls)
    if reason:
        return "TaintToleration", reason
    reason = node_affinity(pod, labels, name)
    if reason:
        return "NodeAffinity", reason
    return None


def node_ports(pod: SchedPod, node: NodeState) -> str | None:
    for want in pod.host_ports:
        for used in node.host_ports:
            if ports_conflict(want, used):
                return NODE_PORTS
    return None


def resources_fit(pod: SchedPod, cls: NodeClass, usage: Usage) -> tuple[str, ...]:
    """NodeResourcesFit: every short resource is named (so counts can exceed N)."""
    cpu, mem, eph, _, _, pods, scalars = usage
    alloc = cls.allocatable
    reasons = []
    if pods + 1 > alloc.get("pods", 0):
        reasons.append(TOO_MANY_PODS)
    req = pod.requests
    if req.empty:
        return tuple(reasons)
    if req.cpu and req.cpu > alloc.get(CPU, 0) - cpu:
        reasons.append(insufficient(CPU))
    if req.memory and req.memory > alloc.get(MEMORY, 0) - mem:
        reasons.append(insufficient(MEMORY))
    if req.ephemeral and req.ephemeral > alloc.get(EPHEMERAL, 0) - eph:
        reasons.append(insufficient(EPHEMERAL))
    used = dict(scalars)
    for name, amount in req.scalars:
        if amount > alloc.get(name, 0) - used.get(name, 0):
            reasons.append(insufficient(name))
    return tuple(reasons)
