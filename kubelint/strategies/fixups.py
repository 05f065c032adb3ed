"""Cross-field rules the schemas cannot express, applied to generated objects of a kind.

Workload selectors match their pod template's labels; restart policies suit the controller;
Jobs let the apiserver generate their selector; Services have the fields their type allows;
bindings reference roles they may bind; a PodDisruptionBudget sets one of its two bounds. Pod
specs are fixed in `pods.py`. Each function edits the freshly generated object in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubelint.strategies.pods import fix_pod_spec

RBAC_GROUP = "rbac.authorization.k8s.io"
WORKLOADS = frozenset(("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"))
NAMESPACED = frozenset(
    (
        "Pod",
        "Service",
        "ConfigMap",
        "Secret",
        "ServiceAccount",
        "Deployment",
        "ReplicaSet",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "CronJob",
        "Ingress",
        "NetworkPolicy",
        "Role",
        "RoleBinding",
        "PersistentVolumeClaim",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "ReplicationController",
        "Endpoints",
        "LimitRange",
        "ResourceQuota",
    )
)


def fixup(obj: dict[str, Any], namespace: str | None = None) -> dict[str, Any]:
    kind = obj["kind"]
    if namespace and kind in NAMESPACED:
        obj["metadata"]["namespace"] = namespace
    fix = _BY_KIND.get(kind)
    if fix is not None:
        fix(obj)
    return obj


# -- workloads -------------------------------------------------------------------------------
def _workload(obj: dict[str, Any]) -> None:
    kind, spec = obj["kind"], obj["spec"]
    labels = _template_labels(spec, obj["metadata"]["name"])
    selector = dict(labels)
    spec["selector"] = selector if kind == "ReplicationController" else {"matchLabels": selector}
    claims: tuple[str, ...] = ()
    if kind == "Deployment":
        _deployment(spec)
    elif kind in ("StatefulSet", "DaemonSet"):
        _update_strategy(spec, kind)
    if kind == "StatefulSet":
        claims = _claim_templates(spec)
    fix_pod_spec(spec["template"].setdefault("spec", {}), "Always", claims)


def _template_labels(spec: dict[str, Any], name: str) -> dict[str, str]:
    template = spec.setdefault("template", {})
    meta = template.setdefault("metadata", {})
    labels = meta.setdefault("labels", {})
    if not labels:
        labels["app"] = name[:63].rstrip(".-_") or "app"
    return labels


def _deployment(spec: dict[str, Any]) -> None:
    ready, progress = spec.get("minReadySeconds"), spec.get("progressDeadlineSeconds")
    if ready is not None and progress is not None and progress <= ready:
        spec["progressDeadlineSeconds"] = ready + 1
    strategy = spec.get("strategy", {})
    if strategy.get("type") == "Recreate":
        strategy.pop("rollingUpdate", None)
    _rolling_update(strategy.get("rollingUpdate"), default_surge="25%")


def _update_strategy(spec: dict[str, Any], kind: str) -> None:
    strategy = spec.get("updateStrategy", {})
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        strategy.pop("rollingUpdate", None)
    update = strategy.get("rollingUpdate")
    if kind == "DaemonSet":
        _rolling_update(update, default_surge=0)
    elif update is not None:
        update.pop("maxUnavailable", None)  # alpha (MaxUnavailableStatefulSet)


def _rolling_update(update: dict[str, Any] | None, default_surge: int | str) -> None:
    """maxUnavailable and maxSurge may not both be 0 (0 or 0%)."""
    if update is None:
        return
    zero = (0, "0%")
    unavailable = update.get("maxUnavailable")
    if unavailable in zero and update.get("maxSurge", default_surge) in zero:
        update["maxSurge"] = 1


def _claim_templates(spec: dict[str, Any]) -> tuple[str, ...]:
    """Name each claim template (the pod gets a volume of that name) and make it claimable."""
    names = []
    for i, claim in enumerate(spec.get("volumeClaimTemplates", [])):
        claim.setdefault("metadata", {})["name"] = f"data-{i}"
        names.append(f"data-{i}")
        _claim_spec(claim.setdefault("spec", {}))
    return tuple(names)


def _claim_spec(spec: dict[str, Any]) -> None:
    """A claim needs an access mode and a storage request, and requests nothing else."""
    spec.setdefault("accessModes", ["ReadWriteOnce"])
    storage = spec.get("resources", {}).get("requests", {}).get("storage", "1Gi")
    spec["resources"] = {"requests": {"storage": storage}}


def _job_spec(spec: dict[str, Any]) -> None:
    spec.pop("selector", None)
    spec.pop("manualSelector", None)
    if spec.get("completionMode") == "Indexed" and spec.get("completions") is None:
        spec["completions"] = max(1, spec.get("parallelism") or 1)
    template = spec.setdefault("template", {})
    policy = template.get("spec", {}).get("restartPolicy")
    policy = policy if policy in ("OnFailure", "Never") else "Never"
    fix_pod_spec(template.setdefault("spec", {}), policy)


def _job(obj: dict[str, Any]) -> None:
    _job_spec(obj["spec"])


def _cron_job(obj: dict[str, Any]) -> None:
    _job_spec(obj["spec"].setdefault("jobTemplate", {}).setdefault("spec", {}))


def _pod(obj: dict[str, Any]) -> None:
    fix_pod_spec(obj["spec"], None)


def _pod_template(obj: dict[str, Any]) -> None:
    template = obj.get("template")
    if template is not None:
        fix_pod_spec(template["spec"], None)


def _claim(obj: dict[str, Any]) -> None:
    _claim_spec(obj.setdefault("spec", {}))


def _volume(obj: dict[str, Any]) -> None:
    """A PersistentVolume has a capacity and an access mode."""
    spec = obj["spec"]
    spec.setdefault("accessModes", ["ReadWriteOnce"])
    spec["capacity"] = {"storage": spec.get("capacity", {}).get("storage", "10Gi")}


# -- networking ------------------------------------------------------------------------------
def _service(obj: dict[str, Any]) -> None:
    """Fields by type: node ports only for NodePort/LoadBalancer, externalName only (and no
    cluster IP) for ExternalName, headless only as ClusterIP; several ports are named."""
    spec = obj["spec"]
    kind = spec.get("type", "ClusterIP")
    external = kind in ("NodePort", "LoadBalancer")
    if kind == "ExternalName":
        spec.setdefault("externalName", "db.example.com")
        spec.pop("clusterIP", None)
    else:
        spec.pop("externalName", None)
        if "clusterIP" in spec:
            spec["clusterIP"] = "None" if kind == "ClusterIP" else ""
    if not external:
        for field in ("externalTrafficPolicy", "allocateLoadBalancerNodePorts"):
            spec.pop(field, None)
    if kind != "LoadBalancer":
        for field in ("loadBalancerIP", "loadBalancerSourceRanges"):
            spec.pop(field, None)
    _service_ports(spec["ports"], external)


def _service_ports(ports: list[dict[str, Any]], node_ports: bool) -> None:
    seen: set[tuple[Any, str]] = set()
    used: set[tuple[Any, str]] = set()
    kept = []
    for port in ports:
        protocol = port.get("protocol", "TCP")
        if (port["port"], protocol) in seen:
            continue
        seen.add((port["port"], protocol))
        node_port = (port.get("nodePort"), protocol)
        if not node_ports or node_port in used:
            port.pop("nodePort", None)
        used.add(node_port)
        kept.append(port)
    if len(kept) > 1:
        for i, port in enumerate(kept):
            port["name"] = f"p{i}-{port.get('name', 'port')}"[:63].rstrip("-")
    ports[:] = kept


def _network_policy(obj: dict[str, Any]) -> None:
    """`except` entries are /24s inside the peer's /16; endPort only after a numeric port."""
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for rule in obj["spec"].get(direction, []):
            for peer in rule.get(peers, []):
                block = peer.get("ipBlock")
                if block is not None and block.get("except") is not None:
                    prefix = block["cidr"].rsplit(".", 2)[0]
                    count = len(block["except"])
                    block["except"] = [f"{prefix}.{i}.0/24" for i in range(count)]
            for port in rule.get("ports", []):
                if "endPort" not in port:
                    continue
                if isinstance(port.get("port"), int):
                    port["endPort"] = min(65535, max(port["endPort"], port["port"]))
                else:
                    del port["endPort"]


# -- policy ----------------------------------------------------------------------------------
def _disruption_budget(obj: dict[str, Any]) -> None:
    spec = obj["spec"]
    if "minAvailable" in spec:
        spec.pop("maxUnavailable", None)


def _autoscaler(obj: dict[str, Any]) -> None:
    spec = obj["spec"]
    low = spec.get("minReplicas")
    if low is not None and low > spec["maxReplicas"]:
        spec["minReplicas"], spec["maxReplicas"] = spec["maxReplicas"], low


def _role(obj: dict[str, Any]) -> None:
    """Resource rules name groups and resources; URL rules (ClusterRoles only) name neither."""
    for rule in obj.get("rules", []):
        if rule.get("nonResourceURLs") and obj["kind"] == "ClusterRole":
            for field in ("apiGroups", "resources", "resourceNames"):
                rule.pop(field, None)
            continue
        rule.pop("nonResourceURLs", None)
        rule.setdefault("apiGroups", [""])
        rule.setdefault("resources", ["pods"])


def _binding(obj: dict[str, Any]) -> None:
    cluster = obj["kind"] == "ClusterRoleBinding"
    if cluster:
        obj["roleRef"]["kind"] = "ClusterRole"
    for subject in obj.get("subjects", []):
        if subject["kind"] == "ServiceAccount":
            subject.pop("apiGroup", None)
            if cluster:
                subject.setdefault("namespace", "default")
        else:
            subject["apiGroup"] = RBAC_GROUP
            subject.pop("namespace", None)


def _custom_resource_definition(obj: dict[str, Any]) -> None:
    """Named plural.group, the group a DNS name with a dot."""
    spec = obj["spec"]
    if "." not in spec["group"]:
        spec["group"] += ".example.com"
    obj["metadata"]["name"] = f"{spec['names']['plural']}.{spec['group']}"


def _config_map(obj: dict[str, Any]) -> None:
    """A key is in data or in binaryData, not both."""
    for key in obj.get("binaryData", {}):
        obj.get("data", {}).pop(key, None)


_BY_KIND: dict[str, Callable[[dict[str, Any]], None]] = {
    **dict.fromkeys((*WORKLOADS, "ReplicationController"), _workload),
    "Job": _job,
    "CronJob": _cron_job,
    "Pod": _pod,
    "PodTemplate": _pod_template,
    "PersistentVolumeClaim": _claim,
    "PersistentVolume": _volume,
    "Service": _service,
    "NetworkPolicy": _network_policy,
    "PodDisruptionBudget": _disruption_budget,
    "HorizontalPodAutoscaler": _autoscaler,
    "Role": _role,
    "ClusterRole": _role,
    "RoleBinding": _binding,
    "ClusterRoleBinding": _binding,
    "ConfigMap": _config_map,
    "CustomResourceDefinition": _custom_resource_definition,
}
