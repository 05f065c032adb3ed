"""Split one check across N processes or CI jobs: `kubelint check --shard K/N`.

A file belongs to shard `crc32(path as given) % N + 1`, so every job of a CI matrix computes
the same split without talking to the others; `kubelint merge` joins their JSON reports.
What a shard sees: all findings about its own files. What crosses shards: every
CustomResourceDefinition of the whole input is registered in every shard (files that mention
`CustomResourceDefinition` are pre-read for that), so custom resources validate exactly as in
one run. Anything else that compares objects with each other sees only the shard's files.
"""

from __future__ import annotations

import os
import stat
import zlib
from collections.abc import Iterable
from typing import Any

from kubelint.load import InputFile, load_bytes
from kubelint.load.limits import Limits
from kubelint.schema import crd

Shard = tuple[int, int]
"""(K, N): the K-th of N shards, 1-based."""


def parse_shard(text: str) -> Shard:
    """'2/4' → (2, 4); raises ValueError with a usable message otherwise."""
    k, sep, n = text.partition("/")
    if not sep or not k.strip().isdigit() or not n.strip().isdigit():
        raise ValueError(f"{text!r} is not K/N, e.g. 2/4")
    index, count = int(k), int(n)
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"{text!r}: K must be between 1 and N")
    return index, count


def owner(name: str, count: int) -> int:
    """The 1-based shard a path belongs to."""
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % count + 1


def split(files: Iterable[InputFile], shard: Shard) -> tuple[list[InputFile], list[InputFile]]:
    """(this shard's files, the other shards' files)."""
    mine: list[InputFile] = []
    others: list[InputFile] = []
    for item in files:
        (mine if owner(item.name, shard[1]) == shard[0] else others).append(item)
    return mine, others


def foreign_crds(files: Iterable[InputFile], limits: Limits) -> list[dict[str, Any]]:
    """CRD bodies from other shards' files (only files whose bytes mention a CRD are parsed)."""
    bodies: list[dict[str, Any]] = []
    for item in files:
        try:  # only regular files within the size limit; their own shard reports the others
            st = os.stat(item.path)
            if not stat.S_ISREG(st.st_mode) or st.st_size > limits.max_file_bytes:
                continue
            with open(item.path, "rb") as fh:
                data = fh.read(limits.max_file_bytes + 1)
        except OSError:
            continue
        if b"CustomResourceDefinition" in data:  # parse only files that may hold a CRD
            loaded = load_bytes(data, item.name, limits, is_json=item.path.endswith(".json"))
            bodies.extend(crd.crd_bodies(loaded.documents))
    return bodies
