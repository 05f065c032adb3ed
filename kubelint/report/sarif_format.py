"""SARIF 2.1.0 (OASIS), the format code-scanning services ingest (e.g. GitHub code scanning).

One run; `tool.driver.rules` documents every rule that has a result, in code order; each result
points at its rule by id and index, at the file/line/column, and names the Kubernetes object as a
logical location. `partialFingerprints` identify a finding by rule, object and JSON path, so a
result keeps its identity when lines move.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any
from urllib.parse import quote

from kubelint import __version__
from kubelint.model import Finding, Severity
from kubelint.pipeline import CheckResult
from kubelint.report import ReportOptions
from kubelint.report.rulemeta import RuleMeta, describe

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_uri(source: str) -> str:
    """A relative URI reference for relative paths, a file: URI for absolute ones."""
    path = source.replace(os.sep, "/")
    if os.path.isabs(source):
        return "file://" + quote(path if path.startswith("/") else "/" + path)
    return quote(path)


def fingerprint(f: Finding) -> str:
    ref = f"{f.ref.api_version}/{f.ref.kind}/{f.ref.namespace or ''}/{f.ref.name}" if f.ref else ""
    key = "\0".join((f.code, f.source, ref, f.path_text, "" if f.ref else str(f.line)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _rule(meta: RuleMeta) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": meta.code,
        "name": meta.name,
        "shortDescription": {"text": meta.title},
        "defaultConfiguration": {"level": LEVELS[meta.severity]},
        "properties": {"tags": [meta.category]} if meta.category else {},
    }
    if meta.rationale or meta.remediation:
        text = "\n\n".join(t for t in (meta.rationale, meta.remediation) if t)
        rule["fullDescription"] = {"text": meta.rationale or meta.title}
        rule["help"] = {"text": text}
    return rule


def _result(f: Finding, index: int) -> dict[str, Any]:
    message = f.message + (f" ({f.hint})" if f.hint else "")
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(f.source)},
            "region": {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)},
        }
    }
    if f.ref is not None:
        location["logicalLocations"] = [{"fullyQualifiedName": str(f.ref), "kind": "object"}]
    properties: dict[str, Any] = {"rule": f.name}
    if f.path:
        properties["jsonPath"] = f.path_text
    return {
        "ruleId": f.code,
        "ruleIndex": index,
        "level": LEVELS[f.severity],
        "message": {"text": message},
        "locations": [location],
        "partialFingerprints": {"kubelint/v1": fingerprint(f)},
        "properties": properties,
    }


def sarif_log(result: CheckResult) -> dict[str, Any]:
    metas: dict[str, RuleMeta] = {}
    for f in result.findings:
        if f.code not in metas:
            metas[f.code] = describe(f.code, f.name, f.severity)
    codes = sorted(metas)
    index = {code: i for i, code in enumerate(codes)}
    run = {
        "tool": {
            "driver": {
                "name": "kubelint",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(metas[code]) for code in codes],
            }
        },
        "results": [_result(f, index[f.code]) for f in result.findings],
        "columnKind": "unicodeCodePoints",
        "properties": {"kubernetesVersion": result.kubernetes_version, "objects": result.objects},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: CheckResult, options: ReportOptions) -> str:
    return json.dumps(sarif_log(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
