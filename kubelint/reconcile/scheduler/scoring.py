"""Score plugins of the default profile, with their weights.

- TaintToleration (3): fewer untolerated PreferNoSchedule taints is better.
- NodeAffinity (2): sum of matched preferred terms' weights, normalised to 0–100.
- NodeResourcesFit / LeastAllocated (1): free share of cpu and memory after placing the pod,
  counting 100m / 200Mi for request-less containers.
- PodTopologySpread (2): fewer matching pods in the node's domains is better; pods without
  constraints get the system defaults (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) over
  the pods of the Services / controllers selecting them.
- NodeResourcesBalancedAllocation (1): cpu and memory fractions close to each other.

- InterPodAffinity (2): matched preferred (anti-)affinity terms, both ways, min-max normalised.

ImageLocality is not scored (documented in docs/simulate.md).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from kubelint.k8s.selectors import Selector
from kubelint.reconcile.podinfo import CPU, MEMORY
from kubelint.reconcile.scheduler.filters import first_untolerated
from kubelint.reconcile.scheduler.nodes import HOSTNAME, ZONE, NodeClass, Usage
from kubelint.reconcile.scheduler.pod import SchedPod

MAX_SCORE = 100
WEIGHTS = {
    "TaintToleration": 3,
    "NodeAffinity": 2,
    "NodeResourcesFit": 1,
    "PodTopologySpread": 2,
    "NodeResourcesBalancedAllocation": 1,
    "InterPodAffinity": 2,
}
PLUGIN_ORDER = tuple(WEIGHTS)
WEIGHT_ORDER = tuple(WEIGHTS.values())


class SoftConstraint(NamedTuple):
    key: str
    max_skew: int
    selector: Selector


def soft_constraints(pod: SchedPod, default_selector: Selector | None):
    """(constraints, system_defaulted) for PodTopologySpread scoring."""
    if pod.spread:
        soft = [
            SoftConstraint(c.topology_key, c.max_skew, c.selector) for c in pod.spread if not c.hard
        ]
        return soft, False
    if default_selector is None or default_selector.nothing:
        return [], True
    return [
        SoftConstraint(HOSTNAME, 3, default_selector),
        SoftConstraint(ZONE, 5, default_selector),
    ], True


def least_allocated(pod: SchedPod, cls: NodeClass, usage: Usage) -> int:
    total = 0
    for requested, capacity in (
        (usage[3] + pod.requests.nz_cpu, cls.allocatable.get(CPU, 0)),
        (usage[4] + pod.requests.nz_memory, cls.allocatable.get(MEMORY, 0)),
    ):
        if capacity and requested <= capacity:
            total += (capacity - requested) * MAX_SCORE // capacity
    return total // 2


def balanced_allocation(pod: SchedPod, cls: NodeClass, usage: Usage) -> int:
    if pod.requests.cpu == 0 and pod.requests.memory == 0:
        return 0  # best-effort pods skip this plugin
    fractions = []
    for requested, capacity in (
        (usage[0] + pod.requests.cpu, cls.allocatable.get(CPU, 0)),
        (usage[1] + pod.requests.memory, cls.allocatable.get(MEMORY, 0)),
    ):
        fractions.append(min(requested / capacity, 1.0) if capacity else 1.0)
    std = abs(fractions[0] - fractions[1]) / 2
    return int((1 - std) * MAX_SCORE)


def prefer_no_schedule_count(pod: SchedPod, cls: NodeClass) -> int:
    count = 0
    for taint in cls.taints:
        if taint.effect == "PreferNoSchedule" and first_untolerated(
            pod, (taint,), ("PreferNoSchedule",)
        ):
            count += 1
    return count


def node_affinity_weight(pod: SchedPod, labels, name: str) -> int:
    return sum(
        weight
        for weight, term in pod.preferred_node_terms
        if all(r.matches(labels, name) for r in term)
    )


def spread_raw(counts: list[int | None], constraints, sizes: list[int]) -> int:
    """One node's raw PodTopologySpread score; `counts[i]` is None when the node lacks the key."""
    score = 0.0
    for count, c, size in zip(counts, constraints, sizes, strict=True):
        if count is not None:
            score += count * math.log(size + 2) + (c.max_skew - 1)
    return round(score)


def normalise_spread(raw: int, low: int, high: int) -> int:
    if high == 0:
        return MAX_SCORE
    return MAX_SCORE * (high + low - raw) // high


def normalise_min_max(value: int, low: int, high: int) -> int:
    if high <= low:
        return 0
    return int(MAX_SCORE * (value - low) / (high - low))


def normalise_max(value: int, high: int, reverse: bool) -> int:
    if high == 0:
        return MAX_SCORE if reverse else 0
    score = value * MAX_SCORE // high
    return MAX_SCORE - score if reverse else score
