"""How much state kube-proxy programs on each node for the predicted Services (model reference-v1).

Per Service port with E ready endpoints, in iptables mode (pkg/proxy/iptables/proxier.go; the
counts match the upstream test TestNumberIptablesRules):

- E > 0: one KUBE-SERVICES rule, a KUBE-SVC chain with a masquerade rule and E jump rules, and per
  endpoint a KUBE-SEP chain with 2 rules (hairpin masquerade, DNAT): 2 + 3E nat rules, 1 + E
  chains. sessionAffinity ClientIP adds E `recent` rules.
- NodePort (or LoadBalancer): +1 KUBE-NODEPORTS rule and a KUBE-EXT chain with 2 rules.
- Each externalIP: +1 KUBE-SERVICES rule (and the KUBE-EXT chain if no NodePort made it).
- E = 0: no nat rules; one filter REJECT rule per ClusterIP, NodePort and externalIP.
- Fixed, whatever the Services: 5 nat + 3 filter rules in the restore set (jumps from the
  built-in chains are not counted).

IPVS mode: a virtual server per ClusterIP:port, per NodePort × node InternalIP and per
externalIP:port, each with E real servers; ipset entries (KUBE-CLUSTER-IP, KUBE-NODE-PORT-<proto>,
KUBE-EXTERNAL-IP); kube-ipvs0 carries every ClusterIP and externalIP; the iptables rules stay a
constant number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from kubelint.cluster.model import Cluster, NodeGroup
from kubelint.model import Finding

MODEL = "reference-v1"
FIXED_NAT_RULES = 5
FIXED_FILTER_RULES = 3


class PortLoad(NamedTuple):
    """One Service port as kube-proxy sees it."""

    service: str  # namespace/name
    port: str  # name or number
    protocol: str
    cluster_ips: tuple[str, ...]
    node_port: bool
    external_ips: int
    endpoints: int  # ready endpoints
    affinity: bool


def service_ports(service: Mapping[str, Any], ready: int | Mapping[str, int]) -> list[PortLoad]:
    """The ports of a stored Service (ClusterIP set). `ready` is the number of ready endpoints,
    for all ports or per port name. Headless and ExternalName Services program nothing."""
    meta, spec = service.get("metadata") or {}, service.get("spec") or {}
    ips = tuple(spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else []))
    if spec.get("type") == "ExternalName" or not ips or ips[0] == "None":
        return []
    name = f"{meta.get('namespace') or 'default'}/{meta.get('name', '')}"
    node_port = spec.get("type") in ("NodePort", "LoadBalancer")
    loads = []
    for port in spec.get("ports") or ():
        if not isinstance(port, Mapping):  # a null item passes the schema stage
            continue
        label = str(port.get("name") or port.get("port"))
        count = ready if isinstance(ready, int) else ready.get(port.get("name") or "", 0)
        loads.append(
            PortLoad(
                name,
                label,
                port.get("protocol", "TCP"),
                ips,
                node_port,
                len(spec.get("externalIPs") or ()),
                count,
                spec.get("sessionAffinity") == "ClientIP",
            )
        )
    return loads


class Iptables(NamedTuple):
    nat_rules: int  # Service-dependent
    filter_rules: int  # Service-dependent (REJECT for Services without endpoints)
    chains: int

    @property
    def rules(self) -> int:
        """The reference-v1 figure: Service-dependent rules."""
        return self.nat_rules + self.filter_rules

    @property
    def total(self) -> int:
        return self.rules + FIXED_NAT_RULES + FIXED_FILTER_RULES


class Ipvs(NamedTuple):
    virtual_servers: int
    real_servers: int
    ipset_entries: Mapping[str, int]
    interface_addresses: int  # on kube-ipvs0


def iptables_for(ports: Iterable[PortLoad]) -> Iptables:
    nat = filtered = chains = 0
    for p in ports:
        fronts = len(p.cluster_ips)  # one KUBE-SERVICES rule per ClusterIP (dual-stack: per family)
        if p.endpoints == 0:
            filtered += fronts + p.node_port + p.external_ips
            continue
        nat += fronts + 1 + p.endpoints + 2 * p.endpoints + (p.endpoints if p.affinity else 0)
        chains += 1 + p.endpoints
        if p.node_port:
            nat += 1
        if p.node_port or p.external_ips:
            nat += 2 + p.external_ips
            chains += 1
    return Iptables(nat, filtered, chains)


def ipvs_for(ports: Iterable[PortLoad], node_ips: int) -> Ipvs:
    virtual = real = cluster_entries = external = 0
    node_port_entries: dict[str, int] = {}
    addresses: set[str] = set()
    for p in ports:
        servers = len(p.cluster_ips) + p.external_ips + (node_ips if p.node_port else 0)
        virtual += servers
        real += servers * p.endpoints
        cluster_entries += len(p.cluster_ips)
        external += p.external_ips
        addresses.update(p.cluster_ips)
        if p.node_port:
            key = f"KUBE-NODE-PORT-{p.protocol}"
            node_port_entries[key] = node_port_entries.get(key, 0) + 1
    entries = {"KUBE-CLUSTER-IP": cluster_entries, **dict(sorted(node_port_entries.items()))}
    if external:
        entries["KUBE-EXTERNAL-IP"] = external
    return Ipvs(virtual, real, entries, len(addresses) + external)


class NodeEstimate(NamedTuple):
    group: str
    nodes: int  # nodes of the group that run kube-proxy
    iptables: Iptables
    ipvs: Ipvs


class Estimate(NamedTuple):
    mode: str
    service_ports: int
    endpoints: int
    per_group: tuple[NodeEstimate, ...]

    @property
    def iptables(self) -> Iptables:
        """Per node (the same on every node in this model)."""
        return self.per_group[0].iptables if self.per_group else Iptables(0, 0, 0)

    @property
    def nodes(self) -> int:
        return sum(g.nodes for g in self.per_group)

    @property
    def rules_cluster_wide(self) -> int:
        return sum(g.nodes * g.iptables.rules for g in self.per_group)


def estimate(cluster: Cluster, ports: Iterable[PortLoad]) -> Estimate:
    """kube-proxy state per node group (groups whose nodes all run kube-proxy, or some)."""
    ports = sorted(ports)
    rules = iptables_for(ports)
    per_group = []
    for group in cluster.groups:
        running = _running(cluster, group)
        if running:
            ips = len(group.internal_ips[0])
            per_group.append(NodeEstimate(group.name, running, rules, ipvs_for(ports, ips)))
    return Estimate(
        cluster.kube_proxy.mode, len(ports), sum(p.endpoints for p in ports), tuple(per_group)
    )


def _running(cluster: Cluster, group: NodeGroup) -> int:
    proxy = cluster.kube_proxy
    if proxy.nodes is None:
        return group.count
    wanted = set(proxy.nodes)
    return sum(1 for name in group.names if name in wanted)


def check(cluster: Cluster, result: Estimate) -> list[Finding]:
    """kube-proxy-iptables-scale: iptables mode at or above the configured rules per node."""
    threshold = cluster.kube_proxy.iptables_rules_warning
    rules = result.iptables
    if result.mode != "iptables" or not result.per_group or rules.total < threshold:
        return []
    ipvs = max(result.per_group, key=lambda g: g.ipvs.virtual_servers).ipvs
    message = (
        f"kube-proxy in iptables mode would program about {rules.total:,} iptables rules "
        f"({rules.chains:,} chains) on each of {result.nodes:,} nodes for {result.service_ports:,} "
        f"Service ports with {result.endpoints:,} endpoints (warning threshold {threshold:,}); "
        f"every endpoint change rewrites them all. IPVS mode would keep "
        f"{ipvs.virtual_servers:,} virtual servers and {ipvs.real_servers:,} real servers in "
        f"kernel hash tables and a constant number of iptables rules"
    )
    return [
        cluster.finding(
            "kube-proxy-iptables-scale",
            ("kubeProxy", "mode"),
            message,
            hint="set kubeProxy mode: ipvs (kube-proxy --proxy-mode=ipvs) or nftables",
        )
    ]
