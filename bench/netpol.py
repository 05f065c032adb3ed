"""Benchmark the NetworkPolicy findings of `kubelint simulate` (KL860–KL863) on scenario 06.

    /work/venv/bin/python bench/netpol.py [--scale 1 2] [--repeat 3]

Takes the input bench/simulate.py generates (20 namespaces x 100 Deployments of 10 pods, on
5,000 nodes; x N) and adds, per namespace, a deny-all and an allow-DNS policy and, per
Deployment, a policy admitting its namespace's `role=client` pods (none exist: every one is a
KL861 finding) and the monitoring namespace. Simulates once, then times the NetworkPolicy
analysis alone (CPU time) and prints the ratio between scales.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from simulate import generate  # bench/simulate.py

NAMESPACE_POLICIES = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: deny-all, namespace: {ns}}}
spec: {{podSelector: {{}}, policyTypes: [Ingress, Egress]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: allow-dns, namespace: {ns}}}
spec:
  podSelector: {{}}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: kube-system}}}}
      podSelector: {{matchLabels: {{k8s-app: kube-dns}}}}
    ports: [{{protocol: UDP, port: 53}}, {{protocol: TCP, port: 53}}]
---
"""
APP_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {app}, namespace: {ns}}}
spec:
  podSelector: {{matchLabels: {{app: {app}}}}}
  ingress:
  - from:
    - podSelector: {{matchLabels: {{role: client}}}}
    - namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: team-00}}}}
    ports: [{{port: 80}}]
---
"""


def add_policies(manifests: Path, scale: int) -> int:
    namespaces, apps = 20 * scale, 2000 * scale
    with open(manifests / "20-policies.yaml", "w") as fh:
        for n in range(namespaces):
            fh.write(NAMESPACE_POLICIES.format(ns=f"team-{n:02d}"))
        for i in range(apps):
            fh.write(APP_POLICY.format(app=f"svc-{i:04d}", ns=f"team-{i // 100:02d}"))
    return 2 * namespaces + apps


def run(scale: int, repeat: int) -> float:
    from kubelint.reconcile.netpol_findings import check
    from kubelint.reconcile.simulate import SimulateOptions, simulate

    manifests, cluster = generate(scale)
    count = add_policies(manifests, scale)
    sim = simulate(SimulateOptions([str(manifests)], str(cluster)))
    cpu = []
    for _ in range(repeat):
        started = time.process_time()
        findings = check(sim)
        cpu.append(time.process_time() - started)
    total = sum(sim.timings.values())
    print(
        f"x{scale}: {count:,} NetworkPolicies, {len(sim.pods):,} pods: analysis "
        f"{statistics.median(cpu):.2f}s CPU (median of {repeat}), {len(findings):,} findings; "
        f"whole simulate {total:.2f}s"
    )
    return statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = {scale: run(scale, args.repeat) for scale in args.scale}
    base = min(results)
    for scale, seconds in sorted(results.items()):
        if scale != base:
            print(f"ratio x{scale}/x{base} (CPU time): {seconds / results[base]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
