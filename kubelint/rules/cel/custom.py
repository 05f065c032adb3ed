"""User rules written in CEL, loaded from YAML files (see docs/custom-rules.md).

    apiVersion: kubelint.dev/v1alpha1
    kind: Rule
    metadata: {name: require-team-label}
    spec:
      code: ACME001                 # optional; defaults to the name
      severity: warning             # error | warning | info (default warning)
      title: Workloads name their owning team
      match: {kinds: [apps/Deployment], namespaces: [prod], labelSelector: {...}}
      variables: [{name: labels, expression: "object.metadata.?labels.orValue({})"}]
      validations:
      - expression: "'team' in object.metadata.labels"
        message: "no team label"              # or messageExpression: "'...' + object.metadata.name"
        path: metadata.labels                 # where the finding points (optional)

An expression that evaluates to true passes, as in a ValidatingAdmissionPolicy. A file that
cannot be used yields `custom-rule-invalid` findings naming file and line, and no rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from kubelint.codes import finding
from kubelint.k8s.selectors import SelectorError
from kubelint.load import load_file
from kubelint.load.files import discover
from kubelint.model import Document, Finding, JsonPath, Location, Severity
from kubelint.rules.cel.codes import CODES as _CODES  # noqa: F401  (registers KL6xx)
from kubelint.rules.cel.match import Match, parse_match
from kubelint.rules.cel.runtime import (
    CelCompileError,
    CelEvaluationError,
    Converted,
    CostExceeded,
    Program,
    compile_expression,
    evaluate_variables,
    failure_message,
)
from kubelint.rules.engine import CATEGORIES, REGISTRY, ObjectView, Rule, Violation

API_VERSION = "kubelint.dev/v1alpha1"
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_CODE = re.compile(r"^[A-Z][A-Z0-9_-]{1,31}$")


class Validation(NamedTuple):
    expression: Program
    message: str | None
    message_expression: Program | None
    path: JsonPath


class CelRule(NamedTuple):
    name: str
    match: Match
    variables: tuple[tuple[str, Program], ...]
    validations: tuple[Validation, ...]

    def check(self, obj: ObjectView) -> Iterator[Violation]:
        if not self.match.applies(obj):
            return
        data = {"object": Converted(dict(obj.body)), "oldObject": None}
        try:
            data["variables"] = evaluate_variables(self.variables, data)
            for validation in self.validations:
                if validation.expression.evaluate(data) is True:
                    continue
                yield Violation(
                    validation.path,
                    failure_message(
                        validation.expression,
                        validation.message,
                        validation.message_expression,
                        data,
                    ),
                )
        except CostExceeded as exc:
            yield Violation((), f"rule {self.name}: {exc}", code="cel-cost-exceeded")
        except CelEvaluationError as exc:
            yield Violation((), f"rule {self.name}: {exc}", code="cel-evaluation-error")


class _Invalid(Exception):
    def __init__(self, message: str, path: JsonPath, column_offset: int = 0) -> None:
        super().__init__(message)
        self.path = path
        self.column_offset = column_offset


def load_custom_rules(paths: Iterable[str]) -> tuple[list[Rule], list[Finding]]:
    """Rules from YAML files and directories; problems are findings, never exceptions."""
    rules: list[Rule] = []
    findings: list[Finding] = []
    seen: dict[str, str] = {}
    discovery = discover(list(paths))
    findings.extend(discovery.findings)
    for item in discovery.files:
        loaded = load_file(item)
        findings.extend(loaded.findings)
        for doc in loaded.documents:
            try:
                rule = _rule(doc)
            except _Invalid as exc:
                where = doc.locate(exc.path)
                where = Location(where.line, where.column + exc.column_offset)
                findings.append(_invalid(doc, where, str(exc), exc.path))
                continue
            clash = seen.get(rule.code) or seen.get(rule.name)
            if clash or rule.code in REGISTRY or rule.name in {r.name for r in REGISTRY.values()}:
                where = doc.locate(("metadata", "name"))
                message = f"rule {rule.code} {rule.name} is already defined" + (
                    f" in {clash}" if clash else " by kubelint"
                )
                findings.append(_invalid(doc, where, message, ("metadata", "name")))
                continue
            seen[rule.code] = seen[rule.name] = f"{doc.source}:{doc.line}"
            rules.append(rule)
    return rules, findings


def _invalid(doc: Document, where: Location, message: str, path: JsonPath) -> Finding:
    return finding(
        "custom-rule-invalid",
        doc.source,
        where,
        message,
        ref=doc.ref,
        path=path,
        document=doc.index,
    )


def _rule(doc: Document) -> Rule:
    body = doc.body
    if body.get("apiVersion") != API_VERSION or body.get("kind") != "Rule":
        raise _Invalid(f"expected apiVersion {API_VERSION} and kind Rule", ("kind",))
    name = _get(body, ("metadata", "name"), str)
    if not _NAME.match(name):
        raise _Invalid(
            f"rule name {name!r} must be a lowercase slug (a-z, 0-9, -)", ("metadata", "name")
        )
    spec = _get(body, ("spec",), dict)
    code = _optional(spec, "code", str, ("spec",)) or name
    if code != name and not _CODE.match(code):
        raise _Invalid(
            f"code {code!r} must be upper-case letters/digits (e.g. ACME001)", ("spec", "code")
        )
    if code != name and code.startswith("KL"):
        raise _Invalid(f"code {code!r}: the KL prefix is reserved for kubelint", ("spec", "code"))
    severity = _severity(spec)
    category = _optional(spec, "category", str, ("spec",)) or "custom"
    if category not in CATEGORIES:
        raise _Invalid(f"category must be one of {', '.join(CATEGORIES)}", ("spec", "category"))
    cel_rule = CelRule(name, _match(spec), _variables(spec), _validations(spec))
    return Rule(
        code=code,
        name=name,
        severity=severity,
        category=category,
        title=_optional(spec, "title", str, ("spec",)) or name,
        rationale=_optional(spec, "rationale", str, ("spec",)) or "",
        remediation=_optional(spec, "remediation", str, ("spec",)) or "",
        failing="",
        passing="",
        check=cel_rule.check,
        scope="object",
        kinds=None,
        default=True,
        peers={},
    )


def _severity(spec: Mapping[str, Any]) -> Severity:
    text = _optional(spec, "severity", str, ("spec",)) or "warning"
    try:
        return Severity.parse(text)
    except ValueError:
        raise _Invalid("severity must be error, warning or info", ("spec", "severity")) from None


def _match(spec: Mapping[str, Any]) -> Match:
    match = _optional(spec, "match", dict, ("spec",)) or {}
    for key in ("kinds", "namespaces"):
        value = match.get(key)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            raise _Invalid(f"match.{key} must be a list of strings", ("spec", "match", key))
    unknown = sorted(set(match) - {"kinds", "namespaces", "labelSelector"})
    if unknown:
        raise _Invalid(f"unknown field match.{unknown[0]}", ("spec", "match", unknown[0]))
    try:
        return parse_match(match)
    except SelectorError as exc:
        raise _Invalid(
            f"labelSelector: {exc}", ("spec", "match", "labelSelector", *exc.path)
        ) from None


def _variables(spec: Mapping[str, Any]) -> tuple[tuple[str, Program], ...]:
    items = _optional(spec, "variables", list, ("spec",)) or []
    out = []
    for i, item in enumerate(items):
        path = ("spec", "variables", i)
        if not isinstance(item, dict):
            raise _Invalid("a variable must be an object with name and expression", path)
        name = _get(item, ("name",), str, path)
        out.append((name, _compile(item, "expression", (*path, "expression"))))
    return tuple(out)


def _validations(spec: Mapping[str, Any]) -> tuple[Validation, ...]:
    items = _get(spec, ("validations",), list, ("spec",))
    if not items:
        raise _Invalid("validations: at least one validation is required", ("spec", "validations"))
    out = []
    for i, item in enumerate(items):
        path = ("spec", "validations", i)
        if not isinstance(item, dict):
            raise _Invalid("a validation must be an object with an expression", path)
        expression = _compile(item, "expression", (*path, "expression"))
        message_expression = (
            _compile(item, "messageExpression", (*path, "messageExpression"))
            if "messageExpression" in item
            else None
        )
        target = _optional(item, "path", str, path) or ""
        out.append(
            Validation(
                expression,
                _optional(item, "message", str, path),
                message_expression,
                _dotted(target),
            )
        )
    return tuple(out)


def _dotted(text: str) -> JsonPath:
    steps: list[str | int] = []
    for part in filter(None, text.split(".")):
        name, *indexes = part.split("[")
        if name:
            steps.append(name)
        steps.extend(int(i.rstrip("]")) for i in indexes if i.rstrip("]").isdigit())
    return tuple(steps)


def _compile(item: Mapping[str, Any], key: str, path: JsonPath) -> Program:
    text = item.get(key)
    if not isinstance(text, str) or not text.strip():
        raise _Invalid(f"{key} must be a non-empty CEL expression", path)
    try:
        return compile_expression(text)
    except CelCompileError as exc:
        offset = exc.column - 1 if exc.line == 1 else 0
        raise _Invalid(f"{key}: {exc}", path, offset) from None


def _get(node: Mapping[str, Any], path: JsonPath, kind: type, base: JsonPath = ()) -> Any:
    value: Any = node
    for step in path:
        value = value.get(step) if isinstance(value, dict) else None
    if not isinstance(value, kind) or (kind is str and not value):
        what = {str: "a string", dict: "an object", list: "a list"}[kind]
        raise _Invalid(f"{'.'.join(map(str, path))}: required, must be {what}", (*base, *path))
    return value


def _optional(node: Mapping[str, Any], key: str, kind: type, base: JsonPath) -> Any:
    if key not in node or node[key] is None:
        return None
    return _get(node, (key,), kind, base)
