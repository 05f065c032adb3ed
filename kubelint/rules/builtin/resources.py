"""Resource rules (KL250–KL259): requests and limits of cpu, memory and ephemeral-storage.

One rule per (resource, requests|limits) so that teams choose what they enforce. The
apiserver copies a limit into a missing request, so "request missing" is only reported when
the limit is missing too. Init containers count (the scheduler reserves their requests);
ephemeral containers cannot declare resources.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.podspec import Container
from kubelint.k8s.quantity import QuantityError
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._memo import parse_quantity
from kubelint.rules.builtin._pod import example_pod, label
from kubelint.rules.engine import POD_TEMPLATES, ObjectView, Violation, object_rule


def _section(container: Container, section: str) -> Mapping[str, Any]:
    resources = container.body.get("resources")
    values = resources.get(section) if isinstance(resources, dict) else None
    return values if isinstance(values, dict) else {}


def _missing(obj: ObjectView, resource: str, section: str) -> Iterator[Violation]:
    for c in obj.containers():
        if _section(c, section).get(resource) is not None:
            continue
        if section == "requests" and _section(c, "limits").get(resource) is not None:
            continue  # defaulted from the limit
        kind = "request" if section == "requests" else "limit"
        yield Violation(_resources_path(c), f"{label(c)} has no {resource} {kind}", at_key=True)


def _resources_path(container: Container) -> JsonPath:
    has = isinstance(container.body.get("resources"), Mapping)
    return (*container.path, "resources") if has else container.path


def _sized(
    cpu: str, memory: str, storage: str | None = None, section: str = "requests"
) -> dict[str, Any]:
    values = {"cpu": cpu, "memory": memory} | ({"ephemeral-storage": storage} if storage else {})
    return {"resources": {section: values}}


FULL = {
    "resources": {
        "requests": {"cpu": "100m", "memory": "128Mi", "ephemeral-storage": "1Gi"},
        "limits": {"cpu": "1", "memory": "128Mi", "ephemeral-storage": "2Gi"},
    }
}


@object_rule(
    "KL250",
    "cpu-request-missing",
    Severity.WARNING,
    "resources",
    title="Containers should request CPU",
    rationale=(
        "The scheduler places pods by their requests. Without a CPU request a container "
        "gets the minimum CPU share under contention and nodes get over-committed; "
        "autoscalers (HPA on utilisation) cannot work without one."
    ),
    remediation="Set `resources.requests.cpu` to the container's typical usage.",
    failing=example_pod(
        {"resources": {"requests": {"memory": "64Mi"}, "limits": {"memory": "64Mi"}}}
    ),
    passing=example_pod(FULL),
    peers={
        "kube-linter": "unset-cpu-requirements",
        "polaris": "cpuRequestsMissing",
        "checkov": "CKV_K8S_10",
    },
    default=False,  # hardening profile: fires on ~80% of upstream workloads
)
def cpu_request(obj: ObjectView) -> Iterator[Violation]:
    yield from _missing(obj, "cpu", "requests")


@object_rule(
    "KL251",
    "memory-request-missing",
    Severity.WARNING,
    "resources",
    title="Containers should request memory",
    rationale=(
        "Without a memory request the scheduler assumes the container needs none, packs "
        "nodes beyond their memory, and the kubelet evicts such pods first under pressure."
    ),
    remediation="Set `resources.requests.memory` to the container's working set.",
    failing=example_pod({"resources": {"requests": {"cpu": "100m"}}}),
    passing=example_pod(FULL),
    peers={
        "kube-linter": "unset-memory-requirements",
        "polaris": "memoryRequestsMissing",
        "checkov": "CKV_K8S_12",
    },
    default=False,  # hardening profile: fires on ~80% of upstream workloads
)
def memory_request(obj: ObjectView) -> Iterator[Violation]:
    yield from _missing(obj, "memory", "requests")


@object_rule(
    "KL252",
    "memory-limit-missing",
    Severity.WARNING,
    "resources",
    title="Containers should limit memory",
    rationale=(
        "Memory is not compressible: a leaking container without a limit grows until the "
        "node runs out and the kernel OOM-kills whatever it picks, often another workload."
    ),
    remediation="Set `resources.limits.memory` (commonly equal to the request).",
    failing=example_pod(_sized("100m", "128Mi")),
    passing=example_pod(FULL),
    peers={
        "kube-linter": "unset-memory-requirements",
        "polaris": "memoryLimitsMissing",
        "checkov": "CKV_K8S_13",
    },
    default=False,  # hardening profile: fires on ~80% of upstream workloads
)
def memory_limit(obj: ObjectView) -> Iterator[Violation]:
    yield from _missing(obj, "memory", "limits")


@object_rule(
    "KL253",
    "cpu-limit-missing",
    Severity.INFO,
    "resources",
    title="Containers may limit CPU",
    rationale=(
        "A CPU limit caps a noisy container, but CPU is compressible: the CFS quota "
        "throttles latency-sensitive services even when the node is idle, so many teams "
        "set requests only. Enable this rule where predictable per-tenant usage matters."
    ),
    remediation="Set `resources.limits.cpu`.",
    failing=example_pod(_sized("100m", "128Mi")),
    passing=example_pod(FULL),
    default=False,
    peers={
        "kube-score": "container-resources",
        "polaris": "cpuLimitsMissing",
        "checkov": "CKV_K8S_11",
    },
)
def cpu_limit(obj: ObjectView) -> Iterator[Violation]:
    yield from _missing(obj, "cpu", "limits")


@object_rule(
    "KL254",
    "ephemeral-storage-request-missing",
    Severity.INFO,
    "resources",
    title="Containers may request ephemeral storage",
    rationale=(
        "Logs, emptyDir and the writable layer use node disk; without a request the "
        "scheduler ignores it and nodes fill up, evicting pods under DiskPressure."
    ),
    remediation="Set `resources.requests.ephemeral-storage`.",
    failing=example_pod(_sized("100m", "128Mi")),
    passing=example_pod(FULL),
    default=False,
    peers={"kube-score": "container-ephemeral-storage-request-and-limit"},
)
def storage_request(obj: ObjectView) -> Iterator[Violation]:
    yield from _missing(obj, "ephemeral-storage", "requests")


@object_rule(
    "KL255",
    "ephemeral-storage-limit-missing",
    Severity.INFO,
    "resources",
    title="Containers may limit ephemeral storage",
    rationale=(
        "A container writing without bound (verbose logs, temp files) fills the node's "
        "disk; with a limit the kubelet evicts only that pod."
    ),
    remediation="Set `resources.limits.ephemeral-storage`.",
    failing=example_pod(_sized("100m", "128Mi", "1Gi")),
    passing=example_pod(FULL),
    default=False,
    peers={"kube-score": "container-ephemeral-storage-request-and-limit"},
)
def storage_limit(obj: ObjectView) -> Iterator[Violation]:
    yield from _missing(obj, "ephemeral-storage", "limits")


@object_rule(
    "KL256",
    "zero-request",
    Severity.WARNING,
    "resources",
    title="Resource requests should not be zero",
    rationale=(
        "A request of 0 silences request checks while telling the scheduler the container "
        "needs nothing: it lands on full nodes and gets the smallest CPU share."
    ),
    remediation="Request what the container actually uses, or remove the request.",
    failing=example_pod(_sized("0", "128Mi")),
    passing=example_pod(_sized("10m", "128Mi")),
    kinds=POD_TEMPLATES,
)
def zero_request(obj: ObjectView) -> Iterator[Violation]:
    for c in obj.containers():
        requests = _section(c, "requests")
        for resource in ("cpu", "memory"):  # the order sorting by name gave
            if resource not in requests:
                continue
            try:
                zero = parse_quantity(requests[resource]) == 0
            except QuantityError:
                continue  # validation reports malformed quantities
            if zero:
                path = (*c.path, "resources", "requests", resource)
                yield Violation(path, f"{label(c)} requests 0 {resource}")
