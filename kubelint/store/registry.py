"""What the apiserver's registry (REST strategies) writes on create, beyond defaulting.

These are not defaults (no `SetDefaults_*` sets them) but they are in every stored object:
- status: built-in kinds' strategies reset it on create and ignore it on update
  (PrepareForCreate / PrepareForUpdate), so whatever a manifest says about status is dropped;
- Service: `ipFamilyPolicy` and `ipFamilies` (pkg/registry/core/service/storage/alloc.go):
  SingleStack with the cluster's primary family, except headless Services without a selector,
  which get RequireDualStack with every cluster family; ExternalName Services get neither.
  ClusterIPs and NodePorts are allocated by IPAM, not here;
- Job (pkg/registry/batch/job/strategy.go, generateSelector): unless manualSelector is true, the
  selector `batch.kubernetes.io/controller-uid=<uid>` and the pod template labels
  controller-uid / job-name, in both the `batch.kubernetes.io/` and the legacy spelling;
- Namespace: `spec.finalizers: [kubernetes]` and `status.phase: Active`.
The uid is the store's stable made-up uid, so the result is deterministic.
"""

from __future__ import annotations

from typing import Any

BATCH = "batch.kubernetes.io/"


def registry_fields(
    body: dict[str, Any],
    group: str,
    kind: str,
    uid: str,
    builtin: bool,
    families: tuple[str, ...] = ("IPv4",),
) -> dict[str, Any]:
    """Add the registry-written fields to a defaulted body (in place; also returned)."""
    if builtin:
        body.pop("status", None)
    if (group, kind) == ("", "Service"):
        _service(body, families)
    elif (group, kind) == ("batch", "Job"):
        _job(body, uid)
    elif (group, kind) == ("", "Namespace"):
        spec = body.setdefault("spec", {})
        if isinstance(spec, dict) and not spec.get("finalizers"):
            spec["finalizers"] = ["kubernetes"]
        body["status"] = {"phase": "Active"}
    return body


def _service(body: dict[str, Any], families: tuple[str, ...]) -> None:
    spec = body.get("spec")
    if not isinstance(spec, dict) or spec.get("type") == "ExternalName":
        return
    headless_selectorless = spec.get("clusterIP") == "None" and not spec.get("selector")
    if spec.get("ipFamilyPolicy") is None:
        spec["ipFamilyPolicy"] = "RequireDualStack" if headless_selectorless else "SingleStack"
    if not spec.get("ipFamilies"):
        wanted = spec["ipFamilyPolicy"]
        spec["ipFamilies"] = list(families if wanted != "SingleStack" else families[:1])


def _job(body: dict[str, Any], uid: str) -> None:
    spec = body.get("spec")
    if not isinstance(spec, dict) or spec.get("manualSelector") is True:
        return
    template = spec.get("template")
    if not isinstance(template, dict):
        return
    meta = template.setdefault("metadata", {})
    if not isinstance(meta, dict):
        return
    labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
    name = (body.get("metadata") or {}).get("name", "")
    meta["labels"] = {
        **labels,
        f"{BATCH}controller-uid": uid,
        f"{BATCH}job-name": name,
        "controller-uid": uid,
        "job-name": name,
    }
    spec["selector"] = {"matchLabels": {f"{BATCH}controller-uid": uid}}
