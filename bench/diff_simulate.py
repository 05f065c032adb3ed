"""Benchmark `kubelint diff --simulate` on scenario 06 (5,000 nodes, 2,000 Deployments x 10 pods).

    /work/venv/bin/python bench/diff_simulate.py [--changed 100] [--repeat 3]

The old side is bench/simulate.py's x1 input; the new side gives the first `--changed`
Deployments a new image (a rollout each). Times `kubelint diff` without and with --simulate
(CLI entry, output discarded) and prints the cost of the prediction: two simulations and their
comparison. Wall time depends on what else the machine runs; CPU time is printed too.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from simulate import generate  # noqa: E402

from kubelint.cli.main import main as kubelint  # noqa: E402


def new_side(manifests: Path, changed: int) -> Path:
    out = manifests.parent / f"next-{changed}"
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(manifests, out)
    services = out / "10-services.yaml"
    docs = services.read_text().split("\n---\n")
    deployments = [i for i, doc in enumerate(docs) if "kind: Deployment" in doc]
    for i in deployments[:changed]:
        docs[i] = re.sub(r"image: nginx:[\w.-]+", "image: nginx:1.27-alpine", docs[i])
    services.write_text("\n---\n".join(docs))
    return out


def timed(args: list[str], repeat: int) -> tuple[float, float, str]:
    walls, cpus, out = [], [], ""
    for _ in range(repeat):
        buffer = io.StringIO()
        started, started_cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(buffer):
            kubelint(args)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - started_cpu)
        out = buffer.getvalue()
    return statistics.median(walls), statistics.median(cpus), out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    manifests, cluster = generate(1)
    new = new_side(manifests, options.changed)
    base = ["diff", str(manifests), str(new), "-q"]
    plain = timed(base, options.repeat)
    predicted = timed([*base, "--simulate", "--cluster", str(cluster)], options.repeat)
    summary = [line for line in predicted[2].splitlines() if line.startswith("  predicted:")]
    print(f"{options.changed} of 2,000 Deployments changed (x10 pods), 5,000 nodes")
    print(f"diff:            {plain[0]:6.2f} s wall  {plain[1]:6.2f} s CPU")
    print(f"diff --simulate: {predicted[0]:6.2f} s wall  {predicted[1]:6.2f} s CPU")
    print(f"prediction cost: {predicted[1] - plain[1]:6.2f} s CPU")
    print(summary[0].strip() if summary else "no predicted summary line")
    return 0


if __name__ == "__main__":
    sys.exit(main())
