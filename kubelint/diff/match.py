"""Pairing the objects of two sets: identity, API migrations, renames.

Identity is (group, kind, namespace, name) with the group canonicalised, so an
`extensions/v1beta1` Ingress and a `networking.k8s.io/v1` Ingress of the same name are one object
whose API moved. Objects left over on both sides are paired as renames when their content (all but
the name) is alike: identical content is found by hash first, then the rest by similarity.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from kubelint.codes import Code, finding, register
from kubelint.diff.walk import KeysFor, leaves
from kubelint.k8s.scope import canonical_group, is_namespaced
from kubelint.model import Document, Finding, Location, ObjectRef, Severity

Identity = tuple[str, str, str, str]
"""(canonical group, kind, namespace or "", name)."""

register(Code("KL759", "duplicate-in-diff", Severity.WARNING, "An object appears twice in a set"))

MAX_FUZZY_PAIRS = 40_000
"""Similarity is computed for at most this many (removed, added) pairs per kind and namespace."""


def identity(ref: ObjectRef) -> Identity:
    group = canonical_group(ref.group, ref.kind)
    namespaced = is_namespaced(group, ref.kind) is not False  # unknown kinds: namespaced
    return (group, ref.kind, (ref.namespace or "") if namespaced else "", ref.name)


def index(documents: Iterable[Document]) -> tuple[dict[Identity, Document], list[Finding]]:
    """Documents by identity; a repeated identity keeps the last one (as `kubectl apply` ends
    with it) and is reported."""
    out: dict[Identity, Document] = {}
    findings: list[Finding] = []
    for doc in documents:
        if doc.ref is None:
            continue
        key = identity(doc.ref)
        first = out.get(key)
        if first is not None:
            findings.append(
                finding(
                    "duplicate-in-diff",
                    doc.source,
                    Location(doc.line, 1),
                    f"{doc.ref} is also defined at {first.source}:{first.line}; "
                    "the diff uses this later definition",
                    ref=doc.ref,
                    document=doc.index,
                )
            )
        out[key] = doc
    return out, findings


def pair_renames(
    removed: list[Document],
    added: list[Document],
    normalized: Callable[[Document], Mapping[str, Any]],
    keys_for: Callable[[Mapping[str, Any]], KeysFor],
    threshold: float,
) -> list[tuple[Document, Document, float]]:
    """(old, new, similarity) for objects renamed within the same kind and namespace."""
    if not removed or not added or threshold > 1:
        return []
    buckets: dict[tuple[str, str, str], tuple[list[Document], list[Document]]] = {}
    for side, docs in ((0, removed), (1, added)):
        for doc in docs:
            assert doc.ref is not None
            group, kind, namespace, _ = identity(doc.ref)
            buckets.setdefault((group, kind, namespace), ([], []))[side].append(doc)
    out: list[tuple[Document, Document, float]] = []
    for key in sorted(buckets):
        old_docs, new_docs = buckets[key]
        if old_docs and new_docs:
            out.extend(_pair_bucket(old_docs, new_docs, normalized, keys_for, threshold))
    return out


def _pair_bucket(old_docs, new_docs, normalized, keys_for, threshold):
    fingerprints = {id(d): _content(normalized(d)) for d in (*old_docs, *new_docs)}
    by_hash: dict[str, list[Document]] = {}
    for doc in new_docs:
        by_hash.setdefault(_hash(fingerprints[id(doc)]), []).append(doc)
    pairs: list[tuple[Document, Document, float]] = []
    taken: set[int] = set()
    left: list[Document] = []
    for doc in old_docs:  # identical content under a new name
        content = fingerprints[id(doc)]
        twins = [d for d in by_hash.get(_hash(content), []) if id(d) not in taken]
        if twins and _has_content(content):
            pairs.append((doc, twins[0], 1.0))
            taken.add(id(twins[0]))
        else:
            left.append(doc)
    right = [d for d in new_docs if id(d) not in taken]
    if not left or not right or len(left) * len(right) > MAX_FUZZY_PAIRS or threshold >= 1:
        return pairs
    prints = {id(d): leaves(fingerprints[id(d)], keys_for(normalized(d))) for d in left + right}
    scored = sorted(
        (
            (-_similarity(prints[id(a)], prints[id(b)]), i, j)
            for i, a in enumerate(left)
            for j, b in enumerate(right)
        ),
    )
    used_left: set[int] = set()
    used_right: set[int] = set()
    for negative, i, j in scored:  # greedy: best pairs first, each object once
        if -negative < threshold:
            break
        if i in used_left or j in used_right or not prints[id(left[i])]:
            continue
        used_left.add(i)
        used_right.add(j)
        pairs.append((left[i], right[j], round(-negative, 3)))
    return pairs


def _content(body: Mapping[str, Any]) -> dict[str, Any]:
    """The object without its name and type meta: what a rename keeps."""
    meta = dict(body["metadata"]) if isinstance(body.get("metadata"), Mapping) else {}
    for key in ("name", "generateName", "namespace"):
        meta.pop(key, None)
    rest = {k: v for k, v in body.items() if k not in ("apiVersion", "kind", "metadata")}
    return {"metadata": meta, **rest} if meta else rest


def _has_content(content: Mapping[str, Any]) -> bool:
    return any(v not in (None, {}, [], "") for v in content.values())


def _hash(content: Mapping[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, default=str)


def _similarity(a: set[Any], b: set[Any]) -> float:
    if not a and not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))
