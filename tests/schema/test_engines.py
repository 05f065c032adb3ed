"""The compiled validator (jsonschema-rs) and the reference (jsonschema) give the same verdicts.

kubelint decides validity with jsonschema-rs when installed and explains failures with the
jsonschema package; these tests prove the two agree on every corpus object and on mutated ones.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint.load import discover, load_file
from kubelint.schema import crd
from kubelint.schema.registry import SchemaRegistry

pytest.importorskip("jsonschema_rs", reason="jsonschema-rs is not installed on this platform")


def _corpus() -> Path | None:
    env = os.environ.get("KUBELINT_CORPUS")
    candidate = Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "corpus"
    return candidate if candidate.is_dir() else None


CORPUS = _corpus()
needs_corpus = pytest.mark.skipif(CORPUS is None, reason="corpus not found (set KUBELINT_CORPUS)")


def _objects() -> tuple[SchemaRegistry, list[tuple[str, dict[str, Any]]]]:
    assert CORPUS is not None
    registry = SchemaRegistry("1.32", strict=True)
    items = discover([str(CORPUS)]).files
    out = []
    for item in items:
        for doc in load_file(item).documents:
            if crd.is_crd(doc.body):
                registry.add_crd(doc.body)
            out.append((item.name, dict(doc.body)))
    return registry, out


@pytest.fixture(scope="module")
def corpus_objects() -> tuple[SchemaRegistry, list[tuple[str, dict[str, Any]]]]:
    return _objects()


def _key(registry: SchemaRegistry, body: dict[str, Any]) -> str | None:
    res = registry.resolve(body["apiVersion"], body["kind"])
    return res.schema_key


@needs_corpus
def test_engines_agree_on_every_corpus_object(corpus_objects) -> None:
    registry, objects = corpus_objects
    compared = invalid = 0
    for source, body in objects:
        key = _key(registry, body)
        if key is None:
            continue
        compiled = registry.validator(key)
        fast = compiled.is_valid(body)
        reference = compiled.reference().is_valid(body)
        assert fast == reference, f"{source}: {key} rust={fast} python={reference}"
        compared += 1
        invalid += not reference
    assert compared > 1700  # nearly all of the 1,846 valid + 111 broken documents
    assert invalid >= 10  # broken/ holds schema-invalid objects: both engines must see them


_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.builds(dict),
    st.builds(list),
    st.builds(lambda: {"x": 1}),
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_paths(value, (*prefix, i)))
    return out


def _set(node: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    parent = node
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return node


@needs_corpus
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_engines_agree_on_mutated_objects(corpus_objects, data) -> None:
    registry, objects = corpus_objects
    candidates = [(s, b) for s, b in objects if _key(registry, b) is not None]
    source, body = data.draw(st.sampled_from(candidates), label="object")
    body = copy.deepcopy(body)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        paths = [p for p in _paths(body) if p and p[0] not in ("apiVersion", "kind")]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths), label="path")
        if data.draw(st.booleans(), label="add-field") and isinstance(path[-1], str):
            path = (*path[:-1], data.draw(st.sampled_from(["replica", "spec", "x", "name"])))
        body = _set(body, path, data.draw(_LEAVES, label="value"))
    compiled = registry.validator(_key(registry, body))
    assert compiled.is_valid(body) == compiled.reference().is_valid(body), source
