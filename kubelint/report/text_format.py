"""Human output: findings grouped by file, each with a code frame of the offending line.

examples/broken/app.yaml
  14:13  error  spec.replicas: expected integer, got string "two"  KL023 invalid-type
                Deployment shop/web
    13 |   spec:
  > 14 |     replicas: "two"
       |               ^
       = hint: ...
"""

from __future__ import annotations

from itertools import groupby

from kubelint.model import Finding, Severity
from kubelint.pipeline import CheckResult
from kubelint.report import ReportOptions
from kubelint.report.summary import summary_line

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


def render(result: CheckResult, options: ReportOptions) -> str:
    paint = _Paint(options.color)
    out: list[str] = []
    for source, group in groupby(result.findings, key=lambda f: f.source):
        out.append(paint("1", source))
        lines = (result.texts.get(source) or "").splitlines()
        for f in group:
            out.extend(_finding(f, lines, paint))
        out.append("")
    if options.show_summary:
        out.append(summary_line(result))
    return "\n".join(out) + "\n" if out else ""


def _finding(f: Finding, lines: list[str], paint: _Paint) -> list[str]:
    where = f"{f.line}:{f.column}"
    severity = paint(_COLORS[f.severity], f"{f.severity!s:<7}")
    head = f"  {where:<8} {severity} {f.message}  {paint('2', f'{f.code} {f.name}')}"
    out = [head]
    if f.ref is not None:
        out.append(f"{'':<19}{paint('2', str(f.ref))}")
    out.extend(_frame(f, lines, paint))
    if f.hint:
        out.append(f"{'':<9}= hint: {f.hint}")
    return out


def _frame(f: Finding, lines: list[str], paint: _Paint) -> list[str]:
    if not 0 < f.line <= len(lines):
        return []
    width = len(str(f.line))
    out = []
    if f.line > 1 and lines[f.line - 2].strip():
        out.append(f"    {f.line - 1:>{width}} | {_clip(lines[f.line - 2])}")
    out.append(f"  {paint('1', '>')} {f.line:>{width}} | {_clip(lines[f.line - 1])}")
    caret_at = min(max(f.column - 1, 0), 160)
    out.append(f"    {'':>{width}} | {' ' * caret_at}{paint(_COLORS[f.severity], '^')}")
    return out


def _clip(line: str, limit: int = 160) -> str:
    line = line.replace("\t", " ")
    return line if len(line) <= limit else line[: limit - 1] + "…"
