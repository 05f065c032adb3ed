"""Turn ruamel.yaml node trees into PyYAML ones, so one constructor serves both parsers.

ruamel.yaml is the fallback for the few valid texts libyaml rejects (for instance the flow
item `001:db8::`). Its composer has already resolved plain scalars with YAML 1.2 rules; the
plain style tells us which scalars were plain, and those get kubelint's PLAIN tag again so that
Kubernetes' rules apply. (A plain scalar with an explicit core tag, such as `!!str yes`, loses
its tag on this rare path.) Aliases stay shared, so alias-expansion limits still hold.
"""

from __future__ import annotations

from typing import Any

from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kubelint.load.construct import PLAIN

_CORE_IMPLICIT = {
    "tag:yaml.org,2002:" + t for t in ("null", "bool", "int", "float", "str", "timestamp", "value")
}


def convert(node: Any, memo: dict[int, Node] | None = None) -> Node:
    memo = {} if memo is None else memo
    done = memo.get(id(node))
    if done is not None:
        return done
    start, end = _mark(node.start_mark), _mark(node.end_mark)
    tag = getattr(node.tag, "value", node.tag) or ""
    kind = node.__class__.__name__
    if kind == "ScalarNode":
        if node.style in (None, "") and tag in _CORE_IMPLICIT:
            tag = PLAIN
        out: Node = ScalarNode(tag, node.value, start, end, node.style or None)
        memo[id(node)] = out
        return out
    if kind == "SequenceNode":
        seq = SequenceNode(tag or "tag:yaml.org,2002:seq", [], start, end)
        memo[id(node)] = seq
        seq.value.extend(convert(item, memo) for item in node.value)
        return seq
    mapping = MappingNode(tag or "tag:yaml.org,2002:map", [], start, end)
    memo[id(node)] = mapping
    mapping.value.extend((convert(k, memo), convert(v, memo)) for k, v in node.value)
    return mapping


def _mark(mark: Any) -> Mark:
    return Mark("<text>", getattr(mark, "index", 0), mark.line, mark.column, None, None)
