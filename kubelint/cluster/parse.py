"""cluster.yaml → `Cluster`: read, validate (JSON schema, then values), build with defaults."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.cluster.cidr import parse_address, parse_network, parse_port_range
from kubelint.cluster.model import (
    API_VERSION,
    Cluster,
    Cni,
    Dns,
    Endpoint,
    Images,
    KubeProxy,
    Network,
    NodeSpec,
    PullFailure,
)
from kubelint.cluster.values import Problem, value_problems
from kubelint.codes import finding
from kubelint.load import InputFile, LoadedFile, load_file
from kubelint.load import load_text as load_text_documents
from kubelint.load.files import STDIN, display_name
from kubelint.model import Document, Finding, Location, Severity, format_path

_HERE = os.path.dirname(os.path.abspath(__file__))
_SCHEMA_PATHS = (
    os.path.join(os.path.dirname(_HERE), "_data", "cluster", "v1alpha1.json"),  # wheel
    os.path.join(os.path.dirname(os.path.dirname(_HERE)), "schemas", "cluster", "v1alpha1.json"),
)
DEFAULT_SERVICE_CIDR = "10.96.0.0/12"
DEFAULT_CLUSTER_CIDR = "10.244.0.0/16"
DEFAULT_NODE_PORTS = "30000-32767"


def load(path: str) -> tuple[Cluster | None, list[Finding]]:
    name = "<stdin>" if path == STDIN else display_name(path)
    return _from_loaded(load_file(InputFile(path, name)), name)


def load_text(text: str, source: str = "cluster.yaml") -> tuple[Cluster | None, list[Finding]]:
    """The same as `load` for text already in memory (tests, generated clusters)."""
    return _from_loaded(load_text_documents(text, source), source)


def _from_loaded(loaded: LoadedFile, name: str) -> tuple[Cluster | None, list[Finding]]:
    findings = list(loaded.findings)
    if not loaded.documents:
        if not any(f.severity is Severity.ERROR for f in findings):
            findings.append(_file_invalid(name, Location(1, 1), "the file holds no Cluster"))
        return None, findings
    first, *rest = loaded.documents
    findings.extend(
        _file_invalid(name, Location(d.line, 1), "only one Cluster per file; this one is ignored")
        for d in rest
    )
    findings.extend(validate(first))
    if any(f.severity is Severity.ERROR for f in findings):
        return None, findings
    return build(first), findings


def _file_invalid(source: str, where: Location, message: str) -> Finding:
    return finding("cluster-file-invalid", source, where, message)


@functools.cache
def schema() -> dict[str, Any]:
    for path in _SCHEMA_PATHS:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)
    raise FileNotFoundError("schemas/cluster/v1alpha1.json is missing from this installation")


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def validate(doc: Document) -> list[Finding]:
    """Schema violations first; the values (CIDRs, addresses, names) only of a well-shaped file."""
    from kubelint.validate.messages import violations

    errors = list(_validator().iter_errors(doc.body))
    if errors:
        return [
            finding(
                v.name,
                doc.source,
                doc.locate(v.locate_path if v.locate_path is not None else v.path, v.at_key),
                f"{format_path(v.path)}: {v.message}" if v.path else v.message,
                ref=doc.ref,
                path=v.path,
                document=doc.index,
                hint=v.hint,
            )
            for v in violations(errors)
        ]
    return [_problem_finding(doc, p) for p in value_problems(doc.body)]


def _problem_finding(doc: Document, problem: Problem) -> Finding:
    return finding(
        problem.name,
        doc.source,
        doc.locate(problem.path, False),
        f"{format_path(problem.path)}: {problem.message}",
        ref=doc.ref,
        path=problem.path,
        document=doc.index,
        hint=problem.hint,
    )


# -- building ---------------------------------------------------------------------------------


def build(doc: Document) -> Cluster:
    """A Cluster from a validated document; absent sections take kubeadm's defaults."""
    body = doc.body
    version = _version(body.get("kubernetesVersion"))
    specs = list(_node_specs(body, version))
    return Cluster(
        name=body["metadata"]["name"],
        kubernetes_version=version,
        network=_network(body.get("network") or {}),
        dns=_dns(body.get("dns") or {}, body.get("network") or {}),
        kube_proxy=_kube_proxy(body.get("kubeProxy") or {}),
        images=_images(body.get("images") or {}),
        api_server_endpoints=_endpoints(body.get("apiServer") or {}, specs),
        node_specs=specs,
        document=doc,
    )


def _version(value: str | None) -> str:
    if value is None:
        from kubelint.schema.bundle import default_version

        return default_version()
    return value.removeprefix("v")


def _network(raw: Mapping[str, Any]) -> Network:
    cluster_cidr = raw.get("clusterCIDR", DEFAULT_CLUSTER_CIDR)
    cni = raw.get("cni") or {}
    return Network(
        cluster_cidr=parse_network(cluster_cidr) if cluster_cidr is not None else None,
        node_cidr_mask_size=raw.get("nodeCIDRMaskSize", 24),
        service_cidr=parse_network(raw.get("serviceCIDR", DEFAULT_SERVICE_CIDR)),
        node_cidrs=tuple(parse_network(c) for c in raw.get("nodeCIDRs", ())),
        node_port_range=parse_port_range(raw.get("nodePortRange", DEFAULT_NODE_PORTS)),
        pod_cidr_allocation=raw.get("podCIDRAllocation", "sequential"),
        cni=Cni(
            plugin=cni.get("plugin", "flannel"),
            backend=cni.get("backend"),
            enforces_network_policy=cni.get("enforcesNetworkPolicy", False),
            pod_ip_allocation=cni.get("podIPAllocation", "sequential"),
        ),
    )


def _dns(raw: Mapping[str, Any], network: Mapping[str, Any]) -> Dns:
    if "serviceIP" in raw:
        ip = parse_address(raw["serviceIP"]) if raw["serviceIP"] is not None else None
    else:  # kubeadm: the tenth address of the service network
        ip = parse_network(network.get("serviceCIDR", DEFAULT_SERVICE_CIDR)).network_address + 10
    service = raw.get("service", "kube-system/kube-dns") if ip is not None else None
    namespace, _, name = service.partition("/") if service else (None, "", None)
    return Dns(
        cluster_domain=raw.get("clusterDomain", "cluster.local"),
        service_ip=ip,
        service_namespace=namespace,
        service_name=name or None,
    )


def _kube_proxy(raw: Mapping[str, Any]) -> KubeProxy:
    nodes = raw.get("nodes", "all")
    return KubeProxy(
        mode=raw.get("mode", "iptables"),
        ipvs_scheduler=raw.get("ipvsScheduler", "rr"),
        nodes=None if nodes == "all" else tuple(nodes),
        iptables_rules_warning=raw.get("iptablesRulesWarning", 20_000),
    )


def _images(raw: Mapping[str, Any]) -> Images:
    rules = []
    for item in raw.get("pullFailures", ()):
        nodes = item.get("nodes", "*")
        rules.append(
            PullFailure(
                item["match"],
                (nodes,) if isinstance(nodes, str) else tuple(nodes),
                item.get("reason", f"images from {item['match']} cannot be pulled"),
            )
        )
    return Images(sandbox=raw.get("sandbox", Images.sandbox), pull_failures=tuple(rules))


def _endpoints(raw: Mapping[str, Any], specs: list[NodeSpec]) -> tuple[Endpoint, ...]:
    if "endpoints" in raw:
        return tuple(_endpoint(text) for text in raw["endpoints"])
    # default: port 6443 on the first InternalIP of every control-plane node
    control = (s for s in specs if {"control-plane", "master"} & set(s.roles))
    return tuple(
        Endpoint(ips[0], 6443)
        for s in control
        for ips in (s.member_ips(i) for i in range(s.count))
        if ips
    )


def _endpoint(text: str) -> Endpoint:
    host, _, port = text.rpartition(":")
    return Endpoint(str(parse_address(host.strip("[]"))), int(port))


def _node_specs(body: Mapping[str, Any], version: str) -> Iterator[NodeSpec]:
    kubelet = f"v{version}.0" if version.count(".") == 1 else f"v{version}"
    for index, node in enumerate(body.get("nodes") or ()):
        yield NodeSpec(
            group=node["name"],
            count=1,
            path=("nodes", index),
            name_pattern=None,
            addresses=tuple(node.get("addresses", ())),
            pod_cidr=parse_network(node["podCIDR"]) if "podCIDR" in node else None,
            kubelet_version=kubelet,
            **_common(node),
        )
    for index, group in enumerate(body.get("nodeGroups") or ()):
        start = group.get("internalIPStart")
        yield NodeSpec(
            group=group["name"],
            count=group["count"],
            path=("nodeGroups", index),
            name_pattern=group["namePattern"],
            internal_ip_start=parse_address(start) if start is not None else None,
            kubelet_version=kubelet,
            **_common(group),
        )


def _common(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "roles": tuple(raw.get("roles", ())),
        "labels": dict(raw.get("labels") or {}),
        "annotations": dict(raw.get("annotations") or {}),
        "taints": tuple(_taint(t) for t in raw.get("taints", ())),
        "unschedulable": raw.get("unschedulable", False),
        "conditions": tuple(raw.get("conditions") or ({"type": "Ready", "status": "True"},)),
        "allocatable": {k: str(v) for k, v in (raw.get("allocatable") or {}).items()},
        "capacity": {k: str(v) for k, v in raw["capacity"].items()} if "capacity" in raw else None,
    }


def _taint(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {k: raw[k] for k in ("key", "value", "effect", "timeAdded") if k in raw}


def node_from_object(doc: Document) -> NodeSpec:
    """A v1 Node object of the manifests as an explicit node (already schema-checked)."""
    body = doc.body
    meta = body.get("metadata") or {}
    spec = body.get("spec") or {}
    status = body.get("status") or {}
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    try:
        pod_cidr = parse_network(spec["podCIDR"]) if spec.get("podCIDR") else None
    except ValueError:
        pod_cidr = None
    return NodeSpec(
        group=meta.get("name", ""),
        count=1,
        path=(),
        name_pattern=None,
        labels=dict(meta.get("labels") or {}),
        annotations=dict(meta.get("annotations") or {}),
        taints=tuple(_taint(t) for t in spec.get("taints") or ()),
        unschedulable=bool(spec.get("unschedulable", False)),
        conditions=tuple(status.get("conditions") or ({"type": "Ready", "status": "True"},)),
        allocatable={k: str(v) for k, v in allocatable.items()},
        capacity={k: str(v) for k, v in (status.get("capacity") or allocatable).items()},
        addresses=tuple(status.get("addresses") or ()),
        pod_cidr=pod_cidr,
    )


__all__ = ["API_VERSION", "build", "load", "node_from_object", "schema", "validate"]
