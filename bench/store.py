"""Throughput of the desired-state store on the corpus: defaulting, apply, re-apply, indexes.

    /work/venv/bin/python bench/store.py [CORPUS] [--repeat N]

Loads the corpus valid folders once (not timed), then times, best of N:
- default_object over every document;
- apply to an empty store (creates, plus the corpus's own duplicates and refusals);
- apply again to the result (nearly all unchanged);
- a label query per stored object after the index is built.
Prints objects per second and the ratio of re-apply to first apply.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from kubelint.k8s.selectors import Selector
from kubelint.load import load_file
from kubelint.load.files import discover
from kubelint.store import Store, apply, default_object

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = Path(args.corpus)
    folders = [
        str(p)
        for p in sorted(root.iterdir())
        if p.is_dir() and p.name not in ("broken", "templated")
    ]
    documents = [d for f in discover(folders).files for d in load_file(f).documents]
    bodies = [d.body for d in documents]
    n = len(documents)
    first = apply(Store(), documents)
    selectors = [Selector.from_map(o.labels) for o in first.store]
    first.store.select(Selector.from_map({}))  # build the index once

    rows = [
        ("default_object", best(args.repeat, lambda: [default_object(b) for b in bodies]), n),
        ("apply (empty store)", best(args.repeat, lambda: apply(Store(), documents)), n),
        ("apply (again)", best(args.repeat, lambda: apply(first.store, documents)), n),
        (
            "select by labels",
            best(args.repeat, lambda: [first.store.select(s) for s in selectors]),
            len(selectors),
        ),
    ]
    print(
        f"corpus: {n} documents, {len(first.store)} stored objects, {len(first.findings)} findings"
    )
    for name, seconds, count in rows:
        print(f"{name:22} {seconds * 1000:8.1f} ms  {count / seconds:10,.0f} /s")
    print(f"re-apply / first apply: {rows[2][1] / rows[1][1]:.2f}")


if __name__ == "__main__":
    main()
