"""JSON data as CEL values: maps convert their values lazily (as the apiserver does for
unstructured objects), and must be indistinguishable from an eager conversion to expressions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from celpy import celtypes
from hypothesis import given
from hypothesis import strategies as st

from kubelint.load import load_file
from kubelint.load.files import discover
from kubelint.rules.cel.runtime import (
    _PENDING,
    Converted,
    Program,
    evaluate_variables,
    from_cel,
    json_to_cel,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=30,
)


def _eager(value: Any) -> Any:
    """The same conversion with every map filled in at once."""
    if isinstance(value, dict):
        return celtypes.MapType({json_to_cel(k): _eager(v) for k, v in value.items()})
    if isinstance(value, list):
        return celtypes.ListType([_eager(v) for v in value])
    return json_to_cel(value)


@given(json_values)
def test_lazy_conversion_round_trips_and_equals_the_eager_one(value: Any) -> None:
    converted = json_to_cel(value)
    assert converted == _eager(value)
    assert from_cel(converted) == value
    assert repr(json_to_cel(value)) == repr(_eager(value))


names = st.from_regex(r"[a-z][a-z0-9_]{0,3}", fullmatch=True)


@given(st.dictionaries(names, json_values, max_size=5), names)
def test_expressions_see_the_same_map(data: dict[str, Any], key: str) -> None:
    for text in (
        "object",
        f"has(object.{key})",
        f"'{key}' in object",
        "size(object)",
        "object.all(k, k != '')",
        f"object['{key}']",
        f"object.{key} == object.{key}",
    ):
        program = Program(text)
        eager = Converted.of_cel(_eager(data))  # as converted, bypassing the lazy conversion
        assert _outcome(program, {"object": data}) == _outcome(program, {"object": eager})


def test_variables_leave_the_subtrees_they_name_unconverted() -> None:
    # `s = object.spec` must not convert the whole spec (a CRD's schema) to Python and back
    schema = {f"field{i}": {"type": "string"} for i in range(50)}
    data: dict[str, Any] = {"object": Converted({"spec": {"group": "x", "schema": schema}})}
    named = [("s", Program("object.spec")), ("g", Program("variables.s.group"))]
    data["variables"] = evaluate_variables(named, data)
    spec = data["variables"].value[celtypes.StringType("s")]
    assert dict.__getitem__(spec, celtypes.StringType("schema")) is _PENDING  # never read
    assert Program("variables.g == 'x' && size(variables.s.schema) == 50").evaluate(data) is True


def _outcome(program: Program, data: dict[str, Any]) -> Any:
    try:
        return ("value", from_cel(program.evaluate(data)))
    except Exception as exc:  # evaluation errors must match too
        return ("error", type(exc).__name__)


@pytest.fixture(scope="module")
def corpus_objects(corpus: str) -> list[dict[str, Any]]:
    files = discover([str(Path(corpus) / "kubernetes__website")]).files
    return [d.body for f in files[:80] for d in load_file(f).documents]


def test_corpus_objects_convert_like_celpy_would(corpus_objects: list[dict[str, Any]]) -> None:
    assert len(corpus_objects) > 50
    for body in corpus_objects:
        assert json_to_cel(body) == _eager(body)
        assert from_cel(json_to_cel(body)) == body
