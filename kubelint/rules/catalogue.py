"""Every rule kubelint knows: the built-in rules, custom rules loaded for a run, and the KL0xx
codes of loading and schema checks (findings too, selectable and suppressible by the same names).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kubelint import codes
from kubelint.model import Severity
from kubelint.rules.engine import CATEGORIES, REGISTRY, Rule

LINT_CODES = (
    codes.Code(
        "KL090", "unused-suppression", Severity.INFO, "A suppression that matches no finding"
    ),
    codes.Code(
        "KL091", "unknown-suppression", Severity.WARNING, "A suppression names an unknown rule"
    ),
    codes.Code(
        "KL092", "rule-error", Severity.ERROR, "A rule failed on an object (a kubelint bug)"
    ),
)
"""The lint machinery's own findings (suppressions, rule crashes)."""
codes.register(*LINT_CODES)


def load_rules() -> list[Rule]:
    """The built-in rules, sorted by code; their codes join the finding-code catalogue so that
    `--severity NAME=LEVEL` and suppressions accept rule names like any other code."""
    import kubelint.rules.builtin  # noqa: F401  (registers the rule modules)

    rules = sorted(REGISTRY.values(), key=lambda r: r.code)
    add_codes(rules)
    return rules


def add_codes(rules: Iterable[Rule]) -> None:
    """Register rule codes (a code its module registered already, by the same name, is kept)."""
    for r in rules:
        existing = codes.BY_CODE.get(r.code)
        if existing is None or existing.name != r.name:
            codes.register(codes.Code(r.code, r.name, r.severity, r.title))


def check_codes() -> list[codes.Code]:
    """kubelint's codes that are not rules (loading, schema, lint machinery, later stages), by
    code. Custom rules (codes outside the reserved KL prefix) are not part of the catalogue."""
    return sorted(
        (c for c in codes.CODES.values() if c.code not in REGISTRY and c.code.startswith("KL")),
        key=lambda c: c.code,
    )


def find(rules: Iterable[Rule], key: str) -> Rule | None:
    """A rule by code (any case) or name."""
    key = key.strip()
    for rule in rules:
        if key.upper() == rule.code or key == rule.name:
            return rule
    return None


def code_of(key: str) -> str | None:
    """The code a name or code stands for (rules must be registered), None when unknown."""
    try:
        return codes.lookup(key.strip()).code
    except KeyError:
        return None


def is_category(key: str) -> bool:
    return key in CATEGORIES


def is_selector(key: str) -> bool:
    """What enable/disable accept: a rule name or code, a category, or `all`."""
    return key == "all" or is_category(key) or code_of(key) is not None


def select(
    rules: Iterable[Rule], layers: Sequence[tuple[Sequence[str], Sequence[str]]]
) -> list[Rule]:
    """The enabled rules: each rule's default, overridden by each (enable, disable) layer in
    turn (configuration, then command line) that mentions it. Within a layer the most specific
    selector wins (name or code > category > all); on a tie, disable wins."""
    enabled = []
    for rule in rules:
        on = rule.default
        for enable, disable in layers:
            best_on = max((_specificity(rule, s) for s in enable), default=-1)
            best_off = max((_specificity(rule, s) for s in disable), default=-1)
            if best_on >= 0 or best_off >= 0:
                on = best_on > best_off
        if on:
            enabled.append(rule)
    return enabled


def _specificity(rule: Rule, selector: str) -> int:
    if selector == "all":
        return 0
    if selector == rule.category:
        return 1
    if selector == rule.name or selector.upper() == rule.code:
        return 2
    return -1
