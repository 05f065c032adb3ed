"""Loading cluster.yaml: the scenario files, defaults, node groups, and bad files with locations."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from hypothesis import given

from kubelint.cluster.model import default_cluster, load_cluster, nodes_from_objects
from kubelint.load import load_text as load_documents
from kubelint.strategies import clusters, yaml_documents
from tests.cluster.helpers import (
    SCENARIO_DIRS,
    cluster_file,
    expected,
    load_body,
    must_load,
    scenario,
)


@pytest.mark.parametrize("folder", SCENARIO_DIRS, ids=lambda d: d.name)
def test_every_scenario_cluster_loads_without_findings(folder):
    cluster, findings = load_cluster(str(folder / "cluster.yaml"))
    assert findings == []
    assert cluster is not None and cluster.node_count >= 1
    for info in cluster.nodes:
        body = info.body
        assert body["metadata"]["labels"]["kubernetes.io/hostname"] == info.name
        assert body["status"]["allocatable"]["pods"] == "110"
        assert any(a["type"] == "InternalIP" for a in body["status"]["addresses"])


def test_scenario_06_groups_expand_as_expected_yaml_says():
    want = expected("06")["expected"]["nodes"]
    cluster, _ = load_cluster(str(scenario("06") / "cluster.yaml"))
    assert cluster is not None
    assert cluster.node_count == want["total"] == 5000
    assert [g.count for g in cluster.node_groups()] == [3, 200, 4797]
    names = want["names"]
    assert cluster.nodes[0].name == names["first"]
    assert cluster.nodes[-1].name == names["last"]
    assert cluster.groups[1].names[0] == names["gpu_first"]
    for name, cidr in want["podCIDRs"].items():
        node = cluster.node(name)
        assert node is not None and str(node.pod_cidr) == cidr
        assert node.body["spec"]["podCIDR"] == cidr
    for name, ip in want["internalIPs"].items():
        assert cluster.node(name).internal_ips == (ip,)


def test_groups_are_not_expanded_to_build_templates():
    cluster, _ = load_cluster(str(scenario("06") / "cluster.yaml"))
    workers = cluster.groups[2]
    assert workers.template["metadata"]["name"] == "node-0001"
    assert workers.template["spec"] == {"podCIDR": "10.64.203.0/24", "podCIDRs": ["10.64.203.0/24"]}
    assert workers.node(4796)["metadata"]["name"] == "node-4797"
    gpu = cluster.groups[1].template
    assert gpu["spec"]["taints"] == [
        {"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}
    ]
    assert gpu["status"]["allocatable"]["nvidia.com/gpu"] == "1"


def test_scenario_cluster_sections_are_read():
    cluster, _ = load_cluster(str(scenario("04") / "cluster.yaml"))
    assert str(cluster.network.service_cidr) == "10.254.0.0/16"
    assert str(cluster.dns.service_ip) == "10.254.0.2"
    assert (cluster.dns.service_namespace, cluster.dns.service_name) == ("kube-system", "kube-dns")
    assert cluster.images.pull_failure("gcr.io/google_samples/gb-redisslave:v1", "k8s-node-1")
    assert cluster.images.pull_failure("redis:latest", "k8s-node-1") is None
    assert [tuple(e) for e in cluster.api_server_endpoints] == [("10.0.0.11", 6443)]
    three, _ = load_cluster(str(scenario("03") / "cluster.yaml"))
    assert three.dns.service_ip is None and not three.dns.enabled
    assert three.node("10.0.0.12").internal_ips == ("10.0.0.12", "172.16.1.12")
    five, _ = load_cluster(str(scenario("05") / "cluster.yaml"))
    assert five.network.enforces_network_policy and five.network.cni.plugin == "calico"


def test_default_cluster_is_kubeadm_like():
    cluster = default_cluster()
    assert [n.name for n in cluster.nodes] == ["control-plane", "worker-1", "worker-2", "worker-3"]
    assert [str(n.pod_cidr) for n in cluster.nodes] == [f"10.244.{i}.0/24" for i in range(4)]
    assert str(cluster.network.service_cidr) == "10.96.0.0/12"
    assert str(cluster.dns.service_ip) == "10.96.0.10"
    assert cluster.network.node_port_range == range(30000, 32768)
    assert cluster.kube_proxy.mode == "iptables"
    taints = cluster.nodes[0].body["spec"]["taints"]
    assert taints == [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]


def test_missing_sections_take_kubeadm_defaults():
    body = cluster_file()
    del body["dns"], body["network"]
    cluster = must_load(body)
    assert str(cluster.network.cluster_cidr) == "10.244.0.0/16"
    assert str(cluster.dns.service_ip) == "10.96.0.10"  # the tenth address of serviceCIDR
    assert [tuple(e) for e in cluster.api_server_endpoints] == [("192.168.0.10", 6443)]


def test_explicit_podcidrs_are_skipped_by_sequential_allocation():
    nodes = [dict(cluster_file()["nodes"][0], podCIDR="10.244.0.0/24")]
    cluster = must_load(cluster_file(nodes=nodes, network={"serviceCIDR": "10.244.1.0/24"}))
    # 10.244.0.0/24 is held, 10.244.1.0/24 overlaps the service network: workers start at .2
    assert [str(c) for c in cluster.groups[1].pod_cidrs] == [
        "10.244.2.0/24",
        "10.244.3.0/24",
        "10.244.4.0/24",
    ]


def test_node_objects_from_manifests_join_the_cluster():
    text = """\
apiVersion: v1
kind: Node
metadata: {name: extra, labels: {disk: ssd}}
spec: {taints: [{key: dedicated, value: db, effect: NoSchedule}]}
status:
  allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
  addresses: [{type: InternalIP, address: 192.168.0.50}]
"""
    specs = nodes_from_objects(load_documents(text, "nodes.yaml").documents)
    cluster = must_load(cluster_file()).with_nodes(specs)
    extra = cluster.node("extra")
    assert cluster.node_count == 5
    assert extra.body["metadata"]["labels"] == {"kubernetes.io/hostname": "extra", "disk": "ssd"}
    assert extra.internal_ips == ("192.168.0.50",)
    assert str(extra.pod_cidr) == "10.244.4.0/24"  # the next free block after the workers


BAD_FILES: list[tuple[str, dict[str, Any] | str, str, int, int]] = [
    # (case, file, expected code name, line, column)
    ("typo", cluster_file(network={"serviceCIRD": "10.96.0.0/12"}), "unknown-field", 12, 3),
    (
        "float version",
        "apiVersion: kubelint.dev/v1alpha1\nkind: Cluster\nmetadata: {name: a}\n"
        "kubernetesVersion: 1.30\n",
        "invalid-type",
        4,
        20,
    ),
    ("bad cidr", cluster_file(network={"clusterCIDR": "10.244.1.0/16"}), "invalid-value", 8, 16),
    ("mask", cluster_file(network={"nodeCIDRMaskSize": 8}), "invalid-value", 9, 21),
    ("dns ip", cluster_file(dns={"serviceIP": "10.96.0.300"}), "invalid-value", 14, 14),
    (
        "pattern",
        "apiVersion: kubelint.dev/v1alpha1\nkind: Cluster\nmetadata: {name: a}\n"
        "nodeGroups:\n- {name: w, count: 2, namePattern: node}\n",
        "invalid-value",
        5,
        36,
    ),
    ("name", cluster_file(nodes=[{"name": "Node_1"}]), "invalid-value", 16, 9),
    (
        "quantity",
        cluster_file(nodes=[{"name": "a", "allocatable": {"cpu": "two"}}]),
        "invalid-value",
        18,
        10,
    ),
    ("duplicate", cluster_file(nodes=[{"name": "worker-2"}]), "duplicate-node", 20, 16),
    ("proxy node", cluster_file(kubeProxy={"nodes": ["ghost"]}), "unknown-node", 37, 5),
    ("kind", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n", "invalid-value", 1, 13),
    (
        "no name",
        "apiVersion: kubelint.dev/v1alpha1\nkind: Cluster\nmetadata: {}\n",
        "missing-required-field",
        3,
        1,
    ),
    (
        "two docs",
        "apiVersion: kubelint.dev/v1alpha1\nkind: Cluster\nmetadata: {name: a}\n---\n"
        "apiVersion: kubelint.dev/v1alpha1\nkind: Cluster\nmetadata: {name: b}\n",
        "cluster-file-invalid",
        5,
        1,
    ),
    ("yaml", "apiVersion: [\n", "yaml-syntax", 2, 1),
]


@pytest.mark.parametrize(
    ("case", "body", "name", "line", "column"), BAD_FILES, ids=[c[0] for c in BAD_FILES]
)
def test_bad_cluster_files_give_located_findings(case, body, name, line, column):
    from kubelint.cluster.parse import load_text

    if isinstance(body, dict):
        cluster, findings = load_body(body)
    else:
        cluster, findings = load_text(body, "cluster.yaml")
    assert cluster is None
    hits = [f for f in findings if f.name == name]
    assert hits, findings
    assert (hits[0].line, hits[0].column) == (line, column), hits[0]
    assert hits[0].source == "cluster.yaml" and hits[0].message


def test_missing_file_is_a_finding_not_a_traceback(tmp_path):
    cluster, findings = load_cluster(str(tmp_path / "absent.yaml"))
    assert cluster is None and [f.name for f in findings] == ["unreadable"]


@given(yaml_documents(clusters()))
def test_generated_clusters_load_and_match_their_text(text):
    from kubelint.cluster.parse import load_text

    cluster, findings = load_text(text, "cluster.yaml")
    assert findings == [] and cluster is not None
    for info in cluster.nodes:
        assert info.pod_cidr is not None
        assert info.pod_cidr.subnet_of(cluster.network.cluster_cidr)
        assert ipaddress.ip_address(info.internal_ips[0]) in cluster.network.node_cidrs[0]
