"""Cross-field rules the schemas cannot express, applied to generated objects of a kind.

Workload selectors match their pod template's labels; restart policies suit the controller;
Jobs let the apiserver generate their selector; container names are unique within a pod.
"""

from __future__ import annotations

from typing import Any

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
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return obj
    if kind in WORKLOADS or kind == "ReplicationController":
        labels = _template_labels(spec, obj["metadata"]["name"])
        spec["selector"] = (
            dict(labels) if kind == "ReplicationController" else {"matchLabels": dict(labels)}
        )
        _pod(spec["template"], "Always")
    elif kind == "Job":
        _job(spec)
    elif kind == "CronJob":
        job = spec.setdefault("jobTemplate", {}).setdefault("spec", {})
        _job(job)
    elif kind == "Pod":
        _pod_spec(spec, None)
    return obj


def _template_labels(spec: dict[str, Any], name: str) -> dict[str, str]:
    template = spec.setdefault("template", {})
    meta = template.setdefault("metadata", {})
    labels = meta.setdefault("labels", {})
    if not labels:
        labels["app"] = name[:63].rstrip(".-_") or "app"
    return labels


def _job(spec: dict[str, Any]) -> None:
    spec.pop("selector", None)
    spec.pop("manualSelector", None)
    template = spec.setdefault("template", {})
    policy = template.get("spec", {}).get("restartPolicy")
    _pod(template, policy if policy in ("OnFailure", "Never") else "Never")


def _pod(template: dict[str, Any], restart_policy: str) -> None:
    _pod_spec(template.setdefault("spec", {}), restart_policy)


def _pod_spec(spec: dict[str, Any], restart_policy: str | None) -> None:
    if restart_policy is not None:
        spec["restartPolicy"] = restart_policy
    elif spec.get("restartPolicy") not in (None, "Always", "OnFailure", "Never"):
        spec["restartPolicy"] = "Always"
    names = {c.get("name") for c in spec.get("containers", [])}
    for init in spec.get("initContainers", []):
        if init.get("name") in names:
            init["name"] = ("init-" + init["name"])[:63]
