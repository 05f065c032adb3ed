"""One scheduling cycle per pod: PreFilter, Filter (per node class, per usage bucket, per node
only when a plugin needs it), Score over one representative node per bucket plus the few nodes
that hold pods of the same group, and the FitError message when no node fits."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import NamedTuple

from kubelint.k8s.selectors import Selector
from kubelint.reconcile.scheduler import filters as f
from kubelint.reconcile.scheduler import scoring as s
from kubelint.reconcile.scheduler.nodes import HOSTNAME, NodeClass, NodeSet, NodeState, Usage
from kubelint.reconcile.scheduler.pod import SchedPod
from kubelint.reconcile.scheduler.topology import (
    NodeCheck,
    Placed,
    affinity_weights,
    inter_pod_affinity,
    topology_spread,
)


def _affinity_score(weights: dict[tuple[str, str], int], node: NodeState) -> int:
    if not weights:
        return 0
    return sum(weights.get((key, value), 0) for key, value in node.labels.items())


def _count(nodes: list[NodeState], key: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in nodes:
        value = node.labels.get(key)
        if value is not None:
            counts[value] = counts.get(value, 0) + 1
    return counts


class _Spread:
    """PodTopologySpread's scoring inputs for one pod: matching pods per topology domain (per
    node for the hostname key) and the number of domains among the feasible nodes."""

    def __init__(self, scheduler: Scheduler, cycle: _Cycle, constraints, feasible: int) -> None:
        self.constraints = constraints
        self.host_counts: dict[int, int] = {}
        self.domain_counts: list[dict[str, int]] = []
        self.sizes: list[int] = []
        self._memo: dict[tuple[int, int], int] = {}
        classes = scheduler.nodeset.classes
        matched: dict[Selector, list[NodeState]] = {}
        for c in constraints:
            if c.selector not in matched:
                matched[c.selector] = scheduler.placed.matching_nodes(cycle.pod, c.selector)
            counts = _count(matched[c.selector], c.key)
            self.domain_counts.append(counts)
            if c.key == HOSTNAME:
                for value, count in counts.items():
                    node = scheduler.by_hostname.get(value)
                    if node is not None:
                        self.host_counts[node.index] = self.host_counts.get(node.index, 0) + count
                self.sizes.append(feasible)
            else:
                labels = (classes[cls].labels for cls, _ in cycle.groups)
                self.sizes.append(len({lbl[c.key] for lbl in labels if c.key in lbl}))

    def lacks_key(self, node: NodeState) -> bool:
        return any(node.labels.get(c.key) is None for c in self.constraints)

    def raw(self, node: NodeState) -> int:
        """The node's raw score; it depends only on its class (all topology keys but the
        hostname are class labels) and on its own count of matching pods."""
        key = (node.cls.index, self.host_counts.get(node.index, 0))
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._raw(node)
        return found

    def _raw(self, node: NodeState) -> int:
        counts: list[int | None] = []
        for c, by_domain in zip(self.constraints, self.domain_counts, strict=True):
            value = node.labels.get(c.key)
            if value is None:
                counts.append(None)
            elif c.key == HOSTNAME:
                counts.append(self.host_counts.get(node.index, 0))
            else:
                counts.append(by_domain.get(value, 0))
        return s.spread_raw(counts, self.constraints, self.sizes)


class Verdict(NamedTuple):
    """A filter plugin's rejection of some nodes (recorded with explain=True)."""

    plugin: str
    reason: str
    nodes: tuple[int, ...]


class Score(NamedTuple):
    node: int
    total: int
    parts: dict[str, int]


class Outcome(NamedTuple):
    node: NodeState | None
    message: str | None  # kube-scheduler's FitError text when no node fits
    reasons: dict[str, int]
    verdicts: list[Verdict]
    scores: list[Score]
    feasible: int


def fit_error(total: int, reasons: dict[str, int]) -> str:
    parts = sorted(f"{count} {reason}" for reason, count in reasons.items())
    text = f"0/{total} nodes are available:"
    return text + (" " + ", ".join(parts) + "." if parts else "")


class _Cycle:
    """State of scheduling one pod."""

    def __init__(self, pod: SchedPod, explain: bool) -> None:
        self.pod = pod
        self.explain = explain
        self.reasons: dict[str, int] = {}
        self.verdicts: list[Verdict] = []
        self.groups: dict[tuple[int, Usage], list[int]] = {}
        self.fit_cache: dict[tuple[int, Usage], tuple[str, ...]] = {}

    def reject(
        self, plugin: str, reasons: tuple[str, ...], nodes: Sequence[int], count: int = -1
    ) -> None:
        """Count `nodes` (or `count` nodes, listed only when explaining) as rejected."""
        count = len(nodes) if count < 0 else count
        for reason in reasons:
            self.reasons[reason] = self.reasons.get(reason, 0) + count
        if self.explain:
            self.verdicts.append(Verdict(plugin, ", ".join(reasons), tuple(nodes)))

    def fit(self, cls: NodeClass, usage: Usage) -> tuple[str, ...]:
        key = (cls.index, usage)
        result = self.fit_cache.get(key)
        if result is None:
            result = self.fit_cache[key] = f.resources_fit(self.pod, cls, usage)
        return result


class Scheduler:
    def __init__(
        self,
        nodeset: NodeSet,
        placed: Placed,
        default_selector: Callable[[SchedPod], Selector | None],
        exhaustive: bool = False,
    ) -> None:
        """`exhaustive` filters and scores every node one by one (no classes, no buckets): the
        reference the fast path is tested against."""
        self.exhaustive = exhaustive
        self.nodeset = nodeset
        self.placed = placed
        self.default_selector = default_selector
        self._static: dict[tuple[str, int], tuple[str, str] | None] = {}
        self._resources: dict[tuple[object, int, Usage], tuple[int, int]] = {}
        self._static_score_cache: dict[tuple[str, int], tuple[int, int]] = {}
        self.by_hostname = {n.labels.get(HOSTNAME, n.name): n for n in nodeset.nodes}

    # -- filtering ---------------------------------------------------------------------------

    def _static_verdict(self, pod: SchedPod, cls: NodeClass) -> tuple[str, str] | None:
        key = (pod.static_key, cls.index)
        if key not in self._static:
            self._static[key] = f.static_reason(pod, cls, cls.labels, "")
        return self._static[key]

    def _dynamic_checks(self, pod: SchedPod) -> list[tuple[str, NodeCheck]]:
        checks: list[tuple[str, NodeCheck]] = []
        spread = topology_spread(
            pod, self.placed, lambda n: f.node_affinity_matches(pod, n.labels, n.name)
        )
        if spread is not None:
            checks.append(("PodTopologySpread", spread))
        affinity = inter_pod_affinity(pod, self.placed)
        if affinity is not None:
            checks.append(("InterPodAffinity", affinity))
        return checks

    def _filter_node(self, cycle: _Cycle, node: NodeState, checks, static: bool) -> None:
        pod, cls = cycle.pod, node.cls
        if static:
            verdict = f.static_reason(pod, cls, node.labels, node.name)
            if verdict:
                cycle.reject(verdict[0], (verdict[1],), [node.index])
                return
        if pod.host_ports:
            reason = f.node_ports(pod, node)
            if reason:
                cycle.reject("NodePorts", (reason,), [node.index])
                return
        fit = cycle.fit(cls, node.usage)
        if fit:
            cycle.reject("NodeResourcesFit", fit, [node.index])
            return
        for plugin, check in checks:
            reason = check(node)
            if reason:
                cycle.reject(plugin, (reason,), [node.index])
                return
        group = cycle.groups.setdefault((cls.index, node.usage), [])
        group.append(node.index)

    def _filter(self, cycle: _Cycle) -> None:
        pod, nodes = cycle.pod, self.nodeset.nodes
        chosen: list[int] | None = None
        if pod.prefilter_names is not None:
            chosen = sorted(
                self.nodeset.by_name[n].index
                for n in pod.prefilter_names
                if n in self.nodeset.by_name
            )
            if len(chosen) < len(nodes):
                kept = set(chosen)
                others = [i for i in range(len(nodes)) if i not in kept] if cycle.explain else []
                count = len(nodes) - len(chosen)
                cycle.reject("NodeAffinity", (f.PREFILTERED,), others, count)
        checks = self._dynamic_checks(pod)
        per_node = bool(pod.host_ports or checks)
        if chosen is not None or pod.node_specific or self.exhaustive:
            for i in chosen if chosen is not None else range(len(nodes)):
                self._filter_node(cycle, nodes[i], checks, static=True)
            return
        for cls in self.nodeset.classes:
            verdict = self._static_verdict(pod, cls)
            if verdict:
                cycle.reject(verdict[0], (verdict[1],), cls.members)
                continue
            for usage, members in cls.buckets.items():
                if per_node:
                    for i in members:
                        self._filter_node(cycle, nodes[i], checks, static=False)
                    continue
                fit = cycle.fit(cls, usage)
                if fit:
                    cycle.reject("NodeResourcesFit", fit, members)
                else:
                    cycle.groups[(cls.index, usage)] = members

    # -- scoring -----------------------------------------------------------------------------

    def schedule(self, pod: SchedPod, explain: bool = False) -> Outcome:
        cycle = _Cycle(pod, explain)
        self._filter(cycle)
        feasible = sum(len(g) for g in cycle.groups.values())
        if not feasible:
            message = fit_error(len(self.nodeset.nodes), cycle.reasons)
            return Outcome(None, message, cycle.reasons, cycle.verdicts, [], 0)
        scores = self._score(cycle, feasible)
        best = max(scores, key=lambda sc: (sc.total, -sc.node))
        node = self.nodeset.nodes[best.node]
        return Outcome(
            node, None, cycle.reasons, cycle.verdicts, scores if explain else [], feasible
        )

    def _score(self, cycle: _Cycle, feasible: int) -> list[Score]:
        pod, nodes = cycle.pod, self.nodeset.nodes
        constraints, defaulted = s.soft_constraints(pod, self.default_selector(pod))
        spread = _Spread(self, cycle, constraints, feasible)
        weights = affinity_weights(pod, self.placed)
        affinity = {i: _affinity_score(weights, nodes[i]) for i in self._special(weights)}
        candidates = self._candidates(cycle, {**spread.host_counts, **affinity})
        for i in candidates:
            if i not in affinity:
                affinity[i] = _affinity_score(weights, nodes[i])
        affinity_low = min(affinity[i] for i in candidates)
        affinity_high = max(affinity[i] for i in candidates)
        raw = {i: spread.raw(nodes[i]) for i in candidates}
        ignored = set()
        if not defaulted:  # explicit constraints: nodes without a topology key are not scored
            ignored = {i for i in candidates if spread.lacks_key(nodes[i])}
        kept = [raw[i] for i in candidates if i not in ignored]
        low, high = (min(kept), max(kept)) if kept else (0, 0)
        static = {i: self._static_scores(pod, nodes[i]) for i in candidates}
        taint_high = max(t for t, _ in static.values())
        pref_high = max(p for _, p in static.values())
        out = []
        for i in candidates:
            node = nodes[i]
            least, balanced = self._resource_scores(pod, node.cls, node.usage)
            taints, prefs = static[i]
            parts = (
                s.normalise_max(taints, taint_high, reverse=True),
                s.normalise_max(prefs, pref_high, reverse=False),
                least,
                0 if not constraints or i in ignored else s.normalise_spread(raw[i], low, high),
                balanced,
                s.normalise_min_max(affinity[i], affinity_low, affinity_high),
            )
            total = sum(w * v for w, v in zip(s.WEIGHT_ORDER, parts, strict=True))
            named = dict(zip(s.PLUGIN_ORDER, parts, strict=True)) if cycle.explain else {}
            out.append(Score(i, total, named))
        return out

    def _special(self, weights: dict[tuple[str, str], int]) -> list[int]:
        """Nodes whose own hostname domain carries an InterPodAffinity weight."""
        out = []
        for (key, value), _ in weights.items():
            if key == HOSTNAME and value in self.by_hostname:
                out.append(self.by_hostname[value].index)
        return out

    def _candidates(self, cycle: _Cycle, special: dict[int, int]) -> list[int]:
        """The first node of each feasible bucket that is not special (holds no pod its spread
        or affinity scores count), and every feasible special node; every node if exhaustive."""
        if self.exhaustive or cycle.explain:  # explaining: show every feasible node's score
            return sorted(i for members in cycle.groups.values() for i in members)
        out = []
        for members in cycle.groups.values():
            for i in members:
                if i not in special:
                    out.append(i)
                    break
        nodes = self.nodeset.nodes
        for i in sorted(special):
            members = cycle.groups.get((nodes[i].cls.index, nodes[i].usage))
            if members is not None:
                at = bisect.bisect_left(members, i)
                if at < len(members) and members[at] == i:
                    out.append(i)
        return out

    def _static_scores(self, pod: SchedPod, node: NodeState) -> tuple[int, int]:
        """(untolerated PreferNoSchedule taints, matched preferred node-affinity weight)."""
        key = (pod.static_key, node.cls.index)
        found = None if pod.node_specific else self._static_score_cache.get(key)
        if found is None:
            found = (
                s.prefer_no_schedule_count(pod, node.cls),
                s.node_affinity_weight(pod, node.labels, node.name),
            )
            if not pod.node_specific:
                self._static_score_cache[key] = found
        return found

    def _resource_scores(self, pod: SchedPod, cls: NodeClass, usage: Usage) -> tuple[int, int]:
        """(LeastAllocated, BalancedAllocation): the same for every pod with these requests on
        every node of this class and usage."""
        key = (pod.requests, cls.index, usage)
        found = self._resources.get(key)
        if found is None:
            found = self._resources[key] = (
                s.least_allocated(pod, cls, usage),
                s.balanced_allocation(pod, cls, usage),
            )
        return found

    def bind(self, pod: SchedPod, node: NodeState) -> None:
        self.nodeset.bind(node, pod.key, pod.requests, pod.host_ports)
        self.placed.add(pod, node)
