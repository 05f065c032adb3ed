"""Which pods a selector matches, counting the labels controllers add to the pods they create.

A pod carries its template's labels plus controller-managed ones: `pod-template-hash`
(Deployment), `statefulset.kubernetes.io/pod-name` = `<name>-<ordinal>` and
`apps.kubernetes.io/pod-index` (StatefulSet), `controller-revision-hash` (StatefulSet,
DaemonSet), `job-name` / `batch.kubernetes.io/job-name` and the controller uid (Job, CronJob).
A Service that selects one StatefulSet replica by pod name is common and correct, so selection
must know these labels. Hash and uid values are unknowable offline and match any value.

Operators create pods too: the Prometheus operator runs a StatefulSet for each Prometheus,
Alertmanager and ThanosRuler resource, with labels derived from its name; those pods count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from kubelint.k8s.labelindex import LabelIndex
from kubelint.k8s.selectors import Requirement, Selector
from kubelint.rules.context import Context
from kubelint.rules.engine import ObjectView

Check = Callable[[ObjectView, str], bool]


def _any(obj: ObjectView, value: str) -> bool:
    return True


def _ordinal_name(obj: ObjectView, value: str) -> bool:
    return re.fullmatch(re.escape(obj.name) + r"-\d+", value) is not None


def _digits(obj: ObjectView, value: str) -> bool:
    return value.isdigit()


def _job_name(obj: ObjectView, value: str) -> bool:
    if obj.kind == "CronJob":  # jobs are named <cronjob>-<scheduled time in minutes>
        return re.fullmatch(re.escape(obj.name) + r"-\d+", value) is not None
    return value == obj.name


_JOB = {
    "job-name": _job_name,
    "batch.kubernetes.io/job-name": _job_name,
    "controller-uid": _any,
    "batch.kubernetes.io/controller-uid": _any,
    "batch.kubernetes.io/job-completion-index": _digits,
}
ADDED: dict[str, dict[str, Check]] = {
    "Deployment": {"pod-template-hash": _any},
    "StatefulSet": {
        "controller-revision-hash": _any,
        "statefulset.kubernetes.io/pod-name": _ordinal_name,
        "apps.kubernetes.io/pod-index": _digits,
    },
    "DaemonSet": {"controller-revision-hash": _any, "pod-template-generation": _digits},
    "Job": _JOB,
    "CronJob": _JOB,
}
"""Labels each controller kind adds to its pods → a check of a label value."""
CONTROLLER_KEYS = frozenset(key for labels in ADDED.values() for key in labels)


def _added_matches(obj: ObjectView, req: Requirement) -> bool:
    template = obj.template
    if template is not None and req.key in template.labels:
        return req.matches({str(k): str(v) for k, v in template.labels.items()})
    check = ADDED.get(obj.kind, {}).get(req.key)
    if req.operator == "In":
        return check is not None and any(check(obj, v) for v in sorted(req.values))
    if req.operator == "Exists":
        return check is not None
    if req.operator == "DoesNotExist":
        return check is None
    return True  # NotIn: the generated value is unknown, assume it differs


OPERATOR_PODS = {
    ("monitoring.coreos.com", "Prometheus"): "prometheus",
    ("monitoring.coreos.com", "Alertmanager"): "alertmanager",
    ("monitoring.coreos.com", "ThanosRuler"): "thanos-ruler",
}
"""Custom resources whose operator creates pods → the name the pods are labelled with."""


def cached(ctx: Context, key: str, build: Callable[[Context], Any]) -> Any:
    """`build(ctx)`, computed once per context."""
    cache = ctx.__dict__.setdefault("_kl4_cache", {})
    if key not in cache:
        cache[key] = build(ctx)
    return cache[key]


def _operator_pods(ctx: Context) -> LabelIndex[ObjectView]:
    index: LabelIndex[ObjectView] = LabelIndex()
    for kind, app in sorted(OPERATOR_PODS.items()):
        for obj in ctx.by_kind.get(kind, ()):
            extra = obj.get("spec", "podMetadata", "labels")
            labels = {
                app: obj.name,
                "app.kubernetes.io/name": app,
                "app.kubernetes.io/instance": obj.name,
                "app.kubernetes.io/managed-by": "prometheus-operator",
                "operator.prometheus.io/name": obj.name,
                **(extra if isinstance(extra, Mapping) else {}),
            }
            index.add(obj, obj.namespace, labels)
    return index


def select_pods(ctx: Context, namespace: str | None, selector: Selector) -> list[ObjectView]:
    """Pod owners in `namespace` (None = all) some of whose pods `selector` matches. Answers
    are kept, as in Context.select_workloads: the objects of one application ask alike."""
    answers: dict[tuple[str | None, Selector], list[ObjectView]] = cached(ctx, "pods", _new_dict)
    found = answers.get((namespace, selector))
    if found is None:
        found = answers[namespace, selector] = _select_pods(ctx, namespace, selector)
    return list(found)  # the caller's own list


def _new_dict(ctx: Context) -> dict[Any, Any]:
    return {}


def _select_pods(ctx: Context, namespace: str | None, selector: Selector) -> list[ObjectView]:
    operated = cached(ctx, "operator_pods", _operator_pods).select(selector, namespace)
    added = [r for r in selector.requirements if r.key in CONTROLLER_KEYS]
    if not added or selector.nothing:
        return ctx.select_workloads(namespace, selector) + operated
    rest = Selector(tuple(r for r in selector.requirements if r.key not in CONTROLLER_KEYS))
    owners = ctx.select_workloads(namespace, rest)
    return [obj for obj in owners if all(_added_matches(obj, r) for r in added)] + operated
