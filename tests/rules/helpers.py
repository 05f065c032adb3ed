"""Test-only rules with codes outside every real range (KL98x), so the machinery is tested
independently of the built-in rules."""

from __future__ import annotations

from kubelint.model import Severity
from kubelint.rules.catalogue import add_codes
from kubelint.rules.engine import ObjectView, Rule, Violation
from kubelint.rules.runner import lint_texts, make_plan


def make_rule(code: str, name: str, check, scope: str = "object", kinds=None) -> Rule:
    rule = Rule(
        code, name, Severity.WARNING, "best-practice", "test rule", "why", "fix", "", "",
        check, scope, kinds, True, {},
    )  # fmt: skip
    add_codes([rule])
    return rule


def latest(obj: ObjectView):
    for c in obj.containers():
        if str(c.body.get("image", "")).endswith(":latest"):
            yield Violation((*c.path, "image"), f"container {c.name!r} uses :latest")


def boom(obj: ObjectView):
    if obj.name == "boom":
        raise KeyError("spec")
    return iter(())


def same_name(ctx):
    """Set rule: objects sharing a name with an earlier object of another kind."""
    seen: dict[str, ObjectView] = {}
    for obj in ctx.objects:
        if obj.name in seen and seen[obj.name].kind != obj.kind:
            yield obj, Violation(("metadata", "name"), f"name {obj.name} reused", at_key=False)
        seen.setdefault(obj.name, obj)


LATEST = make_rule("KL981", "test-latest", latest)
BOOM = make_rule("KL982", "test-boom", boom)
SAME_NAME = make_rule("KL983", "test-same-name", same_name, scope="set")
RULES = [LATEST, BOOM, SAME_NAME]


def lint(texts: dict[str, str], rules=None, settings=None):
    return lint_texts(texts, make_plan(rules or RULES, settings, RULES))
