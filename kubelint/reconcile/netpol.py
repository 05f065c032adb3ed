"""NetworkPolicies over the predicted pods: what each selects, allows and blocks (the findings
are in kubelint.reconcile.netpol_findings).

The semantics are those of networking.k8s.io/v1:
- `spec.podSelector` selects pods of the policy's namespace (`{}`: all of them);
- `policyTypes` defaults to Ingress, plus Egress when `spec.egress` is present (kubelint.store
  defaults it; the stored body is read);
- a peer's `podSelector` alone means pods of the policy's namespace, `namespaceSelector` alone
  every pod of the matching namespaces, both together the matching pods of those namespaces;
  `ipBlock` peers are addresses, not pods;
- an empty or missing `ports` / `from` / `to` allows every port / peer;
- a pod selected by several policies of one direction gets the union of what they allow.

Namespaces are the four every cluster has plus those of the input; each carries the
`kubernetes.io/metadata.name` label. The cluster DNS pods are the pods the DNS Service of the
cluster file selects; when the input defines none, pods labelled `k8s-app=kube-dns` in the DNS
Service's namespace with CoreDNS's ports (`dns` 53/UDP, `dns-tcp` 53/TCP) are assumed, with an
address somewhere in the pod network.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from kubelint.cluster import dns
from kubelint.cluster.cidr import IPNetwork
from kubelint.k8s.labelindex import LabelIndex
from kubelint.k8s.selectors import EVERYTHING, Selector, SelectorError
from kubelint.model import JsonPath, dicts
from kubelint.reconcile.objects import PodRecord, Stored

if TYPE_CHECKING:
    from kubelint.cluster.model import Cluster
    from kubelint.reconcile.endpoints import ServiceView
    from kubelint.reconcile.simulate import Simulation

POLICY_KINDS = frozenset({("networking.k8s.io", "NetworkPolicy"), ("extensions", "NetworkPolicy")})
BUILTIN_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
NAME_LABEL = "kubernetes.io/metadata.name"
DNS_POD_LABELS = {"k8s-app": "kube-dns"}
"""The label of both kube-dns and CoreDNS pods (kubeadm, kops, the addon manifests)."""
DNS_POD_PORTS = (("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"))
DIRECTIONS = (("Ingress", "ingress", "from"), ("Egress", "egress", "to"))

Port = tuple[str, int, str]  # (container port name, number, protocol)


class Member(NamedTuple):
    """A pod a policy or peer may select; `pod` is None for the assumed cluster DNS pods."""

    namespace: str
    labels: Mapping[str, str]
    pod: PodRecord | None

    @property
    def ip(self) -> str | None:
        return self.pod.ip if self.pod is not None else None

    def ports(self) -> tuple[Port, ...]:
        if self.pod is None:
            return DNS_POD_PORTS
        return tuple(
            (str(p.get("name") or ""), p["containerPort"], str(p.get("protocol") or "TCP"))
            for c in self.pod.containers()
            for p in dicts(c.get("ports"))
            if isinstance(p.get("containerPort"), int)
        )


class ClusterDns(NamedTuple):
    service: str  # namespace/name
    ip: str
    members: tuple[Member, ...]


class World:
    """The predicted pods and the namespaces they live in, for selector queries."""

    def __init__(self, objects: Iterable[Stored], members: Iterable[Member]) -> None:
        self.namespaces: dict[str, Mapping[str, str]] = {
            n: {NAME_LABEL: n} for n in BUILTIN_NAMESPACES
        }
        for obj in objects:
            if obj.ref.kind == "Namespace" and obj.ref.group == "":
                labels = (obj.body.get("metadata") or {}).get("labels") or {}
                self.namespaces[obj.name] = {NAME_LABEL: obj.name, **labels}
        self.index: LabelIndex[Member] = LabelIndex()
        self._selected: dict[tuple[Selector, str], list[Member]] = {}
        self._namespaces: dict[Selector, list[str]] = {}
        for member in members:
            self.namespaces.setdefault(member.namespace, {NAME_LABEL: member.namespace})
            self.index.add(member, member.namespace, member.labels)

    def namespaces_matching(self, selector: Selector) -> list[str]:
        found = self._namespaces.get(selector)
        if found is None:
            found = self._namespaces[selector] = sorted(
                n for n, labels in self.namespaces.items() if selector.matches(labels)
            )
        return found

    def select(self, selector: Selector, namespaces: Sequence[str]) -> list[Member]:
        """The members of those namespaces the selector matches (memoised: policies repeat
        their selectors)."""
        out = []
        for ns in namespaces:
            key = (selector, ns)
            found = self._selected.get(key)
            if found is None:
                found = self._selected[key] = self.index.select(selector, ns)
            out.extend(found)
        return out


class Peer(NamedTuple):
    """One `from` / `to` entry, parsed; `namespaces` None = the policy's namespace only."""

    path: JsonPath
    ip_block: Mapping[str, Any] | None
    pods: Selector
    namespaces: Selector | None

    @classmethod
    def parse(cls, raw: Mapping[str, Any], path: JsonPath) -> Peer:
        block = raw.get("ipBlock")
        if isinstance(block, Mapping):
            return cls(path, block, EVERYTHING, None)
        pods = raw.get("podSelector")
        namespaces = raw.get("namespaceSelector")
        return cls(
            path,
            None,
            EVERYTHING if pods is None else Selector.parse(pods),
            None if namespaces is None else Selector.parse(namespaces),
        )

    def matches(self, member: Member, policy_ns: str, world: World) -> bool:
        if self.namespaces is None:
            in_scope = member.namespace == policy_ns
        else:
            labels = world.namespaces.get(member.namespace) or {NAME_LABEL: member.namespace}
            in_scope = self.namespaces.matches(labels)
        return in_scope and self.pods.matches(member.labels)

    def scope(self, policy_ns: str, world: World) -> list[str]:
        if self.namespaces is None:
            return [policy_ns]
        return world.namespaces_matching(self.namespaces)


class Rule(NamedTuple):
    ports: tuple[Mapping[str, Any], ...]  # empty: every port
    peers: tuple[Peer, ...] | None  # None: every peer


class Policy(NamedTuple):
    stored: Stored
    selector: Selector
    selected: list[Member]
    types: frozenset[str]
    rules: dict[str, tuple[Rule, ...]]  # "ingress" / "egress" → rules

    @property
    def namespace(self) -> str:
        return self.stored.namespace

    @classmethod
    def parse(cls, stored: Stored, world: World) -> Policy:
        spec = stored.body.get("spec") or {}
        selector = Selector.parse(spec.get("podSelector") or {})
        rules = {direction: _rules(spec, direction, key) for _, direction, key in DIRECTIONS}
        types = frozenset(str(t) for t in spec.get("policyTypes") or ("Ingress",))
        return cls(stored, selector, world.select(selector, [stored.namespace]), types, rules)


def _rules(spec: Mapping[str, Any], direction: str, key: str) -> tuple[Rule, ...]:
    out = []
    for i, rule in enumerate(spec.get(direction) or []):
        if not isinstance(rule, Mapping):
            continue
        ports = tuple(p for p in rule.get("ports") or [] if isinstance(p, Mapping))
        raw = rule.get(key) or []
        peers = tuple(
            Peer.parse(p, ("spec", direction, i, key, j))
            for j, p in enumerate(raw)
            if isinstance(p, Mapping)
        )
        out.append(Rule(ports, peers or None))
    return tuple(out)


# -- DNS ----------------------------------------------------------------------------------------
def cluster_dns(cluster: Cluster, services: Sequence[ServiceView]) -> ClusterDns | None:
    """The cluster DNS Service and its pods (predicted, or assumed when the input has none)."""
    conf = cluster.dns
    if conf.service_ip is None:
        return None
    ns, name = conf.service_namespace or "kube-system", conf.service_name or "kube-dns"
    labels: Mapping[str, str] = DNS_POD_LABELS
    for view in services:
        if (view.stored.namespace, view.stored.name) != (ns, name):
            continue
        if view.selected:
            members = tuple(Member(p.namespace, p.labels, p) for p in view.selected)
            return ClusterDns(f"{ns}/{name}", str(conf.service_ip), members)
        if view.selector is not None and not view.selector.nothing:
            labels = view.selector.equalities()
    return ClusterDns(f"{ns}/{name}", str(conf.service_ip), (Member(ns, labels, None),))


def allows_dns(policy: Policy, server: ClusterDns, world: World, cluster: Cluster) -> bool:
    """Whether an egress rule of the policy lets its pods reach the DNS server on port 53."""
    for rule in policy.rules["egress"]:
        for member in server.members:
            for protocol in ("UDP", "TCP"):
                names = {n for n, port, proto in member.ports() if (port, proto) == (53, protocol)}
                if not _port_allows(rule.ports, 53, protocol, names):
                    continue
                if rule.peers is None or any(
                    _peer_reaches(peer, member, policy.namespace, server.ip, world, cluster)
                    for peer in rule.peers
                ):
                    return True
    return False


def _port_allows(
    ports: Sequence[Mapping[str, Any]], number: int, protocol: str, names: set[str]
) -> bool:
    """Whether a rule's `ports` admit `number`/`protocol`; `names` are the destination's
    container port names for that port."""
    if not ports:
        return True
    for port in ports:
        if str(port.get("protocol") or "TCP") != protocol:
            continue
        value = port.get("port")
        if value is None:
            return True
        if isinstance(value, int) and not isinstance(value, bool):
            end = port.get("endPort")
            if value == number or (isinstance(end, int) and value <= number <= end):
                return True
        elif isinstance(value, str) and (value in names or value == str(number)):
            return True
    return False


def _peer_reaches(
    peer: Peer, member: Member, ns: str, ip: str, world: World, cluster: Cluster
) -> bool:
    """Whether a `to` peer of a policy in namespace `ns` covers a DNS pod or the ClusterIP."""
    if peer.ip_block is None:
        return peer.matches(member, ns, world)
    block = _ip_block(peer.ip_block)
    if block is None:
        return False
    cidr, excepts = block
    if _contains(cidr, excepts, ipaddress.ip_network(ip)):
        return True  # the ClusterIP (implementations that match before DNAT)
    if member.ip is not None:
        return _contains(cidr, excepts, ipaddress.ip_network(member.ip))
    pods = cluster.network.cluster_cidr  # an assumed pod: somewhere in the pod network
    return pods is not None and _contains(cidr, excepts, pods)


def _ip_block(raw: Mapping[str, Any]) -> tuple[IPNetwork, list[IPNetwork]] | None:
    try:
        cidr = ipaddress.ip_network(str(raw.get("cidr")), strict=False)
        excepts = [ipaddress.ip_network(str(e), strict=False) for e in raw.get("except") or []]
    except ValueError:
        return None
    return cidr, excepts


def _contains(cidr: IPNetwork, excepts: Sequence[IPNetwork], network: IPNetwork) -> bool:
    """Whether `network` lies in `cidr` and outside every `except` range."""
    if network.version != cidr.version or not network.subnet_of(cidr):
        return False
    return not any(e.version == network.version and network.overlaps(e) for e in excepts)


# -- the analysis -------------------------------------------------------------------------------
class Analysis:
    """Every NetworkPolicy of a simulation over its predicted pods."""

    def __init__(self, sim: Simulation, stored: Sequence[Stored]) -> None:
        self.cluster: Cluster = sim.cluster
        self.services: Sequence[ServiceView] = sim.services
        self.dns = cluster_dns(sim.cluster, sim.services)
        members = [Member(p.namespace, p.labels, p) for p in sim.pods]
        if self.dns is not None:
            members.extend(m for m in self.dns.members if m.pod is None)
        self.world = World(sim.applied.objects, members)
        self.policies: list[Policy] = []
        for obj in stored:
            try:
                self.policies.append(Policy.parse(obj, self.world))
            except SelectorError:
                continue  # the schema and validation stages report malformed selectors
        self._opens: dict[tuple[int, str], bool] = {}
        self._open_members: dict[str, set[int]] = {}  # direction → members some rule opens

    def opens(self, policy: Policy, direction: str) -> bool:
        """Whether some rule of the direction allows some peer (any address or predicted pod)."""
        key = (id(policy), direction)
        if key not in self._opens:
            world = self.world
            self._opens[key] = any(
                rule.peers is None
                or any(
                    p.ip_block is not None or world.select(p.pods, p.scope(policy.namespace, world))
                    for p in rule.peers
                )
                for rule in policy.rules[direction]
            )
        return self._opens[key]

    def cut_off(self, policy: Policy, direction: str) -> list[PodRecord]:
        """The policy's pods that no rule of any policy selecting them lets talk to any peer in
        the direction ("ingress" / "egress"), when this policy isolates that direction."""
        kind = direction.capitalize()
        if kind not in policy.types or self.opens(policy, direction):
            return []
        if direction not in self._open_members:
            self._open_members[direction] = {
                id(m)
                for p in self.policies
                if kind in p.types and self.opens(p, direction)
                for m in p.selected
            }
        open_ids = self._open_members[direction]
        return [m.pod for m in policy.selected if m.pod is not None and id(m) not in open_ids]

    def dns_blocked(self) -> list[tuple[Policy, list[PodRecord]]]:
        """Egress policies with selected pods that resolve names through the cluster DNS but
        reach it through no egress rule of any policy selecting them, and those pods."""
        server = self.dns
        if server is None:
            return []
        egress = [p for p in self.policies if "Egress" in p.types]
        allowed = {id(p) for p in egress if allows_dns(p, server, self.world, self.cluster)}
        reachable = {id(m) for p in egress if id(p) in allowed for m in p.selected}
        out = []
        for policy in egress:
            blocked = [
                m.pod
                for m in policy.selected
                if m.pod is not None
                and id(m) not in reachable
                and uses_cluster_dns(m.pod, self.cluster)
            ]
            if blocked and id(policy) not in allowed:
                out.append((policy, blocked))
        return out


def analyse(sim: Simulation) -> Analysis | None:
    """The NetworkPolicies of a simulation (None when the input has none)."""
    stored = [o for o in sim.applied.objects if (o.ref.group, o.ref.kind) in POLICY_KINDS]
    return Analysis(sim, stored) if stored else None


def uses_cluster_dns(pod: PodRecord, cluster: Cluster) -> bool:
    if pod.host_network:
        return False  # NetworkPolicies do not apply to the node's network namespace
    conf = dns.resolv_conf(pod.body.get("spec") or {}, pod.namespace, cluster)
    return str(cluster.dns.service_ip) in conf.nameservers


# -- the report ---------------------------------------------------------------------------------
def report(sim: Simulation) -> list[dict[str, Any]]:
    """Per NetworkPolicy, what it selects and lets in and out (the `networkPolicies` key of
    `kubelint simulate -o json`)."""
    analysis = analyse(sim)
    if analysis is None:
        return []
    blocking = {id(policy) for policy, _ in analysis.dns_blocked()}
    out = []
    for policy in analysis.policies:
        owners: dict[str, int] = {}
        for member in policy.selected:
            if member.pod is not None:
                owner = str(member.pod.workload.ref)
                owners[owner] = owners.get(owner, 0) + 1
        out.append(
            {
                "object": f"NetworkPolicy {policy.stored.key}",
                "enforced": analysis.cluster.network.enforces_network_policy,
                "policyTypes": sorted(policy.types),
                "selects": {"count": sum(owners.values()), "owners": dict(sorted(owners.items()))},
                "ingressAllowedFrom": _allowed(analysis, policy, "ingress"),
                "egressAllowedTo": _allowed(analysis, policy, "egress"),
                "blocksDns": id(policy) in blocking,
            }
        )
    return out


def _allowed(analysis: Analysis, policy: Policy, direction: str) -> str | dict[str, Any]:
    """`all` (the direction is not isolated, or a rule admits every peer), `none` (isolated, no
    rule), or the peers the rules name: predicted pods, namespaces, ipBlock CIDRs."""
    rules = policy.rules[direction]
    if direction.capitalize() not in policy.types or any(r.peers is None for r in rules):
        return "all"
    if not rules:
        return "none"
    pods: set[int] = set()
    namespaces: set[str] = set()
    blocks: list[str] = []
    for rule in rules:
        for peer in rule.peers or ():
            if peer.ip_block is not None:
                blocks.append(str(peer.ip_block.get("cidr")))
                continue
            scope = peer.scope(policy.namespace, analysis.world)
            members = analysis.world.select(peer.pods, scope)
            pods.update(id(m) for m in members if m.pod is not None)  # not the assumed DNS
            if peer.namespaces is not None:
                namespaces.update(scope)
    return {"pods": len(pods), "namespaces": sorted(namespaces), "ipBlocks": sorted(set(blocks))}
