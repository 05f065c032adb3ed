"""JUnit XML for CI test-report views (GitLab, Jenkins, Azure, CircleCI).

One test case per finding, named after the rule and the object, its class name the file; errors
and warnings are `<failure>`s, info findings pass and carry their message as output. A clean run
is one passing case, so a report is never empty.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from kubelint.model import Finding, Severity
from kubelint.pipeline import CheckResult
from kubelint.report import ReportOptions


def _case(suite: ET.Element, f: Finding) -> None:
    target = f" {f.ref}" if f.ref else ""
    path = f" {f.path_text}" if f.path else ""
    case = ET.SubElement(
        suite,
        "testcase",
        name=f"{f.code} {f.name}:{target}{path}",
        classname=f.source,
        file=f.source,
        line=str(f.line),
    )
    text = f"{f.source}:{f.line}:{f.column}: {f.message}" + (f" ({f.hint})" if f.hint else "")
    if f.severity == Severity.INFO:
        ET.SubElement(case, "system-out").text = text
        return
    failure = ET.SubElement(case, "failure", message=f.message, type=str(f.severity))
    failure.text = text


def render(result: CheckResult, options: ReportOptions) -> str:
    failures = sum(1 for f in result.findings if f.severity != Severity.INFO)
    tests = max(len(result.findings), 1)
    root = ET.Element("testsuites", name="kubelint", tests=str(tests), failures=str(failures))
    suite = ET.SubElement(
        root,
        "testsuite",
        name="kubelint",
        tests=str(tests),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for f in result.findings:
        _case(suite, f)
    if not result.findings:
        ET.SubElement(
            suite, "testcase", name=f"{result.objects} objects, no findings", classname="kubelint"
        )
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
