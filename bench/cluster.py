"""Benchmark the cluster model: load + network checks, the allocators, the kube-proxy estimate.

    /work/venv/bin/python bench/cluster.py [--repeat 3]

Scale 1 is scenario 06 (5,000 nodes in 3 groups, 2,000 Services x 10 pods, 20,000 pods);
scale 10 multiplies nodes, Services and pods by ten (pod network widened to a /8,
Services moved to 100.64.0.0/12). Prints the
best time of each step per scale and the scale-10 / scale-1 ratio (10 = linear). The cyclic
garbage collector is paused, as `kubelint` pauses it while checking; `--gc` keeps it running
(its full collections over a growing heap make the larger scale look superlinear).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kubelint.cluster import kubeproxy, network
from kubelint.cluster.ipam import PodIPAllocator, ServiceIPAllocator
from kubelint.cluster.model import Cluster
from kubelint.cluster.parse import load_text

SCENARIO = Path("/work/shared/scenarios/06-scale-5000-nodes-iptables-vs-ipvs/cluster.yaml")


def cluster_text(scale: int) -> str:
    body = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    if scale > 1:
        network = {"clusterCIDR": "10.0.0.0/8", "serviceCIDR": "100.64.0.0/12"}
        body["network"].update(network, nodeCIDRs=["172.16.0.0/12"])
        body["dns"]["serviceIP"] = "100.64.0.10"
        starts = ["172.16.0.1", "172.17.0.1", "172.18.0.1"]
        for group, start in zip(body["nodeGroups"], starts, strict=True):
            group["count"] *= scale
            group["internalIPStart"] = start
            group["namePattern"] = (
                group["namePattern"].replace(":03d", ":04d").replace(":04d", ":06d")
            )
    return yaml.safe_dump(body, sort_keys=False)


def best(repeat: int, step: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    return min(times), result


def run(scale: int, repeat: int) -> dict[str, float]:
    text = cluster_text(scale)
    services, pods = 2000 * scale, 20000 * scale
    timings: dict[str, float] = {}

    def load() -> Cluster:
        cluster, findings = load_text(text, "cluster.yaml")
        assert cluster is not None and not findings, findings
        return cluster

    timings["load cluster.yaml"], cluster = best(repeat, load)
    assert isinstance(cluster, Cluster)
    timings["network checks"], found = best(repeat, lambda: network.check(cluster))
    assert found == [], found
    workers = cluster.groups[2]

    def pod_ips() -> int:
        allocator = PodIPAllocator(cluster)
        names = workers.names
        return sum(1 for i in range(pods) if allocator.allocate(names[i % len(names)])[0])

    timings[f"{pods:,} pod IPs"], count = best(repeat, pod_ips)
    assert count == pods

    def cluster_ips() -> int:
        allocator = ServiceIPAllocator(cluster)
        return sum(1 for i in range(services) if allocator.allocate(f"team/svc-{i}")[0])

    timings[f"{services:,} ClusterIPs"], count = best(repeat, cluster_ips)
    assert count == services
    bodies = [
        {
            "metadata": {"name": f"svc-{i}", "namespace": "team"},
            "spec": {
                "clusterIP": f"10.{96 + i // 65536}.{i // 256 % 256}.{i % 256}",
                "ports": [{"name": "http", "port": 80}],
            },
        }
        for i in range(services)
    ]

    def estimate() -> int:
        ports = [p for body in bodies for p in kubeproxy.service_ports(body, 10)]
        return kubeproxy.estimate(cluster, ports).iptables.rules

    timings["kube-proxy estimate"], rules = best(repeat, estimate)
    assert rules == services * 32
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gc", action="store_true", help="keep the garbage collector running")
    args = parser.parse_args()
    if not args.gc:
        gc.disable()
    results = {scale: run(scale, args.repeat) for scale in (1, 10)}
    print("| step | scale 1 (5,000 nodes) | scale 10 (50,000 nodes) | ratio |")
    print("|---|---:|---:|---:|")
    for (step, one), ten in zip(results[1].items(), results[10].values(), strict=True):
        label = step.replace("20,000", "20k→200k").replace("2,000", "2k→20k")
        print(f"| {label} | {one * 1000:.1f} ms | {ten * 1000:.1f} ms | {ten / one:.1f} |")


if __name__ == "__main__":
    main()
