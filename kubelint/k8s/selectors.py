"""Label selectors with exactly Kubernetes' semantics.

Two shapes exist in the API:
- a *map* selector (`Service.spec.selector`, `ReplicationController.spec.selector`): every pair
  must match; an empty or missing map selects nothing for a Service (no Endpoints are managed);
- a `LabelSelector` (`matchLabels` + `matchExpressions`, used by workloads, PDBs, NetworkPolicies,
  affinity terms): requirements are ANDed; an empty selector `{}` selects everything, while a
  missing (null) selector selects nothing.

`Selector.parse` reports what the apiserver would reject (unknown operator, `In` with no values,
`Exists` with values) as `SelectorError`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, NamedTuple

OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


class SelectorError(ValueError):
    """A selector the apiserver would reject; `path` is relative to the selector."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


class Requirement(NamedTuple):
    key: str
    operator: str  # one of OPERATORS
    values: frozenset[str]

    def matches(self, labels: Mapping[str, Any]) -> bool:
        op = self.operator
        present = self.key in labels
        if op == "Exists":
            return present
        if op == "DoesNotExist":
            return not present
        value = label_value(labels[self.key]) if present else None
        if op == "In":
            return present and value in self.values
        return not present or value not in self.values  # NotIn: a missing key satisfies it

    @property
    def pinned(self) -> str | None:
        """The one value an `In` requirement with a single value pins its key to, else None."""
        if self.operator == "In" and len(self.values) == 1:
            return next(iter(self.values))
        return None

    def __str__(self) -> str:
        if self.operator == "Exists":
            return self.key
        if self.operator == "DoesNotExist":
            return f"!{self.key}"
        if (value := self.pinned) is not None:
            return f"{self.key}={value}"
        op = "in" if self.operator == "In" else "notin"
        return f"{self.key} {op} ({','.join(sorted(self.values))})"


class Selector(NamedTuple):
    """A parsed selector: `nothing` selects no object; otherwise all requirements must hold
    (no requirements = everything)."""

    requirements: tuple[Requirement, ...]
    nothing: bool = False

    @classmethod
    def parse(cls, selector: Any) -> Selector:
        """A `LabelSelector` (matchLabels/matchExpressions). None selects nothing; {} everything."""
        if selector is None:
            return NOTHING
        if not isinstance(selector, dict) and not isinstance(selector, Mapping):
            raise SelectorError("selector must be an object")
        match_labels = selector.get("matchLabels") or {}
        if not isinstance(match_labels, dict) and not isinstance(match_labels, Mapping):
            raise SelectorError("matchLabels must be an object", ("matchLabels",))
        reqs = [_equality(str(key), label_value(value)) for key, value in match_labels.items()]
        expressions = selector.get("matchExpressions")
        if expressions:
            if not isinstance(expressions, list):
                raise SelectorError("matchExpressions must be a list", ("matchExpressions",))
            for i, expr in enumerate(expressions):
                reqs.append(_expression(expr, ("matchExpressions", i)))
        return cls(_normalise(reqs))

    @classmethod
    def from_map(cls, selector: Any, empty_selects_all: bool = False) -> Selector:
        """A map selector (Service, ReplicationController). Empty/missing selects nothing unless
        `empty_selects_all` (a ReplicationController defaults its selector to the template labels,
        which callers pass instead)."""
        if not selector:
            return EVERYTHING if empty_selects_all else NOTHING
        if not isinstance(selector, Mapping):
            raise SelectorError("selector must be a map of labels")
        return cls(_normalise([_equality(str(k), label_value(v)) for k, v in selector.items()]))

    @property
    def everything(self) -> bool:
        return not self.nothing and not self.requirements

    def matches(self, labels: Mapping[str, Any] | None) -> bool:
        if self.nothing:
            return False
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    def equalities(self) -> dict[str, str]:
        """key → value for requirements that pin a single value (used to narrow index lookups)."""
        return {r.key: value for r in self.requirements if (value := r.pinned) is not None}

    def __str__(self) -> str:
        if self.nothing:
            return "<none>"
        return ",".join(str(r) for r in self.requirements) or "<everything>"


NOTHING = Selector((), nothing=True)
EVERYTHING = Selector(())


def label_value(value: Any) -> str:
    """The label text of a YAML scalar: `1` → "1", `true` → "true", null → "" (a null decodes to
    "" in a map of strings; non-string values are reported by the schema stage, and are matched
    here by their text so that selectors and labels written alike agree)."""
    if type(value) is str:  # the common case
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@functools.lru_cache(maxsize=4096)
def _equality(key: str, value: str) -> Requirement:
    """`key=value` (memoised: the same label pairs recur across the objects of a set)."""
    return Requirement(key, "In", frozenset((value,)))


def _expression(expr: Any, path: tuple[str | int, ...]) -> Requirement:
    if not isinstance(expr, Mapping):
        raise SelectorError("a match expression must be an object", path)
    key = expr.get("key")
    if not isinstance(key, str) or not key:
        raise SelectorError("key: Required value", (*path, "key"))
    op = expr.get("operator")
    if op not in OPERATORS:
        raise SelectorError(
            f'operator: Unsupported value: "{op}": supported values: '
            + ", ".join(f'"{o}"' for o in OPERATORS),
            (*path, "operator"),
        )
    values = expr.get("values") or []
    if not isinstance(values, list):
        raise SelectorError("values must be a list", (*path, "values"))
    if op in ("In", "NotIn") and not values:
        raise SelectorError(
            "values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
            (*path, "values"),
        )
    if op in ("Exists", "DoesNotExist") and values:
        raise SelectorError(
            "values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            (*path, "values"),
        )
    return Requirement(key, op, frozenset(label_value(v) for v in values))


def _normalise(reqs: list[Requirement]) -> tuple[Requirement, ...]:
    """Requirements without repeats, in a canonical order (so equal selectors compare equal)."""
    if len(reqs) < 2:
        return tuple(reqs)
    if len({r.key for r in reqs}) == len(reqs):  # the usual case: distinct keys order them
        return tuple(sorted(reqs, key=_by_key))
    return tuple(sorted(set(reqs), key=lambda r: (r.key, r.operator, sorted(r.values))))


def _by_key(requirement: Requirement) -> str:
    return requirement.key


def overlaps(a: Selector, b: Selector) -> bool:
    """Whether some label set satisfies both selectors (so two controllers could fight over the
    same pods). Exact for the four operators: keys are independent, so it suffices that each key's
    constraints from both sides are jointly satisfiable."""
    if a.nothing or b.nothing:
        return False
    by_key: dict[str, list[Requirement]] = {}
    for r in a.requirements + b.requirements:
        by_key.setdefault(r.key, []).append(r)
    return all(_satisfiable(reqs) for reqs in by_key.values())


def _satisfiable(reqs: list[Requirement]) -> bool:
    must_exist = any(r.operator in ("In", "Exists") for r in reqs)
    must_not = any(r.operator == "DoesNotExist" for r in reqs)
    if must_exist and must_not:
        return False
    if must_not:
        return True  # absent key satisfies DoesNotExist and NotIn
    allowed: frozenset[str] | None = None
    for r in reqs:
        if r.operator == "In":
            allowed = r.values if allowed is None else allowed & r.values
    excluded = frozenset().union(*(r.values for r in reqs if r.operator == "NotIn"))
    if allowed is None:
        return True  # Exists/NotIn only: some fresh value satisfies them (or the key is absent)
    return bool(allowed - excluded)
