"""The schemas that ship with kubelint: one compressed bundle per Kubernetes minor version."""

from __future__ import annotations

import functools
import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_PACKAGED = Path(__file__).resolve().parent.parent / "_data" / "schemas"
_SOURCE_TREE = Path(__file__).resolve().parent.parent.parent / "schemas" / "kubernetes"


def data_dir() -> Path:
    """Where the bundles are: inside the installed wheel, or `schemas/` of a source checkout."""
    override = os.environ.get("KUBELINT_SCHEMA_DIR")
    if override:
        return Path(override)
    return _PACKAGED if (_PACKAGED / "index.json").exists() else _SOURCE_TREE


@functools.cache
def index() -> dict[str, Any]:
    with open(data_dir() / "index.json", encoding="utf-8") as fh:
        return json.load(fh)


def versions() -> list[str]:
    return list(index()["versions"])


def default_version() -> str:
    return str(index()["default"])


def normalise_version(text: str) -> str:
    """'1.32', 'v1.32', '1.32.4' → '1.32'; raises ValueError for versions not bundled."""
    cleaned = text.strip().lstrip("vV")
    parts = cleaned.split(".")
    if len(parts) < 2 or not all(p.isdigit() for p in parts[:2]):
        raise ValueError(f"{text!r} is not a Kubernetes version like 1.32")
    version = f"{int(parts[0])}.{int(parts[1])}"
    if version not in versions():
        raise ValueError(f"Kubernetes {version} is not bundled; available: {', '.join(versions())}")
    return version


def version_key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


@dataclass(frozen=True, slots=True)
class Bundle:
    version: str
    kinds: dict[str, str]
    """"apiVersion:Kind" → definition name."""
    definitions: dict[str, Any]


@functools.cache
def load_bundle(version: str) -> Bundle:
    with open(data_dir() / f"v{version}.json.gz", "rb") as fh:
        data = json.loads(gzip.decompress(fh.read()))
    return Bundle(data["kubernetes"], data["kinds"], data["definitions"])


@functools.cache
def deprecations() -> list[dict[str, Any]]:
    path = data_dir() / "deprecations.json"
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return list(json.load(fh)["apis"])
