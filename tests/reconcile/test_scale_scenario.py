"""Scenario 06 at full size: 5,000 nodes, 2,000 Services x 10 pods, generated as its
expected.yaml "generator" says (bench/simulate.py does the same for the benchmark)."""

from __future__ import annotations

import ipaddress
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import SCENARIOS, needs_scenarios

from kubelint.reconcile.simulate import SimulateOptions, simulate

pytestmark = needs_scenarios
SCENARIO = SCENARIOS / "06-scale-5000-nodes-iptables-vs-ipvs"
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


@pytest.fixture(scope="module")
def scale(tmp_path_factory):
    expected = yaml.safe_load((SCENARIO / "expected.yaml").read_text())
    folder = tmp_path_factory.mktemp("s06")
    gen = expected["generator"]["documents"]
    ns_text = (SCENARIO / gen[0]["template"]).read_text()
    svc_text = (SCENARIO / gen[1]["template"]).read_text()
    with open(folder / "00-namespaces.yaml", "w") as fh:
        for n in range(gen[0]["index"]["from"], gen[0]["index"]["to"] + 1):
            for old, new in gen[0]["replace"].items():
                fh.write(ns_text.replace(old, eval(f"f{new!r}", {"n": n})) + "\n---\n")
    with open(folder / "10-services.yaml", "w") as fh:
        for i in range(gen[1]["index"]["from"], gen[1]["index"]["to"] + 1):
            text = svc_text
            for old, new in gen[1]["replace"].items():
                text = text.replace(old, eval(f"f{new!r}", {"i": i}))
            fh.write(text + "\n---\n")
    sim = simulate(SimulateOptions([str(folder)], str(SCENARIO / "cluster.yaml")))
    return expected["expected"], sim


def test_nodes_and_pod_cidrs(scale) -> None:
    want, sim = scale
    assert len(sim.nodes.nodes) == want["nodes"]["total"]
    for name, cidr in want["nodes"]["podCIDRs"].items():
        assert str(sim.cluster.node(name).pod_cidr) == cidr
    for name, ip in want["nodes"]["internalIPs"].items():
        assert sim.cluster.node(name).internal_ips[0] == ip


def test_every_pod_runs_on_a_worker_balanced(scale) -> None:
    want, sim = scale
    assert len(sim.pods) == want["objects"]["pods"]
    assert Counter(p.phase for p in sim.pods) == Counter(want["pods"]["phases"])
    per_node = Counter(p.node for p in sim.pods)
    assert all(name.startswith("node-") for name in per_node)
    assert max(per_node.values()) <= want["pods"]["per_worker_max"]
    balance = want["pods"]["balance"]
    assert Counter(per_node.values()) == {
        5: balance["workers_with_5_pods"],
        4: balance["workers_with_4_pods"],
    }
    ips = [p.ip for p in sim.pods]
    assert len(set(ips)) == want["pods"]["pod_ips"]["distinct"]
    for pod in sim.pods[::97]:
        assert ipaddress.ip_address(pod.ip) in sim.cluster.node(pod.node).pod_cidr


def test_excluded_groups_have_the_scheduler_reasons(scale) -> None:
    want, sim = scale
    from kubelint.reconcile.scheduler.filters import static_reason
    from kubelint.reconcile.scheduler.pod import SchedPod

    body = sim.pods[0].body
    pod = SchedPod({**body, "spec": {k: v for k, v in body["spec"].items() if k != "nodeName"}})
    for group, first in (("control-plane", "master-1"), ("gpu", "gpu-001")):
        node = sim.nodes.by_name[first]
        assert (
            static_reason(pod, node.cls, node.labels, node.name)[1]
            == want["pods"]["by_node_group"][group]["reason"]
        )


def test_services_endpoints_dns_and_kube_proxy(scale) -> None:
    want, sim = scale
    generated = [v for v in sim.services if v.stored.doc is not None]
    assert len(generated) == want["objects"]["services_generated"]
    ips = {v.cluster_ip for v in generated}
    assert len(ips) == want["services"]["clusterIPs"]["distinct"]
    network = ipaddress.ip_network(want["services"]["clusterIPs"]["within"])
    assert all(ipaddress.ip_address(ip) in network for ip in ips)
    assert not ips & set(want["services"]["clusterIPs"]["not"])
    assert {(len(v.ready()), len(v.not_ready())) for v in generated} == {(10, 0)}
    assert sum(len(v.slices) for v in generated) == want["services"]["endpoint_slices"]["total"]
    a = {r.name for v in generated for r in v.records if r.type == "A"}
    srv = {r.name for v in generated for r in v.records if r.type == "SRV"}
    assert (len(a), len(srv)) == (
        want["services"]["dns"]["a_records"],
        want["services"]["dns"]["srv_records"],
    )
    assert set(want["services"]["dns"]["examples"]["a"]) <= a
    kubernetes = sim.services[0]
    assert [f"{a.ip}:{a.ports[0][1]}" for a in kubernetes.ready()] == want["services"][
        "kubernetes_service"
    ]["endpoints"]
    iptables = want["kube_proxy"]["iptables"]
    assert sim.kube_proxy.iptables.rules == iptables["rules_per_node_total"]
    low, high = iptables["rules_per_node_accept"]
    assert low <= sim.kube_proxy.iptables.total <= high
    names = {f.name for f in sim.findings}
    assert "kube-proxy-iptables-scale" in names
    assert not names & {"pod-unschedulable", "replicas-exceed-capacity", "service-no-matching-pods"}
