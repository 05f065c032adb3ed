"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request
(`::error file=…,line=…,col=…,title=…::message`). Info findings are notices."""

from __future__ import annotations

from kubelint.model import Finding, Severity
from kubelint.pipeline import CheckResult
from kubelint.report import ReportOptions
from kubelint.report.summary import summary_line

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    title = f"{f.code} {f.name}"
    message = f.message + (f" ({f.hint})" if f.hint else "")
    if f.ref is not None:
        message += f" [{f.ref}{' ' + f.path_text if f.path else ''}]"
    props = ",".join(
        f"{key}={escape_property(value)}"
        for key, value in (
            ("file", f.source),
            ("line", str(f.line)),
            ("col", str(f.column)),
            ("title", title),
        )
    )
    return f"::{COMMANDS[f.severity]} {props}::{escape_data(message)}"


def render(result: CheckResult, options: ReportOptions) -> str:
    lines = [annotation(f) for f in result.findings]
    if options.show_summary:
        lines.append(summary_line(result))
    return "\n".join(lines) + "\n" if lines else ""
