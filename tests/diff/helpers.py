"""Small helpers shared by the diff tests."""

from __future__ import annotations

from typing import Any

from kubelint.diff import DiffResult, FieldChange


def fields(result: DiffResult, index: int = 0) -> list[tuple[str, str, Any, Any]]:
    """(op, path, old, new) of one object change, in walk order."""
    return [(f.op.value, f.path_text, f.old, f.new) for f in result.changes[index].fields]


def impact_names(result: DiffResult, index: int = 0) -> list[str]:
    return [i.name for i in result.changes[index].impacts]


def field_set(changes: list[FieldChange]) -> list[str]:
    return sorted(repr((f.op.value, f.path_text, f.old, f.new)) for f in changes)
