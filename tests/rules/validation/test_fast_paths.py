"""The validation rules decide the common case with a cheap check (`valid_*`, `_valid_*`) and
build findings (`*_violations`, `_probe`, `_env` …) only when it fails. Each cheap check must say
"valid" exactly when the full check would report nothing, or findings would be lost (or work
wasted): these properties hold the pairs together on values chosen to sit on every boundary."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kubelint.model import Document, object_ref
from kubelint.rules.builtin import validation_containers as containers
from kubelint.rules.builtin import validation_resources as resources
from kubelint.rules.builtin._validation import (
    label_violations,
    one_of,
    port_violations,
    valid_labels,
    valid_one_of,
    valid_port,
)
from kubelint.rules.engine import ObjectView

TEXTS = st.sampled_from(
    ["", "a", "web", "Web", "A_b", "a.b", "-x", "x-", "80", "http", "http-metrics", "a" * 15,
     "a" * 16, "a" * 63, "a" * 64, "example.com/app", "Example.com/app", "a/b/c", "/x", "x/",
     "MY_VAR", "1VAR", "my-var", "a=b", "é", "100m", "1Gi", "1GB", "0", "-1", "1e3", "0.5Ki"]
)  # fmt: skip
SCALARS = st.one_of(
    TEXTS,
    st.sampled_from([0, 1, -1, 80, 65535, 65536, 2**31, True, False, None, 1.5, 0.0]),
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXTS, inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
PATH = ("spec", "x")


@given(st.dictionaries(st.one_of(TEXTS, st.integers(0, 3)), SCALARS, max_size=4) | VALUES)
def test_labels(labels: Any) -> None:
    assert valid_labels(labels) == (not list(label_violations(PATH, labels)))


@given(SCALARS, st.booleans())
def test_ports(value: Any, allow_name: bool) -> None:
    assert valid_port(value, allow_name) == (not list(port_violations(PATH, value, allow_name)))


KEYS = ("exec", "httpGet", "tcpSocket", "grpc")


@given(st.dictionaries(st.sampled_from([*KEYS, "other"]), SCALARS, max_size=4), st.booleans())
def test_one_of(body: dict[str, Any], required: bool) -> None:
    full = list(one_of(PATH, body, KEYS, "handler type", required))
    assert valid_one_of(body, frozenset(KEYS), required) == (not full)


HANDLER = st.fixed_dictionaries({}, optional={"port": SCALARS, "path": TEXTS})
PROBES = st.fixed_dictionaries(
    {},
    optional={
        "exec": st.just({"command": ["true"]}) | SCALARS,
        "httpGet": HANDLER | SCALARS,
        "tcpSocket": HANDLER,
        "grpc": HANDLER,
        "periodSeconds": SCALARS,
        "successThreshold": SCALARS,
        "failureThreshold": SCALARS,
        "initialDelaySeconds": SCALARS,
    },
)


@given(PROBES, st.sampled_from(["livenessProbe", "readinessProbe", "startupProbe"]))
def test_probes(probe: dict[str, Any], kind: str) -> None:
    full = list(containers._probe(PATH, kind, probe))
    assert containers._valid_probe(kind, probe) == (not full)


@given(st.fixed_dictionaries({}, optional={k: HANDLER | SCALARS for k in [*KEYS, "sleep"]}))
def test_handler_ports(handler: dict[str, Any]) -> None:
    full = list(containers._handler_ports(PATH, handler))
    assert containers._valid_handler_ports(handler) == (not full)


SOURCES = st.fixed_dictionaries(
    {},
    optional={
        k: st.just({"name": "c", "key": "k"}) | SCALARS
        for k in ("fieldRef", "configMapKeyRef", "secretKeyRef", "resourceFieldRef", "other")
    },
)
ENV = st.lists(
    st.fixed_dictionaries({}, optional={"name": SCALARS, "value": SCALARS, "valueFrom": SOURCES})
    | SCALARS,
    max_size=3,
)


@given(ENV | SCALARS, st.booleans())
def test_env(env: Any, relaxed: bool) -> None:
    full = list(containers._env(PATH, env, relaxed))
    assert containers._valid_env(env, relaxed) == (not full)


QUANTITIES = st.dictionaries(st.sampled_from(["cpu", "memory", "ephemeral-storage", "x"]), SCALARS)
RESOURCES = st.fixed_dictionaries({}, optional={"requests": QUANTITIES, "limits": QUANTITIES})
POD_SPECS = st.fixed_dictionaries(
    {"containers": st.lists(st.fixed_dictionaries({"name": TEXTS}, optional={
        "resources": RESOURCES | SCALARS}), max_size=2)},
    optional={
        "overhead": QUANTITIES,
        "resources": RESOURCES,
        "volumes": st.lists(st.fixed_dictionaries({"name": TEXTS}, optional={
            "emptyDir": st.fixed_dictionaries({}, optional={"sizeLimit": SCALARS}),
            "ephemeral": st.just({"volumeClaimTemplate": {"spec": {"resources": {
                "requests": {"storage": "1Gi"}}}}})}), max_size=2),
    },
)  # fmt: skip
KINDS = st.sampled_from(
    [("v1", "Pod"), ("apps/v1", "Deployment"), ("v1", "LimitRange"), ("v1", "ResourceQuota"),
     ("v1", "PersistentVolumeClaim"), ("v1", "ConfigMap")]
)  # fmt: skip


@given(POD_SPECS, KINDS)
def test_quantities_decided_without_listing_maps(
    spec: dict[str, Any], kind: tuple[str, str]
) -> None:
    """The shortcut may only say "valid" when listing every quantity map finds nothing."""
    api_version, name = kind
    body: dict[str, Any] = {"apiVersion": api_version, "kind": name, "metadata": {"name": "x"}}
    body["spec"] = {"template": {"spec": spec}} if name == "Deployment" else spec
    view = ObjectView(Document(body, "x.yaml", 0, 1, object_ref(body)), "default")
    problems = [
        problem
        for _, _, values in resources.quantity_maps(view)  # every map, listed the long way
        for name, value in values.items()
        if isinstance(name, str)
        for problem in resources._quantity_problems(value)
    ]
    if resources._plainly_valid(view):
        assert problems == []
    assert bool(list(resources.invalid_quantity(view))) == bool(problems)
