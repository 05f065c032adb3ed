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

Tables: `× kubeconform` is time per object ÷ kubeconform's at the same worker count; for kubelint
rows, `vs kubeconform` and `vs kubernetes-validate` are kubelint objects/s ÷ the peer's objects/s
(kubeconform at the same worker count, kubernetes-validate with its 1 worker; > 1: kubelint is
faster). ``--write-results [FILE]`` puts the markdown tables, the machine and the commands
between the ``<!-- run.py:begin -->`` and ``<!-- run.py:end -->`` lines of FILE (default
bench/RESULTS.md), inserting the markers if missing; nothing outside them changes.
Standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench_tools import (
    KV_REQUIREMENT,
    KV_SAMPLE_FILES,
    REPO_ROOT,
    ProcessRun,
    Tool,
    ToolRun,
    kubelint_env,
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
DEFAULT_RESULTS = BENCH_DIR / "RESULTS.md"
BEGIN_MARKER = "<!-- run.py:begin -->"
END_MARKER = "<!-- run.py:end -->"
RESULTS_HEADING = "## All tools in one run"
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
    vs_kubeconform: float | None = None  # kubelint rows: objects/s ÷ kubeconform's
    vs_kubernetes_validate: float | None = None  # kubelint rows: objects/s ÷ k-v's

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
    add_speedups(results)
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


def add_speedups(results: list[Result]) -> None:
    """For kubelint rows: kubelint objects/s ÷ each peer's (> 1: kubelint is faster).

    kubeconform is taken at the same worker count; kubernetes-validate has one worker only.
    """
    kubeconform = {r.workers: r for r in results if r.tool == "kubeconform"}
    kv = next((r for r in results if r.tool == "kubernetes-validate"), None)
    for result in results:
        if result.tool != "kubelint":
            continue
        result.vs_kubeconform = speedup(result, kubeconform.get(result.workers))
        result.vs_kubernetes_validate = speedup(result, kv)


def speedup(result: Result, peer: Result | None) -> float | None:
    ours = result.objects_per_second
    theirs = peer.objects_per_second if peer is not None else None
    return ours / theirs if ours and theirs else None


# ---------------------------------------------------------------- reporting


COLUMNS = (
    "tool",
    "workers",
    "objects",
    "seconds",
    "objects/s",
    "× kubeconform",
    "vs kubeconform",
    "vs kubernetes-validate",
    "max RSS MiB",
    "note",
)
LEFT_ALIGNED = (COLUMNS.index("tool"), COLUMNS.index("note"))
LEGEND = (
    "× kubeconform: time per object ÷ kubeconform's at the same worker count (< 1: faster).",
    "vs kubeconform, vs kubernetes-validate (kubelint rows): kubelint objects/s ÷ the peer's "
    "objects/s (kubeconform at the same worker count, kubernetes-validate with its 1 worker); "
    "> 1 means kubelint is faster.",
)


def ratio_cell(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "-"


def table_rows(results: list[Result]) -> list[tuple[str, ...]]:
    return [
        (
            r.tool,
            str(r.workers),
            f"{r.objects:,}",
            f"{r.seconds:.3f}" if r.seconds < 10 else f"{r.seconds:.1f}",
            f"{r.objects_per_second:,.0f}" if r.objects_per_second else "-",
            ratio_cell(r.ratio),
            ratio_cell(r.vs_kubeconform),
            ratio_cell(r.vs_kubernetes_validate),
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
            cell.ljust(w) if i in LEFT_ALIGNED else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)


def markdown_table(results: list[Result]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * (len(COLUMNS) - 2) + "---|"]
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
    print("\n".join(LEGEND))
    for r in results:
        runs = ", ".join(f"{seconds:.3f}" for seconds in r.runs)
        print(f"  {r.tool} workers={r.workers}: {r.summary}; runs (s): {runs}")


def machine_facts(python: str, kubeconform: Path | None, kubelint: bool) -> dict[str, Any]:
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
    if kubelint:
        facts["kubelint"] = kubelint_version(python)
    return facts


def kubelint_version(python: str) -> str:
    """`kubelint --version` of the checkout, with its commit (read-only git commands)."""
    output = run_process(
        [python, "-m", "kubelint", "--version"], Path(tempfile.gettempdir()), kubelint_env()
    ).stdout
    version = last_line(output).rpartition(" ")[2] or "(unknown version)"  # "kubelint, version X"
    commit = run_process(["git", "rev-parse", "--short", "HEAD"], REPO_ROOT)
    if commit.returncode != 0:
        return version
    status = run_process(
        ["git", "--no-optional-locks", "status", "--porcelain", "--", "kubelint"], REPO_ROOT
    )
    dirty = " + uncommitted changes in kubelint/" if status.stdout.strip() else ""
    return f"{version} (commit {commit.stdout.strip()}{dirty})"


def load_average() -> str:
    """1/5/15-minute load: other work on the machine makes the timings noisy."""
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def describe_command(tool: Tool) -> str:
    return shlex.join(tool.command([])) + " FILES..."


def describe_facts(facts: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in facts.items())


def markdown_report(
    report: list[tuple[BenchSet, list[Result]]],
    facts: dict[str, Any],
    tools: list[Tool],
    args: argparse.Namespace,
) -> str:
    """The run as markdown: how it was run, the machine, the commands, one table per set."""
    cwd = Path.cwd()
    script = Path(__file__).resolve()
    shown = script.relative_to(cwd) if script.is_relative_to(cwd) else script
    invocation = shlex.join([sys.executable, str(shown), *args.argv])
    methods = [
        f"median of {args.cold_runs} cold runs for `single`"
        if bench_set.name == "single"
        else f"best of {args.repeat} for `{bench_set.name}`"
        for bench_set, _ in report
    ]
    tool_versions = [
        f"{name} {facts[name]}"
        for name in ("kubeconform", "kubernetes-validate", "kubelint")
        if name in facts
    ]
    commands = "\n".join(describe_command(tool) for tool in tools)
    parts = [
        f"Generated by `{invocation}` (cwd `{cwd}`): {', '.join(methods)}.",
        f"- **Machine.** {facts['date']}, `nproc` {facts['nproc']}, CPU `{facts['cpu']}`, "
        f"Linux {facts['kernel']}, Python {facts['python']}. Load average (1/5/15 min) "
        f"{facts['load average at start']} at the start, {facts['load average at end']} at the "
        f"end. Peak RSS: {facts['peak RSS']}.\n"
        f"- **Tools.** {', '.join(tool_versions)}.\n"
        "- **Commands** as timed (`FILES...` = the set's files as relative paths, cwd = the "
        f"set's root; on `big`, kubernetes-validate gets the first {KV_SAMPLE_FILES} files):",
        f"```sh\n{commands}\n```",
    ]
    for bench_set, results in report:
        parts.append(f"#### {set_heading(bench_set)}\n\n{markdown_table(results)}")
    parts.append("\n".join(f"- {line}" for line in LEGEND))
    return "\n\n".join(parts) + "\n"


def splice_results(text: str, generated: str) -> str:
    """`text` with the lines between the markers replaced by `generated`.

    Without markers, the marked block goes after the paragraph that follows the first
    RESULTS_HEADING line, or at the end of the text if there is no such heading.
    """
    lines = text.splitlines(keepends=True)
    begins = [i for i, line in enumerate(lines) if line.strip() == BEGIN_MARKER]
    ends = [i for i, line in enumerate(lines) if line.strip() == END_MARKER]
    block = f"\n{generated}\n"
    if begins or ends:
        if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
            raise ValueError(
                f"expected one {BEGIN_MARKER} line followed by one {END_MARKER} line; found "
                f"begin on lines {[i + 1 for i in begins]}, end on lines {[i + 1 for i in ends]}"
            )
        return "".join(lines[: begins[0] + 1]) + block + "".join(lines[ends[0] :])
    marked = f"{BEGIN_MARKER}\n{block}{END_MARKER}\n"
    heading = next((i for i, line in enumerate(lines) if line.startswith(RESULTS_HEADING)), None)
    if heading is None:
        at = len(lines)
    else:
        at = heading + 1
        while at < len(lines) and not lines[at].strip():
            at += 1
        if at < len(lines) and lines[at].startswith("#"):
            at = heading + 1  # no paragraph: right after the heading
        else:
            while at < len(lines) and lines[at].strip():
                at += 1
    before, after = "".join(lines[:at]), "".join(lines[at:])
    if before and not before.endswith("\n"):
        before += "\n"  # only possible at the end of the file
    separator = "\n" if before.strip() else ""
    closing = "\n" if after and after[0] not in "\r\n" else ""  # keep a blank line after
    return before + separator + marked + closing + after


def outside_markers(text: str) -> str:
    lines = text.splitlines(keepends=True)
    begin = next(i for i, line in enumerate(lines) if line.strip() == BEGIN_MARKER)
    end = next(i for i, line in enumerate(lines) if line.strip() == END_MARKER)
    return "".join(lines[: begin + 1] + lines[end:])


def write_results(path: Path, generated: str) -> None:
    """Replace the marked block of `path` (inserting the markers if missing), atomically."""
    original = path.read_bytes().decode("utf-8")
    try:
        updated = splice_results(original, generated)
    except ValueError as error:
        raise SystemExit(f"error: {path}: {error}") from None
    had_markers = BEGIN_MARKER in original
    if had_markers and outside_markers(updated) != outside_markers(original):
        raise SystemExit(f"error: {path}: would change text outside the markers; not written")
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as out:
        out.write(updated.encode("utf-8"))
    shutil.copymode(path, out.name)
    os.replace(out.name, path)
    how = "replaced the block between" if had_markers else "inserted the block and"
    print(f"{path}: {how} {BEGIN_MARKER} / {END_MARKER}")


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
        "--write-results",
        type=Path,
        nargs="?",
        const=DEFAULT_RESULTS,
        metavar="FILE",
        help=(
            f"rewrite the block between {BEGIN_MARKER} and {END_MARKER} in FILE (default: "
            f"bench/RESULTS.md) with this run's tables, machine and commands; markers missing: "
            f"insert them after the paragraph under '{RESULTS_HEADING} ...' (or at the end)"
        ),
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
    args.argv = sys.argv[1:] if argv is None else list(argv)
    if args.write_results is not None and not args.write_results.is_file():
        parser.error(f"--write-results: {args.write_results} is not a file")
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
    facts = machine_facts(
        args.python, None if args.skip_peers else args.kubeconform, problem is None
    )
    print("machine: " + describe_facts(facts))
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
    if args.markdown or args.write_results:
        generated = markdown_report(report, facts, tools, args)
        if args.markdown:
            print(f"\n{generated}", end="")
        if args.write_results:
            write_results(args.write_results, generated)
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
