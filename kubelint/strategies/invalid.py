"""One known violation, planted in a valid object: the object plus what a validator must say.

Three kinds, each found by kubelint's schema stage with a known rule and JSON path:
- `invalid-type`: a scalar replaced by a value of a type its schema does not allow;
- `unknown-field`: a field added to an object whose schema lists its properties (strict mode);
- `missing-required-field`: a required field removed (including metadata.name).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from hypothesis import strategies as st

from kubelint.model import JsonPath, format_path
from kubelint.schema.fields import schema_at
from kubelint.schema.registry import SchemaRegistry

UNKNOWN_FIELD = "kubelintUnknownField"
_WRONG_VALUES = {  # a value of each JSON type, and the types it must not be mistaken for
    "string": 12345,
    "integer": "not-a-number",
    "number": "not-a-number",
    "boolean": "maybe",
}


class Invalid(NamedTuple):
    """A generated object with exactly one violation, and the finding it must produce."""

    object: dict[str, Any]
    rule: str
    path: JsonPath
    description: str


class _Candidate(NamedTuple):
    rule: str
    path: JsonPath
    detail: Any


def invalid(
    valid: st.SearchStrategy[dict[str, Any]],
    registry: SchemaRegistry,
) -> st.SearchStrategy[Invalid]:
    @st.composite
    def build(draw: st.DrawFn) -> Invalid:
        obj = draw(valid)
        candidates = list(_candidates(obj, registry))
        chosen = draw(st.sampled_from(candidates))
        return _apply(copy.deepcopy(obj), chosen)

    return build()


def _candidates(obj: dict[str, Any], registry: SchemaRegistry) -> Iterator[_Candidate]:
    api_version, kind = obj["apiVersion"], obj["kind"]
    yield _Candidate("missing-required-field", ("metadata", "name"), None)
    for path, value in _walk(obj):
        if path[:1] in (("apiVersion",), ("kind",)) or (
            path and path[0] == "metadata" and len(path) > 1
        ):
            continue
        schema = schema_at(registry, api_version, kind, path)
        if not isinstance(schema, Mapping):
            continue
        if isinstance(value, dict):
            if _closed(schema):
                yield _Candidate("unknown-field", (*path, UNKNOWN_FIELD), None)
            for key in schema.get("required", ()):
                if key in value:
                    yield _Candidate("missing-required-field", (*path, key), None)
        elif not isinstance(value, list):
            types = _types(schema)
            if len(types) == 1 and types[0] in _WRONG_VALUES:
                yield _Candidate("invalid-type", path, types[0])


def _apply(obj: dict[str, Any], chosen: _Candidate) -> Invalid:
    parent: Any = obj
    for part in chosen.path[:-1]:
        parent = parent[part]
    last = chosen.path[-1]
    where = format_path(chosen.path)
    if chosen.rule == "unknown-field":
        parent[last] = "surprise"
        text = f"unknown field {where}"
    elif chosen.rule == "missing-required-field":
        del parent[last]
        text = f"required field {where} removed"
    else:
        parent[last] = _WRONG_VALUES[chosen.detail]
        text = f"{where} set to a value that is not a {chosen.detail}"
    return Invalid(obj, chosen.rule, chosen.path, text)


def _walk(node: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))


def _closed(schema: Mapping[str, Any]) -> bool:
    return (
        "properties" in schema
        and "additionalProperties" not in schema
        and not schema.get("x-kubernetes-preserve-unknown-fields")
    )


def _types(schema: Mapping[str, Any]) -> list[str]:
    if schema.get("x-kubernetes-int-or-string") or schema.get("format") == "quantity":
        return []
    types = schema.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    return [t for t in types if t != "null"]
