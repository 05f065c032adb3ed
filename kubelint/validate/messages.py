"""jsonschema errors → precise, short messages with the path they are about.

`spec.replicas: expected integer, got string "two"` reads better than jsonschema's
"'two' is not of type 'integer', 'null'". Each schema error becomes one or more `Violation`s;
unknown fields come one per field, with a "did you mean" from the schema's own properties.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from kubelint.model import JsonPath


class Violation(NamedTuple):
    name: str
    path: JsonPath
    message: str
    at_key: bool = False
    hint: str | None = None
    locate_path: JsonPath | None = None
    """Where to point when `path` does not exist in the file (a missing field)."""


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def show(value: Any, limit: int = 60) -> str:
    """A short rendering of a value: strings quoted, containers by type."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + '…"'


def violations(errors: Iterable[Any]) -> list[Violation]:
    out: dict[tuple[Any, ...], Violation] = {}
    for error in errors:
        for v in _convert(error):
            out.setdefault((v.path, v.name, v.message), v)
    return sorted(out.values(), key=lambda v: (_sortable(v.path), v.name, v.message))


def _sortable(path: JsonPath) -> tuple[tuple[int, str], ...]:
    return tuple((0, f"{p:09d}") if isinstance(p, int) else (1, p) for p in path)


def _convert(error: Any) -> Iterator[Violation]:
    path: JsonPath = tuple(error.absolute_path)
    keyword = error.validator
    value = error.validator_value
    instance = error.instance
    if keyword == "additionalProperties" and value is False and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        for key in sorted(set(instance) - known):
            close = _close_match(key, known)
            yield Violation(
                "unknown-field",
                (*path, key),
                f"unknown field {json.dumps(key)}",
                True,
                f"did you mean {json.dumps(close[0])}?" if close else None,
            )
        return
    if keyword == "required" and isinstance(instance, dict):
        for key in value:
            if key not in instance:
                yield Violation(
                    "missing-required-field",
                    (*path, key),
                    f"missing required field {json.dumps(key)}",
                    True,
                    locate_path=path,
                )
        return
    if keyword == "type":
        expected = [t for t in ([value] if isinstance(value, str) else value) if t != "null"]
        yield Violation(
            "invalid-type",
            path,
            f"expected {' or '.join(expected) or 'null'}, got {json_type(instance)} "
            f"{show(instance)}"
            if not isinstance(instance, dict | list)
            else f"expected {' or '.join(expected)}, got {show(instance)}",
        )
        return
    if keyword in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match

        yield from _convert(best_match(error.context))
        return
    yield Violation(*_value_violation(keyword, value, instance, path, error.message))


def _value_violation(
    keyword: str, value: Any, instance: Any, path: JsonPath, fallback: str
) -> tuple[str, JsonPath, str]:
    got = show(instance)
    if keyword == "enum":
        options = ", ".join(show(v) for v in value)
        return "invalid-value", path, f"{got} is not one of {options}"
    if keyword == "const":
        return "invalid-value", path, f"expected {show(value)}, got {got}"
    messages = {
        "minimum": f"{got} is less than the minimum {value}",
        "maximum": f"{got} is greater than the maximum {value}",
        "exclusiveMinimum": f"{got} must be greater than {value}",
        "exclusiveMaximum": f"{got} must be less than {value}",
        "minLength": f"{got} is shorter than {value} characters",
        "maxLength": f"{got} is longer than {value} characters",
        "minItems": f"has {_count(instance)} items, fewer than the minimum {value}",
        "maxItems": f"has {_count(instance)} items, more than the maximum {value}",
        "minProperties": f"has {_count(instance)} fields, fewer than the minimum {value}",
        "maxProperties": f"has {_count(instance)} fields, more than the maximum {value}",
        "pattern": f"{got} does not match the pattern {value}",
        "uniqueItems": "items must be unique",
        "multipleOf": f"{got} is not a multiple of {value}",
        "format": f"{got} is not a valid {value}",
    }
    if keyword in messages:
        return "invalid-value", path, messages[keyword]
    return "schema-violation", path, fallback


def _count(instance: Any) -> int:
    return len(instance) if isinstance(instance, list | dict) else 0


def _close_match(key: str, known: set[str]) -> list[str]:
    import difflib  # only for unknown fields

    return difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.7)
