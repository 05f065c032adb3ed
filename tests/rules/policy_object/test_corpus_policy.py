"""The policy rules on real upstream manifests: exact findings on chosen files, and noise
bounds over the whole corpus (the defaults must not drown real problems)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import yaml
from policy_harness import DEFAULT_ON, POLICY_RULES, run

from kubelint.load import discover
from kubelint.model import Document, Severity, object_ref
from kubelint.rules.engine import DEFAULT_SETTINGS
from kubelint.rules.runner import view_of


def defaults_on(corpus: Path, name: str) -> list[tuple[str, str, int]]:
    text = (corpus / name).read_text()
    return [(f.name, f.path_text, f.line) for f in run(text, DEFAULT_ON)]


def test_node_agent_daemonset_reports_every_host_escape(corpus: Path):
    name = "kubernetes__examples/_archived/newrelic-infrastructure/newrelic-infra-daemonset.yaml"
    spec = "spec.template.spec"
    assert defaults_on(corpus, name) == [
        ("host-pid", f"{spec}.hostPID", 18),
        ("host-ipc", f"{spec}.hostIPC", 19),
        ("host-network", f"{spec}.hostNetwork", 20),
        ("privileged-container", f"{spec}.containers[0].securityContext.privileged", 26),
        ("latest-tag", f"{spec}.containers[0].image", 27),
        ("sensitive-host-path", f"{spec}.volumes[1].hostPath.path", 49),  # /dev
        ("container-runtime-socket", f"{spec}.volumes[2].hostPath.path", 52),
        ("sensitive-host-path", f"{spec}.volumes[4].hostPath.path", 58),  # /
    ]


def test_hardened_upstream_deployment_only_lacks_a_tag(corpus: Path):
    # runAsNonRoot at pod level, readOnlyRootFilesystem + drop ALL per container, resources
    name = "GoogleCloudPlatform__microservices-demo/kubernetes-manifests/frontend.yaml"
    assert defaults_on(corpus, name) == [
        ("latest-tag", "spec.template.spec.containers[0].image", 47)  # set by skaffold
    ]


CRD = re.compile(r"^kind: CustomResourceDefinition\s*$", re.M)


def _fast_documents(paths: Iterable[str]) -> Iterator[Document]:
    """Objects parsed with libyaml, without positions and without the CustomResourceDefinitions
    (most of the corpus' bytes, and no rule here reads them): counting needs no locations."""
    for path in paths:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        chunks = [c for c in re.split(r"^---", text, flags=re.M) if not CRD.search(c)]
        try:
            bodies = [b for c in chunks for b in yaml.load_all(c, Loader=yaml.CSafeLoader)]
        except yaml.YAMLError:  # the README's known-unparseable files
            continue
        for i, body in enumerate(bodies):
            if isinstance(body, dict) and isinstance(body.get("kind"), str):
                yield Document(body, path, i, 1, object_ref(body))


@pytest.fixture(scope="module")
def corpus_counts(corpus: Path) -> tuple[Counter[str], int]:
    """Objects each rule reports on, over the valid corpus folders; and workload count."""
    found = discover([str(corpus)], exclude=["broken", "templated"])
    objects: Counter[str] = Counter()
    workloads = 0
    for doc in _fast_documents(item.path for item in found.files):
        view = view_of(doc, DEFAULT_SETTINGS)
        workloads += view.template is not None
        for rule in POLICY_RULES:
            if rule.kinds is None or (view.group, view.kind) in rule.kinds:
                objects[rule.name] += any(True for _ in rule.check(view))
    return objects, workloads


def test_default_errors_are_rare_on_upstream_manifests(corpus_counts):
    objects, workloads = corpus_counts
    assert workloads > 400
    for rule in DEFAULT_ON:
        if rule.severity is Severity.ERROR:
            assert objects[rule.name] < 0.05 * workloads, rule.name


def test_every_rule_meets_the_corpus_and_strong_signals_fire(corpus_counts):
    objects, _ = corpus_counts
    for name in (
        "privileged-container",
        "host-pid",
        "container-runtime-socket",
        "secret-in-env",
        "latest-tag",
        "identical-probes",
    ):
        assert objects[name] > 0, name
