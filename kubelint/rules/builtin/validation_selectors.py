"""Label selectors: their syntax wherever they appear, and controllers' selectors against their
pod template's labels."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.selectors import Selector, SelectorError
from kubelint.k8s.validation import invalid
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._memo import is_label_value, is_qualified_name
from kubelint.rules.builtin._validation import POD_CONTROLLERS, items, mapping
from kubelint.rules.engine import ObjectView, Violation, object_rule

MAP_SELECTORS = frozenset({("", "Service"), ("", "ReplicationController")})
_AFFINITIES = ("podAffinity", "podAntiAffinity")


def _term_selectors(path: JsonPath, term: Mapping[str, Any]) -> Iterator[tuple[JsonPath, Any]]:
    for field in ("labelSelector", "namespaceSelector"):
        if term.get(field) is not None:
            yield (*path, field), term[field]


def _pod_selectors(obj: ObjectView) -> Iterator[tuple[JsonPath, Any]]:
    template = obj.template
    if template is None:
        return
    affinity = mapping(template.spec.get("affinity"))
    base = (*template.spec_path, "affinity")
    for kind in _AFFINITIES:
        rules = mapping(affinity.get(kind))
        required = "requiredDuringSchedulingIgnoredDuringExecution"
        for i, term in items(rules.get(required)):
            yield from _term_selectors((*base, kind, required, i), term)
        preferred = "preferredDuringSchedulingIgnoredDuringExecution"
        for i, weighted in items(rules.get(preferred)):
            term = mapping(weighted.get("podAffinityTerm"))
            yield from _term_selectors((*base, kind, preferred, i, "podAffinityTerm"), term)
    for i, constraint in items(template.spec.get("topologySpreadConstraints")):
        if constraint.get("labelSelector") is not None:
            path = (*template.spec_path, "topologySpreadConstraints", i, "labelSelector")
            yield path, constraint["labelSelector"]


def _network_policy_selectors(obj: ObjectView) -> Iterator[tuple[JsonPath, Any]]:
    if obj.spec.get("podSelector") is not None:
        yield ("spec", "podSelector"), obj.spec["podSelector"]
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in items(obj.spec.get(direction)):
            for j, peer in items(rule.get(peers)):
                for field in ("podSelector", "namespaceSelector"):
                    if peer.get(field) is not None:
                        yield ("spec", direction, i, peers, j, field), peer[field]


def label_selectors(obj: ObjectView) -> Iterator[tuple[JsonPath, Any]]:
    """(path, body) of every LabelSelector (matchLabels/matchExpressions) in the object."""
    kind = (obj.group, obj.kind)
    if kind == ("networking.k8s.io", "NetworkPolicy"):
        yield from _network_policy_selectors(obj)
    elif (
        kind not in MAP_SELECTORS
        and obj.spec.get("selector") is not None
        and (obj.template is not None or kind == ("policy", "PodDisruptionBudget"))
    ):
        yield ("spec", "selector"), obj.spec["selector"]
    yield from _pod_selectors(obj)


def _label_pairs(path: JsonPath, labels: Any) -> Iterator[Violation]:
    for key in sorted(k for k in mapping(labels) if isinstance(k, str)):
        for problem in is_qualified_name(key):
            yield Violation((*path, key), invalid(key, problem), at_key=True)
        value = labels[key]
        if isinstance(value, str):
            for problem in is_label_value(value):
                yield Violation((*path, key), invalid(value, problem))


def _selector_problems(path: JsonPath, body: Any) -> Iterator[Violation]:
    if not isinstance(body, Mapping):
        return
    try:
        Selector.parse(body)
    except SelectorError as exc:
        message, field = str(exc), exc.path[-1] if exc.path else None
        if isinstance(field, str) and message.startswith(f"{field}: "):
            message = message[len(field) + 2 :]  # the path already names the field
        yield Violation((*path, *exc.path), message)
        return
    yield from _label_pairs((*path, "matchLabels"), body.get("matchLabels"))
    for i, expr in items(body.get("matchExpressions")):
        key = expr.get("key")
        if isinstance(key, str):
            for problem in is_qualified_name(key):
                yield Violation((*path, "matchExpressions", i, "key"), invalid(key, problem))
        for j, value in enumerate(expr.get("values") or []):
            if isinstance(value, str):
                for problem in is_label_value(value):
                    yield Violation(
                        (*path, "matchExpressions", i, "values", j), invalid(value, problem)
                    )


@object_rule(
    "KL130",
    "invalid-selector",
    Severity.ERROR,
    "validation",
    title="Label selectors must be well formed",
    rationale="Operators are In, NotIn, Exists and DoesNotExist; In/NotIn need values and "
    "Exists/DoesNotExist take none; keys and values follow the label syntax. The apiserver "
    "rejects any other selector.",
    remediation="Fix the expression (operators are case-sensitive).",
    failing="""\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchExpressions:
      - {key: app, operator: in, values: [web]}
""",
    passing="""\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchExpressions:
      - {key: app, operator: In, values: [web]}
""",
)
def invalid_selector(obj: ObjectView) -> Iterator[Violation]:
    for path, body in label_selectors(obj):
        yield from _selector_problems(path, body)
    if (obj.group, obj.kind) in MAP_SELECTORS:
        yield from _label_pairs(("spec", "selector"), obj.spec.get("selector"))


_EMPTY_INVALID = {
    "Deployment": "deployment",
    "ReplicaSet": "replicaset",
    "DaemonSet": "daemonset",
    "StatefulSet": "statefulset",
}


@object_rule(
    "KL131",
    "selector-mismatch",
    Severity.ERROR,
    "validation",
    title="A controller's selector must match its pod template's labels",
    rationale="A controller manages the pods its selector matches; the apiserver rejects a "
    "Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController or Job "
    "(manualSelector) whose template would create pods it does not select, and an empty "
    "selector on apps/v1 controllers.",
    remediation="Make spec.template.metadata.labels satisfy spec.selector.",
    failing="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: frontend}
    spec:
      containers: [{name: web, image: nginx}]
""",
    passing="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: frontend}
    spec:
      containers: [{name: web, image: nginx}]
""",
    kinds=POD_CONTROLLERS | {("batch", "Job")},
)
def selector_mismatch(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    raw = obj.spec.get("selector")
    if template is None or raw is None:
        return
    if obj.kind == "Job" and obj.spec.get("manualSelector") is not True:
        return  # the selector is generated from the Job's uid
    try:
        if obj.kind == "ReplicationController":
            selector = Selector.from_map(raw, empty_selects_all=True)
        else:
            selector = Selector.parse(raw)
    except SelectorError:
        return  # reported by invalid-selector
    if selector.everything and obj.group == "apps":
        message = f"empty selector is invalid for {_EMPTY_INVALID.get(obj.kind, 'this kind')}"
        yield Violation(("spec", "selector"), invalid({}, message))
    elif not selector.matches(template.labels):
        has_labels = "labels" in template.metadata
        path = (*template.path, "metadata", "labels") if has_labels else (*template.path,)
        yield Violation(
            path,
            "`selector` does not match template `labels`",
            hint=f"selector: {selector}",
            at_key=not has_labels,
        )


_UNKNOWN_UID = "\x00uid assigned at creation"


def _generated_labels(obj: ObjectView) -> dict[str, str]:
    """The labels the apiserver puts on a Job's pods (the uid is not known before creation)."""
    uid = obj.metadata.get("uid")
    uid = uid if isinstance(uid, str) and uid else _UNKNOWN_UID
    labels = {"controller-uid": uid, "job-name": obj.name}
    labels.update({f"batch.kubernetes.io/{k}": v for k, v in labels.items()})
    return labels


@object_rule(
    "KL136",
    "job-selector-not-generated",
    Severity.ERROR,
    "validation",
    title="A Job's selector is generated unless manualSelector is true",
    rationale="The apiserver selects a Job's pods by the uid it assigns at creation. A "
    "selector written by hand (often copied from `kubectl get job -o yaml`, with the old "
    "controller-uid) is rejected unless spec.manualSelector is true; in a CronJob's jobTemplate "
    "a selector is never allowed.",
    remediation="Delete spec.selector (and the controller-uid labels of the template).",
    failing="""\
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  selector:
    matchLabels: {app: migrate}
  template:
    metadata:
      labels: {app: migrate}
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: migrate:1.0}]
""",
    passing="""\
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    metadata:
      labels: {app: migrate}
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: migrate:1.0}]
""",
    kinds={("batch", "Job"), ("batch", "CronJob")},
)
def job_selector_not_generated(obj: ObjectView) -> Iterator[Violation]:
    if obj.kind == "CronJob":
        job = mapping(mapping(obj.spec.get("jobTemplate")).get("spec"))
        base = ("spec", "jobTemplate", "spec")
        if job.get("selector") is not None:
            yield Violation((*base, "selector"), "`selector` will be auto-generated", at_key=True)
        if job.get("manualSelector") is True:
            message = 'Unsupported value: true: supported values: "nil", "false"'
            yield Violation((*base, "manualSelector"), message)
        return
    raw = obj.spec.get("selector")
    if raw is None or obj.spec.get("manualSelector") is True:
        return
    try:
        selector = Selector.parse(raw)
    except SelectorError:
        return  # reported by invalid-selector
    if not selector.matches(_generated_labels(obj)):
        yield Violation(
            ("spec", "selector"),
            "`selector` not auto-generated",
            hint="remove spec.selector, or set spec.manualSelector: true",
            at_key=True,
        )
