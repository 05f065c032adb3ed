#!/usr/bin/env python3
"""Cost of each default cross-object (set) rule over the whole bench set, in this process.

    /work/venv/bin/python bench/set_rules.py               # every file of bench/.work/big
    /work/venv/bin/python bench/set_rules.py --repeat 3 --files 1000

Loads the set once, then times building the Context (objects/s) and each default set rule alone
on a fresh Context (as bench/lint.py --rules does), best of --repeat of process CPU time (other
load on the machine distorts it less), GC off as kubelint runs.
Prints seconds and findings per rule (each rule's time includes the indexes it builds, which
rules share through the Context), then the time of all of them on one Context of fresh
ObjectViews with its build, as `kubelint lint` runs them in its main process.
"""

from __future__ import annotations

import argparse
import functools
import gc
import re
import sys
import time
from pathlib import Path

from bench_tools import REPO_ROOT
from lint import DEFAULT_WORK, set_files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--files", type=int, default=0, help="only the first N files (0: all)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--codes", default="", help="only rules whose code matches this regex")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO_ROOT))
    from kubelint.rules.context import Context
    from kubelint.rules.engine import Rule, Settings
    from kubelint.rules.runner import view_of

    root, files, _ = set_files(args.work)
    files = files[: args.files] if args.files else files
    gc.disable()  # as kubelint does while linting
    settings = Settings()
    docs = load_docs(root, files)
    views = [view_of(d, settings) for d in docs]
    for v in views:  # warm the per-object caches the object rules would have filled
        v.template  # noqa: B018

    def best(run) -> tuple[float, int]:
        times, found = [], 0
        for _ in range(args.repeat):
            start = time.process_time()
            found = run()
            times.append(time.process_time() - start)
        return min(times), found

    build, _ = best(lambda: Context(views, settings) and 0)
    print(f"{len(files)} files, {len(views)} objects; best of {args.repeat}")
    print(f"Context: {build:.3f} s, {len(views) / build:,.0f} objects/s")

    def alone(rule: Rule) -> int:
        return sum(1 for _ in rule.check(Context(views, settings)))

    rows = []
    for rule in default_set_rules():
        if re.match(args.codes, rule.code):
            seconds, found = best(functools.partial(alone, rule))
            rows.append((seconds - build, rule, found))
    print(f"{'seconds':>8} {'findings':>8}  rule (Context build subtracted)")
    for seconds, rule, found in sorted(rows, key=lambda r: -r[0]):
        print(f"{seconds:8.3f} {found:8}  {rule.code} {rule.name}")
    print(f"{sum(r[0] for r in rows):8.3f}           sum of the above")
    rules = [r for _, r, _ in rows]

    seconds, found = together(docs, rules, args.repeat)
    print(f"{seconds:8.3f} {found:8}  all of them on one fresh Context, as kubelint lint runs them")


def together(docs: list, rules: list, repeat: int) -> tuple[float, int]:
    """CPU seconds (best of `repeat`) and findings of `rules` run one after the other on one
    Context of fresh views of `docs`, as the runner makes them in the main process."""
    from kubelint.rules.context import Context
    from kubelint.rules.engine import Settings
    from kubelint.rules.runner import view_of

    settings = Settings()
    times, found = [], 0
    for _ in range(repeat):
        fresh = [view_of(d, settings) for d in docs]
        start = time.process_time()
        ctx = Context(fresh, settings)
        found = sum(1 for rule in rules for _ in rule.check(ctx))
        times.append(time.process_time() - start)
    return min(times), found


def load_docs(root: Path, files: list[str]) -> list:
    from kubelint.load import InputFile, load_file

    return [d for f in files for d in load_file(InputFile(str(root / f), f)).documents]


def default_set_rules() -> list:
    from kubelint.rules.catalogue import load_rules

    return [r for r in load_rules() if r.default and r.scope == "set"]


if __name__ == "__main__":
    main()
