"""The JSON report spells each finding itself (for speed); it must be exactly what the json
module writes for the finding's dict with sorted keys."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from kubelint.model import Finding, ObjectRef, Severity
from kubelint.report.json_format import finding_dict, finding_line

text = st.text(max_size=30)  # any code point: quotes, backslashes, controls, surrogates
refs = st.none() | st.builds(ObjectRef, text, text, text, st.none() | text, text)
paths = st.lists(text | st.integers(min_value=0, max_value=10**6), max_size=6).map(tuple)
findings = st.builds(
    Finding,
    source=text,
    line=st.integers(min_value=0, max_value=10**9),
    column=st.integers(min_value=0, max_value=10**6),
    code=text,
    name=text,
    severity=st.sampled_from(Severity),
    message=text,
    ref=refs,
    path=paths,
    document=st.none() | st.integers(min_value=0, max_value=10**6),
    hint=st.none() | text,
)


def _dumped(f: Finding) -> str:
    return json.dumps(finding_dict(f), sort_keys=True, ensure_ascii=False)


@given(st.lists(findings, max_size=5))
def test_finding_line_is_the_sorted_dump(batch):
    objects: dict = {}  # shared across the batch, as in a report
    assert [finding_line(f, objects) for f in batch] == [_dumped(f) for f in batch]


@given(findings)
def test_finding_line_parses_back_to_the_finding_dict(f):
    assert json.loads(finding_line(f, {})) == json.loads(_dumped(f))


def test_a_ref_shared_by_findings_is_spelled_once_and_reused():
    ref = ObjectRef("apps", "v1", "Deployment", None, "web")
    a = Finding("a.yaml", 1, 1, "KL100", "x", Severity.ERROR, "m", ref, ("spec", 0))
    b = a._replace(line=2, path=())
    objects: dict = {}
    assert finding_line(a, objects) == _dumped(a)
    assert list(objects) == [ref]
    assert finding_line(b, objects) == _dumped(b)
