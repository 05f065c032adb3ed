"""Services: ports, node ports, cluster IPs by type, and target ports the selected pods expose."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.selectors import Selector, SelectorError
from kubelint.k8s.validation import invalid, is_int
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._memo import is_dns1123_label, is_dns1123_subdomain
from kubelint.rules.builtin._validation import (
    items,
    port_violations,
    valid_dns1123_label,
    valid_port,
)
from kubelint.rules.context import Context
from kubelint.rules.engine import ObjectView, Violation, object_rule, set_rule

SERVICE = frozenset({("", "Service")})
_NODE_PORT_TYPES = ("NodePort", "LoadBalancer")


def _service(spec: str) -> str:
    return "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n" + spec


_POD = """\
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {{app: web}}
spec:
  containers:
    - name: web
      image: nginx
      ports: [{{name: {port}, containerPort: 80}}]
"""


def _type(obj: ObjectView) -> str:
    kind = obj.spec.get("type")
    return kind if isinstance(kind, str) else "ClusterIP"


def _headless(obj: ObjectView) -> bool:
    return obj.spec.get("clusterIP") == "None"


@object_rule(
    "KL140",
    "invalid-service-port",
    Severity.ERROR,
    "validation",
    title="Service ports must be valid, named when several, and unique",
    rationale="A Service (other than headless or ExternalName) needs at least one port; with "
    "several ports each needs a unique DNS-1123 label name; port, targetPort and nodePort are "
    "1-65535 (targetPort may be a container port name); port+protocol is unique.",
    remediation="Name every port when there are several; fix the numbers.",
    failing=_service("  selector: {app: web}\n  ports:\n    - {port: 80}\n    - {port: 443}\n"),
    passing=_service(
        "  selector: {app: web}\n  ports:\n    - {name: http, port: 80}\n"
        "    - {name: https, port: 443}\n"
    ),
    kinds=SERVICE,
)
def invalid_service_port(obj: ObjectView) -> Iterator[Violation]:
    ports = obj.spec.get("ports")
    if not ports and not _headless(obj) and _type(obj) != "ExternalName":
        if isinstance(ports, list) or ports is None:
            yield Violation(("spec",), "ports: Required value", at_key=True)
        return
    port_list = list(items(ports))
    several = len(port_list) > 1
    names: set[str] = set()
    keys: set[tuple[Any, Any]] = set()
    for i, port in port_list:
        if not _valid_port(port, several, names, keys):
            yield from _port(("spec", "ports", i), port, several, names, keys)


def _valid_port(
    port: Mapping[str, Any], several: bool, names: set[str], keys: set[tuple[Any, Any]]
) -> bool:
    """True when `_port` would report nothing (the common case); then records the port's name
    and number/protocol as `_port` does."""
    name = port.get("name")
    if isinstance(name, str) and name:
        if name in names or not valid_dns1123_label(name):
            return False
    elif several and not name:
        return False
    number, target = port.get("port"), port.get("targetPort")
    if not valid_port(number, allow_name=False):
        return False
    if target not in (0, "") and not valid_port(target):  # 0, "" and absent default to `port`
        return False
    node_port = port.get("nodePort")
    if is_int(node_port) and node_port != 0 and not valid_port(node_port, allow_name=False):
        return False
    key = (number, port.get("protocol") or "TCP")
    if is_int(number) and isinstance(key[1], str):
        if key in keys:
            return False
        keys.add(key)
    if isinstance(name, str) and name:
        names.add(name)
    return True


def _port(
    path: JsonPath,
    port: Mapping[str, Any],
    several: bool,
    names: set[str],
    keys: set[tuple[Any, Any]],
) -> Iterator[Violation]:
    yield from _port_name(path, port.get("name"), several, names)
    yield from port_violations((*path, "port"), port.get("port"), allow_name=False)
    target = port.get("targetPort")
    if target not in (0, ""):  # 0, "" and absent default to `port`
        yield from port_violations((*path, "targetPort"), target)
    node_port = port.get("nodePort")
    if is_int(node_port) and node_port != 0:
        yield from port_violations((*path, "nodePort"), node_port, allow_name=False)
    key = (port.get("port"), port.get("protocol") or "TCP")
    if not is_int(key[0]) or not isinstance(key[1], str):  # the schema stage reports these
        return
    if key in keys:
        yield Violation(path, f'Duplicate value: "{key[0]}/{key[1]}"')
    keys.add(key)


def _port_name(path: JsonPath, name: Any, required: bool, names: set[str]) -> Iterator[Violation]:
    if not isinstance(name, str) or not name:
        if required and not name:
            yield Violation(
                (*path, "name"), "Required value (several ports need names)", at_key=True
            )
        return
    for problem in is_dns1123_label(name):
        yield Violation((*path, "name"), invalid(name, problem))
    if name in names:
        yield Violation((*path, "name"), f'Duplicate value: "{name}"')
    names.add(name)


@object_rule(
    "KL141",
    "node-port-out-of-range",
    Severity.ERROR,
    "validation",
    title="nodePort must be inside the cluster's service node port range",
    rationale="The apiserver allocates node ports from --service-node-port-range "
    "(30000-32767 by default; set node_port_range in the configuration if your cluster "
    "differs) and rejects a requested port outside it, or one used twice in a Service.",
    remediation="Pick a port in the range, or leave nodePort out to get one allocated.",
    failing=_service(
        "  type: NodePort\n  selector: {app: web}\n  ports:\n    - {port: 80, nodePort: 8080}\n"
    ),
    passing=_service(
        "  type: NodePort\n  selector: {app: web}\n  ports:\n    - {port: 80, nodePort: 30080}\n"
    ),
    kinds=SERVICE,
)
def node_port_out_of_range(obj: ObjectView) -> Iterator[Violation]:
    low, high = obj.settings.node_port_range
    seen: set[tuple[int, Any]] = set()
    for i, port in items(obj.spec.get("ports")):
        node_port = port.get("nodePort")
        if not is_int(node_port) or node_port == 0 or _type(obj) not in _NODE_PORT_TYPES:
            continue
        path = ("spec", "ports", i, "nodePort")
        if not low <= node_port <= high:
            yield Violation(
                path,
                invalid(
                    node_port,
                    "provided port is not in the valid range. "
                    f"The range of valid ports is {low}-{high}",
                ),
            )
        key = (node_port, port.get("protocol") or "TCP")
        if not isinstance(key[1], str):  # the schema stage reports it
            continue
        if key in seen:
            yield Violation(path, f'Duplicate value: "{node_port}/{key[1]}"')
        seen.add(key)


@object_rule(
    "KL142",
    "invalid-service-type",
    Severity.ERROR,
    "validation",
    title="clusterIP, nodePort and externalName must suit the Service type",
    rationale="Only ClusterIP Services may be headless (clusterIP: None); nodePort exists only "
    "for NodePort and LoadBalancer; an ExternalName Service needs a DNS name in externalName "
    "and no cluster IP; clusterIP is an IP address, `None` or empty.",
    remediation="Change the type or drop the field that does not belong to it.",
    failing=_service(
        "  type: NodePort\n  clusterIP: None\n  selector: {app: web}\n  ports: [{port: 80}]\n"
    ),
    passing=_service("  clusterIP: None\n  selector: {app: web}\n  ports: [{port: 80}]\n"),
    kinds=SERVICE,
)
def invalid_service_type(obj: ObjectView) -> Iterator[Violation]:
    kind, cluster_ip = _type(obj), obj.spec.get("clusterIP")
    if kind == "ExternalName":
        yield from _external_name(obj)
    elif isinstance(cluster_ip, str) and cluster_ip not in ("", "None"):
        yield from _ip(("spec", "clusterIP"), cluster_ip)
    if kind in _NODE_PORT_TYPES and cluster_ip == "None":
        yield Violation(
            ("spec", "clusterIP"), invalid("None", f"may not be set to 'None' for {kind} services")
        )
    if kind not in _NODE_PORT_TYPES:
        for i, port in items(obj.spec.get("ports")):
            node_port = port.get("nodePort")
            if is_int(node_port) and node_port != 0:
                yield Violation(
                    ("spec", "ports", i, "nodePort"),
                    f"Forbidden: may not be used when `type` is '{kind}'",
                    at_key=True,
                )


def _external_name(obj: ObjectView) -> Iterator[Violation]:
    name, cluster_ip = obj.spec.get("externalName"), obj.spec.get("clusterIP")
    if name is None or name == "":
        yield Violation(("spec",), "externalName: Required value", at_key=True)
    elif isinstance(name, str):
        for problem in is_dns1123_subdomain(name.removesuffix(".")):
            yield Violation(("spec", "externalName"), invalid(name, problem))
    if isinstance(cluster_ip, str) and cluster_ip:
        yield Violation(
            ("spec", "clusterIP"), invalid(cluster_ip, "must be empty for ExternalName services")
        )


def _ip(path: JsonPath, value: str) -> Iterator[Violation]:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        yield Violation(
            path, invalid(value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")
        )


def _port_names(workload: ObjectView) -> set[str]:
    names: set[str] = set()
    for container in workload.containers(init=True):
        for _, port in items(container.body.get("ports")):
            if isinstance(port.get("name"), str):
                names.add(port["name"])
    return names


@set_rule(
    "KL143",
    "unknown-target-port",
    Severity.ERROR,
    "validation",
    title="A named targetPort must be a port name of the pods the Service selects",
    rationale="A targetPort given by name is resolved in each selected pod; if no container "
    "declares a port of that name, the Service gets no endpoints for it and traffic fails.",
    remediation="Use the container port's name (ports[].name) or its number.",
    failing=_service("  selector: {app: web}\n  ports: [{port: 80, targetPort: http}]\n")
    + _POD.format(port="web"),
    passing=_service("  selector: {app: web}\n  ports: [{port: 80, targetPort: http}]\n")
    + _POD.format(port="http"),
)
def unknown_target_port(ctx: Context) -> Iterator[tuple[ObjectView, Violation]]:
    names: dict[tuple[str, Selector], set[str]] = {}  # the port names a selection declares
    for service in ctx.of_kind(("", "Service")):
        ports = service.spec.get("ports")
        if not ports or not isinstance(ports, list):
            continue
        named = [(i, p["targetPort"]) for i, p in enumerate(ports)
                 if isinstance(p, dict) and isinstance(p.get("targetPort"), str)]  # fmt: skip
        if not named:
            continue
        try:
            selector = Selector.from_map(service.spec.get("selector"))
        except SelectorError:
            continue
        workloads = ctx.select_workloads(service.namespace, selector)
        if not workloads:
            continue  # selecting nothing is another rule's concern
        available = names.get((service.namespace, selector))
        if available is None:
            available = set().union(*(_port_names(w) for w in workloads))
            names[(service.namespace, selector)] = available
        for i, name in named:
            if name not in available:
                yield service, _missing_port(i, name, workloads, available)


def _missing_port(i: int, name: str, workloads: list[ObjectView], available: set[str]) -> Violation:
    shown = ", ".join(f"{w.kind} {w.name}" for w in workloads[:3])
    more = f" and {len(workloads) - 3} more" if len(workloads) > 3 else ""
    return Violation(
        ("spec", "ports", i, "targetPort"),
        f'targetPort "{name}" is not a container port name of the selected pods ({shown}{more})',
        hint="port names there: " + (", ".join(sorted(available)) or "none"),
    )
