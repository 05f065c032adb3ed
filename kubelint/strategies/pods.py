"""Cross-field rules of a pod spec, applied to a generated one (in place).

Container names are unique in the pod, ports unique in a container, mounts name declared
volumes, tolerations and DNS settings are consistent, restart policies suit the controller.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_SERVER = "10.96.0.10"


def fix_pod_spec(
    spec: dict[str, Any], restart_policy: str | None, claims: tuple[str, ...] = ()
) -> None:
    """`restart_policy` is what the controller requires (None: any); `claims` are volume names
    a StatefulSet's volumeClaimTemplates add to the pod."""
    if restart_policy is not None:
        spec["restartPolicy"] = restart_policy
    elif spec.get("restartPolicy") not in (None, *RESTART_POLICIES):
        spec["restartPolicy"] = "Always"
    containers = [*spec.get("initContainers", []), *spec.get("containers", [])]
    _unique_names(containers)
    volumes = [v["name"] for v in spec.get("volumes", [])] + list(claims)
    host_ports: set[tuple[Any, ...]] = set()
    for container in containers:
        _ports(container, host_ports)
        _env(container)
        _mounts(container, volumes)
    first = spec["containers"][0]["name"]
    for selector in _all(spec.get("volumes", []), "resourceFieldRef"):
        selector["containerName"] = first
    for toleration in spec.get("tolerations", []):
        _toleration(toleration)
    for constraint in spec.get("topologySpreadConstraints", []):
        if constraint.get("whenUnsatisfiable") != "DoNotSchedule":
            constraint.pop("minDomains", None)
    if spec.get("dnsPolicy") == "None" and not spec.get("dnsConfig", {}).get("nameservers"):
        spec.setdefault("dnsConfig", {})["nameservers"] = [DNS_SERVER]


def _unique_names(containers: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for i, container in enumerate(containers):
        name = container["name"]
        if name in seen:
            name = f"{name[:58].rstrip('-')}-c{i}"
        container["name"] = name
        seen.add(name)


def _ports(container: dict[str, Any], host_ports: set[tuple[Any, ...]]) -> None:
    """One port per (containerPort, protocol), unique names, each hostPort used once."""
    kept, numbers, names = [], set(), set()
    for port in container.get("ports", []):
        protocol = port.get("protocol", "TCP")
        if (port["containerPort"], protocol) in numbers:
            continue
        numbers.add((port["containerPort"], protocol))
        if "name" in port and port["name"] in names:
            del port["name"]
        names.add(port.get("name", ""))
        host = (port.get("hostPort"), protocol, port.get("hostIP", ""))
        if host[0]:
            if host in host_ports:
                del port["hostPort"]
            host_ports.add(host)
        kept.append(port)
    if "ports" in container:
        container["ports"] = kept


def _env(container: dict[str, Any]) -> None:
    for env in container.get("env", []):
        if "valueFrom" in env:
            env.pop("value", None)


def _mounts(container: dict[str, Any], volumes: list[str]) -> None:
    """Mount declared volumes only, each mount path once; block devices need claims: none."""
    container.pop("volumeDevices", None)
    mounts = container.get("volumeMounts")
    if mounts is None:
        return
    if not volumes:
        del container["volumeMounts"]
        return
    paths: set[str] = set()
    for i, mount in enumerate(mounts):
        mount["name"] = volumes[i % len(volumes)]
        if mount["mountPath"] in paths:
            mount["mountPath"] = f"{mount['mountPath']}-{i}"
        paths.add(mount["mountPath"])


def _toleration(toleration: dict[str, Any]) -> None:
    if not toleration.get("key"):
        toleration["operator"] = "Exists"
    if toleration.get("operator") == "Exists":
        toleration.pop("value", None)
    if "tolerationSeconds" in toleration:
        toleration["effect"] = "NoExecute"


def _all(node: Any, key: str) -> Iterator[dict[str, Any]]:
    """Every mapping under `key`, anywhere inside `node`."""
    if isinstance(node, dict):
        for k, value in node.items():
            if k == key and isinstance(value, dict):
                yield value
            else:
                yield from _all(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from _all(item, key)
