"""Benchmark `kubelint diff`: 10,000 vs 10,000 objects with 1 %, 5 %, 10 % changed, and 10k vs 20k.

    /work/venv/bin/python bench/diff.py [--objects 10000] [--repeat 3]

Objects cycle through the corpus documents of built-in kinds (names suffixed -c<N> from the
second cycle on), 100 per file. A changed object gets a new image in its first container (if it
has a pod template) or a new label. Loading (YAML → Documents) is timed apart from diffing
(pairing, normalising and comparing changed objects, impacts, positions). Target: diff of
10k vs 10k with 1 % changed in ≤ 1 s; time should follow the changed count, not the set size².
"""

from __future__ import annotations

import argparse
import copy
import gc
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kubelint.diff import diff_documents  # noqa: E402
from kubelint.diff.engine import DiffOptions  # noqa: E402
from kubelint.diff.sources import load_side  # noqa: E402
from kubelint.k8s.podspec import pod_template  # noqa: E402
from kubelint.k8s.scope import canonical_group  # noqa: E402
from kubelint.load.limits import Limits  # noqa: E402
from kubelint.schema.registry import SchemaRegistry  # noqa: E402
from tests.conftest import find_corpus  # noqa: E402


def corpus_objects() -> list[dict]:
    corpus = find_corpus()
    if corpus is None:
        sys.exit("corpus not found (set KUBELINT_CORPUS)")
    kinds = SchemaRegistry().bundle.kinds
    out, seen = [], set()
    for path in sorted(corpus.rglob("*.y*ml")):
        if {"broken", "templated"} & set(path.relative_to(corpus).parts):
            continue
        try:
            docs = list(yaml.load_all(path.read_text(), Loader=yaml.CSafeLoader))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        for doc in docs:
            if (
                isinstance(doc, dict)
                and f"{doc.get('apiVersion')}:{doc.get('kind')}" in kinds
                and isinstance(doc.get("metadata"), dict)
                and doc["metadata"].get("name")
                and doc.get("kind") != "CustomResourceDefinition"
            ):
                key = (doc["kind"], doc["metadata"].get("namespace"), doc["metadata"]["name"])
                if key not in seen:  # one object per identity, or a change could be masked
                    seen.add(key)
                    out.append(doc)
    return out


def make_set(base: list[dict], count: int, start: int = 0) -> list[dict]:
    out = []
    for i in range(start, start + count):
        doc = copy.deepcopy(base[i % len(base)])
        cycle = i // len(base)
        if cycle:
            doc["metadata"]["name"] = f"{doc['metadata']['name']}-c{cycle}"
        out.append(doc)
    return out


def change(doc: dict, index: int) -> None:
    group = canonical_group(doc["apiVersion"].rpartition("/")[0], doc["kind"])
    template = pod_template(doc, group, doc["kind"])
    containers = template.spec.get("containers") if template else None
    if containers and isinstance(containers[0], dict):
        containers[0]["image"] = f"registry.example/bench:{index}"
    else:
        doc["metadata"].setdefault("labels", {})
        doc["metadata"]["labels"] = {**(doc["metadata"]["labels"] or {}), "bench/changed": "1"}


def write(objects: list[dict], root: Path) -> None:
    root.mkdir(parents=True)
    for n in range(0, len(objects), 100):
        text = yaml.dump_all(objects[n : n + 100], Dumper=yaml.CSafeDumper)
        (root / f"part-{n // 100:04d}.yaml").write_text(text)


def timed(fn, repeat: int):
    """(best wall seconds, best CPU seconds, value): CPU time is the steadier figure on a shared
    machine, wall time what a user waits."""
    wall = cpu = float("inf")
    value = None
    for _ in range(repeat):
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        value = fn()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - cpu_started)
    return wall, cpu, value


def scenario(name, old_dir, new_dir, repeat, expect_changed):
    limits = Limits()
    load_wall, load_cpu, (old, new) = timed(
        lambda: (load_side([str(old_dir)], limits), load_side([str(new_dir)], limits)), 1
    )
    texts = {**old.texts, **new.texts}
    wall, cpu, result = timed(
        lambda: diff_documents(old.documents, new.documents, DiffOptions(), texts), repeat
    )
    _, bare_cpu, _ = timed(
        lambda: diff_documents(old.documents, new.documents, DiffOptions(positions=False)),
        repeat,
    )
    changed = len(result.changes)
    assert changed == expect_changed, (name, changed, expect_changed)
    print(
        f"| {name} | {len(old.documents):,} → {len(new.documents):,} | {changed:,} | "
        f"{load_wall:.2f} ({load_cpu:.2f}) | {wall:.3f} ({cpu:.3f}) | {bare_cpu:.3f} | "
        f"{cpu / max(changed, 1) * 1000:.2f} |"
    )
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="diff runs per scenario")
    args = parser.parse_args()
    base = corpus_objects()
    old = make_set(base, args.objects)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write(old, root / "old")
        print(f"{args.objects:,} objects from {len(base):,} corpus documents; seconds, best of "
              f"{args.repeat} diff runs, one load\n")  # fmt: skip
        print("| scenario | objects | changes | load both sides, wall (CPU) | diff, wall (CPU) "
              "| diff CPU without positions | CPU ms per change |")  # fmt: skip
        print("|---|---|---|---|---|---|---|")
        results = {}
        for percent in (1, 5, 10):
            new = copy.deepcopy(old)
            step = 100 // percent
            for i in range(0, len(new), step):
                change(new[i], i)
            write(new, root / f"new-{percent}")
            results[percent] = scenario(
                f"{percent} % changed", root / "old", root / f"new-{percent}", args.repeat,
                len(range(0, len(new), step)),
            )  # fmt: skip
        bigger = old + make_set(base, args.objects, start=args.objects)
        write(bigger, root / "new-20k")
        scenario(f"{args.objects:,} added", root / "old", root / "new-20k", args.repeat,
                 args.objects)  # fmt: skip
        print(f"\ndiff CPU 10 % / 1 %: {results[10] / results[1]:.1f}× for 10× the changes")


if __name__ == "__main__":
    main()
