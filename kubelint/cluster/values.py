"""Value checks of a schema-valid cluster.yaml: CIDRs, addresses, ports, quantities, node names.

Each problem names the JSON path it is about; `parse.validate` turns problems into findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

from kubelint.cluster.cidr import parse_address, parse_network, parse_port_range
from kubelint.k8s.quantity import QuantityError, parse_quantity
from kubelint.model import JsonPath

_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_IP_TYPES = ("InternalIP", "ExternalIP")


class Problem(NamedTuple):
    name: str  # a code name: invalid-value, duplicate-node, unknown-node
    path: JsonPath
    message: str
    hint: str | None = None


def value_problems(body: Mapping[str, Any]) -> list[Problem]:
    problems = [
        *_network(body.get("network") or {}),
        *_dns(body.get("dns") or {}),
        *_api_server(body.get("apiServer") or {}),
        *_nodes(body),
    ]
    if not any(p.path[-1:] == ("namePattern",) for p in problems):  # names need every pattern
        problems.extend(_names(body))
    return problems


def _parsed(path: JsonPath, value: Any, parse: Callable[[str], Any]) -> Iterator[Problem]:
    try:
        parse(value)
    except ValueError as error:
        yield Problem("invalid-value", path, str(error))


def _network(raw: Mapping[str, Any]) -> Iterator[Problem]:
    net = ("network",)
    for key in ("clusterCIDR", "serviceCIDR"):
        if raw.get(key) is not None:
            yield from _parsed((*net, key), raw[key], parse_network)
    for index, cidr in enumerate(raw.get("nodeCIDRs", ())):
        yield from _parsed((*net, "nodeCIDRs", index), cidr, parse_network)
    if "nodePortRange" in raw:
        yield from _parsed((*net, "nodePortRange"), raw["nodePortRange"], parse_port_range)
    yield from _mask_size(raw)


def _mask_size(raw: Mapping[str, Any]) -> Iterator[Problem]:
    try:
        cidr = parse_network(raw["clusterCIDR"]) if raw.get("clusterCIDR") else None
    except ValueError:
        return
    mask = raw.get("nodeCIDRMaskSize", 24)
    if cidr is not None and not cidr.prefixlen <= mask <= cidr.max_prefixlen:
        yield Problem(
            "invalid-value",
            ("network", "nodeCIDRMaskSize"),
            f"{mask} must lie between the clusterCIDR prefix /{cidr.prefixlen} "
            f"and /{cidr.max_prefixlen}",
            "kube-controller-manager refuses to start with a node mask shorter than the cluster's",
        )


def _dns(raw: Mapping[str, Any]) -> Iterator[Problem]:
    if raw.get("serviceIP") is not None:
        yield from _parsed(("dns", "serviceIP"), raw["serviceIP"], parse_address)
    domain = raw.get("clusterDomain")
    if domain is not None and not _SUBDOMAIN.match(domain):
        yield Problem("invalid-value", ("dns", "clusterDomain"), f"{domain!r} is not a DNS name")


def _api_server(raw: Mapping[str, Any]) -> Iterator[Problem]:
    for index, text in enumerate(raw.get("endpoints", ())):
        host, sep, port = text.rpartition(":")
        path = ("apiServer", "endpoints", index)
        if not sep or not port.isdigit() or not 1 <= int(port) <= 65535:
            yield Problem("invalid-value", path, f"{text!r} is not address:port")
        else:
            yield from _parsed(path, host.strip("[]"), parse_address)
    for h, host in enumerate(raw.get("hosts", ())):
        for a, address in enumerate(host.get("addresses", ())):
            yield from _parsed(("apiServer", "hosts", h, "addresses", a), address, parse_address)


def _nodes(body: Mapping[str, Any]) -> Iterator[Problem]:
    for index, node in enumerate(body.get("nodes") or ()):
        path = ("nodes", index)
        if not _is_node_name(node["name"]):
            yield Problem("invalid-value", (*path, "name"), _name_message(node["name"]))
        for a, address in enumerate(node.get("addresses", ())):
            if address["type"] in _IP_TYPES:
                yield from _parsed(
                    (*path, "addresses", a, "address"), address["address"], parse_address
                )
        if "podCIDR" in node:
            yield from _parsed((*path, "podCIDR"), node["podCIDR"], parse_network)
        yield from _resources(node, path)
    for index, group in enumerate(body.get("nodeGroups") or ()):
        path = ("nodeGroups", index)
        yield from _pattern(group, path)
        if "internalIPStart" in group:
            yield from _ip_start(group, path)
        yield from _resources(group, path)


def _resources(raw: Mapping[str, Any], path: JsonPath) -> Iterator[Problem]:
    for key in ("allocatable", "capacity"):
        for resource, value in sorted((raw.get(key) or {}).items()):
            try:
                parse_quantity(value)
            except QuantityError as error:
                yield Problem("invalid-value", (*path, key, resource), f"{value!r}: {error}")


def _pattern(group: Mapping[str, Any], path: JsonPath) -> Iterator[Problem]:
    pattern, count = group["namePattern"], group["count"]
    where = (*path, "namePattern")
    try:
        first, last = pattern.format(index=1), pattern.format(index=count)
    except (KeyError, IndexError, ValueError) as error:
        yield Problem(
            "invalid-value",
            where,
            f"{pattern!r} is not a Python format string over {{index}} ({error})",
            'write e.g. "node-{index:04d}"',
        )
        return
    if count > 1 and first == pattern.format(index=2):
        yield Problem(
            "invalid-value", where, f"{pattern!r} gives every node the same name", "include {index}"
        )
    for name in (first, last):
        if not _is_node_name(name):
            yield Problem("invalid-value", where, _name_message(name))
            return


def _ip_start(group: Mapping[str, Any], path: JsonPath) -> Iterator[Problem]:
    where = (*path, "internalIPStart")
    try:
        start = parse_address(group["internalIPStart"])
    except ValueError as error:
        yield Problem("invalid-value", where, str(error))
        return
    last = int(start) + group["count"] - 1
    if last >= 1 << start.max_prefixlen:
        yield Problem(
            "invalid-value",
            where,
            f"{group['count']} addresses from {start} run past the end of the address space",
        )


def _names(body: Mapping[str, Any]) -> Iterator[Problem]:
    """Node names must be unique across `nodes` and `nodeGroups`; kubeProxy.nodes must exist."""
    seen: set[str] = set()
    for index, node in enumerate(body.get("nodes") or ()):
        if node["name"] in seen:
            yield Problem(
                "duplicate-node",
                ("nodes", index, "name"),
                f"node {node['name']!r} is defined twice",
            )
        seen.add(node["name"])
    for index, group in enumerate(body.get("nodeGroups") or ()):
        for k in range(1, group["count"] + 1):
            name = group["namePattern"].format(index=k)
            if name in seen:
                yield Problem(
                    "duplicate-node",
                    ("nodeGroups", index, "namePattern"),
                    f"node {name!r} (index {k}) is already defined",
                )
                break
            seen.add(name)
    proxy_nodes = (body.get("kubeProxy") or {}).get("nodes", "all")
    if isinstance(proxy_nodes, list):
        for index, name in enumerate(proxy_nodes):
            if name not in seen:
                yield Problem(
                    "unknown-node", ("kubeProxy", "nodes", index), f"no node is named {name!r}"
                )


def _is_node_name(name: str) -> bool:
    return len(name) <= 253 and bool(_SUBDOMAIN.match(name))


def _name_message(name: str) -> str:
    return (
        f"{name!r} is not a valid node name: a lowercase RFC 1123 subdomain must consist of "
        "lower case alphanumeric characters, '-' or '.', and must start and end with an "
        "alphanumeric character"
    )
