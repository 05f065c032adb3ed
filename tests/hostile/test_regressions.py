"""Crashes and hangs found by the hostile-input tests and the fuzz campaign (ROBUSTNESS.md).

These tests FAIL until kubelint is fixed: each one states the behaviour the issue asks for
(a finding with a location or a usage error; never a traceback, an internal error or a hang).
Reproducers are in fuzz/crashes/. Every test that could hang or exhaust memory runs kubelint
in a subprocess with a timeout and an address-space cap, so a failure stays cheap.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CM, DEPLOYMENT, cli_env

GIB = 1024**3


def _cap_memory(limit: int = 2 * GIB):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def kubelint(args: list[str], *, timeout: float, cwd: Path | None = None, memory: int = 2 * GIB):
    """Run `python -m kubelint check ARGS` capped; (exit code, stdout, stderr) or pytest.fail."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "kubelint", "check", *args],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            env=cli_env(),
            timeout=timeout,
            preexec_fn=_cap_memory(memory),
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"kubelint check {args} still running after {timeout} s (hang)")
    elapsed = time.perf_counter() - started
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    return proc.returncode, out, err, elapsed


def assert_no_crash(code: int, err: str) -> None:
    assert "internal error" not in err and "Traceback" not in err, err
    assert code in (0, 1), (code, err)


def rules_at(out: str) -> set[tuple[str, int]]:
    return {(f["rule"], f["line"]) for f in json.loads(out)["findings"]}


# -- 1. integers with more than 4,300 digits: ValueError in kubelint/load/scalars.py ------------
# Python refuses int(str) beyond sys.get_int_max_str_digits() (4300); _parse_go_int calls int()
# on any run of decimal digits. go-yaml reads such a scalar as a string (ParseInt, ParseUint and
# ParseFloat all fail), so replicas gets invalid-type, as with 4,000 digits today.
@pytest.mark.parametrize(
    "name, text, line",
    [
        ("plain.yaml", DEPLOYMENT.format(replicas="9" * 4301), 6),
        ("negative.yaml", DEPLOYMENT.format(replicas="-" + "9" * 5000), 6),
        ("tagged.yaml", DEPLOYMENT.format(replicas="!!int " + "9" * 4301), 6),
        ("key.yaml", CM + "data:\n  ? " + "1" * 4301 + "\n  : v\n", None),  # a string key: fine
        (
            "number.json",
            '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},\n'
            ' "data": {"k": ' + "1" * 4301 + "}}\n",
            2,
        ),
    ],
)
def test_integer_with_more_than_4300_digits(tmp_path, name, text, line):
    path = tmp_path / name
    path.write_text(text)
    code, out, err, _ = kubelint(["-o", "json", str(path)], timeout=30)
    assert_no_crash(code, err)
    if line is not None:  # a finding where the number is
        assert line in {ln for _, ln in rules_at(out)}
        assert code == 1


# -- 2. lone surrogates from escapes: UnicodeEncodeError ---------------------------------------
# "\ud800" in a double-quoted YAML scalar or a JSON string gives Python a lone surrogate.
# (a) printing it (object name, kind, key in a message) fails in kubelint/cli/check.py (the
#     report is written to a strict UTF-8 stdout);
# (b) a surrogate in a key reaches jsonschema_rs, which cannot encode it
#     (kubelint/schema/compiled.py is_valid).
# go-yaml rejects surrogate escapes ("found invalid Unicode character escape code"); Go's JSON
# decoder replaces them with U+FFFD. Either way: a finding or a pass, never a crash.
SURROGATE_CASES = {
    "name.yaml": CM.replace("name: x", 'name: "\\ud800"') + "data:\n  k: 1\n",
    "kind.yaml": 'apiVersion: v1\nkind: "Pod\\ud800"\nmetadata: {name: x}\n',
    "api-version.yaml": 'apiVersion: "\\ud800/v1"\nkind: X\nmetadata: {name: x}\n',
    "key.yaml": CM + 'data:\n  "\\udfff": v\n',
    "pair.yaml": CM + 'data:\n  k: "\\ud83d\\ude00"\n  j: 1\n',  # a pair, escaped separately
    "name.json": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "\\ud800"},\n'
    ' "data": {"k": 1}}\n',
    "key.json": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},\n'
    ' "data": {"\\udfff": "v"}}\n',
}


@pytest.mark.parametrize("fmt", ["json", "text", "concise"])
@pytest.mark.parametrize("name", list(SURROGATE_CASES))
def test_lone_surrogate_escapes(tmp_path, name, fmt):
    path = tmp_path / name
    path.write_text(SURROGATE_CASES[name], encoding="utf-8")
    code, out, err, _ = kubelint(["-o", fmt, str(path)], timeout=30)
    assert_no_crash(code, err)
    out.encode("utf-8")  # the report itself is valid UTF-8


# -- 3. %YAML 1.0 / 1.3 directives: AssertionError / KeyError from ruamel.yaml -----------------
# libyaml rejects the version, kubelint falls back to ruamel.yaml (kubelint/load/parse.py
# _ruamel_compose), whose version setter asserts (AssertionError) or whose resolver has no table
# for it (KeyError, "---\n%YAML 1.3\n", found by hypothesis); only ruamel's YAMLError, ValueError
# and RecursionError are caught there. go-yaml rejects such a document: a yaml-syntax finding.
@pytest.mark.parametrize(
    "text, line",
    [
        ("%YAML 1.0\n---\n" + CM, 1),
        ("%YAML 1.3\n---\n" + CM, 1),
        ("%YAML 1.9\n---\n" + CM, 1),
        ("%YAML 1.3\n", 1),  # fuzz/crashes/hypothesis-directive-assert.json
        ("---\n%YAML 1.3\n", 2),  # fuzz/crashes/hypothesis-directive-keyerror.json
        (CM + "---\n%YAML 1.0\n---\n" + CM, 6),
    ],
    ids=["1.0", "1.3", "1.9", "alone", "after-marker", "second-document"],
)
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_yaml_directive_with_an_unsupported_version(tmp_path, text, line, suffix):
    path = tmp_path / f"directive{suffix}"
    path.write_text(text)
    code, out, err, _ = kubelint(["-o", "json", str(path)], timeout=30)
    assert_no_crash(code, err)
    assert code == 1
    assert any(rule == "yaml-syntax" and abs(ln - line) <= 1 for rule, ln in rules_at(out))


# -- 4. the ruamel.yaml fallback is quadratic: a hang on files libyaml rejects -------------------
# Each document libyaml rejects (any syntax error) and that is under 512 KiB is parsed again by
# ruamel.yaml, whose scanner re-checks every pending "possible simple key" per token
# (stale_possible_simple_keys): nested flow collections make that ~80 µs per byte. Measured:
# 12 KB 1.1 s, 30 KB 3.2 s, 500 KB 42 s, 3 x 500 KB 175 s; a 64 MiB file of such documents would
# take hours. The finding is the same yaml-syntax error libyaml reported in milliseconds.
def _nested_flow_garbage(repeats: int, depth: int = 300) -> str:
    return "[" + ("[" * depth + "]" * depth + ",") * repeats + "}\n"


def test_ruamel_fallback_is_not_quadratic(tmp_path):
    path = tmp_path / "garbage.yaml"
    path.write_text(_nested_flow_garbage(50))  # 30 KB: fuzz/crashes/ruamel-fallback-...yaml
    code, out, err, elapsed = kubelint(["-o", "json", str(path)], timeout=6)
    assert_no_crash(code, err)
    assert {rule for rule, _ in rules_at(out)} == {"yaml-syntax"}
    assert elapsed < 1.5, f"{elapsed:.1f} s for 30 KB"


def test_many_documents_rejected_by_libyaml_do_not_add_up(tmp_path):
    path = tmp_path / "garbage.yaml"
    path.write_text("---\n".join([_nested_flow_garbage(10)] * 20))  # 20 x 6 KB: 24 s today
    code, out, err, elapsed = kubelint(["-o", "json", str(path)], timeout=5)
    assert_no_crash(code, err)
    assert len(json.loads(out)["findings"]) == 20
    assert elapsed < 3, f"{elapsed:.1f} s for 120 KB"


# -- 5. --jobs without an upper bound: memory exhaustion ------------------------------------------
# click.IntRange(min=0) takes any integer; kubelint/pipeline.py _batches(items, jobs * 4) builds
# a list of jobs * 4 lists (and ProcessPoolExecutor would fork `jobs` workers). --jobs 10**23 on
# two files is killed by the OOM killer without a cap. Expected: a usage error (exit 2, one
# line naming --jobs) or a clamp to something sane.
def test_huge_jobs_value_is_a_usage_error_or_clamped(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(CM)
    code, _, err, _ = kubelint(
        ["--jobs", "99999999999999999999999", "a.yaml", "b.yaml"],
        timeout=30,
        cwd=tmp_path,
        memory=GIB,
    )
    assert "internal error" not in err and "Traceback" not in err, err
    assert code == 0 or (code == 2 and "--jobs" in err), (code, err)


# -- 6. --shard reads other shards' files without any limit ---------------------------------------
# kubelint/shard.py foreign_crds reads every file of the other shards whole (fh.read()) to look
# for "CustomResourceDefinition": no --max-file-size cap and no regular-file check, so
# `--shard 2/2 /dev/zero a.yaml` reads until memory runs out, and a 150 MB file in another shard
# is read into memory even with --max-file-size 1MiB.
def test_shard_does_not_read_devices_of_other_shards(tmp_path):
    (tmp_path / "a.yaml").write_text(CM)  # crc32: /dev/zero is in shard 1, a.yaml in shard 2
    code, out, err, _ = kubelint(
        ["-o", "json", "--shard", "2/2", "/dev/zero", "a.yaml"],
        timeout=30,
        cwd=tmp_path,
        memory=GIB,
    )
    assert_no_crash(code, err)
    assert json.loads(out)["summary"]["objects"] == 1


def test_shard_respects_max_file_size_for_other_shards(tmp_path):
    (tmp_path / "a.yaml").write_text(CM)  # shard 2 of 2
    with open(tmp_path / "big.yaml", "w") as fh:  # shard 1 of 2
        fh.write("# CustomResourceDefinition\n")
        fh.write(("#" + "x" * 1023 + "\n") * 150 * 1024)
    script = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run([sys.executable, '-m', 'kubelint', 'check', '--max-file-size',"
        " '1MiB', '--shard', '2/2', 'big.yaml', 'a.yaml'], capture_output=True)\n"
        "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        cwd=tmp_path,
        env=cli_env(),
        timeout=60,
        check=True,
    )
    code, rss_mib = map(int, proc.stdout.split())
    assert code == 0
    assert rss_mib < 100, f"peak RSS {rss_mib} MiB with --max-file-size 1MiB"


# -- 7. position lookups keep every document's node tree: memory grows with the file -----------
# A finding's line and column come from composing the text again (YamlText.locate in
# kubelint/load/parse.py); the composed nodes are cached per chunk in YamlText._nodes, and every
# Document's locator closure keeps the YamlText alive until the whole file is done. A document
# of 170,000 one-pair flow mappings (1 MB) peaks at ~240 MiB; four of them in one 4 MB file at
# ~850 MiB, twelve of them (12 MB) at ~2.4 GiB: a 64 MiB file (the default --max-file-size)
# would need ~13 GiB. Peak memory should not grow with the number of documents in a file.
def test_memory_does_not_grow_with_documents_that_have_findings(tmp_path):
    doc = CM + "data: [" + "a: b, " * 170_000 + "]\n"  # data must be a mapping: a finding
    (tmp_path / "many.yaml").write_text("---\n".join([doc] * 4))
    script = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run([sys.executable, '-m', 'kubelint', 'check', '-q', '-o', 'json',"
        " 'many.yaml'], capture_output=True)\n"
        "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
        "sys.stderr.write(p.stderr.decode('utf-8', 'replace'))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        cwd=tmp_path,
        env=cli_env(),
        timeout=60,
        check=True,
    )
    code, rss_mib = map(int, proc.stdout.split())
    assert_no_crash(code, proc.stderr.decode("utf-8", "replace"))
    assert code == 1
    assert rss_mib < 500, f"peak RSS {rss_mib} MiB for 4 x 1 MB documents"
