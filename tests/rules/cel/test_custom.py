"""Custom CEL rules: loading (errors name file and line), evaluation, cost bound."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelint.load import load_text
from kubelint.rules.cel.custom import load_custom_rules
from kubelint.rules.cel.runtime import CostExceeded, Program
from kubelint.rules.engine import ObjectView
from kubelint.rules.runner import lint_texts, make_plan

RULE = """\
apiVersion: kubelint.dev/v1alpha1
kind: Rule
metadata: {name: require-team-label}
spec:
  code: ACME001
  severity: error
  title: Workloads name their owning team
  match:
    kinds: [apps/Deployment]
    labelSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [test]}]}
  variables:
  - {name: labels, expression: "has(object.metadata.labels) ? object.metadata.labels : {}"}
  validations:
  - expression: "'team' in variables.labels"
    messageExpression: "'Deployment ' + object.metadata.name + ' has no team label'"
    path: metadata.labels
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return path


def view(text: str) -> ObjectView:
    return ObjectView(load_text(text, "obj.yaml").documents[0], "default")


DEPLOY = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: %s}\nspec: {}\n"


def test_rule_reports_with_its_code_severity_and_path(tmp_path):
    rules, findings = load_custom_rules([str(write(tmp_path, RULE))])
    assert findings == [] and [r.code for r in rules] == ["ACME001"]
    rule = rules[0]
    assert str(rule.severity) == "error"
    bad = list(rule.check(view(DEPLOY % "{app: web}")))
    assert [(v.path, v.message) for v in bad] == [
        (("metadata", "labels"), "Deployment web has no team label")
    ]
    assert list(rule.check(view(DEPLOY % "{team: shop}"))) == []
    assert list(rule.check(view(DEPLOY % "{tier: test}"))) == []  # selector excludes it
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n"
    assert list(rule.check(view(pod))) == []  # kind not matched


@pytest.mark.parametrize(
    ("mutation", "line", "fragment"),
    [
        (("'team' in variables.labels", "'team' in variables.("), 14, "CEL syntax error"),
        (("severity: error", "severity: fatal"), 6, "severity must be"),
        (("kinds: [apps/Deployment]", "kinds: apps/Deployment"), 9, "match.kinds must be a list"),
        (("name: require-team-label", "name: Require_Team"), 3, "lowercase slug"),
        (("operator: NotIn", "operator: Near"), 10, "Unsupported value"),
    ],
)
def test_bad_rule_file_names_file_and_line(tmp_path, mutation, line, fragment):
    path = write(tmp_path, RULE.replace(*mutation))
    rules, findings = load_custom_rules([str(path)])
    assert rules == []
    assert [(f.source, f.line, f.name) for f in findings] == [
        (str(path), line, "custom-rule-invalid")
    ]
    assert fragment in findings[0].message


def test_duplicate_and_builtin_names_are_refused(tmp_path):
    twice = RULE + "---\n" + RULE
    rules, findings = load_custom_rules([str(write(tmp_path, twice))])
    assert len(rules) == 1 and "already defined" in findings[0].message


def test_evaluation_errors_and_cost_are_findings(tmp_path, monkeypatch):
    monkeypatch.setattr("kubelint.rules.cel.runtime.DEFAULT_BUDGET", 2_000)
    text = RULE.replace("'team' in variables.labels", "object.spec.template.spec.x == 1")
    rule = load_custom_rules([str(write(tmp_path, text))])[0][0]
    (violation,) = rule.check(view(DEPLOY % "{app: web}"))
    assert violation.code == "cel-evaluation-error" and "no such" in violation.message
    heavy = RULE.replace(
        "'team' in variables.labels",
        "object.spec.items.all(a, object.spec.items.all(b, object.spec.items.all(c, true)))",
    )
    rule = load_custom_rules([str(write(tmp_path, heavy))])[0][0]
    body = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec: {items: [%s]}\n"
    (violation,) = rule.check(view(body % ",".join(["1"] * 20)))
    assert violation.code == "cel-cost-exceeded"


def test_budget_counts_comprehension_iterations():
    program = Program("object.all(a, object.all(b, true))")
    assert program.evaluate({"object": list(range(20))}, budget=1_000) is True  # ~420 steps
    with pytest.raises(CostExceeded):
        program.evaluate({"object": list(range(40))}, budget=1_000)  # ~1,640 steps


def test_evaluation_errors_are_reported_under_their_own_code_through_the_runner(tmp_path):
    """The runner keeps a violation's own code (KL601 cel-evaluation-error), not the rule's."""
    text = RULE.replace("'team' in variables.labels", "object.spec.template.spec.x == 1")
    rule = load_custom_rules([str(write(tmp_path, text))])[0][0]
    found = lint_texts({"d.yaml": DEPLOY % "{app: web}"}, make_plan([rule]))
    assert [(f.code, f.name, str(f.severity)) for f in found] == [
        ("KL601", "cel-evaluation-error", "warning")
    ]
