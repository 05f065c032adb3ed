"""The machine formats, each read back by an independent consumer: SARIF validated against the
official OASIS schema, JUnit parsed with junitparser, TAP with tap.py, GitHub commands decoded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from junitparser import Failure, JUnitXml
from tap.parser import Parser

from kubelint.model import Severity
from kubelint.pipeline import CheckOptions, CheckResult, run_check
from kubelint.report import FORMATS, ReportOptions, renderer
from kubelint.report.github_format import escape_data, escape_property

HERE = Path(__file__).parent
MISTAKES = Path(__file__).parents[2] / "examples" / "mistakes"


@pytest.fixture(scope="module")
def mistakes() -> CheckResult:
    result = run_check(CheckOptions(paths=(str(MISTAKES),), jobs=1))
    assert result.findings, "examples/mistakes must produce findings"
    return result


@pytest.fixture(scope="module")
def corpus_result(corpus) -> CheckResult:
    return run_check(CheckOptions(paths=(str(corpus),), jobs=1))


def render(name: str, result: CheckResult) -> str:
    return renderer(name)(result, ReportOptions(show_summary=False))


def test_cli_offers_every_format():
    from kubelint.cli.options import FORMATS as CLI_FORMATS

    assert CLI_FORMATS == FORMATS


@pytest.mark.parametrize("which", ["mistakes", "corpus_result"])
def test_sarif_is_valid_against_the_official_schema(which, request):
    result = request.getfixturevalue(which)
    log = json.loads(render("sarif", result))
    schema = json.loads((HERE / "data" / "sarif-schema-2.1.0.json").read_text())
    errors = sorted(Draft4Validator(schema).iter_errors(log), key=str)
    assert not errors, errors[0]
    run = log["runs"][0]
    assert len(run["results"]) == len(result.findings)
    rules = run["tool"]["driver"]["rules"]
    for res, f in zip(run["results"], result.findings, strict=True):
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"] == f.code
        region = res["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (f.line, f.column)
    assert [r["id"] for r in rules] == sorted({f.code for f in result.findings})


def _fingerprints(path: Path) -> tuple[list[int], list[str]]:
    result = run_check(CheckOptions(paths=(str(path),), jobs=1))
    results = json.loads(render("sarif", result))["runs"][0]["results"]
    return [f.line for f in result.findings], [
        r["partialFingerprints"]["kubelint/v1"] for r in results
    ]


def test_sarif_fingerprints_survive_line_shifts(tmp_path):
    body = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: x}]}\n"
    path = tmp_path / "svc.yaml"
    path.write_text(body)
    lines_before, before = _fingerprints(path)
    path.write_text("# a comment that moves every line\n\n" + body)
    lines_after, after = _fingerprints(path)
    assert before and lines_after == [line + 2 for line in lines_before]
    assert after == before


def test_junit_parses_back(mistakes, tmp_path):
    out = tmp_path / "report.xml"
    out.write_text(render("junit", mistakes))
    xml = JUnitXml.fromfile(str(out))
    cases = [case for suite in xml for case in suite]
    assert len(cases) == len(mistakes.findings)
    failing = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
    assert len(failing) == sum(1 for f in mistakes.findings if f.severity != Severity.INFO)
    first = mistakes.findings[0]
    assert cases[0].classname == first.source
    assert cases[0].result[0].message == first.message


def test_junit_clean_run_has_one_passing_case(tmp_path):
    result = run_check(CheckOptions(paths=(str(Path(__file__).parents[2] / "examples" / "app"),)))
    assert not result.findings
    out = tmp_path / "clean.xml"
    out.write_text(render("junit", result))
    cases = [case for suite in JUnitXml.fromfile(str(out)) for case in suite]
    assert len(cases) == 1 and cases[0].is_passed


def test_tap_parses_back(mistakes):
    lines = list(Parser().parse_text(render("tap", mistakes)))
    tests = [line for line in lines if line.category == "test"]
    plans = [line for line in lines if line.category == "plan"]
    assert plans[0].expected_tests == len(tests) == len(mistakes.findings)
    for line, f in zip(tests, mistakes.findings, strict=True):
        assert line.ok == (f.severity == Severity.INFO)
        assert line.yaml_block["message"] == f.message
        assert f"{f.code} {f.name}" in line.description


def _decode(text: str) -> str:
    return (
        text.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n").replace("%0D", "\r")
    ).replace("%25", "%")


def test_github_annotations_name_file_line_and_column(mistakes):
    lines = render("github", mistakes).splitlines()
    assert len(lines) == len(mistakes.findings)
    for line, f in zip(lines, mistakes.findings, strict=True):
        command, _, rest = line[2:].partition(" ")
        props, _, message = rest.partition("::")
        fields = dict(p.split("=", 1) for p in props.split(","))
        assert (
            command == {"error": "error", "warning": "warning", "info": "notice"}[str(f.severity)]
        )
        assert _decode(fields["file"]) == f.source
        assert (int(fields["line"]), int(fields["col"])) == (f.line, f.column)
        assert _decode(message).startswith(f.message)


@pytest.mark.parametrize("text", ["a,b:c", "100%\nnext\r", "%0A literally", ""])
def test_github_escaping_round_trips(text):
    assert _decode(escape_property(text)) == text
    assert "\n" not in escape_data(text) and "\r" not in escape_data(text)
    assert "," not in escape_property(text) and ":" not in escape_property(text)


@pytest.mark.parametrize("fmt", ["sarif", "junit", "tap", "github"])
def test_cli_writes_each_format(fmt, kubelint_main):
    code, out, err = kubelint_main(["check", "-o", fmt, str(MISTAKES)])
    assert code == 1
    assert out and not err


@pytest.mark.parametrize("which", ["mistakes", "corpus_result"])
def test_json_report_is_the_sorted_dump_one_finding_per_line(which, request):
    result = request.getfixturevalue(which)
    text = render("json", result)
    report = json.loads(text)
    lines = text.splitlines()
    assert lines[0] == "{" and lines[1] == '  "findings": ['
    dumped = [json.dumps(f, sort_keys=True, ensure_ascii=False) for f in report["findings"]]
    assert [line.strip().rstrip(",") for line in lines[2 : 2 + len(dumped)]] == dumped
    assert [f["line"] for f in report["findings"]] == [f.line for f in result.findings]
