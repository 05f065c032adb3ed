"""Helpers for the cross-object rule tests (KL400–KL499): lint YAML through the real rule runner,
or run the set rules straight over a Context built from corpus files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from kubelint.load import load_text
from kubelint.model import Document, Finding
from kubelint.rules.catalogue import load_rules
from kubelint.rules.context import Context
from kubelint.rules.engine import DEFAULT_SETTINGS, Rule, Settings, Violation
from kubelint.rules.runner import lint_texts, make_plan, view_of

OWN = [r for r in load_rules() if "KL400" <= r.code <= "KL499"]
BY_NAME = {r.name: r for r in OWN}


def lint(texts: str | Mapping[str, str], *names: str, settings: Settings | None = None):
    """Findings of the named rules (all of ours when none is named) on YAML text(s)."""
    rules = [BY_NAME[n] for n in names] if names else OWN
    files = {"test.yaml": texts} if isinstance(texts, str) else dict(texts)
    findings = lint_texts(files, make_plan(rules, settings))
    assert not [f for f in findings if f.code < "KL100"], findings  # loads cleanly, no crash
    return findings


def messages(findings: Iterable[Finding]) -> list[str]:
    return [f.message for f in findings]


def corpus_documents(paths: Iterable[Path]) -> list[Document]:
    docs: list[Document] = []
    for path in sorted(paths):
        docs.extend(load_text(path.read_text(encoding="utf-8"), str(path)).documents)
    return docs


def context(docs: Sequence[Document], settings: Settings = DEFAULT_SETTINGS) -> Context:
    return Context([view_of(d, settings) for d in docs], settings)


def run_set_rules(ctx: Context, rules: Iterable[Rule] = OWN) -> list[tuple[str, str, Violation]]:
    """(rule name, "Kind namespace/name", violation) for every set rule hit."""
    return [
        (rule.name, f"{obj.kind} {obj.namespace}/{obj.name}", v)
        for rule in rules
        if rule.scope == "set"
        for obj, v in rule.check(ctx)
    ]
