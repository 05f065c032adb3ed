"""The schemas that ship with kubelint: one compressed bundle per Kubernetes minor version."""

from __future__ import annotations

import functools
import json
import os
import zlib
from typing import Any, NamedTuple

# (os.path, not pathlib, and zlib, not gzip: both keep a cold `kubelint check` fast)
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PACKAGED = os.path.join(_PACKAGE, "_data", "schemas")
_SOURCE_TREE = os.path.join(os.path.dirname(_PACKAGE), "schemas", "kubernetes")


@functools.cache
def data_dir() -> str:
    """Where the bundles are: inside the installed wheel, or `schemas/` of a source checkout."""
    override = os.environ.get("KUBELINT_SCHEMA_DIR")
    if override:
        return override
    return _PACKAGED if os.path.exists(os.path.join(_PACKAGED, "index.json")) else _SOURCE_TREE


def data_file(name: str) -> str:
    return os.path.join(data_dir(), name)


@functools.cache
def index() -> dict[str, Any]:
    with open(data_file("index.json"), encoding="utf-8") as fh:
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


class Bundle(NamedTuple):
    version: str
    kinds: dict[str, str]
    """"apiVersion:Kind" → definition name."""
    definitions: dict[str, Any]


@functools.cache
def load_bundle(version: str) -> Bundle:
    with open(data_file(f"v{version}.json.gz"), "rb") as fh:
        data = json.loads(zlib.decompress(fh.read(), wbits=16 + zlib.MAX_WBITS))
    return Bundle(data["kubernetes"], data["kinds"], data["definitions"])


@functools.cache
def deprecations() -> list[dict[str, Any]]:
    path = data_file("deprecations.json")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as fh:
        return list(json.load(fh)["apis"])
