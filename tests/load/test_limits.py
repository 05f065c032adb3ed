"""Hostile input: alias bombs, deep nesting, oversized documents and files.

Every limit hit must become a finding; nothing may raise, hang, or exhaust memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kubelint.load import InputFile, LoadedFile, load_file, load_text
from kubelint.load.limits import MIB, Limits
from kubelint.model import Severity

CM = "apiVersion: v1\nkind: ConfigMap\n"
GENEROUS_SECONDS = 5.0  # a sanity bound, not a benchmark: the real cost is milliseconds


def summary(loaded: LoadedFile) -> list[tuple[str, int, int]]:
    return [(f.name, f.line, f.column) for f in loaded.findings]


def timed_load(text: str, limits: Limits | None = None) -> tuple[LoadedFile, float]:
    start = time.perf_counter()
    loaded = load_text(text, "t.yaml", limits)
    return loaded, time.perf_counter() - start


def laughs(levels: int, width: int = 9, flow: bool = True) -> str:
    """The classic "billion laughs": each level aliases the previous one `width` times."""
    if flow:
        lines = ["  l0: &l0 [" + ", ".join(['"lol"'] * width) + "]"]
        for i in range(1, levels):
            lines.append(f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    else:  # mappings instead of sequences
        lines = ["  l0: &l0 {" + ", ".join(f"k{j}: lol" for j in range(width)) + "}"]
        for i in range(1, levels):
            lines.append(
                f"  l{i}: &l{i} {{" + ", ".join(f"k{j}: *l{i - 1}" for j in range(width)) + "}"
            )
    return CM + "data:\n" + "\n".join(lines) + "\n"


# -- alias bombs ---------------------------------------------------------------------------
_BOMB_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
    from kubelint.load import load_text
    text = sys.stdin.read()
    start = time.perf_counter()
    loaded = load_text(text, "bomb.yaml")
    elapsed = time.perf_counter() - start
    print(json.dumps({
        "elapsed": elapsed,
        "documents": len(loaded.documents),
        "findings": [[f.name, f.line, f.column, str(f.severity)] for f in loaded.findings],
    }))
    """
)


def test_billion_laughs_is_rejected_quickly_with_default_limits() -> None:
    # 9 levels x 9 = 387 million strings once expanded. Run in a child process with a memory
    # cap and a timeout, so that a missing guard fails this test instead of the whole run.
    bomb = laughs(9)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _BOMB_CHILD],
            input=bomb,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the alias bomb was still being expanded after 10 s (no alias-limit)")
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert result["documents"] == 0
    (finding,) = result["findings"]
    name, line, _column, severity = finding
    assert (name, severity) == ("alias-limit", "error")
    assert 4 <= line <= 12  # somewhere in the data: lines
    assert result["elapsed"] < GENEROUS_SECONDS


@pytest.mark.parametrize("flow", [True, False], ids=["sequences", "mappings"])
def test_alias_expansion_is_counted_through_nested_aliases(flow: bool) -> None:
    # 9**6 = 531441 leaves, far over a limit of 1000 nodes, but each level has only 9 aliases:
    # the budget must count what an alias expands to, including the aliases inside it.
    loaded, elapsed = timed_load(laughs(6, flow=flow), Limits(max_alias_nodes=1000))
    assert loaded.documents == []
    assert [f.name for f in loaded.findings] == ["alias-limit"]
    problem = loaded.findings[0]
    assert problem.severity is Severity.ERROR
    assert problem.document == 0
    assert 4 <= problem.line <= 9
    assert elapsed < GENEROUS_SECONDS


def test_alias_limit_counts_direct_aliases() -> None:
    text = CM + "data:\n  base: &b [" + ", ".join(["x"] * 100) + "]\n  copies:\n"
    text += "".join("  - *b\n" for _ in range(20))  # 20 x 101 nodes
    loaded, _ = timed_load(text, Limits(max_alias_nodes=1000))
    assert [f.name for f in loaded.findings] == ["alias-limit"]
    assert loaded.documents == []
    # the same document is fine with the default budget
    loaded, _ = timed_load(text)
    assert loaded.findings == []
    assert len(loaded.documents[0].body["data"]["copies"]) == 20


def test_aliases_within_the_budget_are_independent_copies() -> None:
    text = CM + "data:\n  a: &a {k: [1, 2]}\n  b: *a\n  c: *a\n"
    loaded, _ = timed_load(text)
    assert loaded.findings == []
    data = loaded.documents[0].body["data"]
    assert data["a"] == data["b"] == data["c"] == {"k": [1, 2]}
    assert data["b"] is not data["a"] and data["b"]["k"] is not data["a"]["k"]


def test_alias_bomb_in_one_document_does_not_hide_the_next() -> None:
    text = laughs(6) + "---\n" + CM + "metadata: {name: after}\n"
    loaded, _ = timed_load(text, Limits(max_alias_nodes=1000))
    assert [d.body["metadata"]["name"] for d in loaded.documents] == ["after"]
    assert [d.index for d in loaded.documents] == [1]
    assert [f.name for f in loaded.findings] == ["alias-limit"]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        (CM + "data: &a [*a]\n", {3}),
        (CM + "data: &a {self: *a}\n", {3}),
        (CM + "data:\n  x: &x\n    y: [1, *x]\n", {4, 5}),  # the anchor or the cycle in it
    ],
)
def test_recursive_anchors(text: str, lines: set[int]) -> None:
    loaded, elapsed = timed_load(text)
    assert loaded.documents == []
    (problem,) = loaded.findings
    # go-yaml says "anchor 'a' value contains itself"; any error naming a limit will do
    assert problem.name in {"too-deep", "alias-limit", "yaml-syntax"}
    assert problem.severity is Severity.ERROR
    assert problem.line in lines
    assert elapsed < GENEROUS_SECONDS


# -- nesting -------------------------------------------------------------------------------
DEEP = 10_000


@pytest.mark.parametrize(
    "text",
    [
        CM + "x: " + "[" * DEEP + "]" * DEEP + "\n",
        CM + "x: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n",
        CM + "x: " + "[{a: " * (DEEP // 2) + "1" + "}]" * (DEEP // 2) + "\n",
        CM + "x: " + "[" * DEEP + "\n",  # never closed
        CM + "x:\n" + "- " * DEEP + "leaf\n",  # block sequences, compact form
    ],
    ids=["flow-seq", "flow-map", "flow-mixed", "flow-unclosed", "block-seq"],
)
def test_ten_thousand_levels(text: str) -> None:
    loaded, elapsed = timed_load(text)  # a RecursionError would propagate and fail here
    assert loaded.documents == []
    (problem,) = loaded.findings
    assert problem.name == "too-deep"
    assert problem.severity is Severity.ERROR
    assert problem.line == (4 if "x:\n" in text else 3)
    assert elapsed < GENEROUS_SECONDS


def test_block_mappings_deeper_than_max_depth() -> None:
    depth = 300
    text = CM + "".join(" " * i + "k:\n" for i in range(depth)) + " " * depth + "leaf\n"
    loaded, elapsed = timed_load(text)
    assert loaded.documents == []
    # line 3 holds the top-level key; the mapping at nesting level 257 starts on line 260
    assert summary(loaded) == [("too-deep", 260, 258)]
    assert "256" in loaded.findings[0].message
    assert elapsed < GENEROUS_SECONDS


def test_block_mappings_deeper_than_the_parser_allows() -> None:
    depth = 1200
    text = CM + "".join(" " * i + "k:\n" for i in range(depth)) + " " * depth + "leaf\n"
    loaded, elapsed = timed_load(text)
    assert loaded.documents == []
    assert [f.name for f in loaded.findings] == ["too-deep"]
    assert elapsed < GENEROUS_SECONDS


@pytest.mark.parametrize(("depth", "ok"), [(10, True), (11, False)])
def test_max_depth_boundary(depth: int, ok: bool) -> None:
    text = CM + "x: " + "[" * depth + "]" * depth + "\n"
    loaded, _ = timed_load(text, Limits(max_depth=10))
    if ok:
        assert loaded.findings == []
        assert len(loaded.documents) == 1
    else:
        assert summary(loaded) == [("too-deep", 3, 4 + depth - 1)]
        assert loaded.documents == []


def test_huge_max_depth_still_never_raises_recursion_error() -> None:
    # the libyaml limit is 1000; below it, Python recursion is the next wall. Pin the
    # interpreter's default limit: cel-python raises it process-wide when CEL rules load.
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        text = CM + "x: " + "[" * 990 + "]" * 990 + "\n"
        loaded, _ = timed_load(text, Limits(max_depth=1_000_000))
    finally:
        sys.setrecursionlimit(saved)
    assert loaded.documents == []
    assert [f.name for f in loaded.findings] == ["too-deep"]


def test_deep_document_does_not_hide_the_others() -> None:
    text = (
        CM
        + "metadata: {name: one}\n---\n"
        + CM
        + "x: "
        + "[" * DEEP
        + "]" * DEEP
        + "\n---\n"
        + CM
        + "metadata: {name: three}\n"
    )
    loaded, elapsed = timed_load(text)
    assert [d.body["metadata"]["name"] for d in loaded.documents] == ["one", "three"]
    assert [d.index for d in loaded.documents] == [0, 2]
    assert [(f.name, f.document) for f in loaded.findings] == [("too-deep", 1)]
    assert loaded.findings[0].line == 7
    assert elapsed < GENEROUS_SECONDS


# -- document size -------------------------------------------------------------------------
def test_document_over_max_document_bytes() -> None:
    big = CM + "data:\n  blob: " + "x" * 2000 + "\n"
    text = CM + "metadata: {name: one}\n---\n" + big + "---\n" + CM + "metadata: {name: three}\n"
    loaded, _ = timed_load(text, Limits(max_document_bytes=1000))
    assert [d.body["metadata"]["name"] for d in loaded.documents] == ["one", "three"]
    assert [d.index for d in loaded.documents] == [0, 2]
    assert [d.line for d in loaded.documents] == [1, 10]
    (problem,) = loaded.findings
    assert (problem.name, problem.line, problem.column, problem.document) == ("too-large", 4, 1, 1)
    assert problem.severity is Severity.ERROR
    assert "1,000" in problem.message
    assert loaded.documents[1].locate(("metadata", "name")) == (12, 18)


def test_single_document_over_the_limit() -> None:
    loaded, _ = timed_load(CM + "data:\n  a: " + "x" * 1200 + "\n", Limits(max_document_bytes=1000))
    assert loaded.documents == []
    assert summary(loaded) == [("too-large", 1, 1)]


def test_document_size_is_measured_in_bytes_not_characters() -> None:
    # 643 characters, but 1243 bytes of UTF-8: the apiserver's limit is on bytes
    text = CM + "data:\n  a: " + "é" * 600 + "\n"
    assert len(text) < 1000 < len(text.encode("utf-8"))
    loaded, _ = timed_load(text, Limits(max_document_bytes=1000))
    assert loaded.documents == []
    assert summary(loaded) == [("too-large", 1, 1)]


# -- file size -----------------------------------------------------------------------------
def write(tmp_path: Path, name: str, text: str) -> InputFile:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return InputFile(str(path), name)


def test_file_over_max_file_bytes(tmp_path: Path) -> None:
    item = write(tmp_path, "big.yaml", CM + "data:\n  a: " + "x" * 2000 + "\n")
    loaded = load_file(item, Limits(max_file_bytes=1000))
    assert loaded.source == "big.yaml"
    assert loaded.documents == []
    (problem,) = loaded.findings
    assert (problem.name, problem.line, problem.column, problem.source) == (
        "too-large",
        1,
        1,
        "big.yaml",
    )
    assert problem.severity is Severity.ERROR


def test_file_at_max_file_bytes_is_read(tmp_path: Path) -> None:
    text = CM + "data:\n  a: x\n"
    item = write(tmp_path, "exact.yaml", text)
    loaded = load_file(item, Limits(max_file_bytes=len(text.encode())))
    assert loaded.findings == []
    assert loaded.documents[0].body["data"] == {"a": "x"}
    loaded = load_file(item, Limits(max_file_bytes=len(text.encode()) - 1))
    assert [f.name for f in loaded.findings] == ["too-large"]


def test_default_limits() -> None:
    limits = Limits()
    assert limits.max_file_bytes == 64 * MIB
    assert limits.max_document_bytes == 3 * MIB
    assert limits.max_depth == 256
    assert limits.max_alias_nodes == 100_000
