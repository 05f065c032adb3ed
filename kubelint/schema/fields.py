"""Field-level schema lookups for later stages (store, diff): what the schema says about a path.

    node = schema_at(registry, "apps/v1", "Deployment",
                     ("spec", "template", "spec", "containers"))
    node["x-kubernetes-list-map-keys"]   # ["name"]
    list_keys(node)                       # ("name",)

The OpenAPI extensions are kept as upstream wrote them: x-kubernetes-list-type,
x-kubernetes-list-map-keys, x-kubernetes-patch-merge-key, x-kubernetes-patch-strategy,
x-kubernetes-map-type, x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields,
x-kubernetes-embedded-resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubelint.model import JsonPath
from kubelint.schema.registry import SchemaRegistry


def schema_at(
    registry: SchemaRegistry, api_version: str, kind: str, path: JsonPath
) -> Mapping[str, Any] | None:
    """The schema node describing `path` in objects of this kind (None if undefined).

    Array indexes may be given as ints or left out ("containers", 0, "image" and
    "containers", "image" both work).
    """
    key = f"{api_version}:{kind}"
    custom = registry.custom_kinds.get(key)
    defs = registry.bundle.definitions
    if custom is not None:
        node: Any = custom.schema
    else:
        name = registry.bundle.kinds.get(key)
        node = defs.get(name) if name else None
    for part in path:
        node = _deref(node, defs)
        if node is None:
            return None
        node = _child(node, part, defs)
    return _deref(node, defs)


def list_keys(node: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The keys that identify items of a list (list-map keys, else the patch merge key)."""
    if not node:
        return ()
    keys = node.get("x-kubernetes-list-map-keys")
    if isinstance(keys, list) and keys:
        return tuple(str(k) for k in keys)
    merge = node.get("x-kubernetes-patch-merge-key")
    return (str(merge),) if isinstance(merge, str) else ()


def _deref(node: Any, defs: Mapping[str, Any]) -> Any:
    seen = 0
    while isinstance(node, Mapping) and "$ref" in node and seen < 32:
        ref = node["$ref"]
        target = defs.get(ref.rsplit("/", 1)[-1]) if isinstance(ref, str) else None
        extra = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **extra} if isinstance(target, Mapping) else None
        seen += 1
    return node


def _child(node: Mapping[str, Any], part: str | int, defs: Mapping[str, Any]) -> Any:
    if isinstance(part, int):
        return node.get("items")
    props = node.get("properties")
    if isinstance(props, Mapping) and part in props:
        return props[part]
    items = node.get("items")
    if isinstance(items, Mapping):  # an index left out: descend into the items
        return _child(_deref(items, defs) or {}, part, defs)
    extra = node.get("additionalProperties")
    return extra if isinstance(extra, Mapping) else None
