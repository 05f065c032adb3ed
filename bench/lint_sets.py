"""Throughput of the cross-object rules (KL400–KL499) on large sets, and how it scales.

    /work/venv/bin/python bench/lint_sets.py                # 25k and 50k objects, both shapes
    /work/venv/bin/python bench/lint_sets.py --objects 50000 --repeat 3

Two shapes of input, each built at 1x and 2x size so the ratio shows whether a rule is linear:
- `synthetic`: apps of 10 objects (ConfigMap, Secret, ServiceAccount, Deployment, Service, PDB,
  HPA, NetworkPolicy, Ingress, ServiceMonitor) that all reference each other; `--namespaces`
  spreads them (default 50), and `one-namespace` puts every app in one namespace, the worst case
  for per-namespace lookups;
- `corpus`: the corpus' valid documents copied into fresh namespaces (cycle k → `c<k>-<ns>`,
  cluster-scoped names get `-c<k>`), so every reference and selector of the originals holds.

Documents are built in memory (loading is benchmarked by bench/run.py); the time (process CPU
time, so other load on the machine distorts it less) covers building the Context and running each
set rule to exhaustion. Prints objects/s per rule and the 2x/1x time
ratio (≈ 2.0 for linear cost).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kubelint.load import load_text  # noqa: E402
from kubelint.model import Document, object_ref  # noqa: E402
from kubelint.rules.catalogue import load_rules  # noqa: E402
from kubelint.rules.context import Context  # noqa: E402
from kubelint.rules.engine import DEFAULT_SETTINGS  # noqa: E402
from kubelint.rules.runner import view_of  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


def _doc(body: dict[str, Any], index: int) -> Document:
    return Document(body, f"app-{index // 10}.yaml", index % 10, 1, object_ref(body))


def _app(i: int, ns: str) -> Iterator[dict[str, Any]]:
    name, labels = f"app-{i}", {"app": f"app-{i}", "tier": "web"}
    meta = {"name": name, "namespace": ns, "labels": labels}
    yield {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"MODE": "x"}}
    yield {"apiVersion": "v1", "kind": "Secret", "metadata": meta, "data": {"pw": ""}}
    yield {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta}
    container = {
        "name": "c",
        "image": "nginx:1.27",
        "ports": [{"name": "http", "containerPort": 8080}],
        "envFrom": [{"configMapRef": {"name": name}}],
        "env": [{"name": "PW", "valueFrom": {"secretKeyRef": {"name": name, "key": "pw"}}}],
    }
    template = {
        "metadata": {"labels": labels},
        "spec": {"serviceAccountName": name, "containers": [container]},
    }
    yield {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta,
        "spec": {"replicas": 3, "selector": {"matchLabels": labels}, "template": template},
    }
    yield {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta,
        "spec": {"selector": labels, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]},
    }
    yield {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta,
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": labels}},
    }
    yield {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": meta,
        "spec": {
            "maxReplicas": 5,
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
        },
    }
    yield {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta,
        "spec": {"podSelector": {"matchLabels": labels}},
    }
    backend = {"service": {"name": name, "port": {"number": 80}}}
    yield {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": meta,
        "spec": {"defaultBackend": backend},
    }
    yield {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": meta,
        "spec": {"selector": {"matchLabels": labels}, "endpoints": [{"port": "http"}]},
    }


def synthetic(objects: int, namespaces: int) -> list[Document]:
    bodies = (b for i in range(objects // 10) for b in _app(i, f"ns-{i % namespaces}"))
    return [_doc(body, i) for i, body in enumerate(bodies)]


def _corpus_documents() -> list[Document]:
    docs: list[Document] = []
    for path in sorted(CORPUS.glob("*/**/*.y*ml")):
        if path.parts[len(CORPUS.parts)] not in ("broken", "templated"):
            docs.extend(load_text(path.read_text(encoding="utf-8"), str(path)).documents)
    return docs


def corpus_copies(objects: int, originals: list[Document]) -> list[Document]:
    out: list[Document] = []
    cycle = 0
    while len(out) < objects:
        for doc in originals:
            if len(out) == objects:
                break
            view = view_of(doc, DEFAULT_SETTINGS)
            meta = dict(view.metadata)
            if view.namespace:
                meta["namespace"] = f"c{cycle}-{view.namespace}"
            elif isinstance(meta.get("name"), str):
                meta["name"] = f"{meta['name']}-c{cycle}"
            body = {**doc.body, "metadata": meta}
            out.append(Document(body, doc.source, doc.index, doc.line, object_ref(body)))
        cycle += 1
    return out


def timed(docs: list[Document]) -> dict[str, float]:
    """Seconds to build the Context and to run each set rule, by rule name."""
    rules = [r for r in load_rules() if r.scope == "set" and "KL400" <= r.code <= "KL499"]
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        ctx = Context([view_of(d, DEFAULT_SETTINGS) for d in docs], DEFAULT_SETTINGS)
        out = {"(context)": time.process_time() - start}
        for rule in rules:
            start = time.process_time()
            for _ in rule.check(ctx):
                pass
            out[rule.name] = time.process_time() - start
    finally:
        gc.enable()
    return out


def best_pair(
    build_small: Callable[[], list[Document]],
    build_large: Callable[[], list[Document]],
    repeat: int,
) -> tuple[tuple[int, dict[str, float]], tuple[int, dict[str, float]]]:
    """Best-of-`repeat` timings at both sizes, runs interleaved so that a busy spell on the
    machine hits both sizes alike."""
    small, large = build_small(), build_large()
    runs: tuple[list[dict[str, float]], list[dict[str, float]]] = ([], [])
    for _ in range(repeat):
        runs[0].append(timed(small))
        runs[1].append(timed(large))
    return (
        (len(small), {k: min(r[k] for r in runs[0]) for k in runs[0][0]}),
        (len(large), {k: min(r[k] for r in runs[1]) for k in runs[1][0]}),
    )


def report(shape: str, pair: tuple[tuple[int, dict[str, float]], tuple[int, dict[str, float]]]):
    (n1, t1), (n2, t2) = pair
    print(f"\n### {shape}: {n1:,} and {n2:,} objects\n")
    print(f"| rule | objects/s at {n2:,} | s at {n1:,} | s at {n2:,} | ratio |")
    print("|---|---:|---:|---:|---:|")
    total1, total2 = sum(t1.values()), sum(t2.values())
    for name in [*t2, "TOTAL"]:
        a, b = (total1, total2) if name == "TOTAL" else (t1[name], t2[name])
        rate = f"{n2 / b:,.0f}" if b > 1e-4 else "-"  # below 0.1 ms: no objects of its kinds
        ratio = f"{b / a:.2f}" if a > 1e-4 else "-"
        print(f"| {name} | {rate} | {a:.4f} | {b:.4f} | {ratio} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--objects", type=int, default=50_000, help="the 2x size")
    parser.add_argument("--namespaces", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    large, small = args.objects, args.objects // 2
    print(f"python {sys.version.split()[0]}, CPU time, best of {args.repeat} interleaved runs")
    for shape, ns in (("synthetic", args.namespaces), ("one-namespace", 1)):
        pair = best_pair(
            lambda k=ns: synthetic(small, k), lambda k=ns: synthetic(large, k), args.repeat
        )
        report(f"{shape} ({ns} namespace{'s' * (ns > 1)})", pair)
    if CORPUS.is_dir():
        originals = _corpus_documents()
        pair = best_pair(
            lambda: corpus_copies(small, originals),
            lambda: corpus_copies(large, originals),
            args.repeat,
        )
        report(f"corpus copies ({len(originals):,} documents per cycle)", pair)


if __name__ == "__main__":
    main()
