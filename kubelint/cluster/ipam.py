"""Deterministic address allocators: pod IPs per node, Service ClusterIPs, NodePorts.

Kubernetes picks dynamic ClusterIPs and NodePorts at random; a linter must not. The allocators
here keep Kubernetes' *rules* (what is refused, which band is tried first) and replace the random
pick by "lowest free", so a run is reproducible and independent of hash seeds (docs/cluster.md).

- Pod IPs (host-local IPAM behind a bridge, as flannel's cni0 or docker0): in a node's podCIDR
  offset 0 (network) and 1 (bridge gateway) and, for IPv4, the broadcast address are never given
  out; pods get offsets 2, 3, ... in bind order; after the last offset the search wraps around, so
  a released address is reused only then (host-local's behaviour). hostNetwork pods take the
  node's first InternalIP.
- ClusterIPs (pkg/registry/core/service/ipallocator): the network address and the IPv4 broadcast
  are never used; the first usable address belongs to Service default/kubernetes; dns.serviceIP
  is reserved for dns.service. The range is split into a static band (the first
  min(max(16, size/16), 256) usable addresses) and a dynamic band: dynamic allocation takes the
  lowest free address of the dynamic band, then of the static band.
- NodePorts (pkg/registry/core/service/portallocator): the same split with
  min(max(16, size/32), 128) ports in the static band.

Refusals carry the apiserver's wording (`spec.ports[0].nodePort: Invalid value: 30699: provided
port is already allocated`) and the code name of the finding to report.
"""

from __future__ import annotations

import ipaddress
from itertools import chain
from typing import NamedTuple

from kubelint.cluster.cidr import IPAddress, IPNetwork
from kubelint.cluster.model import Cluster, NodeInfo
from kubelint.codes import finding
from kubelint.model import Document, Finding, JsonPath, ObjectRef, format_path

KUBERNETES_SERVICE = "default/kubernetes"
_IPS: JsonPath = ("spec", "clusterIPs")  # the field the apiserver's ClusterIP messages name
_IPV6_CAP = 65536  # the apiserver's bitmap never covers more IPv6 addresses than this


class Refusal(NamedTuple):
    """Why an allocation was refused: code name, field path, apiserver message, extra detail."""

    name: str
    path: JsonPath
    message: str
    detail: str = ""

    def text(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message

    def finding(self, doc: Document, ref: ObjectRef | None = None) -> Finding:
        """The finding to report for the document that asked, located at the refused field."""
        return finding(
            self.name,
            doc.source,
            doc.locate(self.path, True),
            self.text(),
            ref=ref or doc.ref,
            path=self.path,
            document=doc.index,
        )


def _invalid(path: JsonPath, shown: str, why: str) -> str:
    return f"{format_path(path)}: Invalid value: {shown}: {why}"


def static_band(size: int, lowest: int, highest: int, step: int) -> int:
    """Size of the band reserved for requested values: min(max(lowest, size/step), highest),
    0 for ranges of `lowest` or fewer values (calculateRangeOffset in ipallocator/portallocator)."""
    if size <= lowest:
        return 0
    return min(max(lowest, size // step), highest)


class _Bitmap:
    """Who holds which index of a range, with 'lowest free from' searches."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.holder: dict[int, str] = {}

    def take(self, index: int, owner: str) -> None:
        self.holder[index] = owner

    def release(self, index: int) -> None:
        self.holder.pop(index, None)

    def lowest_free(self, start: int, end: int) -> int | None:
        for index in range(start, end):
            if index not in self.holder:
                return index
        return None


class ServiceIPAllocator:
    """ClusterIPs from `network.serviceCIDR`."""

    def __init__(self, cluster: Cluster) -> None:
        self.network: IPNetwork = cluster.network.service_cidr
        size = self.network.num_addresses
        self._first = int(self.network.network_address) + 1
        usable = size - 2 if self.network.version == 4 else size - 1
        self.size = max(0, min(usable, _IPV6_CAP) if self.network.version == 6 else usable)
        self.band = static_band(size, 16, 256, 16)
        self._map = _Bitmap(self.size)
        self._next_dynamic = self.band
        self._reserved: dict[int, str] = {}
        if self.size:
            self._map.take(0, KUBERNETES_SERVICE)
        dns = cluster.dns
        if dns.service_ip is not None and dns.service_name:
            index = self._index(dns.service_ip)
            if index is not None:
                self._reserved[index] = f"{dns.service_namespace}/{dns.service_name}"

    @property
    def kubernetes_ip(self) -> str:
        return str(self.network.network_address + 1)

    def _index(self, ip: IPAddress) -> int | None:
        if ip.version != self.network.version or ip not in self.network:
            return None
        index = int(ip) - self._first
        return index if 0 <= index < self.size else None

    def holder(self, ip: str) -> str | None:
        index = self._index(ipaddress.ip_address(ip))
        if index is None:
            return None
        return self._map.holder.get(index) or self._reserved.get(index)

    def allocate(
        self, owner: str, requested: str | None = None, path: JsonPath = ("spec", "clusterIP")
    ) -> tuple[str | None, Refusal | None]:
        """Give `owner` ("namespace/name") a ClusterIP: `requested` when free, else the lowest free
        one. "None" (headless) is returned as is. Asking again for an address the owner already
        holds succeeds (an update that keeps its clusterIP). `path` locates the refused field;
        the message names spec.clusterIPs, as the apiserver's does."""
        if requested in ("None", ""):
            return (requested or None), None
        if requested is None:
            return self._dynamic(owner, path)
        return self._static(owner, requested, path)

    def _static(
        self, owner: str, requested: str, path: JsonPath
    ) -> tuple[None, Refusal] | tuple[str, None]:
        shown = f'[]string{{"{requested}"}}'
        try:
            ip = ipaddress.ip_address(requested)
        except ValueError:
            why = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
            return None, Refusal("invalid-value", path, _invalid(_IPS, shown, why))
        index = self._index(ip)
        if index is None:
            why = (
                f"failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. "
                f"The range of valid IPs is {self.network}"
            )
            return None, Refusal("clusterip-out-of-range", path, _invalid(_IPS, shown, why))
        holder = self._map.holder.get(index) or self._reserved.get(index)
        if holder is not None and holder != owner:
            why = f"failed to allocate IP {ip}: provided IP is already allocated"
            detail = f"held by Service {holder}"
            if index in self._reserved and index not in self._map.holder:
                detail = f"the cluster DNS address, reserved for Service {holder}"
            return None, Refusal("clusterip-conflict", path, _invalid(_IPS, shown, why), detail)
        self._map.take(index, owner)
        return str(ip), None

    def _dynamic(self, owner: str, path: JsonPath) -> tuple[str | None, Refusal | None]:
        index = self._free_from(self._next_dynamic, self.size)
        if index is not None:
            self._next_dynamic = index + 1
        else:
            index = self._free_from(0, self.band)
        if index is None:
            message = "spec.clusterIPs: Internal error: failed to allocate a serviceIP: "
            message += f"range is full (serviceCIDR {self.network})"
            return None, Refusal("clusterip-range-exhausted", path, message)
        self._map.take(index, owner)
        return str(ipaddress.ip_address(self._first + index)), None

    def _free_from(self, start: int, end: int) -> int | None:
        for index in range(start, end):
            if index not in self._map.holder and index not in self._reserved:
                return index
        return None

    def release(self, ip: str) -> None:
        index = self._index(ipaddress.ip_address(ip))
        if index is not None and index != 0:
            self._map.release(index)
            if index >= self.band:
                self._next_dynamic = min(self._next_dynamic, index)


class NodePortAllocator:
    """NodePorts from `network.nodePortRange`."""

    def __init__(self, cluster: Cluster) -> None:
        self.range = cluster.network.node_port_range
        self.band = static_band(len(self.range), 16, 128, 32)
        self._map = _Bitmap(len(self.range))
        self._next_dynamic = self.band

    @property
    def range_text(self) -> str:
        return f"{self.range.start}-{self.range.stop - 1}"

    def holder(self, port: int) -> str | None:
        return self._map.holder.get(port - self.range.start)

    def allocate(
        self, owner: str, requested: int | None, path: JsonPath
    ) -> tuple[int | None, Refusal | None]:
        """Give `owner` a NodePort for the port at `path` (spec.ports[i].nodePort)."""
        if requested is None:
            return self._dynamic(owner, path)
        if requested not in self.range:
            why = (
                "provided port is not in the valid range. "
                f"The range of valid ports is {self.range_text}"
            )
            return None, Refusal("nodeport-out-of-range", path, _invalid(path, str(requested), why))
        index = requested - self.range.start
        holder = self._map.holder.get(index)
        if holder is not None and holder != owner:
            message = _invalid(path, str(requested), "provided port is already allocated")
            return None, Refusal("nodeport-conflict", path, message, f"held by Service {holder}")
        self._map.take(index, owner)
        return requested, None

    def _dynamic(self, owner: str, path: JsonPath) -> tuple[int | None, Refusal | None]:
        index = self._map.lowest_free(self._next_dynamic, len(self.range))
        if index is not None:
            self._next_dynamic = index + 1
        else:
            index = self._map.lowest_free(0, self.band)
        if index is None:
            message = f"{format_path(path)}: Internal error: failed to allocate a nodePort: "
            message += f"range is full (nodePortRange {self.range_text})"
            return None, Refusal("nodeport-range-exhausted", path, message)
        self._map.take(index, owner)
        return self.range.start + index, None

    def release(self, port: int) -> None:
        index = port - self.range.start
        self._map.release(index)
        if index >= self.band:
            self._next_dynamic = min(self._next_dynamic, index)


class _NodePool:
    __slots__ = ("address", "base", "cidr", "cursor", "held", "last")

    def __init__(self, cidr: IPNetwork) -> None:
        self.cidr = cidr
        self.base = int(cidr.network_address)
        self.address = type(cidr.network_address)
        self.last = cidr.num_addresses - (2 if cidr.version == 4 else 1)  # highest usable offset
        self.cursor = 2
        self.held: set[int] = set()


class PodIPAllocator:
    """Pod addresses per node, as host-local IPAM hands them out (see the module docstring)."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._pools: dict[str, _NodePool | None] = {}

    def _pool(self, node: NodeInfo) -> _NodePool | None:
        if node.name not in self._pools:
            cidr = node.pod_cidr
            self._pools[node.name] = _NodePool(cidr) if cidr is not None else None
        return self._pools[node.name]

    def _node(self, node: NodeInfo | str) -> NodeInfo:
        if isinstance(node, NodeInfo):
            return node
        found = self.cluster.node(node)
        if found is None:
            raise KeyError(f"no node named {node!r}")
        return found

    def host_ip(self, node: NodeInfo | str) -> str | None:
        """The address of a hostNetwork pod: the node's first InternalIP."""
        ips = self._node(node).internal_ips
        return ips[0] if ips else None

    def allocate(
        self, node: NodeInfo | str, host_network: bool = False
    ) -> tuple[str | None, Refusal | None]:
        """The next pod address on `node` (or its InternalIP for a hostNetwork pod)."""
        info = self._node(node)
        if host_network:
            return self.host_ip(info), None
        pool = self._pool(info)
        if pool is None:
            return None, Refusal(
                "pod-ip-exhausted", ("spec", "podCIDR"), f"node {info.name} has no podCIDR"
            )
        offset = self._next(pool)
        if offset is None:
            why = f"no IP addresses available in range set: {pool.cidr}"
            message = f"failed to allocate for range 0: {why}"
            return None, Refusal("pod-ip-exhausted", ("spec", "podCIDR"), message, info.name)
        pool.held.add(offset)
        pool.cursor = offset + 1
        return str(pool.address(pool.base + offset)), None

    @staticmethod
    def _next(pool: _NodePool) -> int | None:
        for offset in chain(range(pool.cursor, pool.last + 1), range(2, pool.cursor)):
            if offset not in pool.held:
                return offset
        return None

    def release(self, node: NodeInfo | str, ip: str) -> None:
        pool = self._pool(self._node(node))
        if pool is not None:
            pool.held.discard(int(ipaddress.ip_address(ip)) - int(pool.cidr.network_address))

    def used(self, node: NodeInfo | str) -> int:
        pool = self._pools.get(self._node(node).name)
        return len(pool.held) if pool is not None else 0
