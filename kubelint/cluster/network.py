"""Network checks of a cluster description → findings located in cluster.yaml.

`check(cluster)` runs them all. Node groups are checked as address ranges, never node by node
where a range will do, so a 5,000-node group costs a handful of comparisons.
"""

from __future__ import annotations

import bisect
import ipaddress
import itertools
from collections.abc import Iterator
from typing import NamedTuple

from kubelint.cluster.cidr import IPNetwork, overlaps, parse_address
from kubelint.cluster.model import Cluster, NodeGroup
from kubelint.k8s.quantity import QuantityError, to_int
from kubelint.model import Finding, JsonPath, ObjectRef


def check(cluster: Cluster) -> list[Finding]:
    findings = [
        *_cidr_overlaps(cluster),
        *_dns(cluster),
        *_pod_cidr_exhausted(cluster),
        *_node_pod_cidrs(cluster),
        *_node_addresses(cluster),
        *_node_state(cluster),
    ]
    return sorted(findings, key=Finding.sort_key)


# -- the three networks ------------------------------------------------------------------------


class _Named(NamedTuple):
    label: str
    path: JsonPath
    network: IPNetwork


def _networks(cluster: Cluster) -> list[_Named]:
    """The networks in the order findings prefer to be located at: pods, Services, nodes."""
    net = cluster.network
    named = []
    if net.cluster_cidr is not None:
        named.append(_Named("clusterCIDR", ("network", "clusterCIDR"), net.cluster_cidr))
    named.append(_Named("serviceCIDR", ("network", "serviceCIDR"), net.service_cidr))
    for index, cidr in enumerate(net.node_cidrs):
        named.append(_Named(f"nodeCIDRs[{index}]", ("network", "nodeCIDRs", index), cidr))
    return named


_CONSEQUENCE = {
    ("clusterCIDR", "serviceCIDR"): "pod and Service addresses become ambiguous; the podCIDR "
    "allocator skips the overlapping blocks",
    ("clusterCIDR", "nodeCIDRs"): "a node can be given a pod subnet that holds the hosts' own "
    "addresses, which breaks routing to those hosts",
    ("serviceCIDR", "nodeCIDRs"): "traffic to hosts in the overlap is captured by kube-proxy's "
    "Service rules",
}


def _cidr_overlaps(cluster: Cluster) -> Iterator[Finding]:
    named = _networks(cluster)
    for i, first in enumerate(named):
        for second in named[i + 1 :]:
            kinds = (first.label.split("[")[0], second.label.split("[")[0])
            if kinds == ("nodeCIDRs", "nodeCIDRs") or not overlaps(first.network, second.network):
                continue
            yield cluster.finding(
                "cidr-overlap",
                first.path,
                f"{first.label} {first.network} overlaps {second.label} {second.network}: "
                f"{_CONSEQUENCE[kinds]}",
                hint=f"choose a {first.label} that shares no address with {second.network}",
            )


def _dns(cluster: Cluster) -> Iterator[Finding]:
    dns, service = cluster.dns, cluster.network.service_cidr
    if dns.service_ip is None:
        yield cluster.finding(
            "no-cluster-dns",
            ("dns", "serviceIP"),
            "the cluster has no DNS service: pods with dnsPolicy ClusterFirst use the node's "
            "resolv.conf and Service names do not resolve",
        )
        return
    if dns.service_ip.version != service.version or dns.service_ip not in service:
        yield cluster.finding(
            "dns-ip-outside-service-cidr",
            ("dns", "serviceIP"),
            f"dns.serviceIP {dns.service_ip} is not inside serviceCIDR {service}: the DNS "
            f"Service cannot get that ClusterIP, so every pod's nameserver is unreachable",
            hint=f"use an address of {service}, e.g. {service.network_address + 10}",
        )


# -- podCIDRs ----------------------------------------------------------------------------------


def _pod_cidr_exhausted(cluster: Cluster) -> Iterator[Finding]:
    plan, missing = cluster.pod_cidr_plan, cluster.pod_cidrs_missing
    if plan is None or missing <= 0:
        return
    wanted = plan.free + missing
    yield cluster.finding(
        "pod-cidr-exhausted",
        ("network", "clusterCIDR"),
        f"clusterCIDR {plan.network} holds {plan.total} /{plan.mask} node podCIDRs "
        f"({plan.free} free after explicit podCIDRs and the service network), but {wanted} nodes "
        f"need one: {missing} nodes get no podCIDR and can run no pod-network pods",
        hint="use a larger clusterCIDR or a longer nodeCIDRMaskSize",
    )


def _explicit_cidrs(cluster: Cluster) -> list[tuple[IPNetwork, NodeGroup]]:
    return [(g.pod_cidrs[0], g) for g in cluster.groups if g.explicit_pod_cidr]


def _node_pod_cidrs(cluster: Cluster) -> Iterator[Finding]:
    pod_net = cluster.network.cluster_cidr
    explicit = _explicit_cidrs(cluster)
    for cidr, group in explicit:
        if pod_net is not None and not (overlaps(cidr, pod_net) and cidr.subnet_of(pod_net)):  # type: ignore[arg-type]
            yield _node_finding(
                cluster,
                group,
                "node-podcidr-outside-cluster-cidr",
                (*group.path, "podCIDR"),
                f"node {group.names[0]} has podCIDR {cidr} outside clusterCIDR {pod_net}",
            )
    ordered = sorted(explicit, key=lambda item: (item[0].version, int(item[0].network_address)))
    for (a, first), (b, second) in itertools.pairwise(ordered):
        if overlaps(a, b):
            yield _node_finding(
                cluster,
                second,
                "node-podcidr-overlap",
                (*second.path, "podCIDR"),
                f"node {second.names[0]} has podCIDR {b}, which overlaps podCIDR {a} of node "
                f"{first.names[0]}: both nodes would hand out the same pod addresses",
            )
    yield from _pod_cidr_capacity(cluster)
    yield from _pod_cidr_holds_node_ip(cluster)


def _usable_pod_ips(cidr: IPNetwork) -> int:
    """Pod addresses host-local can hand out: all but network, gateway and IPv4 broadcast."""
    return max(0, cidr.num_addresses - (3 if cidr.version == 4 else 2))


def _pod_cidr_capacity(cluster: Cluster) -> Iterator[Finding]:
    for group in cluster.groups:
        cidr = group.pod_cidrs[0] if group.count else None
        pods = group.template["status"]["allocatable"].get("pods")
        if cidr is None or pods is None:
            continue
        try:
            max_pods = to_int(pods)
        except QuantityError:
            continue
        if max_pods > _usable_pod_ips(cidr):
            yield _node_finding(
                cluster,
                group,
                "node-podcidr-too-small",
                (*group.path, "allocatable", "pods"),
                f"{_who(group)} may run {max_pods} pods, but a /{cidr.prefixlen} podCIDR has only "
                f"{_usable_pod_ips(cidr)} pod addresses: pods beyond that fail with "
                f"'no IP addresses available'",
            )


def _pod_cidr_holds_node_ip(cluster: Cluster) -> Iterator[Finding]:
    index = _RangeIndex(_ip_ranges(cluster))
    for group in cluster.groups:
        for member, cidr in _some_pod_cidrs(group):
            hit = index.first_hit(
                cidr.version, int(cidr.network_address), int(cidr.broadcast_address)
            )
            if hit is not None:
                inside = ipaddress.ip_address(max(int(cidr.network_address), hit.first))
                yield _node_finding(
                    cluster,
                    group,
                    "node-podcidr-contains-node-ip",
                    (*group.path, "podCIDR") if group.explicit_pod_cidr else group.path,
                    f"node {group.names[member]} has podCIDR {cidr}, which contains node address "
                    f"{inside} ({hit.owner}): a pod may get that address",
                )
                break


class _RangeIndex:
    """Sorted address ranges with a running maximum of their ends: 'does any range meet
    [low, high]?' in O(log n)."""

    def __init__(self, ranges: list[_IPRange]) -> None:
        self.ranges = ranges
        self.keys = [(r.version, r.first) for r in ranges]
        self.reach: list[tuple[int, int]] = []
        for r in ranges:
            previous = self.reach[-1] if self.reach else (r.version, r.last)
            self.reach.append(max(previous, (r.version, r.last)))

    def first_hit(self, version: int, low: int, high: int) -> _IPRange | None:
        end = bisect.bisect_right(self.keys, (version, high))
        if end == 0 or self.reach[end - 1] < (version, low):
            return None
        return next(
            r for r in reversed(self.ranges[:end]) if r.version == version and r.last >= low
        )


def _some_pod_cidrs(group: NodeGroup) -> Iterator[tuple[int, IPNetwork]]:
    for index in range(group.count):
        cidr = group.pod_cidrs[index]
        if cidr is not None:
            yield index, cidr


# -- node addresses ----------------------------------------------------------------------------


class _IPRange(NamedTuple):
    version: int
    first: int
    last: int
    owner: str  # node name or "nodes a..b"
    group: NodeGroup


def _ip_ranges(cluster: Cluster) -> list[_IPRange]:
    """Every node InternalIP as ranges: one per explicit address, one per group."""
    ranges = []
    for group in cluster.groups:
        if group.is_group:
            first = group.internal_ips[0]
            if first:
                start = parse_address(first[0])
                owner = f"nodes {group.names[0]}..{group.names[-1]}"
                ranges.append(
                    _IPRange(start.version, int(start), int(start) + group.count - 1, owner, group)
                )
            continue
        for text in group.internal_ips[0]:
            ip = parse_address(text)
            ranges.append(_IPRange(ip.version, int(ip), int(ip), group.names[0], group))
    return sorted(ranges, key=lambda r: (r.version, r.first, r.last, r.owner))


def _node_addresses(cluster: Cluster) -> Iterator[Finding]:
    ranges = _ip_ranges(cluster)
    for previous, current in itertools.pairwise(ranges):
        if previous.version == current.version and current.first <= previous.last:
            shared = ipaddress.ip_address(current.first)
            yield _node_finding(
                cluster,
                current.group,
                "duplicate-node-ip",
                _address_path(current.group),
                f"{current.owner} and {previous.owner} both have InternalIP {shared}",
            )
    node_cidrs = cluster.network.node_cidrs
    if not node_cidrs:
        return
    for r in ranges:
        ends = (ipaddress.ip_address(r.first), ipaddress.ip_address(r.last))
        outside = [
            ip
            for ip in ends
            if not any(ip in net for net in node_cidrs if net.version == ip.version)
        ]
        if outside:
            listed = ", ".join(str(n) for n in node_cidrs)
            yield _node_finding(
                cluster,
                r.group,
                "node-ip-outside-node-cidrs",
                _address_path(r.group),
                f"InternalIP {outside[0]} of {r.owner} is outside network.nodeCIDRs ({listed})",
            )


def _address_path(group: NodeGroup) -> JsonPath:
    return (*group.path, "internalIPStart") if group.is_group else (*group.path, "addresses")


# -- node state --------------------------------------------------------------------------------


def _node_state(cluster: Cluster) -> Iterator[Finding]:
    for group in cluster.groups:
        conditions = group.template["status"]["conditions"]
        ready = next((c for c in conditions if c.get("type") == "Ready"), None)
        if ready is not None and ready.get("status") != "True":
            yield _not_ready(cluster, group, ready)
        if group.template["spec"].get("unschedulable"):
            yield _node_finding(
                cluster,
                group,
                "node-unschedulable",
                (*group.path, "unschedulable"),
                f"{_who(group)} {'is' if group.count == 1 else 'are'} cordoned: new pods are not "
                "scheduled there (DaemonSet pods still are)",
            )


def _who(group: NodeGroup) -> str:
    if group.is_group:
        return f"the {group.count} nodes of group {group.name}"
    return f"node {group.names[0]}"


def _not_ready(cluster: Cluster, group: NodeGroup, ready: dict[str, str]) -> Finding:
    why = ": ".join(p for p in (ready.get("reason"), ready.get("message")) if p)
    state = "NotReady" if ready["status"] == "False" else "Unknown"
    taint = (
        "node.kubernetes.io/not-ready" if state == "NotReady" else "node.kubernetes.io/unreachable"
    )
    tainted = any(t.get("key") == taint for t in group.template["spec"].get("taints", ()))
    finding = _node_finding(
        cluster,
        group,
        "node-not-ready",
        (*group.path, "conditions"),
        f"{_who(group)} {'is' if group.count == 1 else 'are'} {state}"
        + (f" ({why})" if why else "")
        + ": pods there do not start until the kubelet reports Ready",
    )
    if tainted:
        return finding
    return finding._replace(
        hint=f"list the {taint} taints (NoSchedule, NoExecute) the node lifecycle controller adds; "
        "kubelint takes taints as written"
    )


def _node_finding(
    cluster: Cluster, group: NodeGroup, name: str, path: JsonPath, message: str
) -> Finding:
    """A finding about a node, located in cluster.yaml, with the Node (group: first) as object."""
    finding = cluster.finding(name, path, message)
    return finding._replace(ref=ObjectRef("", "v1", "Node", None, group.names[0]))
