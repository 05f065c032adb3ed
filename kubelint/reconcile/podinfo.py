"""What the scheduler needs to know about a pod, computed once from its spec.

Requests follow the scheduler's rules (k8s.io/component-helpers resource.PodRequests): the sum
over app containers, raised to the largest init container (restartable "sidecar" init containers
add to everything after them), plus `spec.overhead`. The *non-zero* requests used for scoring
count 100m CPU / 200Mi memory for a container that requests none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from kubelint.k8s.quantity import QuantityError, millicores, to_int

DEFAULT_MILLI_CPU = 100
DEFAULT_MEMORY = 200 * 1024 * 1024
CPU, MEMORY, EPHEMERAL = "cpu", "memory", "ephemeral-storage"


class Requests(NamedTuple):
    """A pod's resource requests: cpu in millicores, everything else in units (bytes)."""

    cpu: int
    memory: int
    ephemeral: int
    scalars: tuple[tuple[str, int], ...]  # extended resources and hugepages, sorted by name
    nz_cpu: int  # non-zero cpu / memory, for scoring
    nz_memory: int

    @property
    def empty(self) -> bool:
        return not (self.cpu or self.memory or self.ephemeral or self.scalars)


class HostPort(NamedTuple):
    ip: str
    protocol: str
    port: int


def _amount(name: str, value: Any) -> int:
    try:
        return millicores(value) if name == CPU else to_int(value)
    except QuantityError:
        return 0


def _container_requests(container: Mapping[str, Any]) -> dict[str, int]:
    resources = container.get("resources") or {}
    requests = resources.get("requests")
    limits = resources.get("limits")
    out: dict[str, int] = {}
    # the apiserver defaults requests to limits when only limits are given
    for source in (limits, requests):
        if isinstance(source, Mapping):
            for name, value in source.items():
                out[str(name)] = _amount(str(name), value)
    return out


def _non_zero(req: dict[str, int]) -> dict[str, int]:
    out = dict(req)
    out.setdefault(CPU, DEFAULT_MILLI_CPU)
    out.setdefault(MEMORY, DEFAULT_MEMORY)
    return out


def _add(a: dict[str, int], b: Mapping[str, int]) -> dict[str, int]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return out


def _max(a: dict[str, int], b: Mapping[str, int]) -> dict[str, int]:
    out = dict(a)
    for k, v in b.items():
        out[k] = max(out.get(k, 0), v)
    return out


def _pod_total(spec: Mapping[str, Any], non_zero: bool) -> dict[str, int]:
    convert = _non_zero if non_zero else (lambda r: r)
    total: dict[str, int] = {}
    for c in _list(spec.get("containers")):
        total = _add(total, convert(_container_requests(c)))
    sidecars: dict[str, int] = {}
    init_max: dict[str, int] = {}
    for c in _list(spec.get("initContainers")):
        req = convert(_container_requests(c))
        if c.get("restartPolicy") == "Always":
            sidecars = _add(sidecars, req)
            init_max = _max(init_max, sidecars)
        else:
            init_max = _max(init_max, _add(sidecars, req))
    total = _max(_add(total, sidecars), init_max)
    overhead = spec.get("overhead")
    if isinstance(overhead, Mapping):
        total = _add(total, {str(k): _amount(str(k), v) for k, v in overhead.items()})
    return total


def pod_requests(spec: Mapping[str, Any]) -> Requests:
    total = _pod_total(spec, non_zero=False)
    nz = _pod_total(spec, non_zero=True)
    scalars = tuple(
        sorted((k, v) for k, v in total.items() if k not in (CPU, MEMORY, EPHEMERAL) and v > 0)
    )
    return Requests(
        total.get(CPU, 0),
        total.get(MEMORY, 0),
        total.get(EPHEMERAL, 0),
        scalars,
        nz.get(CPU, DEFAULT_MILLI_CPU),
        nz.get(MEMORY, DEFAULT_MEMORY),
    )


def host_ports(spec: Mapping[str, Any]) -> tuple[HostPort, ...]:
    """Host ports the pod binds (hostNetwork: every containerPort is a hostPort)."""
    host_network = spec.get("hostNetwork") is True
    out: set[HostPort] = set()
    for key in ("initContainers", "containers"):
        for c in _list(spec.get(key)):
            for p in _list(c.get("ports")):
                port = p.get("hostPort")
                if host_network and not port:
                    port = p.get("containerPort")
                if isinstance(port, int) and not isinstance(port, bool) and port > 0:
                    proto = str(p.get("protocol") or "TCP")
                    out.add(HostPort(str(p.get("hostIP") or "0.0.0.0"), proto, port))
    return tuple(sorted(out))


def ports_conflict(a: HostPort, b: HostPort) -> bool:
    if a.port != b.port or a.protocol != b.protocol:
        return False
    return a.ip == b.ip or "0.0.0.0" in (a.ip, b.ip)


def _list(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, Mapping)]
