"""An index of labelled items for selector queries in near-constant time per match.

Items are filed under their namespace and under each (key, value) label pair; a query starts from
the smallest posting list among the selector's single-value equalities and checks the rest of the
selector on those candidates only. Results keep insertion order, so callers that insert in a
sorted order get deterministic output.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

from kubelint.k8s.selectors import Requirement, Selector, label_value

T = TypeVar("T")

ALL_NAMESPACES = None
"""Query every namespace. File cluster-scoped items under namespace "" (not None)."""

Postings = dict[tuple[str, str], list[int]]
"""(label key, value) → positions of the items carrying that label."""


class LabelIndex(Generic[T]):
    def __init__(self) -> None:
        self._items: list[tuple[str, Mapping[str, str], T]] = []
        self._by_namespace: dict[str, list[int]] = {}
        self._by_pair: dict[str, Postings] = {}  # per namespace
        self._across: Postings | None = None  # every namespace: built by the first such query

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: T, namespace: str, labels: Mapping[str, Any] | None) -> None:
        labels = _as_text(labels)
        position = len(self._items)
        self._items.append((namespace, labels, item))
        self._by_namespace.setdefault(namespace, []).append(position)
        postings = self._by_pair.setdefault(namespace, {})
        across = self._across
        for pair in labels.items():
            postings.setdefault(pair, []).append(position)
            if across is not None:  # kept up to date once built (adds and queries interleave)
                across.setdefault(pair, []).append(position)

    def select(self, selector: Selector, namespace: str | None = ALL_NAMESPACES) -> list[T]:
        """Items in `namespace` (None = every namespace) whose labels the selector matches."""
        return list(self._select(selector, namespace))

    def _select(self, selector: Selector, namespace: str | None) -> Iterator[T]:
        if selector.nothing:
            return
        postings = self._by_pair.get(namespace, {}) if namespace is not None else self._all()
        candidates: list[int] | None = None
        used: Requirement | None = None  # the equality the candidates already satisfy
        for requirement in selector.requirements:
            value = requirement.pinned
            if value is not None:
                posting = postings.get((requirement.key, value), [])
                if candidates is None or len(posting) < len(candidates):
                    candidates, used = posting, requirement
        if candidates is None:
            if namespace is ALL_NAMESPACES:
                candidates = list(range(len(self._items)))
            else:
                candidates = self._by_namespace.get(namespace, [])
        rest = [r for r in selector.requirements if r is not used]
        for position in candidates:  # all in `namespace` (when one is given)
            _, labels, item = self._items[position]
            if all(r.matches(labels) for r in rest):
                yield item

    def _all(self) -> Postings:
        if self._across is None:
            self._across = {}
            for position, (_, labels, _) in enumerate(self._items):
                for pair in labels.items():
                    self._across.setdefault(pair, []).append(position)
        return self._across


def _as_text(labels: Mapping[str, Any] | None) -> Mapping[str, str]:
    """The labels with keys and values as text (most are already: those are kept as they are)."""
    if not labels:
        return {}
    for key, value in labels.items():
        if type(key) is not str or type(value) is not str:
            return {str(k): label_value(v) for k, v in labels.items()}
    return labels
