"""Hypothesis fuzzing of the commands beyond `check`: lint, rules, diff, simulate, apply.

    python fuzz/fuzz_commands.py                          # 300 inputs per command
    python fuzz/fuzz_commands.py --seconds 600            # a campaign, commands in turn
    python fuzz/fuzz_commands.py --seconds 300 --commands simulate,diff --save fuzz/crashes

Every input runs the real CLI in-process (`kubelint.cli.main.main`) with KUBELINT_DEBUG=1, so
that an exception escapes instead of becoming "internal error". A failure is: an exception (a
traceback), a `rule-error` (KL092) finding (a lint rule raised), an exit code other than 0, 1
or 2, "Traceback" or "internal error" on stderr, a run slower than KUBELINT_FUZZ_SLOW_SECONDS
(default 5), a change to the input files, or a network call. Failures are grouped by
signature (exception type and innermost kubelint frame, or the failing rule), and the smallest
input of each is kept (--save DIR writes it, with the command line, as a directory).

Inputs: raw bytes, YAML token soup (fuzz_load.TOKENS), corpus files and scenario manifests
mutated by structure (a node at a random path replaced by another type, a huge or negative
number, odd unicode, deep nesting within --max-depth, or deleted), objects from
kubelint.strategies (valid and with a planted violation); simulate also gets mutated scenario
cluster.yaml files, lint custom CEL rules (random expressions), diff pairs of such sets and
git: references.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402
from fuzz_load import TOKENS  # noqa: E402

from kubelint import strategies as ks  # noqa: E402
from kubelint.cli.main import main as kubelint_main  # noqa: E402

CORPUS = Path(os.environ.get("KUBELINT_CORPUS", HERE.parent.parent / "shared" / "corpus"))
SCENARIOS = Path(os.environ.get("KUBELINT_SCENARIOS", HERE.parent.parent / "shared" / "scenarios"))
SLOW_SECONDS = float(os.environ.get("KUBELINT_FUZZ_SLOW_SECONDS", "5"))
HARD_TIMEOUT = 60
COMMANDS = ("lint", "rules", "diff", "simulate", "apply")


EXITS: dict[str, int] = {}
RULE_ERROR = re.compile(r"internal error in rule (KL\d+ [\w-]+)[^\"\n]*")


class Hang(BaseException):
    """Raised by SIGALRM; a BaseException so that kubelint's own handlers do not catch it."""


class NetworkUsed(BaseException):
    pass


# -- seeds ---------------------------------------------------------------------------------------
def _small_files(root: Path, limit: int = 12_000) -> list[Path]:
    if not root.is_dir():
        return []
    found = [
        p
        for p in root.rglob("*")
        if p.suffix in (".yaml", ".yml", ".json") and p.is_file() and p.stat().st_size <= limit
    ]
    return sorted(found)


def _documents(path: Path) -> list[Any]:
    try:
        docs = list(yaml.load_all(path.read_text("utf-8"), Loader=yaml.CSafeLoader))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError):
        return []
    return [d for d in docs if d is not None]


class Seeds:
    """Parsed corpus files, scenario manifests and scenario clusters (loaded once)."""

    def __init__(self) -> None:
        self.corpus = [d for d in map(_documents, _small_files(CORPUS)) if d]
        scenarios = sorted(
            p for p in SCENARIOS.glob("*") if p.is_dir() and not p.name.startswith("06-")
        )
        self.scenario_sets = [
            [d for f in sorted((s / "manifests").glob("*.y*ml")) for d in _documents(f)]
            for s in scenarios
        ]
        self.clusters = [_documents(s / "cluster.yaml")[0] for s in scenarios]
        if not self.corpus:
            self.corpus = [[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}]]


SEEDS: Seeds | None = None


def seeds() -> Seeds:
    global SEEDS
    if SEEDS is None:
        SEEDS = Seeds()
    return SEEDS


# -- structural mutation -------------------------------------------------------------------------
ODD_STRINGS = [
    "",
    " ",
    "\u202etxet",
    "\U0001f600" * 3,
    "é" * 70,
    "a" * 300,
    "x/y",
    "../..",
    "-",
    "*",
    "0",
    "1.5",
    "-1",
    "true",
    "null",
    "Ünïcödé",
    "\u0000",
    "\t",
    "a=b",
    "1e400",
    "NaN",
    "10.0.0.0/8",
    "::1",
    "300000-1",
    "65536",
    "1Gi",
    "-1m",
    "999999999999Ei",
    "@every 1h",
    "* * * * * * *",
    "kube-system/kube-dns",
]
HUGE_NUMBERS = [2**31, 2**63, -(2**63) - 1, 10**30, -1, 0, 65536, 1.5, float("inf"), -0.0]


def _containers(node: Any) -> list[tuple[Any, Any]]:
    """Every (parent, key) of a nested structure, parents first."""
    out: list[tuple[Any, Any]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        items = (
            current.items()
            if isinstance(current, dict)
            else enumerate(current)
            if isinstance(current, list)
            else ()
        )
        for key, value in items:
            out.append((current, key))
            if isinstance(value, (dict, list)):
                stack.append(value)
    return out


def _replacement(rng: random.Random, old: Any) -> Any:
    choice = rng.randrange(9)
    if choice == 0:  # type swap
        if isinstance(old, dict):
            return rng.choice([list(old.values()), list(old), None, "x", 1])
        if isinstance(old, list):
            return rng.choice([{str(i): v for i, v in enumerate(old)}, None, "x", old[:1] * 2])
        return rng.choice([[old], {"k": old}, {str(old): old}, None])
    if choice == 1:
        return None
    if choice == 2:
        return rng.choice(HUGE_NUMBERS)
    if choice == 3:
        return rng.choice(ODD_STRINGS)
    if choice == 4:  # deep nesting (within the default --max-depth 256)
        value: Any = old
        for _ in range(rng.randrange(5, 120)):
            value = [value] if rng.random() < 0.5 else {"a": value}
        return value
    if choice == 5:
        return rng.choice([True, False])
    if choice == 6:
        return str(old) if not isinstance(old, str) else rng.choice([1, [old], {old: old}])
    if choice == 7:
        return rng.choice([[], {}, [None], [{}], {"": None}])
    return [old] * rng.randrange(2, 6)  # duplicates


def mutate(docs: list[Any], rng: random.Random, rounds: int) -> list[Any]:
    docs = json.loads(json.dumps(docs, default=str))  # a deep copy with JSON-able values
    for _ in range(rounds):
        if not docs:
            docs.append({})
        spots = _containers(docs)
        if not spots:
            docs[0] = _replacement(rng, docs[0])
            continue
        parent, key = rng.choice(spots)
        if rng.random() < 0.1 and isinstance(parent, dict):
            del parent[key]
        elif rng.random() < 0.05 and isinstance(parent, dict):
            parent[rng.choice(ODD_STRINGS)] = parent[key]
        else:
            parent[key] = _replacement(rng, parent[key])
    return docs


def dump(docs: list[Any], rng: random.Random) -> bytes:
    if rng.random() < 0.15 and len(docs) == 1:
        return json.dumps(docs[0], allow_nan=True).encode()
    try:
        return yaml.dump_all(
            docs, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=rng.random() < 0.5
        ).encode("utf-8", "replace")
    except (yaml.YAMLError, RecursionError):
        return json.dumps(docs).encode()


# -- generators ----------------------------------------------------------------------------------
_SOUP = st.lists(st.sampled_from(TOKENS), max_size=40).map(lambda t: "".join(t).encode("utf-8"))


@st.composite
def manifest_bytes(draw) -> bytes:
    """One manifest file, from one of five sources."""
    source = draw(st.sampled_from(["bytes", "soup", "corpus", "scenario", "strategy", "invalid"]))
    rng = draw(st.randoms(use_true_random=False))
    if source == "bytes":
        return draw(st.binary(max_size=2048))
    if source == "soup":
        return draw(_SOUP)
    if source in ("corpus", "scenario"):
        pool = seeds().corpus if source == "corpus" else seeds().scenario_sets
        docs = rng.choice(pool)
        return dump(mutate(docs, rng, draw(st.integers(0, 6))), rng)
    if source == "strategy":
        docs = draw(st.one_of(ks.manifest_sets(), st.lists(ks.objects(), min_size=1, max_size=3)))
        return dump(mutate(docs, rng, draw(st.integers(0, 3))), rng)
    bad = draw(ks.objects(valid=False))
    return dump([bad.object], rng)


@st.composite
def cluster_bytes(draw) -> bytes:
    rng = draw(st.randoms(use_true_random=False))
    if draw(st.integers(0, 9)) == 0:
        return draw(st.one_of(st.binary(max_size=512), _SOUP))
    base = draw(st.one_of(st.sampled_from(seeds().clusters), ks.clusters()))
    return dump(mutate([base], rng, draw(st.integers(0, 5))), rng)


CEL_TOKENS = [
    "object", "oldObject", "params", "variables.v", "request", ".", ".?", "metadata", "spec",
    "labels", "name", "replicas", "containers", "[", "]", "(", ")", "{", "}", ":", ",", "?",
    "has(", "size(", ".all(x, ", ".exists(x, ", ".map(x, ", ".filter(x, ", "x", "==", "!=",
    "<", ">=", "+", "-", "*", "/", "%", "&&", "||", "!", " in ", "0", "1", "-1", "1.5", "1e308",
    "9223372036854775807", "-9223372036854775808", "18446744073709551615u", "'a'", "''",
    "'\\u00e9'", "b'x'", "r'\\d+'", "true", "null", ".matches('^a(b')", ".matches('a*')",
    "int(", "uint(", "double(", "string(", "dyn(", "type(", "duration('1h')", "duration('x')",
    "timestamp('2024-01-01T00:00:00Z')", ".orValue(", "optional.of(", "optional.none()",
    "quantity('1Gi')", "isQuantity(", "url(", "ip(", "cidr(", ".lowerAscii()", ".split(',')",
    ".join(',')", ".startsWith('a')", ".size()", "[0]", "['k']", ".isSorted()", ".sum()",
]  # fmt: skip
_CEL = st.lists(st.sampled_from(CEL_TOKENS), max_size=25).map("".join)
RULE = {
    "apiVersion": "kubelint.dev/v1alpha1",
    "kind": "Rule",
    "metadata": {"name": "fuzz-rule"},
    "spec": {
        "severity": "warning",
        "match": {"kinds": ["apps/Deployment", "Service", "Pod"]},
        "variables": [{"name": "v", "expression": "object.metadata.?labels.orValue({})"}],
        "validations": [
            {"expression": "'team' in variables.v", "message": "no team", "path": "metadata"},
            {"expression": "true", "messageExpression": "'x' + object.metadata.name"},
        ],
    },
}


@st.composite
def custom_rule_bytes(draw) -> bytes:
    """A custom CEL rule file: random expressions in a valid frame, or a mutated frame."""
    rng = draw(st.randoms(use_true_random=False))
    rule = json.loads(json.dumps(RULE))
    for entry in (rule["spec"]["variables"][0], *rule["spec"]["validations"]):
        if draw(st.booleans()):
            entry["expression"] = draw(_CEL)
    if draw(st.booleans()):
        rule["spec"]["validations"][1]["messageExpression"] = draw(_CEL)
    return dump(mutate([rule], rng, draw(st.integers(0, 3))), rng)


# -- running one command -------------------------------------------------------------------------
class Input:
    """Files in a fresh directory and the argv naming them."""

    def __init__(self, command: str, files: dict[str, bytes], argv: list[str]) -> None:
        self.command = command
        self.files = files
        self.argv = argv

    def size(self) -> int:
        return sum(len(v) for v in self.files.values())


@st.composite
def inputs(draw, command: str) -> Input:
    fmt = draw(st.sampled_from(["json", "text"]))
    if command == "lint":
        files = {"m.yaml": draw(manifest_bytes())}
        extra = draw(st.sampled_from([[], ["--enable", "all"], ["-j", "1", "--enable", "all"]]))
        if draw(st.booleans()):
            files["rule.yaml"] = draw(custom_rule_bytes())
            extra = [*extra, "--custom-rules", "{rule.yaml}"]
        return Input(command, files, ["lint", "--no-config", "-o", fmt, *extra, "{m.yaml}"])
    if command == "rules":
        name = draw(st.one_of(st.sampled_from(["KL092", "latest-tag", "all", ""]), st.text()))
        argv = draw(st.sampled_from([["rules", "-o", "json"], ["rules", "explain", name]]))
        return Input(command, {}, argv)
    if command == "diff":
        files = {"old.yaml": draw(manifest_bytes()), "new.yaml": draw(manifest_bytes())}
        old = draw(st.sampled_from(["{old.yaml}", "git:no-such-ref:x.yaml", "git:HEAD:nope"]))
        old = old if draw(st.integers(0, 9)) == 0 else "{old.yaml}"
        fmt = draw(st.sampled_from(["json", "text", "markdown"]))
        extra = draw(st.sampled_from([[], ["--show-defaults"], ["--no-renames"]]))
        return Input(command, files, ["diff", "-o", fmt, *extra, old, "{new.yaml}"])
    if command == "simulate":
        files = {"m.yaml": draw(manifest_bytes()), "cluster.yaml": draw(cluster_bytes())}
        if draw(st.booleans()):  # a real scenario's manifests against a mutated cluster
            rng = draw(st.randoms(use_true_random=False))
            files["m.yaml"] = dump(rng.choice(seeds().scenario_sets), rng)
        fmt = draw(st.sampled_from(["json", "text", "yaml", "concise"]))
        return Input(
            command, files, ["simulate", "-o", fmt, "--cluster", "{cluster.yaml}", "{m.yaml}"]
        )
    files = {"old.yaml": draw(manifest_bytes()), "m.yaml": draw(manifest_bytes())}
    extra = draw(st.sampled_from([[], ["--prune", "--all"], ["--prune", "-l", "app=web"]]))
    argv = ["apply", "--dry-run", "-o", fmt, "--previous", "{old.yaml}", *extra, "{m.yaml}"]
    return Input(command, files, argv)


def _digest(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.iterdir())}


def _on_alarm(signum, frame):
    raise Hang()


def run_input(item: Input, workdir: Path) -> tuple[str, str] | None:
    """Run one input; (signature, detail) on failure, None when kubelint behaved."""
    for path in workdir.iterdir():
        path.unlink()
    for name, data in item.files.items():
        (workdir / name).write_bytes(data)
    paths = {"{" + n + "}": str(workdir / n) for n in item.files}
    argv = [paths.get(a, a) for a in item.argv]
    before = _digest(workdir)
    out, err = io.StringIO(), io.StringIO()
    signal.alarm(HARD_TIMEOUT)
    started = time.perf_counter()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = kubelint_main(argv)
    except Hang:
        return f"hang@{item.command}", f"{argv}: still running after {HARD_TIMEOUT} s"
    except NetworkUsed as exc:
        return f"network@{item.command}", str(exc)
    except Exception as exc:  # every exception is a finding
        return harness.signature(exc, "cli"), "".join(traceback.format_exception(exc))
    finally:
        signal.alarm(0)
    elapsed = time.perf_counter() - started
    text, errors = out.getvalue(), err.getvalue()
    if item.command != "rules" and (match := RULE_ERROR.search(text)):
        return f"rule-error@{match[1]}", match[0]
    if code not in (0, 1, 2):
        return f"exit-{code}@{item.command}", errors
    if "Traceback" in errors or "internal error" in errors:
        return f"stderr@{item.command}", errors
    EXITS[f"{item.command}:{code}"] = EXITS.get(f"{item.command}:{code}", 0) + 1
    if elapsed > SLOW_SECONDS:
        return f"slow@{item.command}", f"{elapsed:.1f} s"
    if _digest(workdir) != before:
        return f"wrote-input@{item.command}", str(argv)
    return None


def _refuse_network() -> None:
    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network call {args!r}")

    for name in ("connect", "connect_ex", "sendto"):
        setattr(socket.socket, name, refuse)
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        setattr(socket, name, refuse)


# -- the campaign --------------------------------------------------------------------------------
class Campaign:
    def __init__(self, save: Path | None, workdir: Path) -> None:
        self.save = save
        self.workdir = workdir
        self.counts: dict[str, int] = {}
        self.failures: dict[str, dict] = {}

    def run_one(self, item: Input) -> None:
        self.counts[item.command] = self.counts.get(item.command, 0) + 1
        failure = run_input(item, self.workdir)
        if failure is None:
            return
        signature, detail = failure
        entry = self.failures.setdefault(signature, {"count": 0, "item": item, "detail": detail})
        entry["count"] += 1
        if item.size() < entry["item"].size():
            entry.update(item=item, detail=detail)

    def report(self, elapsed: float) -> str:
        total = sum(self.counts.values())
        lines = [
            f"inputs: {total} in {elapsed:.0f} s ({total / max(elapsed, 1e-9):.1f}/s)",
            "by command: " + ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items())),
            "exit codes: " + ", ".join(f"{k} {v}" for k, v in sorted(EXITS.items())),
            f"failure signatures: {len(self.failures)}",
        ]
        for signature, entry in sorted(self.failures.items()):
            item = entry["item"]
            lines.append(f"  {signature}: {entry['count']} input(s), smallest {item.size()} bytes")
            lines.append(f"    argv: {item.argv}")
            if self.save is not None:
                lines.append(f"    saved {self._save(signature, item, entry['detail'])}")
            lines.append("    " + (entry["detail"].strip().splitlines() or [""])[-1][:200])
        return "\n".join(lines)

    def _save(self, signature: str, item: Input, detail: str) -> Path:
        digest = hashlib.sha1(repr((item.argv, item.files)).encode()).hexdigest()[:10]
        target = self.save / f"cmd-{item.command}-{digest}"
        target.mkdir(parents=True, exist_ok=True)
        for name, data in item.files.items():
            (target / name).write_bytes(data)
        (target / "argv.json").write_text(json.dumps(item.argv) + "\n")
        (target / "failure.txt").write_text(f"{signature}\n{detail}\n")
        return target


def _target(command: str, count: int, campaign: Campaign, done):
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(inputs(command))
    def target(item: Input) -> None:
        if not done():
            campaign.run_one(item)

    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=300, help="inputs per command")
    parser.add_argument("--seconds", type=float, help="run for this long instead of --examples")
    parser.add_argument("--commands", default=",".join(COMMANDS), help="comma-separated")
    parser.add_argument("--save", type=Path, help="write the smallest input per failure here")
    args = parser.parse_args(argv)
    commands = [c for c in args.commands.split(",") if c]
    if unknown := set(commands) - set(COMMANDS):
        parser.error(f"unknown commands: {sorted(unknown)}")
    os.environ["KUBELINT_DEBUG"] = "1"  # exceptions escape main() instead of "internal error"
    signal.signal(signal.SIGALRM, _on_alarm)
    _refuse_network()
    workdir = Path(tempfile.mkdtemp(prefix="kubelint-fuzz-"))
    campaign = Campaign(args.save, workdir)
    started = time.monotonic()
    deadline = started + args.seconds if args.seconds else None
    target_total = args.examples * len(commands)

    def done() -> bool:
        if deadline is not None:
            return time.monotonic() >= deadline
        return sum(campaign.counts.values()) >= target_total

    turn = 0
    try:
        while not done():
            command = commands[turn % len(commands)]
            turn += 1
            _target(command, 50 if deadline else min(50, args.examples), campaign, done)()
            if os.environ.get("KUBELINT_FUZZ_PROGRESS"):
                print(f"... {sum(campaign.counts.values())} inputs", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(campaign.report(time.monotonic() - started))
    return 1 if campaign.failures else 0


if __name__ == "__main__":
    sys.exit(main())
