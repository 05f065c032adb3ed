"""YAML text → plain Python documents, fast, with positions available on demand.

The fast path composes with libyaml (PyYAML's C parser) and builds plain data with a small
constructor that applies Kubernetes' scalar rules (`scalars.py`), detects duplicate keys, and
bounds depth and alias expansion. Files libyaml rejects are composed again by ruamel.yaml,
which accepts a few valid inputs libyaml does not. Nothing but plain dicts, lists, strings,
numbers, booleans and None leaves this module, and no YAML tag ever constructs an object.

Positions are not kept: `YamlText.locate` composes the text again (C speed) the first time a
finding needs a line number, and walks the node tree along the JSON path.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterator
from typing import Any, NamedTuple

import yaml
from yaml._yaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kubelint.load.construct import (
    INTERESTING_START,
    MAP,
    PLAIN,
    SEQ,
    STR,
    Constructor,
    LimitExceeded,
    key_text,
)
from kubelint.load.limits import Limits
from kubelint.model import JsonPath, Location

_DOC_START = re.compile(r"^---(?=[ \t\r\n]|\Z)", re.MULTILINE)


class _Composer(CParser):
    """libyaml composer that leaves plain scalars unresolved (tag PLAIN)."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return PLAIN if implicit[0] else STR
        return SEQ if kind is SequenceNode else MAP

    def descend_resolver(self, parent: Any, index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


class Problem(NamedTuple):
    """Something wrong in the text: a finding without a source file yet."""

    name: str
    line: int
    column: int
    message: str
    document: int | None = None
    path: JsonPath = ()
    hint: str | None = None


class RawDocument(NamedTuple):
    """A parsed document: its value, index in the file, first line, and where to find its node
    again (chunk -1 is the whole text; ordinal is its position within the chunk)."""

    value: Any
    index: int
    line: int
    chunk: int
    ordinal: int
    wide_ints: bool | None = None  # holds an int outside int32 (None: not known)


class ParseResult:
    __slots__ = ("documents", "empty_documents", "problems")

    def __init__(
        self,
        documents: list[RawDocument] | None = None,
        problems: list[Problem] | None = None,
        empty_documents: int = 0,
    ) -> None:
        self.documents = documents if documents is not None else []
        self.problems = problems if problems is not None else []
        self.empty_documents = empty_documents


def split_chunks(text: str) -> list[tuple[int, int, str]]:
    """Split text at `---` document markers: (char offset, line offset, chunk text)."""
    starts = [_before_directives(text, m.start()) for m in _DOC_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    chunks = []
    line = 0
    previous = 0
    for i, start in enumerate(starts):
        line += text.count("\n", previous, start)
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        chunks.append((start, line, text[start:end]))
        previous = start
    return chunks


def has_alias(text: str) -> bool:
    """Whether the text may hold a YAML alias (`*name` after a space, `[`, `{` or `,`)."""
    at = text.find("*")
    while at != -1:
        if (at == 0 or text[at - 1] in " \t\n[{,") and text[at + 1 : at + 2] not in _ALIAS_END:
            return True
        at = text.find("*", at + 1)
    return False


_ALIAS_END = frozenset(("", " ", "\t", "\r", "\n", "]", "}", ","))


def _before_directives(text: str, start: int) -> int:
    """Move a document start back over the %YAML/%TAG directive lines that belong to it."""
    while start > 0:
        previous = text.rfind("\n", 0, start - 1) + 1
        if not text.startswith("%", previous):
            break
        start = previous
    return start


def _utf8_size(text: str) -> int:
    """Size in UTF-8 bytes, without encoding texts too small to matter."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


class YamlText:
    """One YAML or JSON text: parses it, and later locates paths inside its documents."""

    def __init__(self, text: str, limits: Limits) -> None:
        self.text = text
        self.limits = limits
        self._chunks: list[tuple[int, int, str]] | None = None
        # what the constructor must watch for, found by `parse` (a text only located in, as
        # one shipped back from a worker, never needs it)
        self._aliases = self._tags = self._escapes = True
        self._nodes: dict[int, list[Node]] = {}
        self._cursor: _NodeCursor | None = None
        self.landmarks: dict[tuple[int, int], Landmarks] = {}  # (chunk, ordinal) → positions

    def release(self, landmarks: bool = False) -> None:
        """Drop the node trees kept for locating (they are composed again if needed); with
        `landmarks`, first note the positions of each document's first two levels, where
        most findings about whole objects point (metadata.name, spec.selector)."""
        if landmarks:
            for chunk, nodes in self._nodes.items():
                for ordinal, node in enumerate(nodes):
                    marks = _landmarks(node, self._line_offset(chunk))
                    if marks is not None:
                        self.landmarks[(chunk, ordinal)] = marks
        self._nodes.clear()
        self._cursor = None

    def __getstate__(self) -> tuple[str, Limits]:
        return self.text, self.limits  # node caches are rebuilt on demand

    def __setstate__(self, state: tuple[str, Limits]) -> None:
        self.__init__(*state)

    # -- parsing ---------------------------------------------------------------------------
    def parse(self) -> ParseResult:
        """Parse every document. One libyaml pass over the whole text is the fast path; a file
        with an oversized document or a syntax error is parsed again document by document, so
        that one bad document does not hide the others."""
        text = self.text
        self._aliases = has_alias(text)
        self._tags = "!" in text
        self._escapes = "\\u" in text or "\\U" in text
        if _utf8_size(text) <= self.limits.max_document_bytes:
            result = ParseResult()
            if self._parse_stream(result, text, 0, 0, chunk=-1, fallback=False):
                return result
        return self._parse_chunks()

    def _parse_chunks(self) -> ParseResult:
        result = ParseResult()
        index = 0
        for i, (_, line, chunk) in enumerate(self._get_chunks()):
            size = _utf8_size(chunk)
            if size > self.limits.max_document_bytes:
                result.problems.append(
                    Problem(
                        "too-large",
                        line + 1,
                        1,
                        f"document is {size:,} bytes, over the {self.limits.max_document_bytes:,}"
                        "-byte limit (the apiserver's request limit is 3 MiB); "
                        "use --max-document-size to raise it",
                        index,
                    )
                )
                index += 1
                continue
            before = len(result.documents) + result.empty_documents
            ok = self._parse_stream(result, chunk, line, index, chunk=i, fallback=True)
            seen = len(result.documents) + result.empty_documents - before
            index += seen if ok else seen + 1
        return result

    def _get_chunks(self) -> list[tuple[int, int, str]]:
        if self._chunks is None:
            self._chunks = split_chunks(self.text)
        return self._chunks

    def _parse_stream(
        self,
        result: ParseResult,
        text: str,
        line_offset: int,
        index: int,
        chunk: int,
        fallback: bool,
    ) -> bool:
        """Parse all documents of `text` into result; False on a syntax error.

        With `fallback`, a text libyaml rejects is composed by ruamel.yaml before giving up
        (only done per document, since the pure-Python parser is slow on large texts).
        """
        ordinal = 0
        kept = len(result.documents), len(result.problems), result.empty_documents
        keep: list[Node] | None = [] if len(text) <= self.limits.keep_nodes_bytes else None
        try:
            for node in _compose_all(text):
                self._add_document(result, node, line_offset, index + ordinal, chunk, ordinal)
                ordinal += 1
                if keep is not None:
                    keep.append(node)
        except yaml.YAMLError as libyaml_error:
            if not fallback:
                return False
            ruamel_nodes = (
                _ruamel_compose(text) if _worth_a_second_opinion(text, libyaml_error) else None
            )
            if ruamel_nodes is not None:
                del result.documents[kept[0] :]
                del result.problems[kept[1] :]
                result.empty_documents = kept[2]
                for ordinal, node in enumerate(ruamel_nodes):
                    self._add_document(result, node, line_offset, index + ordinal, chunk, ordinal)
                self._nodes[chunk] = ruamel_nodes
                return True
            result.problems.append(
                _syntax_problem(libyaml_error, text, line_offset, index + ordinal)
            )
            return False
        if keep is not None:
            self._nodes[chunk] = keep
        return True

    def _add_document(
        self,
        result: ParseResult,
        node: Node | None,
        line_offset: int,
        index: int,
        chunk: int,
        ordinal: int,
    ) -> None:
        if node is None or (node.__class__ is ScalarNode and node.value == "" and _is_plain(node)):
            result.empty_documents += 1
            return
        constructor = Constructor(
            self.limits, aliases=self._aliases, tags=self._tags, escapes=self._escapes
        )
        try:
            value = constructor.build(node)
        except LimitExceeded as exc:
            mark = exc.node.start_mark
            result.problems.append(
                Problem(exc.name, mark.line + 1 + line_offset, mark.column + 1, exc.message, index)
            )
            return
        except RecursionError:
            mark = node.start_mark
            result.problems.append(
                Problem(
                    "too-deep",
                    mark.line + 1 + line_offset,
                    mark.column + 1,
                    "nesting is too deep to process",
                    index,
                )
            )
            return
        templated = None
        for p in constructor.problems:
            hint = p.hint
            if p.name == "yaml-syntax" and hint is None:
                templated = looks_templated(self.text) if templated is None else templated
                hint = TEMPLATE_HINT if templated else None
            mark = p.node.start_mark
            result.problems.append(
                Problem(
                    p.name,
                    mark.line + 1 + line_offset,
                    mark.column + 1,
                    p.message,
                    index,
                    p.path,
                    hint,
                )
            )
        if any(p.name == "yaml-syntax" for p in constructor.problems):
            return  # sigs.k8s.io/yaml fails on this document: nothing to validate
        line = node.start_mark.line + 1 + line_offset
        result.documents.append(
            RawDocument(value, index, line, chunk, ordinal, constructor.wide_ints)
        )

    # -- positions -------------------------------------------------------------------------
    def locate(self, doc: RawDocument, path: JsonPath, at_key: bool) -> Location:
        nodes = self._nodes.get(doc.chunk)  # kept: ruamel.yaml's, or Limits.keep_nodes_bytes
        if nodes is None and len(path) <= 2 and (doc.chunk, doc.ordinal) in self.landmarks:
            found = _from_landmarks(self.landmarks[(doc.chunk, doc.ordinal)], path, at_key)
            if found is not None:
                return found
        line_offset = self._line_offset(doc.chunk)
        if nodes is not None:
            node = nodes[doc.ordinal] if doc.ordinal < len(nodes) else None
        else:
            if self._cursor is None or self._cursor.chunk != doc.chunk:
                text = self.text if doc.chunk < 0 else self._get_chunks()[doc.chunk][2]
                self._cursor = _NodeCursor(text, doc.chunk)
            node = self._cursor.get(doc.ordinal)
        if node is None:
            return Location(doc.line, 1)
        mark = _walk(node, path, at_key)
        return Location(mark.line + 1 + line_offset, mark.column + 1)

    def _line_offset(self, chunk: int) -> int:
        return self._get_chunks()[chunk][1] if chunk >= 0 else 0


Landmarks = tuple[int, int, dict[str, tuple[int, int, int, int, Any]]]
"""A document's root line and column, and for each key of its root mapping: the key's line and
column, the value's, and the value's own children: a mapping's {key: (key line, key column,
value line, value column)}, a sequence's [(line, column)] per item, None for a scalar, or False
when not noted (see `_NOTED`). 1-based; flat tuples, as every document of a large input gets
its landmarks."""

_NOTED = frozenset(("metadata", "spec"))
"""The root keys whose children are noted: where findings about whole objects point
(metadata.name, spec.selector, spec.replicas). Other two-step paths are found by composing
the document again."""


def _landmarks(node: Any, line_offset: int) -> Landmarks | None:
    """The landmarks of a document whose root and noted children hold no merge key (None
    otherwise: `_walk` resolves those)."""
    top = _pairs(node)
    if top is None:
        return None
    first = line_offset + 1
    table: dict[str, tuple[int, int, int, int, Any]] = {}
    for key, (key_node, value_node) in top.items():
        cls = value_node.__class__
        children: Any = None  # a scalar's
        if cls is MappingNode or cls is SequenceNode:
            if key not in _NOTED:
                children = False
            elif cls is MappingNode:
                pairs = _pairs(value_node)
                if pairs is None:
                    return None
                children = {}
                for name, (k, v) in pairs.items():
                    km, vm = k.start_mark, v.start_mark
                    children[name] = (
                        km.line + first,
                        km.column + 1,
                        vm.line + first,
                        vm.column + 1,
                    )
            else:
                marks = [item.start_mark for item in value_node.value]
                children = [(m.line + first, m.column + 1) for m in marks]
        km, vm = key_node.start_mark, value_node.start_mark
        table[key] = (km.line + first, km.column + 1, vm.line + first, vm.column + 1, children)
    mark = node.start_mark
    return mark.line + first, mark.column + 1, table


def _pairs(node: Any) -> dict[str, tuple[Any, Any]] | None:
    """A mapping node's pairs by every spelling `_find_key` matches (first one wins); None for
    other nodes and for mappings with a merge key."""
    if node.__class__ is not MappingNode:
        return None
    pairs: dict[str, tuple[Any, Any]] = {}
    for pair in node.value:
        key_node = pair[0]
        if key_node.__class__ is not ScalarNode:
            continue
        raw = key_node.value
        if raw == "<<":
            return None
        if raw not in pairs:
            pairs[raw] = pair
        # a plain key may be spelled otherwise in JSON (`yes` → "true"); not one such as `name`
        if (not raw or raw[0] in INTERESTING_START) and key_node.style in (None, ""):
            pairs.setdefault(_plain_key_text(raw), pair)
    return pairs


@functools.lru_cache(maxsize=4096)
def _plain_key_text(raw: str) -> str:
    """key_text of a plain scalar key (keys repeat in every document)."""
    return key_text(ScalarNode(PLAIN, raw))


def _from_landmarks(marks: Landmarks, path: JsonPath, at_key: bool) -> Location | None:
    """What `_walk` finds for a path of up to two steps; None when the landmarks did not note
    the second step."""
    line, column, table = marks
    if not path:
        return Location(line, column)
    entry = table.get(path[0]) if isinstance(path[0], str) else None
    if entry is None:
        return Location(line, column)
    key_line, key_column, line, column, children = entry
    if len(path) == 1:
        return Location(key_line, key_column) if at_key else Location(line, column)
    if children is False:
        return None
    step = path[1]
    if isinstance(children, dict) and isinstance(step, str) and step in children:
        child = children[step]
        return Location(*child[:2]) if at_key else Location(*child[2:])
    if isinstance(children, list) and isinstance(step, int) and 0 <= step < len(children):
        return Location(*children[step])
    return Location(line, column)


class _NodeCursor:
    """The document nodes of one text, composed again on demand and held one at a time.

    Findings are located document by document, in order, so this composes each document once
    and keeps memory to the largest document's node tree, not the whole file's.
    """

    def __init__(self, text: str, chunk: int) -> None:
        self.text = text
        self.chunk = chunk
        self._nodes: Iterator[Node] | None = None
        self._ordinal = -1
        self._node: Any = None
        self._fallback: list[Any] | None = None

    def get(self, ordinal: int) -> Any:
        if self._fallback is not None:
            return self._fallback[ordinal] if ordinal < len(self._fallback) else None
        if ordinal == self._ordinal:
            return self._node
        if self._nodes is None or ordinal < self._ordinal:
            self._nodes, self._ordinal, self._node = _compose_all(self.text), -1, None
        try:
            while self._ordinal < ordinal:
                self._node = next(self._nodes)
                self._ordinal += 1
        except StopIteration:
            return None
        except yaml.YAMLError:
            self._fallback = _ruamel_compose(self.text) or []
            return self.get(ordinal)
        return self._node


def _is_plain(node: Any) -> bool:
    return getattr(node, "style", None) in (None, "")


def _compose_all(text: str) -> Iterator[Node]:
    loader = _Composer(text)
    try:
        while loader.check_node():
            yield loader.get_node()
    finally:
        loader.dispose()


RUAMEL_FALLBACK_CHARS = 4 * 1024
"""Larger documents that libyaml rejects are reported without a second opinion (ruamel.yaml is
pure Python and slow on broken input), unless libyaml's complaint is one it is known to make
about valid YAML: a ':' inside a flow collection, as in `[001:db8::]`."""
RUAMEL_KNOWN_CHARS = 64 * 1024


def _worth_a_second_opinion(text: str, error: yaml.YAMLError) -> bool:
    if len(text) <= RUAMEL_FALLBACK_CHARS:
        return True
    return len(text) <= RUAMEL_KNOWN_CHARS and "found unexpected ':'" in str(error)


def _ruamel_compose(text: str) -> list[Any] | None:
    """Compose with ruamel.yaml (imported only when libyaml failed); None if it fails too."""
    from ruamel.yaml import YAML

    from kubelint.load import ruamel_nodes

    try:
        with warnings.catch_warnings():  # e.g. ReusedAnchorWarning: not the user's business here
            warnings.simplefilter("ignore")
            nodes = list(YAML(typ="safe", pure=True).compose_all(text))
    except Exception:  # RuamelError, RecursionError, and its internal asserts (%YAML 1.3)
        return None
    return [ruamel_nodes.convert(n) for n in nodes if n is not None]


TEMPLATE_HINT = "this looks like a template: render it first (helm template, kustomize build)"


def looks_templated(text: str) -> bool:
    """Go/Helm or Jinja template markup anywhere in the text."""
    return "{{" in text or "{%" in text


def _syntax_problem(exc: yaml.YAMLError, text: str, line_offset: int, index: int) -> Problem:
    context = getattr(exc, "context", None)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if context == "while scanning a simple key" and getattr(exc, "context_mark", None):
        mark = exc.context_mark  # the line that lacks its ':' rather than the line after it
    line = (mark.line if mark else 0) + 1
    column = (mark.column if mark else 0) + 1
    problem = getattr(exc, "problem", None) or str(exc)
    message = f"{context}: {problem}" if context else str(problem)
    hint = None
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in source_line[: max(column, 1)] or "'\\t'" in message:
        hint = "YAML forbids tabs for indentation: indent with spaces"
    elif looks_templated(text):
        hint = TEMPLATE_HINT
    if "maximum nesting depth" in message:
        return Problem(
            "too-deep",
            line + line_offset,
            column,
            "nesting is deeper than the YAML parser allows (1000 levels)",
            index,
        )
    return Problem("yaml-syntax", line + line_offset, column, message, index, (), hint)


def _walk(node: Any, path: JsonPath, at_key: bool) -> Any:
    """The mark of the deepest node along `path` (the key's mark when at_key is set)."""
    mark = node.start_mark
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        kind = node.__class__.__name__
        if kind == "MappingNode" and isinstance(part, str):
            pair = _find_key(node, part)
            if pair is None:
                return mark
            key_node, node = pair
            mark = key_node.start_mark if (last and at_key) else node.start_mark
        elif kind == "SequenceNode" and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            return mark
    return mark


def _find_key(node: Any, key: str) -> tuple[Any, Any] | None:
    merged = None
    for key_node, value_node in node.value:
        if key_node.__class__.__name__ != "ScalarNode":
            continue
        raw = key_node.value
        if raw == "<<":
            merged = merged or []
            merged.extend(
                value_node.value
                if value_node.__class__.__name__ == "SequenceNode"
                else [value_node]
            )
            continue
        if raw == key:
            return key_node, value_node
        # only a plain key may be spelled otherwise (`yes` is "true"), and not one such as `name`
        if (
            (not raw or raw[0] in INTERESTING_START)
            and key_node.style in (None, "")
            and _plain_key_text(raw) == key
        ):
            return key_node, value_node
    for source in merged or ():
        if source.__class__.__name__ == "MappingNode":
            found = _find_key(source, key)
            if found is not None:
                return found
    return None
