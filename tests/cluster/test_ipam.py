"""Allocators: pod IPs per node, ClusterIPs, NodePorts — properties and the scenarios' values."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from kubelint.cluster.ipam import (
    NodePortAllocator,
    PodIPAllocator,
    ServiceIPAllocator,
    static_band,
)
from kubelint.cluster.model import load_cluster
from kubelint.load import load_text
from kubelint.strategies import clusters
from tests.cluster.helpers import cluster_file, expected, must_load, scenario

NODE_PORT = ("spec", "ports", 0, "nodePort")


def scenario_cluster(name):
    cluster, _ = load_cluster(str(scenario(name) / "cluster.yaml"))
    return cluster


# -- pod IPs -----------------------------------------------------------------------------------


@given(clusters(), st.lists(st.integers(0, 50), max_size=60))
def test_pod_ips_are_unique_inside_the_node_podcidr_from_offset_2(body, picks):
    cluster = must_load(body)
    nodes = list(cluster.nodes)
    bound = [nodes[i % len(nodes)] for i in picks]

    def run():
        allocator = PodIPAllocator(cluster)
        return [allocator.allocate(node)[0] for node in bound]

    ips = run()
    assert len(set(ips)) == len(ips)
    for node, ip in zip(bound, ips, strict=True):
        offset = int(ipaddress.ip_address(ip)) - int(node.pod_cidr.network_address)
        assert ipaddress.ip_address(ip) in node.pod_cidr and offset >= 2
    assert run() == ips  # same bindings, same addresses
    firsts = {n.name: ip for n, ip in reversed(list(zip(bound, ips, strict=True)))}
    for node in bound:
        assert firsts[node.name] == str(node.pod_cidr.network_address + 2)


def test_scenario_pod_ips_follow_host_local():
    three = PodIPAllocator(scenario_cluster("03"))
    got = [three.allocate(n)[0] for n in ("10.0.0.13", "10.0.0.13", "10.0.0.12")]
    assert got == ["172.16.57.2", "172.16.57.3", "172.16.76.2"]  # the post's listing
    one = PodIPAllocator(scenario_cluster("01"))
    assert one.allocate("k8s-node1") == ("10.244.1.2", None)
    assert one.allocate("k8s-node1", host_network=True) == ("192.168.0.243", None)


def test_pod_ips_run_out_and_wrap_around_after_release():
    body = cluster_file(network={"nodeCIDRMaskSize": 29})
    allocator = PodIPAllocator(must_load(body))
    got = [allocator.allocate("cp")[0] for _ in range(5)]
    assert got == [f"10.244.0.{i}" for i in range(2, 7)]  # .7 is the broadcast address
    ip, refusal = allocator.allocate("cp")
    assert ip is None and refusal.name == "pod-ip-exhausted"
    assert "no IP addresses available in range set: 10.244.0.0/29" in refusal.message
    allocator.release("cp", "10.244.0.3")
    assert allocator.allocate("cp") == ("10.244.0.3", None)


# -- ClusterIPs --------------------------------------------------------------------------------


def test_static_band_sizes_match_the_apiserver():
    assert static_band(2**20, 16, 256, 16) == 256  # 10.96.0.0/12
    assert static_band(2**16, 16, 256, 16) == 256
    assert static_band(256, 16, 256, 16) == 16
    assert static_band(16, 16, 256, 16) == 0
    assert static_band(2768, 16, 128, 32) == 86  # NodePorts 30000-32767


def test_kubernetes_and_dns_addresses_are_taken_first():
    allocator = ServiceIPAllocator(scenario_cluster("04"))
    assert allocator.kubernetes_ip == "10.254.0.1"
    assert allocator.holder("10.254.0.1") == "default/kubernetes"
    assert allocator.allocate("default/redis-master", "10.254.233.212") == ("10.254.233.212", None)
    assert allocator.allocate("default/frontend") == ("10.254.1.1", None)  # dynamic band first
    ip, refusal = allocator.allocate("default/redis-exporter", "10.254.0.2")
    want = expected("04")["apply"]
    message = next(a["message"] for a in want if "redis-exporter" in a["object"])
    assert ip is None and refusal.name == "clusterip-conflict"
    assert refusal.message == message
    assert refusal.path == ("spec", "clusterIP")
    assert allocator.allocate("kube-system/kube-dns", "10.254.0.2") == ("10.254.0.2", None)


def test_out_of_range_and_invalid_cluster_ips():
    allocator = ServiceIPAllocator(scenario_cluster("01"))
    _, refusal = allocator.allocate("default/a", "10.254.0.5")
    assert refusal.name == "clusterip-out-of-range"
    assert "The range of valid IPs is 10.96.0.0/12" in refusal.message
    _, refusal = allocator.allocate("default/b", "10.96.0.0")  # the network address
    assert refusal.name == "clusterip-out-of-range"
    _, refusal = allocator.allocate("default/c", "ten")
    assert refusal.name == "invalid-value"
    assert allocator.allocate("default/headless", "None") == ("None", None)


def test_small_service_network_fills_up():
    cluster = must_load(
        cluster_file(network={"serviceCIDR": "10.96.0.0/29"}, dns={"serviceIP": None})
    )
    allocator = ServiceIPAllocator(cluster)
    got = [allocator.allocate(f"default/s{i}")[0] for i in range(5)]
    assert got == [f"10.96.0.{i}" for i in range(2, 7)]
    ip, refusal = allocator.allocate("default/late")
    assert ip is None and refusal.name == "clusterip-range-exhausted"


@given(
    st.lists(st.tuples(st.integers(0, 40), st.one_of(st.none(), st.integers(0, 300))), max_size=40),
    st.randoms(use_true_random=False),
)
def test_cluster_ips_are_unique_in_range_and_order_independent(requests, rng):
    cluster = scenario_cluster("02")
    network = cluster.network.service_cidr
    reserved = {"10.96.0.1", "10.96.0.10"}

    def run(items):
        allocator = ServiceIPAllocator(cluster)
        held = {}
        for owner, offset in items:
            wanted = None if offset is None else str(network.network_address + offset)
            ip, refusal = allocator.allocate(f"default/s{owner}", wanted)
            if ip is not None:
                held.setdefault(f"default/s{owner}", set()).add(ip)
            else:
                assert refusal.name in ("clusterip-conflict", "clusterip-out-of-range")
        return held

    held = run(requests)
    flat = [ip for ips in held.values() for ip in ips]
    assert len(flat) == len(set(flat))
    assert all(ipaddress.ip_address(ip) in network and ip not in reserved for ip in flat)
    assert run(requests) == held
    dynamic = [(owner, None) for owner, _ in requests]
    shuffled = list(dynamic)
    rng.shuffle(shuffled)
    first = {ip for ips in run(dynamic).values() for ip in ips}
    assert first == {ip for ips in run(shuffled).values() for ip in ips}


# -- NodePorts ---------------------------------------------------------------------------------


def test_scenario_01_second_claim_on_30699_is_refused_with_the_apiserver_message():
    allocator = NodePortAllocator(scenario_cluster("01"))
    assert allocator.allocate("default/nginx", 30699, NODE_PORT) == (30699, None)
    port, refusal = allocator.allocate("default/nginx-canary", 30699, NODE_PORT)
    apply = expected("01")["apply"]
    message = next(a["message"] for a in apply if a.get("result") == "rejected")
    assert port is None and refusal.name == "nodeport-conflict"
    assert refusal.message == message
    assert "default/nginx" in refusal.text()
    assert allocator.allocate("default/nginx", 30699, NODE_PORT) == (30699, None)  # update


def test_node_ports_auto_out_of_range_and_exhausted():
    allocator = NodePortAllocator(scenario_cluster("02"))
    auto, _ = allocator.allocate("default/myapp", None, NODE_PORT)
    want = expected("02")["services"]
    rule = next(s for s in want if s["object"] == "Service default/myapp")["ports"][0]["nodePort"]
    low, high = map(int, rule["within"].split("-"))
    assert rule["auto"] and low <= auto <= high and auto == 30086
    _, refusal = allocator.allocate("default/x", 80, NODE_PORT)
    assert refusal.name == "nodeport-out-of-range"
    assert refusal.message.endswith("The range of valid ports is 30000-32767")
    small = NodePortAllocator(must_load(cluster_file(network={"nodePortRange": "30000-30003"})))
    assert [small.allocate(f"d/s{i}", None, NODE_PORT)[0] for i in range(4)] == [
        30000,
        30001,
        30002,
        30003,
    ]
    assert small.allocate("d/late", None, NODE_PORT)[1].name == "nodeport-range-exhausted"


def test_refusal_becomes_a_finding_at_the_field():
    text = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: b}\n"
        "spec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30699\n"
    )
    doc = load_text(text, "svc.yaml").documents[0]
    allocator = NodePortAllocator(scenario_cluster("01"))
    allocator.allocate("default/a", 30699, NODE_PORT)
    _, refusal = allocator.allocate("default/b", 30699, NODE_PORT)
    finding = refusal.finding(doc)
    assert (finding.line, finding.column, finding.code) == (8, 5, "KL824")
    assert str(finding.ref) == "Service b" and finding.path_text == "spec.ports[0].nodePort"
