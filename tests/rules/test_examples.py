"""Every rule's documented examples: the failing one fails that rule, the passing one passes it.

Parametrised over the registry, so each rule added to kubelint/rules/builtin is covered without
touching this file. A rule that raises (rule-error, KL092) fails here too.
"""

from __future__ import annotations

import pytest

from kubelint.rules.catalogue import load_rules
from kubelint.rules.engine import CATEGORIES, Rule
from kubelint.rules.runner import lint_texts, make_plan

RULES = load_rules()


def _findings(rule: Rule, text: str):
    return lint_texts({f"{rule.name}.yaml": text}, make_plan([rule]))


def _errors(findings) -> list[str]:
    return [f"{f.line}: {f.message}" for f in findings if f.name == "rule-error"]


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.code}-{r.name}" for r in RULES])
def test_failing_example_fails(rule: Rule) -> None:
    findings = _findings(rule, rule.failing)
    assert not _errors(findings)
    assert [f for f in findings if f.code == rule.code], (
        f"{rule.code} silent on its failing example"
    )
    loading = [f for f in findings if f.code < "KL090"]
    assert not loading, f"the example does not load cleanly: {loading}"


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.code}-{r.name}" for r in RULES])
def test_passing_example_passes(rule: Rule) -> None:
    findings = _findings(rule, rule.passing)
    assert not _errors(findings)
    hits = [f"{f.line}: {f.message}" for f in findings if f.code == rule.code]
    assert not hits, f"{rule.code} reports on its passing example"


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.code}-{r.name}" for r in RULES])
def test_rule_is_documented(rule: Rule) -> None:
    assert rule.code[:2] == "KL" and rule.code[2:].isdigit() and int(rule.code[2:]) >= 100
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.category in CATEGORIES
    for field in ("title", "rationale", "remediation"):
        assert getattr(rule, field).strip(), f"{rule.code} has no {field}"
    assert rule.failing.strip() != rule.passing.strip()


def test_registry_is_not_empty() -> None:
    assert len(RULES) >= 1
