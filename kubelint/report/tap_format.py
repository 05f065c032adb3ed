"""TAP version 13: one test point per finding (errors and warnings `not ok`, info `ok`), with
a YAML block giving severity, rule, object and path. A clean run is one passing point."""

from __future__ import annotations

import json

from kubelint.model import Finding, Severity
from kubelint.pipeline import CheckResult
from kubelint.report import ReportOptions


def _scalar(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def _point(number: int, f: Finding) -> list[str]:
    status = "ok" if f.severity == Severity.INFO else "not ok"
    description = f"{f.source}:{f.line}:{f.column} {f.code} {f.name}".replace("#", "\\#")
    lines = [f"{status} {number} - {description}", "  ---"]
    lines.append(f"  message: {_scalar(f.message)}")
    lines.append(f"  severity: {f.severity}")
    if f.ref is not None:
        lines.append(f"  object: {_scalar(str(f.ref))}")
    if f.path:
        lines.append(f"  path: {_scalar(f.path_text)}")
    if f.hint:
        lines.append(f"  hint: {_scalar(f.hint)}")
    lines.append("  ...")
    return lines


def render(result: CheckResult, options: ReportOptions) -> str:
    lines = ["TAP version 13"]
    if not result.findings:
        lines += ["1..1", f"ok 1 - {result.objects} objects, no findings"]
        return "\n".join(lines) + "\n"
    lines.append(f"1..{len(result.findings)}")
    for number, f in enumerate(result.findings, 1):
        lines += _point(number, f)
    return "\n".join(lines) + "\n"
