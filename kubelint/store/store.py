"""The desired-state store: what the apiserver would hold after a series of applies.

A `Store` is an immutable snapshot. `kubelint.store.apply.apply(store, documents)` returns a
new Store (copy-on-write: the object table is copied, stored objects are shared), so earlier
snapshots stay valid for diffs. Objects are keyed by `ObjectKey(group, kind, namespace, name)`
with the canonical group (an extensions/v1beta1 Deployment is apps) and namespace "" for
cluster-scoped kinds. Indexes (by kind, namespace, label, owner) are built on first use.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from kubelint.k8s import scope
from kubelint.k8s.labelindex import ALL_NAMESPACES, LabelIndex
from kubelint.k8s.selectors import Selector
from kubelint.model import Document, ObjectRef
from kubelint.store.defaults import minor

DEFAULT_NAMESPACE = "default"
_UID_NAMESPACE = uuid.UUID("6f1f7a3e-5b1c-4d2a-9c8e-6b1d3e1f0a7c")  # kubelint's own


class ObjectKey(NamedTuple):
    """Identity of a stored object; namespace is "" for cluster-scoped kinds."""

    group: str
    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        """kubectl's spelling: `deployment.apps/web`, `service/web`."""
        kind = self.kind.lower()
        return f"{kind}.{self.group}/{self.name}" if self.group else f"{kind}/{self.name}"


def stable_uid(key: ObjectKey) -> str:
    """A made-up uid, the same for the same identity in every run (uuid5 of the key)."""
    return str(uuid.uuid5(_UID_NAMESPACE, "/".join(key)))


class StoredObject(NamedTuple):
    """One object as stored: the defaulted body, what was applied, and where it came from.

    `body` is shared between snapshots: treat it as read-only."""

    key: ObjectKey
    body: Mapping[str, Any]
    document: Document | None
    generation: int = 1

    @property
    def uid(self) -> str:
        return stable_uid(self.key)

    @property
    def labels(self) -> Mapping[str, Any]:
        meta = self.body.get("metadata")
        labels = meta.get("labels") if isinstance(meta, Mapping) else None
        return labels if isinstance(labels, Mapping) else {}

    @property
    def ref(self) -> ObjectRef:
        api_version = str(self.body.get("apiVersion", ""))
        version = api_version.rpartition("/")[2]
        return ObjectRef(
            self.key.group, version, self.key.kind, self.key.namespace or None, self.key.name
        )

    def owner_refs(self) -> list[Mapping[str, Any]]:
        meta = self.body.get("metadata")
        owners = meta.get("ownerReferences") if isinstance(meta, Mapping) else None
        return [o for o in owners if isinstance(o, Mapping)] if isinstance(owners, list) else []


class Store:
    """An immutable set of stored objects with lazily built indexes."""

    def __init__(
        self,
        objects: Mapping[ObjectKey, StoredObject] | None = None,
        default_namespace: str = DEFAULT_NAMESPACE,
        kubernetes_version: str = "1.37",
        crd_scopes: Mapping[tuple[str, str], bool] | None = None,
    ) -> None:
        minor(kubernetes_version)  # ValueError early for a malformed version
        self._objects: dict[ObjectKey, StoredObject] = dict(sorted((objects or {}).items()))
        self.default_namespace = default_namespace
        self.kubernetes_version = kubernetes_version
        self.crd_scopes: Mapping[tuple[str, str], bool] = dict(crd_scopes or {})

    def replace(
        self,
        objects: Mapping[ObjectKey, StoredObject],
        crd_scopes: Mapping[tuple[str, str], bool] | None = None,
    ) -> Store:
        """A new snapshot with the same settings and these objects (and CRD scopes)."""
        scopes = self.crd_scopes if crd_scopes is None else crd_scopes
        return Store(objects, self.default_namespace, self.kubernetes_version, scopes)

    def is_namespaced(self, group: str, kind: str) -> bool | None:
        """Built-in scope, else the scope of a CRD this store has seen, else a process-wide
        registration (kubelint.k8s.scope.register_crd); None when unknown."""
        if scope.is_builtin(group, kind):
            return scope.is_namespaced(group, kind)
        found = self.crd_scopes.get((group, kind))
        return found if found is not None else scope.is_namespaced(group, kind)

    def __len__(self) -> int:
        return len(self._objects)

    def __iter__(self) -> Iterator[StoredObject]:
        """Objects in key order (group, kind, namespace, name)."""
        return iter(self._objects.values())

    def __contains__(self, key: object) -> bool:
        return key in self._objects

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Store):
            return NotImplemented
        return {k: o.body for k, o in self._objects.items()} == {
            k: o.body for k, o in other._objects.items()
        }

    __hash__ = None  # type: ignore[assignment]

    def get(self, key: ObjectKey) -> StoredObject | None:
        return self._objects.get(key)

    def objects(self) -> Mapping[ObjectKey, StoredObject]:
        return self._objects

    def of_kind(self, group: str, kind: str) -> list[StoredObject]:
        return self._by_kind.get((group, kind), [])

    def in_namespace(self, namespace: str) -> list[StoredObject]:
        """Objects of one namespace; "" lists the cluster-scoped ones."""
        return self._by_namespace.get(namespace, [])

    def namespaces(self) -> list[str]:
        """Namespaces that hold objects or are stored as Namespace objects, sorted."""
        names = {key.name for key in self._objects if key.group == "" and key.kind == "Namespace"}
        names.update(ns for ns in self._by_namespace if ns)
        return sorted(names)

    def select(
        self, selector: Selector, namespace: str | None = ALL_NAMESPACES, kind: str | None = None
    ) -> list[StoredObject]:
        """Objects whose metadata.labels match, in key order; optionally one namespace/kind."""
        found = self._labels.select(selector, namespace)
        return [o for o in found if kind is None or o.key.kind == kind]

    def owned_by(self, owner: StoredObject) -> list[StoredObject]:
        """Objects whose ownerReferences name `owner` by uid, or by kind and name."""
        by_uid = self._by_owner.get(("uid", owner.uid), [])
        by_name = self._by_owner.get(("name", owner.key.namespace, owner.key.kind, owner.key.name))
        seen: dict[ObjectKey, StoredObject] = {o.key: o for o in by_uid}
        for obj in by_name or []:
            seen.setdefault(obj.key, obj)
        return [seen[k] for k in sorted(seen)]

    @functools.cached_property
    def _by_kind(self) -> dict[tuple[str, str], list[StoredObject]]:
        out: dict[tuple[str, str], list[StoredObject]] = {}
        for obj in self._objects.values():
            out.setdefault((obj.key.group, obj.key.kind), []).append(obj)
        return out

    @functools.cached_property
    def _by_namespace(self) -> dict[str, list[StoredObject]]:
        out: dict[str, list[StoredObject]] = {}
        for obj in self._objects.values():
            out.setdefault(obj.key.namespace, []).append(obj)
        return out

    @functools.cached_property
    def _labels(self) -> LabelIndex[StoredObject]:
        index: LabelIndex[StoredObject] = LabelIndex()
        for obj in self._objects.values():
            index.add(obj, obj.key.namespace, obj.labels)
        return index

    @functools.cached_property
    def _by_owner(self) -> dict[tuple[str, ...], list[StoredObject]]:
        out: dict[tuple[str, ...], list[StoredObject]] = {}
        for obj in self._objects.values():
            for ref in obj.owner_refs():
                if isinstance(ref.get("uid"), str):
                    out.setdefault(("uid", ref["uid"]), []).append(obj)
                kind, name = ref.get("kind"), ref.get("name")
                if isinstance(kind, str) and isinstance(name, str):
                    out.setdefault(("name", obj.key.namespace, kind, name), []).append(obj)
        return out
