"""Cost of the per-object policy rules (KL200–KL399) over the corpus, without loading.

    python bench/policy_rules.py [CORPUS] [--repeat N]

Loads the valid corpus folders once, then runs every policy rule (enabled by default or not)
over every object N times and prints objects/s for all rules together, the share of the
slowest rules, and the ratio to loading the same files (what `kubelint lint` pays anyway).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from kubelint.load import discover, load_file
from kubelint.rules.catalogue import load_rules
from kubelint.rules.engine import DEFAULT_SETTINGS, ObjectView, Rule
from kubelint.rules.runner import view_of

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def policy_rules() -> list[Rule]:
    return [r for r in load_rules() if r.scope == "object" and "KL200" <= r.code <= "KL399"]


def applies(rule: Rule, view: ObjectView) -> bool:
    return rule.kinds is None or (view.group, view.kind) in rule.kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    files = discover([args.corpus], exclude=["broken", "templated"]).files
    started = time.perf_counter()
    docs = [doc for item in files for doc in load_file(item).documents]
    load_seconds = time.perf_counter() - started
    rules = policy_rules()

    per_rule = dict.fromkeys((r.name for r in rules), 0.0)
    findings = 0
    started = time.perf_counter()
    for _ in range(args.repeat):
        for doc in docs:
            view = view_of(doc, DEFAULT_SETTINGS)  # fresh: the template is computed per run
            for rule in rules:
                if applies(rule, view):
                    t = time.perf_counter()
                    findings += sum(1 for _ in rule.check(view))
                    per_rule[rule.name] += time.perf_counter() - t
    seconds = (time.perf_counter() - started) / args.repeat

    print(f"load average {os.getloadavg()[0]:.2f}; {len(docs)} objects, {len(rules)} rules")
    print(
        f"loading the files:      {load_seconds:.3f} s ({len(docs) / load_seconds:,.0f} objects/s)"
    )
    print(
        f"all policy rules:       {seconds:.3f} s ({len(docs) / seconds:,.0f} objects/s), "
        f"{findings // args.repeat} findings"
    )
    print(f"rules / loading:        {seconds / load_seconds:.2f}")
    total = sum(per_rule.values())
    print("slowest rules (share of rule time):")
    for name, spent in sorted(per_rule.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  {name:34} {100 * spent / total:5.1f} %")


if __name__ == "__main__":
    main()
