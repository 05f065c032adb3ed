"""Small pieces the validation rules share: typed field access that skips what the schema stage
already reports (a value of the wrong type is silently ignored here), and the kinds each rule
applies to."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from kubelint.k8s.validation import invalid, is_int, is_port_number
from kubelint.model import JsonPath
from kubelint.rules.builtin._memo import (
    is_dns1123_label,
    is_label_value,
    is_port_name,
    is_qualified_name,
)
from kubelint.rules.engine import EMPTY, WORKLOADS, Violation

POD_CONTROLLERS = WORKLOADS - {
    ("", "Pod"),
    ("", "PodTemplate"),
    ("batch", "Job"),
    ("batch", "CronJob"),
}
"""Controllers whose pods run forever (restartPolicy Always)."""

JOBS = frozenset({("batch", "Job"), ("batch", "CronJob")})


def mapping(value: Any) -> Mapping[str, Any]:
    """The value if it is a mapping, else an empty one (bodies hold plain dicts: `dict` is a
    much cheaper test than the Mapping ABC)."""
    return value if isinstance(value, dict) else EMPTY


def items(value: Any) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(index, mapping) for each mapping in a list; anything else yields nothing."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


_VALID_LIMIT = 8192


class ValidStrings:
    """A string check that remembers the strings it found no problem in (up to a bound): a set
    lookup costs a fraction of even a memoised call, and names, label keys, label values and
    quantities repeat across thousands of objects. Calling it says whether the text is valid;
    `seen` may be tested first, inline, where every call counts."""

    __slots__ = ("check", "seen")

    def __init__(self, check: Callable[[str], Sequence[str]]) -> None:
        self.check = check
        self.seen: set[str] = set()

    def __call__(self, text: str) -> bool:
        if text in self.seen:
            return True
        if self.check(text):
            return False
        if len(self.seen) < _VALID_LIMIT:
            self.seen.add(text)
        return True


valid_label_key = ValidStrings(is_qualified_name)
valid_label_value = ValidStrings(is_label_value)
valid_dns1123_label = ValidStrings(is_dns1123_label)
_valid_port_name = ValidStrings(is_port_name)
_VALID_KEYS = valid_label_key.seen
_VALID_VALUES = valid_label_value.seen


def valid_labels(labels: Any) -> bool:
    """True when `label_violations(path, labels)` would report nothing (the common case)."""
    if not isinstance(labels, dict):
        return True
    for key, value in labels.items():
        # set lookups first: almost every key and value was seen valid before
        if key not in _VALID_KEYS:
            if not isinstance(key, str):
                continue
            if not valid_label_key(key):
                return False
        if isinstance(value, str) and value not in _VALID_VALUES and not valid_label_value(value):
            return False
    return True


def label_violations(path: JsonPath, labels: Any) -> Iterator[Violation]:
    """A label map (labels, matchLabels, nodeSelector) at `path`: string keys are qualified
    names, string values label values (other types are the schema stage's)."""
    for key in sorted(k for k in mapping(labels) if isinstance(k, str)):
        for problem in is_qualified_name(key):
            yield Violation((*path, key), invalid(key, problem), at_key=True)
        value = labels[key]
        if isinstance(value, str):
            for problem in is_label_value(value):
                yield Violation((*path, key), invalid(value, problem))


def unique_name(
    path: JsonPath, name: str, check: Callable[[str], Sequence[str]], seen: set[str]
) -> Iterator[Violation]:
    """A list item's `name` at `path`: valid by `check` and not among `seen` (then recorded)."""
    for problem in check(name):
        yield Violation(path, invalid(name, problem))
    if name in seen:
        yield Violation(path, f'Duplicate value: "{name}"')
    seen.add(name)


def string_items(value: Any) -> Iterator[tuple[str, str]]:
    """(key, value) pairs of a mapping whose keys and values are strings."""
    for key, item in mapping(value).items():
        if isinstance(key, str) and isinstance(item, str):
            yield key, item


def valid_port(value: Any, allow_name: bool = True) -> bool:
    """True when `port_violations(path, value, allow_name)` would report nothing."""
    if value.__class__ is int or is_int(value):  # the first test is the cheap common case
        return 1 <= value <= 65535
    if isinstance(value, str) and allow_name:
        return _valid_port_name(value)
    return True


def port_violations(path: JsonPath, value: Any, allow_name: bool = True) -> Iterator[Violation]:
    """A port that is a number in 1..65535 or (if `allow_name`) an IANA service name."""
    if is_int(value):
        for problem in is_port_number(value):
            yield Violation(path, invalid(value, problem))
    elif isinstance(value, str) and allow_name:
        for problem in is_port_name(value):
            yield Violation(path, invalid(value, problem))


def count_set(body: Mapping[str, Any], keys: tuple[str, ...]) -> list[str]:
    """Which of `keys` are present with a non-null value, in document order."""
    return [key for key in body if key in keys and body[key] is not None]


def valid_one_of(body: Mapping[str, Any], keys: frozenset[str], required: bool = True) -> bool:
    """True when `one_of(path, body, keys, what, required)` would report nothing."""
    found = 0
    for key, value in body.items():
        if value is not None and key in keys:
            found += 1
    return found == 1 or (found == 0 and not required)


def one_of(
    path: JsonPath, body: Mapping[str, Any], keys: tuple[str, ...], what: str, required: bool = True
) -> Iterator[Violation]:
    """Exactly one of `keys` must be set (handlers of a probe, …); at most one unless
    `required`."""
    present = count_set(body, keys)
    if not present and required:
        yield Violation(path, f"must specify a {what}", hint="set one of: " + ", ".join(keys))
    elif len(present) > 1:
        yield Violation(
            (*path, present[1]),
            f"may not specify more than 1 {what} (found {', '.join(present)})",
            at_key=True,
        )


_PERCENT = re.compile("^[0-9]+%$")
_PERCENT_MESSAGE = (
    "a valid percent string must be a numeric string followed by an ending '%' "
    "(e.g. '1%' or '93%', regex used for validation is '[0-9]+%')"
)


def int_or_percent(path: JsonPath, value: Any, at_most_100: bool = True) -> Iterator[Violation]:
    """An IntOrString count: an integer ≥ 0 or a percentage (optionally at most 100%)."""
    if is_int(value) and value < 0:
        yield Violation(path, invalid(value, "must be greater than or equal to 0"))
    elif isinstance(value, str):
        if not _PERCENT.match(value):
            yield Violation(path, invalid(value, _PERCENT_MESSAGE))
        elif at_most_100 and int(value[:-1]) > 100:
            yield Violation(path, invalid(value, "must not be greater than 100%"))


def is_zero(value: Any) -> bool:
    """0 or a 0% percentage."""
    return value == 0 or (isinstance(value, str) and re.fullmatch("0+%", value) is not None)
