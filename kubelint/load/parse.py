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

import base64
import binascii
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kubelint.load import scalars
from kubelint.load.limits import Limits
from kubelint.model import JsonPath, Location

PLAIN = "!kubelint/plain"  # our marker tag for plain scalars: resolved by scalars.resolve_plain
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_CORE = "tag:yaml.org,2002:"
_DOC_START = re.compile(r"^---(?=[ \t\r\n]|\Z)", re.MULTILINE)


class _Composer(CParser):
    """libyaml composer that leaves plain scalars unresolved (tag PLAIN)."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return PLAIN if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, parent: Any, index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in the text: a finding without a source file yet."""

    name: str
    line: int
    column: int
    message: str
    document: int | None = None
    path: JsonPath = ()
    hint: str | None = None


@dataclass(slots=True)
class RawDocument:
    value: Any
    index: int
    line: int
    chunk: int
    ordinal: int


@dataclass(slots=True)
class ParseResult:
    documents: list[RawDocument] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    empty_documents: int = 0


class _LimitExceeded(Exception):
    def __init__(self, name: str, node: Node, message: str) -> None:
        super().__init__(message)
        self.name, self.node, self.message = name, node, message


class _Constructor:
    """Builds plain data from a composed node tree (one document)."""

    def __init__(self, limits: Limits, line_offset: int, index: int) -> None:
        self.limits = limits
        self.line_offset = line_offset
        self.index = index
        self.problems: list[Problem] = []
        self.values: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}
        self.count = 0
        self.expanded = 0

    def build(self, node: Node) -> Any:
        return self._node(node, (), 0)

    def _problem(self, name: str, node: Node, message: str, path: JsonPath, hint=None) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(
                name,
                mark.line + 1 + self.line_offset,
                mark.column + 1,
                message,
                self.index,
                path,
                hint,
            )
        )

    def _node(self, node: Node, path: JsonPath, depth: int) -> Any:
        key = id(node)
        size = self.sizes.get(key)
        if size is not None:  # an alias to a node built before: expand a copy, within budget
            self.expanded += size
            if self.expanded > self.limits.max_alias_nodes:
                raise _LimitExceeded(
                    "alias-limit",
                    node,
                    f"alias expansion exceeds {self.limits.max_alias_nodes} nodes "
                    "(a YAML alias bomb?); use --max-alias-nodes to raise the limit",
                )
            return _copy(self.values[key])
        if depth > self.limits.max_depth:
            raise _LimitExceeded(
                "too-deep",
                node,
                f"nesting is deeper than {self.limits.max_depth} levels; "
                "use --max-depth to raise the limit",
            )
        start = self.count
        self.count += 1
        cls = node.__class__
        if cls is ScalarNode:
            value = self._scalar(node, path)
        elif cls is MappingNode:
            value = self._mapping(node, path, depth)
        else:
            value = [self._node(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if node.tag not in (PLAIN, _STR, _SEQ, _MAP) and not node.tag.startswith(_CORE):
            self._problem(
                "custom-tag",
                node,
                f"tag {node.tag} is ignored by Kubernetes; the value is read as plain data",
                path,
            )
        self.sizes[key] = self.count - start
        self.values[key] = value
        return value

    def _scalar(self, node: ScalarNode, path: JsonPath) -> Any:
        text = node.value
        tag = node.tag
        if tag == PLAIN:
            if not text:
                return None
            if text[0] not in _INTERESTING_START:
                return text
            value = scalars.resolve_plain(text)
            if value is not text:
                why = scalars.ambiguity(text, value)
                if why:
                    self._problem(
                        "ambiguous-scalar",
                        node,
                        why,
                        path,
                        hint=f'quote it ("{text}") if you mean a string',
                    )
                if isinstance(value, float) and not math.isfinite(value):
                    self._problem(
                        "invalid-number",
                        node,
                        f"{text} cannot be sent to Kubernetes: JSON has no infinity or NaN",
                        path,
                    )
            return value
        if tag == _STR or not tag.startswith(_CORE):
            return text
        return self._explicit(node, tag[len(_CORE) :], path)

    def _explicit(self, node: ScalarNode, tag: str, path: JsonPath) -> Any:
        text = node.value
        if tag == "binary":
            try:
                raw = base64.b64decode("".join(text.split()), validate=True)
            except (binascii.Error, ValueError):
                self._problem("yaml-syntax", node, "!!binary value is not valid base64", path)
                return text
            return base64.b64encode(raw).decode("ascii")  # []byte fields travel as base64
        if tag in ("int", "float", "bool", "null"):
            value = scalars.resolve_plain(text) if text else None
            expected = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}[tag]
            if isinstance(value, expected) and not (tag != "bool" and isinstance(value, bool)):
                return float(value) if tag == "float" else value
            self._problem("yaml-syntax", node, f"{text!r} is not a valid !!{tag}", path)
            return text
        return text  # !!timestamp, !!str, !!value, ... are strings to Kubernetes

    def _mapping(self, node: MappingNode, path: JsonPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges: list[dict[str, Any]] = []
        for key_node, value_node in node.value:
            if (
                key_node.__class__ is ScalarNode
                and key_node.value == "<<"
                and key_node.tag in (PLAIN, _CORE + "merge")
            ):
                merges.extend(self._merge_sources(value_node, path, depth))
                continue
            key = self._key(key_node, path, depth)
            if key is None:
                continue
            if key in result:
                self._problem(
                    "duplicate-key",
                    key_node,
                    f"duplicate key {json.dumps(key)} in mapping "
                    "(the apiserver rejects duplicate fields)",
                    (*path, key),
                )
            result[key] = self._node(value_node, (*path, key), depth + 1)
        for source in merges:  # explicit keys win over merged ones; earlier merges win
            for key, value in source.items():
                if key not in result:
                    result[key] = value
        return result

    def _key(self, key_node: Node, path: JsonPath, depth: int) -> str | None:
        if key_node.__class__ is not ScalarNode:
            self._problem(
                "yaml-syntax",
                key_node,
                "mapping keys must be scalars: Kubernetes objects are JSON",
                path,
            )
            return None
        return scalars.format_key(self._node(key_node, path, depth + 1))

    def _merge_sources(self, node: Node, path: JsonPath, depth: int) -> list[dict[str, Any]]:
        sources = node.value if node.__class__ is SequenceNode else [node]
        out = []
        for source in sources:
            value = self._node(source, path, depth + 1)
            if isinstance(value, dict):
                out.append(value)
            else:
                self._problem("yaml-syntax", source, "merge key << needs a mapping", path)
        return out


_INTERESTING_START = frozenset("~nNyYtTfFoO+-.0123456789")


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def split_chunks(text: str) -> list[tuple[int, int, str]]:
    """Split text at `---` document markers: (char offset, line offset, chunk text)."""
    starts = [m.start() for m in _DOC_START.finditer(text)]
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


class YamlText:
    """One YAML or JSON text: parses it, and later locates paths inside its documents."""

    def __init__(self, text: str, limits: Limits) -> None:
        self.text = text
        self.limits = limits
        self._chunks: list[tuple[int, int, str]] | None = None
        self._nodes: dict[int, list[Node]] = {}

    # -- parsing ---------------------------------------------------------------------------
    def parse(self) -> ParseResult:
        """Parse every document. One libyaml pass over the whole text is the fast path; a file
        with an oversized document or a syntax error is parsed again document by document, so
        that one bad document does not hide the others."""
        if len(self.text) <= self.limits.max_document_bytes:
            result = ParseResult()
            if self._parse_stream(result, self.text, 0, 0, chunk=-1, fallback=False):
                return result
        return self._parse_chunks()

    def _parse_chunks(self) -> ParseResult:
        result = ParseResult()
        index = 0
        for i, (_, line, chunk) in enumerate(self._get_chunks()):
            size = len(chunk.encode("utf-8", "surrogatepass"))
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
        try:
            for node in _compose_all(text):
                self._add_document(result, node, line_offset, index + ordinal, chunk, ordinal)
                ordinal += 1
        except yaml.YAMLError as libyaml_error:
            if not fallback:
                return False
            ruamel_nodes = _ruamel_compose(text)
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
        constructor = _Constructor(self.limits, line_offset, index)
        try:
            value = constructor.build(node)
        except _LimitExceeded as exc:
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
        result.problems.extend(constructor.problems)
        line = node.start_mark.line + 1 + line_offset
        result.documents.append(RawDocument(value, index, line, chunk, ordinal))

    # -- positions -------------------------------------------------------------------------
    def locate(self, doc: RawDocument, path: JsonPath, at_key: bool) -> Location:
        nodes = self._nodes.get(doc.chunk)
        line_offset = 0
        if doc.chunk >= 0:
            line_offset = self._get_chunks()[doc.chunk][1]
        if nodes is None:
            text = self.text if doc.chunk < 0 else self._get_chunks()[doc.chunk][2]
            nodes = _compose_prefix(text, doc.ordinal + 1)
            self._nodes[doc.chunk] = nodes
        if doc.ordinal >= len(nodes):
            return Location(doc.line, 1)
        mark = _walk(nodes[doc.ordinal], path, at_key)
        return Location(mark.line + 1 + line_offset, mark.column + 1)


def _is_plain(node: Any) -> bool:
    return getattr(node, "style", None) in (None, "")


def _compose_all(text: str) -> Iterator[Node]:
    loader = _Composer(text)
    try:
        while loader.check_node():
            yield loader.get_node()
    finally:
        loader.dispose()


def _compose_prefix(text: str, count: int) -> list[Any]:
    """The first `count` document nodes of text (stops early; tolerates later errors)."""
    nodes: list[Any] = []
    try:
        for node in _compose_all(text):
            nodes.append(node)
            if len(nodes) >= count:
                break
    except yaml.YAMLError:
        ruamel_nodes = _ruamel_compose(text)
        if ruamel_nodes is not None:
            return ruamel_nodes
    return nodes


def _ruamel_compose(text: str) -> list[Any] | None:
    """Compose with ruamel.yaml (imported only when libyaml failed); None if it fails too."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError as RuamelError

    from kubelint.load import ruamel_nodes

    try:
        nodes = list(YAML(typ="safe", pure=True).compose_all(text))
    except (RuamelError, ValueError, RecursionError):
        return None
    return [ruamel_nodes.convert(n) for n in nodes if n is not None]


def _syntax_problem(exc: yaml.YAMLError, text: str, line_offset: int, index: int) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = (mark.line if mark else 0) + 1
    column = (mark.column if mark else 0) + 1
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"{context}: {problem}" if context else str(problem)
    hint = None
    lines = text.splitlines()
    if 0 < line <= len(lines):
        source_line = lines[line - 1]
        if "\t" in source_line[: max(column, 1)] or "'\\t'" in message:
            hint = "YAML forbids tabs for indentation: indent with spaces"
        elif "{{" in source_line or "{%" in source_line:
            hint = "this looks like a template: render it first (helm template, kustomize build)"
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
        if raw == key or (
            _is_plain(key_node)
            and scalars.format_key(scalars.resolve_plain(raw) if raw else None) == key
        ):
            return key_node, value_node
    for source in merged or ():
        if source.__class__.__name__ == "MappingNode":
            found = _find_key(source, key)
            if found is not None:
                return found
    return None
