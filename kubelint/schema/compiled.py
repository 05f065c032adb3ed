"""Compiled schemas: a fast verdict, and the `jsonschema` package's errors when it fails.

`CompiledSchema.is_valid` uses jsonschema-rs (compiled Rust) when it is installed; the error
list always comes from the reference implementation, the `jsonschema` package, which is
imported only when an object is invalid. So every run reports identical findings whichever
engine decided, and a differential test (tests/test_engines.py) checks that the two engines
agree on the corpus and on generated objects. KUBELINT_ENGINE=python forces the reference
implementation for both steps.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

_ENGINE = os.environ.get("KUBELINT_ENGINE", "auto")


def _rust() -> Any:
    if _ENGINE == "python":
        return None
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - platform without wheels
        return None
    return jsonschema_rs


class SchemaCompileError(Exception):
    """The schema itself is unusable (e.g. a CRD pattern no engine can compile)."""


class CompiledSchema:
    def __init__(self, schema: dict[str, Any], key: str) -> None:
        self.schema = schema
        self.key = key
        self._python: Any = None
        rust = _rust()
        self._fast = None
        if rust is not None:
            try:
                self._fast = rust.Draft202012Validator(schema)
            except Exception as exc:  # compile errors (regex dialects, bad keywords)
                raise SchemaCompileError(str(exc)) from exc

    @property
    def engine(self) -> str:
        return "jsonschema-rs" if self._fast is not None else "jsonschema"

    def is_valid(self, instance: Any) -> bool:
        if self._fast is not None:
            return bool(self._fast.is_valid(instance))
        return self.reference().is_valid(instance)

    def reference(self) -> Any:
        """The `jsonschema` package validator for this schema (built on first use)."""
        if self._python is None:
            from jsonschema import Draft202012Validator

            self._python = Draft202012Validator(self.schema)
        return self._python

    def errors(self, instance: Any) -> Iterator[Any]:
        """`jsonschema.ValidationError`s, lazily."""
        return self.reference().iter_errors(instance)


def compile_schema(schema: dict[str, Any], key: str) -> CompiledSchema:
    return CompiledSchema(schema, key)


def closure(defs: dict[str, Any], root: str) -> list[str]:
    """Definition names reachable from `root` through $ref, sorted."""
    seen: set[str] = set()
    todo = [root]
    while todo:
        name = todo.pop()
        if name in seen or name not in defs:
            continue
        seen.add(name)
        todo.extend(_refs(defs[name]))
    return sorted(seen)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            yield ref[len("#/$defs/") :]
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def close_object_schemas(node: Any) -> Any:
    """A copy of a schema where every object schema listing `properties` rejects other fields."""
    return _close(node)


def _close(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                out[key] = {k: _close(v) for k, v in value.items()}
            else:
                out[key] = _close(value) if isinstance(value, dict | list) else value
        if (
            "properties" in out
            and "additionalProperties" not in out
            and out.get("x-kubernetes-preserve-unknown-fields") is not True
        ):
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_close(v) for v in node]
    return node
