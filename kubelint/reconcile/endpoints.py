"""Endpoints as the EndpointSlice controller computes them, and each Service's DNS records.

A Service with a selector lists the pods of its namespace the selector matches, that have an IP
and, for a named targetPort, a container port of that name (and protocol); the port is resolved
per pod. A pod is a ready endpoint when ready (or always, with `publishNotReadyAddresses`),
else a not-ready one. A Service without a selector uses the EndpointSlices / Endpoints given in
the input. Slices hold at most 100 endpoints and one port mapping each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kubelint.cluster import dns
from kubelint.k8s.labelindex import LabelIndex
from kubelint.k8s.selectors import Selector, SelectorError
from kubelint.model import dicts
from kubelint.reconcile.names import NameAllocator
from kubelint.reconcile.objects import PodRecord, Stored

MAX_ENDPOINTS_PER_SLICE = 100
MANAGED_BY = "endpointslice-controller.k8s.io"


class Address(NamedTuple):
    ip: str
    ready: bool
    pod: PodRecord | None  # None for user-given endpoints
    ports: tuple[tuple[str, int, str], ...]  # (port name, resolved port, protocol)


@dataclass(eq=False)
class ServiceView:
    stored: Stored
    selector: Selector | None  # None: no selector (user-managed endpoints)
    selected: list[PodRecord] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    left_out: dict[int, list[PodRecord]] = field(default_factory=dict)  # port index → pods
    slices: list[dict[str, Any]] = field(default_factory=list)
    records: list[dns.Record] = field(default_factory=list)

    @property
    def spec(self) -> Mapping[str, Any]:
        return self.stored.body.get("spec") or {}

    @property
    def ports(self) -> list[Mapping[str, Any]]:
        return [p for p in self.spec.get("ports") or [] if isinstance(p, Mapping)]

    @property
    def type(self) -> str:
        return str(self.spec.get("type") or "ClusterIP")

    @property
    def cluster_ip(self) -> str | None:
        return self.spec.get("clusterIP")

    @property
    def headless(self) -> bool:
        return self.cluster_ip == "None"

    def ready(self) -> list[Address]:
        return [a for a in self.addresses if a.ready]

    def not_ready(self) -> list[Address]:
        return [a for a in self.addresses if not a.ready]


def pod_index(pods: Iterable[PodRecord]) -> LabelIndex[PodRecord]:
    index: LabelIndex[PodRecord] = LabelIndex()
    for pod in pods:
        index.add(pod, pod.namespace, pod.labels)
    return index


def resolve_port(target: Any, protocol: str, pod: PodRecord) -> int | None:
    """A Service port's targetPort on one pod: numbers as they are, names through the pod's
    container ports (None when no container port has that name)."""
    if isinstance(target, int) and not isinstance(target, bool):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    for container in pod.containers():
        for port in dicts(container.get("ports")):
            if port.get("name") == target and (port.get("protocol") or "TCP") == protocol:
                return port.get("containerPort")
    return None


def build(
    services: Iterable[Stored],
    pods: LabelIndex[PodRecord],
    user_slices: Mapping[tuple[str, str], list[Address]],
    domain: str | None,
) -> list[ServiceView]:
    names = NameAllocator()
    views = []
    for stored in services:
        spec = stored.body.get("spec") or {}
        raw = spec.get("selector")
        try:
            selector = Selector.from_map(raw) if raw else None
        except SelectorError:
            selector = None
        view = ServiceView(stored, selector)
        if spec.get("type") != "ExternalName":
            if selector is None:
                view.addresses = list(user_slices.get((stored.namespace, stored.name), []))
            else:
                view.selected = pods.select(selector, stored.namespace)
                _addresses(view, spec.get("publishNotReadyAddresses") is True)
            view.slices = _slices(view, names)
        if domain is not None:
            ready = [dns.Endpoint(a.ip, _hostname(a.pod, stored.name)) for a in view.ready()]
            view.records = dns.service_records(stored.body, domain, ready)
        views.append(view)
    return views


def _addresses(view: ServiceView, publish_not_ready: bool) -> None:
    ports = view.ports
    for pod in view.selected:
        if pod.ip is None:
            continue
        resolved = []
        for i, port in enumerate(ports):
            protocol = str(port.get("protocol") or "TCP")
            target = port.get("targetPort", port.get("port"))
            number = resolve_port(target, protocol, pod)
            if number is None:
                view.left_out.setdefault(i, []).append(pod)
                continue
            resolved.append((str(port.get("name") or ""), number, protocol))
        if ports and not resolved:
            continue
        view.addresses.append(Address(pod.ip, pod.ready or publish_not_ready, pod, tuple(resolved)))


def _hostname(pod: PodRecord | None, service: str) -> str | None:
    if pod is None:
        return None
    spec = pod.body.get("spec") or {}
    if spec.get("hostname") and spec.get("subdomain") == service:
        return str(spec["hostname"])
    return None


def _slices(view: ServiceView, names: NameAllocator) -> list[dict[str, Any]]:
    by_ports: dict[tuple[tuple[str, int, str], ...], list[Address]] = {}
    for address in view.addresses:
        by_ports.setdefault(address.ports, []).append(address)
    out = []
    ns, name = view.stored.namespace, view.stored.name
    for ports, members in by_ports.items():
        for start in range(0, len(members), MAX_ENDPOINTS_PER_SLICE):
            chunk = members[start : start + MAX_ENDPOINTS_PER_SLICE]
            slice_name = names.generate(ns, f"{name}-", f"{ns}/{name}/{ports}/{start}")
            out.append(_slice(slice_name, ns, name, ports, chunk))
    return out


def _slice(
    name: str, namespace: str, service: str, ports, members: list[Address]
) -> dict[str, Any]:
    endpoints = []
    for a in members:
        entry: dict[str, Any] = {
            "addresses": [a.ip],
            "conditions": {"ready": a.ready, "serving": a.ready, "terminating": False},
        }
        if a.pod is not None:
            entry["nodeName"] = a.pod.node
            entry["targetRef"] = {"kind": "Pod", "namespace": a.pod.namespace, "name": a.pod.name}
        endpoints.append(entry)
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {
                "kubernetes.io/service-name": service,
                "endpointslice.kubernetes.io/managed-by": MANAGED_BY,
            },
            "ownerReferences": [
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "name": service,
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "addressType": "IPv4",
        "endpoints": endpoints,
        "ports": [{"name": n, "port": p, "protocol": proto} for n, p, proto in ports],
    }


def user_endpoints(objects: Iterable[Stored]) -> dict[tuple[str, str], list[Address]]:
    """Addresses of Services without a selector, from EndpointSlices (label
    kubernetes.io/service-name) or else Endpoints of the Service's name."""
    slices: dict[tuple[str, str], list[Address]] = {}
    legacy: dict[tuple[str, str], list[Address]] = {}
    for obj in objects:
        body, kind = obj.body, obj.ref.kind
        if kind == "EndpointSlice":
            service = ((body.get("metadata") or {}).get("labels") or {}).get(
                "kubernetes.io/service-name"
            )
            if not service:
                continue
            ports = tuple(
                (str(p.get("name") or ""), int(p.get("port") or 0), str(p.get("protocol") or "TCP"))
                for p in dicts(body.get("ports"))
            )
            for e in dicts(body.get("endpoints")):
                ready = (e.get("conditions") or {}).get("ready") is not False
                for ip in e.get("addresses") or []:
                    slices.setdefault((obj.namespace, service), []).append(
                        Address(str(ip), ready, None, ports)
                    )
        elif kind == "Endpoints" and obj.ref.group == "":
            for subset in dicts(body.get("subsets")):
                ports = tuple(
                    (
                        str(p.get("name") or ""),
                        int(p.get("port") or 0),
                        str(p.get("protocol") or "TCP"),
                    )
                    for p in dicts(subset.get("ports"))
                )
                for key, ready in (("addresses", True), ("notReadyAddresses", False)):
                    for a in dicts(subset.get(key)):
                        legacy.setdefault((obj.namespace, obj.name), []).append(
                            Address(str(a.get("ip")), ready, None, ports)
                        )
    return {**legacy, **slices}
