"""kube-proxy estimates: the upstream rule-count table, scenario 01 and the 5,000-node scenario."""

from __future__ import annotations

import pytest

from kubelint.cluster import kubeproxy as kp
from kubelint.cluster.model import load_cluster
from kubelint.model import Severity
from tests.cluster.helpers import cluster_file, expected, must_load, scenario


def svc(name, ip, kind="ClusterIP", port_name="http", namespace="default", **extra):
    port = {"name": port_name, "port": 80, "protocol": "TCP"}
    return {
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"type": kind, "clusterIP": ip, "ports": [port], **extra},
    }


KUBERNETES = {
    "metadata": {"name": "kubernetes", "namespace": "default"},
    "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443}]},
}


def scenario_06_ports(services=2000, pods=10):
    ports = kp.service_ports(KUBERNETES, 3)
    for i in range(services):
        ip = f"10.96.{1 + i // 250}.{i % 250 + 1}"
        ports += kp.service_ports(svc(f"svc-{i:04d}", ip, namespace=f"team-{i // 100:02d}"), pods)
    return ports


# (Services, endpoints each, nat rules, filter rules) from kubernetes' TestNumberIptablesRules
UPSTREAM = [
    (0, 0, 5, 3),
    (1, 0, 5, 4),
    (1, 1, 10, 3),
    (1, 2, 13, 3),
    (1, 10, 37, 3),
    (10, 0, 5, 13),
    (10, 1, 55, 3),
    (10, 2, 85, 3),
    (10, 10, 325, 3),
]


@pytest.mark.parametrize(("services", "endpoints", "nat", "filtered"), UPSTREAM)
def test_cluster_ip_counts_match_the_upstream_proxier_test(services, endpoints, nat, filtered):
    ports = [
        p
        for i in range(services)
        for p in kp.service_ports(svc(f"s{i}", f"10.0.0.{i + 1}"), endpoints)
    ]
    rules = kp.iptables_for(ports)
    assert rules.nat_rules + kp.FIXED_NAT_RULES == nat
    assert rules.filter_rules + kp.FIXED_FILTER_RULES == filtered


def test_scenario_01_numbers():
    want = expected("01")["kube_proxy"]
    cluster, _ = load_cluster(str(scenario("01") / "cluster.yaml"))
    ports = kp.service_ports(KUBERNETES, 1) + kp.service_ports(
        svc("nginx", "10.96.1.1", "NodePort"), 2
    )
    result = kp.estimate(cluster, ports)
    assert result.iptables.rules == want["rules_per_node"] == 16
    assert result.iptables.chains == want["chains_per_node"] == 6
    assert kp.check(cluster, result) == []
    assert result.per_group[0].ipvs.virtual_servers == 2 + 1  # ClusterIPs + NodePort × 1 InternalIP


def test_scenario_06_numbers_and_warning():
    data = expected("06")
    want = data["expected"]["kube_proxy"]
    cluster, _ = load_cluster(str(scenario("06") / "cluster.yaml"))
    result = kp.estimate(cluster, scenario_06_ports())
    rules = result.iptables
    low, high = want["iptables"]["rules_per_node_accept"]
    assert rules.rules == want["iptables"]["rules_per_node_total"] == 64011
    assert low <= rules.total <= high
    assert rules.chains == want["iptables"]["generated_services"]["chains_per_node"] + 4
    assert result.rules_cluster_wide == want["iptables"]["rules_cluster_wide"]
    ipvs = result.per_group[0].ipvs
    switched = want["ipvs_if_switched"]
    assert ipvs.virtual_servers == switched["virtual_servers_per_node"]
    assert ipvs.real_servers == switched["real_servers_per_node"]
    assert ipvs.ipset_entries["KUBE-CLUSTER-IP"] == switched["ipset_KUBE-CLUSTER-IP_entries"]
    assert ipvs.interface_addresses == switched["kube_ipvs0_addresses"]
    (finding,) = kp.check(cluster, result)
    spec = data["findings"][0]
    assert finding.name == spec["id"] and finding.severity is Severity.WARNING
    assert (finding.line, finding.column) == (spec["location"]["line"], spec["location"]["column"])
    assert finding.path_text == spec["path"] and str(finding.ref) == spec["object"]
    assert all(text in finding.message for text in spec["must_mention"])


def test_threshold_mode_and_kube_proxy_nodes_are_honoured():
    small = scenario_06_ports(services=600)  # 600 × 32 = 19,200 rules + fixed: below 20,000
    cluster = must_load(cluster_file())
    assert kp.check(cluster, kp.estimate(cluster, small)) == []
    low = must_load(cluster_file(kubeProxy={"iptablesRulesWarning": 1000}))
    assert len(kp.check(low, kp.estimate(low, small))) == 1
    ipvs = must_load(cluster_file(kubeProxy={"mode": "ipvs"}))
    assert kp.check(ipvs, kp.estimate(ipvs, scenario_06_ports())) == []
    some = must_load(cluster_file(kubeProxy={"nodes": ["worker-1", "worker-3"]}))
    assert kp.estimate(some, small).nodes == 2


def test_no_endpoints_affinity_and_external_ips():
    empty = kp.iptables_for(kp.service_ports(svc("a", "10.0.0.1", "NodePort"), 0))
    assert (empty.nat_rules, empty.filter_rules, empty.chains) == (0, 2, 0)
    sticky = kp.iptables_for(kp.service_ports(svc("b", "10.0.0.2", sessionAffinity="ClientIP"), 4))
    assert sticky.nat_rules == 2 + 3 * 4 + 4
    external = kp.iptables_for(kp.service_ports(svc("c", "10.0.0.3", externalIPs=["1.2.3.4"]), 1))
    assert (external.nat_rules, external.chains) == (5 + 3, 3)
    assert kp.service_ports(svc("h", "None"), 3) == []
