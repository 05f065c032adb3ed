"""Reliability rules (KL280–KL299): probes, replicas, rollouts, Jobs and CronJobs, DNS, env."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.podspec import Container
from kubelint.model import Severity
from kubelint.rules.builtin._pod import (
    example_pod,
    example_workload,
    label,
    options,
    param,
)
from kubelint.rules.engine import POD_TEMPLATES, ObjectView, Violation, object_rule

RUN_TO_COMPLETION = frozenset({("batch", "Job"), ("batch", "CronJob")})


def _serving(obj: ObjectView) -> Iterator[Container]:
    """Long-running containers: regular ones (and sidecars) of workloads that are not Jobs."""
    if (obj.group, obj.kind) in RUN_TO_COMPLETION:
        return
    for c in obj.containers(init=True):
        if c.kind == "containers" or c.body.get("restartPolicy") == "Always":
            yield c


HTTP_PROBE = {"httpGet": {"path": "/healthz", "port": 8080}}
PROBE_TIMING = (
    "initialDelaySeconds",
    "periodSeconds",
    "timeoutSeconds",
    "failureThreshold",
    "successThreshold",
    "terminationGracePeriodSeconds",
)


def _probe_missing(obj: ObjectView, field: str, what: str) -> Iterator[Violation]:
    for c in _serving(obj):
        if c.kind == "containers" and not isinstance(c.body.get(field), Mapping):
            yield Violation(c.path, f"{label(c)} has no {what} probe", at_key=True)


@object_rule(
    "KL280",
    "liveness-probe-missing",
    Severity.INFO,
    "reliability",
    title="Long-running containers may have a liveness probe",
    rationale=(
        "Without a liveness probe a deadlocked process keeps its pod Running forever. A "
        "wrong one restarts healthy pods under load, so it is opt-in."
    ),
    remediation="Add a `livenessProbe` that fails only when a restart would help.",
    failing=example_pod(),
    passing=example_pod({"livenessProbe": HTTP_PROBE}),
    default=False,
    peers={
        "kube-linter": "no-liveness-probe",
        "polaris": "livenessProbeMissing",
        "checkov": "CKV_K8S_8",
    },
)
def liveness_missing(obj: ObjectView) -> Iterator[Violation]:
    yield from _probe_missing(obj, "livenessProbe", "liveness")


@object_rule(
    "KL281",
    "readiness-probe-missing",
    Severity.INFO,
    "reliability",
    title="Serving containers may have a readiness probe",
    rationale=(
        "Without a readiness probe a pod receives Service traffic as soon as its process "
        "starts, before it can answer, and keeps receiving it while overloaded."
    ),
    remediation="Add a `readinessProbe` that checks the container can serve requests.",
    failing=example_pod(),
    passing=example_pod({"readinessProbe": HTTP_PROBE}),
    default=False,
    peers={
        "kube-linter": "no-readiness-probe",
        "polaris": "readinessProbeMissing",
        "checkov": "CKV_K8S_9",
    },
)
def readiness_missing(obj: ObjectView) -> Iterator[Violation]:
    yield from _probe_missing(obj, "readinessProbe", "readiness")


def _handler(probe: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in probe.items() if k not in PROBE_TIMING}


options("identical-probes", compare="all")


@object_rule(
    "KL282",
    "identical-probes",
    Severity.WARNING,
    "reliability",
    title="Liveness and readiness probes should differ",
    rationale=(
        "A copy of the readiness probe as liveness probe restarts pods exactly when they "
        "are busy or a dependency is down: instead of being taken out of rotation they are "
        "killed, and the restarts cascade across replicas."
    ),
    remediation=(
        "Make the liveness probe check only the process itself (a cheap endpoint, a higher "
        "failureThreshold); leave dependency checks to readiness. Option `compare: handler` "
        "also reports probes that differ only in timing."
    ),
    failing=example_pod({"livenessProbe": HTTP_PROBE, "readinessProbe": HTTP_PROBE}),
    passing=example_pod(
        {
            "livenessProbe": {**HTTP_PROBE, "failureThreshold": 6},
            "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
        }
    ),
    peers={"kube-score": "pod-probes-identical"},
    kinds=POD_TEMPLATES,
)
def identical_probes(obj: ObjectView) -> Iterator[Violation]:
    """Option `compare: handler` also reports probes that differ only in timing (kube-score)."""
    compare = param(obj, "identical-probes", "compare")
    if compare not in ("all", "handler"):
        raise ValueError(
            f"params: identical-probes.compare must be all or handler, not {compare!r}"
        )
    handler_only = compare == "handler"
    for c in _serving(obj):
        live = c.body.get("livenessProbe")
        if live is None:
            continue
        ready = c.body.get("readinessProbe")
        if not (isinstance(live, dict) and isinstance(ready, dict)):
            continue
        same = _handler(live) == _handler(ready) if handler_only else dict(live) == dict(ready)
        if same:
            yield Violation(
                (*c.path, "livenessProbe"), f"{label(c)} uses its readiness probe as liveness probe"
            )


def _replicas(obj: ObjectView) -> Any:
    return obj.spec.get("replicas", 1)


options("single-replica", min=2)


@object_rule(
    "KL283",
    "single-replica",
    Severity.INFO,
    "reliability",
    title="Deployments and StatefulSets should run more than one replica",
    rationale=(
        "With one replica every node drain, eviction or rollout is an outage; two or more "
        "replicas (with a PodDisruptionBudget) keep the service up."
    ),
    remediation=(
        "Set `replicas` to at least 2, or let a HorizontalPodAutoscaler manage it. Option "
        "`min`: the smallest acceptable count (default 2)."
    ),
    failing=example_workload("Deployment", spec={"replicas": 1}),
    passing=example_workload("Deployment", spec={"replicas": 3}),
    kinds={("apps", "Deployment"), ("apps", "StatefulSet")},
    default=False,
    peers={
        "kube-score": "deployment-replicas",
        "kube-linter": "minimum-three-replicas",
        "polaris": "deploymentMissingReplicas",
    },
)
def single_replica(obj: ObjectView) -> Iterator[Violation]:
    """Option `min`: the smallest acceptable count (default 2). An omitted `replicas` (the
    HPA-managed style) is not reported."""
    minimum = param(obj, "single-replica", "min")
    replicas = obj.spec.get("replicas")
    if isinstance(replicas, int) and not isinstance(replicas, bool) and replicas < minimum:
        yield Violation(("spec", "replicas"), f"{obj.kind} runs {replicas} replica(s)")


def _unavailable(value: Any, replicas: int) -> int | None:
    """maxUnavailable as a pod count (percentages round down, as the controller does)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        return int(value[:-1]) * replicas // 100
    return None


@object_rule(
    "KL284",
    "rollout-unavailable-all",
    Severity.WARNING,
    "reliability",
    title="A rolling update should keep some pods available",
    rationale=(
        "`maxUnavailable: 100%` (or ≥ replicas) lets the Deployment controller stop every "
        "old pod at once: each rollout is a full outage, the same as `Recreate`."
    ),
    remediation="Use a `maxUnavailable` below the replica count (25% is the default).",
    failing=example_workload(
        "Deployment",
        spec={"replicas": 3, "strategy": {"rollingUpdate": {"maxUnavailable": "100%"}}},
    ),
    passing=example_workload(
        "Deployment",
        spec={"replicas": 3, "strategy": {"rollingUpdate": {"maxUnavailable": 1}}},
    ),
    kinds={("apps", "Deployment"), ("extensions", "Deployment")},
)
def rollout_unavailable_all(obj: ObjectView) -> Iterator[Violation]:
    """A single replica is always unavailable during a `maxUnavailable: 1` rollout; that is
    single-replica's concern, so only "100%" or two or more replicas are reported here."""
    value = obj.get("spec", "strategy", "rollingUpdate", "maxUnavailable")
    if value is None:
        return
    replicas = _replicas(obj)
    if not isinstance(replicas, int) or replicas < 1:
        return
    if value == "100%" or (replicas >= 2 and (_unavailable(value, replicas) or 0) >= replicas):
        path = ("spec", "strategy", "rollingUpdate", "maxUnavailable")
        yield Violation(path, f"maxUnavailable {value} takes all {replicas} replica(s) down")


@object_rule(
    "KL285",
    "job-ttl-missing",
    Severity.INFO,
    "reliability",
    title="Standalone Jobs should set ttlSecondsAfterFinished",
    rationale=(
        "Finished Jobs and their pods stay in the cluster until someone deletes them, "
        "filling etcd and `kubectl get pods`; a TTL lets the controller clean them up."
    ),
    remediation="Set `spec.ttlSecondsAfterFinished` (CronJobs use history limits instead).",
    failing=example_workload("Job"),
    passing=example_workload("Job", spec={"ttlSecondsAfterFinished": 3600}),
    kinds={("batch", "Job")},
    peers={"kube-linter": "job-ttl-seconds-after-finished"},
)
def job_ttl(obj: ObjectView) -> Iterator[Violation]:
    if obj.spec.get("ttlSecondsAfterFinished") is None:
        yield Violation(("spec",), "Job has no ttlSecondsAfterFinished", at_key=True)


@object_rule(
    "KL286",
    "cronjob-concurrency-allowed",
    Severity.INFO,
    "reliability",
    title="CronJobs should choose a concurrency policy",
    rationale=(
        "The default `Allow` starts a new run while the previous one is still running; a "
        "slow run then piles up copies that compete for the same data."
    ),
    remediation="Set `concurrencyPolicy: Forbid` (or `Replace`) unless overlap is safe.",
    failing=example_workload("CronJob"),
    passing=example_workload("CronJob", spec={"concurrencyPolicy": "Forbid"}),
    kinds={("batch", "CronJob")},
    default=False,
)
def cronjob_concurrency(obj: ObjectView) -> Iterator[Violation]:
    if obj.spec.get("concurrencyPolicy", "Allow") == "Allow":
        where = ("spec", "concurrencyPolicy") if "concurrencyPolicy" in obj.spec else ("spec",)
        yield Violation(
            where, "CronJob runs may overlap (concurrencyPolicy Allow)", at_key=where == ("spec",)
        )


@object_rule(
    "KL287",
    "cronjob-deadline-missing",
    Severity.INFO,
    "reliability",
    title="CronJobs should set startingDeadlineSeconds",
    rationale=(
        "Without a deadline a CronJob that missed more than 100 schedules (controller "
        "down, suspended) stops scheduling altogether; a deadline bounds how late a run may "
        "start and how far back the controller looks."
    ),
    remediation="Set `spec.startingDeadlineSeconds` (for example 300).",
    failing=example_workload("CronJob"),
    passing=example_workload("CronJob", spec={"startingDeadlineSeconds": 300}),
    kinds={("batch", "CronJob")},
    default=False,
    peers={"kube-score": "cronjob-has-deadline"},
)
def cronjob_deadline(obj: ObjectView) -> Iterator[Violation]:
    if obj.spec.get("startingDeadlineSeconds") is None:
        yield Violation(("spec",), "CronJob has no startingDeadlineSeconds", at_key=True)


@object_rule(
    "KL288",
    "zero-grace-period",
    Severity.WARNING,
    "reliability",
    title="Pods should get time to shut down",
    rationale=(
        "`terminationGracePeriodSeconds: 0` kills containers with SIGKILL at once: "
        "in-flight requests fail, and a StatefulSet pod may run twice while the old one "
        "is still being torn down."
    ),
    remediation="Remove the field (30 s default) or give the process time to drain.",
    failing=example_pod(spec={"terminationGracePeriodSeconds": 0}),
    passing=example_pod(spec={"terminationGracePeriodSeconds": 30}),
    kinds=POD_TEMPLATES,
)
def zero_grace(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is not None and template.spec.get("terminationGracePeriodSeconds") == 0:
        path = (*template.spec_path, "terminationGracePeriodSeconds")
        yield Violation(path, "pod is killed without a grace period")


@object_rule(
    "KL289",
    "duplicate-env",
    Severity.WARNING,
    "reliability",
    title="A container should not set an environment variable twice",
    rationale=(
        "When `env` names a variable twice the last entry wins silently; the first is dead "
        "configuration that readers will believe, and `kubectl apply` merges such lists "
        "unpredictably."
    ),
    remediation="Keep one entry per variable name.",
    failing=example_pod({"env": [{"name": "MODE", "value": "a"}, {"name": "MODE", "value": "b"}]}),
    passing=example_pod({"env": [{"name": "MODE", "value": "b"}]}),
    peers={
        "kube-linter": "duplicate-env-var",
        "kube-score": "environment-variable-key-duplication",
    },
    kinds=POD_TEMPLATES,
)
def duplicate_env(obj: ObjectView) -> Iterator[Violation]:
    for c in obj.containers(ephemeral=True):
        env = c.body.get("env")
        if not isinstance(env, list) or len(env) < 2:
            continue
        first: dict[str, int] = {}
        for i, var in enumerate(env):
            name = var.get("name") if isinstance(var, dict) else None
            if not isinstance(name, str):
                continue
            if name in first:
                message = (
                    f"{label(c)} sets {name} again (first at env[{first[name]}]); the last wins"
                )
                yield Violation((*c.path, "env", i, "name"), message)
            else:
                first[name] = i


@object_rule(
    "KL290",
    "host-network-dns-policy",
    Severity.WARNING,
    "reliability",
    title="hostNetwork pods need dnsPolicy ClusterFirstWithHostNet",
    rationale=(
        "With hostNetwork the default dnsPolicy (ClusterFirst) silently falls back to the "
        "node's resolv.conf: Service names such as `db.shop.svc` do not resolve."
    ),
    remediation="Set `dnsPolicy: ClusterFirstWithHostNet` when the pod resolves Services.",
    failing=example_pod(spec={"hostNetwork": True}),
    passing=example_pod(spec={"hostNetwork": True, "dnsPolicy": "ClusterFirstWithHostNet"}),
    default=False,
)
def host_network_dns(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is None or template.spec.get("hostNetwork") is not True:
        return
    policy = template.spec.get("dnsPolicy", "ClusterFirst")
    if policy == "ClusterFirst":
        path = (*template.spec_path, "dnsPolicy" if "dnsPolicy" in template.spec else "hostNetwork")
        yield Violation(path, "hostNetwork pod with dnsPolicy ClusterFirst uses the node's DNS")


@object_rule(
    "KL291",
    "image-pull-never",
    Severity.INFO,
    "reliability",
    title="imagePullPolicy Never needs the image on every node",
    rationale=(
        "With `Never` the kubelet only uses images already on the node: on any node that "
        "lacks it the pod fails with ErrImageNeverPull. It suits local clusters (kind, "
        "minikube) only."
    ),
    remediation="Use `IfNotPresent` and push the image to a registry.",
    failing=example_pod({"imagePullPolicy": "Never"}),
    passing=example_pod({"imagePullPolicy": "IfNotPresent"}),
    kinds=POD_TEMPLATES,
)
def image_pull_never(obj: ObjectView) -> Iterator[Violation]:
    for c in obj.containers(ephemeral=True):
        if c.body.get("imagePullPolicy") == "Never":
            yield Violation((*c.path, "imagePullPolicy"), f"{label(c)} never pulls its image")
