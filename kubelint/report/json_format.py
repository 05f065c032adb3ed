"""Machine-readable report. The layout is versioned (`formatVersion`); see README "JSON output".

Output is deterministic: findings sorted, keys sorted, no timings.
"""

from __future__ import annotations

import json
from typing import Any

from kubelint import __version__
from kubelint.model import Finding, Severity
from kubelint.pipeline import CheckResult
from kubelint.report import ReportOptions

FORMAT_VERSION = 1


def finding_dict(f: Finding) -> dict[str, Any]:
    """A finding as JSON data, keys in sorted order (see `_ONE_LINE`)."""
    ref = None
    if f.ref is not None:
        ref = {
            "apiVersion": f.ref.api_version,
            "kind": f.ref.kind,
            "name": f.ref.name,
            "namespace": f.ref.namespace,
        }
    return {
        "code": f.code,
        "column": f.column,
        "document": f.document,
        "file": f.source,
        "hint": f.hint,
        "line": f.line,
        "message": f.message,
        "object": ref,
        "path": f.path_text,
        "pathSegments": list(f.path),
        "rule": f.name,
        "severity": str(f.severity),
    }


_ONE_LINE = json.JSONEncoder(ensure_ascii=False)
"""One finding per line, made once: `json.dumps` with options builds an encoder per call. Its
keys come sorted from `finding_dict`; a test holds the output to `sort_keys=True`'s."""


def report_dict(result: CheckResult) -> dict[str, Any]:
    return {
        "formatVersion": FORMAT_VERSION,
        "tool": {"name": "kubelint", "version": __version__},
        "kubernetesVersion": result.kubernetes_version,
        "strict": result.strict,
        "summary": {
            "files": result.files,
            "objects": result.objects,
            "validated": result.validated,
            "notValidated": result.unvalidated,
            "emptyDocuments": result.empty_documents,
            "customResourceDefinitions": result.crds,
            "findings": {str(s): result.count(s) for s in reversed(Severity)},
        },
        "findings": [finding_dict(f) for f in result.findings],
    }


def render(result: CheckResult, options: ReportOptions) -> str:
    """Indented JSON with one finding per line: readable, greppable, and written by the json
    module's C encoder (an indented dump of 100,000 findings takes seconds in pure Python)."""
    report = report_dict(result)
    if min(report) != "findings":  # the layout below relies on "findings" sorting first
        return json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    findings = report.pop("findings")
    rest = json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False)
    lines = [_ONE_LINE.encode(f) for f in findings]
    block = "[\n    " + ",\n    ".join(lines) + "\n  ]" if lines else "[]"
    # "findings" sorts before every other top-level key, so it opens the object
    return '{\n  "findings": ' + block + ",\n" + rest[2:] + "\n"
