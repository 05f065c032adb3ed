"""Field-level comparison of two objects that knows Kubernetes list semantics.

Lists the schema marks as maps (`x-kubernetes-list-map-keys`, or a patch merge key: containers
by name, ports by containerPort+protocol, env by name, volumes by name, ...) are compared item
by item *by key*: inserting one env var in the middle is one addition, and a pure reorder is one
ORDER change. `set` lists of scalars are keyed by value. Other lists are compared by index
(common prefix item by item, then the tail added or removed).

Why not deepdiff: its `iterable_compare_func` can match list items by a key, but it reports a
reorder as one `iterable_item_moved` per item, names items by index only, and costs far more per
object than this walk; the key-aware paths (`env[name=PORT]`) and one ORDER record per list are
what the change records, the patcher and the renderers need, so the walk is written here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kubelint.diff.model import DiffPath, FieldChange, Key, Op
from kubelint.model import JsonPath

SET = ("",)
"""list_keys result for a `set` list: items are their own key."""

KeysFor = Callable[[DiffPath], tuple[str, ...]]
"""Maps the path of a list to the keys identifying its items (() = compare by index)."""


def compare(old: Any, new: Any, keys_for: KeysFor) -> list[FieldChange]:
    """The field changes that turn `old` into `new` (empty when they are equal)."""
    out: list[FieldChange] = []
    _walk(old, new, (), (), (), keys_for, out)
    return out


def same(a: Any, b: Any) -> bool:
    """Equality that tells booleans from numbers (Python's `True == 1` does not)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def _walk(
    old: Any,
    new: Any,
    path: DiffPath,
    old_path: JsonPath,
    new_path: JsonPath,
    keys_for: KeysFor,
    out: list[FieldChange],
) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        _walk_dict(old, new, path, old_path, new_path, keys_for, out)
    elif isinstance(old, list) and isinstance(new, list):
        keys = keys_for(path)
        old_keys = _item_keys(old, keys) if keys else None
        new_keys = _item_keys(new, keys) if old_keys is not None else None
        if old_keys is not None and new_keys is not None:
            _walk_keyed(old, new, old_keys, new_keys, path, old_path, new_path, keys_for, out)
        else:
            _walk_indexed(old, new, path, old_path, new_path, keys_for, out)
    elif not same(old, new):
        out.append(FieldChange(Op.REPLACE, path, old, new, old_path, new_path))


def _walk_dict(old, new, path, old_path, new_path, keys_for, out) -> None:
    for key, value in old.items():
        if key not in new:
            out.append(FieldChange(Op.REMOVE, (*path, key), value, None, (*old_path, key), None))
        else:
            sub = (*path, key)
            _walk(value, new[key], sub, (*old_path, key), (*new_path, key), keys_for, out)
    for key, value in new.items():
        if key not in old:
            out.append(FieldChange(Op.ADD, (*path, key), None, value, None, (*new_path, key)))


def _item_keys(items: list[Any], keys: tuple[str, ...]) -> list[Key] | None:
    """Each item's key, or None when the list cannot be keyed (a non-mapping item, an item
    without any key field, or a repeated key): it is then compared by index."""
    if keys == SET:
        found = [Key((("", item),)) for item in items]
        if any(isinstance(item, dict | list) for item in items):
            return None
    else:
        found = []
        for item in items:
            if not isinstance(item, dict):
                return None
            pairs = tuple((k, item.get(k)) for k in keys)
            if all(v is None for _, v in pairs):
                return None
            found.append(Key(pairs))
    try:
        return found if len(set(found)) == len(found) else None
    except TypeError:  # an unhashable key value
        return None


def _walk_keyed(old, new, old_keys, new_keys, path, old_path, new_path, keys_for, out) -> None:
    new_index = {k: i for i, k in enumerate(new_keys)}
    old_index = {k: i for i, k in enumerate(old_keys)}
    for i, key in enumerate(old_keys):
        if key not in new_index:
            out.append(FieldChange(Op.REMOVE, (*path, key), old[i], None, (*old_path, i), None))
    for i, key in enumerate(old_keys):
        j = new_index.get(key)
        if j is not None:
            _walk(old[i], new[j], (*path, key), (*old_path, i), (*new_path, j), keys_for, out)
    kept_old = [k for k in old_keys if k in new_index]
    kept_new = [k for k in new_keys if k in old_index]
    if kept_old != kept_new:
        out.append(
            FieldChange(Op.ORDER, path, tuple(kept_old), tuple(kept_new), old_path, new_path)
        )
    for j, key in enumerate(new_keys):
        if key not in old_index:
            out.append(FieldChange(Op.ADD, (*path, key), None, new[j], None, (*new_path, j)))


def _walk_indexed(old, new, path, old_path, new_path, keys_for, out) -> None:
    common = min(len(old), len(new))
    for i in range(common):
        _walk(old[i], new[i], (*path, i), (*old_path, i), (*new_path, i), keys_for, out)
    for i in range(common, len(old)):
        out.append(FieldChange(Op.REMOVE, (*path, i), old[i], None, (*old_path, i), None))
    for i in range(common, len(new)):
        out.append(FieldChange(Op.ADD, (*path, i), None, new[i], None, (*new_path, i)))


def schema_path(path: DiffPath) -> tuple[str, ...]:
    """The path with list positions and keys left out, as schema lookups want it."""
    return tuple(p for p in path if isinstance(p, str))


def leaves(value: Any, keys_for: KeysFor, path: DiffPath = ()) -> set[tuple[Any, ...]]:
    """Every (path, scalar) pair of a value, lists keyed like the walk: a fingerprint for
    similarity (rename detection)."""
    out: set[tuple[Any, ...]] = set()
    _leaves(value, keys_for, path, out)
    return out


def _leaves(value: Any, keys_for: KeysFor, path: DiffPath, out: set[tuple[Any, ...]]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _leaves(item, keys_for, (*path, key), out)
    elif isinstance(value, list):
        keys = keys_for(path)
        found = _item_keys(value, keys) if keys else None
        for i, item in enumerate(value):
            _leaves(item, keys_for, (*path, found[i] if found else i), out)
    else:
        try:
            hash(value)
        except TypeError:
            value = repr(value)
        out.add((path, type(value).__name__, value))
