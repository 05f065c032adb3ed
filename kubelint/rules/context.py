"""What set rules see: every object of the input, with indexes so that a rule costs about one
lookup per object rather than a scan of the set.

Indexes:
- `by_kind[(group, kind)]` — objects of a kind, in input order;
- `get(group, kind, namespace, name)` — one object by identity (first occurrence);
- `named(kind_names, namespace, name)` — lookup across API groups (`Deployment` in apps or
  extensions) for references that name a kind without its group; `namesakes()` — the groups
  of such objects with the same name;
- `workloads` — a LabelIndex of objects with a pod template, filed under their template labels,
  so `select_workloads(namespace, selector)` answers "which pods would this Service select".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from kubelint.k8s.labelindex import LabelIndex
from kubelint.k8s.selectors import Selector
from kubelint.rules.engine import DEFAULT_SETTINGS, ObjectView, Settings


class Context:
    def __init__(
        self, objects: Sequence[ObjectView], settings: Settings = DEFAULT_SETTINGS
    ) -> None:
        self.objects = objects
        self.settings = settings
        self.by_kind: dict[tuple[str, str], list[ObjectView]] = {}
        self._by_kind_name: dict[tuple[str, str, str], list[ObjectView]] = {}
        self.workloads: LabelIndex[ObjectView] = LabelIndex()
        self._selected: dict[tuple[str | None, Selector], list[ObjectView]] = {}
        for obj in objects:
            kind, namespace = obj.kind, obj.namespace
            self.by_kind.setdefault((obj.group, kind), []).append(obj)
            self._by_kind_name.setdefault((kind, namespace, obj.name), []).append(obj)
            template = obj.template
            if template is not None and kind != "PodTemplate":
                self.workloads.add(obj, namespace, template.labels)

    def of_kind(self, *kinds: tuple[str, str]) -> Iterable[ObjectView]:
        for kind in kinds:
            yield from self.by_kind.get(kind, ())

    def get(self, group: str, kind: str, namespace: str, name: str) -> ObjectView | None:
        """The first object with this identity."""
        for obj in self._by_kind_name.get((kind, namespace, name), ()):
            if obj.group == group:
                return obj
        return None

    def named(self, kind: str, namespace: str, name: str) -> list[ObjectView]:
        """Objects of `kind` (any group) called `name` in `namespace` ("" = cluster scope)."""
        return self._by_kind_name.get((kind, namespace, name), [])

    def namesakes(self) -> Iterator[list[ObjectView]]:
        """Objects of one kind (any group) sharing a namespace and name, two or more, each
        group in input order."""
        return (found for found in self._by_kind_name.values() if len(found) > 1)

    def select_workloads(self, namespace: str | None, selector: Selector) -> list[ObjectView]:
        """Objects whose pod template labels match (None namespace = all namespaces). Answers
        are kept: Services, controllers and budgets of one application ask the same question."""
        key = (namespace, selector)
        found = self._selected.get(key)
        if found is None:
            found = self._selected[key] = self.workloads.select(selector, namespace)
        return list(found)  # the caller's own list
