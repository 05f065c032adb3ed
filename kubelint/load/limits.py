"""Resource limits that keep hostile input from hanging or exhausting kubelint."""

from __future__ import annotations

from typing import NamedTuple

MIB = 1024 * 1024


class Limits(NamedTuple):
    """Bounds applied while reading input. Every limit hit becomes a finding, never a crash."""

    max_file_bytes: int = 64 * MIB
    """Whole files larger than this are not parsed (a finding says so)."""
    max_document_bytes: int = 3 * MIB
    """Like the apiserver's 3 MiB request body limit: larger YAML documents are rejected."""
    max_depth: int = 256
    """Nesting depth of mappings and sequences (libyaml itself stops at 1000)."""
    max_alias_nodes: int = 100_000
    """Nodes that alias expansion may add to one document ("billion laughs" guard)."""
    max_objects: int = 1_000_000
    """Objects in one run; input beyond this is reported and not processed."""
    keep_nodes_bytes: int = 0
    """Texts up to this size keep the node trees of their first parse, so that locating many
    findings costs no second parse (memory held until `YamlText.release`); 0 = never."""
