"""Duplicates, fighting controllers, PodDisruptionBudgets and autoscalers."""

from __future__ import annotations

from kubelint.rules.engine import Settings
from tests.rules.policy_set.harness import lint, messages


def deployment(
    name: str = "web",
    labels: str = "{app: web}",
    replicas: int | None = 3,
    api: str = "apps/v1",
    ns: str = "shop",
    extra: str = "",
) -> str:
    count = f"  replicas: {replicas}\n" if replicas is not None else ""
    return f"""\
apiVersion: {api}
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
{count}  selector: {{matchLabels: {labels}}}
  template:
    metadata: {{labels: {labels}}}
    spec:
{extra}      containers: [{{name: c, image: nginx:1.27}}]
---
"""


def pdb(
    selector: str, budget: str = "maxUnavailable: 1", api: str = "policy/v1", name: str = "web"
) -> str:
    return f"""\
apiVersion: {api}
kind: PodDisruptionBudget
metadata: {{name: {name}, namespace: shop}}
spec:
  {budget}
  selector: {selector}
---
"""


def hpa(target: str = "web", max_replicas: int = 5) -> str:
    return f"""\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: {target}, namespace: shop}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {target}}}
  maxReplicas: {max_replicas}
---
"""


GENERATED = """\
apiVersion: v1
kind: Pod
metadata: {generateName: job-, namespace: shop}
spec: {containers: [{name: c, image: x:1}]}
"""


def test_duplicates_point_at_the_first_definition_across_files_and_api_groups() -> None:
    files = {
        "a.yaml": deployment(),
        "b.yaml": deployment(api="extensions/v1beta1")  # same object, older API
        + deployment(ns="other")  # another namespace: a different object
        + "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
        + "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, namespace: ignored}\n---\n"
        + GENERATED
        + "---\n"
        + GENERATED,
    }
    across = Settings(params={"duplicate-object": {"across-files": True}})
    found = lint(files, "duplicate-object", settings=across)
    assert [(f.source, f.line, f.message) for f in found] == [
        ("b.yaml", 3, "Deployment shop/web is already defined at a.yaml:1"),
        ("b.yaml", 29, "Namespace shop is already defined at b.yaml:23"),
    ]
    # by default only definitions in the same file are compared (example directories reuse names)
    found = lint(files, "duplicate-object")
    assert [(f.source, f.line) for f in found] == [("b.yaml", 29)]


def test_overlapping_selectors_are_reported_once_per_pair() -> None:
    text = (
        deployment()  # app=web selects the canary's pods too
        + deployment("canary", "{app: web, track: canary}")
        + deployment("api", "{app: api}")
        + GENERATED.replace("generateName: job-", "name: stray, labels: {app: api}")
    )
    found = lint(text, "selector-overlap")
    assert [(f.ref.name, f.message.split(" (")[0]) for f in found] == [
        ("web", "selector app=web also matches the pods of Deployment canary"),
        ("api", "selector app=api also matches the pods of Pod stray"),
    ]


def test_identical_selectors_are_one_finding_per_workload_not_per_pair() -> None:
    text = deployment() + deployment("copy") + deployment("third")
    assert [(f.ref.name, f.message.split(") ")[-1]) for f in lint(text, "selector-overlap")] == [
        ("web", "and 1 more"),
        ("copy", "selector app=web also matches the pods of Deployment third (test.yaml:23)"),
    ]


def test_pdb_selection_by_api_version() -> None:
    text = (
        deployment()
        + pdb("{}", name="v1-everything")
        + pdb("{}", api="policy/v1beta1", name="beta-empty")
        + pdb("{matchLabels: {app: web}}", name="ok")
        + pdb("{matchLabels: {app: api}}", name="wrong")
        + pdb("{}", name="none").replace("  selector: {}\n", "")
    )
    found = lint(text, "pdb-selects-nothing")
    assert [(f.ref.name, f.message) for f in found] == [
        ("beta-empty", "an empty selector selects no pods in policy/v1beta1"),
        ("wrong", 'selector app=api matches no pods in namespace "shop"'),
        ("none", "the budget has no selector: it selects no pods"),
    ]


def test_workload_without_pdb_counts_autoscaled_replicas() -> None:
    text = (
        deployment("covered")
        + pdb("{matchLabels: {app: covered}}")
        + deployment("single", "{app: single}", replicas=None)
        + deployment("scaled", "{app: scaled}", replicas=None)
        + hpa("scaled", 4)
        + deployment("plain", "{app: plain}", replicas=2)
    ).replace("{app: web}", "{app: covered}")
    found = lint(text, "workload-without-pdb")
    assert [(f.ref.name, f.message) for f in found] == [
        ("scaled", "Deployment runs up to 4 replicas and no PodDisruptionBudget selects its pods"),
        ("plain", "Deployment runs up to 2 replicas and no PodDisruptionBudget selects its pods"),
    ]


def test_replicas_with_hpa() -> None:
    text = deployment() + hpa() + deployment("free", "{app: free}", replicas=None) + hpa("free")
    assert [f.ref.name for f in lint(text, "replicas-with-hpa")] == ["web"]


def test_budgets_that_block_every_eviction() -> None:
    text = (
        deployment(replicas=2)
        + pdb("{matchLabels: {app: web}}", "minAvailable: 2", name="min")
        + pdb("{matchLabels: {app: web}}", "maxUnavailable: 0%", name="zero")
        + pdb("{matchLabels: {app: web}}", "minAvailable: 1", name="fine")
        + deployment("auto", "{app: auto}", replicas=None)
        + hpa("auto")
        + pdb("{matchLabels: {app: auto}}", "minAvailable: 1", name="autoscaled")
    )
    assert messages(lint(text, "pdb-blocks-eviction")) == [
        "minAvailable 2 >= the 2 replicas it selects: no eviction is allowed",
        "maxUnavailable 0 allows no eviction",
    ]
