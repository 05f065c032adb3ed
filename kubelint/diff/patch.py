"""Apply a diff's change records to the old objects: `apply_patch(A, diff(A, B))` gives B.

(With the default normalisation the records describe the *normalised* objects; compare with
`show_defaults=True` to patch objects exactly as written.)

Within one object the records apply as removals, replacements, reorders, then additions in
ascending position, which rebuilds every list in its new order.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from kubelint.diff.match import Identity, identity
from kubelint.diff.model import DiffPath, DiffResult, FieldChange, Key, Op, Status
from kubelint.model import object_ref

_PHASE = {Op.REMOVE: 0, Op.REPLACE: 1, Op.ORDER: 2, Op.ADD: 3}


def apply_patch(objects: Sequence[Mapping[str, Any]], result: DiffResult) -> list[dict[str, Any]]:
    """The objects after applying `result`: old objects in place (renamed ones and added ones
    at the end)."""
    by_id: dict[Identity, dict[str, Any]] = {}
    for body in objects:
        ref = object_ref(body)
        if ref is not None:
            by_id[identity(ref)] = copy.deepcopy(dict(body))
    for change in result.changes:
        old_id = identity(change.old.ref) if change.old else None
        if change.status == Status.REMOVED:
            by_id.pop(old_id, None)  # type: ignore[arg-type]
        elif change.status == Status.ADDED:
            assert change.new is not None
            by_id[identity(change.new.ref)] = copy.deepcopy(change.fields[0].new)
        else:
            assert change.new is not None and old_id is not None
            new_id = identity(change.new.ref)
            body = by_id[old_id] if new_id == old_id else by_id.pop(old_id)
            by_id[new_id] = patch_object(body, change.fields)
    return list(by_id.values())


def patch_object(body: dict[str, Any], fields: Sequence[FieldChange]) -> dict[str, Any]:
    ordered = sorted(fields, key=_apply_order)
    for change in ordered:
        _apply(body, change)
    return body


def _apply_order(change: FieldChange) -> tuple[Any, ...]:
    if change.op == Op.REMOVE:  # tail positions first, so earlier indexes stay valid
        return (0, [-p if isinstance(p, int) else 0 for p in change.old_path or ()])
    if change.op == Op.ADD:
        return (3, [(0, p) if isinstance(p, int) else (1, p) for p in change.new_path or ()])
    return (_PHASE[change.op], [])


def _apply(body: dict[str, Any], change: FieldChange) -> None:
    parent = _resolve(body, change.path[:-1]) if change.path else None
    last = change.path[-1] if change.path else None
    if change.op == Op.ORDER:
        items = _resolve(body, change.path)
        rank = {key: i for i, key in enumerate(change.new)}
        items.sort(key=lambda item: rank[_key_of(item, change.new[0])])
    elif change.op == Op.REMOVE:
        if isinstance(last, Key):
            parent.pop(_find(parent, last))
        else:
            del parent[last]  # type: ignore[index]
    elif change.op == Op.REPLACE:
        parent[_find(parent, last) if isinstance(last, Key) else last] = copy.deepcopy(change.new)
    elif isinstance(parent, list):
        assert change.new_path is not None
        parent.insert(int(change.new_path[-1]), copy.deepcopy(change.new))
    else:
        parent[last] = copy.deepcopy(change.new)  # type: ignore[index]


def _resolve(node: Any, path: DiffPath) -> Any:
    for part in path:
        node = node[_find(node, part)] if isinstance(part, Key) else node[part]
    return node


def _key_of(item: Any, like: Key) -> Key:
    if like.pairs and like.pairs[0][0] == "":
        return Key((("", item),))
    return Key(tuple((name, item.get(name)) for name, _ in like.pairs))


def _find(items: list[Any], key: Key) -> int:
    for i, item in enumerate(items):
        if _key_of(item, key) == key:
            return i
    raise KeyError(f"no item [{key}]")
