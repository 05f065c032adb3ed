"""Small pieces the validation rules share: typed field access that skips what the schema stage
already reports (a value of the wrong type is silently ignored here), and the kinds each rule
applies to."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.validation import invalid, is_int, is_port_number
from kubelint.model import JsonPath
from kubelint.rules.builtin._memo import is_port_name
from kubelint.rules.engine import WORKLOADS, Violation

POD_CONTROLLERS = WORKLOADS - {
    ("", "Pod"),
    ("", "PodTemplate"),
    ("batch", "Job"),
    ("batch", "CronJob"),
}
"""Controllers whose pods run forever (restartPolicy Always)."""

JOBS = frozenset({("batch", "Job"), ("batch", "CronJob")})


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(index, mapping) for each mapping in a list; anything else yields nothing."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                yield i, item


def string_items(value: Any) -> Iterator[tuple[str, str]]:
    """(key, value) pairs of a mapping whose keys and values are strings."""
    for key, item in mapping(value).items():
        if isinstance(key, str) and isinstance(item, str):
            yield key, item


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
