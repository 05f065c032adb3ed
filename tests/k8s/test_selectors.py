"""Selector semantics against an independent brute-force reference.

The reference reads the API objects directly (no parsing into requirements), the universe of keys
and values is small enough to enumerate every label set, and a value no selector mentions
("fresh") stands for all the values a selector cannot name.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint.k8s.labelindex import LabelIndex
from kubelint.k8s.selectors import EVERYTHING, NOTHING, Selector, SelectorError, overlaps

KEYS = ("app", "tier", "example.com/team")
VALUES = ("a", "b", "c")
FRESH = "fresh"

labels_st = st.dictionaries(st.sampled_from(KEYS), st.sampled_from((*VALUES, FRESH)), max_size=3)


@st.composite
def expressions(draw: st.DrawFn) -> dict[str, Any]:
    op = draw(st.sampled_from(("In", "NotIn", "Exists", "DoesNotExist")))
    expr: dict[str, Any] = {"key": draw(st.sampled_from(KEYS)), "operator": op}
    if op in ("In", "NotIn"):
        expr["values"] = draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=3))
    return expr


selector_bodies = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "matchLabels": st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES)),
            "matchExpressions": st.lists(expressions(), max_size=4),
        },
    ),
)


def reference(body: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """LabelSelector semantics as documented: null selects nothing, {} everything, terms ANDed."""
    if body is None:
        return False
    for key, value in (body.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in body.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        present = key in labels
        if op == "In" and not (present and labels[key] in values):
            return False
        if op == "NotIn" and present and labels[key] in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True


def all_label_sets() -> list[dict[str, str]]:
    choices = [(None, *VALUES, FRESH)] * len(KEYS)
    return [
        {k: v for k, v in zip(KEYS, combo, strict=True) if v is not None}
        for combo in itertools.product(*choices)
    ]


UNIVERSE = all_label_sets()


@given(selector_bodies, labels_st)
def test_matches_agrees_with_reference(body, labels) -> None:
    assert Selector.parse(body).matches(labels) == reference(body, labels)


@given(selector_bodies, selector_bodies)
def test_overlaps_agrees_with_exhaustive_search(a, b) -> None:
    expected = any(reference(a, ls) and reference(b, ls) for ls in UNIVERSE)
    assert overlaps(Selector.parse(a), Selector.parse(b)) == expected


@given(selector_bodies, selector_bodies)
def test_overlaps_is_symmetric(a, b) -> None:
    sa, sb = Selector.parse(a), Selector.parse(b)
    assert overlaps(sa, sb) == overlaps(sb, sa)


@given(
    st.lists(st.tuples(st.sampled_from(("", "ns1", "ns2")), labels_st), max_size=30),
    selector_bodies,
    st.sampled_from((None, "", "ns1", "ns2", "absent")),
)
def test_label_index_select_equals_filter(entries, body, namespace) -> None:
    index: LabelIndex[int] = LabelIndex()
    for i, (ns, labels) in enumerate(entries):
        index.add(i, ns, labels)
    selector = Selector.parse(body)
    expected = [
        i
        for i, (ns, labels) in enumerate(entries)
        if (namespace is None or ns == namespace) and reference(body, labels)
    ]
    assert index.select(selector, namespace) == expected
    assert len(index) == len(entries)


@given(
    st.lists(st.tuples(st.sampled_from(("", "ns1")), labels_st), max_size=20),
    selector_bodies,
)
def test_label_index_answers_between_adds(entries, body) -> None:
    """Queries across namespaces interleaved with adds (the scheduler places pods one by one
    and asks after each) see every item added so far."""
    index: LabelIndex[int] = LabelIndex()
    selector = Selector.parse(body)
    for i, (ns, labels) in enumerate(entries):
        index.add(i, ns, labels)
        expected = [j for j, (_, seen) in enumerate(entries[: i + 1]) if reference(body, seen)]
        assert index.select(selector) == expected


@given(st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES)), labels_st)
def test_map_selector_is_match_labels(selector, labels) -> None:
    parsed = Selector.from_map(selector)
    if selector:
        assert parsed.matches(labels) == reference({"matchLabels": selector}, labels)
    else:  # an empty Service selector selects nothing (no Endpoints are managed)
        assert parsed is NOTHING


def test_empty_and_null_selectors() -> None:
    assert Selector.parse({}).everything and Selector.parse({}).matches({"app": "x"})
    assert Selector.parse({"matchLabels": {}, "matchExpressions": []}) == EVERYTHING
    assert Selector.parse(None) is NOTHING and not NOTHING.matches({})
    assert Selector.from_map({}) is NOTHING and Selector.from_map(None) is NOTHING
    assert Selector.from_map({}, empty_selects_all=True) is EVERYTHING
    assert not overlaps(NOTHING, EVERYTHING) and overlaps(EVERYTHING, EVERYTHING)


def test_non_string_values_match_as_their_label_text() -> None:
    """YAML `version: 1` in a selector and in labels are the same label value "1"."""
    selector = Selector.parse({"matchLabels": {"version": 1, "canary": True}})
    assert selector.matches({"version": "1", "canary": "true"})
    assert selector.matches({"version": 1, "canary": True})
    index: LabelIndex[str] = LabelIndex()
    index.add("pod", "default", {"version": 1, "canary": True})
    assert index.select(selector, "default") == ["pod"]


def test_null_label_value_is_the_empty_string() -> None:
    selector = Selector.parse(
        {"matchExpressions": [{"key": "app", "operator": "In", "values": [""]}]}
    )
    assert selector.matches({"app": None}) and selector.matches({"app": ""})
    assert not selector.matches({})
    assert Selector.parse({"matchExpressions": [{"key": "app", "operator": "Exists"}]}).matches(
        {"app": None}
    )


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ({"matchExpressions": [{"key": "a", "operator": "in", "values": ["x"]}]},
         ("matchExpressions", 0, "operator"), 'Unsupported value: "in"'),
        ({"matchExpressions": [{"key": "a", "operator": "In"}]},
         ("matchExpressions", 0, "values"), "must be specified when `operator` is 'In' or 'NotIn'"),
        ({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]},
         ("matchExpressions", 0, "values"), "may not be specified when `operator` is 'Exists'"),
        ({"matchExpressions": [{"operator": "Exists"}]}, ("matchExpressions", 0, "key"),
         "Required value"),
        ({"matchLabels": ["app"]}, ("matchLabels",), "must be an object"),
    ],
)  # fmt: skip
def test_rejected_selectors(body, path, message) -> None:
    with pytest.raises(SelectorError) as info:
        Selector.parse(body)
    assert info.value.path == path
    assert message in str(info.value)


def test_str_is_kubectl_syntax() -> None:
    body = {
        "matchLabels": {"app": "web"},
        "matchExpressions": [
            {"key": "tier", "operator": "NotIn", "values": ["b", "a"]},
            {"key": "canary", "operator": "DoesNotExist"},
        ],
    }
    assert str(Selector.parse(body)) == "app=web,!canary,tier notin (a,b)"  # sorted by key
