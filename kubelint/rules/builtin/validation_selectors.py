"""Label selectors: their syntax wherever they appear, and controllers' selectors against their
pod template's labels."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.podspec import PodTemplate
from kubelint.k8s.selectors import Selector, SelectorError
from kubelint.k8s.validation import invalid
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._memo import is_label_value, is_qualified_name
from kubelint.rules.builtin._validation import (
    POD_CONTROLLERS,
    items,
    label_violations,
    mapping,
    valid_label_key,
    valid_label_value,
    valid_labels,
)
from kubelint.rules.engine import ObjectView, Violation, object_rule

MAP_SELECTORS = frozenset({("", "Service"), ("", "ReplicationController")})
_AFFINITIES = ("podAffinity", "podAntiAffinity")
Selectors = Iterator[tuple[JsonPath, Any]]
_NETWORK_POLICY = ("networking.k8s.io", "NetworkPolicy")
_PDB = ("policy", "PodDisruptionBudget")
_MAP_SELECTOR_KINDS = frozenset(kind for _, kind in MAP_SELECTORS)
_TEMPLATELESS_KINDS = frozenset({_NETWORK_POLICY[1], _PDB[1], *_MAP_SELECTOR_KINDS})
"""Kinds that may hold a selector without having a pod template (a kind name is enough to
rule the others out)."""


def _term_selectors(path: JsonPath, term: Mapping[str, Any]) -> Selectors:
    for field in ("labelSelector", "namespaceSelector"):
        if term.get(field) is not None:
            yield (*path, field), term[field]


def _affinity_selectors(base: JsonPath, affinity: Mapping[str, Any]) -> Selectors:
    for kind in _AFFINITIES:
        rules = mapping(affinity.get(kind))
        required = "requiredDuringSchedulingIgnoredDuringExecution"
        for i, term in items(rules.get(required)):
            yield from _term_selectors((*base, kind, required, i), term)
        preferred = "preferredDuringSchedulingIgnoredDuringExecution"
        for i, weighted in items(rules.get(preferred)):
            term = mapping(weighted.get("podAffinityTerm"))
            yield from _term_selectors((*base, kind, preferred, i, "podAffinityTerm"), term)


def _pod_selectors(template: PodTemplate) -> Selectors:
    spec = template.spec
    affinity = spec.get("affinity")
    if isinstance(affinity, dict):
        yield from _affinity_selectors((*template.spec_path, "affinity"), affinity)
    for i, constraint in items(spec.get("topologySpreadConstraints")):
        if constraint.get("labelSelector") is not None:
            path = (*template.spec_path, "topologySpreadConstraints", i, "labelSelector")
            yield path, constraint["labelSelector"]


def _network_policy_selectors(spec: Mapping[str, Any]) -> Selectors:
    if spec.get("podSelector") is not None:
        yield ("spec", "podSelector"), spec["podSelector"]
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in items(spec.get(direction)):
            for j, peer in items(rule.get(peers)):
                for field in ("podSelector", "namespaceSelector"):
                    if peer.get(field) is not None:
                        yield ("spec", direction, i, peers, j, field), peer[field]


def label_selectors(obj: ObjectView) -> list[tuple[JsonPath, Any]]:
    """(path, body) of every LabelSelector (matchLabels/matchExpressions) in the object."""
    kind, spec, template = (obj.group, obj.kind), obj.spec, obj.template
    found = []
    if kind == _NETWORK_POLICY:
        found += _network_policy_selectors(spec)
    else:
        selector = spec.get("selector")
        if (
            selector is not None
            and kind not in MAP_SELECTORS
            and (template is not None or kind == _PDB)
        ):
            found.append((_SPEC_SELECTOR, selector))
    if template is not None and (
        template.spec.get("affinity") or template.spec.get("topologySpreadConstraints")
    ):
        found += _pod_selectors(template)
    return found


_SPEC_SELECTOR = ("spec", "selector")


def _plainly_valid(body: Any) -> bool:
    """True when `_selector_problems` would report nothing (the common case), checked without
    parsing the selector: only well-formed expressions and valid keys and values."""
    if not isinstance(body, dict):
        return True
    labels = body.get("matchLabels")
    if labels and not (isinstance(labels, dict) and valid_labels(labels)):
        return False
    expressions = body.get("matchExpressions")
    if not expressions:
        return True
    if not isinstance(expressions, list):
        return False
    for expr in expressions:
        if not isinstance(expr, dict):
            return False
        key, operator, values = expr.get("key"), expr.get("operator"), expr.get("values")
        if not (isinstance(key, str) and key and valid_label_key(key)):
            return False
        if operator in ("In", "NotIn"):
            if not (isinstance(values, list) and values):
                return False
        elif operator not in ("Exists", "DoesNotExist") or values:
            return False
        for value in values or ():
            if isinstance(value, str) and not valid_label_value(value):
                return False
    return True


def _selector_problems(path: JsonPath, body: Any) -> Iterator[Violation]:
    if not isinstance(body, dict):
        return
    try:
        Selector.parse(body)
    except SelectorError as exc:
        message, field = str(exc), exc.path[-1] if exc.path else None
        if isinstance(field, str) and message.startswith(f"{field}: "):
            message = message[len(field) + 2 :]  # the path already names the field
        yield Violation((*path, *exc.path), message)
        return
    yield from label_violations((*path, "matchLabels"), body.get("matchLabels"))
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
    template, kind = obj.template, obj.kind
    if template is None and kind not in _TEMPLATELESS_KINDS:
        return  # most objects (ConfigMaps, RBAC, …) hold no selector
    if template is not None or kind != "Service":  # a Service holds only its map selector
        for path, body in label_selectors(obj):
            if not _plainly_valid(body):
                yield from _selector_problems(path, body)
    if kind in _MAP_SELECTOR_KINDS and (obj.group, kind) in MAP_SELECTORS:
        selector = obj.spec.get("selector")
        if not valid_labels(selector):
            yield from label_violations(("spec", "selector"), selector)


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
    pairs = raw if obj.kind == "ReplicationController" else _match_labels_only(raw)
    if _equal_labels(pairs, template.labels):
        return  # the common case, decided without parsing the selector
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


def _match_labels_only(selector: Any) -> Any:
    """matchLabels of a selector without expressions, else None."""
    if isinstance(selector, dict) and not selector.get("matchExpressions"):
        return selector.get("matchLabels")
    return None


def _equal_labels(pairs: Any, labels: Mapping[str, Any]) -> bool:
    """Whether a non-empty map of string labels appears as such in `labels` (then the selector
    it makes selects them)."""
    if not pairs or not isinstance(pairs, dict):
        return False
    for key, value in pairs.items():
        if not isinstance(value, str) or labels.get(key) != value:
            return False
    return True


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
