"""Run the per-object policy rules (KL200–KL399) in-process over YAML text, through the same
runner `kubelint lint` uses (located findings, suppressions), without the schema stage."""

from __future__ import annotations

from collections.abc import Iterable

from kubelint.model import Finding
from kubelint.rules.catalogue import load_rules
from kubelint.rules.engine import DEFAULT_SETTINGS, Rule, Settings
from kubelint.rules.runner import lint_texts, make_plan

POLICY_RULES: list[Rule] = [
    r for r in load_rules() if r.scope == "object" and "KL200" <= r.code <= "KL399"
]
BY_NAME = {r.name: r for r in POLICY_RULES}
DEFAULT_ON = [r for r in POLICY_RULES if r.default]


def run(
    text: str, rules: Iterable[Rule] | None = None, settings: Settings = DEFAULT_SETTINGS
) -> list[Finding]:
    """Findings of `rules` (default: every policy rule, enabled or not) on one manifest text."""
    plan = make_plan(POLICY_RULES if rules is None else rules, settings)
    found = lint_texts({"test.yaml": text}, plan)
    errors = [f for f in found if f.name == "rule-error" or f.code < "KL090"]
    assert not errors, errors
    return found


def names(text: str, defaults: bool = False, settings: Settings = DEFAULT_SETTINGS) -> list[str]:
    """Sorted distinct names of the rules that fire (only enabled-by-default ones if asked)."""
    rules = DEFAULT_ON if defaults else POLICY_RULES
    return sorted({f.name for f in run(text, rules, settings)})


def paths(rule: str, text: str, settings: Settings = DEFAULT_SETTINGS) -> list[str]:
    """JSON paths one rule reports, in output order."""
    return [f.path_text for f in run(text, [BY_NAME[rule]], settings)]


def with_params(rule: str, **options: object) -> Settings:
    """Settings with options for one rule; `include_unset=` stands for `include-unset:`."""
    return DEFAULT_SETTINGS._replace(
        params={rule: {key.replace("_", "-"): value for key, value in options.items()}}
    )
