"""Nodes as the scheduler sees them, grouped so that identical nodes are examined once.

Nodes with the same labels (apart from `kubernetes.io/hostname`), taints, allocatable resources
and cordon state form a `NodeClass`: a static filter (taints, selectors) gives the same verdict
for all of them. Within a class, nodes holding the same requests form a *bucket*: the resource
filter and the resource scores are the same for all of them, so the scheduler evaluates one node
per bucket. Buckets keep their node indices sorted, so "the first node" is the one with the
smallest name.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from kubelint.k8s.quantity import QuantityError, millicores, to_int
from kubelint.reconcile.podinfo import CPU, EPHEMERAL, MEMORY, HostPort, Requests

HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"


class Taint(NamedTuple):
    key: str
    value: str
    effect: str


Usage = tuple[int, int, int, int, int, int, tuple[tuple[str, int], ...]]
"""(cpu, memory, ephemeral, nz_cpu, nz_memory, pods, scalars): what a node's pods request."""
EMPTY_USAGE: Usage = (0, 0, 0, 0, 0, 0, ())


class NodeClass:
    """Nodes that differ only in name: same labels (but hostname), taints, allocatable."""

    __slots__ = ("allocatable", "buckets", "index", "labels", "members", "taints", "unschedulable")

    def __init__(
        self,
        index: int,
        labels: dict[str, str],
        taints: tuple[Taint, ...],
        allocatable: dict[str, int],
        unschedulable: bool,
    ) -> None:
        self.index = index
        self.labels = labels
        self.taints = taints
        self.allocatable = allocatable
        self.unschedulable = unschedulable
        self.members: list[int] = []
        self.buckets: dict[Usage, list[int]] = {}


class _Lazy:
    """A group member's Node object, built on first use."""

    __slots__ = ("group", "index")

    def __init__(self, group: Any, index: int) -> None:
        self.group = group
        self.index = index

    def get(self) -> Mapping[str, Any]:
        return self.group.node(self.index)


class NodeState:
    """One node and what is bound to it so far."""

    __slots__ = ("body", "cls", "host_ports", "index", "labels", "name", "pods", "usage")

    def __init__(self, index: int, name: str, body: Mapping[str, Any], labels: dict[str, str]):
        self.index = index
        self.name = name
        self.body = body
        self.labels = labels
        self.cls: NodeClass
        self.usage: Usage = EMPTY_USAGE
        self.host_ports: list[HostPort] = []
        self.pods: list[str] = []  # "namespace/name" of bound pods, in bind order

    @property
    def object(self) -> Mapping[str, Any]:
        """The v1 Node object."""
        body = self.body
        return body.get() if isinstance(body, _Lazy) else body


def _labels(node: Mapping[str, Any]) -> dict[str, str]:
    labels = (node.get("metadata") or {}).get("labels") or {}
    return {str(k): "" if v is None else str(v) for k, v in labels.items()}


def _taints(node: Mapping[str, Any]) -> tuple[Taint, ...]:
    out = []
    for t in (node.get("spec") or {}).get("taints") or []:
        if isinstance(t, Mapping) and t.get("key") is not None:
            out.append(Taint(str(t["key"]), str(t.get("value") or ""), str(t.get("effect") or "")))
    return tuple(out)


def _allocatable(node: Mapping[str, Any]) -> dict[str, int]:
    status = node.get("status") or {}
    raw = status.get("allocatable") or status.get("capacity") or {}
    out: dict[str, int] = {}
    for name, value in raw.items():
        try:
            out[str(name)] = millicores(value) if name == CPU else to_int(value)
        except QuantityError:
            out[str(name)] = 0
    return out


class NodeSet:
    """All nodes, sorted by name, with their classes and per-class usage buckets.

    Build it from Node objects, or with `from_groups` from the cluster description's node groups
    (a group's members share one class, and no Node object is built per member)."""

    def __init__(self, nodes: Iterable[Mapping[str, Any]] = ()) -> None:
        self.nodes: list[NodeState] = []
        self.classes: list[NodeClass] = []
        self.by_name: dict[str, NodeState] = {}
        self._keys: dict[tuple[Any, ...], NodeClass] = {}
        entries = []
        for body in nodes:
            name = str((body.get("metadata") or {}).get("name") or "")
            entries.append((name, _labels(body), self._class_of(body), body))
        self._index(entries)

    @classmethod
    def from_groups(cls, groups: Iterable[Any]) -> NodeSet:
        """From kubelint.cluster NodeGroups: `template` (member 0's Node), `names`, `node(i)`."""
        self = cls()
        entries = []
        for group in groups:
            template = group.template
            node_class = self._class_of(template)
            labels = _labels(template)
            for i, name in enumerate(group.names):
                member = labels if group.count == 1 else {**labels, HOSTNAME: name}
                entries.append((name, member, node_class, _Lazy(group, i)))
        self._index(entries)
        return self

    def _class_of(self, body: Mapping[str, Any]) -> NodeClass:
        labels = _labels(body)
        class_labels = {k: v for k, v in labels.items() if k != HOSTNAME}
        taints = _taints(body)
        allocatable = _allocatable(body)
        unschedulable = (body.get("spec") or {}).get("unschedulable") is True
        key = (
            tuple(sorted(class_labels.items())),
            taints,
            tuple(sorted(allocatable.items())),
            unschedulable,
        )
        found = self._keys.get(key)
        if found is None:
            found = NodeClass(len(self.classes), class_labels, taints, allocatable, unschedulable)
            self._keys[key] = found
            self.classes.append(found)
        return found

    def _index(self, entries: list[tuple[str, dict[str, str], NodeClass, Any]]) -> None:
        entries.sort(key=lambda e: e[0])
        for index, (name, labels, node_class, body) in enumerate(entries):
            state = NodeState(index, name, body, labels)
            state.cls = node_class
            node_class.members.append(index)
            node_class.buckets.setdefault(EMPTY_USAGE, []).append(index)
            self.nodes.append(state)
            self.by_name[name] = state

    def bind(self, node: NodeState, pod_key: str, req: Requests, ports: Iterable[HostPort]) -> None:
        """Account a pod on `node` and move the node to its new bucket."""
        cpu, mem, eph, nz_cpu, nz_mem, pods, scalars = node.usage
        if req.scalars:
            merged = dict(scalars)
            for k, v in req.scalars:
                merged[k] = merged.get(k, 0) + v
            scalars = tuple(sorted(merged.items()))
        new: Usage = (
            cpu + req.cpu,
            mem + req.memory,
            eph + req.ephemeral,
            nz_cpu + req.nz_cpu,
            nz_mem + req.nz_memory,
            pods + 1,
            scalars,
        )
        buckets = node.cls.buckets
        old = buckets[node.usage]
        del old[bisect.bisect_left(old, node.index)]
        if not old:
            del buckets[node.usage]
        bisect.insort(buckets.setdefault(new, []), node.index)
        node.usage = new
        node.host_ports.extend(ports)
        node.pods.append(pod_key)


def free(cls: NodeClass, usage: Usage) -> dict[str, int]:
    """Allocatable minus requested, per resource (for messages and capacity estimates)."""
    cpu, mem, eph, _, _, pods, scalars = usage
    out = dict(cls.allocatable)
    out[CPU] = out.get(CPU, 0) - cpu
    out[MEMORY] = out.get(MEMORY, 0) - mem
    out[EPHEMERAL] = out.get(EPHEMERAL, 0) - eph
    out["pods"] = out.get("pods", 0) - pods
    for k, v in scalars:
        out[k] = out.get(k, 0) - v
    return out
