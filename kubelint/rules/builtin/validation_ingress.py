"""Ingress backends, hosts and paths (networking.k8s.io/v1)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.validation import invalid, is_int
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._memo import is_dns1035_label, is_dns1123_subdomain
from kubelint.rules.builtin._validation import items, mapping, port_violations
from kubelint.rules.engine import ObjectView, Violation, object_rule

_INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port: {port}
"""


def _backends(obj: ObjectView) -> Iterator[tuple[JsonPath, Any]]:
    if obj.spec.get("defaultBackend") is not None:
        yield ("spec", "defaultBackend"), obj.spec["defaultBackend"]
    for i, rule in items(obj.spec.get("rules")):
        for j, path in items(mapping(rule.get("http")).get("paths")):
            if path.get("backend") is not None:
                yield ("spec", "rules", i, "http", "paths", j, "backend"), path["backend"]


@object_rule(
    "KL153",
    "invalid-ingress-backend",
    Severity.ERROR,
    "validation",
    title="Ingress backends name one Service and one port; hosts and paths are well formed",
    rationale="A backend is either a service or a resource; a service backend names a Service "
    "(DNS-1035 label) and exactly one of port.number (1-65535) or port.name. Hosts are DNS "
    "names (optionally `*.` wildcards), not IPs; paths are absolute.",
    remediation="Set `port: {number: 80}` or `port: {name: http}`, not both.",
    failing=_INGRESS.format(port="{number: 80, name: http}"),
    passing=_INGRESS.format(port="{number: 80}"),
    kinds={("networking.k8s.io", "Ingress")},
)
def invalid_ingress_backend(obj: ObjectView) -> Iterator[Violation]:
    for path, backend in _backends(obj):
        if isinstance(backend, dict):
            yield from _backend(path, backend)
    for i, rule in items(obj.spec.get("rules")):
        host = rule.get("host")
        if isinstance(host, str) and host:
            yield from _host(("spec", "rules", i, "host"), host)
        for j, entry in items(mapping(rule.get("http")).get("paths")):
            value = entry.get("path")
            if isinstance(value, str) and value and not value.startswith("/"):
                yield Violation(
                    ("spec", "rules", i, "http", "paths", j, "path"),
                    invalid(value, "must be an absolute path"),
                )


def _backend(path: JsonPath, backend: Mapping[str, Any]) -> Iterator[Violation]:
    service, resource = backend.get("service"), backend.get("resource")
    if service is not None and resource is not None:
        yield Violation(path, "cannot set both service and resource backends", at_key=True)
    elif service is None and resource is None:
        yield Violation(path, "resource or service backend is required", at_key=True)
    if not isinstance(service, dict):
        return
    name = service.get("name")
    if isinstance(name, str):
        for problem in is_dns1035_label(name):
            yield Violation((*path, "service", "name"), invalid(name, problem))
    port = mapping(service.get("port"))
    port_path = (*path, "service", "port")
    number, port_name = port.get("number"), port.get("name")
    has_number, has_name = number not in (None, 0), port_name not in (None, "")
    if has_number and has_name:
        yield Violation(port_path, "cannot set both port name & port number", at_key=True)
    elif not has_number and not has_name:
        yield Violation(port_path, "port name or port number is required", at_key=True)
    if is_int(number):
        yield from port_violations((*port_path, "number"), number, allow_name=False)
    if isinstance(port_name, str):
        yield from port_violations((*port_path, "name"), port_name)


def _host(path: JsonPath, host: str) -> Iterator[Violation]:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        yield Violation(path, invalid(host, "must be a DNS name, not an IP address"))
        return
    name = host[2:] if host.startswith("*.") else host
    for problem in is_dns1123_subdomain(name):
        yield Violation(path, invalid(host, problem))
