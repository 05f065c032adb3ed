"""Composed YAML nodes → plain Python data, with Kubernetes' scalar rules and input limits.

The hot loop of kubelint: it runs once per node of every input document. It builds no paths
while it works (a problem remembers its node; paths are found afterwards, only when there is a
problem), and it tracks aliases only when the text can contain one.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import sys
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kubelint.load import scalars
from kubelint.load.limits import Limits
from kubelint.model import JsonPath

PLAIN = "!kubelint/plain"  # tag the composer gives plain scalars: resolved by scalars.resolve_plain
STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
CORE = "tag:yaml.org,2002:"
_CORE_NAMES = (
    "null",
    "bool",
    "int",
    "float",
    "str",
    "binary",
    "timestamp",
    "seq",
    "map",
    "merge",
    "value",
)
_STANDARD_TAGS = frozenset((PLAIN, *(CORE + name for name in _CORE_NAMES)))
# first characters of plain scalars that may resolve to something other than a string
INTERESTING_START = frozenset("~nNyYtTfFoO+-.0123456789")
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
_intern = sys.intern
_INTERN_MAX = 40
"""Keys and short plain scalars repeat across every document (`name`, `app`, `TCP`): interned,
each is one shared string; documents kept for cross-object rules take ~15% less memory."""


class LimitExceeded(Exception):
    def __init__(self, name: str, node: Node, message: str) -> None:
        super().__init__(message)
        self.name, self.node, self.message = name, node, message


class NodeProblem:
    """A problem found at a node; its JSON path is filled in after construction."""

    __slots__ = ("hint", "message", "name", "node", "path", "suffix")

    def __init__(
        self,
        name: str,
        node: Node,
        message: str,
        hint: str | None = None,
        suffix: tuple[str, ...] = (),
    ) -> None:
        self.name, self.node, self.message, self.hint = name, node, message, hint
        self.suffix = suffix  # for duplicate keys: the key, appended to the mapping's path
        self.path: JsonPath = ()


class Constructor:
    """Builds one document. `aliases`/`tags` turn on the slower checks the text may need."""

    def __init__(
        self, limits: Limits, aliases: bool = True, tags: bool = True, escapes: bool = True
    ) -> None:
        self.max_depth = limits.max_depth
        self.max_alias_nodes = limits.max_alias_nodes
        self.aliases = aliases
        self.tags = tags
        self.escapes = escapes  # the text has \u escapes: quoted scalars may hold surrogates
        self.problems: list[NodeProblem] = []
        self.wide_ints = False  # an int outside int32 was built (see Document.wide_ints)
        self._values: dict[int, Any] = {}
        self._sizes: dict[int, int] = {}
        self._count = 0
        self._expanded = 0

    def build(self, root: Node) -> Any:
        value = self._node(root, 0)
        if self.problems:
            _fill_paths(root, self.problems)
        return value

    def _node(self, node: Node, depth: int) -> Any:
        if self.aliases:
            key = id(node)
            size = self._sizes.get(key)
            if size is not None:  # an alias to a node built before: a copy, within budget
                self._expanded += size
                if self._expanded > self.max_alias_nodes:
                    raise LimitExceeded(
                        "alias-limit",
                        node,
                        f"alias expansion exceeds {self.max_alias_nodes:,} nodes (a YAML alias "
                        "bomb?); use --max-alias-nodes to raise the limit",
                    )
                self._count += size  # so that aliases of aliases count their whole expansion
                return _copy(self._values[key])
            start = self._count
            self._count += 1
        if depth > self.max_depth:
            raise LimitExceeded(
                "too-deep",
                node,
                f"nesting is deeper than {self.max_depth} levels; use --max-depth to raise it",
            )
        cls = node.__class__
        if cls is ScalarNode:
            value = self._scalar(node)
        elif cls is MappingNode:
            value = self._mapping(node, depth)
        else:
            value = [self._node(item, depth + 1) for item in node.value]
        if self.tags and node.tag not in _STANDARD_TAGS:
            self.problems.append(
                NodeProblem(
                    "custom-tag",
                    node,
                    f"tag {node.tag} is ignored by Kubernetes; the value is read as plain data",
                )
            )
        if self.aliases:
            self._sizes[key] = self._count - start
            self._values[key] = value
        return value

    def _scalar(self, node: ScalarNode) -> Any:
        text = node.value
        tag = node.tag
        if tag == PLAIN:
            if not text:
                return None
            if text[0] not in INTERESTING_START:
                return _intern(text) if len(text) <= _INTERN_MAX else text
            value = scalars.resolve_plain(text)
            if value is not text or text[0].isdigit():
                self._check_resolved(node, text, value)
            return value
        if self.escapes:
            text = self._valid_unicode(node, text)
        if tag == STR or tag not in _STANDARD_TAGS:
            return text
        return self._explicit(node, tag[len(CORE) :])

    def _valid_unicode(self, node: ScalarNode, text: str) -> str:
        """An escape such as \\ud800 decodes to a lone surrogate, which no UTF-8 text (and so no
        JSON sent to the apiserver) can hold: go-yaml rejects the document."""
        if not any("\ud800" <= c <= "\udfff" for c in text):
            return text
        self.problems.append(
            NodeProblem(
                "yaml-syntax",
                node,
                "invalid Unicode escape: a lone surrogate (\\ud800-\\udfff) is not a character",
            )
        )
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)

    def _check_resolved(self, node: ScalarNode, text: str, value: Any) -> None:
        if value.__class__ is int and not INT32_MIN <= value <= INT32_MAX:
            self.wide_ints = True
        why = scalars.ambiguity(text, value)
        if why:
            self.problems.append(
                NodeProblem(
                    "ambiguous-scalar", node, why, f'quote it ("{text}") if you mean a string'
                )
            )
        if isinstance(value, float) and not math.isfinite(value):
            self.problems.append(
                NodeProblem(
                    "invalid-number",
                    node,
                    f"{text} cannot be sent to Kubernetes: JSON has no infinity or NaN",
                )
            )

    def _explicit(self, node: ScalarNode, tag: str) -> Any:
        text = node.value
        if tag == "binary":
            try:
                raw = base64.b64decode("".join(text.split()), validate=True)
            except (binascii.Error, ValueError):
                self.problems.append(
                    NodeProblem("yaml-syntax", node, "!!binary value is not valid base64")
                )
                return text
            # go-yaml v2 decodes !!binary into a string of the raw bytes: Kubernetes then sees
            # the decoded text (and a Secret's data field rejects it as invalid base64)
            return raw.decode("utf-8", "replace")
        if tag in ("int", "float", "bool", "null"):
            value = scalars.resolve_plain(text) if text else None
            expected = {"int": int, "float": int | float, "bool": bool, "null": type(None)}[tag]
            if isinstance(value, expected) and not (tag != "bool" and isinstance(value, bool)):
                if tag == "int" and not INT32_MIN <= value <= INT32_MAX:
                    self.wide_ints = True
                return float(value) if tag == "float" else value
            self.problems.append(
                NodeProblem("yaml-syntax", node, f"{text!r} is not a valid !!{tag}")
            )
            return text
        return text  # !!timestamp, !!str, !!value, ... are strings to Kubernetes

    def _mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges: list[dict[str, Any]] | None = None
        depth += 1
        for key_node, value_node in node.value:
            key = None
            if key_node.__class__ is ScalarNode:
                text = key_node.value
                tag = key_node.tag
                if tag == STR or (tag == PLAIN and text and text[0] not in INTERESTING_START):
                    if self.escapes:
                        text = self._valid_unicode(key_node, text)
                    if text == "<<" and tag == PLAIN:
                        merges = merges or []
                        merges.extend(self._merge_sources(value_node, depth))
                        continue
                    key = _intern(text)
            if key is None:
                key = self._key(key_node, depth)
                if key is None:
                    continue
            if key in result:
                self.problems.append(
                    NodeProblem(
                        "duplicate-key",
                        key_node,
                        f"duplicate key {json.dumps(key)} in mapping "
                        "(the apiserver rejects duplicate fields)",
                        suffix=(key,),
                    )
                )
            result[key] = self._node(value_node, depth)
        if merges:  # explicit keys win over merged ones; earlier merges win over later ones
            for source in merges:
                for key, value in source.items():
                    if key not in result:
                        result[key] = value
        return result

    def _key(self, key_node: Node, depth: int) -> str | None:
        if key_node.__class__ is not ScalarNode:
            self.problems.append(
                NodeProblem(
                    "yaml-syntax",
                    key_node,
                    "mapping keys must be scalars: Kubernetes objects are JSON",
                )
            )
            return None
        if key_node.tag == CORE + "merge":
            return "<<"
        if key_node.tag == PLAIN:
            value = scalars.resolve_key(key_node.value) if key_node.value else None
            if value is not key_node.value:
                self._check_resolved(key_node, key_node.value, value)
        else:
            value = self._node(key_node, depth)
        if value is None:
            self.problems.append(
                NodeProblem(
                    "yaml-syntax",
                    key_node,
                    "null mapping key: Kubernetes cannot convert it to a JSON object key",
                )
            )
            return None
        return scalars.format_key(value)

    def _merge_sources(self, node: Node, depth: int) -> list[dict[str, Any]]:
        sources = node.value if node.__class__ is SequenceNode else [node]
        out = []
        for source in sources:
            value = self._node(source, depth)
            if isinstance(value, dict):
                out.append(value)
            else:
                self.problems.append(
                    NodeProblem("yaml-syntax", source, "merge key << needs a mapping")
                )
        return out


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def key_text(key_node: Any) -> str | None:
    """The JSON key a scalar key node becomes (None for non-scalar keys)."""
    if key_node.__class__.__name__ != "ScalarNode":
        return None
    text = key_node.value
    if getattr(key_node, "style", None) not in (None, ""):
        return text
    return scalars.format_key(scalars.resolve_plain(text) if text else None)


def _fill_paths(root: Node, problems: list[NodeProblem]) -> None:
    """Give each problem the JSON path of its node (first path found; shared nodes once)."""
    wanted = {id(p.node) for p in problems}
    found: dict[int, JsonPath] = {}
    seen: set[int] = set()
    stack: list[tuple[Any, JsonPath]] = [(root, ())]
    while stack and len(found) < len(wanted):
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if id(node) in wanted:
            found.setdefault(id(node), path)
        kind = node.__class__.__name__
        if kind == "MappingNode":
            for key_node, value_node in node.value:
                key = key_text(key_node)
                if id(key_node) in wanted:
                    found.setdefault(id(key_node), path)
                stack.append((value_node, (*path, key) if key is not None else path))
        elif kind == "SequenceNode":
            stack.extend((item, (*path, i)) for i, item in enumerate(node.value))
    for problem in problems:
        problem.path = found.get(id(problem.node), ()) + problem.suffix
