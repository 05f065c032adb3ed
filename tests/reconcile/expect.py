"""Compare a simulation with a scenario's expected.yaml (../shared/scenarios/README.md).

`compare(expected, sim, report, folder)` returns a list of mismatches, each "key: what differs".
Keys the simulation does not model are skipped by the caller (see KNOWN_GAPS in the tests).
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from kubelint.reconcile.scheduler.filters import static_reason
from kubelint.reconcile.scheduler.pod import SchedPod


def _workload(sim, text):
    for w in sim.workloads:
        ref = w.ref
        if f"{ref.kind} {ref.namespace}/{ref.name}" == text:
            return w
    return None


def _excluded_reason(sim, workload, node_name) -> str | None:
    if workload.ref.kind == "DaemonSet":
        return workload.skipped_nodes.get(node_name)
    body = workload.pods[0].body
    spec = {k: v for k, v in body["spec"].items() if k != "nodeName"}
    pod = SchedPod({**body, "spec": spec})
    node = sim.nodes.by_name[node_name]
    verdict = static_reason(pod, node.cls, node.labels, node.name)
    return verdict[1] if verdict else None


def _ip_in_pod_cidr(sim, pod) -> bool:
    info = sim.cluster.node(pod.node)
    cidr = info.pod_cidr
    if cidr is None or pod.ip is None:
        return False
    offset = int(ipaddress.ip_address(pod.ip)) - int(cidr.network_address)
    return ipaddress.ip_address(pod.ip) in cidr and offset >= 2


def check_workload(sim, report, exp: dict[str, Any]) -> Iterator[str]:
    name = exp["object"]
    w = _workload(sim, name)
    if exp.get("stored") is False:
        if w is not None:
            yield f"{name}: should not be stored"
        return
    if w is None:
        yield f"{name}: missing"
        return
    pods = w.pods
    for key in ("replicas", "desired"):
        if key in exp and w.desired != exp[key]:
            yield f"{name}: {key} {w.desired} != {exp[key]}"
    if "owns" in exp:
        owns = exp["owns"]
        children = [c for c in w.children if c["kind"] == owns["kind"]]
        if len(children) != owns["count"]:
            yield f"{name}: owns {len(children)} {owns['kind']}"
        if any(not re.match(owns["name_regex"], c["metadata"]["name"]) for c in children):
            yield f"{name}: child names {[c['metadata']['name'] for c in children]}"
    p = exp.get("pods") or {}
    if "count" in p and len(pods) != p["count"]:
        yield f"{name}: {len(pods)} pods != {p['count']}"
    if "name_regex" in p:
        bad = [x.name for x in pods if not re.match(p["name_regex"], x.name)]
        if bad:
            yield f"{name}: pod names {bad}"
    if "phases" in p and Counter(x.phase for x in pods) != Counter(p["phases"]):
        yield f"{name}: phases {Counter(x.phase for x in pods)}"
    if "ready" in p and sum(x.ready for x in pods) != p["ready"]:
        yield f"{name}: ready {sum(x.ready for x in pods)}"
    for pend in p.get("pending") or []:
        got = [x.message for x in pods if x.node is None]
        if len(got) != pend["count"] or any(not m.startswith(pend["message"]) for m in got):
            yield f"{name}: pending {got} != {pend}"
    yield from _placement(sim, w, p.get("placement") or {})
    yield from _pod_details(sim, w, p, name)
    for key in ("tolerations_effective", "tolerations_added_by_daemonset_controller"):
        if key in p:
            have = [_toleration(t) for t in pods[0].body["spec"].get("tolerations") or []]
            for t in p[key]:
                if _toleration(t) not in have:
                    yield f"{name}: toleration {t} missing from {have}"
    if "host_ports" in p:
        ports = sorted({hp.port for hp in SchedPod(pods[0].body).host_ports})
        if ports != p["host_ports"]:
            yield f"{name}: host ports {ports}"
    for node, wanted in (p.get("node_requests_after") or {}).items():
        cpu = sim.nodes.by_name[node].usage[0]
        if f"{cpu}m" != wanted["cpu"]:
            yield f"{name}: {node} requests {cpu}m"
    if "container_state" in p:
        for pod in pods:
            for container, state in p["container_state"].items():
                if pod.waiting.get(container) != state["waiting"]:
                    yield f"{name}: {pod.name} {container} waiting {pod.waiting}"
    if "restart_policy" in p and pods[0].body["spec"].get("restartPolicy") != p["restart_policy"]:
        yield f"{name}: restartPolicy"
    for var, value in (p.get("env") or {}).items():
        envs = {
            e["name"]: e.get("value")
            for c in pods[0].body["spec"]["containers"]
            for e in c.get("env") or []
        }
        if envs.get(var) != value:
            yield f"{name}: env {var}={envs.get(var)}"
    if "volumes" in exp and exp["volumes"] == [] and pods[0].body["spec"].get("volumes"):
        yield f"{name}: volumes {pods[0].body['spec']['volumes']}"
    if "spec_from" in exp and not w.owner.doc.source.endswith(exp["spec_from"]):
        yield f"{name}: stored from {w.owner.doc.source}"


def _toleration(t: dict[str, Any]) -> tuple:
    return (
        t.get("key", ""),
        t.get("operator") or "Equal",
        t.get("value", ""),
        t.get("effect", ""),
        t.get("tolerationSeconds"),
    )


def _pod_details(sim, w, p, name) -> Iterator[str]:
    for pod in w.pods:
        ip_kind = p.get("ip")
        if ip_kind == "pod-network" and pod.node and not _ip_in_pod_cidr(sim, pod):
            yield f"{name}: {pod.name} ip {pod.ip} not in the podCIDR of {pod.node}"
        if ip_kind == "host-network" and pod.ip != sim.cluster.node(pod.node).internal_ips[0]:
            yield f"{name}: {pod.name} ip {pod.ip} is not the node address"
        if ip_kind == "none" and pod.ip is not None:
            yield f"{name}: {pod.name} has ip {pod.ip}"
        if "dns_config" in p:
            from kubelint.reconcile.output import dns_config

            want = {"fromNode": True} if p["dns_config"].get("from_node") else p["dns_config"]
            if dns_config(pod, sim) != want:
                yield f"{name}: dns {dns_config(pod, sim)}"


def _placement(sim, w, pl: dict[str, Any]) -> Iterator[str]:
    name = str(w.ref)
    nodes = [x.node for x in w.pods if x.node]
    if "allowed_nodes" in pl and not set(nodes) <= set(pl["allowed_nodes"]):
        yield f"{name}: nodes {nodes} outside {pl['allowed_nodes']}"
    if "exactly_on" in pl and set(nodes) != set(pl["exactly_on"]):
        yield f"{name}: on {sorted(set(nodes))}"
    for node, reason in (pl.get("excluded_nodes") or {}).items():
        got = _excluded_reason(sim, w, node)
        if got != reason:
            yield f"{name}: {node} excluded for {got!r}, not {reason!r}"
    counts = Counter(nodes)
    if "max_per_node" in pl and counts and max(counts.values()) > pl["max_per_node"]:
        yield f"{name}: {counts}"
    if "per_node_counts_sorted" in pl and sorted(counts.values()) != pl["per_node_counts_sorted"]:
        yield f"{name}: per node {sorted(counts.values())}"
    if "per_zone" in pl:
        zones = Counter(
            sim.nodes.by_name[n].labels.get("topology.kubernetes.io/zone") for n in nodes
        )
        if dict(zones) != pl["per_zone"]:
            yield f"{name}: zones {dict(zones)}"
    for other in pl.get("not_with") or []:
        theirs = {x.node for x in _workload(sim, other).pods}
        if set(nodes) & theirs:
            yield f"{name}: shares nodes with {other}"


def check_service(sim, report, exp: dict[str, Any]) -> Iterator[str]:
    name = exp["object"]
    svc = next((s for s in report["services"] if s["object"] == name), None)
    if exp.get("stored") is False:
        if svc is not None:
            yield f"{name}: should not be stored"
        return
    if svc is None:
        yield f"{name}: missing"
        return
    if exp.get("implicit") and not svc["implicit"]:
        yield f"{name}: not implicit"
    if "type" in exp and svc["type"] != exp["type"]:
        yield f"{name}: type {svc['type']}"
    want_ip = exp.get("clusterIP")
    if isinstance(want_ip, dict):
        ip = ipaddress.ip_address(svc["clusterIP"])
        if ip not in ipaddress.ip_network(want_ip["within"]) or svc["clusterIP"] in want_ip.get(
            "not", []
        ):
            yield f"{name}: clusterIP {ip}"
    elif want_ip is not None and svc["clusterIP"] != want_ip:
        yield f"{name}: clusterIP {svc['clusterIP']} != {want_ip}"
    for got, want in zip(svc["ports"], exp.get("ports") or [], strict=False):
        for key, value in want.items():
            if key == "nodePort" and isinstance(value, dict):
                low, high = map(int, value["within"].split("-"))
                if not low <= (got["nodePort"] or 0) <= high:
                    yield f"{name}: nodePort {got['nodePort']}"
            elif got.get(key) != value:
                yield f"{name}: port {key} {got.get(key)} != {value}"
    for state, key in (("ready", "ready"), ("not_ready", "notReady")):
        want = (exp.get("endpoints") or {}).get(state)
        if want is None:
            continue
        got = svc["endpoints"][key]
        if len(got) != want["count"]:
            yield f"{name}: {state} endpoints {len(got)} != {want['count']}"
        if "addresses" in want:
            have = sorted(f"{a['ip']}:{a['ports'][0]['port']}" for a in got)
            if have != sorted(want["addresses"]):
                yield f"{name}: addresses {have}"
        if "port" in want and any(a["ports"][0]["port"] != want["port"] for a in got):
            yield f"{name}: endpoint ports {[a['ports'] for a in got]}"
        if "owners" in want:
            pods = {p["namespace"] + "/" + p["name"]: p["owner"] for p in report["pods"]}
            owners = Counter(pods[a["pod"]] for a in got)
            if dict(owners) != want["owners"]:
                yield f"{name}: owners {dict(owners)}"
    if "node_port_open_on" in exp and sorted(svc["nodePortOpenOn"]) != sorted(
        exp["node_port_open_on"]
    ):
        yield f"{name}: open on {svc['nodePortOpenOn']}"
    yield from _dns(svc, exp.get("dns"), name)


def _dns(svc, want, name) -> Iterator[str]:
    if not want:
        return
    a_names = {r["name"] for r in svc["dns"] if r["type"] == "A"}
    if want.get("a") is None and "a" in want:
        if a_names:
            yield f"{name}: has A records {a_names}"
        return
    if "a" in want and want["a"] not in a_names and want.get("a_records") != []:
        yield f"{name}: no A record {want['a']}"
    if "a_records" in want:
        values = sorted(
            r["value"] for r in svc["dns"] if r["type"] == "A" and r["name"] == want["a"]
        )
        if values != sorted(want["a_records"]):
            yield f"{name}: A values {values}"
    if "srv" in want:
        srv = sorted({r["name"] for r in svc["dns"] if r["type"] == "SRV"})
        if srv != sorted(want["srv"]):
            yield f"{name}: SRV {srv}"


def check_nodes(sim, report, exp: dict[str, Any]) -> Iterator[str]:
    by_name = {n["name"]: n for n in report["nodes"]}
    for key, want in exp.items():
        if key == "unscheduled_pods":
            if report["unscheduledPods"] != want:
                yield f"nodes: unscheduled {report['unscheduledPods']}"
            continue
        if key == "workers":
            got = [by_name[n] for n in want["names"]]
            if sorted(n["pods"] for n in got) != want["pod_counts_sorted"]:
                yield f"nodes: worker counts {sorted(n['pods'] for n in got)}"
            for n in got:
                cidr = sim.cluster.node(n["name"]).pod_cidr
                expected = [str(cidr.network_address + 2 + i) for i in range(len(n["podIPs"]))]
                if sorted(n["podIPs"], key=ipaddress.ip_address) != expected:
                    yield f"nodes: {n['name']} ips {n['podIPs']}"
            continue
        node = by_name[key]
        if "pods" in want and node["pods"] != want["pods"]:
            yield f"nodes: {key} has {node['pods']} pods"
        if "pod_ips" in want and sorted(node["podIPs"]) != sorted(want["pod_ips"]):
            yield f"nodes: {key} ips {node['podIPs']}"
        if "host_network_pods" in want and node["hostNetworkPods"] != want["host_network_pods"]:
            yield f"nodes: {key} hostNetwork pods {node['hostNetworkPods']}"


def _finding_object(f) -> str:
    ref = f.ref
    if ref is None:
        return ""
    if ref.kind == "Cluster":
        return f"Cluster {ref.name}"
    return (
        f"{ref.kind} {ref.namespace or 'default'}/{ref.name}"
        if ref.namespace or ref.kind not in ("Node",)
        else f"{ref.kind} {ref.name}"
    )


ALIASES = {
    "duplicate-object": "duplicate-in-apply",
    # simulate's NetworkPolicy codes; the scenario names are lint rules KL423 / KL429
    "networkpolicy-selects-nothing": "networkpolicy-selects-no-pod",
    "networkpolicy-peer-selects-nothing": "networkpolicy-peer-selects-no-pod",
}
"""Scenario finding ids that kubelint reports under another name."""


def check_findings(sim, folder: str, exp: dict[str, Any]) -> Iterator[str]:
    for want in exp.get("findings") or []:
        wanted_id = ALIASES.get(want["id"], want["id"])
        matches = [
            f
            for f in sim.findings
            if f.name == wanted_id
            and ("object" not in want or _finding_object(f) == want["object"])
        ]
        if not matches:
            yield f"finding {want['id']} {want.get('object')}: missing"
            continue
        f = matches[0]
        if str(f.severity) != want["severity"]:
            yield f"finding {want['id']}: severity {f.severity}"
        paths = [want["path"], *want.get("path_alternatives", [])] if "path" in want else []
        if paths and f.path_text not in paths:
            yield f"finding {want['id']}: path {f.path_text}"
        loc = want.get("location")
        if loc and (
            not f.source.endswith(loc["file"]) or (f.line, f.column) != (loc["line"], loc["column"])
        ):
            yield f"finding {want['id']}: at {f.source}:{f.line}:{f.column}"
        for text in want.get("must_mention") or []:
            if text.lower() not in f.message.lower():
                yield f"finding {want['id']}: message lacks {text!r}: {f.message}"
        if "count" in want and not f.message.startswith(f"{want['count']} "):
            yield f"finding {want['id']}: count in {f.message}"
    for bad in exp.get("forbidden_findings") or []:
        for f in sim.findings:
            if f.name == ALIASES.get(bad["id"], bad["id"]) and (
                "object" not in bad or _finding_object(f) == bad["object"]
            ):
                yield f"forbidden finding {bad['id']}: {f.message}"


def check_apply(sim, exp: dict[str, Any]) -> Iterator[str]:
    records = sim.applied.records
    wanted = exp.get("apply") or []
    if len(records) != len(wanted):
        yield f"apply: {len(records)} records != {len(wanted)}"
    for got, want in zip(records, wanted, strict=False):
        if (
            got.object != want["object"]
            or got.result != want["result"]
            or not got.source.endswith(want["file"])
        ):
            yield f"apply: {got.object} {got.result} != {want['object']} {want['result']}"
        if "message" in want and (got.message is None or want["message"] not in got.message):
            yield f"apply: {got.object} message {got.message!r}"


def check_network_policy(report, exp: dict[str, Any]) -> Iterator[str]:
    """A `network_policies` entry against the report's `networkPolicies`."""
    name = exp["object"]
    got = next((p for p in report["networkPolicies"] if p["object"] == name), None)
    if got is None:
        yield f"network policy {name}: missing"
        return
    ingress = exp.get("ingress_allowed_from")
    if isinstance(ingress, dict):  # else "all" / "none"
        ingress = {
            k: ingress[w]
            for k, w in (("pods", "pods"), ("namespaces", "namespaces"), ("ipBlocks", "ip_blocks"))
        }
    wanted = {
        "enforced": exp.get("enforced"),
        "selects": exp.get("selects"),
        "ingressAllowedFrom": ingress,
        "egressAllowedTo": exp.get("egress_allowed_to"),
        "blocksDns": exp.get("blocks_dns_for_selected_pods"),
    }
    for key, value in wanted.items():
        if value is not None and got[key] != value:
            yield f"network policy {name}: {key} {got[key]} != {value}"


def compare(exp: dict[str, Any], sim, report, folder: str) -> list[str]:
    out = [*check_apply(sim, exp)]
    for w in exp.get("workloads") or []:
        out.extend(check_workload(sim, report, w))
    for s in exp.get("services") or []:
        out.extend(check_service(sim, report, s))
    for p in exp.get("network_policies") or []:
        out.extend(check_network_policy(report, p))
    out.extend(check_nodes(sim, report, exp.get("nodes") or {}))
    out.extend(check_findings(sim, folder, exp))
    kp = exp.get("kube_proxy")
    if kp and "rules_per_node" in kp:
        got = report["kubeProxy"]
        if (got["iptablesRulesPerNode"], got["iptablesChainsPerNode"]) != (
            kp["rules_per_node"],
            kp["chains_per_node"],
        ):
            out.append(f"kube_proxy: {got}")
    return out
