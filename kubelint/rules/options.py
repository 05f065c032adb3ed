"""Rule options: what a rule may be configured with (`params:` in .kubelint.yaml), their
defaults, and the check configuration loading runs on configured values.

    options("default-namespace", include_unset=False)   # declares `include-unset`
    param(obj_or_ctx, "default-namespace", "include-unset")

`param` reads `settings.params` of an ObjectView or a Context.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

OPTIONS: dict[str, dict[str, Any]] = {}
"""Rule name → option name → default, for the rules of this package that take options."""


def options(rule: str, **defaults: Any) -> None:
    """Declare a rule's options (`include_unset=False` declares `include-unset`)."""
    OPTIONS[rule] = {key.replace("_", "-"): value for key, value in defaults.items()}


def option_problem(rule: str, key: str, value: Any) -> str | None:
    """Why `value` is not acceptable for a declared option, or None."""
    declared = OPTIONS.get(rule, {})
    if key not in declared:
        known = ", ".join(sorted(declared)) or "none"
        return f"params: {rule} has no option {key!r} (options: {known})"
    default = declared[key]
    if isinstance(default, tuple | list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        expected = "a list of strings"
    elif isinstance(default, bool):
        ok, expected = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
        expected = "an integer"
    else:
        ok, expected = isinstance(value, type(default)), f"a {type(default).__name__}"
    return None if ok else f"params: {rule}.{key} must be {expected}, not {value!r}"


def param(obj: Any, rule: str, key: str) -> Any:
    """A declared option's configured value (`params: {<rule>: {<key>: ...}}`), else its
    default. A wrong value raises ValueError, reported by the runner as the rule's error;
    configuration loading can reject it earlier with `option_problem`."""
    configured = obj.settings.params.get(rule)
    if configured is None or not isinstance(configured, Mapping) or key not in configured:
        return OPTIONS[rule][key]
    problem = option_problem(rule, key, configured[key])
    if problem:
        raise ValueError(problem)
    return configured[key]
