"""Cost of the semantic validation rules (KL100–KL199) over the corpus, and of selector lookups
through LabelIndex against a linear scan.

    python bench/validation_rules.py [CORPUS] [--repeat N]

Loads the valid corpus folders once, runs every validation rule over every object N times and
prints objects/s for all of them together, the slowest rules, and the ratio to loading the same
files. Then files 20,000 synthetic pods in a LabelIndex and times 2,000 Service-style selector
queries against filtering every pod.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

from kubelint.k8s.labelindex import LabelIndex
from kubelint.k8s.selectors import Selector
from kubelint.load import discover, load_file
from kubelint.rules.catalogue import load_rules
from kubelint.rules.context import Context
from kubelint.rules.engine import DEFAULT_SETTINGS
from kubelint.rules.runner import view_of

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def rules_over_corpus(corpus: str, repeat: int) -> None:
    files = discover([corpus], exclude=["broken", "templated"]).files
    started = time.perf_counter()
    docs = [doc for item in files for doc in load_file(item).documents]
    load_seconds = time.perf_counter() - started
    rules = [r for r in load_rules() if r.category == "validation"]
    per_rule = dict.fromkeys((r.name for r in rules), 0.0)
    findings = 0
    started = time.perf_counter()
    for _ in range(repeat):
        views = [view_of(doc, DEFAULT_SETTINGS) for doc in docs]
        for rule in rules:
            t = time.perf_counter()
            if rule.scope == "set":
                findings += sum(1 for _ in rule.check(Context(views, DEFAULT_SETTINGS)))
            else:
                for view in views:
                    if rule.kinds is None or (view.group, view.kind) in rule.kinds:
                        findings += sum(1 for _ in rule.check(view))
            per_rule[rule.name] += time.perf_counter() - t
    seconds = (time.perf_counter() - started) / repeat
    print(f"load average {os.getloadavg()[0]:.2f}; {len(docs)} objects, {len(rules)} rules")
    print(f"loading the files: {load_seconds:.3f} s ({len(docs) / load_seconds:,.0f} objects/s)")
    print(
        f"validation rules:  {seconds:.3f} s ({len(docs) / seconds:,.0f} objects/s), "
        f"{seconds / load_seconds:.1%} of loading; {findings // repeat} findings"
    )
    for name, spent in sorted(per_rule.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  {name:<28} {spent / repeat * 1000:7.1f} ms")


def index_versus_scan(pods: int = 20_000, queries: int = 2_000) -> None:
    rng = random.Random(7)
    apps = [f"app-{i}" for i in range(pods // 10)]
    items = [
        (f"ns-{rng.randrange(20)}", {"app": rng.choice(apps), "tier": rng.choice("abc")})
        for _ in range(pods)
    ]
    index: LabelIndex[int] = LabelIndex()
    for i, (namespace, labels) in enumerate(items):
        index.add(i, namespace, labels)
    selectors = [
        (f"ns-{rng.randrange(20)}", Selector.from_map({"app": rng.choice(apps)}))
        for _ in range(queries)
    ]
    started = time.perf_counter()
    indexed = [index.select(s, ns) for ns, s in selectors]
    index_seconds = time.perf_counter() - started
    sample = selectors[:200]  # a full scan per query is slow: time a sample, scale it up
    started = time.perf_counter()
    scanned = [
        [i for i, (n, labels) in enumerate(items) if n == ns and s.matches(labels)]
        for ns, s in sample
    ]
    scan_seconds = (time.perf_counter() - started) * len(selectors) / len(sample)
    assert indexed[: len(sample)] == scanned
    print(
        f"{queries} selector queries over {pods} pods: index {index_seconds * 1000:.1f} ms, "
        f"linear scan ~{scan_seconds:.1f} s ({scan_seconds / index_seconds:,.0f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rules_over_corpus(args.corpus, args.repeat)
    index_versus_scan()


if __name__ == "__main__":
    main()
