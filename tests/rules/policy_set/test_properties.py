"""Properties of the cross-object machinery: indexed selection equals brute force, duplicate
detection does not depend on document order, consistent generated apps raise no reference or
selection finding."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kubelint.k8s.selectors import Requirement, Selector
from kubelint.model import Document, ObjectRef, object_ref
from kubelint.rules.builtin._podlabels import select_pods
from kubelint.rules.builtin.sets import duplicate_object
from kubelint.strategies import manifest_sets, yaml_documents
from tests.rules.policy_set.harness import BY_NAME, context, lint

KEYS = ["app", "tier", "track"]
VALUES = ["a", "b", "c"]
NAMESPACES = ["x", "y"]


def _pod(name: str, namespace: str, labels: dict[str, str]) -> Document:
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"containers": [{"name": "c", "image": "x:1"}]},
    }
    return Document(body, "gen.yaml", 0, 1, object_ref(body))


labels = st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=3)
requirement = st.builds(
    Requirement,
    st.sampled_from(KEYS),
    st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"]),
    st.frozensets(st.sampled_from(VALUES), min_size=1, max_size=2),
).map(lambda r: r._replace(values=frozenset()) if r.operator in ("Exists", "DoesNotExist") else r)
selectors = st.lists(requirement, max_size=3).map(lambda reqs: Selector(tuple(reqs)))


@given(
    st.lists(st.tuples(st.sampled_from(NAMESPACES), labels), max_size=25),
    selectors,
    st.sampled_from([None, *NAMESPACES, "empty"]),
)
def test_indexed_selection_equals_brute_force(pods, selector, namespace) -> None:
    docs = [_pod(f"p{i}", ns, lab) for i, (ns, lab) in enumerate(pods)]
    ctx = context(docs)
    expected = [
        o.name
        for o in ctx.objects
        if (namespace is None or o.namespace == namespace) and selector.matches(o.labels)
    ]
    assert [o.name for o in ctx.select_workloads(namespace, selector)] == expected
    assert [o.name for o in select_pods(ctx, namespace, selector)] == expected


def _object(kind: str, name: str, namespace: str) -> dict[str, Any]:
    api = {"Deployment": "apps/v1", "ConfigMap": "v1", "Namespace": "v1"}[kind]
    return {"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": namespace}}


identities = st.tuples(
    st.sampled_from(["Deployment", "ConfigMap", "Namespace"]),
    st.sampled_from(["a", "b"]),
    st.sampled_from(NAMESPACES),
)


@given(st.lists(identities, max_size=12), st.randoms(use_true_random=False))
def test_duplicates_do_not_depend_on_document_order(items, rng) -> None:
    def reported(order: list[tuple[str, str, str]]) -> tuple[int, list[ObjectRef]]:
        bodies = [_object(*item) for item in order]
        docs = [Document(b, "gen.yaml", i, i + 1, object_ref(b)) for i, b in enumerate(bodies)]
        found = [obj for obj, _ in duplicate_object(context(docs))]
        return len(found), sorted({(o.kind, o.namespace, o.name) for o in found})

    shuffled = list(items)
    rng.shuffle(shuffled)
    count, duplicated = reported(items)
    # Namespaces are cluster-scoped: their metadata.namespace is ignored
    distinct = {(k, "" if k == "Namespace" else ns, n) for k, n, ns in items}
    assert count == len(items) - len(distinct)
    assert reported(shuffled) == (count, duplicated)


SELECTION_AND_REFERENCES = [
    "missing-configmap",
    "missing-config-key",
    "service-selects-nothing",
    "service-target-port-missing",
    "selector-overlap",
    "duplicate-object",
]


@given(yaml_documents(manifest_sets()))
def test_consistent_generated_apps_raise_no_finding(text: str) -> None:
    assert lint(text, *SELECTION_AND_REFERENCES) == []


def test_every_rule_named_here_exists() -> None:
    assert all(name in BY_NAME for name in SELECTION_AND_REFERENCES)
