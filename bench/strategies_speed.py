"""Examples per second of kubelint.strategies, per kind (hypothesis' own generation loop).

python bench/strategies_speed.py [--examples N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import given, settings

from kubelint import strategies as ks

CASES = {
    **{
        kind: lambda kind=kind: ks.objects(kind=kind, k8s_version="1.32")
        for kind in (
            "ConfigMap",
            "Service",
            "Pod",
            "Deployment",
            "StatefulSet",
            "CronJob",
            "Ingress",
        )
    },
    "Deployment (valid=False)": lambda: ks.objects(kind="Deployment", valid=False),
    "manifest_sets()": ks.manifest_sets,
    "clusters()": ks.clusters,
    "yaml_documents(Deployment)": lambda: ks.yaml_documents(ks.objects(kind="Deployment")),
}


def rate(strategy, examples: int) -> float:
    count = 0

    @settings(max_examples=examples, database=None, deadline=None)
    @given(strategy)
    def run(_value) -> None:
        nonlocal count
        count += 1

    started = time.perf_counter()
    run()
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=300)
    args = parser.parse_args()
    print("| strategy | examples/s |\n|---|---:|")
    for name, make in CASES.items():
        print(f"| {name} | {rate(make(), args.examples):,.0f} |")


if __name__ == "__main__":
    main()
