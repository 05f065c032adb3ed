"""Baselines: fingerprints ignore line shifts, counts are a multiset, bad files are errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubelint.rules import baseline

from .helpers import lint
from .test_runner import pod


def test_round_trip_survives_line_shifts(tmp_path: Path) -> None:
    before = lint({"a.yaml": pod("a") + "---\n" + pod("b")})
    path = tmp_path / "baseline.json"
    assert baseline.write(str(path), before) == 2
    known = baseline.load(str(path))
    shifted = "# a comment\n# another\n" + pod("a") + "---\n" + pod("b")
    after = lint({"a.yaml": shifted})
    assert [f.line for f in after] != [f.line for f in before]
    assert known.filter(after) == ([], 2)
    grown = lint({"a.yaml": shifted + "---\n" + pod("c")})
    kept, hidden = known.filter(grown)
    assert hidden == 2 and [str(f.ref) for f in kept] == ["Pod shop/c"]


def test_counts_are_a_multiset(tmp_path: Path) -> None:
    one = lint({"a.yaml": pod("a")})
    path = tmp_path / "b.json"
    baseline.write(str(path), one)
    twice = lint({"a.yaml": pod("a") + "---\n" + pod("a")})
    kept, hidden = baseline.load(str(path)).filter(twice)
    assert hidden == 1 and [f.line for f in kept] == [19]  # the later one is new


def test_file_is_readable_json(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    baseline.write(str(path), lint({"a.yaml": pod("a")}))
    data = json.loads(path.read_text())
    (entry,) = data["findings"]
    assert data["format"] == "kubelint-baseline" and data["version"] == 1
    assert entry["rule"] == "test-latest" and entry["object"] == "Pod shop/a"
    assert entry["path"] == "spec.containers[0].image" and "line" not in entry


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON"),
        ("[]", "not a kubelint baseline"),
        ('{"format": "kubelint-baseline", "version": 9}', "unsupported version"),
    ],
)
def test_bad_baselines_are_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text)
    with pytest.raises(baseline.BaselineError, match=message):
        baseline.load(str(path))
    with pytest.raises(baseline.BaselineError, match="cannot read"):
        baseline.load(str(tmp_path / "missing.json"))
