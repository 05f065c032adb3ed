"""Where the time goes: `kubelint check` split into stages, one process, on one file set.

    python bench/profile_stages.py [PATH ...]     (default: bench/.work/big)

Stages: read+decode, compose (libyaml), construct (Kubernetes scalar rules, limits), schema
resolve + compile (once per kind), validate (compiled verdict), errors (jsonschema package, only
for invalid objects), positions (only for findings), and the import cost of a cold process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from kubelint.load import discover  # noqa: E402
from kubelint.load.construct import Constructor  # noqa: E402
from kubelint.load.decode import decode  # noqa: E402
from kubelint.load.limits import Limits  # noqa: E402
from kubelint.load.parse import YamlText, _compose_all, has_alias  # noqa: E402
from kubelint.model import Document, object_ref  # noqa: E402
from kubelint.schema.registry import SchemaRegistry  # noqa: E402
from kubelint.validate import Checker  # noqa: E402


def profile(paths: list[str], version: str) -> dict[str, float]:
    times: dict[str, float] = defaultdict(float)
    clock = time.perf_counter
    limits = Limits()
    registry = SchemaRegistry(version)
    checker = Checker(registry)
    objects = 0
    for item in discover(paths).files:
        t0 = clock()
        with open(item.path, "rb") as fh:
            text = decode(fh.read()).text or ""
        t1 = clock()
        try:
            nodes = list(_compose_all(text))
        except yaml.YAMLError:  # libyaml rejects it: the real loader retries per document
            times["files libyaml rejects (skipped here)"] += 0
            continue
        t2 = clock()
        aliases = has_alias(text)
        bodies = [Constructor(limits, aliases, "!" in text).build(n) for n in nodes if n]
        t3 = clock()
        times["read+decode"] += t1 - t0
        times["compose (libyaml)"] += t2 - t1
        times["construct"] += t3 - t2
        for body in bodies:
            if not isinstance(body, dict) or "apiVersion" not in body or "kind" not in body:
                continue
            objects += 1
            t4 = clock()
            res = registry.resolve(body["apiVersion"], body["kind"])
            compiled = registry.validator(res.schema_key) if res.schema_key else None
            t5 = clock()
            valid = compiled.is_valid(body) if compiled else True
            t6 = clock()
            times["resolve + compile"] += t5 - t4
            times["validate (verdict)"] += t6 - t5
            if not valid:
                yaml_text = YamlText(text, limits)
                raw = next(r for r in yaml_text.parse().documents if r.value == body)

                def locator(path, at_key, raw=raw, yaml_text=yaml_text):
                    return yaml_text.locate(raw, path, at_key)

                doc = Document(body, item.name, 0, 1, object_ref(body), (), locator)
                t7 = clock()
                checker.check(doc)
                times["errors: jsonschema + messages + positions"] += clock() - t7
    times["objects"] = objects
    return dict(times)


def import_cost() -> float:
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "import kubelint.cli.main, kubelint.pipeline"],
            check=True,
            cwd=ROOT,
        )
        best = min(best, time.perf_counter() - t0)
    bare = min(_timed([sys.executable, "-c", "pass"]) for _ in range(5))
    return best - bare


def _timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "bench" / ".work" / "big")])
    parser.add_argument("-k", "--kubernetes-version", default="1.32")
    args = parser.parse_args()
    times = profile(args.paths, args.kubernetes_version)
    objects = int(times.pop("objects"))
    total = sum(times.values())
    print(
        f"{objects:,} objects, {total:.2f} s in measured stages "
        f"({objects / total:,.0f} objects/s, one process)"
    )
    print("| stage | seconds | share |\n|---|---:|---:|")
    for stage, seconds in times.items():
        print(f"| {stage} | {seconds:.3f} | {seconds / total:.0%} |")
    print(f"| import (cold process, beyond bare python) | {import_cost():.3f} | |")


if __name__ == "__main__":
    main()
