"""Cluster DNS names (the Kubernetes DNS specification, as CoreDNS serves it) and pod resolv.conf.

- Service `svc` in `ns`: A/AAAA `svc.ns.svc.<domain>` → its ClusterIP; headless: one record per
  ready endpoint address; ExternalName: CNAME.
- SRV `_<port>._<proto>.svc.ns.svc.<domain>` for each *named* port: target the Service name
  (ClusterIP) or each endpoint's own name (headless).
- Headless endpoints are named `<hostname>.svc.ns.svc.<domain>` (StatefulSet pods, or pods with
  hostname + subdomain), else by their dashed address `10-244-1-2.svc.ns.svc.<domain>`.
- Pods: `10-244-1-2.ns.pod.<domain>`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from kubelint.cluster.model import Cluster

_PROTOCOLS = {"TCP": "tcp", "UDP": "udp", "SCTP": "sctp"}


class Record(NamedTuple):
    type: str  # A, AAAA, SRV, CNAME
    name: str
    value: str  # an address; "priority weight port target" for SRV; a host for CNAME


class Endpoint(NamedTuple):
    """A ready endpoint address of a headless Service (hostname from the pod, when it has one)."""

    ip: str
    hostname: str | None = None


def service_fqdn(name: str, namespace: str, domain: str) -> str:
    return f"{name}.{namespace}.svc.{domain}"


def dashed(ip: str) -> str:
    """10.244.1.2 → 10-244-1-2; IPv6 colons become dashes as well."""
    return ip.replace(".", "-").replace(":", "-")


def pod_a_record(ip: str, namespace: str, domain: str) -> Record:
    return Record(_address_type(ip), f"{dashed(ip)}.{namespace}.pod.{domain}", ip)


def _address_type(ip: str) -> str:
    return "AAAA" if ipaddress.ip_address(ip).version == 6 else "A"


def srv_name(port: Mapping[str, Any], service: str, namespace: str, domain: str) -> str | None:
    """`_http._tcp.svc.ns.svc.<domain>` for a named port; None for an unnamed one."""
    name = port.get("name")
    if not name:
        return None
    proto = _PROTOCOLS.get(port.get("protocol", "TCP"), str(port.get("protocol", "tcp")).lower())
    return f"_{name}._{proto}.{service_fqdn(service, namespace, domain)}"


def service_records(
    service: Mapping[str, Any], domain: str, endpoints: Sequence[Endpoint] = ()
) -> list[Record]:
    """The records the cluster DNS serves for one stored Service (clusterIP(s) already set).

    `endpoints` are the ready addresses, used only for headless Services."""
    meta, spec = service.get("metadata") or {}, service.get("spec") or {}
    name, namespace = meta.get("name", ""), meta.get("namespace") or "default"
    fqdn = service_fqdn(name, namespace, domain)
    if spec.get("type") == "ExternalName":
        return [Record("CNAME", fqdn, str(spec.get("externalName", "")))]
    ports = [p for p in spec.get("ports") or () if isinstance(p, Mapping)]
    if spec.get("clusterIP") in ("None", None) and not spec.get("clusterIPs"):
        return _headless(fqdn, ports, namespace, name, domain, endpoints)
    ips = spec.get("clusterIPs") or [spec["clusterIP"]]
    records = [Record(_address_type(ip), fqdn, ip) for ip in ips]
    for port in ports:
        srv = srv_name(port, name, namespace, domain)
        if srv is not None:
            records.append(Record("SRV", srv, f"0 100 {port.get('port')} {fqdn}"))
    return records


def _headless(
    fqdn: str,
    ports: list[Mapping[str, Any]],
    namespace: str,
    name: str,
    domain: str,
    endpoints: Sequence[Endpoint],
) -> list[Record]:
    records = []
    ordered = sorted(endpoints, key=lambda e: (e.hostname or "", _sortable_ip(e.ip)))
    for endpoint in ordered:
        kind = _address_type(endpoint.ip)
        records.append(Record(kind, fqdn, endpoint.ip))
        records.append(
            Record(kind, f"{endpoint.hostname or dashed(endpoint.ip)}.{fqdn}", endpoint.ip)
        )
    for port in ports:
        srv = srv_name(port, name, namespace, domain)
        if srv is None:
            continue
        for endpoint in ordered:
            target = f"{endpoint.hostname or dashed(endpoint.ip)}.{fqdn}"
            records.append(Record("SRV", srv, f"0 100 {_target_port(port)} {target}"))
    return records


def _target_port(port: Mapping[str, Any]) -> Any:
    """Headless SRV records carry the endpoint port: targetPort when numeric, else port."""
    target = port.get("targetPort")
    return target if isinstance(target, int) else port.get("port")


def _sortable_ip(ip: str) -> tuple[int, int]:
    address = ipaddress.ip_address(ip)
    return address.version, int(address)


def pod_hostname_fqdn(pod: Mapping[str, Any], domain: str) -> str | None:
    """`hostname.subdomain.ns.svc.<domain>` for a pod with spec.subdomain (StatefulSet pods have
    hostname = pod name and subdomain = serviceName); resolvable when a headless Service of that
    name selects the pod."""
    meta, spec = pod.get("metadata") or {}, pod.get("spec") or {}
    subdomain = spec.get("subdomain")
    if not subdomain:
        return None
    hostname = spec.get("hostname") or meta.get("name")
    return f"{hostname}.{subdomain}.{meta.get('namespace') or 'default'}.svc.{domain}"


class ResolvConf(NamedTuple):
    """A pod's /etc/resolv.conf; `from_node` when it is the node's (kubelint does not know it)."""

    nameservers: tuple[str, ...] = ()
    searches: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    from_node: bool = False


def resolv_conf(pod_spec: Mapping[str, Any], namespace: str, cluster: Cluster) -> ResolvConf:
    """What the kubelet writes for a pod (pkg/kubelet/network/dns): dnsPolicy decides between
    the cluster DNS and the node's resolver; spec.dnsConfig is merged on top."""
    policy = pod_spec.get("dnsPolicy") or "ClusterFirst"
    host_network = bool(pod_spec.get("hostNetwork"))
    dns = cluster.dns
    cluster_first = policy == "ClusterFirstWithHostNet" or (
        policy == "ClusterFirst" and not host_network
    )
    if policy == "None":
        base = ResolvConf()
    elif cluster_first and dns.service_ip is not None:
        domain = dns.cluster_domain
        base = ResolvConf(
            (str(dns.service_ip),),
            (f"{namespace}.svc.{domain}", f"svc.{domain}", domain),
            ("ndots:5",),
        )
    else:
        base = ResolvConf(from_node=True)
    return _merge(base, pod_spec.get("dnsConfig") or {})


def _merge(base: ResolvConf, config: Mapping[str, Any]) -> ResolvConf:
    if not config:
        return base
    nameservers = _unique([*base.nameservers, *_strings(config.get("nameservers"))])
    searches = _unique([*base.searches, *_strings(config.get("searches"))])
    options: dict[str, str] = {}
    for text in base.options:
        options[text.partition(":")[0]] = text
    for option in config.get("options") or ():
        if not isinstance(option, Mapping):  # a null item passes the schema stage
            continue
        key = option.get("name", "")
        options[key] = f"{key}:{option['value']}" if option.get("value") is not None else key
    return ResolvConf(tuple(nameservers), tuple(searches), tuple(options.values()), base.from_node)


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def resolving_names(fqdn: str, searches: Sequence[str]) -> list[str]:
    """The names of `fqdn` (svc.ns.svc.<domain>) a client with this search list resolves: the
    full name, and each shorter prefix that one search suffix completes (ndots:5 tries the search
    list first for every shorter name)."""
    labels = fqdn.split(".")
    names = []
    for count in range(1, len(labels)):
        prefix = ".".join(labels[:count])
        if any(f"{prefix}.{search}" == fqdn for search in searches):
            names.append(prefix)
    return [*names, fqdn]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
