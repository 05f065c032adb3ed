"""Strategies derived from the bundled OpenAPI schemas, not written per kind.

`SchemaStrategies(version).for_kind("apps/v1", "Deployment")` walks the kind's definition:
required properties always, a few optional ones (fewer the deeper the object), arrays of at
most two items with unique list-map keys, maps with label-like keys, IntOrString and Quantity as
Kubernetes spells them. Server-set fields (`status`, `managedFields`, ...) are never generated.
What the apiserver accepts beyond the schemas (enum-like strings, integer ranges, unions of
alternatives) comes from the tables in `known.py`, realistic values from `fields.py`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from kubelint.schema.registry import SchemaRegistry
from kubelint.strategies import fields, known

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
LABEL_SELECTOR = "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"

SERVER_SET = frozenset(
    (
        "status",
        "managedFields",
        "resourceVersion",
        "uid",
        "selfLink",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "ownerReferences",
        "finalizers",
        "generateName",
        "ephemeralContainers",
        "nodeName",
        "serviceAccount",
    )
)
"""Fields left out: set by the server, deprecated aliases, or needing cluster state."""


class SchemaStrategies:
    """Strategies for one Kubernetes version's built-in kinds."""

    def __init__(self, version: str | None = None) -> None:
        self.registry = SchemaRegistry(version, strict=True)
        self.defs = self.registry.bundle.definitions
        self._cache: dict[tuple[Any, int, bool], st.SearchStrategy] = {}

    def kinds(self) -> list[str]:
        """ "apiVersion:Kind" keys of every object kind (with ObjectMeta: not lists, not
        Status)."""
        out = []
        for key, name in self.registry.bundle.kinds.items():
            meta = self.defs.get(name, {}).get("properties", {}).get("metadata", {})
            if str(meta.get("$ref", "")).endswith(OBJECT_META):
                out.append(key)
        return sorted(out)

    @functools.cache  # noqa: B019 - one instance per version, kept for the process
    def for_kind(self, api_version: str, kind: str) -> st.SearchStrategy[dict[str, Any]]:
        name = self.registry.bundle.kinds.get(f"{api_version}:{kind}")
        if name is None:
            raise ValueError(
                f"{api_version} {kind} is not a kind of Kubernetes {self.registry.version}"
            )
        body = self._object(name, self.defs[name], depth=1, top=True)
        return body.map(
            lambda obj: {
                "apiVersion": api_version,
                "kind": kind,
                "metadata": obj.pop("metadata"),
                **obj,
            }
        )

    # -- schema walk -----------------------------------------------------------------------
    def _node(self, schema: Mapping[str, Any], depth: int, prop: str = "") -> st.SearchStrategy:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            return self._named(name, depth, prop)
        types = schema.get("type")
        types = [types] if isinstance(types, str) else [t for t in (types or []) if t != "null"]
        if not types or schema.get("x-kubernetes-preserve-unknown-fields"):
            return st.builds(dict)
        kind = types[0]
        if kind == "object":
            extra = schema.get("additionalProperties")
            if "properties" not in schema and isinstance(extra, Mapping):
                return self._map(extra, depth, prop)
            return self._object("", schema, depth)
        if kind == "array":
            return self._array(schema, depth, prop)
        return self._scalar(kind, schema, prop)

    def _named(self, name: str, depth: int, prop: str) -> st.SearchStrategy:
        if name == INT_OR_STRING:
            if prop in ("maxSurge", "maxUnavailable", "minAvailable"):
                return fields.count_or_percent()
            return st.one_of(fields.port_number(), fields.port_name())
        if name == QUANTITY:
            return fields.quantity(prop if prop in ("cpu", "memory") else "any")
        if name == OBJECT_META:
            return _metadata(top=depth <= 2)
        if name == LABEL_SELECTOR:
            return st.fixed_dictionaries({"matchLabels": fields.labels(1, 2)})
        if name == "io.k8s.api.core.v1.ResourceRequirements":
            return fields.resources()
        schema = self.defs[name]
        if "properties" not in schema:  # Time, MicroTime, RawExtension...: not an object
            return self._node(schema, depth, prop)
        return self._object(name, schema, depth)

    def _object(
        self, name: str, schema: Mapping[str, Any], depth: int, top: bool = False
    ) -> st.SearchStrategy:
        key = (name or id(schema), depth, top)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._build_object(name, schema, depth, top)
        return cached

    def _build_object(
        self, name: str, schema: Mapping[str, Any], depth: int, top: bool
    ) -> st.SearchStrategy:
        skipped = (SERVER_SET | known.SKIPPED.get(name, frozenset())) - set(
            schema.get("required", ())
        )
        props = {k: v for k, v in schema.get("properties", {}).items() if k not in skipped}
        if top:
            props.pop("apiVersion", None)
            props.pop("kind", None)
        required = [k for k in schema.get("required", []) if k in props]
        required += [k for k in known.ALWAYS.get(name, ()) if k in props and k not in required]
        if top:
            required = [k for k in ("metadata", "spec") if k in props] + required
        required = list(dict.fromkeys(required))
        optional = sorted(k for k in props if k not in required)
        # built once per (definition, depth); st.deferred breaks recursive definitions
        overrides = known.BY_DEFINITION.get(name, {})
        values = {
            k: st.deferred(
                lambda k=k: overrides[k]() if k in overrides else self._node(props[k], depth + 1, k)
            )
            for k in props
        }
        budget = 4 if depth <= 2 else 2 if depth <= 4 else 0
        if name in known.UNIONS:
            alternatives = known.UNIONS[name]
            choices = [k for k in optional if alternatives is None or k in alternatives]
            rest = [k for k in optional if k not in choices]
            return _object_strategy(values, required, rest, budget, choices)
        return _object_strategy(values, required, optional, budget)

    def _array(self, schema: Mapping[str, Any], depth: int, prop: str) -> st.SearchStrategy:
        items = schema.get("items") or {}
        if prop in known.ENUMS:
            return st.lists(st.sampled_from(known.ENUMS[prop]), min_size=1, max_size=2, unique=True)
        max_size = 2 if depth <= 4 else 0
        keys = schema.get("x-kubernetes-list-map-keys") or (
            [schema["x-kubernetes-patch-merge-key"]]
            if schema.get("x-kubernetes-patch-merge-key")
            else []
        )
        item = self._node(items, depth + 1, prop)
        if prop in known.NON_EMPTY:
            return st.lists(
                item, min_size=1, max_size=2, unique_by=lambda x: tuple(str(x.get(k)) for k in keys)
            )
        if keys:
            return st.lists(
                item, max_size=max_size, unique_by=lambda x: tuple(str(x.get(k)) for k in keys)
            )
        return st.lists(item, max_size=max_size)

    def _map(self, extra: Mapping[str, Any], depth: int, prop: str) -> st.SearchStrategy:
        if prop in ("labels", "matchLabels", "nodeSelector", "selector"):
            return fields.labels()
        if prop == "annotations":
            return fields.annotations()
        if prop in ("data", "binaryData", "stringData"):  # file names when mounted
            value = self._node(extra, depth + 1, prop)
            return st.dictionaries(fields.config_key(), value, max_size=2)
        value = self._node(extra, depth + 1, prop)
        return st.dictionaries(fields.label_key(), value, max_size=2 if depth <= 4 else 0)

    def _scalar(self, kind: str, schema: Mapping[str, Any], prop: str) -> st.SearchStrategy:
        if "enum" in schema:
            return st.sampled_from([v for v in schema["enum"] if v is not None])
        if kind == "boolean":
            return st.booleans()
        if kind == "integer":
            if prop in known.INTEGERS:
                return st.integers(*known.INTEGERS[prop])
            if "port" in prop.lower():
                return fields.port_number()
            return st.integers(0, 100)
        if kind == "number":
            return st.floats(0, 100, allow_nan=False).map(lambda f: round(f, 2))
        if prop in known.ENUMS:
            return st.sampled_from(known.ENUMS[prop])
        if schema.get("format") == "date-time":
            return st.just("2024-01-02T03:04:05Z")
        if schema.get("format") == "byte":
            return st.sampled_from(["aGVsbG8=", "a3ViZWxpbnQ="])
        named = known.NAMED.get(prop)
        if named is not None:
            return named()
        return fields.text(12) if prop in known.FREE_TEXT else fields.dns_label(12)


def _object_strategy(
    values: Mapping[str, st.SearchStrategy],
    required: list[str],
    optional: list[str],
    budget: int,
    alternatives: list[str] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Required keys, exactly one of `alternatives` (when given), then up to `budget` optional
    ones."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        out = {k: draw(values[k]) for k in required}
        if alternatives:
            chosen = draw(st.sampled_from(alternatives))
            out[chosen] = draw(values[chosen])
        if optional and budget:
            for k in sorted(draw(st.sets(st.sampled_from(optional), max_size=budget))):
                out[k] = draw(values[k])
        return out

    return build()


def _metadata(top: bool) -> st.SearchStrategy[dict[str, Any]]:
    if not top:  # pod templates: labels matter (selectors), names do not
        return st.fixed_dictionaries({"labels": fields.labels(1, 3)})
    optional = {"labels": fields.labels(), "annotations": fields.annotations()}
    return st.fixed_dictionaries({"name": fields.dns_label(30)}, optional=optional)
