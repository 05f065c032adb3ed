"""Address arithmetic for the cluster model: parsing, lazy sequences, podCIDR block plans.

Everything works on `ipaddress` objects and plain integers, so IPv4 and IPv6 share one code path.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar, overload

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
T = TypeVar("T")


def parse_network(text: str) -> IPNetwork:
    """A CIDR such as 10.244.0.0/16; host bits must be zero (as the apiserver and kubeadm demand).

    Raises ValueError with a readable message."""
    if "/" not in text:
        raise ValueError(f"{text!r} is not a CIDR (expected address/prefix, e.g. 10.244.0.0/16)")
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a valid CIDR: {error}") from None


def parse_address(text: str) -> IPAddress:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid IP address") from None


def parse_port_range(text: str) -> range:
    """`30000-32767` → range(30000, 32768), as the apiserver's --service-node-port-range."""
    low, sep, high = text.partition("-")
    if not sep or not low.strip().isdigit() or not high.strip().isdigit():
        raise ValueError(f"{text!r} is not a port range (expected low-high, e.g. 30000-32767)")
    first, last = int(low), int(high)
    if not 1 <= first <= last <= 65535:
        raise ValueError(f"{text!r} is not a port range within 1-65535 with low <= high")
    return range(first, last + 1)


def overlaps(a: IPNetwork, b: IPNetwork) -> bool:
    return a.version == b.version and a.overlaps(b)  # type: ignore[arg-type]


def offset(network: IPNetwork, index: int) -> IPAddress:
    """The address `index` places after the network address (index 0 = the network address)."""
    return network.network_address + index


class Lazy(Sequence[T]):
    """A read-only sequence whose items are computed on access: a node group of 5,000 members
    exposes its names and podCIDRs without building 5,000 strings up front."""

    __slots__ = ("_item", "_length")

    def __init__(self, length: int, item: Callable[[int], T]) -> None:
        self._length = length
        self._item = item

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        return self._item(index)

    def __iter__(self) -> Iterator[T]:
        return (self._item(i) for i in range(self._length))

    def __repr__(self) -> str:
        shown = ", ".join(repr(self._item(i)) for i in range(min(self._length, 3)))
        return f"Lazy([{shown}{', …' if self._length > 3 else ''}], len={self._length})"


class BlockPlan:
    """The free `/mask` blocks of a pod network, in ascending order.

    Models kube-controller-manager's range allocator (pkg/controller/nodeipam/ipam/cidrset) when
    nodes register one after another: blocks already held (explicit node podCIDRs) and blocks that
    overlap the service network are marked used first; each further node takes the lowest free
    block. `nth(n)` answers in O(number of used intervals), without a bitmap.
    """

    __slots__ = ("_base", "_intervals", "_step", "mask", "network", "total")

    def __init__(self, network: IPNetwork, mask: int, used: Iterable[IPNetwork]) -> None:
        self.network = network
        self.mask = mask
        self.total = 1 << (mask - network.prefixlen)
        self._base = int(network.network_address)
        self._step = 1 << (network.max_prefixlen - mask)
        self._intervals = _merge(self._span(net) for net in used if overlaps(net, network))

    def _span(self, net: IPNetwork) -> tuple[int, int]:
        """Block indices [first, last+1) that `net` touches, clipped to the pod network."""
        first = max(int(net.network_address), self._base) - self._base
        last = min(int(net.broadcast_address), int(self.network.broadcast_address)) - self._base
        return first // self._step, last // self._step + 1

    @property
    def free(self) -> int:
        return self.total - sum(b - a for a, b in self._intervals)

    def nth(self, n: int) -> IPNetwork | None:
        """The n-th (0-based) free block, or None when the pod network has fewer free blocks."""
        if n < 0 or n >= self.free:
            return None
        index = n
        for first, end in self._intervals:
            if index < first:
                break
            index += end - first
        return type(self.network)((self._base + index * self._step, self.mask))


def _merge(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for first, end in sorted(spans):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((first, end))
    return tuple(merged)
