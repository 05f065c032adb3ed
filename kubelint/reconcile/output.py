"""The simulation as data: the JSON report (`formatVersion` 1, docs/simulate.md) and the YAML
stream of predicted Kubernetes objects. Deterministic: no timings, sorted where order is not
meaningful (workloads and pods keep creation order)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import yaml

from kubelint import __version__
from kubelint.cluster import dns
from kubelint.cluster.model import describe_default
from kubelint.reconcile import netpol
from kubelint.reconcile.endpoints import Address, ServiceView
from kubelint.reconcile.kubelet import pod_status
from kubelint.reconcile.objects import PodRecord, Workload
from kubelint.reconcile.simulate import Simulation
from kubelint.report.json_format import finding_dict

FORMAT_VERSION = 1


def cluster_line(sim: Simulation) -> str:
    cluster = sim.cluster
    if cluster.is_default:
        return f"no --cluster given: {describe_default()}"
    count = len(sim.nodes.nodes)
    return f"cluster {cluster.name} ({cluster.source}): {count:,} node{'s' if count != 1 else ''}"


def owner_text(workload: Workload) -> str:
    ref = workload.ref
    return f"{ref.kind} {ref.namespace}/{ref.name}" if ref.namespace else f"{ref.kind} {ref.name}"


def dns_config(pod: PodRecord, sim: Simulation) -> dict[str, Any]:
    conf = dns.resolv_conf(pod.body.get("spec") or {}, pod.namespace, sim.cluster)
    if conf.from_node:
        return {"fromNode": True}
    return {
        "nameservers": list(conf.nameservers),
        "searches": list(conf.searches),
        "options": list(conf.options),
    }


def pod_dict(pod: PodRecord, sim: Simulation) -> dict[str, Any]:
    return {
        "namespace": pod.namespace,
        "name": pod.name,
        "owner": owner_text(pod.workload),
        "node": pod.node,
        "ip": pod.ip,
        "hostNetwork": pod.host_network,
        "phase": pod.phase,
        "ready": pod.ready,
        "message": pod.message,
        "waiting": dict(sorted(pod.waiting.items())),
        "dns": dns_config(pod, sim),
    }


def workload_dict(workload: Workload) -> dict[str, Any]:
    return {
        "object": owner_text(workload),
        "desired": workload.desired,
        "replicasRange": list(workload.replicas_range) if workload.replicas_range else None,
        "owns": [{"kind": c["kind"], "name": c["metadata"]["name"]} for c in workload.children],
        "pods": [p.name for p in workload.pods],
        "schedule": workload.schedule,
        "skippedNodes": dict(sorted(workload.skipped_nodes.items())),
    }


def _address(a: Address) -> dict[str, Any]:
    return {
        "ip": a.ip,
        "pod": a.pod.key if a.pod is not None else None,
        "ports": [{"name": n, "port": p, "protocol": proto} for n, p, proto in a.ports],
    }


def node_port_urls(view: ServiceView, sim: Simulation) -> list[str]:
    ports = [p["nodePort"] for p in view.ports if p.get("nodePort")]
    if not ports:
        return []
    proxy = sim.cluster.kube_proxy
    urls = []
    for info in sim.cluster.nodes:
        if proxy.runs_on(info.name):
            urls.extend(f"{ip}:{port}" for ip in info.internal_ips for port in ports)
    return urls


def service_dict(view: ServiceView, sim: Simulation) -> dict[str, Any]:
    stored = view.stored
    has_node_ports = any(p.get("nodePort") for p in view.ports)
    proxy = sim.cluster.kube_proxy
    return {
        "object": f"Service {stored.namespace}/{stored.name}",
        "implicit": stored.doc is None,
        "type": view.type,
        "clusterIP": view.cluster_ip,
        "ports": [
            {k: p.get(k) for k in ("name", "port", "targetPort", "protocol", "nodePort")}
            for p in view.ports
        ],
        "selector": None if view.selector is None else str(view.selector),
        "selectedPods": len(view.selected),
        "endpoints": {
            "ready": [_address(a) for a in view.ready()],
            "notReady": [_address(a) for a in view.not_ready()],
        },
        "nodePortOpenOn": [n.name for n in sim.nodes.nodes if proxy.runs_on(n.name)]
        if has_node_ports
        else [],
        "dns": [{"type": r.type, "name": r.name, "value": r.value} for r in view.records],
    }


def node_dicts(sim: Simulation) -> list[dict[str, Any]]:
    by_node: dict[str, list[PodRecord]] = {}
    for pod in sim.pods:
        if pod.node is not None:
            by_node.setdefault(pod.node, []).append(pod)
    out = []
    for node in sim.nodes.nodes:
        pods = by_node.get(node.name, [])
        cpu, memory = node.usage[0], node.usage[1]
        out.append(
            {
                "name": node.name,
                "pods": len(pods),
                "podIPs": [p.ip for p in pods if p.ip and not p.host_network],
                "hostNetworkPods": sum(1 for p in pods if p.host_network),
                "requested": {"cpu": f"{cpu}m", "memory": str(memory)},
            }
        )
    return out


def explain_dict(sim: Simulation) -> dict[str, Any] | None:
    if sim.explanation is None:
        return None
    pod, outcome = sim.explanation
    names = sim.nodes.nodes
    return {
        "pod": pod.key,
        "node": outcome.node.name if outcome.node else None,
        "message": outcome.message,
        "feasibleNodes": outcome.feasible,
        "rejected": [
            {"plugin": plugin, "reason": reason, "count": len(nodes), "nodes": nodes[:20]}
            for (plugin, reason), nodes in _merged(outcome.verdicts, names).items()
        ],
        "scores": [
            {"node": names[sc.node].name, "total": sc.total, "plugins": sc.parts}
            for sc in sorted(outcome.scores, key=lambda sc: (-sc.total, sc.node))
        ],
    }


def _merged(verdicts, names) -> dict[tuple[str, str], list[str]]:
    """Verdicts of one plugin and reason, whether found per class, bucket or node, together."""
    out: dict[tuple[str, str], list[str]] = {}
    for v in verdicts:
        out.setdefault((v.plugin, v.reason), []).extend(names[i].name for i in v.nodes)
    return {key: sorted(nodes) for key, nodes in out.items()}


def kube_proxy_dict(sim: Simulation) -> dict[str, Any] | None:
    est = sim.kube_proxy
    if est is None:
        return None
    return {
        "mode": est.mode,
        "iptablesRulesPerNode": est.iptables.rules,
        "iptablesChainsPerNode": est.iptables.chains,
        "iptablesRulesPerNodeWithFixedChains": est.iptables.total,
        "iptablesRulesClusterWide": est.rules_cluster_wide,
    }


def report_dict(sim: Simulation) -> dict[str, Any]:
    return {
        "formatVersion": FORMAT_VERSION,
        "tool": {"name": "kubelint", "version": __version__},
        "cluster": {
            "name": sim.cluster.name,
            "source": sim.cluster.source,
            "default": sim.cluster.is_default,
            "description": cluster_line(sim),
            "kubernetesVersion": sim.cluster.kubernetes_version,
            "nodes": len(sim.nodes.nodes),
        },
        "apply": [
            {"object": r.object, "file": r.source, "result": r.result, "message": r.message}
            for r in sim.applied.records
        ],
        "workloads": [workload_dict(w) for w in sim.workloads],
        "pods": [pod_dict(p, sim) for p in sim.pods],
        "services": [service_dict(v, sim) for v in sim.services],
        "networkPolicies": netpol.report(sim),
        "nodes": node_dicts(sim),
        "unscheduledPods": sum(1 for p in sim.pods if p.node is None),
        "findings": [finding_dict(f) for f in sim.findings],
        "explain": explain_dict(sim),
        "kubeProxy": kube_proxy_dict(sim),
    }


def render_json(sim: Simulation) -> str:
    return json.dumps(report_dict(sim), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def predicted_objects(sim: Simulation) -> Iterator[dict[str, Any]]:
    """Services (with their ClusterIP / NodePorts), then per workload its children and Pods
    (with status), then EndpointSlices."""
    for view in sim.services:
        yield dict(view.stored.body)
    for workload in sim.workloads:
        yield from workload.children
        for pod in workload.pods:
            yield {**pod.body, "status": pod_status(pod)}
    for view in sim.services:
        yield from view.slices


class _Dumper(yaml.SafeDumper):
    """Pods of one template share nested values: write them out, never as YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render_yaml(sim: Simulation) -> str:
    return yaml.dump_all(
        predicted_objects(sim),
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        explicit_start=True,
    )
