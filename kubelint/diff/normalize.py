"""Both sides of a diff pass through the same normalisation, so only real changes remain.

- defaulting (kubelint.store.defaults): `replicas: 1` and a missing `replicas` are the same;
- what the apiserver or kubectl adds and the user never wrote: `status`, `managedFields`,
  `resourceVersion`, `uid`, `generation`, `creationTimestamp` (also `null` in pod templates),
  the last-applied-configuration annotation;
- `null` values (JSON decoding treats them as absent) and the empty `resources: {}`,
  `strategy: {}`, ... that `kubectl create --dry-run -o yaml` emits.

`--show-defaults` skips all of this and compares the objects as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from kubelint.diff.model import DiffPath
from kubelint.diff.walk import SET, schema_path
from kubelint.k8s.scope import canonical_group
from kubelint.schema.fields import list_keys, schema_at
from kubelint.schema.registry import SchemaRegistry
from kubelint.store.defaults import default_object

SERVER_METADATA = (
    "creationTimestamp",
    "generation",
    "managedFields",
    "resourceVersion",
    "selfLink",
    "uid",
)
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
EMPTY_IS_ABSENT = frozenset(
    ("resources", "strategy", "updateStrategy", "securityContext", "labels", "annotations")
)
"""Fields where `{}` means the same as leaving the field out (not e.g. `emptyDir: {}`)."""


def normalize(body: Mapping[str, Any], kubernetes_version: str | None) -> dict[str, Any]:
    """A defaulted copy of `body` without server-set fields and empty noise."""
    out = default_object(body, kubernetes_version)
    out.pop("status", None)
    meta = out.get("metadata")
    if isinstance(meta, dict):
        for key in SERVER_METADATA:
            meta.pop(key, None)
        annotations = meta.get("annotations")
        if isinstance(annotations, dict):
            annotations.pop(LAST_APPLIED, None)
    return _strip(out)


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if item is None:
                continue
            item = _strip(item)
            if key in EMPTY_IS_ABSENT and item == {}:
                continue
            if key == "creationTimestamp" and item is None:
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value


class ListKeys:
    """Which keys identify list items at a path of a kind, from the schema (cached).

    A kind is looked up under its own apiVersion, else under another served version of the same
    kind (e.g. a removed `extensions/v1beta1` Deployment uses the `apps/v1` schema's keys).
    """

    def __init__(self, registry: SchemaRegistry) -> None:
        self.registry = registry
        self._by_kind: dict[str, list[str]] = {}
        for key in registry.bundle.kinds:
            api_version, _, kind = key.partition(":")
            self._by_kind.setdefault(kind, []).append(api_version)
        self._cached = lru_cache(maxsize=4096)(self._lookup)

    def for_object(self, body: Mapping[str, Any]):
        api_version = str(body.get("apiVersion", ""))
        kind = str(body.get("kind", ""))
        schema_version = self._schema_version(api_version, kind)

        def keys_for(path: DiffPath) -> tuple[str, ...]:
            return self._cached(schema_version, kind, schema_path(path))

        return keys_for

    def _schema_version(self, api_version: str, kind: str) -> str:
        key = f"{api_version}:{kind}"
        if key in self.registry.bundle.kinds or key in self.registry.custom_kinds:
            return api_version
        group = canonical_group(api_version.rpartition("/")[0], kind)
        served = sorted(self._by_kind.get(kind, ()))
        same_group = [v for v in served if v.rpartition("/")[0] == group]
        return (same_group or served or [api_version])[0]

    def _lookup(self, api_version: str, kind: str, path: tuple[str, ...]) -> tuple[str, ...]:
        node = schema_at(self.registry, api_version, kind, path)
        keys = list_keys(node)
        if keys:
            return keys
        if node and node.get("x-kubernetes-list-type") == "set":
            return SET
        return ()
