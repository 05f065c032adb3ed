"""Strategies derived from the bundled OpenAPI schemas, not written per kind.

`SchemaStrategies(version).for_kind("apps/v1", "Deployment")` walks the kind's definition:
required properties always, a few optional ones (fewer the deeper the object), arrays of at
most two items with unique list-map keys, maps with label-like keys, IntOrString and Quantity as
Kubernetes spells them. Known field names get realistic values (`fields.py`), and a small table
of enum-like fields keeps strings to what the apiserver accepts. Server-set fields (`status`,
`managedFields`, ...) are never generated.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from kubelint.schema.registry import SchemaRegistry
from kubelint.strategies import fields

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

ENUMS: dict[str, tuple[str, ...]] = {
    "protocol": ("TCP", "UDP", "SCTP"),
    "imagePullPolicy": ("Always", "IfNotPresent", "Never"),
    "dnsPolicy": ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"),
    "terminationMessagePolicy": ("File", "FallbackToLogsOnError"),
    "preemptionPolicy": ("PreemptLowerPriority", "Never"),
    "operator": ("Exists",),
    "effect": ("NoSchedule", "PreferNoSchedule", "NoExecute"),
    "pathType": ("Exact", "Prefix", "ImplementationSpecific"),
    "sessionAffinity": ("None", "ClientIP"),
    "podManagementPolicy": ("OrderedReady", "Parallel"),
    "concurrencyPolicy": ("Allow", "Forbid", "Replace"),
    "accessModes": ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"),
}
"""Free strings in the schemas that the apiserver restricts to a few values (by field name)."""

# Objects whose properties are alternatives: exactly one is set (the apiserver insists).
UNIONS = frozenset(
    (
        "io.k8s.api.core.v1.Volume",
        "io.k8s.api.core.v1.Probe",
        "io.k8s.api.core.v1.EnvVarSource",
        "io.k8s.api.core.v1.LifecycleHandler",
        "io.k8s.api.core.v1.VolumeProjection",
        "io.k8s.api.core.v1.PersistentVolumeSpec",
        "io.k8s.api.core.v1.EphemeralVolumeSource",
    )
)
_UNION_BASE = {"io.k8s.api.core.v1.Volume": ("name",)}
ALWAYS: dict[str, tuple[str, ...]] = {
    "io.k8s.api.core.v1.PodTemplateSpec": ("metadata", "spec"),
    "io.k8s.api.batch.v1.JobTemplateSpec": ("spec",),
    "io.k8s.api.core.v1.ServiceSpec": ("ports",),
}
"""Optional in the schema, needed by the apiserver (or by any realistic object)."""

_NAMED_STRINGS = {
    "name": fields.dns_label,
    "namespace": fields.dns_label,
    "image": fields.image,
    "schedule": fields.cron_schedule,
    "serviceAccountName": fields.dns_label,
    "claimName": fields.dns_label,
    "secretName": fields.dns_label,
    "mountPath": lambda: fields.dns_label(10).map(lambda s: "/" + s),
    "path": lambda: fields.dns_label(10).map(lambda s: "/" + s),
    "storageClassName": fields.dns_label,
    "priorityClassName": fields.dns_label,
    "topologyKey": lambda: st.just("kubernetes.io/hostname"),
    "key": fields.label_key,
}


class SchemaStrategies:
    """Strategies for one Kubernetes version's built-in kinds."""

    def __init__(self, version: str | None = None) -> None:
        self.registry = SchemaRegistry(version, strict=True)
        self.defs = self.registry.bundle.definitions
        self._cache: dict[tuple[Any, int, bool], st.SearchStrategy] = {}

    def kinds(self) -> list[str]:
        """ "apiVersion:Kind" keys of every object kind (types with metadata, not lists)."""
        out = []
        for key, name in self.registry.bundle.kinds.items():
            props = self.defs.get(name, {}).get("properties", {})
            if "metadata" in props and "items" not in props:
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
            return st.one_of(fields.port_number(), fields.port_name())
        if name == QUANTITY:
            return fields.quantity(prop if prop in ("cpu", "memory") else "any")
        if name == OBJECT_META:
            return _metadata(top=depth <= 2)
        if name == LABEL_SELECTOR:
            return st.fixed_dictionaries({"matchLabels": fields.labels(1, 2)})
        if name == "io.k8s.api.core.v1.ResourceRequirements":
            return fields.resources()
        return self._object(name, self.defs[name], depth)

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
        props = {k: v for k, v in schema.get("properties", {}).items() if k not in SERVER_SET}
        if top:
            props.pop("apiVersion", None)
            props.pop("kind", None)
        required = [k for k in schema.get("required", []) if k in props]
        required += [k for k in ALWAYS.get(name, ()) if k in props and k not in required]
        if top:
            required = [k for k in ("metadata", "spec") if k in props] + required
        required = list(dict.fromkeys(required))
        optional = sorted(k for k in props if k not in required)
        # built once per (definition, depth); st.deferred breaks recursive definitions
        values = {k: st.deferred(lambda k=k: self._node(props[k], depth + 1, k)) for k in props}
        if name in UNIONS:
            base = [k for k in _UNION_BASE.get(name, ()) if k not in required]
            choices = [k for k in optional if k not in base]
            return _object_strategy(values, [*required, *base], choices, 1, exactly=bool(choices))
        budget = 4 if depth <= 2 else 2 if depth <= 4 else 0
        return _object_strategy(values, required, optional, budget)

    def _array(self, schema: Mapping[str, Any], depth: int, prop: str) -> st.SearchStrategy:
        items = schema.get("items") or {}
        if prop in ENUMS:
            return st.lists(st.sampled_from(ENUMS[prop]), min_size=1, max_size=2, unique=True)
        max_size = 2 if depth <= 4 else 0
        keys = schema.get("x-kubernetes-list-map-keys") or (
            [schema["x-kubernetes-patch-merge-key"]]
            if schema.get("x-kubernetes-patch-merge-key")
            else []
        )
        item = self._node(items, depth + 1, prop)
        if prop in ("containers", "ports"):  # the apiserver wants at least one
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
        value = self._node(extra, depth + 1, prop)
        return st.dictionaries(fields.label_key(), value, max_size=2 if depth <= 4 else 0)

    def _scalar(self, kind: str, schema: Mapping[str, Any], prop: str) -> st.SearchStrategy:
        if "enum" in schema:
            return st.sampled_from([v for v in schema["enum"] if v is not None])
        if kind == "boolean":
            return st.booleans()
        if kind == "integer":
            if "port" in prop.lower():
                return fields.port_number()
            return st.integers(0, 100)
        if kind == "number":
            return st.floats(0, 100, allow_nan=False).map(lambda f: round(f, 2))
        if prop in ENUMS:
            return st.sampled_from(ENUMS[prop])
        if schema.get("format") == "date-time":
            return st.just("2024-01-02T03:04:05Z")
        if schema.get("format") == "byte":
            return st.sampled_from(["aGVsbG8=", "a3ViZWxpbnQ="])
        named = _NAMED_STRINGS.get(prop)
        if named is not None:
            return named()
        return fields.text(12)


def _object_strategy(
    values: Mapping[str, st.SearchStrategy],
    required: list[str],
    optional: list[str],
    budget: int,
    exactly: bool = False,
) -> st.SearchStrategy[dict[str, Any]]:
    """Required keys, then up to `budget` optional ones (exactly one with `exactly`)."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        out = {k: draw(values[k]) for k in required}
        if optional and budget:
            if exactly:
                chosen = [draw(st.sampled_from(optional))]
            else:
                chosen = sorted(draw(st.sets(st.sampled_from(optional), max_size=budget)))
            for k in chosen:
                out[k] = draw(values[k])
        return out

    return build()


def _metadata(top: bool) -> st.SearchStrategy[dict[str, Any]]:
    if not top:  # pod templates: labels matter (selectors), names do not
        return st.fixed_dictionaries({"labels": fields.labels(1, 3)})
    optional = {"labels": fields.labels(), "annotations": fields.annotations()}
    return st.fixed_dictionaries({"name": fields.dns_label(30)}, optional=optional)
