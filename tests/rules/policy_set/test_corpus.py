"""The cross-object rules on real manifests from the corpus: known-good applications stay quiet,
known defects are found, and every directory of the corpus lints without a rule error."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelint.rules.catalogue import load_rules
from kubelint.rules.runner import lint_texts, make_plan
from tests.rules.policy_set.harness import OWN, context, corpus_documents, run_set_rules

GUESTBOOKS = [
    "kubernetes__examples/web/guestbook",
    "kubernetes__examples/web/guestbook/all-in-one/guestbook-all-in-one.yaml",
    "kubernetes__examples/web/guestbook-go",
    "GoogleCloudPlatform__microservices-demo/release",
]
SELECTION_RULES = {
    "service-selects-nothing",
    "service-target-port-missing",
    "selector-overlap",
    "missing-service-account",
    "missing-config-key",
    "duplicate-object",
    "ingress-backend-missing",
}


def _yaml_files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


@pytest.mark.parametrize("folder", GUESTBOOKS)
def test_consistent_applications_are_quiet(corpus: Path, folder: str) -> None:
    files = _yaml_files(corpus / folder)
    hits = [h for h in run_set_rules(context(corpus_documents(files))) if h[0] in SELECTION_RULES]
    assert hits == []
    services = [d for d in corpus_documents(files) if d.body.get("kind") == "Service"]
    assert len(services) >= 3  # the sets really contain what the rules look at


def test_the_website_guestbook_redis_deployments_fight_over_pods(corpus: Path) -> None:
    """Both redis Deployments of the kubernetes.io guestbook select `app: redis`, so each one's
    selector matches the other's pods (role: leader / follower is only in the templates)."""
    folder = corpus / "kubernetes__website/content/en/examples/application/guestbook"
    hits = run_set_rules(context(corpus_documents(_yaml_files(folder))))
    found = [
        (name, obj, v.message.split(" (")[0]) for name, obj, v in hits if name in SELECTION_RULES
    ]
    assert found == [
        (
            "selector-overlap",
            "Deployment default/redis-follower",
            "selector app=redis also matches the pods of Deployment redis-leader",
        )
    ]


def test_a_service_pointing_at_the_wrong_port_is_found(corpus: Path) -> None:
    path = corpus / "kubernetes__examples/_archived/volumes/flocker/flocker-pod-with-rc.yml"
    plan = make_plan([r for r in OWN if r.name == "service-target-port-missing"])
    [finding] = lint_texts({str(path): path.read_text()}, plan)
    assert (finding.line, finding.path_text) == (11, "spec.ports[0].targetPort")
    assert finding.message.endswith("(they declare 2368)")


def test_controller_labels_and_operator_pods_are_understood(corpus: Path) -> None:
    # argo-cd HA selects redis replicas by statefulset.kubernetes.io/pod-name; the
    # prometheus-operator example selects the pods of a Prometheus resource
    folders = [
        "argoproj__argo-cd/manifests/ha",
        "prometheus-operator__prometheus-operator/example/user-guides/getting-started",
    ]
    for folder in folders:
        docs = corpus_documents(_yaml_files(corpus / folder))
        hits = [h for h in run_set_rules(context(docs)) if h[0] == "service-selects-nothing"]
        assert hits == [], folder


ORDER_DEPENDENT = {"duplicate-object", "duplicate-node-port", "selector-overlap"}
"""Rules that report the later of two objects, so which object carries the finding depends on
the input order (the property tests check their order-independent parts)."""


def _order_free(hits: list) -> list[tuple[str, str, str]]:
    return sorted((r, o, v.message) for r, o, v in hits if r not in ORDER_DEPENDENT)


def test_every_corpus_directory_lints_without_errors(corpus: Path) -> None:
    """Each directory is one set. Rules must not raise, every finding points into its object,
    and the findings of the order-independent rules do not depend on the order of the objects."""
    groups: dict[Path, list[Path]] = {}
    for path in sorted(corpus.glob("*/**/*.y*ml")):
        if path.parts[len(corpus.parts)] not in ("broken", "templated"):
            groups.setdefault(path.parent, []).append(path)
    total = 0
    for files in groups.values():
        docs = corpus_documents(files)
        hits = run_set_rules(context(docs))
        assert all(v.path and v.message for _, _, v in hits)
        backwards = run_set_rules(context(docs[::-1]))
        assert _order_free(backwards) == _order_free(hits)
        total += len(hits)
    assert len(groups) > 150 and total > 200  # a floor: the rules do fire on real sets


def test_directory_findings_through_the_runner(corpus: Path) -> None:
    folder = corpus / "kubernetes__examples/_archived/storage/redis"
    texts = {str(p): p.read_text() for p in _yaml_files(folder)}
    findings = lint_texts(texts, make_plan([r for r in load_rules() if r in OWN]))
    assert [f for f in findings if f.name == "rule-error"] == []
    overlap = [f for f in findings if f.name == "selector-overlap"]
    assert [(Path(f.source).name, f.line, f.path_text) for f in overlap] == [
        ("redis-controller.yaml", 8, "spec.selector"),
        ("redis-sentinel-controller.yaml", 8, "spec.selector"),
    ]


def test_real_monitors_resolve_their_services_and_ports(corpus: Path) -> None:
    """metallb and prometheus-operator ship ServiceMonitors/PodMonitors with their Services:
    every one selects something and scrapes a port name that exists."""
    folders = [
        "metallb__metallb/config/manifests",
        "prometheus-operator__prometheus-operator/example/user-guides/getting-started",
        "prometheus-operator__prometheus-operator/example/shards",
    ]
    names = {"servicemonitor-selects-nothing", "podmonitor-selects-nothing", "monitor-port-missing"}
    monitors = 0
    for folder in folders:
        docs = corpus_documents(_yaml_files(corpus / folder))
        monitors += sum(1 for d in docs if str(d.body.get("kind", "")).endswith("Monitor"))
        assert [h for h in run_set_rules(context(docs)) if h[0] in names] == []
    assert monitors >= 8
