#!/usr/bin/env python3
"""Cross-check schemas/src/deprecations.yaml against shipped Kubernetes schemas.

For every Kubernetes minor version N in a range (default 1.25..1.37) this loads
the per-version OpenAPI-derived JSON schemas shipped in the kubernetes-validate
wheel (kubernetes-json-schema/v1.N.0-local/_definitions.json) and collects the
group/version/kind triples named by ``x-kubernetes-group-version-kind``.
It then reports:

  1. table entries whose ``removed`` is <= N but whose GVK is still in N's schemas;
  2. GVKs present in N but absent in N+1 that have no table entry;
  3. GVKs present in N but absent in N+1 whose table entry gives a ``removed``
     other than N+1 (informational: alpha versions can drop out of the
     OpenAPI document before their tagged removal);
  4. table entries with ``removed: null`` whose GVK is absent from the newest
     schema version although it appears in an earlier one.

List kinds are folded into their item kind; the per-group-version meta kinds
(DeleteOptions, WatchEvent, Status, ...) are ignored.

Exit status is 1 when categories 1 or 2 report anything, else 0.
Only the standard library and PyYAML are used.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

import yaml

META_KINDS = {
    "DeleteOptions",
    "WatchEvent",
    "Status",
    "ListOptions",
    "GetOptions",
    "CreateOptions",
    "PatchOptions",
    "UpdateOptions",
    "ExportOptions",
    "APIGroup",
    "APIGroupList",
    "APIResourceList",
    "APIVersions",
}

REQUIRED_KEYS = {"apiVersion", "kind", "deprecated", "removed", "replacement"}
OPTIONAL_KEYS = {"replacementKind", "note"}

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TABLE = REPO_ROOT / "schemas" / "src" / "deprecations.yaml"


def default_schema_root() -> Path | None:
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"


def api_version(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


def load_gvks(schema_root: Path, minor: int) -> set[tuple[str, str]] | None:
    """Return {(apiVersion, kind)} for Kubernetes 1.<minor>, or None if absent."""
    path = schema_root / f"v1.{minor}.0-local" / "_definitions.json"
    if not path.is_file():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    defs = doc.get("$defs") or doc.get("definitions") or {}
    out: set[tuple[str, str]] = set()
    for body in defs.values():
        if not isinstance(body, dict):
            continue
        for gvk in body.get("x-kubernetes-group-version-kind") or []:
            kind = gvk.get("kind", "")
            if kind in META_KINDS:
                continue
            if kind.endswith("List") and len(kind) > 4:
                kind = kind[:-4]
            out.add((api_version(gvk.get("group", ""), gvk.get("version", "")), kind))
    return out


def minor_of(value: object) -> int | None:
    if value is None:
        return None
    major, _, minor = str(value).partition(".")
    if major != "1" or not minor.isdigit():
        raise ValueError(f"bad version {value!r}")
    return int(minor)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", type=Path, default=DEFAULT_TABLE)
    ap.add_argument(
        "--schemas",
        type=Path,
        default=None,
        help="kubernetes-json-schema directory (default: from the installed kubernetes_validate)",
    )
    ap.add_argument("--first", type=int, default=25, help="first minor version (default 25)")
    ap.add_argument("--last", type=int, default=37, help="last minor version (default 37)")
    args = ap.parse_args(argv)

    schema_root = args.schemas or default_schema_root()
    if schema_root is None or not schema_root.is_dir():
        print("error: kubernetes-json-schema directory not found; pass --schemas", file=sys.stderr)
        return 2

    data = yaml.safe_load(args.table.read_text(encoding="utf-8"))
    entries = data["apis"]
    table: dict[tuple[str, str], dict] = {}
    problems = 0
    for i, e in enumerate(entries):
        missing = REQUIRED_KEYS - set(e)
        extra = set(e) - REQUIRED_KEYS - OPTIONAL_KEYS
        if missing or extra:
            print(
                f"table: entry #{i} ({e.get('apiVersion')} {e.get('kind')}): "
                f"missing keys {sorted(missing)}, unknown keys {sorted(extra)}"
            )
            problems += 1
            if not {"apiVersion", "kind"} <= set(e):
                continue
        key = (e["apiVersion"], e["kind"])
        if key in table:
            print(f"table: duplicate entry {key[0]} {key[1]}")
            problems += 1
        table[key] = e
        dep, rem = minor_of(e.get("deprecated")), minor_of(e.get("removed"))
        if dep is None:
            print(f"table: {key[0]} {key[1]} has no 'deprecated'")
            problems += 1
        elif rem is not None and rem < dep:
            print(
                f"table: {key[0]} {key[1]} removed {e['removed']} "
                f"before deprecated {e['deprecated']}"
            )
            problems += 1

    versions: dict[int, set[tuple[str, str]]] = {}
    for n in range(args.first, args.last + 1):
        gvks = load_gvks(schema_root, n)
        if gvks is None:
            print(f"note: no schemas for 1.{n}; skipped")
            continue
        versions[n] = gvks

    still_present: list[str] = []
    unlisted: list[str] = []
    mismatch: list[str] = []
    for n, gvks in versions.items():
        for key, e in sorted(table.items()):
            rem = minor_of(e.get("removed"))
            if rem is not None and rem <= n and key in gvks:
                still_present.append(
                    f"1.{n}: {key[0]} {key[1]} is marked removed in {e['removed']} "
                    f"but is in the 1.{n} schemas"
                )
        nxt = versions.get(n + 1)
        if nxt is None:
            continue
        for key in sorted(gvks - nxt):
            e = table.get(key)
            if e is None:
                unlisted.append(
                    f"1.{n}->1.{n + 1}: {key[0]} {key[1]} disappears but has no table entry"
                )
            elif minor_of(e.get("removed")) != n + 1:
                mismatch.append(
                    f"1.{n}->1.{n + 1}: {key[0]} {key[1]} disappears; "
                    f"table says removed {e.get('removed')}"
                )

    gone_but_null: list[str] = []
    if versions:
        newest = max(versions)
        seen_any = set().union(*versions.values())
        for key, e in sorted(table.items()):
            if e.get("removed") is None and key in seen_any and key not in versions[newest]:
                gone_but_null.append(
                    f"{key[0]} {key[1]}: removed is null but absent from the 1.{newest} schemas"
                )

    print(
        f"table: {len(table)} entries; schema versions checked: "
        + ", ".join(f"1.{n}" for n in versions)
    )
    sections = [
        ("1. removed but still present in schemas", still_present),
        ("2. disappearing GVKs without a table entry", unlisted),
        ("3. (info) disappearing GVKs whose table removal differs", mismatch),
        ("4. (info) removed: null but gone from the newest schemas", gone_but_null),
    ]
    for title, items in sections:
        print(f"{title}: {len(items) or 'none'}")
        for line in items:
            print(f"  {line}")
    return 1 if (problems or still_present or unlisted) else 0


if __name__ == "__main__":
    sys.exit(main())
