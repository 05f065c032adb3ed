"""Documentation of a finding code for formats that carry rule metadata (SARIF)."""

from __future__ import annotations

import sys
from typing import NamedTuple

from kubelint.codes import lookup
from kubelint.model import Severity


class RuleMeta(NamedTuple):
    code: str
    name: str
    title: str
    severity: Severity
    category: str = ""
    rationale: str = ""
    remediation: str = ""


def describe(code: str, name: str, severity: Severity) -> RuleMeta:
    """Metadata for `code`: the policy rule's documentation when the rules are loaded, else the
    catalogue entry, else a bare record built from the finding itself (custom rules)."""
    engine = sys.modules.get("kubelint.rules.engine")
    rule = engine.REGISTRY.get(code) if engine is not None else None
    if rule is not None:
        return RuleMeta(
            rule.code,
            rule.name,
            rule.title,
            rule.severity,
            rule.category,
            rule.rationale,
            rule.remediation,
        )
    try:
        entry = lookup(code)
    except KeyError:
        return RuleMeta(code, name, name, severity)
    return RuleMeta(entry.code, entry.name, entry.title, entry.severity)
