"""The records the reconciler passes between its stages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kubelint.model import Document, ObjectRef, dicts


class Stored(NamedTuple):
    """An object as the store holds it after apply (defaulted body) and the document it came
    from (None for implicit objects such as Service default/kubernetes)."""

    ref: ObjectRef
    body: Mapping[str, Any]
    doc: Document | None

    @property
    def namespace(self) -> str:
        return self.ref.namespace or ""

    @property
    def name(self) -> str:
        return self.ref.name

    @property
    def key(self) -> str:
        return f"{self.ref.namespace}/{self.ref.name}" if self.ref.namespace else self.ref.name


@dataclass(eq=False)
class PodRecord:
    """A predicted Pod: its object, owner and what scheduling and the kubelet made of it."""

    body: dict[str, Any]
    workload: Workload
    node: str | None = None
    ip: str | None = None
    host_network: bool = False
    phase: str = "Pending"
    ready: bool = False
    message: str | None = None  # why Pending (scheduler FitError) or not ready
    waiting: dict[str, str] = field(default_factory=dict)  # container → waiting reason

    @property
    def namespace(self) -> str:
        return self.body["metadata"]["namespace"]

    @property
    def name(self) -> str:
        return self.body["metadata"]["name"]

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def labels(self) -> Mapping[str, str]:
        return self.body["metadata"].get("labels") or {}

    def containers(self, *keys: str) -> list[Mapping[str, Any]]:
        """The pod's containers under `keys` (default: app containers only)."""
        spec = self.body.get("spec") or {}
        return [c for key in keys or ("containers",) for c in dicts(spec.get(key))]


@dataclass(eq=False)
class Workload:
    """A controller (or bare Pod) and everything it made."""

    owner: Stored
    desired: int = 0
    replicas_range: tuple[int, int] | None = None  # an HPA's minReplicas..maxReplicas
    children: list[dict[str, Any]] = field(default_factory=list)  # ReplicaSets, PVCs
    pods: list[PodRecord] = field(default_factory=list)
    schedule: list[str] = field(default_factory=list)  # CronJob: next run times
    skipped_nodes: dict[str, str] = field(default_factory=dict)  # DaemonSet: node → why not

    @property
    def ref(self) -> ObjectRef:
        return self.owner.ref
