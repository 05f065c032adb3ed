"""kubelint.strategies, tested against kubelint itself: what it generates as valid passes,
what it plants is found at the right place, and rendering never changes a value."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint import strategies as ks
from kubelint.load import load_text
from kubelint.model import Severity
from kubelint.pipeline import CheckOptions, run_check
from kubelint.schema.registry import SchemaRegistry
from kubelint.strategies.render import render
from kubelint.validate import Checker

CHECKER = Checker(SchemaRegistry("1.32", strict=True))
SLOW_OK = settings(
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None
)
# a quarter of the profile's examples per kind (x 18 kinds): 25 in "ci", 1250 in "thorough"
PER_KIND = settings(SLOW_OK, max_examples=max(10, settings.default.max_examples // 4))
HALF = settings(SLOW_OK, max_examples=max(10, settings.default.max_examples // 2))


def _findings(text: str) -> list[Any]:
    loaded = load_text(text, "gen.yaml")
    found = [f for f in loaded.findings if f.severity >= Severity.ERROR]
    for doc in loaded.documents:
        found.extend(f for f in CHECKER.check(doc) if f.severity >= Severity.ERROR)
    return found


@pytest.mark.parametrize("kind", ks.COMMON_KINDS)
@PER_KIND
@given(data=st.data())
def test_valid_objects_pass_kubelint(kind: str, data: st.DataObject) -> None:
    obj = data.draw(ks.objects(kind=kind, k8s_version="1.32", namespace="team"))
    text = data.draw(ks.yaml_documents(st.just(obj)))
    assert _findings(text) == [], text


@pytest.mark.parametrize(
    "kind",
    [
        "Deployment",
        "Service",
        "ConfigMap",
        "CronJob",
        "Ingress",
        "Pod",
        "RoleBinding",
        "PodDisruptionBudget",
    ],
)
@HALF
@given(data=st.data())
def test_each_planted_violation_is_found_where_it_was_planted(kind: str, data) -> None:
    bad = data.draw(ks.objects(kind=kind, k8s_version="1.32", valid=False))
    text = data.draw(ks.yaml_documents(st.just(bad.object), flow=False))
    found = [(f.name, f.path) for f in _findings(text)]
    assert found == [(bad.rule, bad.path)], (bad.description, text)


@SLOW_OK
@given(data=st.data())
def test_rendering_round_trips_through_the_loader(data) -> None:
    docs = data.draw(st.lists(ks.objects(k8s_version="1.32"), min_size=1, max_size=3))
    text = data.draw(ks.yaml_documents(st.just(docs)))
    loaded = load_text(text, "gen.yaml")
    assert [d.body for d in loaded.documents] == docs
    assert not [f for f in loaded.findings if f.name != "ambiguous-scalar"], text


def _leaves(node: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    if isinstance(node, dict) and node:
        return [leaf for k, v in node.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(node, list) and node:
        return [leaf for i, v in enumerate(node) for leaf in _leaves(v, (*path, i))]
    return [(path, node)]


@SLOW_OK
@given(data=st.data())
def test_positions_point_at_the_key(data) -> None:
    obj = data.draw(ks.objects(kind=data.draw(st.sampled_from(["Deployment", "Service"]))))
    text = data.draw(ks.yaml_documents(st.just(obj), flow=False, comments=True))
    (doc,) = load_text(text, "gen.yaml").documents
    lines = text.splitlines()
    for path, _ in _leaves(obj):
        if not path or not isinstance(path[-1], str):
            continue
        where = doc.locate(path, at_key=True)
        line = lines[where.line - 1]
        key = path[-1]
        assert line[where.column - 1 :].lstrip('"').startswith(key), (path, where, line)


@SLOW_OK
@given(ks.manifest_sets(k8s_version="1.32"))
def test_manifest_sets_are_consistent_and_valid(docs) -> None:
    config, deployment, service = docs
    template = deployment["spec"]["template"]
    labels = template["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    port_names = {p["name"] for c in template["spec"]["containers"] for p in c.get("ports", [])}
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= port_names
    refs = {
        e["configMapRef"]["name"]
        for c in template["spec"]["containers"]
        for e in c.get("envFrom", [])
        if "configMapRef" in e
    }
    assert config["metadata"]["name"] in refs
    namespaces = {d["metadata"]["namespace"] for d in docs}
    assert len(namespaces) == 1
    assert _findings(render(docs, flow=False, quote=False, comments=False, order="as-is")) == []


@settings(deadline=None)
@given(ks.clusters())
def test_clusters_have_disjoint_networks(cluster) -> None:
    net = cluster["network"]
    nets = [
        ipaddress.ip_network(n) for n in (*net["nodeCIDRs"], net["clusterCIDR"], net["serviceCIDR"])
    ]
    for i, a in enumerate(nets):
        for b in nets[i + 1 :]:
            assert not a.overlaps(b)
    cluster_cidr = ipaddress.ip_network(net["clusterCIDR"])
    pod_cidrs = [ipaddress.ip_network(n["podCIDR"]) for n in cluster["nodes"]]
    assert all(p.subnet_of(cluster_cidr) for p in pod_cidrs)
    assert len(set(pod_cidrs)) == len(pod_cidrs)
    assert ipaddress.ip_address(cluster["dns"]["serviceIP"]) in ipaddress.ip_network(
        net["serviceCIDR"]
    )
    assert any(t["effect"] == "NoSchedule" for t in cluster["nodes"][0]["taints"])


@settings(
    deadline=None,
    max_examples=20,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
@given(
    docs=st.lists(
        ks.objects(k8s_version="1.32", valid=False).map(lambda b: b.object), min_size=2, max_size=3
    ),
    order=st.randoms(),
)
def test_report_does_not_depend_on_argument_order(tmp_path_factory, docs, order) -> None:
    root = tmp_path_factory.mktemp("order")
    paths = []
    for i, doc in enumerate(docs):
        path = root / f"f{i}.yaml"
        path.write_text(render([doc], flow=False, quote=False, comments=False, order="as-is"))
        paths.append(str(path))
    shuffled = list(paths)
    order.shuffle(shuffled)
    first = run_check(CheckOptions(paths=paths, kubernetes_version="1.32"))
    second = run_check(CheckOptions(paths=shuffled, kubernetes_version="1.32"))
    assert first.findings == second.findings
    assert len(first.findings) >= len(docs)
