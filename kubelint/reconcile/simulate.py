"""`kubelint simulate` as a library call: manifests + cluster → predicted objects and findings.

load the cluster (or the default one) → apply the manifests in file-name order
(kubelint.store, with ClusterIP / NodePort allocation) → controllers → scheduler (one pod at
a time, in creation order) → kubelet (pod IPs, phases) → Endpoints / EndpointSlices → DNS →
findings.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from kubelint.cluster import kubeproxy, network
from kubelint.cluster.model import Cluster, default_cluster, load_cluster
from kubelint.model import Document, Finding
from kubelint.pipeline import gc_paused
from kubelint.reconcile import endpoints as ep
from kubelint.reconcile import findings as checks
from kubelint.reconcile import netpol_findings
from kubelint.reconcile.apply_stage import Applied, apply_documents
from kubelint.reconcile.controllers import Controllers
from kubelint.reconcile.kubelet import Kubelet
from kubelint.reconcile.objects import PodRecord, Stored, Workload
from kubelint.reconcile.scheduler.default_spread import DefaultSelectors
from kubelint.reconcile.scheduler.nodes import NodeSet
from kubelint.reconcile.scheduler.pod import SchedPod
from kubelint.reconcile.scheduler.scheduler import Outcome, Scheduler
from kubelint.reconcile.scheduler.topology import Placed

SAME_TEMPLATE_KINDS = frozenset({"Deployment", "ReplicaSet", "ReplicationController", "Job"})
"""Kinds whose pods differ only in name (StatefulSet and DaemonSet pods do not)."""
Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called now and then while pods are scheduled."""


class SimulateOptions(NamedTuple):
    paths: Sequence[str]
    cluster_path: str | None = None
    now: datetime | None = None  # reference time for CronJob schedules (default: now, UTC)
    explain: str | None = None  # "namespace/name" or "name" of a pod to explain
    documents: Sequence[Document] | None = None  # loaded documents to apply instead of paths


class Explanation(NamedTuple):
    pod: PodRecord
    outcome: Outcome


@dataclass(eq=False)
class Simulation:
    cluster: Cluster
    applied: Applied
    nodes: NodeSet
    workloads: list[Workload] = field(default_factory=list)
    pods: list[PodRecord] = field(default_factory=list)
    services: list[ep.ServiceView] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    explanation: Explanation | None = None
    kube_proxy: kubeproxy.Estimate | None = None
    timings: dict[str, float] = field(default_factory=dict)


class SimulationError(Exception):
    """The simulation cannot run (unusable cluster file); findings say why."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("the cluster description is unusable")
        self.findings = findings


def simulate(options: SimulateOptions, progress: Progress | None = None) -> Simulation:
    """Run the whole simulation (the cyclic garbage collector waits meanwhile: the run builds
    hundreds of thousands of small objects, and collecting them repeatedly costs more than the
    work itself)."""
    with gc_paused():
        return _simulate(options, progress)


def _simulate(options: SimulateOptions, progress: Progress | None) -> Simulation:
    clock = _Clock()
    cluster, findings = _cluster(options.cluster_path)
    applied = apply_documents(options.paths, cluster, options.documents)
    clock.lap("apply")
    nodes = NodeSet.from_groups(cluster.groups)
    sim = Simulation(cluster, applied, nodes, findings=[*findings, *applied.findings])
    ctl = Controllers(nodes, _hpa_ranges(applied.objects), options.now or datetime.now(UTC))
    for obj in applied.objects:
        workload = ctl.run(obj)
        if workload is not None:
            sim.workloads.append(workload)
            sim.pods.extend(workload.pods)
    clock.lap("controllers")
    _schedule(sim, options.explain, progress)
    clock.lap("schedule")
    kubelet = Kubelet(cluster)
    for pod in sim.pods:
        if pod.node is not None:
            kubelet.start(pod)
    clock.lap("kubelet")
    services = [o for o in applied.objects if o.ref.kind == "Service" and o.ref.group == ""]
    domain = cluster.dns.cluster_domain if cluster.dns.enabled else None
    given = ep.user_endpoints(applied.objects)
    given[("default", "kubernetes")] = [
        ep.Address(e.ip, True, None, (("https", e.port, "TCP"),))
        for e in cluster.api_server_endpoints
    ]
    sim.services = ep.build(services, ep.pod_index(sim.pods), given, domain)
    sim.kube_proxy = _kube_proxy(cluster, sim.services)
    sim.findings.extend(kubeproxy.check(cluster, sim.kube_proxy))
    clock.lap("endpoints")
    sim.findings.extend(checks.all_findings(sim, kubelet))
    sim.findings.extend(netpol_findings.check(sim))
    sim.findings.sort(key=Finding.sort_key)
    clock.lap("findings")
    sim.timings = clock.laps
    return sim


def _kube_proxy(cluster: Cluster, services: Sequence[ep.ServiceView]) -> kubeproxy.Estimate:
    """kube-proxy's load: per Service port, the number of ready endpoints serving it."""
    ports = []
    for view in services:
        ready: dict[str, int] = {}
        for address in view.ready():
            for name, _, _ in address.ports:
                ready[name] = ready.get(name, 0) + 1
        ports.extend(kubeproxy.service_ports(view.stored.body, ready))
    return kubeproxy.estimate(cluster, ports)


def _cluster(path: str | None) -> tuple[Cluster, list[Finding]]:
    if path is None:
        cluster, findings = default_cluster(), []
    else:
        loaded, findings = load_cluster(path)
        if loaded is None:
            raise SimulationError(findings)
        cluster = loaded
    return cluster, [*findings, *network.check(cluster)]


def _hpa_ranges(objects: Sequence[Stored]) -> dict[tuple[str, str, str], tuple[int, int]]:
    out = {}
    for obj in objects:
        if obj.ref.kind != "HorizontalPodAutoscaler":
            continue
        spec = obj.body.get("spec") or {}
        target = spec.get("scaleTargetRef") or {}
        low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
        if isinstance(high, int) and isinstance(low, int):
            out[(obj.namespace, str(target.get("kind")), str(target.get("name")))] = (low, high)
    return out


def _namespace_labels(objects: Sequence[Stored]) -> dict[str, dict[str, str]]:
    out = {}
    for obj in objects:
        if obj.ref.kind == "Namespace" and obj.ref.group == "":
            labels = (obj.body.get("metadata") or {}).get("labels") or {}
            out[obj.name] = {str(k): str(v) for k, v in labels.items()}
    return out


def _schedule(sim: Simulation, explain: str | None, progress: Progress | None) -> None:
    placed = Placed(sim.nodes, _namespace_labels(sim.applied.objects))
    scheduler = Scheduler(sim.nodes, placed, DefaultSelectors(sim.applied.objects, sim.workloads))
    total = len(sim.pods)
    templates: dict[int, SchedPod] = {}  # pods of one template share their scheduling view
    for done, pod in enumerate(sim.pods):
        if progress is not None and done % 500 == 0:
            progress("schedule", done, total)
        base = templates.get(id(pod.workload))
        if base is not None:
            sched = base.replica(pod.body)
        else:
            sched = SchedPod(pod.body)
            if pod.workload.ref.kind in SAME_TEMPLATE_KINDS:
                templates[id(pod.workload)] = sched
        wanted = explain is not None and explain in (pod.key, pod.name)
        if sched.node_name:  # bound by the user: the scheduler is bypassed
            node = sim.nodes.by_name.get(sched.node_name)
            if node is None:
                pod.message = f'node "{sched.node_name}" not found'
                continue
        else:
            outcome = scheduler.schedule(sched, explain=wanted)
            if wanted:
                sim.explanation = Explanation(pod, outcome)
            node = outcome.node
            if node is None:
                pod.message = outcome.message
                continue
        scheduler.bind(sched, node)
        pod.node = node.name
        pod.body["spec"]["nodeName"] = node.name
    if progress is not None:
        progress("schedule", total, total)


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now
