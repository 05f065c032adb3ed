"""Object metadata as the apiserver validates it: names, namespaces, labels, annotations."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from kubelint.k8s.validation import (
    TOTAL_ANNOTATION_SIZE,
    invalid,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_path_segment_name,
)
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._memo import is_qualified_name
from kubelint.rules.builtin._validation import (
    ValidStrings,
    label_violations,
    valid_dns1123_label,
    valid_labels,
)
from kubelint.rules.engine import ObjectView, Violation, object_rule

NameCheck = Callable[[str], Sequence[str]]

_RBAC = "rbac.authorization.k8s.io"
_FLOWCONTROL = "flowcontrol.apiserver.k8s.io"
NAME_FORMATS: dict[tuple[str, str], NameCheck] = {
    ("", "Namespace"): is_dns1123_label,
    ("", "Service"): is_dns1035_label,
    **{(_RBAC, k): is_path_segment_name for k in ("Role", "ClusterRole")},
    **{(_RBAC, k): is_path_segment_name for k in ("RoleBinding", "ClusterRoleBinding")},
    **{
        (_FLOWCONTROL, k): is_path_segment_name
        for k in ("FlowSchema", "PriorityLevelConfiguration")
    },
}
"""Kinds whose names are not DNS-1123 subdomains (the default for every other kind). Names
seldom repeat: the checks are not memoised, but names found valid are remembered."""
_VALID_NAMES: dict[NameCheck, ValidStrings] = {
    is_dns1123_label: valid_dns1123_label,  # shared with the other checks of DNS-1123 labels
    **{c: ValidStrings(c) for c in (is_dns1035_label, is_path_segment_name, is_dns1123_subdomain)},
}
_OTHER_FORMAT_KINDS = frozenset(kind for _, kind in NAME_FORMATS)
"""Names of the kinds in NAME_FORMATS: other kinds are DNS-1123 subdomains whatever their group."""

CRONJOB_NAME_MAX = 52  # the controller appends an 11-character suffix to name a Job (≤ 63)
_CRONJOB = ("batch", "CronJob")
_CRD = ("apiextensions.k8s.io", "CustomResourceDefinition")


@object_rule(
    "KL100",
    "invalid-name",
    Severity.ERROR,
    "validation",
    title="Object names must have the format the apiserver requires for their kind",
    rationale="Most objects are named by a DNS-1123 subdomain (lower case, at most 253 "
    "characters); Namespaces by a DNS-1123 label (at most 63); Services by a DNS-1035 label "
    "(must start with a letter); RBAC objects by a path segment. The apiserver rejects other "
    "names, and a CronJob name longer than 52 characters.",
    remediation="Rename the object: lower-case letters, digits and '-' are always safe.",
    failing="""\
apiVersion: v1
kind: Service
metadata:
  name: 1st_Service
spec:
  selector: {app: web}
  ports: [{port: 80}]
""",
    passing="""\
apiVersion: v1
kind: Service
metadata:
  name: first-service
spec:
  selector: {app: web}
  ports: [{port: 80}]
""",
)
def invalid_name(obj: ObjectView) -> Iterator[Violation]:
    meta = obj.metadata
    name = meta.get("name")
    check = is_dns1123_subdomain
    if obj.kind in _OTHER_FORMAT_KINDS:  # a kind name is enough to rule the others out
        check = NAME_FORMATS.get((obj.group, obj.kind), is_dns1123_subdomain)
    kind = (obj.group, obj.kind)
    if isinstance(name, str) and name:
        if not _VALID_NAMES[check](name):
            for problem in check(name):
                yield Violation(("metadata", "name"), invalid(name, problem))
        if kind == _CRONJOB and len(name) > CRONJOB_NAME_MAX:
            yield Violation(
                ("metadata", "name"),
                invalid(name, f"must be no more than {CRONJOB_NAME_MAX} characters"),
            )
    else:
        generate = meta.get("generateName")
        if isinstance(generate, str) and generate:
            masked = generate[:-1] + "a" if generate.endswith("-") else generate
            for problem in check(masked):
                yield Violation(("metadata", "generateName"), invalid(generate, problem))
    if kind == _CRD:
        yield from _crd_name(obj)


def _crd_name(obj: ObjectView) -> Iterator[Violation]:
    plural, group = obj.get("spec", "names", "plural"), obj.get("spec", "group")
    name = obj.metadata.get("name")
    if not (isinstance(plural, str) and isinstance(group, str) and isinstance(name, str)):
        return
    if name != f"{plural}.{group}":
        yield Violation(
            ("metadata", "name"),
            invalid(name, 'must be spec.names.plural+"."+spec.group'),
            hint=f"name it {plural}.{group}",
        )


@object_rule(
    "KL101",
    "invalid-namespace-name",
    Severity.ERROR,
    "validation",
    title="metadata.namespace must be a DNS-1123 label",
    rationale="Namespace names are DNS labels (lower case, at most 63 characters, no dots); "
    "an object placed in an impossible namespace cannot be created.",
    remediation="Fix the namespace name (and the Namespace object that defines it).",
    failing="""\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: Team.A
""",
    passing="""\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: team-a
""",
)
def invalid_namespace(obj: ObjectView) -> Iterator[Violation]:
    if not obj.namespace:
        return  # cluster-scoped: the apiserver drops metadata.namespace
    namespace = obj.metadata.get("namespace")
    if isinstance(namespace, str) and namespace and not valid_dns1123_label(namespace):
        for problem in is_dns1123_label(namespace):
            yield Violation(("metadata", "namespace"), invalid(namespace, problem))


@object_rule(
    "KL102",
    "invalid-label",
    Severity.ERROR,
    "validation",
    title="Label keys must be qualified names and values valid label values",
    rationale="A label key is an optional DNS subdomain prefix and '/' plus a name of at most "
    "63 alphanumerics, '-', '_' or '.'; a value is empty or at most 63 such characters, "
    "starting and ending alphanumeric. The apiserver rejects anything else.",
    remediation="Shorten or rewrite the label; keep free text in annotations instead.",
    failing="""\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    owner: team a
""",
    passing="""\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    owner: team-a
""",
)
def invalid_label(obj: ObjectView) -> Iterator[Violation]:
    labels = obj.metadata.get("labels")
    if not valid_labels(labels):
        yield from label_violations(("metadata", "labels"), labels)
    template = obj.template
    if template is not None and template.path:  # a Pod is its own template
        labels = template.metadata.get("labels")
        if not valid_labels(labels):
            yield from label_violations((*template.path, "metadata", "labels"), labels)


@object_rule(
    "KL103",
    "invalid-annotation",
    Severity.ERROR,
    "validation",
    title="Annotation keys must be qualified names; all annotations together at most 256 KiB",
    rationale="Annotation keys follow the label-key format (case-insensitively); the keys and "
    "values of one object's annotations may not exceed 262144 bytes in total.",
    remediation="Fix the key; move large data to a ConfigMap. (`kubectl apply` stores the whole "
    "object in an annotation: use `kubectl apply --server-side` or `kubectl create` for large "
    "objects.)",
    failing="""\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    "example.com/owner/team": a
""",
    passing="""\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    example.com/owner-team: a
""",
)
def invalid_annotation(obj: ObjectView) -> Iterator[Violation]:
    annotations = obj.metadata.get("annotations")
    if isinstance(annotations, dict) and not _valid_annotations(annotations):
        yield from _annotation_violations(("metadata", "annotations"), annotations)
    template = obj.template
    if template is not None and template.path:  # a Pod is its own template
        annotations = template.metadata.get("annotations")
        if isinstance(annotations, dict) and not _valid_annotations(annotations):
            path = (*template.path, "metadata", "annotations")
            yield from _annotation_violations(path, annotations)


def _annotation_key_problems(key: str) -> Sequence[str]:
    return is_qualified_name(key.lower())


_valid_annotation_key = ValidStrings(_annotation_key_problems)
_VALID_ANNOTATION_KEYS = _valid_annotation_key.seen


def _valid_annotations(annotations: Mapping[str, Any]) -> bool:
    """True when `_annotation_violations` would report nothing (the common case)."""
    size = 0
    for key, value in annotations.items():
        if not isinstance(key, str):
            continue
        if key not in _VALID_ANNOTATION_KEYS and not _valid_annotation_key(key):
            return False
        size += len(key) if key.isascii() else len(key.encode())  # UTF-8 bytes, cheaply
        if isinstance(value, str):
            size += len(value) if value.isascii() else len(value.encode())
    return size <= TOTAL_ANNOTATION_SIZE


def _annotation_violations(path: JsonPath, annotations: Mapping[str, Any]) -> Iterator[Violation]:
    size = 0
    for key in sorted(k for k in annotations if isinstance(k, str)):
        for problem in _annotation_key_problems(key):
            yield Violation((*path, key), invalid(key, problem), at_key=True)
        value = annotations[key]
        size += len(key.encode()) + (len(value.encode()) if isinstance(value, str) else 0)
    if size > TOTAL_ANNOTATION_SIZE:
        yield Violation(
            path,
            f"Too long: may not be more than {TOTAL_ANNOTATION_SIZE} bytes "
            f"(annotations total {size} bytes)",
            at_key=True,
        )
