"""Generate the bundled schemas (`schemas/kubernetes/`) from upstream Kubernetes OpenAPI data.

Input: the JSON schema definitions that the PyPI wheel `kubernetes-validate` ships, one
directory per Kubernetes minor (`kubernetes-json-schema/v1.32.0-local/_definitions.json`,
generated upstream from the Kubernetes OpenAPI spec). Output, per minor, one gzipped JSON file:

    {"kubernetes": "1.32", "source": "...", "kinds": {"apps/v1:Deployment": "<definition>"},
     "definitions": {"<definition>": <schema>, ...}}

What the build changes, and why:
- descriptions are dropped (size); everything else, including every `x-kubernetes-*`
  extension (list types, list-map keys, patch merge keys, ...), is kept for later stages;
- IntOrString and Quantity become a single `type` list instead of a `oneOf` whose branches both
  accept null (which made `null` fail the `oneOf`); IntOrString is tagged
  `x-kubernetes-int-or-string: true` and Quantity `format: quantity`, as in CRD schemas.
The deprecation table `schemas/src/deprecations.yaml` (curated upstream facts) is copied to
`deprecations.json`. Output is deterministic: sorted keys, gzip without timestamps.

Run: `kubelint schemas build [--source DIR] [--out DIR]` (needs `pip install kubernetes-validate`
only at build time; kubelint never reads the network or that package at run time).
"""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from typing import Any

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_DIR = re.compile(r"v(1\.\d+)\.0-local\Z")


def default_source() -> Path:
    import kubernetes_validate  # build-time only dependency

    return Path(os.path.dirname(kubernetes_validate.__file__)) / "kubernetes-json-schema"


def build(source: Path, out: Path, deprecations: Path | None = None) -> list[str]:
    """Write one bundle per Kubernetes minor found in `source`; returns the versions written."""
    out.mkdir(parents=True, exist_ok=True)
    versions = []
    served: dict[str, list[str]] = {}
    origin = _origin(source)
    for entry in sorted(os.listdir(source), key=_version_key):
        match = _DIR.match(entry)
        if not match:
            continue
        version = match.group(1)
        with open(source / entry / "_definitions.json", encoding="utf-8") as fh:
            raw = json.load(fh)["$defs"]
        bundle = {
            "kubernetes": version,
            "source": f"{origin} {entry}/_definitions.json",
            "kinds": _kinds(raw),
            "definitions": {name: _clean(name, body) for name, body in raw.items()},
        }
        _write_gz(out / f"v{version}.json.gz", bundle)
        versions.append(version)
        for key in bundle["kinds"]:
            served.setdefault(key, []).append(version)
    index = {
        "versions": versions,
        "default": versions[-1],
        # first and last bundled version serving each apiVersion:Kind
        "served": {key: [vs[0], vs[-1]] for key, vs in sorted(served.items())},
    }
    (out / "index.json").write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")
    if deprecations is not None:
        _write_deprecations(deprecations, out / "deprecations.json")
    return versions


def _origin(source: Path) -> str:
    try:
        from importlib.metadata import version

        return f"kubernetes-validate {version('kubernetes-validate')}"
    except Exception:  # pragma: no cover - only the label of the provenance string
        return f"{source}"


def _version_key(name: str) -> tuple[int, ...]:
    match = _DIR.match(name)
    return tuple(int(p) for p in match.group(1).split(".")) if match else (0,)


def _kinds(defs: dict[str, Any]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for name, body in sorted(defs.items()):
        for gvk in body.get("x-kubernetes-group-version-kind", ()):
            group, version, kind = gvk["group"], gvk["version"], gvk["kind"]
            api_version = f"{group}/{version}" if group else version
            key = f"{api_version}:{kind}"
            # meta types (DeleteOptions, WatchEvent) list every group: keep the real owner
            if key not in kinds or not name.startswith("io.k8s.apimachinery."):
                kinds[key] = name
    return dict(sorted(kinds.items()))


def _clean(name: str, body: dict[str, Any]) -> dict[str, Any]:
    if name == INT_OR_STRING:
        return {"type": ["integer", "string", "null"], "x-kubernetes-int-or-string": True}
    if name == QUANTITY:
        return {"type": ["string", "number", "null"], "format": "quantity"}
    return _strip(body)


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: (_strip(value) if key not in ("properties", "enum") else _strip_props(value))
            for key, value in node.items()
            if key not in ("description", "x-kubernetes-group-version-kind", "$schema", "$id")
        }
    if isinstance(node, list):
        return [_strip(item) for item in node]
    return node


def _strip_props(value: Any) -> Any:
    if isinstance(value, dict):  # property names may be "description": keep every name
        return {key: _strip(sub) for key, sub in value.items()}
    return value


def _write_gz(path: Path, data: Any) -> None:
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")
    path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))


def _write_deprecations(src: Path, dst: Path) -> None:
    import yaml

    with open(src, encoding="utf-8") as fh:
        table = yaml.safe_load(fh)
    rows = sorted(table["apis"], key=lambda r: (r["apiVersion"], r["kind"]))
    dst.write_text(json.dumps({"apis": rows}, indent=1, sort_keys=True) + "\n")
