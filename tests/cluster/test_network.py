"""Network checks: the scenario clusters, then one synthetic mistake at a time."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given

from kubelint.cluster.model import load_cluster
from kubelint.cluster.network import check
from kubelint.model import Severity
from kubelint.strategies import clusters
from tests.cluster.helpers import BASE, SCENARIO_DIRS, cluster_file, expected, must_load, scenario


def names(findings):
    return sorted(f.name for f in findings)


def test_scenario_03_flannel_network_overlaps_the_hosts_network():
    cluster, _ = load_cluster(str(scenario("03") / "cluster.yaml"))
    findings = check(cluster)
    assert names(findings) == ["cidr-overlap", "no-cluster-dns"]
    overlap = next(f for f in findings if f.name == "cidr-overlap")
    want = next(f for f in expected("03")["findings"] if f["id"] == "cidr-overlap")
    assert overlap.severity is Severity.ERROR
    assert overlap.path_text == want["path"] == "network.clusterCIDR"
    assert (overlap.line, overlap.column) == (want["location"]["line"], want["location"]["column"])
    assert str(overlap.ref) == want["object"]
    for text in want["must_mention"]:
        assert text in overlap.message


@pytest.mark.parametrize("folder", SCENARIO_DIRS, ids=lambda d: d.name)
def test_scenarios_have_no_forbidden_network_findings(folder):
    cluster, _ = load_cluster(str(folder / "cluster.yaml"))
    found = names(check(cluster))
    data = expected(folder.name[:2])
    for item in data.get("forbidden_findings") or ():
        assert item["id"] not in found or "object" in item, (item, found)
    errors = [n for n in found if n not in ("no-cluster-dns", "node-not-ready")]
    assert errors == (["cidr-overlap"] if folder.name.startswith("03") else [])


def test_scenario_08_node_not_ready_is_reported_on_the_node():
    cluster, _ = load_cluster(str(scenario("08") / "cluster.yaml"))
    (finding,) = check(cluster)
    assert finding.name == "node-not-ready" and finding.severity is Severity.WARNING
    assert str(finding.ref) == "Node k8s-master"
    assert "cni config uninitialized" in finding.message
    assert finding.hint is None  # the not-ready taints are listed


def test_service_network_inside_pod_network():
    cluster = must_load(cluster_file(network={"serviceCIDR": "10.244.128.0/20"}))
    (finding,) = [f for f in check(cluster) if f.name == "cidr-overlap"]
    assert "clusterCIDR 10.244.0.0/16 overlaps serviceCIDR 10.244.128.0/20" in finding.message
    assert finding.path_text == "network.clusterCIDR"


def test_service_network_overlapping_node_network():
    cluster = must_load(cluster_file(network={"nodeCIDRs": ["10.96.0.0/16"]}, dns={}))
    findings = [f for f in check(cluster) if f.name == "cidr-overlap"]
    assert [f.path_text for f in findings] == ["network.serviceCIDR"]


def test_dns_address_outside_the_service_network():
    cluster = must_load(cluster_file(dns={"serviceIP": "10.254.0.10"}))
    (finding,) = check(cluster)
    assert finding.name == "dns-ip-outside-service-cidr"
    assert finding.path_text == "dns.serviceIP" and finding.line == 14
    assert "10.254.0.10" in finding.message and "10.96.0.0/12" in finding.message


def test_pod_network_too_small_for_the_node_groups():
    groups = copy.deepcopy(BASE["nodeGroups"])
    groups[0].update(count=300, internalIPStart="192.168.1.1")
    body = cluster_file(nodeGroups=groups, network={"nodeCIDRs": ["192.168.0.0/16"]})
    cluster = must_load(body)
    (finding,) = check(cluster)
    assert finding.name == "pod-cidr-exhausted"
    assert "holds 256 /24 node podCIDRs" in finding.message and "45 nodes" in finding.message
    assert cluster.nodes[255].pod_cidr is not None and cluster.nodes[256].pod_cidr is None


def test_explicit_podcidrs_outside_and_overlapping():
    nodes = [
        {
            "name": "a",
            "podCIDR": "10.245.0.0/24",
            "addresses": [{"type": "InternalIP", "address": "192.168.0.1"}],
        },
        {
            "name": "b",
            "podCIDR": "10.244.7.0/24",
            "addresses": [{"type": "InternalIP", "address": "192.168.0.2"}],
        },
        {
            "name": "c",
            "podCIDR": "10.244.7.128/25",
            "addresses": [{"type": "InternalIP", "address": "192.168.0.3"}],
        },
    ]
    found = check(must_load(cluster_file(nodes=nodes, nodeGroups=[])))
    assert names(found) == ["node-podcidr-outside-cluster-cidr", "node-podcidr-overlap"]
    overlap = next(f for f in found if f.name == "node-podcidr-overlap")
    assert str(overlap.ref) == "Node c" and overlap.path_text == "nodes[2].podCIDR"


def test_max_pods_beyond_the_node_podcidr():
    body = cluster_file(network={"nodeCIDRMaskSize": 26})
    found = check(must_load(body))
    assert names(found) == ["node-podcidr-too-small", "node-podcidr-too-small"]
    assert "only 61 pod addresses" in found[0].message


def test_node_addresses_clash_or_leave_the_node_network():
    nodes = copy.deepcopy(BASE["nodes"])
    nodes[0]["addresses"][0]["address"] = "192.168.0.12"  # worker-2's address
    found = check(must_load(cluster_file(nodes=nodes)))
    assert names(found) == ["duplicate-node-ip"]
    assert "192.168.0.12" in found[0].message
    far = check(must_load(cluster_file(network={"nodeCIDRs": ["192.168.0.0/29"]})))
    assert [f.path_text for f in far] == ["nodes[0].addresses", "nodeGroups[0].internalIPStart"]
    assert "192.168.0.11 of nodes worker-1..worker-3" in far[1].message


def test_pod_subnet_holding_a_node_address():
    nodes = copy.deepcopy(BASE["nodes"])
    nodes[0]["addresses"][0]["address"] = "10.244.2.5"
    body = cluster_file(nodes=nodes, network={"nodeCIDRs": []})
    (finding,) = [f for f in check(must_load(body)) if f.name == "node-podcidr-contains-node-ip"]
    assert "worker-2" in finding.message and "10.244.2.5" in finding.message


def test_cordoned_node_and_missing_dns():
    nodes = [dict(BASE["nodes"][0], unschedulable=True)]
    found = check(must_load(cluster_file(nodes=nodes, dns={"serviceIP": None})))
    assert names(found) == ["no-cluster-dns", "node-unschedulable"]
    assert {f.severity for f in found} == {Severity.INFO}


@given(clusters())
def test_generated_clusters_pass_every_network_check(body):
    assert check(must_load(body)) == []
