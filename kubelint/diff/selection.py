"""Which workloads the Services, NetworkPolicies and PodDisruptionBudgets of one side select.

Workloads (anything with a pod template, and Pods) are indexed by their pod labels in a
LabelIndex; selector objects are grouped by namespace. Both are built per namespace on first use,
so a diff pays only for the namespaces its changed objects live in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kubelint.k8s.labelindex import LabelIndex
from kubelint.k8s.podspec import pod_template
from kubelint.k8s.scope import canonical_group
from kubelint.k8s.selectors import Selector, SelectorError
from kubelint.model import ObjectRef

SELECTOR_KINDS = {
    ("", "Service"): "map",
    ("networking.k8s.io", "NetworkPolicy"): "podSelector",
    ("policy", "PodDisruptionBudget"): "label",
}


def selector_of(ref: ObjectRef, body: Mapping[str, Any]) -> Selector | None:
    """The pod selector of a Service, NetworkPolicy or PDB (None for other kinds or when the
    selector is unusable)."""
    shape = SELECTOR_KINDS.get((canonical_group(ref.group, ref.kind), ref.kind))
    spec = body.get("spec")
    if shape is None or not isinstance(spec, Mapping):
        return None
    try:
        if shape == "map":
            return Selector.from_map(spec.get("selector"))
        if shape == "podSelector":
            return Selector.parse(spec.get("podSelector"))
        return Selector.parse(spec.get("selector"))
    except SelectorError:
        return None


def pod_labels(ref: ObjectRef, body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    template = pod_template(body, canonical_group(ref.group, ref.kind), ref.kind)
    return template.labels if template is not None else None


def _name(ref: ObjectRef) -> str:
    return f"{ref.kind}/{ref.name}"


class Selection:
    """Selection queries over one side, indexed namespace by namespace on first use."""

    def __init__(self, objects: Iterable[tuple[ObjectRef, Mapping[str, Any]]]) -> None:
        self._pending = objects
        self._by_namespace: dict[str, list[tuple[ObjectRef, Mapping[str, Any]]]] | None = None
        self._workloads: dict[str, LabelIndex[str]] = {}
        self._selectors: dict[str, list[tuple[str, Selector]]] = {}
        self._reverse: dict[str, dict[str, list[str]]] = {}

    def _objects(self, namespace: str) -> list[tuple[ObjectRef, Mapping[str, Any]]]:
        if self._by_namespace is None:
            self._by_namespace = {}
            for ref, body in self._pending:
                self._by_namespace.setdefault(ref.namespace or "", []).append((ref, body))
            for items in self._by_namespace.values():
                items.sort(key=lambda item: (item[0].kind, item[0].name))
        return self._by_namespace.get(namespace, [])

    def _index(self, namespace: str) -> LabelIndex[str]:
        index = self._workloads.get(namespace)
        if index is None:
            index = self._workloads[namespace] = LabelIndex()
            for ref, body in self._objects(namespace):
                labels = pod_labels(ref, body)
                if labels is not None:
                    index.add(_name(ref), namespace, labels)
        return index

    def _selectors_in(self, namespace: str) -> list[tuple[str, Selector]]:
        found = self._selectors.get(namespace)
        if found is None:
            found = self._selectors[namespace] = []
            for ref, body in self._objects(namespace):
                selector = selector_of(ref, body)
                if selector is not None:
                    found.append((_name(ref), selector))
        return found

    def selected_by(self, ref: ObjectRef, body: Mapping[str, Any]) -> list[str] | None:
        """Workloads this selector object selects on this side (None: not a selector kind)."""
        selector = selector_of(ref, body)
        if selector is None:
            return None
        namespace = ref.namespace or ""
        return sorted(set(self._index(namespace).select(selector, namespace)))

    def selectors_of(self, ref: ObjectRef, body: Mapping[str, Any]) -> list[str]:
        """Selector objects on this side that select this workload's pods."""
        if pod_labels(ref, body) is None:
            return []
        return self._selectors_by_workload(ref.namespace or "").get(_name(ref), [])

    def _selectors_by_workload(self, namespace: str) -> dict[str, list[str]]:
        """Workload → the selector objects selecting it: each selector queried once through
        the label index (not every selector tried against every workload)."""
        found = self._reverse.get(namespace)
        if found is None:
            found = self._reverse[namespace] = {}
            index = self._index(namespace)
            for name, selector in self._selectors_in(namespace):
                for workload in index.select(selector, namespace):
                    found.setdefault(workload, []).append(name)
            for names in found.values():
                names.sort()
        return found
