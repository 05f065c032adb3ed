"""RBAC roles and bindings as the apiserver validates them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.validation import invalid
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._memo import is_dns1123_subdomain, is_path_segment_name
from kubelint.rules.builtin._validation import items, mapping
from kubelint.rules.engine import ObjectView, Violation, object_rule

RBAC = "rbac.authorization.k8s.io"
ROLES = frozenset({(RBAC, "Role"), (RBAC, "ClusterRole")})
BINDINGS = frozenset({(RBAC, "RoleBinding"), (RBAC, "ClusterRoleBinding")})

_ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
rules:
  - {rule}
"""


_RESOURCE_FIELDS = ("apiGroups", "resources", "resourceNames")


def _count(value: Any) -> int:
    return len(value) if isinstance(value, list) else 0


@object_rule(
    "KL170",
    "invalid-rbac-rule",
    Severity.ERROR,
    "validation",
    title="RBAC rules name verbs and either resources (with API groups) or non-resource URLs",
    rationale='A rule needs at least one verb; a resource rule at least one apiGroup ("" is '
    "the core group) and one resource; nonResourceURLs cannot be mixed with resources and only "
    "exist in ClusterRoles.",
    remediation='Add `apiGroups: [""]` for core resources; move URL rules to a ClusterRole.',
    failing=_ROLE.format(rule="{resources: [pods], verbs: [get]}"),
    passing=_ROLE.format(rule='{apiGroups: [""], resources: [pods], verbs: [get]}'),
    kinds=ROLES,
)
def invalid_rbac_rule(obj: ObjectView) -> Iterator[Violation]:
    namespaced = obj.kind == "Role"
    for i, rule in items(obj.body.get("rules")):
        if not _valid_rule(rule, namespaced):
            yield from _rule(("rules", i), rule, namespaced)


def _valid_rule(rule: Mapping[str, Any], namespaced: bool) -> bool:
    """True when `_rule` would report nothing (the common case)."""
    verbs, urls = rule.get("verbs"), rule.get("nonResourceURLs")
    if isinstance(verbs, list) and not verbs:
        return False
    if not (isinstance(urls, list) and urls):  # a resource rule
        groups, resources = rule.get("apiGroups"), rule.get("resources")
        return (
            isinstance(groups, list)
            and len(groups) > 0
            and isinstance(resources, list)
            and len(resources) > 0
        )
    return not namespaced and not any(_count(rule.get(k)) for k in _RESOURCE_FIELDS)


def _rule(path: JsonPath, rule: Mapping[str, Any], namespaced: bool) -> Iterator[Violation]:
    if isinstance(rule.get("verbs"), list) and not rule["verbs"]:
        message = "Required value: verbs must contain at least one value"
        yield Violation((*path, "verbs"), message)
    urls = rule.get("nonResourceURLs")
    if _count(urls):
        url_path = (*path, "nonResourceURLs")
        if namespaced:
            yield Violation(
                url_path, invalid(urls, "namespaced rules cannot apply to non-resource URLs")
            )
        if any(_count(rule.get(k)) for k in ("apiGroups", "resources", "resourceNames")):
            message = "rules cannot apply to both regular resources and non-resource URLs"
            yield Violation(url_path, invalid(urls, message))
        return
    if not _count(rule.get("apiGroups")):
        message = "Required value: resource rules must supply at least one api group"
        yield Violation((*path, "apiGroups"), message, at_key="apiGroups" not in rule)
    if not _count(rule.get("resources")):
        message = "Required value: resource rules must supply at least one resource"
        yield Violation((*path, "resources"), message, at_key="resources" not in rule)


_BINDING = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: read-all
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}}
subjects:
  - {{kind: ServiceAccount, name: reporter{namespace}}}
"""


@object_rule(
    "KL171",
    "invalid-role-binding",
    Severity.ERROR,
    "validation",
    title="Bindings reference a role kind they may bind, and well-formed subjects",
    rationale="A ClusterRoleBinding can only bind a ClusterRole; roleRef.apiGroup is "
    "rbac.authorization.k8s.io. Subjects are ServiceAccounts (no apiGroup; a namespace is "
    "required in a ClusterRoleBinding), Users or Groups (apiGroup rbac.authorization.k8s.io).",
    remediation="Add the ServiceAccount's namespace; bind Roles with RoleBindings.",
    failing=_BINDING.format(namespace=""),
    passing=_BINDING.format(namespace=", namespace: reports"),
    kinds=BINDINGS,
)
def invalid_role_binding(obj: ObjectView) -> Iterator[Violation]:
    namespaced = obj.kind == "RoleBinding"
    ref = mapping(obj.body.get("roleRef"))
    kinds = ("Role", "ClusterRole") if namespaced else ("ClusterRole",)
    kind, group, name = ref.get("kind"), ref.get("apiGroup"), ref.get("name")
    if isinstance(kind, str) and kind not in kinds:
        yield Violation(("roleRef", "kind"), _unsupported(kind, kinds))
    if isinstance(group, str) and group != RBAC:
        yield Violation(("roleRef", "apiGroup"), _unsupported(group, (RBAC,)))
    if isinstance(name, str) and name:
        for problem in is_path_segment_name(name):
            yield Violation(("roleRef", "name"), invalid(name, problem))
    for i, subject in items(obj.body.get("subjects")):
        yield from _subject(("subjects", i), subject, namespaced)


def _unsupported(value: str, supported: tuple[str, ...]) -> str:
    return f'Unsupported value: "{value}": supported values: ' + ", ".join(
        f'"{s}"' for s in supported
    )


def _subject(path: JsonPath, subject: Mapping[str, Any], namespaced: bool) -> Iterator[Violation]:
    kind, group, name = subject.get("kind"), subject.get("apiGroup"), subject.get("name")
    if kind == "ServiceAccount":
        if isinstance(name, str) and name:
            for problem in is_dns1123_subdomain(name):
                yield Violation((*path, "name"), invalid(name, problem))
        if isinstance(group, str) and group:
            yield Violation((*path, "apiGroup"), _unsupported(group, ("",)))
        if not namespaced and not subject.get("namespace"):
            yield Violation((*path, "namespace"), "Required value", at_key=True)
    elif kind in ("User", "Group"):
        if isinstance(group, str) and group and group != RBAC:
            yield Violation((*path, "apiGroup"), _unsupported(group, (RBAC,)))
    elif isinstance(kind, str):
        supported = ("ServiceAccount", "User", "Group")
        yield Violation((*path, "kind"), _unsupported(kind, supported))
