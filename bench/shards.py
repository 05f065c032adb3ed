#!/usr/bin/env python3
"""Demonstrate `kubelint check --shard K/N` + `kubelint merge`: same answer, less wall time.

For one benchmark set (``big`` by default, or ``corpus``: the corpus valid folders; both from
``<work>/sets.json``, made by ``bench/make_set.py``), plus any ``--extra`` paths:

1. one ``python -m kubelint check -o json --jobs 1`` over everything (the reference);
2. N shard runs ``check -o json --jobs 1 --shard K/N``, K = 1..N, one after the other, each
   timed (as N jobs of a CI matrix would run them, each on its own machine);
3. ``python -m kubelint merge -o json`` of the N shard reports.

Checks: the merged findings list is identical (same findings, same order) to the reference's;
the shards' summed ``files`` and ``objects`` equal the reference's; every shard exits 0 or 1;
merge exits as the reference did. Prints per-shard wall time and counts, and the max shard
time against the reference time (the speed-up of a CI matrix of N jobs). Exits 1 on any
mismatch, 2 if a run fails. The set's files are passed as relative paths with the set's root as
the working directory (as bench/run.py does); ``--extra`` paths are made absolute. The
repository root is put first on PYTHONPATH, so the checkout is measured. Standard library only.

Usage: shards.py [--set big|corpus] [--extra PATH]... [--shards N] [--python PY] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench_tools import kubelint_env, last_line, progress, run_process
from run import DEFAULT_CORPUS, DEFAULT_WORK, load_sets, warm_page_cache

ADDITIVE_KEYS = ("files", "objects")  # must add up across shards
RUN_EXIT_CODES = (0, 1)  # 1: findings at or above --fail-on; anything else: kubelint failed


@dataclass
class Run:
    """One timed kubelint process and what its JSON report says."""

    name: str
    command: str  # shown with PATHS... for the input paths
    seconds: float
    returncode: int
    summary: dict[str, Any]
    findings: int

    @property
    def objects(self) -> int:
        return int(self.summary.get("objects", 0))

    @property
    def files(self) -> int:
        return int(self.summary.get("files", 0))


def kubelint(args: argparse.Namespace, *arguments: str) -> list[str]:
    return [args.python, "-m", "kubelint", *arguments]


def fail(message: str) -> SystemExit:
    print(f"error: {message}", file=sys.stderr)
    return SystemExit(2)


def run_report(
    name: str, command: list[str], paths: list[str], cwd: Path, out: Path
) -> tuple[Run, dict[str, Any]]:
    """Run `command + paths` (it prints a JSON report); save the report to `out`."""
    shown = shlex.join(command) + (" PATHS..." if paths else "")
    progress(f"{name}: {shown}")
    result = run_process([*command, *paths], cwd, kubelint_env())
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        report = None
    if result.returncode not in RUN_EXIT_CODES or not isinstance(report, dict):
        tail = last_line(result.stderr or result.stdout)
        raise fail(f"{name} failed (exit status {result.returncode}): {tail}")
    out.write_text(result.stdout, encoding="utf-8")
    run = Run(
        name=name,
        command=shown,
        seconds=result.seconds,
        returncode=result.returncode,
        summary=report.get("summary", {}),
        findings=len(report.get("findings", [])),
    )
    progress(
        f"  {run.seconds:.3f} s, exit {run.returncode}, {run.objects:,} objects, "
        f"{run.findings} findings"
    )
    return run, report


def shard_support_problem(args: argparse.Namespace) -> str | None:
    """Why this kubelint cannot shard (None if `check --shard` and `merge` both exist)."""
    cwd = Path(tempfile.gettempdir())
    check = run_process(kubelint(args, "check", "--help"), cwd, kubelint_env())
    if check.returncode != 0:
        return "`kubelint check --help` failed: " + last_line(check.stderr or check.stdout)
    if "--shard" not in check.stdout:
        return "`kubelint check` has no --shard option"
    merge = run_process(kubelint(args, "merge", "--help"), cwd, kubelint_env())
    if merge.returncode != 0:
        return "no `kubelint merge` command: " + last_line(merge.stderr or merge.stdout)
    return None


def first_difference(left: list[Any], right: list[Any]) -> str:
    for index, (a, b) in enumerate(zip(left, right, strict=False)):
        if a != b:
            return f"first difference at index {index}:\n  single: {a}\n  merged: {b}"
    return f"lengths differ: single {len(left)}, merged {len(right)}"


def flatten(summary: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in summary.items():
        if isinstance(value, dict):
            flat |= flatten(value, f"{prefix}{key}.")
        else:
            flat[prefix + key] = value
    return flat


def compare(
    single: tuple[Run, dict[str, Any]],
    shards: list[Run],
    merged: tuple[Run, dict[str, Any]],
) -> tuple[list[str], list[str]]:
    """(mismatches, notes): mismatches fail the demonstration, notes are informational."""
    (single_run, single_report), (merged_run, merged_report) = single, merged
    mismatches: list[str] = []
    notes: list[str] = []
    single_findings, merged_findings = single_report["findings"], merged_report["findings"]
    if merged_findings != single_findings:
        canonical = sorted(json.dumps(f, sort_keys=True) for f in single_findings)
        same_set = canonical == sorted(json.dumps(f, sort_keys=True) for f in merged_findings)
        what = "same findings in a different order" if same_set else "different findings"
        mismatches.append(
            f"merged findings differ from the single run's ({what}); "
            + first_difference(single_findings, merged_findings)
        )
    for key in ADDITIVE_KEYS:
        total = sum(int(run.summary.get(key, 0)) for run in shards)
        if total != single_run.summary.get(key):
            mismatches.append(
                f"summary.{key}: shards add up to {total}, single run {single_run.summary.get(key)}"
            )
    if merged_run.returncode != single_run.returncode:
        mismatches.append(
            f"merge exited {merged_run.returncode}, the single run {single_run.returncode}"
        )
    merged_summary, single_summary = flatten(merged_run.summary), flatten(single_run.summary)
    for key in sorted(set(merged_summary) | set(single_summary)):
        if merged_summary.get(key) != single_summary.get(key):
            notes.append(
                f"summary.{key}: merged {merged_summary.get(key)}, "
                f"single run {single_summary.get(key)}"
            )
    return mismatches, notes


def inputs(args: argparse.Namespace) -> tuple[Path, list[str], int]:
    """(working directory, paths to check, files in the set)."""
    (bench_set,) = load_sets(args.work.resolve(), args.corpus, [args.set])
    extra = [os.path.abspath(path) for path in args.extra]
    for path in extra:
        if not os.path.exists(path):
            raise fail(f"--extra {path} does not exist")
    warm_page_cache([bench_set.root / path for path in bench_set.paths] + [Path(p) for p in extra])
    return bench_set.root, bench_set.paths + extra, len(bench_set.files)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--set", choices=("big", "corpus"), default="big", help="benchmark set (default: big)"
    )
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="PATH",
        help="also check PATH (file or directory; repeatable), e.g. /work/shared/corpus/broken",
    )
    parser.add_argument("--shards", type=int, default=4, help="N (default: %(default)s)")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter that runs `python -m kubelint` (default: this one)",
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the results to OUT")
    parser.add_argument(
        "--work", type=Path, default=DEFAULT_WORK, help="make_set.py output (default: %(default)s)"
    )
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus root (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    if args.shards < 1:
        parser.error("--shards must be ≥ 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    problem = shard_support_problem(args)
    if problem:
        raise fail(f"{args.python} -m kubelint: {problem}")
    root, paths, set_files = inputs(args)
    print(
        f"set {args.set}: {set_files:,} files"
        + (f" + {', '.join(args.extra)}" if args.extra else "")
        + f"; {args.shards} shards; cwd {root}"
    )
    with tempfile.TemporaryDirectory(prefix="kubelint-shards-") as tmp:
        out = Path(tmp)
        check = kubelint(args, "check", "-o", "json", "--jobs", "1")
        single = run_report("single run", check, paths, root, out / "single.json")
        shard_runs = []
        for k in range(1, args.shards + 1):
            command = [*check, "--shard", f"{k}/{args.shards}"]
            shard_runs.append(
                run_report(
                    f"shard {k}/{args.shards}", command, paths, root, out / f"shard-{k}.json"
                )
            )
        reports = [str(out / f"shard-{k}.json") for k in range(1, args.shards + 1)]
        merge = kubelint(args, "merge", "-o", "json", *reports)
        merged = run_report("merge", merge, [], root, out / "merged.json")
    shards = [run for run, _ in shard_runs]
    mismatches, notes = compare(single, shards, merged)

    single_run = single[0]
    slowest = max(run.seconds for run in shards)
    total = sum(run.seconds for run in shards)
    rows = [("run", "seconds", "files", "objects", "findings", "exit")]
    rows += [
        (
            run.name,
            f"{run.seconds:.3f}",
            f"{run.files:,}",
            f"{run.objects:,}",
            str(run.findings),
            str(run.returncode),
        )
        for run in [single_run, *shards, merged[0]]
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print()
    for row in rows:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    print(
        f"\nslowest shard {slowest:.3f} s vs single run {single_run.seconds:.3f} s: "
        f"{single_run.seconds / slowest:.2f}× faster as a {args.shards}-job CI matrix "
        f"(all shards together: {total:.3f} s, {total / single_run.seconds:.2f}× the single run)"
    )
    for note in notes:
        print(f"note: {note}")
    if mismatches:
        for mismatch in mismatches:
            print(f"MISMATCH: {mismatch}")
    else:
        print(
            f"identical: merged findings ({single[0].findings}) equal the single run's, "
            f"summed files and objects match, merge exit {merged[0].returncode} = single run's"
        )
    if args.json:
        payload = {
            "set": args.set,
            "extra": args.extra,
            "shards": args.shards,
            "cwd": str(root),
            "paths": len(paths),
            "single": asdict(single_run),
            "shard_runs": [asdict(run) for run in shards],
            "merge": asdict(merged[0]),
            "max_shard_seconds": slowest,
            "speedup": single_run.seconds / slowest,
            "identical": not mismatches,
            "mismatches": mismatches,
            "notes": notes,
        }
        args.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
