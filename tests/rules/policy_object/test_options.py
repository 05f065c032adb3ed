"""Rule options (`params:` in .kubelint.yaml): declared per rule, type-checked."""

from __future__ import annotations

import re

import pytest
from policy_harness import BY_NAME, with_params

from kubelint.rules.builtin._pod import OPTIONS, option_problem
from kubelint.rules.engine import REGISTRY
from kubelint.rules.runner import lint_texts, make_plan


def test_every_declared_option_belongs_to_a_rule_and_its_default_is_valid():
    assert set(OPTIONS) <= {r.name for r in REGISTRY.values()}
    for rule, declared in OPTIONS.items():
        for key, default in declared.items():
            value = list(default) if isinstance(default, tuple) else default
            assert option_problem(rule, key, value) is None, (rule, key)


@pytest.mark.parametrize(
    ("rule", "key", "value", "problem"),
    [
        ("dangerous-capability", "forbidden", 5, "must be a list of strings, not 5"),
        ("dangerous-capability", "forbidden", ["SYS_ADMIN", 1], "must be a list of strings"),
        ("single-replica", "min", True, "must be an integer, not True"),
        ("default-namespace", "include-unset", "yes", "must be true or false, not 'yes'"),
        ("default-namespace", "include_unset", True, "has no option 'include_unset'"),
        ("latest-tag", "strict", True, "has no option 'strict' (options: none)"),
    ],
)
def test_option_problems_name_the_rule_and_the_option(rule, key, value, problem):
    assert problem in (option_problem(rule, key, value) or "")


def test_a_wrong_option_value_is_reported_on_the_rule_not_raised():
    rule = BY_NAME["dangerous-capability"]
    settings = with_params("dangerous-capability", forbidden="SYS_ADMIN")
    [finding] = lint_texts({"x.yaml": rule.failing}, make_plan([rule], settings))
    assert finding.name == "rule-error"
    assert "params: dangerous-capability.forbidden must be a list of strings" in finding.message


def test_configured_names_are_read_as_the_rule_reads_the_manifest():
    """Capabilities with or without CAP_ and in any case; host paths normalised (/etc/ = /etc)."""
    caps = BY_NAME["dangerous-capability"]
    pod = caps.failing.replace("SYS_ADMIN", "cap_net_raw")
    for spelling in ("CAP_NET_RAW", "net_raw", "NET_RAW"):
        settings = with_params("dangerous-capability", forbidden=[spelling])
        found = lint_texts({"x.yaml": pod}, make_plan([caps], settings))
        assert [f.message for f in found] == ['container "web" adds capability NET_RAW'], spelling
    host = BY_NAME["sensitive-host-path"]
    text = host.failing.replace(_host_path(host.failing), "/etc/kubernetes")
    for spelling in ("/etc/kubernetes/", "/etc//kubernetes", "/etc/./kubernetes"):
        settings = with_params("sensitive-host-path", paths=[spelling])
        found = lint_texts({"x.yaml": text}, make_plan([host], settings))
        assert [f.code for f in found] == ["KL225"], spelling


def _host_path(text: str) -> str:
    match = re.search(r"path: (\S+?)[,}\s]", text)
    assert match, text
    return match.group(1)
