"""Whole-set rules about identity and availability (KL440–KL449): duplicate objects, controllers
whose selectors take each other's pods, PodDisruptionBudgets and autoscalers. (Pod anti-affinity
is the per-object rule KL326 no-pod-anti-affinity.)

"Replicated" means spec.replicas ≥ 2, or a HorizontalPodAutoscaler with maxReplicas ≥ 2 targets
the workload.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterator

from kubelint.k8s.scope import canonical_group
from kubelint.k8s.selectors import Selector
from kubelint.model import Severity
from kubelint.rules.builtin._podlabels import select_pods
from kubelint.rules.builtin._setindex import (
    elsewhere_hint,
    hpa_targets,
    label_selector,
    pod_owners,
    replicas,
    where,
    workload_selector,
)
from kubelint.rules.context import Context
from kubelint.rules.engine import ObjectView, Violation, set_rule
from kubelint.rules.options import options, param

Found = Iterator[tuple[ObjectView, Violation]]
PDB = ("policy", "PodDisruptionBudget")
REPLICATED_KINDS = (("apps", "Deployment"), ("apps", "StatefulSet"))


def _deployment(name: str = "web", replicas: int = 3, labels: str = "{app: web}") -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: shop}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {labels}}}
  template:
    metadata: {{labels: {labels}}}
    spec:
      containers: [{{name: web, image: nginx:1.27}}]
"""


def _pdb(selector: str = "{matchLabels: {app: web}}", budget: str = "maxUnavailable: 1") -> str:
    return f"""\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: web, namespace: shop}}
spec:
  {budget}
  selector: {selector}
"""


options("duplicate-object", across_files=False)


@set_rule(
    "KL440",
    "duplicate-object",
    Severity.ERROR,
    "best-practice",
    title="Each object must be defined once",
    rationale="Two definitions of the same object (group, kind, namespace, name) overwrite each "
    "other on apply: which one wins depends on file order. extensions/v1beta1 and apps/v1 "
    "Deployments are the same object. By default only definitions in the same file are "
    "compared: directories of alternative examples (base and overlay, v1 and v2 of a demo) "
    "legitimately reuse names across files; set `across-files: true` for a directory that is "
    "applied as one set.",
    remediation="Remove or rename one of the definitions (option: `params: {duplicate-object: "
    "{across-files: true}}` compares the whole input).",
    failing=_deployment() + "---\n" + _deployment(replicas=2),
    passing=_deployment() + "---\n" + _deployment(name="api", labels="{app: api}"),
)
def duplicate_object(ctx: Context) -> Found:
    across_files = param(ctx, "duplicate-object", "across-files")
    for namesakes in ctx.namesakes():  # same kind, namespace and name
        first: dict[tuple[str, str], ObjectView] = {}
        for obj in namesakes:
            # generateName objects get a fresh name each time: they never repeat
            if not obj.name or not obj.kind or not _named(obj):
                continue
            group = canonical_group(obj.group, obj.kind)  # apps and extensions are one
            original = first.setdefault((group, "" if across_files else obj.doc.source), obj)
            if original is not obj:
                ns, name = obj.namespace, obj.name
                ref = f"{obj.kind} {ns}/{name}" if ns else f"{obj.kind} {name}"
                message = f"{ref} is already defined at {where(original)}"
                yield obj, Violation(("metadata", "name"), message)


def _named(obj: ObjectView) -> bool:
    """Whether the object's name is metadata.name (else it is its generateName prefix)."""
    return bool(obj.metadata.get("name"))


def _identity(obj: ObjectView) -> tuple[str, str, str, str]:
    return canonical_group(obj.group, obj.kind), obj.kind, obj.namespace, obj.name


@set_rule(
    "KL441",
    "selector-overlap",
    Severity.WARNING,
    "reliability",
    title="A controller's selector must not match another workload's pods",
    rationale="When the selector of one controller matches the pod labels of another workload "
    "in the same namespace, the controllers count (and, for bare pods, adopt) each other's "
    "pods: replicas are scaled wrongly and rollouts stall. Services and PodDisruptionBudgets "
    "built on the same labels mix the two applications.",
    remediation="Give every workload a label no other workload has (app.kubernetes.io/name plus "
    "app.kubernetes.io/instance) and include it in the selector.",
    failing=_deployment()
    + "---\n"
    + _deployment(name="web-canary", labels="{app: web, track: canary}"),
    passing=_deployment(labels="{app: web, track: stable}")
    + "---\n"
    + _deployment(name="web-canary", labels="{app: web, track: canary}"),
)
def selector_overlap(ctx: Context) -> Found:
    overlaps = _Overlaps(ctx)
    owners = overlaps.owners
    for a, owner in enumerate(owners):
        others = overlaps.partners(a)
        if others:
            first = owners[min(others)]
            more = f" and {len(others) - 1} more" if len(others) > 1 else ""
            yield (
                owner,
                Violation(
                    ("spec", "selector"),
                    f"selector {overlaps.selector(a)} also matches the pods of "
                    f"{first.kind} {first.name} ({where(first)}){more}",
                ),
            )


class _Overlaps:
    """Which pod owners each owner's selector matches. Owners, identities and distinct
    (namespace, selector) keys are small ints: the copies of an application share labels, so
    pairs of owners are many and each must be cheap."""

    def __init__(self, ctx: Context) -> None:
        self.owners = owners = pod_owners(ctx)
        identities: dict[tuple[str, str, str, str], int] = {}
        self.identity = [identities.setdefault(_identity(o), len(identities)) for o in owners]
        self.twins: dict[int, list[int]] = {}  # identity defined more than once → its owners
        for a, mine in enumerate(self.identity):
            self.twins.setdefault(mine, []).append(a)
        self.twins = {mine: found for mine, found in self.twins.items() if len(found) > 1}
        keys: dict[tuple[str, Selector] | None, int] = {None: 0}  # 0: no usable selector
        self.key = [keys.setdefault(_overlap_key(o), len(keys)) for o in owners]
        self.keys = list(keys)
        self.texts: dict[int, str] = {}
        position = {id(obj): i for i, obj in enumerate(owners)}
        matched: list[list[int]] = [[]]  # per key: the owners it matches, ascending
        for namespace, selector in self.keys[1:]:  # type: ignore[misc]
            found = (position.get(id(o)) for o in ctx.select_workloads(namespace, selector))
            matched.append([b for b in found if b is not None])  # PodTemplates make no pods
        self.members = [frozenset(found) for found in matched]
        self.runs = [self._split(found) for found in matched]

    def _split(self, found: list[int]) -> list[tuple[int, list[int]]]:
        """The ascending owners `found`, split by their own key."""
        runs: dict[int, list[int]] = {}
        for b in found:
            runs.setdefault(self.key[b], []).append(b)
        return list(runs.items())

    def selector(self, a: int) -> str:
        """The text of a's selector (written once per distinct selector: many owners share it)."""
        k = self.key[a]
        if k not in self.texts:
            self.texts[k] = str(self.keys[k][1])  # type: ignore[index]
        return self.texts[k]

    def partners(self, a: int) -> Collection[int]:
        """The other owners whose pods a's selector matches, less the pairs reported before:
        a pair is reported once, by the first owner (input order) whose selector matches the
        other. Redefinitions (same identity) are left to duplicate-object."""
        k = self.key[a]
        if not k:
            return ()  # an empty selector is a validation error for every controller kind
        others: list[int] = []
        for j, run in self.runs[k]:
            if a in self.members[j]:  # the owners with key j before a reported their pair
                run = run[bisect_right(run, a) :]
            others += run
        twins = self.twins.get(self.identity[a])
        return set(others).difference(twins) if twins else others


def _overlap_key(obj: ObjectView) -> tuple[str, Selector] | None:
    selector = workload_selector(obj)
    if selector is None or selector.everything:
        return None
    return obj.namespace, selector


@set_rule(
    "KL442",
    "pdb-selects-nothing",
    Severity.WARNING,
    "reliability",
    title="A PodDisruptionBudget should select the pods of a workload",
    rationale="A budget that selects no pods protects nothing during node drains. In policy/v1 "
    "an empty selector selects every pod of the namespace; in policy/v1beta1 it selects none, "
    "and a missing selector selects none in both.",
    remediation="Match the pod template labels of the workload, in its namespace.",
    failing=_deployment() + "---\n" + _pdb("{matchLabels: {app: api}}"),
    passing=_deployment() + "---\n" + _pdb() + "---\n" + _pdb("{}").replace("web", "all"),
)
def pdb_selects_nothing(ctx: Context) -> Found:
    for pdb in ctx.by_kind.get(PDB, ()):
        raw = pdb.spec.get("selector")
        selector = label_selector(pdb, "spec", "selector")
        if raw is None:
            yield pdb, Violation(("spec",), "the budget has no selector: it selects no pods")
        elif selector is None or (selector.everything and pdb.version != "v1beta1"):
            continue
        elif selector.everything:
            yield (
                pdb,
                Violation(
                    ("spec", "selector"), "an empty selector selects no pods in policy/v1beta1"
                ),
            )
        elif not select_pods(ctx, pdb.namespace, selector):
            yield (
                pdb,
                Violation(
                    ("spec", "selector"),
                    f'selector {selector} matches no pods in namespace "{pdb.namespace}"',
                    elsewhere_hint(ctx, pdb, selector),
                ),
            )


def _max_replicas(ctx: Context, obj: ObjectView) -> int:
    """The most replicas the workload runs: spec.replicas, or its autoscalers' maxReplicas."""
    count = replicas(obj) or 1
    for hpa in hpa_targets(ctx).get((obj.kind, obj.namespace, obj.name), ()):
        value = hpa.spec.get("maxReplicas")
        if isinstance(value, int) and not isinstance(value, bool):
            count = max(count, value)
    return count


def _replicated(ctx: Context) -> Iterator[tuple[ObjectView, int]]:
    for obj in ctx.of_kind(*REPLICATED_KINDS):
        count = _max_replicas(ctx, obj)
        if count >= 2 and obj.template is not None:
            yield obj, count


def _pdb_selectors(ctx: Context) -> Iterator[tuple[ObjectView, Selector]]:
    for pdb in ctx.by_kind.get(PDB, ()):
        selector = label_selector(pdb, "spec", "selector")
        if selector is not None and not (selector.everything and pdb.version == "v1beta1"):
            yield pdb, selector


@set_rule(
    "KL443",
    "workload-without-pdb",
    Severity.INFO,
    "reliability",
    title="Replicated Deployments and StatefulSets should have a PodDisruptionBudget",
    rationale="Without a budget, a node drain or cluster upgrade may evict every replica at once. "
    "Single-replica workloads are not reported: a budget cannot keep one pod up during a "
    "drain, and one that tries blocks the drain.",
    remediation="Add a PodDisruptionBudget (maxUnavailable: 1 is a good default) selecting the "
    "pod template labels.",
    failing=_deployment(),
    passing=_deployment() + "---\n" + _pdb() + "---\n" + _deployment("solo", 1, "{app: solo}"),
    default=False,
    peers={"kube-score": "deployment-has-poddisruptionbudget"},
)
def workload_without_pdb(ctx: Context) -> Found:
    covered = {
        id(w) for pdb, sel in _pdb_selectors(ctx) for w in select_pods(ctx, pdb.namespace, sel)
    }
    for obj, count in _replicated(ctx):
        if id(obj) not in covered:
            yield (
                obj,
                Violation(
                    ("spec", "replicas") if "replicas" in obj.spec else ("spec",),
                    f"{obj.kind} runs up to {count} replicas and no PodDisruptionBudget selects "
                    "its pods",
                    at_key=True,
                ),
            )


@set_rule(
    "KL445",
    "replicas-with-hpa",
    Severity.INFO,
    "best-practice",
    title="Leave spec.replicas unset on workloads a HorizontalPodAutoscaler scales",
    rationale="Every apply resets the replica count to spec.replicas, undoing the autoscaler "
    "(a scale-down storm during a deploy, then the autoscaler scales up again).",
    remediation="Remove spec.replicas from the manifest; the autoscaler owns it.",
    failing=_deployment()
    + """\
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
""",
    passing=_deployment().replace("  replicas: 3\n", "")
    + """\
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
""",
)
def replicas_with_hpa(ctx: Context) -> Found:
    for (kind, namespace, name), hpas in sorted(hpa_targets(ctx).items()):
        for obj in ctx.named(kind, namespace, name):
            if "replicas" in obj.spec:
                yield (
                    obj,
                    Violation(
                        ("spec", "replicas"),
                        f"spec.replicas is managed by HorizontalPodAutoscaler {hpas[0].name}",
                    ),
                )


def _blocking_budget(pdb: ObjectView, pods: int | None) -> tuple[str, str] | None:
    """(field, why) when the budget allows no voluntary eviction, else None."""
    spec = pdb.spec
    if spec.get("maxUnavailable") in (0, "0%"):
        return "maxUnavailable", "maxUnavailable 0 allows no eviction"
    minimum = spec.get("minAvailable")
    if minimum == "100%":
        return "minAvailable", "minAvailable 100% allows no eviction"
    if isinstance(minimum, int) and pods is not None and minimum >= pods:
        why = f"minAvailable {minimum} >= the {pods} replicas it selects: no eviction is allowed"
        return "minAvailable", why
    return None


@set_rule(
    "KL446",
    "pdb-blocks-eviction",
    Severity.WARNING,
    "reliability",
    title="A PodDisruptionBudget must allow at least one eviction",
    rationale="A budget that never allows an eviction (maxUnavailable 0, minAvailable 100% or "
    "≥ the replica count) blocks node drains and cluster upgrades indefinitely.",
    remediation="Use maxUnavailable: 1, or a minAvailable below the replica count.",
    failing=_deployment(replicas=2) + "---\n" + _pdb(budget="minAvailable: 2"),
    passing=_deployment(replicas=3) + "---\n" + _pdb(budget="minAvailable: 2"),
    peers={"kube-linter": "pdb-min-available"},
)
def pdb_blocks_eviction(ctx: Context) -> Found:
    for pdb, selector in _pdb_selectors(ctx):
        pods = _replica_total(ctx, select_pods(ctx, pdb.namespace, selector))
        blocking = _blocking_budget(pdb, pods)
        if blocking is not None:
            yield pdb, Violation(("spec", blocking[0]), blocking[1])


def _replica_total(ctx: Context, workloads: list[ObjectView]) -> int | None:
    """Fixed replica count of the selected workloads; None when unknown (none selected, bare
    pods, autoscaled or non-scalable workloads)."""
    total = 0
    for obj in workloads:
        count = replicas(obj)
        if count is None or hpa_targets(ctx).get((obj.kind, obj.namespace, obj.name)):
            return None
        total += count
    return total or None
