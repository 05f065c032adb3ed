"""Property tests: on any schema-valid workload the policy rules run without error, and every
path they report leads to a node that exists in the object (so locations are exact)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from policy_harness import POLICY_RULES

from kubelint import strategies as ks
from kubelint.model import Document, object_ref
from kubelint.rules.engine import DEFAULT_SETTINGS
from kubelint.rules.runner import view_of

KINDS = ("Pod", "Deployment", "CronJob")


def resolves(body: Any, path: tuple[str | int, ...]) -> bool:
    node = body
    for step in path:
        in_list = isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node)
        in_map = isinstance(step, str) and isinstance(node, Mapping) and step in node
        if not (in_list or in_map):
            return False
        node = node[step]
    return True


@pytest.mark.parametrize("kind", KINDS)
def test_reported_paths_exist(kind: str):
    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(ks.objects(kind=kind))
    def check(body: dict[str, Any]) -> None:
        view = view_of(Document(body, "gen.yaml", 0, 1, object_ref(body)), DEFAULT_SETTINGS)
        for rule in POLICY_RULES:
            if rule.kinds is not None and (view.group, view.kind) not in rule.kinds:
                continue
            for violation in rule.check(view):
                assert resolves(body, violation.path), (rule.name, violation.path)

    check()


HARDENING_RULES = (
    "run-as-root",
    "writable-root-filesystem",
    "net-raw-not-dropped",
    "capabilities-not-dropped",
    "privilege-escalation-allowed",
    "seccomp-profile-missing",
    "cpu-request-missing",
    "memory-request-missing",
    "memory-limit-missing",
    "cpu-limit-missing",
    "latest-tag",
)


def harden(body: dict[str, Any]) -> None:
    """What the rules' remediations say, applied to every pod and container of `body`."""
    view = view_of(Document(body, "gen.yaml", 0, 1, object_ref(body)), DEFAULT_SETTINGS)
    spec: Any = body
    for step in view.template.spec_path:
        spec = spec[step]
    spec["securityContext"] = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
    spec.pop("os", None)
    for container in view.containers(ephemeral=True):
        node = dict(container.body)
        node.update(
            image="registry.example.com/app:1.0",
            securityContext={
                "readOnlyRootFilesystem": True,
                "allowPrivilegeEscalation": False,
                "capabilities": {"drop": ["ALL"]},
            },
            resources={
                "requests": {"cpu": "10m", "memory": "8Mi"},
                "limits": {"cpu": "1", "memory": "8Mi"},
            },
        )
        target: Any = body
        for step in container.path[:-1]:
            target = target[step]
        target[container.path[-1]] = node


@pytest.mark.parametrize("kind", ("Pod", "CronJob"))
def test_following_the_remediations_silences_the_hardening_rules(kind: str):
    rules = [r for r in POLICY_RULES if r.name in HARDENING_RULES]
    settings_ = DEFAULT_SETTINGS._replace(
        params={"privilege-escalation-allowed": {"require-false": True}}
    )

    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(ks.objects(kind=kind))
    def check(body: dict[str, Any]) -> None:
        harden(body)
        view = view_of(Document(body, "gen.yaml", 0, 1, object_ref(body)), settings_)
        for rule in rules:
            assert list(rule.check(view)) == [], rule.name

    check()
