"""An index of labelled items for selector queries in near-constant time per match.

Items are filed under their namespace and under each (key, value) label pair; a query starts from
the smallest posting list among the selector's single-value equalities and checks the rest of the
selector on those candidates only. Results keep insertion order, so callers that insert in a
sorted order get deterministic output.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

from kubelint.k8s.selectors import Selector, label_value

T = TypeVar("T")

ALL_NAMESPACES = None
"""Query every namespace. File cluster-scoped items under namespace "" (not None)."""
_ALL = "\x00all"


class LabelIndex(Generic[T]):
    def __init__(self) -> None:
        self._items: list[tuple[str, Mapping[str, str], T]] = []
        self._by_namespace: dict[str, list[int]] = {}
        self._by_pair: dict[tuple[str | None, str, str], list[int]] = {}

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: T, namespace: str, labels: Mapping[str, Any] | None) -> None:
        labels = {str(k): label_value(v) for k, v in (labels or {}).items()}
        position = len(self._items)
        self._items.append((namespace, labels, item))
        self._by_namespace.setdefault(namespace, []).append(position)
        for key, value in labels.items():
            self._by_pair.setdefault((namespace, key, value), []).append(position)
            self._by_pair.setdefault((_ALL, key, value), []).append(position)

    def select(self, selector: Selector, namespace: str | None = ALL_NAMESPACES) -> list[T]:
        """Items in `namespace` (None = every namespace) whose labels the selector matches."""
        return list(self._select(selector, namespace))

    def _select(self, selector: Selector, namespace: str | None) -> Iterator[T]:
        if selector.nothing:
            return
        candidates: list[int] | None = None
        for key, value in selector.equalities().items():
            posting = self._by_pair.get((_ALL if namespace is None else namespace, key, value), [])
            if candidates is None or len(posting) < len(candidates):
                candidates = posting
        if candidates is None:
            if namespace is ALL_NAMESPACES:
                candidates = list(range(len(self._items)))
            else:
                candidates = self._by_namespace.get(namespace, [])
        for position in candidates:
            item_ns, labels, item = self._items[position]
            if namespace is not ALL_NAMESPACES and item_ns != namespace:
                continue
            if selector.matches(labels):
                yield item
