"""Properties of the lint machinery over generated manifests (kubelint.strategies):
rules never crash, a baseline of a run hides that run, `kubelint.io/ignore: all` hides all."""

from __future__ import annotations

import json
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from kubelint import strategies as ks
from kubelint.rules.baseline import Baseline, fingerprint
from kubelint.rules.catalogue import load_rules
from kubelint.rules.runner import lint_texts, make_plan

RULES = load_rules()
EVERY_RULE = make_plan(RULES)
KINDS = st.sampled_from(ks.COMMON_KINDS)


def _text(objects) -> str:
    return "---\n".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)


@given(KINDS.flatmap(lambda kind: ks.objects(kind=kind, valid=False)))
def test_rules_never_crash_on_invalid_objects(bad) -> None:
    found = lint_texts({"x.yaml": _text([bad.object])}, EVERY_RULE)
    assert not [f.message for f in found if f.name == "rule-error"]


@given(ks.manifest_sets())
def test_rules_never_crash_on_sets_and_a_baseline_hides_its_run(objects) -> None:
    found = lint_texts({"x.yaml": _text(objects)}, EVERY_RULE)
    assert not [f.message for f in found if f.name == "rule-error"]
    assert Baseline(Counter(fingerprint(f) for f in found)).filter(found) == ([], len(found))


@given(ks.manifest_sets())
def test_ignore_all_annotation_hides_every_finding_of_the_object(objects) -> None:
    before = lint_texts({"x.yaml": _text(objects)}, EVERY_RULE)
    for obj in objects:
        obj.setdefault("metadata", {}).setdefault("annotations", {})["kubelint.io/ignore"] = "all"
    after = lint_texts({"x.yaml": _text(objects)}, EVERY_RULE)
    flagged = {f.ref for f in before if f.ref is not None}
    assert {f.name for f in after} <= {"unused-suppression"}
    assert len(after) == len(objects) - len(flagged)
