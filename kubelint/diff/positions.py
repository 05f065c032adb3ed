"""file:line:column of changed fields, paying only for the documents that changed.

`Document.locate` composes a file's YAML nodes from its start, so a change in the last document of
a 100-document file costs 100 documents. With the file's text at hand this re-reads only the
document's own `---` chunk (the loader's own splitter), shifted by the chunk's line offset; when
the chunk does not read back as the same object it falls back to `Document.locate`.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping

from kubelint.diff.model import Position
from kubelint.load import load_text
from kubelint.load.parse import split_chunks
from kubelint.model import Document, JsonPath, Location


class Locator:
    def __init__(self, texts: Mapping[str, str] | None = None) -> None:
        self.texts = texts or {}
        self._chunks: dict[str, tuple[list[int], list[tuple[int, int, str]]]] = {}
        self._found: dict[int, tuple[Document, int] | None] = {}

    def position(self, doc: Document | None, path: JsonPath | None) -> Position | None:
        if doc is None or path is None:
            return None
        if not path:  # the whole object (added or removed): where its document starts
            return Position(doc.source, doc.line, 1)
        at_key = bool(path) and isinstance(path[-1], str)
        own = self._chunk_document(doc)
        try:
            if own is not None:
                chunk_doc, offset = own
                where = chunk_doc.locate(path, at_key)
                where = Location(where.line + offset, where.column)
            else:
                where = doc.locate(path, at_key)
        except (LookupError, ValueError, TypeError):
            return Position(doc.source, doc.line, 1)
        return Position(doc.source, where.line, where.column)

    def _chunk_document(self, doc: Document) -> tuple[Document, int] | None:
        if id(doc) in self._found:
            return self._found[id(doc)]
        found = None
        text = self.texts.get(doc.source)
        if text is not None:
            starts, chunks = self._split(doc.source, text)
            at = bisect.bisect_right(starts, doc.line - 1) - 1
            if at >= 0:
                _, offset, chunk = chunks[at]
                loaded = load_text(chunk, doc.source)
                same = [
                    d
                    for d in loaded.documents
                    if d.base_path == doc.base_path and d.line + offset == doc.line
                ]
                if len(same) == 1 and same[0].body == doc.body:
                    found = (same[0], offset)
        self._found[id(doc)] = found
        return found

    def _split(self, source: str, text: str):
        cached = self._chunks.get(source)
        if cached is None:
            chunks = split_chunks(text)
            cached = self._chunks[source] = ([line for _, line, _ in chunks], chunks)
        return cached
