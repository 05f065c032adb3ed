"""Positions noted before a file's node trees are released (`YamlText.release(landmarks=True)`)
agree with composing the text again, for every path of up to two steps of every corpus document
(keys and values, missing keys, indexes out of range)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kubelint.load.limits import Limits
from kubelint.load.parse import YamlText
from kubelint.model import JsonPath

KEEP = Limits(keep_nodes_bytes=1 << 30)


def _short_paths(value: Any) -> list[JsonPath]:
    paths: list[JsonPath] = [(), ("nope",), ("nope", "x"), (0,)]
    for key, child in value.items() if isinstance(value, dict) else ():
        paths += [(key,), (key, "nope"), (key, 0), (key, -1), (key, 10**6)]
        if isinstance(child, dict):
            paths += [(key, k) for k in child]
        elif isinstance(child, list):
            paths += [(key, i) for i in range(len(child))]
    return [p for p in paths if all(isinstance(s, int | str) for s in p)]


def _agree(text: str) -> tuple[int, int]:
    """(paths checked, documents with landmarks)."""
    noted, composed = YamlText(text, KEEP), YamlText(text, Limits())
    documents = noted.parse().documents
    noted.release(landmarks=True)
    checked = 0
    for doc in documents:
        for path in _short_paths(doc.value):
            for at_key in (False, True):
                expected = composed.locate(doc, path, at_key)
                assert noted.locate(doc, path, at_key) == expected, (doc.index, path, at_key)
                checked += 1
    return checked, len(noted.landmarks)


def test_corpus_landmarks_agree(corpus: str) -> None:
    files = [
        p for p in sorted(Path(corpus).rglob("*"))
        if p.suffix in (".yaml", ".yml", ".json") and p.is_file() and p.stat().st_size < 200_000
    ]  # fmt: skip
    assert len(files) > 300
    results = [_agree(p.read_text(encoding="utf-8", errors="replace")) for p in files]
    assert sum(checked for checked, _ in results) > 50_000
    assert sum(noted for _, noted in results) > 1_000


@pytest.mark.parametrize(
    "text",
    [
        "a: {b: 1, b: 2}\nc: [x, y]\n'd': 1\n? [k]\n: v\n",
        "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n",  # merge keys: composed again
        "<<: {a: 1}\nb: 2\n",
        "a: 1\n---\n- x\n- y\n---\nscalar\n",
        'k: !!str 1\n1: one\n"q": 2\n',
        "metadata: {name: a}\ndata:\n  <<: {x: 1}\n  y: 2\n",  # merge under an unnoted key
        'spec: {yes: 1, "true": 2, on: 3, ~: 4, 0x1: 5}\nmetadata: [a, b]\n',  # respellings
    ],
)
def test_edge_texts_agree(text: str) -> None:
    _agree(text)
