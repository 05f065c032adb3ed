"""The selector PodTopologySpread's system default constraints count pods with."""

from __future__ import annotations

from collections.abc import Sequence

from kubelint.k8s.selectors import Selector, SelectorError
from kubelint.reconcile.objects import Stored, Workload
from kubelint.reconcile.scheduler.pod import SchedPod


class DefaultSelectors:
    """The selector PodTopologySpread's system defaults use for a pod: the Services,
    ReplicationControllers, ReplicaSets and StatefulSets selecting it, ANDed. Selectors are
    filed under one of their label pairs, so a pod is tested only against plausible ones."""

    def __init__(self, objects: Sequence[Stored], workloads: Sequence[Workload]) -> None:
        self._by_pair: dict[tuple[str, str, str], list[Selector]] = {}
        self._unkeyed: dict[str, list[Selector]] = {}
        for obj in objects:
            kind, spec = obj.ref.kind, obj.body.get("spec") or {}
            try:
                if kind in ("Service", "ReplicationController") and obj.ref.group == "":
                    self._add(obj.namespace, Selector.from_map(spec.get("selector")))
                elif kind in ("ReplicaSet", "StatefulSet") and obj.ref.group == "apps":
                    self._add(obj.namespace, Selector.parse(spec.get("selector")))
            except SelectorError:
                continue
        for workload in workloads:
            for child in workload.children:
                if child.get("kind") == "ReplicaSet":
                    selector = Selector.parse(child["spec"]["selector"])
                    self._add(child["metadata"]["namespace"], selector)
        self._cache: dict[tuple[str, tuple[tuple[str, str], ...]], Selector | None] = {}

    def _add(self, namespace: str, selector: Selector) -> None:
        if selector.nothing:
            return
        pairs = selector.equalities()
        if pairs:
            key, value = min(pairs.items())
            self._by_pair.setdefault((namespace, key, value), []).append(selector)
        else:
            self._unkeyed.setdefault(namespace, []).append(selector)

    def __call__(self, pod: SchedPod) -> Selector | None:
        key = (pod.namespace, tuple(sorted(pod.labels.items())))
        if key not in self._cache:
            candidates = list(self._unkeyed.get(pod.namespace, []))
            for label, value in pod.labels.items():
                candidates.extend(self._by_pair.get((pod.namespace, label, value), []))
            reqs = set()
            for selector in candidates:
                if selector.matches(pod.labels):
                    reqs.update(selector.requirements)
            self._cache[key] = (
                Selector(tuple(sorted(reqs, key=lambda r: (r.key, r.operator, sorted(r.values)))))
                if reqs
                else None
            )
        return self._cache[key]
