"""ValidatingAdmissionPolicy + ValidatingAdmissionPolicyBinding, evaluated offline.

For every binding in the set (or given with --policy), the bound policy is applied to the objects
its `matchConstraints` and the binding's `matchResources` select, as a CREATE request would be:
`matchConditions` must all hold, then every `validations` expression must be true. A failure is
reported with the binding's `validationActions` (Deny → error, Warn → warning, Audit → info) and the
policy's message (`message`, `messageExpression`, or "failed expression: …" as the apiserver
words it). Params come from `paramRef` (by name or selector) among the objects of the set;
`parameterNotFoundAction: Deny` reports a missing param. Evaluation errors follow `failurePolicy`
(Fail reports, Ignore skips). Unsupported: `authorizer`, `request.userInfo` beyond empty values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from kubelint.k8s import scope
from kubelint.k8s.selectors import EVERYTHING, Selector, SelectorError
from kubelint.model import Severity
from kubelint.rules.cel.codes import CODES as _CODES  # noqa: F401  (registers KL6xx)
from kubelint.rules.cel.runtime import (
    CelCompileError,
    CelEvaluationError,
    Converted,
    Program,
    compile_expression,
    evaluate_variables,
    failure_message,
)
from kubelint.rules.context import Context
from kubelint.rules.engine import ObjectView, Violation

GROUP = "admissionregistration.k8s.io"
ACTIONS = {"Deny": Severity.ERROR, "Warn": Severity.WARNING, "Audit": Severity.INFO}


class PolicyError(ValueError):
    def __init__(self, message: str, path: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.path = path


def resource_name(group: str, kind: str) -> str:
    """The plural resource of a kind: from the table generated from upstream (built-in kinds,
    registered CRDs), else by the rule Kubernetes' RESTMapper uses to guess it (`Gateway` →
    gateways, `…Policy` → …policies, `…s` → …ses)."""
    known = scope.resource_name(group, kind)
    if known is not None:
        return known
    lower = kind.lower()
    if lower.endswith("endpoints"):
        return lower
    if lower.endswith("s"):
        return lower + "es"
    if lower.endswith("y") and lower[-2:-1] not in "aeiou":
        return lower[:-1] + "ies"
    return lower + "s"


class ResourceRule(NamedTuple):
    groups: frozenset[str]
    versions: frozenset[str]
    resources: frozenset[str]
    names: frozenset[str]
    operations: frozenset[str]

    def matches(self, obj: ObjectView, plural: str) -> bool:
        return (
            _has(self.groups, obj.group)
            and _has(self.versions, obj.version)
            and (_has(self.resources, plural))
            and (not self.names or obj.name in self.names)
            and (_has(self.operations, "CREATE"))
        )


def _has(values: frozenset[str], value: str) -> bool:
    return "*" in values or value in values


class MatchResources(NamedTuple):
    rules: tuple[ResourceRule, ...] | None  # None = not restricted (binding without rules)
    excludes: tuple[ResourceRule, ...]
    namespaces: Selector
    objects: Selector

    def matches(self, obj: ObjectView, plural: str, ns_labels: Mapping[str, Any]) -> bool:
        if self.rules is not None and not any(r.matches(obj, plural) for r in self.rules):
            return False
        if any(r.matches(obj, plural) for r in self.excludes):
            return False
        if obj.namespace and not self.namespaces.matches(ns_labels):
            return False
        return self.objects.matches(obj.labels)


class Validation(NamedTuple):
    expression: Program
    message: str | None
    message_expression: Program | None


class Policy(NamedTuple):
    name: str
    match: MatchResources
    conditions: tuple[tuple[str, Program], ...]
    variables: tuple[tuple[str, Program], ...]
    validations: tuple[Validation, ...]
    param_kind: tuple[str, str] | None  # (apiVersion, kind)
    fail_closed: bool


def _rules(items: Any, path: tuple[str | int, ...]) -> tuple[ResourceRule, ...]:
    out = []
    for i, item in enumerate(items or []):
        if not isinstance(item, Mapping):
            raise PolicyError("a resource rule must be an object", (*path, i))
        out.append(
            ResourceRule(
                frozenset(item.get("apiGroups") or []),
                frozenset(item.get("apiVersions") or []),
                frozenset(r.split("/")[0] for r in item.get("resources") or []),
                frozenset(item.get("resourceNames") or []),
                frozenset(item.get("operations") or []),
            )
        )
    return tuple(out)


def _selector(value: Any, path: tuple[str | int, ...]) -> Selector:
    if value is None:
        return EVERYTHING
    try:
        return Selector.parse(value)
    except SelectorError as exc:
        raise PolicyError(f"invalid selector: {exc}", (*path, *exc.path)) from None


def _match_resources(spec: Any, path: tuple[str | int, ...], required: bool) -> MatchResources:
    spec = spec if isinstance(spec, Mapping) else {}
    rules = spec.get("resourceRules")
    if required and not rules:
        raise PolicyError("matchConstraints.resourceRules: Required value", path)
    return MatchResources(
        _rules(rules, (*path, "resourceRules")) if rules else None,
        _rules(spec.get("excludeResourceRules"), (*path, "excludeResourceRules")),
        _selector(spec.get("namespaceSelector"), (*path, "namespaceSelector")),
        _selector(spec.get("objectSelector"), (*path, "objectSelector")),
    )


def _programs(items: Any, key: str, path: tuple[str | int, ...]) -> tuple[tuple[str, Program], ...]:
    out = []
    for i, item in enumerate(items or []):
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            raise PolicyError(f"{key}[{i}]: needs a name and an expression", (*path, i))
        out.append((item["name"], _compile(item.get("expression"), (*path, i, "expression"))))
    return tuple(out)


def _compile(text: Any, path: tuple[str | int, ...]) -> Program:
    if not isinstance(text, str) or not text.strip():
        raise PolicyError("expression: Required value", path)
    try:
        return compile_expression(text)
    except CelCompileError as exc:
        raise PolicyError(f"compilation failed: {exc}", path) from None


def compile_policy(obj: ObjectView) -> Policy:
    spec = obj.spec
    validations = []
    for i, item in enumerate(spec.get("validations") or []):
        path = ("spec", "validations", i)
        if not isinstance(item, Mapping):
            raise PolicyError("a validation must be an object", path)
        message_expression = item.get("messageExpression")
        validations.append(
            Validation(
                _compile(item.get("expression"), (*path, "expression")),
                item.get("message") if isinstance(item.get("message"), str) else None,
                _compile(message_expression, (*path, "messageExpression"))
                if message_expression is not None
                else None,
            )
        )
    param_kind = spec.get("paramKind")
    return Policy(
        obj.name,
        _match_resources(spec.get("matchConstraints"), ("spec", "matchConstraints"), True),
        _programs(spec.get("matchConditions"), "matchConditions", ("spec", "matchConditions")),
        _programs(spec.get("variables"), "variables", ("spec", "variables")),
        tuple(validations),
        (str(param_kind.get("apiVersion", "")), str(param_kind.get("kind", "")))
        if isinstance(param_kind, Mapping)
        else None,
        spec.get("failurePolicy", "Fail") != "Ignore",
    )


def admission_violations(ctx: Context) -> Iterator[tuple[ObjectView, Violation]]:
    """The set rule: every (object, violation) the bound policies of the set report."""
    policies: dict[str, Policy | None] = {}
    for obj in ctx.of_kind((GROUP, "ValidatingAdmissionPolicy")):
        try:
            policies.setdefault(obj.name, compile_policy(obj))
        except PolicyError as exc:
            policies.setdefault(obj.name, None)
            yield (
                obj,
                Violation(exc.path, f"policy {obj.name}: {exc}", code="admission-policy-invalid"),
            )
    namespaces = {o.name: o.labels for o in ctx.of_kind(("", "Namespace"))}
    for binding in ctx.of_kind((GROUP, "ValidatingAdmissionPolicyBinding")):
        yield from _bound(ctx, binding, policies, namespaces)


def _bound(
    ctx: Context,
    binding: ObjectView,
    policies: Mapping[str, Policy | None],
    namespaces: Mapping[str, Mapping[str, Any]],
) -> Iterator[tuple[ObjectView, Violation]]:
    spec = binding.spec
    name = spec.get("policyName")
    if name not in policies:
        yield (
            binding,
            Violation(
                ("spec", "policyName"),
                f"binding {binding.name}: no ValidatingAdmissionPolicy {name!r} in the set",
                code="admission-policy-invalid",
            ),
        )
        return
    policy = policies[name]
    if policy is None:
        return
    try:
        narrowing = _match_resources(spec.get("matchResources"), ("spec", "matchResources"), False)
    except PolicyError as exc:
        yield (
            binding,
            Violation(exc.path, f"binding {binding.name}: {exc}", code="admission-policy-invalid"),
        )
        return
    actions = spec.get("validationActions") or ["Deny"]
    severity = max((ACTIONS[a] for a in actions if a in ACTIONS), default=Severity.ERROR)
    for obj in _candidates(ctx, policy):
        ns_labels = namespaces.get(obj.namespace) or {"kubernetes.io/metadata.name": obj.namespace}
        plural = resource_name(obj.group, obj.kind)
        if not policy.match.matches(obj, plural, ns_labels):
            continue
        if not narrowing.matches(obj, plural, ns_labels):
            continue
        for params in _params(ctx, policy, binding, obj):
            if params is _MISSING:
                yield (
                    obj,
                    Violation(
                        (),
                        f"policy {policy.name} (binding {binding.name}): no params found "
                        "and paramRef.parameterNotFoundAction is Deny",
                        severity=severity,
                    ),
                )
                continue
            yield from _evaluate(policy, binding, obj, plural, params, namespaces, severity)


_MISSING = object()


def _candidates(ctx: Context, policy: Policy) -> list[ObjectView]:
    """Objects of the kinds the policy's resource rules name (an index lookup per kind rather
    than a scan of the set per binding), in file and document order."""
    rules = policy.match.rules or ()
    kinds = [
        key
        for key in ctx.by_kind
        if not (key[0] == GROUP and key[1].startswith("ValidatingAdmissionPolicy"))
        and any(_has(r.groups, key[0]) and _has(r.resources, resource_name(*key)) for r in rules)
    ]
    objects = [obj for key in kinds for obj in ctx.by_kind[key]]
    if len(kinds) > 1:
        objects.sort(key=lambda o: (o.doc.source, o.doc.index, o.doc.base_path))
    return objects


def _params(ctx: Context, policy: Policy, binding: ObjectView, obj: ObjectView) -> list[Any]:
    ref = binding.spec.get("paramRef")
    if policy.param_kind is None or not isinstance(ref, Mapping):
        return [None]
    api_version, kind = policy.param_kind
    group = api_version.rpartition("/")[0]
    namespace = ref.get("namespace") or obj.namespace
    if isinstance(ref.get("name"), str):
        found = ctx.get(group, kind, namespace, ref["name"]) or ctx.get(
            group, kind, "", ref["name"]
        )
        candidates = [found] if found else []
    else:
        try:
            selector = Selector.parse(ref.get("selector") or {})
        except SelectorError:
            selector = EVERYTHING
        candidates = [
            o
            for o in ctx.by_kind.get((group, kind), [])
            if o.namespace in (namespace, "") and selector.matches(o.labels)
        ]
    if candidates:
        return [dict(c.body) for c in candidates]
    return [_MISSING] if ref.get("parameterNotFoundAction", "Deny") == "Deny" else []


def _evaluate(
    policy: Policy,
    binding: ObjectView,
    obj: ObjectView,
    plural: str,
    params: Any,
    namespaces: Mapping[str, Mapping[str, Any]],
    severity: Severity,
) -> Iterator[tuple[ObjectView, Violation]]:
    data: dict[str, Any] = {
        "object": Converted(dict(obj.body)),
        "oldObject": None,
        "params": params,
        "request": _request(obj, plural),
        "namespaceObject": {
            "metadata": {"name": obj.namespace, "labels": dict(namespaces.get(obj.namespace) or {})}
        }
        if obj.namespace
        else None,
    }
    where = f"policy {policy.name} (binding {binding.name})"
    try:
        data["variables"] = evaluate_variables(policy.variables, data)
        for _, condition in policy.conditions:
            if condition.evaluate(data) is not True:
                return
        for validation in policy.validations:
            if validation.expression.evaluate(data) is True:
                continue
            message = failure_message(
                validation.expression,
                validation.message,
                validation.message_expression,
                data,
                single_line=True,
            )
            yield obj, Violation((), f"{where}: {message}", severity=severity)
    except CelEvaluationError as exc:
        if policy.fail_closed:
            yield (
                obj,
                Violation(
                    (),
                    f"{where}: expression failed ({exc}); failurePolicy is Fail",
                    severity=severity,
                ),
            )


def _request(obj: ObjectView, plural: str) -> dict[str, Any]:
    return {
        "operation": "CREATE",
        "kind": {"group": obj.group, "version": obj.version, "kind": obj.kind},
        "resource": {
            "group": obj.group,
            "version": obj.version,
            "resource": plural,
        },
        "name": obj.name,
        "namespace": obj.namespace,
        "userInfo": {"username": "", "groups": []},
        "dryRun": True,
    }
