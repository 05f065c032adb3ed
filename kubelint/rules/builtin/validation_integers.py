"""Integers wider than their field: the schema says `format: int32` (or int64) but JSON Schema
does not enforce formats, while the apiserver cannot decode 3000000000 into an int32 field."""

from __future__ import annotations

import functools
import marshal
import re
from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.validation import invalid, is_int
from kubelint.load.construct import INT32_MAX, INT32_MIN
from kubelint.model import JsonPath, Severity
from kubelint.rules.engine import ObjectView, Violation, object_rule
from kubelint.schema.registry import SchemaRegistry

BOUNDS = {"int32": (INT32_MIN, INT32_MAX), "int64": (-(2**63), 2**63 - 1)}
_MAX_DEPTH = 64

_MARSHAL_LONG = re.compile(rb"[l\xec][\x00-\xff]{2}(?:\x00\x00|\xff\xff)", re.DOTALL)
"""How `marshal` writes an int outside int32: TYPE_LONG ('l', or 0xec with its reference flag),
then its count of 15-bit digits as a little-endian int32 (±3 and up: the top bytes 00 00 or
ff ff). Ints within int32 are written as TYPE_INT; strings may match too (a needless walk)."""


def _may_overflow(body: Any) -> bool:
    """Whether `body` may hold an int outside int32, the narrowest bound checked: one C-speed
    pass instead of a walk alongside the schema (out of range values are rare). For documents
    whose loader did not note it (`Document.wide_ints` None: built by hand, or shipped back from
    a worker)."""
    try:
        data = marshal.dumps(body)
    except ValueError:  # not plain data, or nested too deep: walk it
        return True
    return _MARSHAL_LONG.search(data) is not None


@functools.lru_cache(maxsize=4)
def _registry(version: str) -> SchemaRegistry | None:
    try:
        return SchemaRegistry(version)
    except (ValueError, KeyError, OSError):
        return None


class _Walker:
    """Walks an object alongside its schema, dereferencing each `$ref` once per definition."""

    def __init__(self, definitions: Mapping[str, Any]) -> None:
        self.definitions = definitions
        self.resolve = functools.lru_cache(maxsize=None)(self._resolve)
        self.narrow = _defs_reaching_int32(definitions)

    def worth_walking(self, schema: Any) -> bool:
        """False for a `$ref` to a definition without int32 fields below it (such as a CRD's
        openAPIV3Schema: int64 only), which is then skipped whole."""
        if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
            return schema["$ref"].rsplit("/", 1)[-1] in self.narrow
        return True

    def _resolve(self, ref: str) -> Mapping[str, Any] | None:
        node = self.definitions.get(ref.rsplit("/", 1)[-1])
        return node if isinstance(node, Mapping) else None

    def node(self, schema: Any) -> Mapping[str, Any] | None:
        for _ in range(8):  # $ref chains are short; a cycle would stop here
            if not isinstance(schema, Mapping) or "$ref" not in schema:
                break
            schema = self.resolve(schema["$ref"]) if isinstance(schema["$ref"], str) else None
        return schema if isinstance(schema, Mapping) else None

    def walk(self, value: Any, schema: Any) -> list[Violation]:
        """Integers out of their format's range, found depth-first with an explicit stack."""
        found: list[Violation] = []
        stack: list[tuple[Any, Any, JsonPath]] = [(value, schema, ())]
        while stack:
            value, schema, path = stack.pop()
            node = self.node(schema)
            if node is None or len(path) > _MAX_DEPTH:
                continue
            if isinstance(value, Mapping):
                stack.extend(self._children(value, node, path))
            elif isinstance(value, list):
                items = node.get("items")
                if self.worth_walking(items):
                    stack.extend(
                        (child, items, (*path, i))
                        for i, child in enumerate(value)
                        if isinstance(child, Mapping | list | int)
                    )
            elif is_int(value) and node.get("format") in BOUNDS:
                low, high = BOUNDS[node["format"]]
                if not low <= value <= high:
                    message = f"out of range for {node['format']} ({low}..{high})"
                    found.append(Violation(path, invalid(value, message)))
        return found

    def _children(
        self, value: Mapping[str, Any], node: Mapping[str, Any], path: JsonPath
    ) -> Iterator[tuple[Any, Any, JsonPath]]:
        props = node.get("properties")
        props = props if isinstance(props, Mapping) else {}
        extra = node.get("additionalProperties")
        extra = extra if isinstance(extra, Mapping) else None
        for key, child in value.items():
            sub = props.get(key, extra)
            worth = sub is not None and self.worth_walking(sub)
            if worth and isinstance(child, Mapping | list | int):
                yield child, sub, (*path, key)


def _scan(schema: Any, refs: set[str]) -> bool:
    """Collect the definitions `schema` refers to inline; whether it has an int32 field itself."""
    found = False
    if isinstance(schema, Mapping):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            refs.add(ref.rsplit("/", 1)[-1])
        found = schema.get("format") == "int32"
        for child in schema.values():
            found = _scan(child, refs) or found
    elif isinstance(schema, list):
        for child in schema:
            found = _scan(child, refs) or found
    return found


def _defs_reaching_int32(definitions: Mapping[str, Any]) -> frozenset[str]:
    """Definitions from which an int32 field can be reached through `$ref`s."""
    referrers: dict[str, set[str]] = {}
    reached: list[str] = []
    for name, schema in definitions.items():
        refs: set[str] = set()
        if _scan(schema, refs):
            reached.append(name)
        for ref in refs:
            referrers.setdefault(ref, set()).add(name)
    seen = set(reached)
    while reached:
        for parent in referrers.get(reached.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                reached.append(parent)
    return frozenset(seen)


@functools.lru_cache(maxsize=4)
def _walker(version: str) -> _Walker | None:
    registry = _registry(version)
    return _Walker(registry.bundle.definitions) if registry is not None else None


@object_rule(
    "KL137",
    "integer-out-of-range",
    Severity.ERROR,
    "validation",
    title="Integer fields must fit their type (int32 or int64)",
    rationale="Most counts, ports and durations are int32: the apiserver cannot decode a larger "
    "number (`cannot unmarshal number 3000000000 … of type int32`), though JSON Schema "
    "validation accepts it.",
    remediation="Use a value in range (int32: up to 2147483647).",
    failing="""\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx
      livenessProbe:
        exec: {command: [check]}
        periodSeconds: 5000000000
""",
    passing="""\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx
      livenessProbe:
        exec: {command: [check]}
        periodSeconds: 5
""",
)
def integer_out_of_range(obj: ObjectView) -> Iterator[Violation]:
    if obj.doc.wide_ints is False:
        return  # the loader built no int outside int32: nothing can be out of range
    walker = _walker(obj.settings.kubernetes_version)
    registry = _registry(obj.settings.kubernetes_version)
    if walker is None or registry is None:
        return
    if obj.doc.wide_ints is None and not _may_overflow(obj.body):  # True: the loader saw one
        return
    api_version = obj.body.get("apiVersion")
    name = registry.bundle.kinds.get(f"{api_version}:{obj.kind}")
    if name is None:
        return  # custom resources: the CRD's structural schema is checked by the schema stage
    yield from walker.walk(obj.body, walker.definitions.get(name))  # the runner sorts findings
