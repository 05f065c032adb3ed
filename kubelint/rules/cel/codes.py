"""Finding codes of CEL rules and admission policies (KL600–KL649). KL610
admission-policy-violation is the built-in rule in kubelint.rules.builtin.admission."""

from __future__ import annotations

from kubelint.codes import Code, register
from kubelint.model import Severity

CODES = (
    Code("KL600", "custom-rule-invalid", Severity.ERROR, "A custom rule file kubelint cannot use"),
    Code(
        "KL601",
        "cel-evaluation-error",
        Severity.WARNING,
        "A CEL expression failed on an object (e.g. a field it reads is missing)",
    ),
    Code("KL602", "cel-cost-exceeded", Severity.ERROR, "A CEL expression exceeded its cost budget"),
    Code(
        "KL611",
        "admission-policy-invalid",
        Severity.ERROR,
        "A ValidatingAdmissionPolicy or binding kubelint cannot evaluate",
    ),
)
register(*CODES)
