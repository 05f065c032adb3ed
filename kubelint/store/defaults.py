"""What the apiserver's defaulting adds to an object before storing it.

`default_object(body, kubernetes_version)` returns a new dict; the input is never changed, and
defaulting a defaulted object changes nothing (idempotent). Only defaulting functions
(`SetDefaults_*` in kubernetes/pkg/apis/<group>/<version>/defaults.go and `+default=` markers
in k8s.io/api) are modelled here; values the registry assigns on create (clusterIP, nodePort,
ipFamilies, uid, Job selectors) are not defaults and live in `kubelint.store.registry`.
docs/store.md lists every default with its source.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kubelint.k8s.scope import canonical_group
from kubelint.model import dicts
from kubelint.store import pod_defaults as pods
from kubelint.store.pod_defaults import fill

DEFAULT_VERSION = "1.37"
Defaulter = Callable[[dict[str, Any], int], None]
_MAX_INT32 = 2**31 - 1


def minor(kubernetes_version: str) -> int:
    """37 for "1.37" or "v1.37.2"; ValueError for anything else."""
    parts = kubernetes_version.lstrip("v").split(".")
    if len(parts) < 2 or parts[0] != "1" or not parts[1].isdigit():
        raise ValueError(f"not a Kubernetes version: {kubernetes_version!r}")
    return int(parts[1])


def default_object(body: Mapping[str, Any], kubernetes_version: str = DEFAULT_VERSION) -> dict:
    """A defaulted deep copy of `body` (unknown kinds come back as a plain copy)."""
    defaulter = _defaulter(body)
    obj = plain_copy(body)
    if defaulter is not None:
        defaulter(obj, minor(kubernetes_version))
    return obj


def defaulted_view(body: Mapping[str, Any], kubernetes_version: str = DEFAULT_VERSION) -> dict:
    """Like default_object, but a kind without defaults (custom resources, CRDs, RBAC roles)
    gets only a top-level copy that shares nested values with `body`. For read-only holders
    such as the store: copying large CRDs dominated the cost of an apply."""
    if _defaulter(body) is None:
        return dict(body)
    return default_object(body, kubernetes_version)


def _defaulter(body: Mapping[str, Any]) -> Defaulter | None:
    api_version, kind = body.get("apiVersion"), body.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None
    return DEFAULTERS.get((canonical_group(api_version.rpartition("/")[0], kind), kind))


def plain_copy(value: Any) -> Any:
    """Deep copy of JSON-like data (mappings become dicts, lists stay lists); scalars are
    shared. Several times faster than copy.deepcopy, which matters for large CRDs."""
    kind = type(value)
    if kind is dict or (kind is not list and isinstance(value, Mapping)):
        return {key: plain_copy(item) for key, item in value.items()}
    if kind is list:
        return [plain_copy(item) for item in value]
    return value


def _spec(obj: dict[str, Any]) -> dict[str, Any] | None:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else None


def _template_labels(spec: dict[str, Any]) -> dict[str, Any] | None:
    template = spec.get("template")
    meta = template.get("metadata") if isinstance(template, dict) else None
    labels = meta.get("labels") if isinstance(meta, dict) else None
    return labels if isinstance(labels, dict) else None


def _template(spec: dict[str, Any] | None) -> None:
    template = spec.get("template") if spec else None
    if isinstance(template, dict):
        pods.pod_spec(template.get("spec"))


# -- apps/v1: SetDefaults_Deployment, _DaemonSet, _StatefulSet, _ReplicaSet ----------------------
def deployment(obj: dict[str, Any], _minor: int) -> None:
    spec = _spec(obj)
    if spec is None:
        return
    fill(spec, "replicas", 1)
    fill(spec, "strategy", {})
    strategy = spec["strategy"]
    if isinstance(strategy, dict):
        fill(strategy, "type", "RollingUpdate", "")
        if strategy.get("type") == "RollingUpdate":
            fill(strategy, "rollingUpdate", {})
            fill(strategy["rollingUpdate"], "maxUnavailable", "25%")
            fill(strategy["rollingUpdate"], "maxSurge", "25%")
    fill(spec, "revisionHistoryLimit", 10)
    fill(spec, "progressDeadlineSeconds", 600)
    _template(spec)


def daemon_set(obj: dict[str, Any], _minor: int) -> None:
    spec = _spec(obj)
    if spec is None:
        return
    fill(spec, "updateStrategy", {})
    strategy = spec["updateStrategy"]
    if isinstance(strategy, dict):
        fill(strategy, "type", "RollingUpdate", "")
        if strategy.get("type") == "RollingUpdate":
            fill(strategy, "rollingUpdate", {})
            fill(strategy["rollingUpdate"], "maxUnavailable", 1)
            fill(strategy["rollingUpdate"], "maxSurge", 0)
    fill(spec, "revisionHistoryLimit", 10)
    _template(spec)


def stateful_set(obj: dict[str, Any], version: int) -> None:
    spec = _spec(obj)
    if spec is None:
        return
    fill(spec, "podManagementPolicy", "OrderedReady", "")
    fill(spec, "updateStrategy", {})
    strategy = spec["updateStrategy"]
    if isinstance(strategy, dict):
        if pods.unset(strategy.get("type"), ""):
            strategy["type"] = "RollingUpdate"
            fill(strategy, "rollingUpdate", {})  # only when the type was defaulted too
        if strategy["type"] == "RollingUpdate":
            fill(strategy.get("rollingUpdate"), "partition", 0)
    if version >= 27:  # StatefulSetAutoDeletePVC: beta (on by default) in 1.27, GA in 1.32
        fill(spec, "persistentVolumeClaimRetentionPolicy", {})
        fill(spec["persistentVolumeClaimRetentionPolicy"], "whenDeleted", "Retain", "")
        fill(spec["persistentVolumeClaimRetentionPolicy"], "whenScaled", "Retain", "")
    fill(spec, "replicas", 1)
    fill(spec, "revisionHistoryLimit", 10)
    for claim in dicts(spec.get("volumeClaimTemplates")):
        pods.claim_spec(claim.get("spec"))
    _template(spec)


def replica_set(obj: dict[str, Any], _minor: int) -> None:
    spec = _spec(obj)
    fill(spec, "replicas", 1)
    _template(spec)


def replication_controller(obj: dict[str, Any], _minor: int) -> None:
    spec = _spec(obj)
    if spec is None:
        return
    labels = _template_labels(spec)
    if labels is not None:
        if not spec.get("selector"):
            spec["selector"] = dict(labels)
        meta = obj.setdefault("metadata", {})
        if isinstance(meta, dict) and not meta.get("labels"):
            meta["labels"] = dict(labels)
    fill(spec, "replicas", 1)
    _template(spec)


# -- batch/v1: SetDefaults_Job, SetDefaults_CronJob -------------------------------------------
def job(obj: dict[str, Any], version: int) -> None:
    spec = _spec(obj)
    if spec is None:
        return
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
    fill(spec, "parallelism", 1)
    per_index = spec.get("backoffLimitPerIndex") is not None and version >= 28
    fill(spec, "backoffLimit", _MAX_INT32 if per_index else 6)
    labels = _template_labels(spec)
    meta = obj.setdefault("metadata", {})
    if labels is not None and isinstance(meta, dict) and not meta.get("labels"):
        meta["labels"] = dict(labels)
    fill(spec, "completionMode", "NonIndexed")
    fill(spec, "suspend", False)
    if version >= 29:  # JobPodReplacementPolicy: beta (on by default) in 1.29
        failed = spec.get("podFailurePolicy") is not None
        fill(spec, "podReplacementPolicy", "Failed" if failed else "TerminatingOrFailed")
    if version >= 35:  # in upstream main when read; the first release with it is not confirmed
        fill(spec, "manualSelector", False)
    _job_nested(spec)


def _job_nested(spec: dict[str, Any]) -> None:
    """Defaults of types inside a JobSpec; a CronJob's jobTemplate gets only these (the
    SetDefaults_Job fields belong to the Job object, not to JobSpec)."""
    policy = spec.get("podFailurePolicy")
    for rule in dicts(policy.get("rules") if isinstance(policy, dict) else None):
        for pattern in dicts(rule.get("onPodConditions")):
            fill(pattern, "status", "True", "")
    _template(spec)


def cron_job(obj: dict[str, Any], _minor: int) -> None:
    spec = _spec(obj)
    if spec is None:
        return
    fill(spec, "concurrencyPolicy", "Allow", "")
    fill(spec, "suspend", False)
    fill(spec, "successfulJobsHistoryLimit", 3)
    fill(spec, "failedJobsHistoryLimit", 1)
    template = spec.get("jobTemplate")
    job_spec = _spec(template) if isinstance(template, dict) else None
    if job_spec is not None:
        _job_nested(job_spec)


# -- core/v1 -----------------------------------------------------------------------------------
def service(obj: dict[str, Any], _minor: int) -> None:
    spec = _spec(obj)
    if spec is None:
        return
    fill(spec, "sessionAffinity", "None", "")
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        config = spec.get("sessionAffinityConfig")
        client = config.get("clientIP") if isinstance(config, dict) else None
        if not isinstance(client, dict) or client.get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}
    fill(spec, "type", "ClusterIP", "")
    for port in dicts(spec.get("ports")):
        fill(port, "protocol", "TCP", "")
        target = port.get("targetPort")
        if pods.unset(target, 0) or target == "":
            port["targetPort"] = port.get("port")
    kind = spec["type"]
    external = kind in ("LoadBalancer", "NodePort") or (
        kind == "ClusterIP" and bool(spec.get("externalIPs"))
    )
    if external:
        fill(spec, "externalTrafficPolicy", "Cluster", "")
    if kind in ("NodePort", "LoadBalancer", "ClusterIP"):
        fill(spec, "internalTrafficPolicy", "Cluster")
    if kind == "LoadBalancer":
        fill(spec, "allocateLoadBalancerNodePorts", True)


def pod(obj: dict[str, Any], _minor: int) -> None:
    pods.pod(obj)


def pod_template(obj: dict[str, Any], _minor: int) -> None:
    template = obj.get("template")
    if isinstance(template, dict):
        pods.pod_spec(template.get("spec"))


def secret(obj: dict[str, Any], _minor: int) -> None:
    fill(obj, "type", "Opaque", "")


def config_map(obj: dict[str, Any], _minor: int) -> None:
    fill(obj, "data", {})


def namespace(obj: dict[str, Any], _minor: int) -> None:
    meta = obj.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    if isinstance(name, str) and name:
        labels = meta.setdefault("labels", {})
        if isinstance(labels, dict):
            labels["kubernetes.io/metadata.name"] = name


def persistent_volume_claim(obj: dict[str, Any], _minor: int) -> None:
    pods.claim_spec(_spec(obj))


def persistent_volume(obj: dict[str, Any], _minor: int) -> None:
    spec = _spec(obj)
    fill(spec, "persistentVolumeReclaimPolicy", "Retain", "")
    fill(spec, "volumeMode", "Filesystem")


def endpoints(obj: dict[str, Any], _minor: int) -> None:
    for subset in dicts(obj.get("subsets")):
        for port in dicts(subset.get("ports")):
            fill(port, "protocol", "TCP", "")


def limit_range(obj: dict[str, Any], _minor: int) -> None:
    for item in dicts((_spec(obj) or {}).get("limits")):
        if item.get("type") != "Container":
            continue
        default = item.setdefault("default", {})
        request = item.setdefault("defaultRequest", {})
        if not isinstance(default, dict) or not isinstance(request, dict):
            continue
        for source, target in (
            (item.get("max"), default),
            (default, request),
            (item.get("min"), request),
        ):
            if isinstance(source, dict):
                for name, quantity in source.items():
                    target.setdefault(name, quantity)


# -- networking, rbac, storage, autoscaling -----------------------------------------------------
def network_policy(obj: dict[str, Any], _minor: int) -> None:
    spec = _spec(obj)
    if spec is None:
        return
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]
    for direction in ("ingress", "egress"):
        for rule in dicts(spec.get(direction)):
            for port in dicts(rule.get("ports")):
                fill(port, "protocol", "TCP")


def ingress_class(obj: dict[str, Any], _minor: int) -> None:
    fill((_spec(obj) or {}).get("parameters"), "scope", "Cluster")


def role_binding(obj: dict[str, Any], _minor: int) -> None:
    fill(obj.get("roleRef"), "apiGroup", RBAC, "")
    for subject in dicts(obj.get("subjects")):
        if pods.unset(subject.get("apiGroup"), ""):
            kind = subject.get("kind")
            if kind == "ServiceAccount":
                subject["apiGroup"] = ""
            elif kind in ("User", "Group"):
                subject["apiGroup"] = RBAC


def storage_class(obj: dict[str, Any], _minor: int) -> None:
    fill(obj, "reclaimPolicy", "Delete")
    fill(obj, "volumeBindingMode", "Immediate")


def csi_driver(obj: dict[str, Any], _minor: int) -> None:
    spec = _spec(obj)
    for key, value in (
        ("attachRequired", True),
        ("podInfoOnMount", False),
        ("storageCapacity", False),
        ("fsGroupPolicy", "ReadWriteOnceWithFSType"),
        ("requiresRepublish", False),
    ):
        fill(spec, key, value)
    if spec is not None and not spec.get("volumeLifecycleModes"):
        spec["volumeLifecycleModes"] = ["Persistent"]


_SCALE_UP = {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
    {"type": "Pods", "value": 4, "periodSeconds": 15},
    {"type": "Percent", "value": 100, "periodSeconds": 15}]}  # fmt: skip
_SCALE_DOWN = {"selectPolicy": "Max", "policies": [
    {"type": "Percent", "value": 100, "periodSeconds": 15}]}  # fmt: skip


def horizontal_pod_autoscaler(obj: dict[str, Any], _minor: int) -> None:
    """autoscaling/v2 (and v1's targetCPUUtilizationPercentage stays unset, as upstream)."""
    spec = _spec(obj)
    if spec is None:
        return
    fill(spec, "minReplicas", 1)
    if obj.get("apiVersion") == "autoscaling/v1":
        return
    if not spec.get("metrics"):
        target = {"type": "Utilization", "averageUtilization": 80}
        spec["metrics"] = [{"type": "Resource", "resource": {"name": "cpu", "target": target}}]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        for key, rules in (("scaleUp", _SCALE_UP), ("scaleDown", _SCALE_DOWN)):
            given = behavior.get(key)
            merged = plain_copy(rules)
            if isinstance(given, dict):
                merged.update({k: v for k, v in given.items() if v is not None})
            behavior[key] = merged


RBAC = "rbac.authorization.k8s.io"
DEFAULTERS: dict[tuple[str, str], Defaulter] = {
    ("apps", "Deployment"): deployment,
    ("apps", "DaemonSet"): daemon_set,
    ("apps", "StatefulSet"): stateful_set,
    ("apps", "ReplicaSet"): replica_set,
    ("", "ReplicationController"): replication_controller,
    ("batch", "Job"): job,
    ("batch", "CronJob"): cron_job,
    ("", "Service"): service,
    ("", "Pod"): pod,
    ("", "PodTemplate"): pod_template,
    ("", "Secret"): secret,
    ("", "ConfigMap"): config_map,
    ("", "Namespace"): namespace,
    ("", "PersistentVolumeClaim"): persistent_volume_claim,
    ("", "PersistentVolume"): persistent_volume,
    ("", "Endpoints"): endpoints,
    ("", "LimitRange"): limit_range,
    ("networking.k8s.io", "NetworkPolicy"): network_policy,
    ("networking.k8s.io", "IngressClass"): ingress_class,
    (RBAC, "RoleBinding"): role_binding,
    (RBAC, "ClusterRoleBinding"): role_binding,
    ("storage.k8s.io", "StorageClass"): storage_class,
    ("storage.k8s.io", "CSIDriver"): csi_driver,
    ("autoscaling", "HorizontalPodAutoscaler"): horizontal_pod_autoscaler,
}
