"""A tiny harness that runs one validation rule over YAML text, independent of the runner."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kubelint.rules.builtin  # noqa: F401  (registers the rules)
from kubelint.load import load_text
from kubelint.model import format_path
from kubelint.rules.context import Context
from kubelint.rules.engine import DEFAULT_SETTINGS, REGISTRY, ObjectView, Settings
from kubelint.rules.runner import view_of

Lint = Callable[..., list[tuple[str, str]]]


def views(text: str, settings: Settings = DEFAULT_SETTINGS) -> list[ObjectView]:
    return [view_of(doc, settings) for doc in load_text(text, "test.yaml").documents]


def run_rule(code: str, text: str, settings: Settings = DEFAULT_SETTINGS) -> list[tuple[str, str]]:
    """(path, message) of every violation `code` reports on `text`, in report order."""
    rule = REGISTRY[code]
    objects = views(text, settings)
    found = []
    if rule.scope == "set":
        for _obj, violation in rule.check(Context(objects, settings)):
            found.append((format_path(violation.path), violation.message))
        return found
    for obj in objects:
        if rule.kinds is None or (obj.group, obj.kind) in rule.kinds:
            found.extend((format_path(v.path), v.message) for v in rule.check(obj))
    return found


@pytest.fixture
def lint() -> Lint:
    return run_rule
