#!/usr/bin/env python3
"""Time `kubelint lint` against `kubelint check` on the same set, and optionally Checkov.

    python bench/lint.py                       # big set (bench/.work/big), -j 2, best of 3
    python bench/lint.py --jobs 1 --repeat 1
    python bench/lint.py --rules 300           # per-rule cost over the first 300 files
    python bench/lint.py --rules-only --rules 1000   # per-rule cost only
    python bench/lint.py --checkov 100         # Checkov on the first 100 files, if installed
    python bench/lint.py --ablation            # where lint's time goes, and the 1.5x budget

Build the set first with bench/make_set.py. Timings are whole processes
(`python -m kubelint check|lint --jobs N --output json --kubernetes-version 1.32 FILES`, cwd =
the set's root), best of --repeat; `ratio` = lint seconds ÷ check seconds. With --rules, every
default rule runs in this process over the first N files' objects and its total time is printed
(µs per object of the sample, whatever the kinds the rule applies to; objects a rule does not
apply to are skipped, as the runner does).
With --ablation, two more variants run between check and lint (`lint --disable all`: the lint
machinery without rules; `lint` with the default set rules disabled: object rules only), then
the cross-object rules alone in this process (Context + every default set rule over the loaded
set, CPU time), to print what the 1.5x target leaves for the cross-object phase and the lowest
ratio any design of that phase could reach with the object rules as they are: object-rules-only
lint plus the set rules' own CPU time spread perfectly over the workers, nothing for shipping,
landmarks or locating.
Checkov runs from CHECKOV_VENV (default ~/.cache/kubelint-bench/checkov-venv/bin/checkov):
`checkov --framework kubernetes --quiet --compact -o json -f FILES` on a sample, objects/s compared
with kubelint lint's.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench_tools import CACHE_DIR, REPO_ROOT, kubelint_env, progress, run_process

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_WORK = BENCH_DIR / ".work"
CHECKOV = Path(os.environ.get("CHECKOV_VENV", CACHE_DIR / "checkov-venv")) / "bin" / "checkov"
VERSION = "1.32"


def set_files(work: Path) -> tuple[Path, list[str], int]:
    sets = json.loads((work / "sets.json").read_text())
    big = sets["sets"]["big"]
    files = [name for name, _ in big["files"]]
    return Path(big["root"]), files, sum(count for _, count in big["files"])


def kubelint(command: str, jobs: int, files: list[str], root: Path, extra=()) -> tuple[float, int]:
    args = [sys.executable, "-m", "kubelint", command, "--jobs", str(jobs), "--output", "json"]
    args += ["--kubernetes-version", VERSION, "--fail-on", "never", *extra, *files]
    run = run_process(args, root, kubelint_env(), measure_rss=True)
    if run.returncode != 0:
        raise SystemExit(f"kubelint {command} failed ({run.returncode}): {run.stderr[-2000:]}")
    return run.seconds, len(json.loads(run.stdout)["findings"])


def best(
    command: str, jobs: int, files: list[str], root: Path, repeat: int, extra: Sequence[str] = ()
) -> tuple[float, int]:
    runs = [kubelint(command, jobs, files, root, extra) for _ in range(repeat)]
    return min(r[0] for r in runs), runs[0][1]


def rule_costs(root: Path, files: list[str]) -> None:
    """Each default rule alone over the sample's objects, in this process."""
    sys.path.insert(0, str(REPO_ROOT))
    from set_rules import load_docs

    from kubelint.rules.catalogue import load_rules
    from kubelint.rules.context import Context
    from kubelint.rules.engine import Settings
    from kubelint.rules.runner import view_of

    gc.disable()  # as kubelint does while linting
    settings = Settings()
    docs = load_docs(root, files)
    views = [view_of(d, settings) for d in docs]
    rows = []
    for rule in (r for r in load_rules() if r.default):
        start = time.perf_counter()
        if rule.scope == "set":
            found = sum(1 for _ in rule.check(Context(views, settings)))
        else:
            found = sum(
                len(list(rule.check(v)))
                for v in views
                if (rule.kinds is None or (v.group, v.kind) in rule.kinds)
                and (v.template is not None or not rule.templates_only)
            )
        rows.append((time.perf_counter() - start, rule, found))
    total = sum(r[0] for r in rows)
    print(f"\nrules over {len(files)} files, {len(views)} objects: {total:.2f} s in all")
    print(f"{'seconds':>8} {'us/object':>9} {'findings':>8}  rule")
    for seconds, rule, found in sorted(rows, key=lambda r: -r[0])[:200]:
        per = seconds / max(len(views), 1) * 1e6
        print(f"{seconds:8.3f} {per:9.1f} {found:8}  {rule.code} {rule.name} ({rule.scope})")


def ablation(
    root: Path, files: list[str], jobs: int, repeat: int, check_s: float, lint_s: float
) -> None:
    """Lint part by part, and the budget the 1.5x target leaves for the cross-object phase."""
    sys.path.insert(0, str(REPO_ROOT))
    from set_rules import default_set_rules, load_docs, together

    set_rules = default_set_rules()
    no_sets = [a for r in set_rules for a in ("--disable", r.code)]
    bare_s, _ = best("lint", jobs, files, root, repeat, ("--disable", "all"))
    objects_s, _ = best("lint", jobs, files, root, repeat, no_sets)
    gc.disable()  # as kubelint does while linting
    rules_cpu, _ = together(load_docs(root, files), set_rules, repeat)
    gc.enable()
    budget = 1.5 * check_s - objects_s
    floor = objects_s + rules_cpu / jobs
    print(f"\nablation, --jobs {jobs}, whole processes, best of {repeat}:")
    for label, seconds in (
        ("check", check_s),
        ("lint --disable all (views, suppressions)", bare_s),
        (f"lint without the {len(set_rules)} default set rules", objects_s),
        ("lint", lint_s),
    ):
        print(f"  {label:44} {seconds:6.2f} s  {seconds - check_s:+6.2f}")
    print(
        f"  1.5 x check leaves {budget:.2f} s for the cross-object phase; "
        f"it takes {lint_s - objects_s:.2f} s"
    )
    print(
        f"  its rules alone (Context + rules, one process, no shipping or locating): "
        f"{rules_cpu:.2f} CPU-s"
    )
    print(
        f"  floor of any cross-object design (object rules as now; set rules spread perfectly "
        f"over {jobs} worker(s), nothing shipped or located): {floor:.2f} s = "
        f"{floor / check_s:.2f} x check"
    )


def checkov(root: Path, files: list[str], objects: int) -> float | None:
    if not CHECKOV.exists():
        print(f"\nCheckov: not installed at {CHECKOV} (pip install checkov into that venv)")
        return None
    args = [str(CHECKOV), "--framework", "kubernetes", "--quiet", "--compact", "-o", "json"]
    for name in files:
        args += ["-f", name]
    run = run_process(args, root, measure_rss=True)
    rate = objects / run.seconds
    print(
        f"\nCheckov: {len(files)} files, {objects} objects in {run.seconds:.1f} s: {rate:.0f} obj/s"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", type=int, default=0, help="only the first N files (0: all)")
    parser.add_argument("--rules", type=int, default=0, metavar="N", help="per-rule cost")
    parser.add_argument("--checkov", type=int, default=0, metavar="N", help="Checkov sample")
    parser.add_argument("--rules-only", action="store_true", help="skip the process timings")
    parser.add_argument("--ablation", action="store_true", help="lint's cost, part by part")
    args = parser.parse_args()
    root, files, objects = set_files(args.work)
    if args.rules_only:
        rule_costs(root, files[: args.rules or 1000])
        return
    if args.files:
        files = files[: args.files]
        objects = round(objects * len(files) / len(set_files(args.work)[1]))
    progress(f"{len(files)} files, ~{objects} objects, --jobs {args.jobs}, best of {args.repeat}")
    check_s, check_n = best("check", args.jobs, files, root, args.repeat)
    lint_s, lint_n = best("lint", args.jobs, files, root, args.repeat)
    if args.ablation:
        ablation(root, files, args.jobs, args.repeat, check_s, lint_s)
    print(f"check  {check_s:7.2f} s  {objects / check_s:8.0f} obj/s  {check_n:7} findings")
    print(f"lint   {lint_s:7.2f} s  {objects / lint_s:8.0f} obj/s  {lint_n:7} findings")
    print(f"ratio  {lint_s / check_s:7.2f}  (lint ÷ check; target ≤ 1.5)")
    if args.checkov:
        sample = files[: args.checkov]
        per_file = objects / len(files)
        rate = checkov(root, sample, round(per_file * len(sample)))
        if rate:
            print(
                f"kubelint lint ÷ Checkov objects/s: {objects / lint_s / rate:.0f}× (target ≥ 50)"
            )
    if args.rules:
        rule_costs(root, files[: args.rules])


if __name__ == "__main__":
    main()
