"""The scheduling-relevant parts of a Pod, parsed once: tolerations, node selection, affinity,
spread constraints, requests and host ports."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from kubelint.k8s.selectors import NOTHING, Selector, SelectorError
from kubelint.reconcile.podinfo import HostPort, Requests, host_ports, pod_requests
from kubelint.reconcile.scheduler.nodes import HOSTNAME


class Toleration(NamedTuple):
    key: str
    operator: str
    value: str
    effect: str

    def tolerates(self, key: str, value: str, effect: str) -> bool:
        if self.effect and self.effect != effect:
            return False
        if self.operator == "Exists":
            return not self.key or self.key == key
        return self.key == key and self.value == value


class NodeRequirement(NamedTuple):
    key: str
    operator: str  # In NotIn Exists DoesNotExist Gt Lt
    values: tuple[str, ...]
    field: bool = False  # matchFields (metadata.name) rather than a label

    def matches(self, labels: Mapping[str, str], name: str) -> bool:
        value = name if self.field else labels.get(self.key)
        op = self.operator
        if op == "In":
            return value in self.values
        if op == "NotIn":
            return value not in self.values
        if op == "Exists":
            return value is not None
        if op == "DoesNotExist":
            return value is None
        if op in ("Gt", "Lt") and value is not None and len(self.values) == 1:
            try:
                have, want = int(value), int(self.values[0])
            except ValueError:
                return False
            return have > want if op == "Gt" else have < want
        return False


NodeTerm = tuple[NodeRequirement, ...]


class PodAffinityTerm(NamedTuple):
    selector: Selector
    namespaces: frozenset[str] | None  # None: every namespace (namespaceSelector {})
    namespace_selector: Selector | None
    topology_key: str
    weight: int = 0


class SpreadConstraint(NamedTuple):
    max_skew: int
    topology_key: str
    hard: bool  # DoNotSchedule
    selector: Selector
    min_domains: int = 1


def _node_term(term: Any) -> NodeTerm | None:
    """A nodeSelectorTerm; None when it can match nothing (empty or malformed)."""
    if not isinstance(term, Mapping):
        return None
    reqs: list[NodeRequirement] = []
    for field, key in (("matchExpressions", False), ("matchFields", True)):
        for expr in term.get(field) or []:
            if not isinstance(expr, Mapping):
                return None
            values = tuple(str(v) for v in expr.get("values") or [])
            reqs.append(
                NodeRequirement(str(expr.get("key")), str(expr.get("operator")), values, key)
            )
    return tuple(reqs) or None


def _selector(value: Any) -> Selector:
    try:
        return Selector.parse(value)
    except SelectorError:
        return NOTHING


def _affinity_terms(pod_ns: str, terms: Any, weighted: bool) -> tuple[PodAffinityTerm, ...]:
    out = []
    for item in terms or []:
        if not isinstance(item, Mapping):
            continue
        term = item.get("podAffinityTerm") if weighted else item
        if not isinstance(term, Mapping):
            continue
        ns_sel = term.get("namespaceSelector")
        namespaces = frozenset(str(n) for n in term.get("namespaces") or [])
        ns_selector = None
        if isinstance(ns_sel, Mapping):
            parsed = _selector(ns_sel)
            if parsed.everything:
                namespaces = None  # type: ignore[assignment]
            else:
                ns_selector = parsed
        elif not namespaces:
            namespaces = frozenset((pod_ns,))
        out.append(
            PodAffinityTerm(
                _selector(term.get("labelSelector")),
                namespaces,
                ns_selector,
                str(term.get("topologyKey") or ""),
                int(item.get("weight") or 0) if weighted else 0,
            )
        )
    return tuple(out)


def _with_match_label_keys(selector: Selector, keys: Any, labels: Mapping[str, str]) -> Selector:
    extra = {str(k): labels[k] for k in keys or [] if k in labels}
    if not extra:
        return selector
    reqs = set(selector.requirements) | set(Selector.from_map(extra).requirements)
    return Selector(tuple(sorted(reqs, key=lambda r: (r.key, r.operator, sorted(r.values)))))


class SchedPod:
    """One pod to schedule (or already bound)."""

    __slots__ = (
        "affinity",
        "anti_affinity",
        "host_ports",
        "key",
        "labels",
        "name",
        "namespace",
        "node_name",
        "node_selector",
        "node_specific",
        "node_terms",
        "preferred_affinity",
        "preferred_anti_affinity",
        "preferred_node_terms",
        "prefilter_names",
        "requests",
        "spread",
        "static_key",
        "tolerations",
    )

    def __init__(self, body: Mapping[str, Any]) -> None:
        meta = body.get("metadata") or {}
        spec = body.get("spec") or {}
        self.namespace = str(meta.get("namespace") or "default")
        self.name = str(meta.get("name") or "")
        self.key = f"{self.namespace}/{self.name}"
        self.labels = {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}
        self.node_name = spec.get("nodeName") or None
        self.requests: Requests = pod_requests(spec)
        self.host_ports: tuple[HostPort, ...] = host_ports(spec)
        self.tolerations = tuple(
            Toleration(
                str(t.get("key") or ""),
                str(t.get("operator") or "Equal"),
                str(t.get("value") or ""),
                str(t.get("effect") or ""),
            )
            for t in spec.get("tolerations") or []
            if isinstance(t, Mapping)
        )
        selector = spec.get("nodeSelector") or {}
        self.node_selector = {str(k): str(v) for k, v in selector.items()}
        affinity = spec.get("affinity") or {}
        self._parse_node_affinity(affinity.get("nodeAffinity") or {})
        pod_aff = affinity.get("podAffinity") or {}
        anti = affinity.get("podAntiAffinity") or {}
        req_key = "requiredDuringSchedulingIgnoredDuringExecution"
        pref_key = "preferredDuringSchedulingIgnoredDuringExecution"
        self.affinity = _affinity_terms(self.namespace, pod_aff.get(req_key), False)
        self.anti_affinity = _affinity_terms(self.namespace, anti.get(req_key), False)
        self.preferred_affinity = _affinity_terms(self.namespace, pod_aff.get(pref_key), True)
        self.preferred_anti_affinity = _affinity_terms(self.namespace, anti.get(pref_key), True)
        self.spread = tuple(self._spread(spec.get("topologySpreadConstraints") or []))
        self.node_specific = (
            bool(self.node_name)
            or HOSTNAME in self.node_selector
            or any(
                r.field or r.key == HOSTNAME for term in self.node_terms or () for r in term or ()
            )
            or any(r.field or r.key == HOSTNAME for _, t in self.preferred_node_terms for r in t)
        )
        """Static filters or scores depend on the node's name: examine nodes one by one."""
        self.static_key = json.dumps(
            [
                self.tolerations,
                sorted(self.node_selector.items()),
                self.node_terms,
                self.preferred_node_terms,
            ],
            default=str,
        )

    def replica(self, body: Mapping[str, Any]) -> SchedPod:
        """The same scheduling view for another pod of one template (only its name differs)."""
        twin = copy.copy(self)
        twin.name = str(body["metadata"]["name"])
        twin.key = f"{twin.namespace}/{twin.name}"
        return twin

    def _parse_node_affinity(self, node_affinity: Mapping[str, Any]) -> None:
        required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
        self.node_terms: tuple[NodeTerm | None, ...] | None = None
        self.prefilter_names: frozenset[str] | None = None
        if isinstance(required, Mapping):
            self.node_terms = tuple(_node_term(t) for t in required.get("nodeSelectorTerms") or [])
            self.prefilter_names = _field_names(self.node_terms)
        self.preferred_node_terms: tuple[tuple[int, NodeTerm], ...] = tuple(
            (int(p.get("weight") or 0), term)
            for p in node_affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or []
            if isinstance(p, Mapping)
            for term in [_node_term(p.get("preference"))]
            if term is not None
        )

    def _spread(self, constraints: list[Any]) -> list[SpreadConstraint]:
        out = []
        for c in constraints:
            if not isinstance(c, Mapping):
                continue
            selector = _with_match_label_keys(
                _selector(c.get("labelSelector")), c.get("matchLabelKeys"), self.labels
            )
            out.append(
                SpreadConstraint(
                    int(c.get("maxSkew") or 1),
                    str(c.get("topologyKey") or ""),
                    c.get("whenUnsatisfiable", "DoNotSchedule") == "DoNotSchedule",
                    selector,
                    int(c.get("minDomains") or 1),
                )
            )
        return out


def _field_names(terms: tuple[NodeTerm | None, ...]) -> frozenset[str] | None:
    """NodeAffinity's PreFilter result: when every term pins metadata.name with In, only those
    nodes are examined (a DaemonSet pod names exactly one node)."""
    names: set[str] = set()
    for term in terms:
        pinned = [
            r for r in term or () if r.field and r.key == "metadata.name" and r.operator == "In"
        ]
        if not pinned:
            return None
        names.update(pinned[0].values)
    return frozenset(names)
