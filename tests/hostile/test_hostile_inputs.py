"""Hostile input, end to end: every input becomes findings with a location (or a usage error),
never a traceback, never a hang.

Most cases run the real CLI in a subprocess (`run_kubelint`); the large table of small inputs
runs in-process through `kubelint.cli.main.main` for speed, and once more through one
subprocess. Every case checks the exit code (0 clean, 1 findings at or above --fail-on,
2 usage or internal error: never expected here), that stderr has no traceback, and the
findings (rule, line) it must produce.

Bugs these tests found are not here but in test_regressions.py (failing until fixed); gaps
(input kubelint accepts that the apiserver rejects) are pinned with a `GAP:` comment and listed
in ROBUSTNESS.md.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import CM, DEPLOYMENT, REPO, cli_env, run_kubelint

from kubelint.load import InputFile
from kubelint.model import Severity


def deployment(replicas: str) -> bytes:
    return DEPLOYMENT.format(replicas=replicas).encode()


# -- helpers -----------------------------------------------------------------------------------
def assert_sane(code: int, stderr: str, allowed: tuple[int, ...] = (0, 1)) -> None:
    """Exit code as documented, and no traceback or internal error on stderr."""
    assert code in (0, 1, 2)
    assert code in allowed, (code, stderr)
    assert "Traceback" not in stderr, stderr
    assert "internal error" not in stderr, stderr


def found(report: dict, source: str | None = None) -> set[tuple[str, int]]:
    return {
        (f["rule"], f["line"]) for f in report["findings"] if source is None or f["file"] == source
    }


def expected_code(report: dict) -> int:
    return 1 if any(f["severity"] == "error" for f in report["findings"]) else 0


def cli(args: list[str], timeout: float = 60, **kwargs) -> tuple[int, dict | None, str]:
    """Run `kubelint check -o json ARGS` in a subprocess; (code, report, stderr)."""
    try:
        run = run_kubelint(["check", "-o", "json", *args], timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired:
        pytest.fail(f"kubelint check {args} still running after {timeout} s (a hang)")
    assert_sane(run.code, run.stderr)
    return run.code, (run.json() if run.stdout.strip() else None), run.stderr


def inproc(kubelint_main, args: list[str]) -> tuple[int, dict]:
    code, out, err = kubelint_main(["check", "-o", "json", *args])
    assert_sane(code, err)
    return code, json.loads(out)


_MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "kubelint", *sys.argv[1:]], capture_output=True)
    wall = time.perf_counter() - start
    rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({"code": proc.returncode, "wall": wall, "rss_mib": rss_kib / 1024,
                      "stdout": proc.stdout.decode("utf-8", "replace"),
                      "stderr": proc.stderr.decode("utf-8", "replace")}))
    """
)


def measured(args: list[str], timeout: float = 60) -> dict:
    """Run kubelint as the only child of a fresh interpreter: its wall time and peak RSS."""
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args],
        capture_output=True,
        timeout=timeout,
        env=cli_env(),
        check=True,
    )
    return json.loads(proc.stdout)


def mem_available_gib() -> float:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return 0.0


# -- alias bombs -------------------------------------------------------------------------------
def _bomb(style: str, levels: int = 9, width: int = 9) -> str:
    if style == "flow-sequences":
        lines = ["  l0: &l0 [" + ", ".join(['"lol"'] * width) + "]"]
        lines += [
            f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels)
        ]
    elif style == "flow-mappings":
        lines = ["  l0: &l0 {" + ", ".join(f"k{j}: lol" for j in range(width)) + "}"]
        lines += [
            f"  l{i}: &l{i} {{" + ", ".join(f"k{j}: *l{i - 1}" for j in range(width)) + "}"
            for i in range(1, levels)
        ]
    elif style == "block-sequences":
        lines = ["  l0: &l0\n" + "    - lol\n" * width]
        lines += [f"  l{i}: &l{i}\n" + f"    - *l{i - 1}\n" * width for i in range(1, levels)]
    elif style == "merge-keys":  # each level merges the previous one into `width` keys
        lines = ["  l0: &l0 {" + ", ".join(f"k{j}: lol" for j in range(width)) + "}"]
        lines += [
            f"  l{i}: &l{i}\n" + "".join(f"    k{j}:\n      <<: *l{i - 1}\n" for j in range(width))
            for i in range(1, levels + 2)
        ]
    elif style == "merge-lists":  # <<: [*prev, *prev] inside flow mappings
        lines = ["  l0: &l0 {" + ", ".join(f"k{j}: lol" for j in range(width)) + "}"]
        lines += [
            f"  l{i}: &l{i} {{"
            + ", ".join(f"k{j}: {{<<: [*l{i - 1}, *l{i - 1}]}}" for j in range(width))
            + "}"
            for i in range(1, levels + 2)
        ]
    else:
        raise ValueError(style)
    return CM + "data:\n" + "\n".join(lines) + "\n"


BOMB_STYLES = ["flow-sequences", "flow-mappings", "block-sequences", "merge-keys", "merge-lists"]


@pytest.mark.parametrize("style", BOMB_STYLES)
def test_alias_bomb_is_rejected_fast_and_small(tmp_path, style):
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(style))
    result = measured(["check", "-o", "json", str(path)], timeout=30)
    assert_sane(result["code"], result["stderr"], allowed=(1,))
    report = json.loads(result["stdout"])
    rules = found(report)
    assert {r for r, _ in rules} == {"alias-limit"}, rules
    ((_, line),) = rules
    assert line >= 6  # inside data:, where the aliases are
    assert report["summary"]["objects"] == 0
    # the whole process, interpreter start included
    assert result["wall"] < 1.0, result["wall"]
    assert result["rss_mib"] < 200, result["rss_mib"]


def test_alias_bomb_on_stdin_and_with_a_raised_limit(tmp_path):
    bomb = _bomb("flow-sequences").encode()
    code, report, _ = cli(["-"], stdin=bomb, timeout=30)
    assert code == 1 and {r for r, _ in found(report)} == {"alias-limit"}
    # a limit 10x higher still stops the 387-million-node expansion
    code, report, _ = cli(["--max-alias-nodes", "1000000", "-"], stdin=bomb, timeout=30)
    assert code == 1 and {r for r, _ in found(report)} == {"alias-limit"}


# -- deep nesting ------------------------------------------------------------------------------
DEEP = {
    # name: (text, rule, line)
    "flow-sequences": (CM + "data: " + "[" * 10_000 + "]" * 10_000 + "\n", "too-deep", 5),
    "flow-mappings": (CM + "data: " + "{a: " * 10_000 + "x" + "}" * 10_000 + "\n", "too-deep", 5),
    "unclosed-flow": (CM + "data: " + "[" * 10_000 + "\n", "too-deep", 5),
    "block-sequences": (CM + "data:\n  k:\n    " + "- " * 10_000 + "x\n", "too-deep", 7),
    "block-sequence-document": ("- " * 10_000 + "x\n", "too-deep", 1),
    # block mappings 1,200 deep (one space per level: 720 KB)
    "block-mappings": (
        CM + "data:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(1_200)),
        "too-deep",
        None,
    ),
    # 300 levels: under libyaml's 1000, over kubelint's --max-depth 256
    "block-mappings-300": (
        CM + "data:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(300)),
        "too-deep",
        None,
    ),
}


@pytest.mark.parametrize("name", list(DEEP))
def test_deep_nesting(tmp_path, name):
    text, rule, line = DEEP[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    start = time.perf_counter()
    code, report, _ = cli([str(path)], timeout=30)
    elapsed = time.perf_counter() - start
    assert code == 1
    rules = found(report)
    assert {r for r, _ in rules} == {rule}, rules
    if line is not None:
        assert {ln for _, ln in rules} == {line}
    else:
        assert all(ln > 4 for _, ln in rules)
    # 10,000-deep flow collections cost ~1.7 s today (ruamel.yaml re-parses what libyaml
    # rejects; see ROBUSTNESS.md); everything else is well under a second
    assert elapsed < 8, elapsed


def test_deep_nesting_in_json(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"apiVersion": "v1", "kind": "ConfigMap", "data": ' + "[" * 5000 + "]" * 5000)
    code, report, _ = cli([str(path)], timeout=30)
    assert code == 1
    assert found(report) == {("too-deep", 1)}


def test_max_depth_option_bounds(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(CM + "data: {k: " + "[" * 50 + "]" * 50 + "}\n")
    code, report, _ = cli(["--max-depth", "10", str(path)])
    assert (code, found(report)) == (1, {("too-deep", 5)})
    code, report, _ = cli(["--max-depth", "900", str(path)])
    assert (code, found(report)) == (1, {("invalid-type", 5)})  # data values must be strings
    run = run_kubelint(["check", "--max-depth", "100000", str(path)])  # over the 900 maximum
    assert_sane(run.code, run.stderr, allowed=(2,))
    assert "--max-depth" in run.stderr


# -- size ----------------------------------------------------------------------------------------
def _write_100mb(path: Path) -> int:
    """100 MiB of 1 MiB ConfigMaps: each parses (under the 3 MiB document limit)."""
    doc = CM + "data:\n  k: " + "x" * (1024 * 1024) + "\n"
    count = 100 * 1024 * 1024 // len(doc) + 1
    with open(path, "w") as fh:
        fh.write("---\n".join([doc] * count))
    return count


def test_100mb_file_is_rejected_quickly_with_default_limits(tmp_path):
    path = tmp_path / "huge.yaml"
    _write_100mb(path)
    result = measured(["check", "-o", "json", str(path)], timeout=60)
    assert_sane(result["code"], result["stderr"], allowed=(1,))
    report = json.loads(result["stdout"])
    assert found(report) == {("too-large", 1)}
    assert "64 MiB" in report["findings"][0]["message"]
    assert result["wall"] < 2.0, result["wall"]
    assert result["rss_mib"] < 200, result["rss_mib"]  # the file is not read


def test_100mb_file_with_a_raised_limit_does_not_crash(tmp_path):
    if mem_available_gib() < 4:
        pytest.skip(f"needs 4 GiB of free memory, {mem_available_gib():.1f} GiB available")
    path = tmp_path / "huge.yaml"
    count = _write_100mb(path)
    result = measured(["check", "-o", "json", "--max-file-size", "200MiB", str(path)], timeout=90)
    assert_sane(result["code"], result["stderr"], allowed=(0,))
    report = json.loads(result["stdout"])
    assert report["summary"]["objects"] == count
    # every ConfigMap is fine: no finding at all, in ~4 s and ~450 MiB today
    assert report["findings"] == []
    assert result["wall"] < 60, result["wall"]


def test_100mb_on_stdin_is_capped(tmp_path):
    data = b"# " + b"x" * (100 * 1024 * 1024) + b"\n"
    code, report, _ = cli(["-"], stdin=data, timeout=60)
    assert code == 1
    assert found(report) == {("too-large", 1)}
    assert report["findings"][0]["file"] == "<stdin>"


def test_ten_megabyte_line(tmp_path):
    path = tmp_path / "line.yaml"
    path.write_text(CM + "data:\n  k: " + "a" * (10 * 1024 * 1024) + "\n")
    code, report, _ = cli([str(path)], timeout=30)
    assert (code, found(report)) == (1, {("too-large", 1)})  # over the 3 MiB document limit
    code, report, _ = cli(["--max-document-size", "20MiB", str(path)], timeout=30)
    assert (code, report["findings"]) == (0, [])  # parsed: a ConfigMap with one long value
    assert report["summary"]["objects"] == 1


def test_ten_megabyte_line_of_flow_mapping(tmp_path):
    path = tmp_path / "flow.yaml"
    pairs = ", ".join(f"k{i}: v" for i in range(900_000))
    path.write_text(CM + "data: {" + pairs + "}\n")
    assert path.stat().st_size > 10 * 1024 * 1024
    code, report, _ = cli([str(path)], timeout=30)
    assert (code, found(report)) == (1, {("too-large", 1)})


def test_ten_megabyte_line_of_garbage_is_not_slow(tmp_path):
    # a syntax error at the end of a 10 MB line: too large for the ruamel.yaml fallback
    path = tmp_path / "garbage.yaml"
    path.write_text(CM + "data: [" + "abc, " * 2_100_000 + "}\n")
    start = time.perf_counter()
    code, report, _ = cli(["--max-document-size", "20MiB", str(path)], timeout=60)
    assert code == 1
    assert found(report) == {("yaml-syntax", 5)}
    assert time.perf_counter() - start < 15


# -- the table of small hostile inputs ----------------------------------------------------------
PWNED = "kubelint-pwned-marker"

CASES: dict[str, tuple[bytes, set[tuple[str, int]]]] = {
    # encodings
    "invalid-utf8": (CM.encode() + b"data:\n  k: caf\xe9\n", {("encoding", 6)}),
    "invalid-utf8-first-byte": (b"\xff\xfe\xfd", {("encoding", 1)}),
    "overlong-utf8": (CM.encode() + b"data:\n  k: \xc0\xaf\n", {("encoding", 6)}),
    "truncated-utf8": (CM.encode() + b"data:\n  k: \xe2\x82", {("encoding", 6)}),
    "utf8-encoded-surrogate": (CM.encode() + b"data:\n  k: \xed\xa0\x80\n", {("encoding", 6)}),
    "utf16-le-bom": (codecs.BOM_UTF16_LE + CM.encode("utf-16-le"), {("encoding", 1)}),
    "utf16-be-bom": (codecs.BOM_UTF16_BE + CM.encode("utf-16-be"), {("encoding", 1)}),
    "utf16-le-no-bom": (CM.encode("utf-16-le"), {("encoding", 1)}),  # NUL bytes
    "utf16-be-no-bom": (CM.encode("utf-16-be"), {("encoding", 1)}),
    "utf16-bom-odd-length": (
        codecs.BOM_UTF16_LE + CM.encode("utf-16-le") + b"x",
        {("encoding", 1)},
    ),
    "utf16-bom-lone-surrogate": (
        codecs.BOM_UTF16_LE + CM.encode("utf-16-le") + b"\x00\xd8",
        {("encoding", 1)},
    ),
    "utf16-bom-with-errors": (
        codecs.BOM_UTF16_LE + (CM + "data:\n  a: 1\n  a: 2\n").encode("utf-16-le"),
        {("encoding", 1), ("duplicate-key", 7), ("invalid-type", 6)},  # the last a wins
    ),
    "utf32-le-bom": (codecs.BOM_UTF32_LE + CM.encode("utf-32-le"), {("encoding", 1)}),
    "utf8-bom": (codecs.BOM_UTF8 + CM.encode(), set()),
    "utf8-bom-only": (codecs.BOM_UTF8, {("no-objects", 1)}),
    "double-utf8-bom": (codecs.BOM_UTF8 * 2 + CM.encode(), set()),
    # A BOM at the start of a later document: libyaml rejects it, ruamel.yaml reads the key as
    # "\ufeffapiVersion". go-yaml (a libyaml port) fails too, so an error is right; pinned.
    "utf8-bom-on-second-document": (
        CM.encode() + b"---\n" + codecs.BOM_UTF8 + CM.encode(),
        {("missing-api-version", 6)},
    ),
    "nul-byte": (CM.encode() + b"data:\n  k: a\x00b\n", {("encoding", 6)}),
    "nul-byte-first": (b"\x00" + CM.encode(), {("encoding", 1)}),
    "escaped-nul-is-text": (CM.encode() + b'data:\n  k: "a\\0b"\n', set()),
    "binary-garbage": (bytes(range(256)) * 4, {("encoding", 2)}),  # byte 0x80, after a \\n
    # line endings and whitespace
    "crlf": (
        (CM + "data:\n  a: p\n  a: q\n").replace("\n", "\r\n").encode(),
        {("duplicate-key", 7)},
    ),
    "cr-only": ((CM + "data:\n  a: 1\n").replace("\n", "\r").encode(), {("invalid-type", 6)}),
    "mixed-line-endings": (b"apiVersion: v1\r\nkind: ConfigMap\rmetadata:\n  name: x\r\n", set()),
    "unicode-line-separators": (CM.encode() + "data:\n  k: a\u2028b\u2029c\x85d\n".encode(), set()),
    "tab-indentation": (CM.replace("  name", "\tname").encode(), {("yaml-syntax", 4)}),
    "tab-after-colon": (CM.encode() + b"data:\n  k:\tv\n", set()),
    "tab-in-flow": (CM.encode() + b"data: {k:\tv,\tj: w}\n", set()),
    "only-whitespace": (b"   \n  \r\n", {("no-objects", 1)}),
    "tab-only-line": (b"   \n\t\n", {("yaml-syntax", 2)}),  # libyaml (and go-yaml) reject it
    # duplicate keys
    "duplicate-key": (CM.encode() + b"data:\n  a: p\n  a: q\n", {("duplicate-key", 7)}),
    "duplicate-top-level-kind": (CM.encode() + b"kind: Secret\n", {("duplicate-key", 5)}),
    "duplicate-key-after-resolution": (  # 0x10 and 16 are both the key "16"
        CM.encode() + b'data:\n  "16": p\n  0x10: q\n',
        {("duplicate-key", 7)},
    ),
    "duplicate-key-in-flow": (CM.encode() + b"data: {a: p, a: q}\n", {("duplicate-key", 5)}),
    # YAML 1.1 scalars
    "yaml11-boolean-in-string-field": (
        CM.encode() + b"data:\n  k: yes\n",
        {("ambiguous-scalar", 6), ("invalid-type", 6)},
    ),
    "yaml11-boolean-key": (CM.encode() + b"data:\n  on: x\n", {("ambiguous-scalar", 6)}),
    "yaml11-octal-replicas": (deployment("010"), {("ambiguous-scalar", 6)}),  # 8, not 10
    "sexagesimal": (CM.encode() + b"data:\n  k: 1:30\n", {("ambiguous-scalar", 6)}),
    # merge keys
    "merge-key": (
        deployment("1")
        .replace(b"matchLabels: {app: web}", b"matchLabels: &l {app: web}")
        .replace(b"labels: {app: web}", b"labels: {<<: *l, tier: x}"),
        set(),
    ),
    "merge-list": (
        CM.encode() + b"data:\n  a: &a {p: '1'}\n  b: &b {q: '2'}\n  c: {<<: [*a, *b]}\n",
        {("invalid-type", 6), ("invalid-type", 7), ("invalid-type", 8)},
    ),
    "merge-of-a-scalar": (CM.encode() + b"data:\n  <<: 1\n", {("yaml-syntax", 6)}),
    "merge-of-an-undefined-alias": (CM.encode() + b"data:\n  <<: *nope\n", {("yaml-syntax", 6)}),
    "recursive-alias": (CM.encode() + b"data: &a\n  k: *a\n", {("too-deep", 5)}),
    # tags never construct anything
    "python-apply-document": (
        f'!!python/object/apply:os.system ["touch {PWNED}"]\n'.encode(),
        {("not-an-object", 1), ("custom-tag", 1)},
    ),
    "python-apply-value": (
        CM.encode() + f'data:\n  k: !!python/object/apply:os.system ["touch {PWNED}"]\n'.encode(),
        {("custom-tag", 6), ("invalid-type", 6)},
    ),
    "python-new-mapping": (
        CM.encode() + f"data: !!python/object/new:os.system {{args: [touch {PWNED}]}}\n".encode(),
        {("custom-tag", 5), ("invalid-type", 5)},
    ),
    "python-name-scalar": (
        CM.encode() + b"data:\n  k: !!python/name:os.system ''\n",
        {("custom-tag", 6)},
    ),
    "custom-tag": (CM.encode() + b"data:\n  k: !Ref v\n", {("custom-tag", 6)}),
    "verbatim-tag": (CM.encode() + b"data:\n  k: !<tag:example.com:x> v\n", {("custom-tag", 6)}),
    "tag-directive": (
        b"%TAG !e! tag:example.com,2000:\n---\n" + CM.encode() + b"data:\n  k: !e!x v\n",
        {("custom-tag", 8)},
    ),
    "invalid-binary": (CM.encode() + b"data:\n  k: !!binary '@@@'\n", {("yaml-syntax", 6)}),
    "invalid-int-tag": (CM.encode() + b"data:\n  k: !!int abc\n", {("yaml-syntax", 6)}),
    # numbers in typed fields
    "replicas-1e400": (deployment("1e400"), {("invalid-type", 6)}),  # a string, as go-yaml reads
    "replicas-nan": (deployment(".nan"), {("invalid-number", 6), ("invalid-type", 6)}),
    "replicas-inf": (deployment(".inf"), {("invalid-number", 6), ("invalid-type", 6)}),
    "replicas-minus-inf": (deployment("-.Inf"), {("invalid-number", 6), ("invalid-type", 6)}),
    "replicas-fraction": (deployment("1.5"), {("invalid-type", 6)}),
    "replicas-string": (deployment('"3"'), {("invalid-type", 6)}),
    "replicas-1e3": (deployment("1e3"), {("ambiguous-scalar", 6)}),  # 1000, YAML 1.1: a string
    # GAP: the apiserver rejects these (replicas is int32; negative replicas fail validation);
    # kubelint accepts them today. Pinned so that a change is noticed; see ROBUSTNESS.md.
    "replicas-over-int32": (deployment("2147483648"), set()),
    "replicas-20-digits": (deployment("99999999999999999999"), set()),
    "replicas-over-uint64": (deployment("18446744073709551616"), set()),
    "replicas-negative": (deployment("-1"), set()),
    "replicas-4000-digits": (deployment("9" * 4000), {("invalid-type", 6)}),  # a string
    "replicas-huge-hex": (deployment("0x" + "f" * 5000), {("invalid-type", 6)}),
    "nan-key": (CM.encode() + b"data:\n  .nan: x\n", {("invalid-number", 6)}),
    # documents that are not objects
    "list-document": (b"- a\n- b\n", {("not-an-object", 1)}),
    "scalar-document": (b"hello\n", {("not-an-object", 1)}),
    "number-document": (b"42\n", {("not-an-object", 1)}),
    "null-document": (b"~\n", {("not-an-object", 1)}),
    "null-word-document": (b"---\nnull\n", {("not-an-object", 2)}),
    "empty-mapping": (b"{}\n", {("missing-api-version", 1), ("missing-kind", 1)}),
    "empty-file": (b"", {("no-objects", 1)}),
    "only-markers": (b"---\n...\n---\n", {("no-objects", 1)}),
    "only-comments": (b"# a\n# b\n", {("no-objects", 1)}),
    "list-of-non-objects": (
        b"apiVersion: v1\nkind: List\nitems:\n- 1\n- x\n- null\n- [a]\n",
        {("not-an-object", 4), ("not-an-object", 5), ("not-an-object", 6), ("not-an-object", 7)},
    ),
    "non-string-apiversion": (
        b"apiVersion: 1\nkind: [Pod]\nmetadata: {name: x}\n",
        {("missing-api-version", 1), ("missing-kind", 2)},
    ),
    "non-scalar-key": (CM.encode() + b"data:\n  [a]: x\n", {("yaml-syntax", 6)}),
    "null-key": (CM.encode() + b"data:\n  ~: x\n", {("yaml-syntax", 6)}),
    # kinds and apiVersions that look like paths: looked up in tables, never on disk
    "apiversion-path-traversal": (
        b"apiVersion: ../../etc/passwd\nkind: ../../../x\nmetadata: {name: x}\n",
        {("missing-api-version", 1)},
    ),
    "kind-path-traversal": (
        b"apiVersion: v1\nkind: ../../../x\nmetadata: {name: x}\n",
        {("unknown-kind", 2)},
    ),
    "group-path-traversal": (
        b"apiVersion: ../v1\nkind: X\nmetadata: {name: x}\n",
        {("missing-schema", 1)},
    ),
    "custom-resource-kind-path": (
        b"apiVersion: evil.example.com/v1\nkind: ../../../../etc/passwd\nmetadata: {name: x}\n",
        {("missing-schema", 1)},
    ),
    "absolute-kind": (b"apiVersion: v1\nkind: /etc/passwd\n", {("unknown-kind", 2)}),
    "nul-escape-in-kind": (b'apiVersion: v1\nkind: "Pod\\0"\n', {("unknown-kind", 2)}),
    # templates and syntax
    "helm-template": (b"apiVersion: v1\nkind: {{ .Values.kind }}\n", {("yaml-syntax", 2)}),
    "unterminated-quote": (CM.encode() + b'data:\n  k: "abc\n', {("yaml-syntax", 7)}),
    "directive-only": (b"%YAML 1.1\n", {("yaml-syntax", 2)}),
    "yaml-2.0-directive": (b"%YAML 2.0\n---\n" + CM.encode(), {("yaml-syntax", 1)}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_in_process(kubelint_main, tmp_path, monkeypatch, name):
    data, expected = CASES[name]
    monkeypatch.chdir(tmp_path)
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(data)
    code, report = inproc(kubelint_main, [str(path)])
    assert found(report) == expected, report["findings"]
    assert code == expected_code(report)
    assert report["summary"]["files"] == 1
    assert not (tmp_path / PWNED).exists()
    assert not Path(PWNED).exists()


def test_hostile_table_through_one_subprocess(tmp_path):
    names = {}
    for i, (name, (data, _)) in enumerate(CASES.items()):
        path = tmp_path / f"{i:03d}-{name}.yaml"
        path.write_bytes(data)
        names[str(path)] = name
    for fmt in ("json", "text", "concise"):
        run = run_kubelint(["check", "-o", fmt, str(tmp_path)], cwd=tmp_path, timeout=60)
        assert_sane(run.code, run.stderr, allowed=(1,))
        if fmt == "json":
            report = run.json()
            assert report["summary"]["files"] == len(CASES)
            for path, name in names.items():
                assert found(report, path) == CASES[name][1], name
    assert not (tmp_path / PWNED).exists()


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_json_numbers_out_of_range(tmp_path, suffix):
    """1e400 overflows a float64: Python's json reads infinity, go-yaml keeps the string; both
    are findings (invalid-type) either way."""
    path = tmp_path / f"n{suffix}"
    path.write_text(
        '{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},\n'
        ' "spec": {"replicas": 1e400,\n'
        '  "selector": {"matchLabels": {"a": "b"}},\n'
        '  "template": {"metadata": {"labels": {"a": "b"}},\n'
        '   "spec": {"containers": [{"name": "c", "image": "i"}]}}}}\n'
    )
    code, report, _ = cli([str(path)])
    assert code == 1
    assert found(report) == {("invalid-type", 2)}


# -- the file system: apiVersion/kind never become paths ----------------------------------------
TRAVERSAL = (
    b"apiVersion: ../../etc/passwd\nkind: ../../../x\nmetadata: {name: a}\n---\n"
    b"apiVersion: v1\nkind: ../../../x\nmetadata: {name: b}\n---\n"
    b"apiVersion: ../v1\nkind: ../../x\nmetadata: {name: c}\n---\n"
    b"apiVersion: evil.example.com/v1\nkind: ../../../../etc/passwd\nmetadata: {name: d}\n---\n"
    b"apiVersion: v1\nkind: /etc/shadow\nmetadata: {name: e}\n"
)
TRAVERSAL_FINDINGS = {
    ("missing-api-version", 1),
    ("unknown-kind", 6),
    ("missing-schema", 9),
    ("missing-schema", 13),
    ("unknown-kind", 18),
}


def _allowed_roots() -> list[str]:
    roots = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        str(REPO / "kubelint"),
        str(REPO / "schemas"),
        "/lib",
        "/lib64",
        "/usr/lib",
        "/usr/lib64",
        "/usr/share/locale",
        "/usr/share/zoneinfo",
        "/etc/ld.so.cache",
        "/etc/localtime",
        "/proc/",
        "/sys/",
        "/dev/",
    }
    roots.update(p for p in sys.path if p and os.path.isdir(p) and "site-packages" in p)
    return sorted(roots | {os.path.realpath(r) for r in roots if not r.endswith("/")})


def _unexpected(paths: list[str], inputs: set[str], cwd: Path) -> list[str]:
    roots = _allowed_roots()
    allowed_dirs = {str(REPO), str(cwd), os.path.realpath(cwd)}
    bad = []
    for raw in paths:
        path = raw if os.path.isabs(raw) else os.path.join(cwd, raw)
        norm = os.path.normpath(path)
        if norm in inputs or norm in allowed_dirs or os.path.realpath(norm) in allowed_dirs:
            continue
        if any(norm == r.rstrip("/") or norm.startswith(r.rstrip("/") + "/") for r in roots):
            continue
        bad.append(raw)
    return bad


_OPEN_CALL = re.compile(r'^(?:\d+\s+)?(open|openat|openat2|creat)\((?:[^,]+, )?"((?:[^"\\]|\\.)*)"')


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")
def test_kind_and_api_version_never_reach_the_file_system_strace(tmp_path):
    path = tmp_path / "traversal.yaml"
    path.write_bytes(TRAVERSAL)
    log = tmp_path / "strace.log"
    proc = subprocess.run(
        [
            "strace", "-f", "-qq", "-e", "trace=open,openat,openat2,creat", "-o", str(log),
            sys.executable, "-m", "kubelint", "check", "-o", "json", path.name,
        ],
        capture_output=True,
        cwd=tmp_path,
        env=cli_env(),
        timeout=60,
        check=False,
    )  # fmt: skip
    if not log.exists() or "ptrace" in proc.stderr.decode(errors="replace"):
        pytest.skip(f"strace cannot trace here: {proc.stderr[-300:]!r}")
    assert_sane(proc.returncode, proc.stderr.decode(errors="replace"), allowed=(1,))
    report = json.loads(proc.stdout)
    assert found(report) == TRAVERSAL_FINDINGS
    opened = []
    for line in log.read_text(errors="replace").splitlines():
        match = _OPEN_CALL.match(line)
        if match:
            opened.append(match.group(2))
    assert any(p.endswith("traversal.yaml") for p in opened)  # strace saw the input
    assert not [p for p in opened if "passwd" in p or "shadow" in p or p.endswith("/x")]
    assert _unexpected(opened, {str(path)}, tmp_path) == []


def test_kind_and_api_version_never_reach_the_file_system_in_process(
    kubelint_main, tmp_path, monkeypatch
):
    import builtins
    import io

    path = tmp_path / "traversal.yaml"
    path.write_bytes(TRAVERSAL)
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, *args, **kwargs):
        if isinstance(file, str | bytes | os.PathLike):
            opened.append(os.fsdecode(file))
        return real_open(file, *args, **kwargs)

    def spy_os_open(file, *args, **kwargs):
        opened.append(os.fsdecode(file))
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(io, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    monkeypatch.chdir(tmp_path)
    code, report = inproc(kubelint_main, [path.name])
    monkeypatch.undo()
    assert code == 1
    assert found(report) == TRAVERSAL_FINDINGS
    assert "traversal.yaml" in opened
    assert _unexpected(opened, {str(path)}, tmp_path) == []


# -- files that vanish or fail while being read --------------------------------------------------
def _two_files(tmp_path: Path) -> tuple[Path, Path]:
    d = tmp_path / "in"
    d.mkdir()
    a, b = d / "a.yaml", d / "b.yaml"
    a.write_text(CM)
    b.write_text(CM.replace("name: x", "name: z"))
    return a, b


def _run_check(paths: list[str], **options):
    from kubelint.pipeline import CheckOptions, run_check

    return run_check(CheckOptions(paths=paths, **options))


def test_file_deleted_between_discovery_and_reading(tmp_path, monkeypatch):
    import kubelint.pipeline

    a, _ = _two_files(tmp_path)
    real = kubelint.pipeline.load_file

    def vanish_first(item, limits=None):
        if item.path == str(a):
            os.unlink(item.path)
        return real(item, limits)

    monkeypatch.setattr(kubelint.pipeline, "load_file", vanish_first)
    result = _run_check([str(tmp_path / "in")], jobs=1)
    got = [(f.name, f.source, f.line, f.severity) for f in result.findings]
    assert got == [("unreadable", str(a), 1, Severity.ERROR)]
    assert "no such file" in result.findings[0].message.lower()
    assert result.files == 2 and result.objects == 1


@pytest.mark.parametrize(
    "error",
    [
        PermissionError(13, "Permission denied"),
        IsADirectoryError(21, "Is a directory"),
        OSError(5, "Input/output error"),
        OSError(40, "Too many levels of symbolic links"),
    ],
    ids=["EACCES", "EISDIR", "EIO", "ELOOP"],
)
def test_open_failing_while_reading(tmp_path, monkeypatch, error):
    import builtins

    a, _ = _two_files(tmp_path)
    real_open = builtins.open

    def failing_open(file, *args, **kwargs):
        if os.fspath(file) == str(a):
            raise error
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", failing_open)
    result = _run_check([str(tmp_path / "in")], jobs=1)
    monkeypatch.undo()
    got = [(f.name, f.source, f.line) for f in result.findings]
    assert got == [("unreadable", str(a), 1)]
    assert error.strerror.lower() in result.findings[0].message.lower()
    assert result.objects == 1


def test_read_failing_halfway(tmp_path, monkeypatch):
    import builtins

    a, _ = _two_files(tmp_path)
    real_open = builtins.open

    class Failing:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def fileno(self):
            return self.fh.fileno()

        def read(self, *args):
            raise OSError(5, "Input/output error")

    def failing_open(file, mode="r", *args, **kwargs):
        fh = real_open(file, mode, *args, **kwargs)
        return Failing(fh) if os.fspath(file) == str(a) and "b" in mode else fh

    monkeypatch.setattr(builtins, "open", failing_open)
    result = _run_check([str(tmp_path / "in")], jobs=1)
    monkeypatch.undo()
    assert [(f.name, f.source) for f in result.findings] == [("unreadable", str(a))]


def test_files_vanishing_before_a_parallel_run(tmp_path, monkeypatch):
    """With workers, sizes are taken for batching and files read in other processes."""
    import kubelint.pipeline
    from kubelint.load.files import Discovery

    a, b = _two_files(tmp_path)
    ghost = tmp_path / "in" / "ghost.yaml"

    def fake_discover(paths, exclude=()):
        out = Discovery()
        out.files = [InputFile(str(p), str(p)) for p in (a, ghost, b)]
        return out

    monkeypatch.setattr(kubelint.pipeline, "discover", fake_discover)
    result = _run_check(["unused"], jobs=2)
    assert [(f.name, f.source) for f in result.findings] == [("unreadable", str(ghost))]
    assert result.objects == 2


def test_directory_removed_while_scanning(tmp_path, monkeypatch):
    import kubelint.load.files as files

    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.yaml").write_text(CM)
    (d / "sub" / "b.yaml").write_text(CM)
    real_walk = os.walk

    def walk_and_remove(top, *args, **kwargs):
        for dirpath, dirnames, filenames in real_walk(top, *args, **kwargs):
            yield dirpath, dirnames, filenames
            if dirpath == str(d):
                shutil.rmtree(d / "sub")

    monkeypatch.setattr(files.os, "walk", walk_and_remove)
    result = _run_check([str(d)], jobs=1)
    assert result.objects == 1
    assert all(f.name == "unreadable" for f in result.findings)


# -- special files while scanning a directory --------------------------------------------------
@pytest.fixture
def scan_dir(tmp_path: Path) -> Path:
    d = tmp_path / "scan"
    (d / "sub").mkdir(parents=True)
    (d / "ok.yaml").write_text(CM)
    (d / "sub" / "ok2.yaml").write_text(CM.replace("name: x", "name: z"))
    return d


def test_directory_symlink_loops(scan_dir):
    os.symlink("..", scan_dir / "sub" / "up")  # sub/up -> scan
    os.symlink(".", scan_dir / "self")  # self -> scan
    os.symlink("loop.yaml", scan_dir / "loop.yaml")  # a file symlink to itself
    code, report, _ = cli([str(scan_dir)], timeout=20)
    assert report["summary"]["files"] == 2
    by_rule = {(f["rule"], f["severity"], os.path.basename(f["file"])) for f in report["findings"]}
    assert ("unreadable", "error", "loop.yaml") in by_rule
    loops = [f for f in report["findings"] if f["severity"] == "warning"]
    assert loops and all(f["rule"] == "unreadable" and f["line"] == 1 for f in loops)
    assert code == 1  # the self-linked file is an error; the loops alone are warnings


def test_directory_symlink_loop_alone_is_a_warning(scan_dir):
    os.symlink("../..", scan_dir / "sub" / "back")
    code, report, _ = cli([str(scan_dir)], timeout=20)
    assert code == 0
    assert {(f["rule"], f["severity"]) for f in report["findings"]} == {("unreadable", "warning")}


def test_fifo_and_devices_in_a_scanned_directory_do_not_hang(scan_dir):
    os.mkfifo(scan_dir / "pipe.yaml")
    os.mkfifo(scan_dir / "sub" / "pipe.json")
    os.symlink("/dev/null", scan_dir / "null.yaml")
    os.symlink("/dev/zero", scan_dir / "zero.yaml")
    os.symlink("/dev/urandom", scan_dir / "sub" / "random.yml")
    sock = socket.socket(socket.AF_UNIX)
    with contextlib.suppress(OSError):  # some file systems refuse sockets; the others count
        sock.bind(str(scan_dir / "socket.yaml"))
    try:
        code, report, _ = cli([str(scan_dir)], timeout=20)
        code_j2, report_j2, _ = cli(["-j", "2", str(scan_dir)], timeout=20)
    finally:
        sock.close()
    assert code == code_j2 == 1
    assert report["findings"] == report_j2["findings"]
    skipped = {os.path.basename(f["file"]): f for f in report["findings"]}
    assert {"pipe.yaml", "pipe.json", "null.yaml", "zero.yaml", "random.yml"} <= set(skipped)
    assert all(f["rule"] == "unreadable" and f["line"] == 1 for f in skipped.values())
    assert "FIFO" in skipped["pipe.yaml"]["message"]
    assert "device" in skipped["null.yaml"]["message"]
    assert report["summary"]["files"] == 2


def test_devices_named_explicitly(tmp_path):
    code, report, _ = cli(["/dev/null"], timeout=20)
    assert (code, found(report)) == (0, {("no-objects", 1)})
    code, report, _ = cli(["--max-file-size", "1MiB", "/dev/zero"], timeout=20)
    assert (code, found(report)) == (1, {("too-large", 1)})  # read up to the cap, not forever
    code, report, _ = cli(["--max-file-size", "1MiB", "/dev/urandom"], timeout=20)
    assert (code, found(report)) == (1, {("too-large", 1)})


def test_fifo_named_explicitly_is_read(tmp_path):
    fifo = tmp_path / "p.yaml"
    os.mkfifo(fifo)

    def writer():
        with open(fifo, "wb") as fh:
            fh.write(CM.encode() + b"data:\n  a: p\n  a: q\n")

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    code, report, _ = cli([str(fifo)], timeout=20)
    thread.join(5)
    assert (code, found(report)) == (1, {("duplicate-key", 7)})


def test_fifo_matched_by_a_glob_is_not_opened(tmp_path):
    os.mkfifo(tmp_path / "p.yaml")
    (tmp_path / "ok.yaml").write_text(CM)
    code, report, _ = cli([str(tmp_path / "*.yaml")], timeout=20)
    assert code == 1
    assert [(os.path.basename(f["file"]), f["rule"]) for f in report["findings"]] == [
        ("p.yaml", "unreadable")
    ]


# -- file names -----------------------------------------------------------------------------------
def _non_utf8_dir(tmp_path: Path) -> Path:
    d = os.fsencode(tmp_path / "names")
    os.mkdir(d)
    try:
        os.mkdir(os.path.join(d, b"dir-\xff"))
        with open(os.path.join(d, b"caf\xe9.yaml"), "wb") as fh:
            fh.write(CM.encode() + b"data:\n  a: p\n  a: q\n")
        with open(os.path.join(d, b"dir-\xff", b"\x80\x81.yaml"), "wb") as fh:
            fh.write(b"- not an object\n")
    except OSError as error:
        pytest.skip(f"cannot create non-UTF-8 file names here: {error}")
    return tmp_path / "names"


@pytest.mark.parametrize("fmt", ["json", "text", "concise"])
def test_non_utf8_file_names_in_a_scanned_directory(tmp_path, fmt):
    d = _non_utf8_dir(tmp_path)
    run = run_kubelint(["check", "-o", fmt, str(d)], timeout=30)
    assert_sane(run.code, run.stderr, allowed=(1,))
    assert "caf\ufffd.yaml" in run.stdout
    if fmt == "json":
        report = run.json()
        got = {(os.path.basename(f["file"]), f["rule"], f["line"]) for f in report["findings"]}
        assert got == {
            ("caf\ufffd.yaml", "duplicate-key", 7),
            ("\ufffd\ufffd.yaml", "not-an-object", 1),
        }


def test_non_utf8_file_name_as_an_argument(tmp_path):
    d = _non_utf8_dir(tmp_path)
    raw = os.path.join(os.fsencode(d), b"caf\xe9.yaml")
    proc = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"kubelint", b"check", b"-o", b"json", raw],
        capture_output=True,
        env=cli_env(),
        timeout=30,
        check=False,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    assert_sane(proc.returncode, stderr, allowed=(1,))
    report = json.loads(proc.stdout)
    assert found(report) == {("duplicate-key", 7)}
    assert report["findings"][0]["file"].endswith("caf\ufffd.yaml")


def test_odd_but_valid_file_names(tmp_path):
    for name in ["-dash.yaml", " space .yaml", "new\nline.yaml", "quote'\".yaml", "star*.yaml"]:
        (tmp_path / name).write_text(CM + "data:\n  a: p\n  a: q\n")
    code, report, _ = cli([str(tmp_path)], timeout=30)
    assert code == 1
    assert report["summary"]["files"] == 5
    assert {(f["rule"], f["line"]) for f in report["findings"]} == {("duplicate-key", 7)}
    assert len(report["findings"]) == 5


# -- standard input ------------------------------------------------------------------------------
def _kubelint_with_stdin(stdin, extra: list[str] | None = None) -> tuple[int, dict, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "-o", "json", *(extra or []), "-"],
        stdin=stdin,
        capture_output=True,
        env=cli_env(),
        timeout=30,
        check=False,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    assert_sane(proc.returncode, stderr)
    return proc.returncode, json.loads(proc.stdout), stderr


def test_stdin_devnull():
    code, report, _ = _kubelint_with_stdin(subprocess.DEVNULL)
    assert (code, found(report)) == (0, {("no-objects", 1)})
    assert report["findings"][0]["file"] == "<stdin>"


def test_stdin_empty():
    code, report, _ = cli(["-"], stdin=b"")
    assert (code, found(report)) == (0, {("no-objects", 1)})


def test_stdin_closed_file_descriptor():
    proc = subprocess.run(
        ["sh", "-c", 'exec "$0" -m kubelint check -o json - <&-', sys.executable],
        capture_output=True,
        env=cli_env(),
        timeout=30,
        check=False,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    assert_sane(proc.returncode, stderr)
    report = json.loads(proc.stdout)
    assert all(f["file"] == "<stdin>" and f["line"] == 1 for f in report["findings"])
    assert found(report) in ({("no-objects", 1)}, {("unreadable", 1)})


def test_stdin_over_the_file_size_limit():
    code, report, _ = cli(["--max-file-size", "1KiB", "-"], stdin=b"# x\n" * 1000)
    assert (code, found(report)) == (1, {("too-large", 1)})


def test_stdin_with_hostile_content():
    data = codecs.BOM_UTF16_LE + (CM + "data:\n  a: 1\n  a: 2\n").encode("utf-16-le")
    code, report, _ = cli(["-"], stdin=data)
    assert code == 1
    assert ("encoding", 1) in found(report) and ("duplicate-key", 7) in found(report)


def test_stdin_that_never_ends_is_capped(tmp_path):
    """`yes | kubelint check -` must stop at --max-file-size instead of reading forever."""
    proc = subprocess.Popen(
        ["sh", "-c", 'yes "# x" | exec "$0" -m kubelint check -o json --max-file-size 4MiB -',
         sys.executable],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
    )  # fmt: skip
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("kubelint kept reading an endless stdin")
    assert_sane(proc.returncode, err.decode(errors="replace"), allowed=(1,))
    assert found(json.loads(out)) == {("too-large", 1)}


# -- usage errors are exit 2, one line, no traceback ---------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["--max-file-size", "-1", "x.yaml"],
        ["--max-file-size", "1e999", "x.yaml"],
        ["--max-file-size", "junk", "x.yaml"],
        ["--max-depth", "0", "x.yaml"],
        ["--max-alias-nodes", "-5", "x.yaml"],
        ["-k", "../../etc", "x.yaml"],
        ["--shard", "0/0", "x.yaml"],
        ["--shard", "99999999999999999999/1", "x.yaml"],
        ["--severity", "=", "x.yaml"],
    ],
)
def test_hostile_options_are_usage_errors(tmp_path, args):
    (tmp_path / "x.yaml").write_text(CM)
    run = run_kubelint(["check", *args], cwd=tmp_path, timeout=30)
    assert_sane(run.code, run.stderr, allowed=(2,))
    assert run.stderr.strip()


def test_special_file_modes_are_untouched(scan_dir):
    fifo = scan_dir / "pipe.yaml"
    os.mkfifo(fifo)
    cli([str(scan_dir)], timeout=20)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
