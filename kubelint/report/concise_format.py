"""One line per finding: `path:line:col: severity CODE name: message [object]`."""

from __future__ import annotations

from kubelint.pipeline import CheckResult
from kubelint.report import ReportOptions
from kubelint.report.summary import summary_line


def render(result: CheckResult, options: ReportOptions) -> str:
    lines = []
    for f in result.findings:
        obj = f" [{f.ref}]" if f.ref else ""
        hint = f" ({f.hint})" if f.hint else ""
        lines.append(f"{f.one_line()}{hint}{obj}")
    if options.show_summary:
        lines.append(summary_line(result))
    return "\n".join(lines) + "\n" if lines else ""
