"""Diff reports: text (kubectl-diff-like, coloured on a terminal), JSON and Markdown."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from typing import Any

import yaml

from kubelint import __version__
from kubelint.diff.model import (
    FORMAT_VERSION,
    DiffResult,
    FieldChange,
    Key,
    Level,
    ObjectChange,
    Op,
    Position,
    Side,
    Status,
)
from kubelint.report.summary import plural

_SIGN = {Op.ADD: "+", Op.REMOVE: "-", Op.REPLACE: "~", Op.ORDER: "↕"}
_COLOURS = {"+": "32", "-": "31", "@": "36", "!": "33", "h": "1"}


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, kind: str, text: str) -> str:
        return f"\x1b[{_COLOURS[kind]}m{text}\x1b[0m" if self.enabled and text else text


# -- shared pieces ---------------------------------------------------------------------------
def _where(change: ObjectChange) -> str:
    sides = [s.position if s else "" for s in (change.old, change.new)]
    return " → ".join(p for p in sides if p) if change.old and change.new else sides[0] or sides[1]


def _title(change: ObjectChange) -> str:
    text = f"{change.status.value} {change.ref} ({change.ref.api_version})"
    if change.status == Status.RENAMED and change.old:
        text += f" from {change.old.ref.name} ({change.similarity:.0%} alike)"
    return text


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_line(change: FieldChange) -> str:
    if change.op == Op.ORDER:
        old = ", ".join(str(k) for k in change.old)
        new = ", ".join(str(k) for k in change.new)
        return f"↕ {change.path_text}: order {old} → {new}"
    if change.op == Op.REPLACE:
        return f"~ {change.path_text}: {_short(change.old)} → {_short(change.new)}"
    value = change.new if change.op == Op.ADD else change.old
    return f"{_SIGN[change.op]} {change.path_text}: {_short(value)}"


def _positions(change: FieldChange) -> str:
    old, new = change.old_position, change.new_position
    if old and new:
        return f"{old} → {new}"
    return str(old or new or "")


def _yaml(body: Any) -> list[str]:
    if body is None:
        return []
    return yaml.safe_dump(body, sort_keys=True, allow_unicode=True, width=1000).splitlines()


def unified(change: ObjectChange, context: int = 3) -> list[str]:
    """A `diff -u` of the two objects as compared (normalised, keys sorted)."""
    old_name = f"{change.old.position} {change.old.ref}" if change.old else "/dev/null"
    new_name = f"{change.new.position} {change.new.ref}" if change.new else "/dev/null"
    old_lines = _yaml(change.old_body if change.old else None)
    new_lines = _yaml(change.new_body if change.new else None)
    return list(
        difflib.unified_diff(old_lines, new_lines, old_name, new_name, n=context, lineterm="")
    )


def summary_counts(result: DiffResult) -> dict[str, int]:
    return {status.value: result.count(status) for status in Status}


def _summary_line(result: DiffResult) -> str:
    counts = ", ".join(f"{n} {s}" for s, n in summary_counts(result).items() if n)
    if not result.changes:
        return f"no differences ({plural(result.unchanged, 'object')} unchanged)"
    return (
        f"{counts}; {result.unchanged} unchanged; highest impact: {result.level}"
        f" ({result.old_objects} → {result.new_objects} objects)"
    )


# -- text ------------------------------------------------------------------------------------
def render_text(
    result: DiffResult, color: bool = False, quiet: bool = False, predicted: Any = None
) -> str:
    """`predicted`: a kubelint.diff.predicted.Predicted (`--simulate`), shown after the changes."""
    paint = _Paint(color)
    out: list[str] = [f.one_line() for f in result.findings]
    for change in result.changes:
        out.append(paint("h", f"{_title(change)}  {_where(change)}"))
        for item in change.impacts:
            out.append(paint("!", f"  {item.level}: {item.code} {item.name}: {item.message}"))
        if change.status not in (Status.ADDED, Status.REMOVED):
            for field in change.fields:
                out.append(f"  {field_line(field)}    {_positions(field)}".rstrip())
        for line in unified(change):
            kind = line[:1] if line[:1] in "+-@" else ""
            out.append(paint(kind, line) if kind else line)
        out.append("")
    if predicted is not None:
        from kubelint.diff.predicted import text_lines

        out += [*text_lines(predicted), ""]
    if not quiet:
        out.append(_summary_line(result))
    return "\n".join(out) + "\n"


# -- JSON ------------------------------------------------------------------------------------
def _position_dict(position: Position | None) -> dict[str, Any] | None:
    if position is None:
        return None
    return {"file": position.source, "line": position.line, "column": position.column}


def _path_segments(path: tuple[Any, ...] | None) -> list[Any] | None:
    if path is None:
        return None
    return [{"key": dict(p.pairs)} if isinstance(p, Key) else p for p in path]


def _value(value: Any) -> Any:
    if isinstance(value, tuple) and all(isinstance(v, Key) for v in value):
        return [str(v) for v in value]
    return value


def field_dict(change: FieldChange) -> dict[str, Any]:
    return {
        "op": change.op.value,
        "path": change.path_text,
        "pathSegments": _path_segments(change.path),
        "oldPath": _path_segments(change.old_path),
        "newPath": _path_segments(change.new_path),
        "old": _value(change.old),
        "new": _value(change.new),
        "oldPosition": _position_dict(change.old_position),
        "newPosition": _position_dict(change.new_position),
    }


def _side_dict(side: Side | None) -> dict[str, Any] | None:
    if side is None:
        return None
    ref = side.ref
    return {
        "apiVersion": ref.api_version,
        "kind": ref.kind,
        "namespace": ref.namespace,
        "name": ref.name,
        "file": side.source,
        "line": side.line,
        "document": side.document,
    }


def change_dict(change: ObjectChange) -> dict[str, Any]:
    whole = change.status in (Status.ADDED, Status.REMOVED)
    return {
        "status": change.status.value,
        "object": str(change.ref),
        "old": _side_dict(change.old),
        "new": _side_dict(change.new),
        "similarity": change.similarity,
        "impact": str(change.level),
        "impacts": [
            {
                "code": i.code,
                "name": i.name,
                "level": str(i.level),
                "message": i.message,
                "path": _path_segments(i.path),
                "details": dict(i.details),
            }
            for i in change.impacts
        ],
        "fields": [] if whole else [field_dict(f) for f in change.fields],
    }


def render_json(
    result: DiffResult, color: bool = False, quiet: bool = False, predicted: Any = None
) -> str:
    from kubelint.report.json_format import finding_dict

    report = {
        "formatVersion": FORMAT_VERSION,
        "tool": {"name": "kubelint", "version": __version__},
        "kubernetesVersion": result.kubernetes_version,
        "summary": {
            **summary_counts(result),
            "unchanged": result.unchanged,
            "oldObjects": result.old_objects,
            "newObjects": result.new_objects,
            "impact": str(result.level),
        },
        "changes": [change_dict(c) for c in result.changes],
        "findings": [finding_dict(f) for f in result.findings],
    }
    if predicted is not None:
        from kubelint.diff.predicted import to_dict

        report["predicted"] = to_dict(predicted)
    return json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


# -- Markdown --------------------------------------------------------------------------------
def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(
    result: DiffResult, color: bool = False, quiet: bool = False, predicted: Any = None
) -> str:
    out = [f"### kubelint diff: {_summary_line(result)}", ""]
    if result.findings:
        out += ["**Load problems**", ""]
        out += [f"- `{_cell(f.one_line())}`" for f in result.findings] + [""]
    if predicted is not None:
        from kubelint.diff.predicted import text_lines

        head, *body = text_lines(predicted)
        out += [f"**{head}**", "", "```", *(line[2:] for line in body), "```", ""]
    if not result.changes:
        return "\n".join(out)
    out += ["| Change | Object | Impact | Where |", "|---|---|---|---|"]
    for change in result.changes:
        impact = "<br>".join(_cell(f"{i.level}: {i.message}") for i in change.impacts) or "—"
        out.append(
            f"| {change.status.value} | `{change.ref}` | {impact} | `{_cell(_where(change))}` |"
        )
    out.append("")
    for change in result.changes:
        if change.level >= Level.ROLLOUT or change.status not in (Status.ADDED, Status.REMOVED):
            out += [
                f"<details><summary>{_title(change)}</summary>",
                "",
                "```diff",
                *unified(change),
                "```",
                "</details>",
                "",
            ]
    return "\n".join(out)


RENDERERS: dict[str, Callable[..., str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}
