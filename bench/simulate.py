"""Benchmark `kubelint simulate` on scenario 06 (5,000 nodes, 2,000 Services x 10 pods).

    /work/venv/bin/python bench/simulate.py [--scale 1 2] [--repeat 3]

Wall time depends on what else the machine runs; the ratio is computed from CPU time.
Generates the input of /work/shared/scenarios/06-scale-5000-nodes-iptables-vs-ipvs as its
expected.yaml "generator" describes (namespaces team-00.., then svc-0000.. instances, 100 per
namespace), in bench/.work/simulate-xN/. Scale N multiplies the Services and the nodes of each
node group. Prints the time per stage, the end-to-end time and the ratio between scales.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import yaml

SCENARIO = Path("/work/shared/scenarios/06-scale-5000-nodes-iptables-vs-ipvs")
WORK = Path(__file__).resolve().parent / ".work"


def generate(scale: int) -> tuple[Path, Path]:
    out = WORK / f"simulate-x{scale}"
    manifests = out / "manifests"
    manifests.mkdir(parents=True, exist_ok=True)
    namespaces = 20 * scale
    services = 2000 * scale
    ns_template = (SCENARIO / "manifests/00-namespace-team-00.yaml").read_text()
    svc_template = (SCENARIO / "manifests/10-svc-0000.yaml").read_text()
    with open(manifests / "00-namespaces.yaml", "w") as fh:
        for n in range(namespaces):
            fh.write(ns_template.replace("team-00", f"team-{n:02d}") + "\n---\n")
    with open(manifests / "10-services.yaml", "w") as fh:
        for i in range(services):
            text = svc_template.replace("svc-0000", f"svc-{i:04d}")
            fh.write(text.replace("team-00", f"team-{i // 100:02d}") + "\n---\n")
    cluster = yaml.safe_load((SCENARIO / "cluster.yaml").read_text())
    for group in cluster["nodeGroups"]:
        group["count"] *= scale
        if scale > 1:  # room for the extra nodes' addresses and podCIDRs
            cluster["network"]["nodeCIDRs"] = ["192.168.0.0/15"]
            cluster["network"]["clusterCIDR"] = "10.0.0.0/10"
            if group["name"] == "workers":
                group["internalIPStart"] = "192.168.40.1"
    (out / "cluster.yaml").write_text(yaml.safe_dump(cluster, sort_keys=False))
    return manifests, out / "cluster.yaml"


def run(scale: int, repeat: int) -> float:
    from kubelint.reconcile.simulate import SimulateOptions, simulate

    manifests, cluster = generate(scale)
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        sim = simulate(SimulateOptions([str(manifests)], str(cluster)))
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    running = sum(1 for p in sim.pods if p.phase == "Running")
    stages = ", ".join(f"{k} {v:.2f}s" for k, v in sim.timings.items())
    print(
        f"x{scale}: {len(sim.nodes.nodes):,} nodes, {len(sim.services):,} Services, "
        f"{len(sim.pods):,} pods ({running:,} Running): median {statistics.median(times):.2f}s "
        f"wall, {statistics.median(cpu):.2f}s CPU over {repeat} run(s) [{stages}]"
    )
    return statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    os.environ.setdefault("PYTHONHASHSEED", "0")
    results = {scale: run(scale, args.repeat) for scale in args.scale}
    base = min(results)
    for scale, seconds in sorted(results.items()):
        if scale != base:
            ratio = seconds / results[base]
            print(f"ratio x{scale}/x{base} (CPU time): {ratio:.2f} (input x{scale // base})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
