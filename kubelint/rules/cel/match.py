"""Which objects a CEL rule applies to: kinds, namespaces and a label selector."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from kubelint.k8s.selectors import EVERYTHING, Selector
from kubelint.rules.engine import ObjectView


class Match(NamedTuple):
    kinds: frozenset[tuple[str, str]] | None  # (group, kind); None = every kind
    namespaces: frozenset[str] | None  # None = every namespace
    selector: Selector = EVERYTHING

    def applies(self, obj: ObjectView) -> bool:
        kinds = self.kinds
        if (
            kinds is not None
            and (obj.group, obj.kind) not in kinds
            and ("*", obj.kind) not in kinds
        ):
            return False
        if self.namespaces is not None and obj.namespace not in self.namespaces:
            return False
        return self.selector.matches(obj.labels)


def parse_kind(text: str) -> tuple[str, str]:
    """`apps/Deployment` → ("apps", "Deployment"); `Pod` → ("", "Pod"); `*/Foo` any group."""
    group, _, kind = text.rpartition("/")
    return group, kind


def parse_match(spec: Mapping[str, Any]) -> Match:
    kinds = spec.get("kinds")
    namespaces = spec.get("namespaces")
    return Match(
        None if kinds is None or "*" in kinds else frozenset(parse_kind(k) for k in kinds),
        None if namespaces is None else frozenset(namespaces),
        Selector.parse(spec["labelSelector"]) if "labelSelector" in spec else EVERYTHING,
    )
