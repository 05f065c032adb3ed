"""CustomResourceDefinitions → JSON Schemas for their custom resources.

A CRD's `openAPIV3Schema` is OpenAPI v3 with Kubernetes extensions, not JSON Schema. The
conversion keeps its meaning as the apiserver applies it:
- `nullable: true` adds "null" to the type;
- `x-kubernetes-int-or-string: true` means integer or string;
- `x-kubernetes-preserve-unknown-fields: true` keeps unknown fields: no strict closing there;
- `x-kubernetes-embedded-resource: true` objects may carry apiVersion, kind and metadata;
- in strict mode, objects that list `properties` reject other fields, which is what
  `kubectl apply` (server-side field validation, Strict) reports as "unknown field";
- the root accepts apiVersion and kind, and `metadata` is checked as ObjectMeta.
CEL rules (`x-kubernetes-validations`) are counted, not evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
CRD_GROUP = "apiextensions.k8s.io"


class CustomKind(NamedTuple):
    group: str
    version: str
    kind: str
    schema: Mapping[str, Any] | None
    served: bool
    deprecated: bool
    deprecation_warning: str | None
    crd_name: str

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"


def is_crd(body: Mapping[str, Any]) -> bool:
    api_version = body.get("apiVersion")
    return (
        body.get("kind") == "CustomResourceDefinition"
        and isinstance(api_version, str)
        and api_version.startswith(CRD_GROUP + "/")
    )


def crd_bodies(documents: Iterable[Any]) -> list[dict[str, Any]]:
    """Copies of the bodies of the CRDs among loaded documents."""
    return [dict(d.body) for d in documents if is_crd(d.body)]


def custom_kinds(body: Mapping[str, Any]) -> list[CustomKind]:
    """The kinds a CRD defines, one per version (v1 and v1beta1 CRDs)."""
    spec = body.get("spec")
    if not isinstance(spec, Mapping):
        return []
    group = spec.get("group")
    names = spec.get("names")
    kind = names.get("kind") if isinstance(names, Mapping) else None
    if not isinstance(group, str) or not isinstance(kind, str):
        return []
    meta = body.get("metadata")
    crd_name = meta.get("name", "") if isinstance(meta, Mapping) else ""
    shared_schema = _schema_of(spec.get("validation"))  # v1beta1: one schema for all versions
    versions = spec.get("versions")
    if not isinstance(versions, list) or not versions:
        version = spec.get("version")
        versions = [{"name": version, "served": True}] if isinstance(version, str) else []
    out = []
    for entry in versions:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            continue
        schema = _schema_of(entry.get("schema")) or shared_schema
        warning = entry.get("deprecationWarning")
        out.append(
            CustomKind(
                group,
                entry["name"],
                kind,
                schema,
                entry.get("served", True) is not False,
                entry.get("deprecated") is True,
                warning if isinstance(warning, str) else None,
                str(crd_name),
            )
        )
    return out


def _schema_of(holder: Any) -> Mapping[str, Any] | None:
    if isinstance(holder, Mapping):
        schema = holder.get("openAPIV3Schema")
        if isinstance(schema, Mapping):
            return schema
    return None


def count_cel_rules(schema: Any) -> int:
    """How many x-kubernetes-validations rules a schema carries, at any depth."""
    count = 0
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            rules = node.get("x-kubernetes-validations")
            if isinstance(rules, list):
                count += len(rules)
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
    return count


def to_json_schema(schema: Mapping[str, Any], strict: bool) -> dict[str, Any]:
    """Convert a CRD root schema; the result refers to `#/$defs/<ObjectMeta>` for metadata."""
    root = _convert(schema, strict)
    props = dict(root.get("properties", {}))
    props["apiVersion"] = {"type": "string"}
    props["kind"] = {"type": "string"}
    props["metadata"] = {"$ref": f"#/$defs/{OBJECT_META}"}
    root["properties"] = props
    root.setdefault("type", "object")
    return root


_SCHEMA_KEYS_WITH_SCHEMA = ("items", "additionalProperties", "not")
_SCHEMA_KEYS_WITH_LIST = ("allOf", "anyOf", "oneOf")


def _convert(node: Any, strict: bool) -> Any:
    if not isinstance(node, Mapping):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties", "definitions", "dependencies"):
            if isinstance(value, Mapping):
                out[key] = {k: _convert(v, strict) for k, v in value.items()}
        elif key in _SCHEMA_KEYS_WITH_SCHEMA:
            out[key] = _convert(value, strict) if isinstance(value, Mapping) else value
        elif key in _SCHEMA_KEYS_WITH_LIST:
            if isinstance(value, list):
                out[key] = [_convert(v, strict) for v in value]
        elif key in ("description", "example", "externalDocs", "x-kubernetes-validations"):
            continue  # documentation and CEL: no meaning for JSON Schema
        elif key == "default":
            continue  # applied by the apiserver, not validated
        else:
            out[key] = value
    _apply_extensions(out, strict)
    return out


def _apply_extensions(out: dict[str, Any], strict: bool) -> None:
    nullable = out.pop("nullable", False) is True
    if out.get("x-kubernetes-int-or-string") is True and "type" not in out:
        out["type"] = ["integer", "string"]
        out.pop("anyOf", None)  # the usual companion anyOf says the same
    if nullable and "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*types, "null"] if "null" not in types else types
    if nullable and "enum" in out and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    preserve = out.get("x-kubernetes-preserve-unknown-fields") is True
    if out.get("x-kubernetes-embedded-resource") is True:
        props = dict(out.get("properties", {}))
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object"})
        out["properties"] = props
    if strict and "properties" in out and "additionalProperties" not in out and not preserve:
        out["additionalProperties"] = False
