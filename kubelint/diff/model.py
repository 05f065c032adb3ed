"""Change records: what `kubelint diff` reports, as plain immutable data.

    result = kubelint.diff.diff("old/", "new/")
    for change in result.changes:          # ObjectChange, sorted by identity
        change.status                      # added | removed | changed | renamed | migrated
        for field in change.fields:        # FieldChange
            field.op, field.path_text, field.old, field.new, field.old_position

Paths into keyed lists (containers, env, ports, volumes, ...) hold a `Key` for the item rather
than its index, so a change is named by what it is (`containers[name=app].image`); the concrete
index paths on each side are kept in `old_path` / `new_path`.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from kubelint.model import Document, Finding, JsonPath, ObjectRef, format_path

FORMAT_VERSION = 1
"""Version of the JSON report schema (docs/diff.md); bumped on incompatible changes."""


class Key(NamedTuple):
    """Identity of an item in a keyed list: ((key, value), ...) in the schema's key order.

    For a `set` list of scalars the single pair is ("", value)."""

    pairs: tuple[tuple[str, Any], ...]

    def __str__(self) -> str:
        return ",".join(f"{k}={_scalar(v)}" if k else _scalar(v) for k, v in self.pairs)


DiffPath = tuple[str | int | Key, ...]


def _scalar(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def format_diff_path(path: DiffPath) -> str:
    """spec.template.spec.containers[name=app].env[name=PORT].value"""
    out: list[str] = []
    for part in path:
        if isinstance(part, Key):
            out.append(f"[{part}]")
        else:
            text = format_path((part,))
            out.append(text if not out or text.startswith("[") else "." + text)
    return "".join(out)


class Position(NamedTuple):
    source: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.column}"


class Op(enum.StrEnum):
    ADD = "add"
    REMOVE = "remove"
    REPLACE = "replace"
    ORDER = "order"  # a keyed list kept its items but changed their order: old/new are key lists


class FieldChange(NamedTuple):
    op: Op
    path: DiffPath
    old: Any = None
    new: Any = None
    old_path: JsonPath | None = None
    new_path: JsonPath | None = None
    old_position: Position | None = None
    new_position: Position | None = None

    @property
    def path_text(self) -> str:
        return format_diff_path(self.path)

    def mirror(self) -> FieldChange:
        op = {Op.ADD: Op.REMOVE, Op.REMOVE: Op.ADD}.get(self.op, self.op)
        return FieldChange(
            op,
            self.path,
            self.new,
            self.old,
            self.new_path,
            self.old_path,
            self.new_position,
            self.old_position,
        )


class Level(enum.IntEnum):
    """How disruptive a change is; `--fail-on-impact` compares against this order."""

    NONE = 0
    INFO = 1  # scaling, selection changes, API migration, renames of passive objects
    ROLLOUT = 2  # pods are replaced by a rolling update
    RECREATE = 3  # an object or all its pods are deleted and created again
    REJECT = 4  # the apiserver refuses the update as written (immutable field)

    def __str__(self) -> str:
        return self.name.lower()


class Impact(NamedTuple):
    """One consequence of applying a change (code KL75x, see kubelint.diff.impact)."""

    code: str
    name: str
    level: Level
    message: str
    details: tuple[tuple[str, Any], ...] = ()
    path: JsonPath = ()


class Side(NamedTuple):
    """Where an object is on one side of the diff."""

    ref: ObjectRef
    source: str
    line: int
    document: int

    @property
    def position(self) -> str:
        return f"{self.source}:{self.line}"


class Status(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    RENAMED = "renamed"
    MIGRATED = "migrated"  # same object under another apiVersion (maybe with field changes)


class ObjectChange(NamedTuple):
    status: Status
    old: Side | None
    new: Side | None
    fields: tuple[FieldChange, ...] = ()
    impacts: tuple[Impact, ...] = ()
    similarity: float | None = None  # renames: how alike the two objects are (0..1)
    old_body: Any = None  # the objects as compared (normalised unless show_defaults)
    new_body: Any = None

    @property
    def ref(self) -> ObjectRef:
        side = self.new or self.old
        assert side is not None
        return side.ref

    @property
    def level(self) -> Level:
        return max((i.level for i in self.impacts), default=Level.NONE)

    def sort_key(self) -> tuple[Any, ...]:
        ref = self.ref
        return (ref.namespace or "", ref.kind, ref.name, ref.group, self.status.value)


class DiffResult:
    """The changes between two sets (sorted), the findings met loading them, and counts."""

    def __init__(
        self,
        changes: list[ObjectChange],
        findings: list[Finding],
        old_objects: int,
        new_objects: int,
        kubernetes_version: str = "",
    ) -> None:
        self.changes = changes
        self.findings = findings
        self.old_objects = old_objects
        self.new_objects = new_objects
        self.kubernetes_version = kubernetes_version
        self.unchanged = 0
        self.load_seconds = 0.0
        self.diff_seconds = 0.0
        self.texts: dict[str, str] = {}
        # the documents compared, (old, new), with --namespace applied: what --simulate runs
        self.documents: tuple[Sequence[Document], Sequence[Document]] = ((), ())

    @property
    def level(self) -> Level:
        return max((c.level for c in self.changes), default=Level.NONE)

    def count(self, status: Status) -> int:
        return sum(1 for c in self.changes if c.status == status)

    def __bool__(self) -> bool:
        return bool(self.changes)
