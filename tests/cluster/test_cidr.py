"""Address arithmetic: the podCIDR block plan against a brute-force count, IPv6, lazy sequences."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint.cluster.cidr import BlockPlan, Lazy, parse_network, parse_port_range
from kubelint.cluster.ipam import PodIPAllocator, ServiceIPAllocator
from tests.cluster.helpers import cluster_file, must_load


@st.composite
def plans(draw):
    prefix = draw(st.integers(16, 24))
    network = ipaddress.ip_network(f"10.{draw(st.integers(0, 255))}.0.0/16").supernet(new_prefix=16)
    network = next(network.subnets(new_prefix=prefix))
    mask = draw(st.integers(prefix, min(prefix + 6, 30)))
    used = []
    for _ in range(draw(st.integers(0, 5))):
        size = draw(st.integers(prefix - 2, 30))
        base = int(network.network_address) + draw(st.integers(-(2**10), network.num_addresses))
        used.append(ipaddress.ip_network((base >> (32 - size) << (32 - size), size)))
    return network, mask, used


@given(plans())
def test_block_plan_matches_brute_force(case):
    network, mask, used = case
    plan = BlockPlan(network, mask, used)
    free = [b for b in network.subnets(new_prefix=mask) if not any(b.overlaps(u) for u in used)]
    assert plan.free == len(free)
    assert [plan.nth(i) for i in range(len(free))] == free
    assert plan.nth(len(free)) is None and plan.nth(-1) is None


def test_ipv6_cluster_plans_and_allocates():
    body = cluster_file(
        network={
            "nodeCIDRs": ["fd00:1::/64"],
            "clusterCIDR": "fd00:10::/56",
            "nodeCIDRMaskSize": 64,
            "serviceCIDR": "fd00:96::/108",
        },
        dns={"serviceIP": "fd00:96::a"},
    )
    body["nodes"][0]["addresses"] = [{"type": "InternalIP", "address": "fd00:1::10"}]
    body["nodeGroups"][0]["internalIPStart"] = "fd00:1::11"
    cluster = must_load(body)
    assert [str(n.pod_cidr) for n in cluster.nodes] == [
        "fd00:10::/64",
        "fd00:10:0:1::/64",
        "fd00:10:0:2::/64",
        "fd00:10:0:3::/64",
    ]
    assert PodIPAllocator(cluster).allocate("worker-1") == ("fd00:10:0:1::2", None)
    services = ServiceIPAllocator(cluster)
    assert services.kubernetes_ip == "fd00:96::1"
    assert services.allocate("default/web") == ("fd00:96::101", None)  # past the 256-wide band


def test_parsers_reject_what_the_apiserver_rejects():
    assert str(parse_network("10.244.0.0/16")) == "10.244.0.0/16"
    for bad in ("10.244.0.1/16", "10.244.0.0", "10.244.0.0/33", "nope/8"):
        with pytest.raises(ValueError):
            parse_network(bad)
    assert parse_port_range("30000-32767") == range(30000, 32768)
    for bad in ("30000", "32767-30000", "0-10", "a-b", "30000-70000"):
        with pytest.raises(ValueError):
            parse_port_range(bad)


def test_lazy_sequence_behaves_like_a_list():
    squares = Lazy(5, lambda i: i * i)
    assert list(squares) == [0, 1, 4, 9, 16]
    assert squares[-1] == 16 and squares[1:4] == [1, 4, 9] and len(squares) == 5
    with pytest.raises(IndexError):
        squares[5]
