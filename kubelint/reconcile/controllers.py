"""Controllers as Kubernetes runs them: stored workload objects → child objects and Pods.

- Deployment → one ReplicaSet `<name>-<pod-template-hash>` (kubelint.reconcile.names) → Pods
  `<rs>-<5 chars>`; ReplicaSet and ReplicationController → Pods `<name>-<5 chars>`.
- StatefulSet → Pods `<name>-<ordinal>` with hostname/subdomain, and one PVC per
  volumeClaimTemplate and ordinal, `<claim>-<name>-<ordinal>`.
- DaemonSet → one Pod per node whose taints (NoSchedule/NoExecute) it tolerates, with the
  tolerations the DaemonSet controller adds, pinned by node affinity (matchFields metadata.name).
- Job → min(parallelism, completions) Pods; CronJob → the next run times only (nothing runs).
- A HorizontalPodAutoscaler clamps the replica count into minReplicas..maxReplicas.
Every Pod gets the DefaultTolerationSeconds admission tolerations (not-ready / unreachable,
NoExecute, 300 s) unless it tolerates those taints already.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kubelint.k8s.cron import CronError, parse_schedule
from kubelint.reconcile.cronnext import next_times
from kubelint.reconcile.names import NameAllocator, pod_template_hash
from kubelint.reconcile.objects import PodRecord, Stored, Workload
from kubelint.reconcile.scheduler.filters import (
    NODE_AFFINITY,
    node_affinity_matches,
    taint_toleration,
)
from kubelint.reconcile.scheduler.nodes import NodeSet
from kubelint.reconcile.scheduler.pod import SchedPod

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
DAEMON_TOLERATIONS = (
    (NOT_READY, "NoExecute"),
    (UNREACHABLE, "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
)
NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable"
DEFAULT_TOLERATION_SECONDS = 300
CRON_RUNS_SHOWN = 3


class Controllers:
    """Runs the controllers over stored objects, in apply order."""

    def __init__(
        self,
        nodes: NodeSet,
        hpa_ranges: Mapping[tuple[str, str, str], tuple[int, int]],
        now: datetime,
    ):
        self.nodes = nodes
        self.hpa_ranges = hpa_ranges  # (namespace, kind, name) → (min, max)
        self.now = now
        self.names = NameAllocator()

    def reserve(self, namespace: str, name: str) -> None:
        self.names.reserve(namespace, name)

    def run(self, obj: Stored) -> Workload | None:
        kind = obj.ref.kind
        handler = _HANDLERS.get((obj.ref.group, kind))
        if handler is None:
            return None
        workload = Workload(obj)
        handler(self, workload)
        return workload

    # -- what the kind handlers below share -----------------------------------------------------

    def replicas(self, workload: Workload) -> int:
        """spec.replicas (default 1), clamped by an HPA targeting the workload."""
        spec = workload.owner.body.get("spec") or {}
        replicas = spec.get("replicas")
        replicas = replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else 1
        key = (workload.owner.namespace, workload.ref.kind, workload.ref.name)
        bounds = self.hpa_ranges.get(key)
        if bounds is not None:
            workload.replicas_range = bounds
            replicas = min(max(replicas, bounds[0]), bounds[1])
        return max(replicas, 0)

    def make_pod(
        self,
        workload: Workload,
        template: Mapping[str, Any],
        name: str,
        owner: Mapping[str, Any],
        labels: Mapping[str, str],
    ) -> PodRecord:
        """A Pod from a pod template, owned by `owner`, with the admission defaults."""
        meta = template.get("metadata") or {}
        spec = dict(template.get("spec") or {})  # nested values are shared and read-only
        add_default_tolerations(spec)
        body: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": name,
                "namespace": workload.owner.namespace or "default",
                "labels": {**(meta.get("labels") or {}), **labels},
                "ownerReferences": [owner_reference(owner)],
            },
            "spec": spec,
        }
        if meta.get("annotations"):
            body["metadata"]["annotations"] = dict(meta["annotations"])
        record = PodRecord(body, workload, host_network=spec.get("hostNetwork") is True)
        workload.pods.append(record)
        return record

    def make_replicas(
        self, workload: Workload, owner: Mapping[str, Any], count: int, extra: Mapping[str, str]
    ) -> None:
        """`count` Pods from `owner`'s template, named `<owner>-<5 chars>`."""
        ns = workload.owner.namespace or "default"
        base = owner["metadata"]["name"] + "-"
        template = (owner.get("spec") or {}).get("template") or {}
        seed = f"{ns}/{owner['kind']}/{owner['metadata']['name']}"
        for i in range(count):
            name = self.names.generate(ns, base, f"{seed}/{i}")
            self.make_pod(workload, template, name, owner, extra)


def owner_reference(owner: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": owner.get("apiVersion", ""),
        "kind": owner.get("kind", ""),
        "name": owner["metadata"]["name"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def add_default_tolerations(spec: dict[str, Any]) -> None:
    """The DefaultTolerationSeconds admission plugin."""
    tolerations = list(spec.get("tolerations") or [])
    for key in (NOT_READY, UNREACHABLE):
        if not any(
            isinstance(t, Mapping)
            and t.get("key") in (key, None, "")
            and t.get("effect") in ("NoExecute", None, "")
            for t in tolerations
        ):
            tolerations.append(
                {
                    "key": key,
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": DEFAULT_TOLERATION_SECONDS,
                }
            )
    spec["tolerations"] = tolerations


def add_daemon_tolerations(spec: dict[str, Any]) -> None:
    """What the DaemonSet controller adds to every pod it creates."""
    tolerations = list(spec.get("tolerations") or [])
    wanted = list(DAEMON_TOLERATIONS)
    if spec.get("hostNetwork") is True:
        wanted.append((NETWORK_UNAVAILABLE, "NoSchedule"))
    for key, effect in wanted:
        toleration = {"key": key, "operator": "Exists", "effect": effect}
        if toleration not in tolerations:
            tolerations.append(toleration)
    spec["tolerations"] = tolerations


def pin_to_node(spec: dict[str, Any], node: str) -> None:
    """ReplaceDaemonSetPodNodeNameNodeAffinity: every required term gets matchFields
    metadata.name In [node] (a term is created when there is none)."""
    pin = [{"key": "metadata.name", "operator": "In", "values": [node]}]
    affinity = spec["affinity"] = dict(spec.get("affinity") or {})  # null: none
    node_affinity = affinity["nodeAffinity"] = dict(affinity.get("nodeAffinity") or {})
    required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    terms = (required or {}).get("nodeSelectorTerms") or [{}]
    terms = [
        {**(t if isinstance(t, Mapping) else {}), "matchFields": copy.deepcopy(pin)} for t in terms
    ]
    node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": terms}


# -- one function per kind -----------------------------------------------------------------------


def _deployment(ctl: Controllers, workload: Workload) -> None:
    body = workload.owner.body
    spec = body.get("spec") or {}
    template = spec.get("template") or {}
    hash_ = pod_template_hash(template)
    ns = workload.owner.namespace or "default"
    name = f"{workload.ref.name}-{hash_}"
    ctl.reserve(ns, name)
    replicas = ctl.replicas(workload)
    workload.desired = replicas
    labeled = copy.deepcopy(dict(template))
    labeled["metadata"] = dict(labeled.get("metadata") or {})  # `metadata: null` is empty
    labeled["metadata"]["labels"] = {
        **((template.get("metadata") or {}).get("labels") or {}),
        "pod-template-hash": hash_,
    }
    selector = copy.deepcopy(dict(spec.get("selector") or {}))
    selector["matchLabels"] = {**(selector.get("matchLabels") or {}), "pod-template-hash": hash_}
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": ns,
            "labels": dict(labeled["metadata"]["labels"]),
            "annotations": {"deployment.kubernetes.io/desired-replicas": str(replicas)},
            "ownerReferences": [owner_reference(body)],
        },
        "spec": {"replicas": replicas, "selector": selector, "template": labeled},
    }
    workload.children.append(rs)
    ctl.make_replicas(workload, rs, replicas, {})


def _replica_set(ctl: Controllers, workload: Workload) -> None:
    workload.desired = ctl.replicas(workload)
    ctl.make_replicas(workload, workload.owner.body, workload.desired, {})


def _stateful_set(ctl: Controllers, workload: Workload) -> None:
    body = workload.owner.body
    spec = body.get("spec") or {}
    ns = workload.owner.namespace or "default"
    name = workload.ref.name
    workload.desired = replicas = ctl.replicas(workload)
    template = spec.get("template") or {}
    revision = f"{name}-{pod_template_hash(template)}"
    start = ((spec.get("ordinals") or {}).get("start")) or 0
    claims = [c for c in spec.get("volumeClaimTemplates") or [] if isinstance(c, Mapping)]
    for ordinal in range(start, start + replicas):
        pod_name = f"{name}-{ordinal}"
        ctl.reserve(ns, pod_name)
        labels = {
            "controller-revision-hash": revision,
            "statefulset.kubernetes.io/pod-name": pod_name,
            "apps.kubernetes.io/pod-index": str(ordinal),
        }
        record = ctl.make_pod(workload, template, pod_name, body, labels)
        pod_spec = record.body["spec"]
        pod_spec["hostname"] = pod_name
        if spec.get("serviceName"):
            pod_spec["subdomain"] = spec["serviceName"]
        template_labels = (template.get("metadata") or {}).get("labels") or {}
        _attach_claims(workload, pod_spec, claims, ordinal, template_labels)


def _attach_claims(
    workload: Workload,
    pod_spec: dict[str, Any],
    claims: list[Mapping[str, Any]],
    ordinal: int,
    labels: Mapping[str, str],
) -> None:
    """One PVC `<claim>-<statefulset>-<ordinal>` per volumeClaimTemplate, mounted by the pod
    under the claim's name (replacing a pod volume of that name)."""
    names = [str((c.get("metadata") or {}).get("name", "")) for c in claims]
    volumes = [
        v
        for v in pod_spec.get("volumes") or []
        if not isinstance(v, Mapping) or v.get("name") not in names  # keep null items as written
    ]
    for claim, claim_name in zip(claims, names, strict=True):
        pvc_name = f"{claim_name}-{workload.ref.name}-{ordinal}"
        volumes.append({"name": claim_name, "persistentVolumeClaim": {"claimName": pvc_name}})
        workload.children.append(
            {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": {
                    "name": pvc_name,
                    "namespace": workload.pods[-1].namespace,
                    "labels": labels,
                },
                "spec": copy.deepcopy(dict(claim.get("spec") or {})),
            }
        )
    if volumes:
        pod_spec["volumes"] = volumes


def _daemon_set(ctl: Controllers, workload: Workload) -> None:
    body = workload.owner.body
    template = (body.get("spec") or {}).get("template") or {}
    probe_spec = copy.deepcopy(dict(template.get("spec") or {}))
    add_daemon_tolerations(probe_spec)
    probe = SchedPod({"metadata": {"namespace": workload.owner.namespace}, "spec": probe_spec})
    ns = workload.owner.namespace or "default"
    revision = pod_template_hash(template)
    extra = {"controller-revision-hash": revision, "pod-template-generation": "1"}
    seed = f"{ns}/DaemonSet/{workload.ref.name}"
    for node in ctl.nodes.nodes:
        reason = taint_toleration(probe, node.cls)
        if reason is None and not node_affinity_matches(probe, node.labels, node.name):
            reason = NODE_AFFINITY
        if reason is not None:
            workload.skipped_nodes[node.name] = reason
            continue
        name = ctl.names.generate(ns, f"{workload.ref.name}-", f"{seed}/{node.name}")
        spec = dict(probe_spec)
        spec["affinity"] = copy.deepcopy(probe_spec.get("affinity") or {})
        pin_to_node(spec, node.name)
        ctl.make_pod(
            workload, {"metadata": template.get("metadata") or {}, "spec": spec}, name, body, extra
        )
    workload.desired = len(workload.pods)


def _job(ctl: Controllers, workload: Workload) -> None:
    spec = workload.owner.body.get("spec") or {}
    parallelism = spec.get("parallelism", 1)
    completions = spec.get("completions")
    count = parallelism if completions is None else min(parallelism, completions)
    if spec.get("suspend") is True:
        count = 0
    workload.desired = max(int(count or 0), 0)
    name = workload.ref.name
    labels = {"batch.kubernetes.io/job-name": name, "job-name": name}
    ns = workload.owner.namespace or "default"
    template = spec.get("template") or {}
    for i in range(workload.desired):
        pod_name = ctl.names.generate(ns, f"{name}-", f"{ns}/Job/{name}/{i}")
        ctl.make_pod(workload, template, pod_name, workload.owner.body, labels)


def _cron_job(ctl: Controllers, workload: Workload) -> None:
    spec = workload.owner.body.get("spec") or {}
    schedule = spec.get("schedule")
    if not isinstance(schedule, str) or spec.get("suspend") is True:
        return
    try:
        fields = parse_schedule(schedule)
    except CronError:
        return
    if fields is None:
        return
    workload.schedule = [
        t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in next_times(fields, ctl.now, CRON_RUNS_SHOWN)
    ]


def _pod(ctl: Controllers, workload: Workload) -> None:
    body = copy.deepcopy(dict(workload.owner.body))
    body.setdefault("metadata", {})["namespace"] = workload.owner.namespace or "default"
    spec = body["spec"] = body.get("spec") or {}  # `spec: null` decodes as an empty PodSpec
    add_default_tolerations(spec)
    body.pop("status", None)
    ctl.reserve(workload.owner.namespace or "default", workload.ref.name)
    workload.desired = 1
    workload.pods.append(PodRecord(body, workload, host_network=spec.get("hostNetwork") is True))


_HANDLERS = {
    ("apps", "Deployment"): _deployment,
    ("apps", "ReplicaSet"): _replica_set,
    ("", "ReplicationController"): _replica_set,
    ("apps", "StatefulSet"): _stateful_set,
    ("apps", "DaemonSet"): _daemon_set,
    ("batch", "Job"): _job,
    ("batch", "CronJob"): _cron_job,
    ("", "Pod"): _pod,
}
