"""The rule engine's vocabulary: what a rule is, how it is registered, what it sees.

A rule is a small function registered by decorator together with its documentation:

    @object_rule(
        "KL201", "privileged-container", Severity.ERROR, "security",
        title="Containers must not run privileged",
        rationale="...", remediation="...",
        failing=\"\"\"<a manifest that fails>\"\"\", passing=\"\"\"<one that passes>\"\"\",
        kinds=WORKLOADS,
    )
    def privileged(obj: ObjectView) -> Iterator[Violation]:
        for c in obj.containers():
            if (c.body.get("securityContext") or {}).get("privileged") is True:
                yield Violation((*c.path, "securityContext", "privileged"), f"container ...")

Object rules see one object at a time (`ObjectView`); set rules see the whole input through a
`Context` with indexes and yield `(ObjectView, Violation)` pairs. Violations carry JSON paths
relative to the object; the runner turns them into Findings with file:line:column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from kubelint.k8s.podspec import Container, PodTemplate, containers, pod_template
from kubelint.model import Document, JsonPath, Severity

CATEGORIES = (
    "validation",  # what the apiserver would reject
    "security",
    "reliability",
    "resources",
    "networking",
    "references",  # objects pointing at objects that are not in the set
    "deprecation",
    "best-practice",
    "custom",
)

WORKLOADS = frozenset(
    {
        ("", "Pod"),
        ("", "ReplicationController"),
        ("", "PodTemplate"),
        ("apps", "Deployment"),
        ("apps", "ReplicaSet"),
        ("apps", "StatefulSet"),
        ("apps", "DaemonSet"),
        ("extensions", "Deployment"),
        ("extensions", "ReplicaSet"),
        ("extensions", "DaemonSet"),
        ("batch", "Job"),
        ("batch", "CronJob"),
    }
)
"""Kinds with a pod template. Custom workloads (Argo Rollouts, …) are added by configuration and
are visible to rules through ObjectView.template, so a rule should test `obj.template`, not kind."""

POD_TEMPLATES = "pod-templates"
"""`kinds=POD_TEMPLATES`: the rule reads nothing but the pod template (`obj.template`,
`obj.containers()`, settings), so it cannot report on an object without one and the runner
skips those — of any kind, custom template paths included."""


class Settings(NamedTuple):
    """Configuration rules may read (filled by the runner from .kubelint.yaml / CLI options)."""

    kubernetes_version: str = "1.37"
    default_namespace: str = "default"
    node_port_range: tuple[int, int] = (30000, 32767)
    template_paths: Mapping[tuple[str, str], JsonPath] = {}  # extra pod-template locations (CRs)
    params: Mapping[str, Mapping[str, Any]] = {}  # rule name → its options from configuration


DEFAULT_SETTINGS = Settings()


class Violation(NamedTuple):
    path: JsonPath  # relative to the object root
    message: str
    hint: str | None = None
    at_key: bool = False  # locate the key (e.g. a missing child) rather than the value
    severity: Severity | None = None  # overrides the rule's (e.g. a policy's Warn action)
    code: str | None = None  # report under this catalogue code instead of the rule's own


class Rule(NamedTuple):
    code: str  # KL1xx.., never reused
    name: str  # slug users type: `privileged-container`
    severity: Severity
    category: str
    title: str
    rationale: str
    remediation: str
    failing: str  # YAML manifest(s) on which the rule reports at least once
    passing: str  # YAML manifest(s) on which it stays silent
    check: Callable[..., Iterable[Any]]
    scope: str  # "object" | "set"
    kinds: frozenset[tuple[str, str]] | None  # (group, kind) filter for object rules; None = all
    default: bool  # enabled without configuration
    peers: Mapping[str, str]  # peer tool → its check name, where one covers the same ground
    templates_only: bool = False  # declared with kinds=POD_TEMPLATES


REGISTRY: dict[str, Rule] = {}
"""Every built-in rule by code, filled when kubelint.rules.builtin is imported."""


def _register(rule: Rule) -> None:
    if rule.category not in CATEGORIES:
        raise ValueError(f"{rule.code}: unknown category {rule.category!r}")
    for other in REGISTRY.values():
        if rule.code in (other.code,) or rule.name == other.name:
            raise ValueError(f"rule {rule.code} {rule.name} clashes with {other.code} {other.name}")
    REGISTRY[rule.code] = rule


def _decorator(scope: str, code: str, name: str, severity: Severity, category: str, **doc: Any):
    kinds = doc.get("kinds")
    templates_only = kinds == POD_TEMPLATES
    if templates_only and scope != "object":
        raise ValueError(f"{code}: kinds=POD_TEMPLATES is for object rules")

    def wrap(fn: Callable[..., Iterable[Any]]) -> Callable[..., Iterable[Any]]:
        _register(
            Rule(
                code=code,
                name=name,
                severity=severity,
                category=category,
                title=doc["title"],
                rationale=doc["rationale"],
                remediation=doc["remediation"],
                failing=doc["failing"],
                passing=doc["passing"],
                check=fn,
                scope=scope,
                kinds=None if kinds is None or templates_only else frozenset(kinds),
                default=doc.get("default", True),
                peers=doc.get("peers", {}),
                templates_only=templates_only,
            )
        )
        return fn

    return wrap


def object_rule(code: str, name: str, severity: Severity, category: str, **doc: Any):
    """Register `fn(obj: ObjectView) -> Iterable[Violation]`."""
    return _decorator("object", code, name, severity, category, **doc)


def set_rule(code: str, name: str, severity: Severity, category: str, **doc: Any):
    """Register `fn(ctx: Context) -> Iterable[tuple[ObjectView, Violation]]`."""
    return _decorator("set", code, name, severity, category, **doc)


class ObjectView:
    """What a rule sees of one object. Cheap accessors, computed once."""

    __slots__ = (
        "_containers",
        "body",
        "doc",
        "group",
        "kind",
        "metadata",
        "name",
        "namespace",
        "settings",
        "spec",
        "template",
        "version",
    )

    def __init__(
        self, doc: Document, namespace: str, settings: Settings = DEFAULT_SETTINGS
    ) -> None:
        self.doc = doc
        body = self.body = doc.body
        api_version = body.get("apiVersion", "")
        if api_version.__class__ is not str:
            api_version = str(api_version)
        self.group, _, self.version = api_version.rpartition("/")
        kind = body.get("kind", "")
        self.kind: str = kind if kind.__class__ is str else str(kind)
        self.name: str = doc.ref.name if doc.ref else ""
        self.namespace = namespace  # effective: "" for cluster-scoped kinds
        self.settings = settings
        # bodies are plain JSON data: `dict` tests are exact (and far cheaper than Mapping's)
        metadata = body.get("metadata")
        self.metadata: Mapping[str, Any] = metadata if isinstance(metadata, dict) else EMPTY
        spec = body.get("spec")
        self.spec: Mapping[str, Any] = spec if isinstance(spec, dict) else EMPTY
        # the pod template (a Pod is its own), None for objects without one; rules ask often
        self.template: PodTemplate | None = pod_template(
            body, self.group, self.kind, settings.template_paths
        )
        self._containers: list[Container] | None = None  # init + regular, made on demand

    def __repr__(self) -> str:
        return f"ObjectView({self.kind} {self.namespace}/{self.name})"

    @property
    def labels(self) -> Mapping[str, Any]:
        labels = self.metadata.get("labels")
        return labels if isinstance(labels, dict) else EMPTY

    @property
    def annotations(self) -> Mapping[str, Any]:
        annotations = self.metadata.get("annotations")
        return annotations if isinstance(annotations, dict) else EMPTY

    def containers(self, init: bool = True, ephemeral: bool = False) -> Iterator[Container]:
        """Containers of the pod template in API order (listed once per object: most rules
        ask for them, nearly all with the defaults, which get a slot of their own; a pod without
        ephemeral containers, nearly every one, answers `ephemeral=True` from that slot too)."""
        if (
            ephemeral
            and init
            and (self.template is None or "ephemeralContainers" not in self.template.spec)
        ):
            ephemeral = False
        if init and not ephemeral:
            found = self._containers
            if found is None:
                found = self._containers = self._list(_CONTAINER_KINDS[True, False])
            return iter(found)
        return iter(self._list(_CONTAINER_KINDS[init, ephemeral]))  # rare: listed each time

    def _list(self, kinds: tuple[str, ...]) -> list[Container]:
        template = self.template
        return list(containers(template, kinds)) if template is not None else []

    def get(self, *path: str | int) -> Any:
        """The value at `path`, or None when any step is missing or of the wrong type."""
        node: Any = self.body
        for step in path:
            if isinstance(step, int):
                node = (
                    node[step]
                    if isinstance(node, list) and -len(node) <= step < len(node)
                    else None
                )
            else:
                node = node.get(step) if isinstance(node, dict) else None
            if node is None:
                return None
        return node


EMPTY: Mapping[str, Any] = MappingProxyType({})
"""The empty mapping views and rules hand out for an absent one (read-only: all share it)."""
_CONTAINER_KINDS = {
    (init, ephemeral): ("initContainers",) * init
    + ("containers",)
    + ("ephemeralContainers",) * ephemeral
    for init in (False, True)
    for ephemeral in (False, True)
}
