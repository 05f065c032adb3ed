"""Baselines: record today's findings, then report only new ones.

    kubelint lint k8s/ --write-baseline .kubelint-baseline.json
    kubelint lint k8s/ --baseline .kubelint-baseline.json

A finding is identified by its code, file, object (apiVersion, kind, namespace, name) and JSON
path, never by line or column, so edits elsewhere in a file do not resurface it. Findings without
object or path (YAML syntax errors, unreadable files) also use their message. The baseline is a
multiset: two identical findings recorded, three found → one is new.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable

from kubelint.model import Finding

FORMAT = "kubelint-baseline"
VERSION = 1


class BaselineError(Exception):
    pass


def fingerprint(f: Finding) -> str:
    ref = f.ref
    identity = [f.code, f.source]
    if ref is not None:
        identity += [ref.api_version, ref.kind, ref.namespace or "", ref.name]
    identity.append(f.path_text)
    if ref is None and not f.path:
        identity.append(f.message)
    return hashlib.sha256("\x00".join(identity).encode("utf-8", "replace")).hexdigest()[:24]


class Baseline:
    def __init__(self, counts: Counter[str]) -> None:
        self.counts = counts

    def filter(self, findings: Iterable[Finding]) -> tuple[list[Finding], int]:
        """(new findings, number hidden). Findings are matched in sorted order, so which of
        several identical findings counts as new is deterministic."""
        left = Counter(self.counts)
        kept: list[Finding] = []
        hidden = 0
        for f in sorted(findings, key=Finding.sort_key):
            key = fingerprint(f)
            if left[key] > 0:
                left[key] -= 1
                hidden += 1
            else:
                kept.append(f)
        return kept, hidden


def load(path: str) -> Baseline:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise BaselineError(f"baseline {path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"baseline {path}: not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BaselineError(f"baseline {path}: not a kubelint baseline (no format: {FORMAT})")
    if data.get("version") != VERSION:
        raise BaselineError(f"baseline {path}: unsupported version {data.get('version')!r}")
    counts: Counter[str] = Counter()
    for entry in data.get("findings", []):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise BaselineError(f"baseline {path}: malformed entry {entry!r}")
        counts[entry["fingerprint"]] += int(entry.get("count", 1))
    return Baseline(counts)


def write(path: str, findings: Iterable[Finding]) -> int:
    """Write every finding (a readable summary beside each fingerprint); returns the count."""
    entries: dict[str, dict[str, object]] = {}
    total = 0
    for f in findings:
        key = fingerprint(f)
        entry = entries.get(key)
        if entry is None:
            entries[key] = {
                "fingerprint": key,
                "code": f.code,
                "rule": f.name,
                "file": f.source,
                "object": str(f.ref) if f.ref else None,
                "path": f.path_text,
                "count": 1,
            }
        else:
            entry["count"] = int(entry["count"]) + 1  # type: ignore[call-overload]
        total += 1
    rows = sorted(entries.values(), key=lambda e: (e["file"], e["code"], e["fingerprint"]))
    data = {"format": FORMAT, "version": VERSION, "findings": rows}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True)
        fh.write("\n")
    return total
