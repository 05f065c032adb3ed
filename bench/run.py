#!/usr/bin/env python3
"""Time kubelint against its peers (kubeconform, kubernetes-validate) on the benchmark sets.

Build the sets first with ``bench/make_set.py``; this script reads ``<work>/sets.json``.

For each set (``big``, ``corpus``, ``single``) it runs, on the same files:
- kubeconform ``-n 1`` and ``-n 2`` (strict, Kubernetes 1.32.0, local schemas made by the
  tool's ``make_schemas.py`` into a cache directory);
- kubernetes-validate 1.32.0 ``--strict`` from its own virtualenv (on ``big``, only the first
  200 files (KV_SAMPLE_FILES); objects/s is extrapolated);
- ``python -m kubelint check --jobs N --output json`` for N = 1 and 2, if kubelint is importable
  by ``--python`` (the repository root is put first on PYTHONPATH, so the checkout is measured).

``big`` and ``corpus`` report the best of ``--repeat`` runs. ``single`` reports the median of
10 (COLD_RUNS) whole-process runs (cold start), with bare ``python -c pass`` for reference.
Wall time is time.perf_counter() around each process. Peak RSS comes from GNU time
(/usr/bin/time -f %M, throughput runs are wrapped; cold-start timings are not, one extra run
measures RSS) and is the largest single process of the tree (worker processes are not summed).
Standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench_tools import (
    KV_REQUIREMENT,
    REPO_ROOT,
    ProcessRun,
    Tool,
    ToolRun,
    kubelint_problem,
    kubelint_tools,
    last_line,
    peer_tools,
    progress,
    rss_method,
    run_process,
    run_tool,
    schema_dir,
)

BENCH_DIR = Path(__file__).resolve().parent  # also put on sys.path by Python: bench_tools
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DEFAULT_WORK = BENCH_DIR / ".work"
DEFAULT_KUBECONFORM = REPO_ROOT.parent / "shared" / "tools" / "kubeconform" / "kubeconform"
COLD_RUNS = 10
ALL_SETS = ("big", "corpus", "single")

# ---------------------------------------------------------------- benchmark sets


@dataclass(frozen=True)
class BenchSet:
    """Files (relative to root) and their document counts, as written by make_set.py."""

    name: str
    root: Path
    files: tuple[tuple[str, int], ...]

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.files]

    @property
    def objects(self) -> int:
        return sum(count for _, count in self.files)

    def objects_in(self, paths: tuple[str, ...]) -> int:
        return sum(count for path, count in self.files if path in paths)

    def head(self, count: int) -> BenchSet:
        return BenchSet(self.name, self.root, self.files[:count])


def load_sets(work: Path, corpus: Path, names: list[str]) -> list[BenchSet]:
    manifest_path = work / "sets.json"
    if not manifest_path.is_file():
        raise SystemExit(f"error: {manifest_path} not found; run bench/make_set.py first")
    sets = json.loads(manifest_path.read_text(encoding="utf-8"))["sets"]
    recorded_corpus = Path(sets["corpus"]["root"]).resolve()
    if "corpus" in names and recorded_corpus != corpus.resolve():
        raise SystemExit(
            f"error: {manifest_path} was made from {recorded_corpus}; "
            f"re-run make_set.py --corpus {corpus}"
        )
    loaded = []
    for name in names:
        entry = sets[name]
        files = tuple((path, count) for path, count in entry["files"])
        bench_set = BenchSet(name, Path(entry["root"]), files)
        missing = [path for path in bench_set.paths if not (bench_set.root / path).is_file()]
        if missing:
            raise SystemExit(
                f"error: set {name}: {len(missing)} files missing (e.g. {missing[0]}); "
                "re-run make_set.py"
            )
        loaded.append(bench_set)
    return loaded


def warm_page_cache(paths: list[Path]) -> None:
    """Read inputs once so the first timed run does not pay for disk reads."""
    for path in paths:
        if path.is_dir():
            warm_page_cache(sorted(path.iterdir()))
        elif path.is_file():
            path.read_bytes()


# ---------------------------------------------------------------- measuring


@dataclass
class Result:
    """The reported measurement of one tool on one set."""

    set: str
    tool: str
    workers: int
    objects: int
    seconds: float
    max_rss_mib: float
    summary: str
    note: str = ""
    runs: list[float] = field(default_factory=list)
    ratio: float | None = None

    @property
    def objects_per_second(self) -> float | None:
        return self.objects / self.seconds if self.objects and self.seconds else None


def measure(tool: Tool, bench_set: BenchSet, repeat: int) -> Result:
    """Best of `repeat` runs on the whole set (or the tool's sample of `big`)."""
    sample = (
        bench_set.head(tool.sample_files)
        if tool.sample_files and bench_set.name == "big"
        else bench_set
    )
    runs = [run_tool(tool, sample.paths, sample.root) for _ in range(repeat)]
    best = min(runs, key=lambda run: run.process.seconds)
    objects = sample.objects - sample.objects_in(best.skipped)
    notes = [exit_status_warning(tool, best.process), abort_note(sample, best)]
    if sample is not bench_set:
        extrapolated = bench_set.objects * best.process.seconds / objects
        notes.append(
            f"sample: first {len(sample.files)} of {len(bench_set.files)} files; "
            f"extrapolated {bench_set.objects:,} objects ≈ {extrapolated:.0f} s"
        )
    return Result(
        set=bench_set.name,
        tool=tool.name,
        workers=tool.workers,
        objects=objects,
        seconds=best.process.seconds,
        max_rss_mib=best.process.max_rss_kib / 1024,
        summary=tool.summarize(best.process),
        note="; ".join(filter(None, notes)),
        runs=[run.process.seconds for run in runs],
    )


def exit_status_warning(tool: Tool, run: ProcessRun) -> str:
    if run.returncode in tool.exit_codes:
        return ""
    return f"FAILED: exit status {run.returncode}: {last_line(run.stderr or run.stdout)}"


def abort_note(bench_set: BenchSet, run: ToolRun) -> str:
    if not run.skipped:
        return ""
    return (
        f"aborted on {', '.join(run.skipped)}: restarted after it ({run.processes} processes, "
        f"times summed; its {bench_set.objects_in(run.skipped)} object(s) not counted)"
    )


def measure_cold(tool: Tool, bench_set: BenchSet, runs: int) -> Result:
    """Median of `runs` whole-process runs, timed unwrapped; then one more run for peak RSS."""
    results = [run_tool(tool, bench_set.paths, bench_set.root, False) for _ in range(runs)]
    rss_run = run_tool(tool, bench_set.paths, bench_set.root, True)
    last = results[-1]
    notes = [
        f"median of {runs}",
        exit_status_warning(tool, last.process),
        abort_note(bench_set, last),
    ]
    return Result(
        set=bench_set.name,
        tool=tool.name,
        workers=tool.workers,
        objects=bench_set.objects - bench_set.objects_in(last.skipped),
        seconds=statistics.median(run.process.seconds for run in results),
        max_rss_mib=rss_run.process.max_rss_kib / 1024,
        summary=tool.summarize(last.process),
        note="; ".join(filter(None, notes)),
        runs=[run.process.seconds for run in results],
    )


def python_pass_tool(python: str) -> Tool:
    return Tool("python -c pass", 1, (python, "-c", "pass"), lambda run: f"rc {run.returncode}")


def measure_set(bench_set: BenchSet, tools: list[Tool], args: argparse.Namespace) -> list[Result]:
    results = []
    for tool in tools:
        progress(f"{bench_set.name}: {tool.name} workers={tool.workers} ...")
        if bench_set.name == "single":
            result = measure_cold(tool, bench_set, args.cold_runs)
        else:
            result = measure(tool, bench_set, args.repeat)
        progress(f"  {result.seconds:.3f} s; {result.summary}")
        results.append(result)
    if bench_set.name == "single":
        pass_set = BenchSet("single", bench_set.root, ())
        result = measure_cold(python_pass_tool(args.python), pass_set, args.cold_runs)
        results.append(result)
    add_ratios(results)
    return results


def add_ratios(results: list[Result]) -> None:
    """Time per object over kubeconform's with the same workers (raw time if no objects)."""
    baseline = {r.workers: r for r in results if r.tool == "kubeconform"}
    for result in results:
        peer = baseline.get(result.workers)
        if peer is None:
            continue
        if result.objects and peer.objects:
            result.ratio = (result.seconds / result.objects) / (peer.seconds / peer.objects)
        else:
            result.ratio = result.seconds / peer.seconds


# ---------------------------------------------------------------- reporting


COLUMNS = (
    "tool",
    "workers",
    "objects",
    "seconds",
    "objects/s",
    "× kubeconform",
    "max RSS MiB",
    "note",
)


def table_rows(results: list[Result]) -> list[tuple[str, ...]]:
    return [
        (
            r.tool,
            str(r.workers),
            f"{r.objects:,}",
            f"{r.seconds:.3f}" if r.seconds < 10 else f"{r.seconds:.1f}",
            f"{r.objects_per_second:,.0f}" if r.objects_per_second else "-",
            f"{r.ratio:.2f}" if r.ratio is not None else "-",
            f"{r.max_rss_mib:.0f}",
            r.note,
        )
        for r in results
    ]


def text_table(results: list[Result]) -> str:
    rows = [COLUMNS, *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(
            cell.ljust(w) if i in (0, 7) else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)


def markdown_table(results: list[Result]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * 6 + "---|"]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(results)]
    return "\n".join(lines)


def set_heading(bench_set: BenchSet) -> str:
    kind = "cold start" if bench_set.name == "single" else "throughput"
    return (
        f"{bench_set.name}: {len(bench_set.files):,} files, {bench_set.objects:,} objects ({kind})"
    )


def print_set_report(bench_set: BenchSet, results: list[Result]) -> None:
    print(f"\n== {set_heading(bench_set)}")
    print(text_table(results))
    for r in results:
        runs = ", ".join(f"{seconds:.3f}" for seconds in r.runs)
        print(f"  {r.tool} workers={r.workers}: {r.summary}; runs (s): {runs}")


def machine_facts(python: str, kubeconform: Path | None) -> dict[str, Any]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    facts = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": model,
        "python": run_process(
            [python, "-c", "import sys; print(sys.version.split()[0])"], BENCH_DIR
        ).stdout.strip(),
        "kernel": platform.release(),
        "peak RSS": rss_method(),
        "load average at start": load_average(),
    }
    if kubeconform is not None:
        facts["kubeconform"] = run_process([str(kubeconform), "-v"], BENCH_DIR).stdout.strip()
        facts["kubernetes-validate"] = KV_REQUIREMENT.split("==")[1]
    return facts


def load_average() -> str:
    """1/5/15-minute load: other work on the machine makes the timings noisy."""
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def describe_command(tool: Tool) -> str:
    return shlex.join(tool.command([])) + " FILES..."


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sets", default=",".join(ALL_SETS), help="comma-separated sets (default: %(default)s)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="best of K runs for big and corpus (default: 1)"
    )
    parser.add_argument(
        "--cold-runs", type=int, default=COLD_RUNS, help="runs per tool on single (median)"
    )
    parser.add_argument("--skip-peers", action="store_true", help="time kubelint only")
    parser.add_argument("--skip-kubelint", action="store_true", help="time the peers only")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter that runs kubelint (default: this one)",
    )
    parser.add_argument(
        "--json", type=Path, metavar="OUT", help="write machine-readable results to OUT"
    )
    parser.add_argument(
        "--markdown", action="store_true", help="also print markdown tables for bench/RESULTS.md"
    )
    parser.add_argument(
        "--work", type=Path, default=DEFAULT_WORK, help="make_set.py output (default: %(default)s)"
    )
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus root (default: %(default)s)"
    )
    parser.add_argument(
        "--kubeconform", type=Path, default=DEFAULT_KUBECONFORM, help="kubeconform binary"
    )
    args = parser.parse_args(argv)
    args.set_names = [name for name in args.sets.split(",") if name]
    unknown = sorted(set(args.set_names) - set(ALL_SETS))
    if unknown or args.repeat < 1 or args.cold_runs < 1:
        parser.error(
            f"bad --sets {unknown} (choose from {', '.join(ALL_SETS)})"
            if unknown
            else "counts must be ≥ 1"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    bench_sets = load_sets(args.work.resolve(), args.corpus, args.set_names)
    tools = [] if args.skip_peers else peer_tools(args.kubeconform)
    problem = "skipped (--skip-kubelint)" if args.skip_kubelint else kubelint_problem(args.python)
    if problem is None:
        tools += kubelint_tools(args.python)
    elif args.skip_kubelint:
        print("kubelint skipped (--skip-kubelint)")
    else:
        print(
            f"kubelint not importable with {args.python} (PYTHONPATH={REPO_ROOT}): {problem}; "
            "skipping kubelint"
        )
    if not tools:
        raise SystemExit("error: nothing to time")
    facts = machine_facts(args.python, None if args.skip_peers else args.kubeconform)
    print("machine: " + ", ".join(f"{key} {value}" for key, value in facts.items()))
    for tool in tools:
        print(f"command: {describe_command(tool)}")
    warm_page_cache(
        [s.root / path for s in bench_sets for path in s.paths]
        + ([] if args.skip_peers else [schema_dir()])
    )
    report: list[tuple[BenchSet, list[Result]]] = []
    for bench_set in bench_sets:
        results = measure_set(bench_set, tools, args)
        print_set_report(bench_set, results)
        report.append((bench_set, results))
    facts["load average at end"] = load_average()
    print(f"load average at end: {facts['load average at end']}")
    if args.markdown:
        for bench_set, results in report:
            print(f"\n#### {set_heading(bench_set)}\n\n{markdown_table(results)}")
    if args.json:
        payload = {
            "machine": facts,
            "kubelint": problem or "measured",
            "commands": [describe_command(tool) for tool in tools],
            "results": [
                asdict(r) | {"objects_per_second": r.objects_per_second}
                for _, rs in report
                for r in rs
            ],
        }
        args.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
