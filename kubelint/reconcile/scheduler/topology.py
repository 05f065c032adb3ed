"""Pods already placed, indexed by labels, and the domain counts that inter-pod affinity and
topology spread constraints are made of."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from kubelint.k8s.labelindex import LabelIndex
from kubelint.k8s.selectors import Selector
from kubelint.reconcile.scheduler.filters import (
    EXISTING_ANTI_AFFINITY,
    POD_AFFINITY,
    POD_ANTI_AFFINITY,
    SPREAD,
    SPREAD_MISSING_LABEL,
)
from kubelint.reconcile.scheduler.nodes import HOSTNAME, NodeSet, NodeState
from kubelint.reconcile.scheduler.pod import PodAffinityTerm, SchedPod

Domain = tuple[str, str]  # (topology key, value)


class Placed:
    """Bound pods: a label index (pod → node index) and the pods carrying required
    anti-affinity, which constrain every later pod."""

    def __init__(self, nodeset: NodeSet, namespace_labels: Mapping[str, Mapping[str, str]]):
        self.nodeset = nodeset
        self.namespace_labels = namespace_labels
        self.index: LabelIndex[tuple[SchedPod, int]] = LabelIndex()
        self.with_anti_affinity: list[tuple[SchedPod, int]] = []
        self.with_affinity_terms: list[tuple[SchedPod, int]] = []  # for InterPodAffinity scores

    def add(self, pod: SchedPod, node: NodeState) -> None:
        self.index.add((pod, node.index), pod.namespace, pod.labels)
        if pod.anti_affinity:
            self.with_anti_affinity.append((pod, node.index))
        if pod.affinity or pod.preferred_affinity or pod.preferred_anti_affinity:
            self.with_affinity_terms.append((pod, node.index))

    def matching(
        self, selector: Selector, namespaces: frozenset[str] | None, ns_selector: Selector | None
    ) -> list[tuple[SchedPod, int]]:
        if namespaces is None:
            return self.index.select(selector)
        chosen = set(namespaces)
        if ns_selector is not None:
            chosen |= {ns for ns, lbl in self.namespace_labels.items() if ns_selector.matches(lbl)}
        out: list[tuple[SchedPod, int]] = []
        for ns in sorted(chosen):
            out.extend(self.index.select(selector, ns))
        return out

    def term_domains(self, term: PodAffinityTerm) -> set[str]:
        nodes = self.nodeset.nodes
        out = set()
        for _, index in self.matching(term.selector, term.namespaces, term.namespace_selector):
            value = nodes[index].labels.get(term.topology_key)
            if value is not None:
                out.add(value)
        return out

    def matching_nodes(self, pod: SchedPod, selector: Selector) -> list[NodeState]:
        """The node of every placed pod in `pod`'s namespace that `selector` matches."""
        nodes = self.nodeset.nodes
        return [nodes[index] for _, index in self.index.select(selector, pod.namespace)]

    def count_by_domain(self, pod: SchedPod, selector: Selector, key: str) -> dict[str, int]:
        nodes = self.nodeset.nodes
        counts: dict[str, int] = {}
        for _, index in self.index.select(selector, pod.namespace):
            value = nodes[index].labels.get(key)
            if value is not None:
                counts[value] = counts.get(value, 0) + 1
        return counts


def _term_matches_pod(term: PodAffinityTerm, pod: SchedPod, placed: Placed) -> bool:
    if term.namespaces is not None and pod.namespace not in term.namespaces:
        ns_sel = term.namespace_selector
        if ns_sel is None or not ns_sel.matches(placed.namespace_labels.get(pod.namespace, {})):
            return False
    return term.selector.matches(pod.labels)


NodeCheck = Callable[[NodeState], str | None]


def inter_pod_affinity(pod: SchedPod, placed: Placed) -> NodeCheck | None:
    """InterPodAffinity's filter for this pod, or None when nothing constrains it."""
    affinity = [(t, placed.term_domains(t)) for t in pod.affinity]
    # no pod matches yet: the first pod of a group may go anywhere if it matches itself
    first_of_group = not any(domains for _, domains in affinity) and all(
        _term_matches_pod(t, pod, placed) for t in pod.affinity
    )
    if affinity and first_of_group:
        affinity = []
    anti = [(t, placed.term_domains(t)) for t in pod.anti_affinity]
    blocked: set[tuple[str, str]] = set()
    nodes = placed.nodeset.nodes
    for other, index in placed.with_anti_affinity:
        for term in other.anti_affinity:
            if _term_matches_pod(term, pod, placed):
                value = nodes[index].labels.get(term.topology_key)
                if value is not None:
                    blocked.add((term.topology_key, value))
    if not affinity and not anti and not blocked:
        return None

    def check(node: NodeState) -> str | None:
        labels = node.labels
        for term, domains in affinity:
            if labels.get(term.topology_key) not in domains:
                return POD_AFFINITY
        for term, domains in anti:
            if labels.get(term.topology_key) in domains:
                return POD_ANTI_AFFINITY
        for key, value in blocked:
            if labels.get(key) == value:
                return EXISTING_ANTI_AFFINITY
        return None

    return check


HARD_POD_AFFINITY_WEIGHT = 1
"""Weight of an existing pod's *required* affinity term in InterPodAffinity scoring."""


def affinity_weights(pod: SchedPod, placed: Placed) -> dict[Domain, int]:
    """InterPodAffinity's score inputs: per topology domain, the weights of the pod's preferred
    (anti-)affinity terms matched by pods there, plus the terms of placed pods that match this
    pod (their preferred terms, and required affinity at weight 1). Empty: nothing to score."""
    out: dict[Domain, int] = {}
    nodes = placed.nodeset.nodes

    def add(key: str, node_index: int, weight: int) -> None:
        value = nodes[node_index].labels.get(key)
        if value is not None and weight:
            out[(key, value)] = out.get((key, value), 0) + weight

    for terms, sign in ((pod.preferred_affinity, 1), (pod.preferred_anti_affinity, -1)):
        for term in terms:
            for _, index in placed.matching(
                term.selector, term.namespaces, term.namespace_selector
            ):
                add(term.topology_key, index, sign * term.weight)
    for other, index in placed.with_affinity_terms:
        for term in other.affinity:
            if _term_matches_pod(term, pod, placed):
                add(term.topology_key, index, HARD_POD_AFFINITY_WEIGHT)
        for terms, sign in ((other.preferred_affinity, 1), (other.preferred_anti_affinity, -1)):
            for term in terms:
                if _term_matches_pod(term, pod, placed):
                    add(term.topology_key, index, sign * term.weight)
    return {domain: weight for domain, weight in out.items() if weight}


def topology_spread(
    pod: SchedPod, placed: Placed, eligible: Callable[[NodeState], bool]
) -> NodeCheck | None:
    """PodTopologySpread's filter (DoNotSchedule constraints), or None without any.

    `eligible` says whether a node's domain counts (nodeAffinityPolicy: Honor)."""
    hard = [c for c in pod.spread if c.hard]
    if not hard:
        return None
    prepared = []
    for c in hard:
        counts = placed.count_by_domain(pod, c.selector, c.topology_key)
        domains = {
            n.labels[c.topology_key]
            for n in _eligible_nodes(placed.nodeset, c.topology_key, eligible)
        }
        floor = min((counts.get(d, 0) for d in domains), default=0)
        if len(domains) < c.min_domains:
            floor = 0
        self_match = 1 if c.selector.matches(pod.labels) else 0
        prepared.append((c, counts, floor, self_match))

    def check(node: NodeState) -> str | None:
        for c, counts, floor, self_match in prepared:
            value = node.labels.get(c.topology_key)
            if value is None:
                return SPREAD_MISSING_LABEL
            if counts.get(value, 0) + self_match - floor > c.max_skew:
                return SPREAD
        return None

    return check


def _eligible_nodes(nodeset: NodeSet, key: str, eligible: Callable[[NodeState], bool]):
    if key == HOSTNAME:
        return [n for n in nodeset.nodes if key in n.labels and eligible(n)]
    seen: dict[int, NodeState] = {}
    for node in nodeset.nodes:
        if node.cls.index not in seen and key in node.labels and eligible(node):
            seen[node.cls.index] = node
    return list(seen.values())
