"""The loader's note of ints outside int32 (`Document.wide_ints`), which lets the int-range rule
(KL137) skip documents: it must never say False for a document holding such an int."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from kubelint.load import load_text
from kubelint.rules.catalogue import load_rules
from kubelint.rules.runner import lint_texts, make_plan

INT32 = (-(2**31), 2**31 - 1)


def _loaded(text: str, name: str = "x.yaml"):
    (doc,) = load_text(text, name).documents
    return doc


def _flag(text: str, name: str = "x.yaml") -> bool | None:
    return _loaded(text, name).wide_ints


def _pod(value: str) -> str:
    return (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n"
        f"  terminationGracePeriodSeconds: {value}\n  containers: [{{name: web, image: nginx}}]\n"
    )


@given(st.integers(min_value=-(2**70), max_value=2**70))
def test_yaml_and_json_note_every_wide_int(value: int) -> None:
    doc = _loaded(_pod(str(value)))
    loaded = doc.body["spec"]["terminationGracePeriodSeconds"]  # past uint64: a float, as in Go
    if INT32[0] <= value <= INT32[1]:
        assert doc.wide_ints is False
    elif type(loaded) is int:
        assert doc.wide_ints is True
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "n": [value]}
    flag = _flag(json.dumps(body), "x.json")
    assert flag is not (INT32[0] <= value <= INT32[1])  # exact, as for YAML


def test_spellings_yaml_resolves_to_ints_are_noted() -> None:
    assert _flag(_pod("0x80000000")) is True  # YAML 1.1 hexadecimal: 2147483648
    assert _flag(_pod("!!int 3000000000")) is True
    assert _flag(_pod("2_147_483_648")) is True
    assert _flag(_pod("2147483647")) is False
    assert _flag(_pod('"3000000000"')) is False  # a string, not an int


def test_aliases_and_merge_keys_carry_the_note() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nbase: &b {n: 5000000000}\n"
    assert _flag(text + "other: *b\n") is True
    assert _flag(text + "merged: {<<: *b}\n") is True


def test_int_range_rule_reports_through_both_loaders() -> None:
    plan = make_plan([r for r in load_rules() if r.code == "KL137"])
    body = json.loads(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "web"},
                "spec": {
                    "terminationGracePeriodSeconds": 1,
                    "containers": [{"name": "web", "image": "nginx"}],
                    "priority": 3000000000,
                },
            }
        )
    )
    found = lint_texts(
        {
            "a.json": json.dumps(body),
            "b.yaml": _pod("1").replace("  containers", "  priority: 3000000000\n  containers"),
        },
        plan,
    )
    assert [(f.source, f.code, f.path) for f in found] == [
        ("a.json", "KL137", ("spec", "priority")),
        ("b.yaml", "KL137", ("spec", "priority")),
    ]
