"""The cluster `kubelint simulate` applies manifests to (cluster.yaml, docs/cluster.md).

Nodes come in groups of identical members (`NodeGroup`): an explicit node is a group of one, a
`nodeGroups` entry of 5,000 is one group whose names, addresses and podCIDRs are computed on
access. The scheduler works on groups; `Cluster.nodes` expands them lazily when it must.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, NamedTuple

from kubelint.cluster.cidr import (
    BlockPlan,
    IPAddress,
    IPNetwork,
    Lazy,
    parse_address,
    parse_network,
    parse_port_range,
)
from kubelint.codes import finding
from kubelint.model import Document, Finding, JsonPath, Location, ObjectRef

API_VERSION = "kubelint.dev/v1alpha1"
DEFAULT_SOURCE = "<default cluster>"


@dataclass(frozen=True)
class Cni:
    plugin: str = "flannel"
    backend: str | None = "vxlan"
    enforces_network_policy: bool = False
    pod_ip_allocation: str = "sequential"


@dataclass(frozen=True)
class Network:
    cluster_cidr: IPNetwork | None
    node_cidr_mask_size: int
    service_cidr: IPNetwork
    node_cidrs: tuple[IPNetwork, ...] = ()
    node_port_range: range = range(30000, 32768)
    pod_cidr_allocation: str = "sequential"
    cni: Cni = field(default_factory=Cni)

    @property
    def service_cidrs(self) -> tuple[IPNetwork, ...]:
        return (self.service_cidr,)

    @property
    def enforces_network_policy(self) -> bool:
        return self.cni.enforces_network_policy


@dataclass(frozen=True)
class Dns:
    cluster_domain: str = "cluster.local"
    service_ip: IPAddress | None = None
    service_namespace: str | None = "kube-system"
    service_name: str | None = "kube-dns"

    @property
    def enabled(self) -> bool:
        return self.service_ip is not None


@dataclass(frozen=True)
class KubeProxy:
    mode: str = "iptables"
    ipvs_scheduler: str = "rr"
    nodes: tuple[str, ...] | None = None  # None: every node
    iptables_rules_warning: int = 20_000

    def runs_on(self, node_name: str) -> bool:
        return self.nodes is None or node_name in self.nodes


class PullFailure(NamedTuple):
    match: str  # prefix of the image reference as written
    nodes: tuple[str, ...]  # fnmatch patterns of node names
    reason: str


@dataclass(frozen=True)
class Images:
    sandbox: str = "registry.k8s.io/pause:3.9"
    pull_failures: tuple[PullFailure, ...] = ()

    def pull_failure(self, image: str, node_name: str) -> PullFailure | None:
        """The first rule saying `node_name` cannot pull `image`, if any."""
        for rule in self.pull_failures:
            if image.startswith(rule.match) and any(fnmatchcase(node_name, p) for p in rule.nodes):
                return rule
        return None


class Endpoint(NamedTuple):
    ip: str
    port: int


class NodeGroup:
    """Identical nodes: same labels (except the hostname), taints, conditions and resources.

    `template` is a v1 Node object (member 0); `node(i)` is member i's full Node object.
    `names`, `internal_ips` and `pod_cidrs` are lazy sequences of `count` items.
    `path` locates the group's entry in cluster.yaml (("nodes", 2) or ("nodeGroups", 0)).
    """

    __slots__ = (
        "_spec",
        "count",
        "explicit_pod_cidr",
        "internal_ips",
        "name",
        "names",
        "path",
        "pod_cidrs",
        "roles",
        "template",
    )

    def __init__(self, spec: NodeSpec, pod_cidrs: Sequence[IPNetwork | None]) -> None:
        self._spec = spec
        self.name = spec.group
        self.count = spec.count
        self.path = spec.path
        self.roles = spec.roles
        self.explicit_pod_cidr = spec.pod_cidr is not None
        self.names: Sequence[str] = Lazy(spec.count, spec.member_name)
        self.internal_ips: Sequence[tuple[str, ...]] = Lazy(spec.count, spec.member_ips)
        self.pod_cidrs = pod_cidrs
        self.template = self.node(0)

    @property
    def is_group(self) -> bool:
        """True for a `nodeGroups` entry (even of one), False for an explicit node."""
        return self._spec.path[:1] == ("nodeGroups",)

    def node(self, index: int) -> dict[str, Any]:
        """The v1 Node object of member `index` (0-based)."""
        cidr = self.pod_cidrs[index]
        return self._spec.body(self.names[index], self.internal_ips[index], cidr)

    def __repr__(self) -> str:
        return f"NodeGroup({self.name!r}, count={self.count})"


class NodeInfo(NamedTuple):
    """One node of the cluster: its name, its group and its index in the group."""

    name: str
    group: NodeGroup
    index: int

    @property
    def body(self) -> dict[str, Any]:
        return self.group.node(self.index)

    @property
    def internal_ips(self) -> tuple[str, ...]:
        return self.group.internal_ips[self.index]

    @property
    def pod_cidr(self) -> IPNetwork | None:
        return self.group.pod_cidrs[self.index]


@dataclass(frozen=True)
class NodeSpec:
    """A node or node group as written (validated), before podCIDRs are planned."""

    group: str
    count: int
    path: JsonPath
    name_pattern: str | None  # None: explicit node named `group`
    roles: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    taints: tuple[Mapping[str, Any], ...] = ()
    unschedulable: bool = False
    conditions: tuple[Mapping[str, Any], ...] = ({"type": "Ready", "status": "True"},)
    allocatable: Mapping[str, str] = field(default_factory=dict)
    capacity: Mapping[str, str] | None = None
    addresses: tuple[Mapping[str, str], ...] = ()  # explicit nodes
    internal_ip_start: IPAddress | None = None  # groups
    pod_cidr: IPNetwork | None = None  # explicit nodes only
    kubelet_version: str = "v1.30.0"

    def member_name(self, index: int) -> str:
        if self.name_pattern is None:
            return self.group
        return self.name_pattern.format(index=index + 1)

    def member_ips(self, index: int) -> tuple[str, ...]:
        if self.internal_ip_start is not None:
            return (str(self.internal_ip_start + index),)
        return tuple(a["address"] for a in self.addresses if a.get("type") == "InternalIP")

    def body(self, name: str, ips: tuple[str, ...], pod_cidr: IPNetwork | None) -> dict[str, Any]:
        # an explicit node may spell its hostname label itself; a group member's is its name
        labels = {"kubernetes.io/hostname": name, **self.labels}
        if self.name_pattern is not None:
            labels["kubernetes.io/hostname"] = name
        spec: dict[str, Any] = {}
        if pod_cidr is not None:
            spec["podCIDR"] = str(pod_cidr)
            spec["podCIDRs"] = [str(pod_cidr)]
        if self.taints:
            spec["taints"] = copy.deepcopy(list(self.taints))
        if self.unschedulable:
            spec["unschedulable"] = True
        metadata: dict[str, Any] = {"name": name, "labels": labels}
        if self.annotations:
            metadata["annotations"] = dict(self.annotations)
        return {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": metadata,
            "spec": spec,
            "status": {
                "addresses": self._addresses(name, ips),
                "allocatable": dict(self.allocatable),
                "capacity": dict(self.capacity if self.capacity is not None else self.allocatable),
                "conditions": copy.deepcopy(list(self.conditions)),
                "nodeInfo": {"kubeletVersion": self.kubelet_version},
            },
        }

    def _addresses(self, name: str, ips: tuple[str, ...]) -> list[dict[str, str]]:
        if self.name_pattern is None:
            return [dict(a) for a in self.addresses]
        return [
            *({"type": "InternalIP", "address": ip} for ip in ips),
            {"type": "Hostname", "address": name},
        ]


class Cluster:
    """A validated cluster description. Build one with `load_cluster` or `default_cluster`."""

    def __init__(
        self,
        *,
        name: str,
        kubernetes_version: str,
        network: Network,
        dns: Dns,
        kube_proxy: KubeProxy,
        images: Images,
        api_server_endpoints: tuple[Endpoint, ...],
        node_specs: Sequence[NodeSpec],
        document: Document | None = None,
        source: str = DEFAULT_SOURCE,
        is_default: bool = False,
    ) -> None:
        self.name = name
        self.kubernetes_version = kubernetes_version
        self.network = network
        self.dns = dns
        self.kube_proxy = kube_proxy
        self.images = images
        self.api_server_endpoints = api_server_endpoints
        self.document = document
        self.source = document.source if document is not None else source
        self.is_default = is_default
        self.node_specs = tuple(node_specs)
        self.pod_cidr_plan, self.pod_cidrs_missing = self._plan()
        self.groups = tuple(
            self._group(s, o) for s, o in zip(self.node_specs, self._offsets(), strict=True)
        )
        self.nodes: Sequence[NodeInfo] = _expand(self.groups)
        self._by_name: dict[str, NodeInfo] | None = None

    # -- identity and locations ------------------------------------------------------------------
    @property
    def ref(self) -> ObjectRef:
        return ObjectRef("kubelint.dev", "v1alpha1", "Cluster", None, self.name)

    def locate(self, path: JsonPath, at_key: bool = True) -> Location:
        """Where `path` is in cluster.yaml (the nearest written parent); 1:1 for the default."""
        if self.document is None:
            return Location(1, 1)
        return self.document.locate(path, at_key)

    def finding(self, name: str, path: JsonPath, message: str, hint: str | None = None) -> Finding:
        return finding(
            name,
            self.source,
            self.locate(path),
            message,
            ref=self.ref,
            path=path,
            document=self.document.index if self.document is not None else None,
            hint=hint,
        )

    # -- nodes -----------------------------------------------------------------------------------
    def node_groups(self) -> tuple[NodeGroup, ...]:
        return self.groups

    @property
    def node_count(self) -> int:
        return sum(g.count for g in self.groups)

    def node(self, name: str) -> NodeInfo | None:
        """Find a node by name (an index of names is built on first use)."""
        if self._by_name is None:
            self._by_name = {info.name: info for info in self.nodes}
        return self._by_name.get(name)

    def with_nodes(self, extra: Iterable[NodeSpec]) -> Cluster:
        """This cluster with more nodes (e.g. `kind: Node` objects from the manifests). A node of
        the same name as an explicit node replaces it; podCIDRs are planned again."""
        extra = list(extra)
        names = {s.group for s in extra}
        kept = [s for s in self.node_specs if s.name_pattern is not None or s.group not in names]
        return Cluster(
            name=self.name,
            kubernetes_version=self.kubernetes_version,
            network=self.network,
            dns=self.dns,
            kube_proxy=self.kube_proxy,
            images=self.images,
            api_server_endpoints=self.api_server_endpoints,
            node_specs=[*kept, *extra],
            document=self.document,
            source=self.source,
            is_default=self.is_default,
        )

    # -- podCIDR planning ------------------------------------------------------------------------
    def _needs_cidr(self, spec: NodeSpec) -> bool:
        return spec.pod_cidr is None and self.network.pod_cidr_allocation == "sequential"

    def _plan(self) -> tuple[BlockPlan | None, int]:
        net = self.network
        if net.cluster_cidr is None or net.node_cidr_mask_size < net.cluster_cidr.prefixlen:
            return None, 0
        used = [s.pod_cidr for s in self.node_specs if s.pod_cidr is not None]
        plan = BlockPlan(net.cluster_cidr, net.node_cidr_mask_size, [*used, *net.service_cidrs])
        wanted = sum(s.count for s in self.node_specs if self._needs_cidr(s))
        return plan, max(0, wanted - plan.free)

    def _offsets(self) -> list[int]:
        offsets, running = [], 0
        for spec in self.node_specs:
            offsets.append(running)
            running += spec.count if self._needs_cidr(spec) else 0
        return offsets

    def _group(self, spec: NodeSpec, start: int) -> NodeGroup:
        if spec.pod_cidr is not None:
            return NodeGroup(spec, (spec.pod_cidr,))
        plan = self.pod_cidr_plan
        if plan is None or not self._needs_cidr(spec):
            return NodeGroup(spec, Lazy(spec.count, lambda _i: None))
        return NodeGroup(spec, Lazy(spec.count, lambda i: plan.nth(start + i)))

    def __repr__(self) -> str:
        return f"Cluster({self.name!r}, nodes={self.node_count}, groups={len(self.groups)})"


def _expand(groups: Sequence[NodeGroup]) -> Sequence[NodeInfo]:
    starts, total = [], 0
    for group in groups:
        starts.append(total)
        total += group.count

    def item(index: int) -> NodeInfo:
        g = bisect.bisect_right(starts, index) - 1
        group = groups[g]
        return NodeInfo(group.names[index - starts[g]], group, index - starts[g])

    return Lazy(total, item)


def default_cluster(version: str = "1.30") -> Cluster:
    """kubeadm's defaults: 1 control-plane node and 3 workers of 2 CPU / 4 GiB, flannel on
    10.244.0.0/16, Services on 10.96.0.0/12, DNS at 10.96.0.10, NodePorts 30000-32767, iptables."""
    common = {
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
    }
    resources = {"cpu": "2", "memory": "3689Mi", "pods": "110", "ephemeral-storage": "36Gi"}
    specs = [
        NodeSpec(
            group="control-plane",
            count=1,
            path=(),
            name_pattern=None,
            roles=("control-plane",),
            labels={**common, "node-role.kubernetes.io/control-plane": ""},
            taints=({"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},),
            allocatable=resources,
            addresses=(
                {"type": "InternalIP", "address": "192.168.0.10"},
                {"type": "Hostname", "address": "control-plane"},
            ),
        ),
        NodeSpec(
            group="worker",
            count=3,
            path=(),
            name_pattern="worker-{index}",
            labels=common,
            allocatable=resources,
            internal_ip_start=parse_address("192.168.0.11"),
        ),
    ]
    return Cluster(
        name="default",
        kubernetes_version=version,
        network=Network(
            cluster_cidr=parse_network("10.244.0.0/16"),
            node_cidr_mask_size=24,
            service_cidr=parse_network("10.96.0.0/12"),
            node_cidrs=(parse_network("192.168.0.0/24"),),
            node_port_range=parse_port_range("30000-32767"),
        ),
        dns=Dns(service_ip=parse_address("10.96.0.10")),
        kube_proxy=KubeProxy(),
        images=Images(),
        api_server_endpoints=(Endpoint("192.168.0.10", 6443),),
        node_specs=specs,
        is_default=True,
    )


def describe_default() -> str:
    """One line for the simulate output when no --cluster is given."""
    return (
        "default cluster (kubeadm-like): control-plane + worker-1..3 (2 CPU, 3689Mi, 110 pods), "
        "pods 10.244.0.0/16 (/24 per node), Services 10.96.0.0/12, DNS 10.96.0.10, "
        "NodePorts 30000-32767, kube-proxy iptables"
    )


def load_cluster(path: str) -> tuple[Cluster | None, list[Finding]]:
    """Read and validate cluster.yaml. Returns (None, findings) when it is unusable.

    Findings cover the file itself (YAML, schema, malformed addresses, duplicate nodes); the
    network checks (overlaps, exhaustion, ...) are `kubelint.cluster.network.check(cluster)`."""
    from kubelint.cluster.parse import load  # the parser builds the classes above

    return load(path)


def nodes_from_objects(documents: Iterable[Document]) -> list[NodeSpec]:
    """`kind: Node` objects of the manifests as node specs for `Cluster.with_nodes`."""
    from kubelint.cluster.parse import node_from_object

    return [
        node_from_object(doc)
        for doc in documents
        if doc.body.get("kind") == "Node" and doc.body.get("apiVersion") == "v1"
    ]


__all__ = [
    "API_VERSION",
    "Cluster",
    "Cni",
    "Dns",
    "Endpoint",
    "Images",
    "KubeProxy",
    "Network",
    "NodeGroup",
    "NodeInfo",
    "NodeSpec",
    "PullFailure",
    "default_cluster",
    "load_cluster",
    "nodes_from_objects",
]
