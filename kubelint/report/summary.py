"""The one-line summary shared by the human formats."""

from __future__ import annotations

from kubelint.model import Severity
from kubelint.pipeline import CheckResult


def plural(count: int, word: str) -> str:
    """`1 object`, `1,200 objects`."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def summary_line(result: CheckResult) -> str:
    counts = ", ".join(
        plural(result.count(s), str(s)) if s != Severity.INFO else f"{result.count(s):,} info"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
    )
    objects = plural(result.objects, "object")
    if result.unvalidated:
        objects += f" ({result.unvalidated:,} without schema)"
    empty = (
        f", {plural(result.empty_documents, 'empty document')} skipped"
        if result.empty_documents
        else ""
    )
    mode = "strict" if result.strict else "non-strict"
    timing = f" in {result.elapsed:.2f}s" if result.elapsed > 0 else ""  # merged: no timing
    return (
        f"{plural(result.files, 'file')}, {objects}{empty}: {counts}"
        f"{timing} (Kubernetes {result.kubernetes_version}, {mode})"
    )
