"""Hypothesis strategies for Kubernetes manifests, derived from kubelint's bundled schemas.

    from hypothesis import given
    from kubelint import strategies as ks

    @given(ks.objects(kind="Deployment", k8s_version="1.32"))
    def test_my_tool_accepts_valid_deployments(obj): ...

    @given(ks.objects(kind="Service", valid=False))
    def test_my_tool_rejects(bad):          # bad.object, bad.rule, bad.path, bad.description
        ...

    @given(ks.yaml_documents(ks.manifest_sets()))
    def test_my_tool_reads_yaml(text): ...

- `objects(kind, api_version, k8s_version, valid=True, namespace=None)`: objects the apiserver
  accepts: schema-valid, and passing its own validation (every kubelint rule of category
  "validation": names and labels by their syntax, selectors matching pod templates, fields a
  Service type allows, one handler per probe, mounts of declared volumes, ...; see `known.py`
  and `fixups.py`). With `valid=False`: `Invalid(object, rule, path, description)` with
  exactly one planted violation.
- `manifest_sets()`: [ConfigMap, Deployment, Service] whose references all resolve.
- `clusters()`: cluster descriptions (nodes, taints, non-overlapping CIDRs).
- `yaml_documents(strategy, flow=None, quote=None, comments=None, key_order=None)`: YAML
  text of objects, in styles hypothesis varies unless fixed.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from kubelint.strategies import fixups
from kubelint.strategies.invalid import Invalid, invalid
from kubelint.strategies.render import render
from kubelint.strategies.schema import SchemaStrategies
from kubelint.strategies.sets import cluster, manifest_set

__all__ = ["COMMON_KINDS", "Invalid", "clusters", "manifest_sets", "objects", "yaml_documents"]

COMMON_KINDS = (
    "Deployment",
    "Service",
    "ConfigMap",
    "Secret",
    "Pod",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Ingress",
    "ServiceAccount",
    "Namespace",
    "PersistentVolumeClaim",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
    "Role",
    "RoleBinding",
)
_STABILITY = ("v1", "v2", "v1beta2", "v1beta1", "v1alpha1")


@functools.cache
def _schemas(k8s_version: str | None) -> SchemaStrategies:
    return SchemaStrategies(k8s_version)


def _api_version(schemas: SchemaStrategies, kind: str) -> str:
    served = [k.split(":")[0] for k in schemas.kinds() if k.split(":")[1] == kind]
    if not served:
        raise ValueError(f"no kind {kind} in Kubernetes {schemas.registry.version}")

    def rank(api_version: str) -> tuple[int, str]:
        version = api_version.rpartition("/")[2]
        stable = next((i for i, v in enumerate(_STABILITY) if version == v), len(_STABILITY))
        return stable, api_version

    return min(served, key=rank)


def objects(
    kind: str | None = None,
    api_version: str | None = None,
    k8s_version: str | None = None,
    valid: bool = True,
    namespace: str | None = None,
) -> st.SearchStrategy[Any]:
    """Objects of one kind (or of a common kind when `kind` is None)."""
    schemas = _schemas(k8s_version)
    if kind is None:
        return st.sampled_from(COMMON_KINDS).flatmap(
            lambda k: objects(k, None, k8s_version, valid, namespace)
        )
    api_version = api_version or _api_version(schemas, kind)
    good = schemas.for_kind(api_version, kind).map(lambda obj: fixups.fixup(obj, namespace))
    return good if valid else invalid(good, schemas.registry)


def manifest_sets(k8s_version: str | None = None) -> st.SearchStrategy[list[dict[str, Any]]]:
    """A ConfigMap, a Deployment reading it, and a Service selecting the Deployment's pods."""
    return st.composite(lambda draw: manifest_set(draw, objects, k8s_version))()


def clusters() -> st.SearchStrategy[dict[str, Any]]:
    """Cluster descriptions in the cluster.yaml layout."""
    return st.composite(cluster)()


def yaml_documents(
    documents: st.SearchStrategy[Any],
    flow: bool | None = None,
    quote: bool | None = None,
    comments: bool | None = None,
    key_order: str | None = None,
) -> st.SearchStrategy[str]:
    """YAML text of a strategy's objects (one object, or a list rendered as a stream)."""

    def style(fixed: Any, choices: Sequence[Any]) -> st.SearchStrategy[Any]:
        return st.just(fixed) if fixed is not None else st.sampled_from(choices)

    return st.builds(
        lambda docs, f, q, c, o, seed: render(
            docs if isinstance(docs, list) else [docs],
            flow=f,
            quote=q,
            comments=c,
            order=o,
            seed=seed,
        ),
        documents,
        style(flow, [False, True]),
        style(quote, [False, True]),
        style(comments, [False, True]),
        style(key_order, ["as-is", "sorted", "shuffled"]),
        st.integers(0, 2**16),
    )
