"""Join the JSON reports of several `kubelint check` runs (shards of one input) into one.

    result = merge_reports([json.load(f) for f in files])   # a CheckResult, ready to render

Reports must come from the same kubelint report format, Kubernetes version and strictness.
Findings are de-duplicated and sorted as one run would sort them; summary counts are added.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kubelint.model import Finding, ObjectRef, Severity
from kubelint.pipeline import CheckResult
from kubelint.report.json_format import FORMAT_VERSION


class MergeError(ValueError):
    """The reports cannot be merged (wrong format, different targets)."""


def merge_reports(reports: Iterable[tuple[str, Mapping[str, Any]]]) -> CheckResult:
    """`reports` are (name, parsed JSON) pairs; the name only appears in error messages."""
    result: CheckResult | None = None
    seen: set[tuple[Any, ...]] = set()
    findings: list[Finding] = []
    for name, report in reports:
        _check_format(name, report)
        if result is None:
            result = CheckResult(
                [], kubernetes_version=report["kubernetesVersion"], strict=report["strict"]
            )
        elif (report["kubernetesVersion"], report["strict"]) != (
            result.kubernetes_version,
            result.strict,
        ):
            raise MergeError(
                f"{name}: checked for Kubernetes {report['kubernetesVersion']} "
                f"({'strict' if report['strict'] else 'non-strict'}), the others for "
                f"{result.kubernetes_version} ({'strict' if result.strict else 'non-strict'})"
            )
        _add_summary(result, report["summary"])
        for item in report["findings"]:
            finding = _finding(name, item)
            key = (finding.sort_key(), finding.severity, finding.ref, finding.hint)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    if result is None:
        raise MergeError("no reports to merge")
    result.findings = sorted(findings, key=Finding.sort_key)
    result.texts = _texts({f.source for f in result.findings})
    return result


def _check_format(name: str, report: Any) -> None:
    if not isinstance(report, Mapping) or report.get("formatVersion") != FORMAT_VERSION:
        raise MergeError(
            f"{name}: not a kubelint JSON report (formatVersion {FORMAT_VERSION}); "
            "write one with `kubelint check -o json`"
        )
    for key in ("kubernetesVersion", "strict", "summary", "findings"):
        if key not in report:
            raise MergeError(f"{name}: report has no {key!r}")


def _add_summary(result: CheckResult, summary: Mapping[str, Any]) -> None:
    result.files += int(summary.get("files", 0))
    result.objects += int(summary.get("objects", 0))
    result.validated += int(summary.get("validated", 0))
    result.unvalidated += int(summary.get("notValidated", 0))
    result.empty_documents += int(summary.get("emptyDocuments", 0))
    result.crds += int(summary.get("customResourceDefinitions", 0))


def _finding(name: str, item: Mapping[str, Any]) -> Finding:
    try:
        obj = item.get("object")
        ref = None
        if obj:
            group, _, version = str(obj["apiVersion"]).rpartition("/")
            ref = ObjectRef(
                group, version, obj["kind"], obj.get("namespace"), obj.get("name") or ""
            )
        return Finding(
            item["file"],
            int(item["line"]),
            int(item["column"]),
            item["code"],
            item["rule"],
            Severity.parse(item["severity"]),
            item["message"],
            ref,
            tuple(item.get("pathSegments") or ()),
            item.get("document"),
            item.get("hint"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise MergeError(f"{name}: malformed finding {item!r}: {exc}") from None


def _texts(sources: set[str]) -> dict[str, str]:
    """File texts for code frames, where the files are still there (best effort)."""
    texts = {}
    for source in sorted(sources):
        try:
            with open(source, encoding="utf-8", errors="replace") as fh:
                texts[source] = fh.read()
        except OSError:
            continue
    return texts
