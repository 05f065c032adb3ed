"""Resolve apiVersion + kind to a schema, for one target Kubernetes version.

    registry = SchemaRegistry("1.32", strict=True)
    res = registry.resolve("apps/v1", "Deployment")   # res.schema_key == "apps/v1:Deployment"
    registry.validator(res.schema_key).is_valid(body)

Built-in kinds come from the bundled schemas; custom kinds from CRDs registered with
`add_crd`. A lookup that fails says why (unknown kind, removed API, missing CRD) and suggests
the nearest valid spelling.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from kubelint.schema import bundle, crd
from kubelint.schema.bundle import version_key
from kubelint.schema.compiled import (
    CompiledSchema,
    close_object_schemas,
    closure,
    compile_schema,
)

CONFIG_GROUPS = {
    "kustomize.config.k8s.io": "a kustomize file",
    "kubelet.config.k8s.io": "kubelet configuration",
    "kubeproxy.config.k8s.io": "kube-proxy configuration",
    "kubescheduler.config.k8s.io": "kube-scheduler configuration",
    "kubecontrollermanager.config.k8s.io": "kube-controller-manager configuration",
    "apiserver.config.k8s.io": "kube-apiserver configuration",
    "apiserver.k8s.io": "kube-apiserver configuration",
    "audit.k8s.io": "an audit policy (kube-apiserver configuration)",
    "kubeadm.k8s.io": "kubeadm configuration",
    "kind.x-k8s.io": "a kind cluster configuration",
    "client.authentication.k8s.io": "client credential plugin data",
    "kubelint.dev": "a kubelint file (a simulate --cluster description or a custom rule)",
}
"""API groups of configuration files that look like objects but are read by a component."""


class Issue(NamedTuple):
    """Something resolution found: a finding name with its message (no location yet)."""

    name: str
    message: str
    hint: str | None = None
    field: str = "apiVersion"


class Resolution:
    """What a lookup found: the schema key to validate with (if any) and the issues met."""

    __slots__ = ("custom", "issues", "schema_key")

    def __init__(
        self,
        schema_key: str | None = None,
        custom: crd.CustomKind | None = None,
        issues: list[Issue] | None = None,
    ) -> None:
        self.schema_key = schema_key
        self.custom = custom
        self.issues = issues if issues is not None else []


class SchemaRegistry:
    def __init__(self, version: str | None = None, strict: bool = True) -> None:
        self.version = bundle.normalise_version(version) if version else bundle.default_version()
        self.strict = strict
        self.bundle = bundle.load_bundle(self.version)
        self._served: dict[str, list[str]] = bundle.index()["served"]
        self._groups = {_group(key) for key in self._served}
        self._groups.update(_group(row["apiVersion"] + ":") for row in bundle.deprecations())
        self._deprecations = {
            f"{row['apiVersion']}:{row['kind']}": row for row in bundle.deprecations()
        }
        self._custom: dict[str, crd.CustomKind] = {}
        self._compiled: dict[str, CompiledSchema] = {}
        self._definitions: dict[str, Any] = {}

    # -- CRDs ------------------------------------------------------------------------------
    def add_crd(self, body: Mapping[str, Any]) -> list[crd.CustomKind]:
        """Register the kinds of a CRD; returns them (an empty list if it defines none)."""
        kinds = crd.custom_kinds(body)
        for kind in kinds:
            key = f"{kind.api_version}:{kind.kind}"
            if key in self._custom and key in self._compiled:
                del self._compiled[key]
            self._custom[key] = kind
        return kinds

    @property
    def custom_kinds(self) -> dict[str, crd.CustomKind]:
        return self._custom

    def is_builtin_group(self, api_version: str) -> bool:
        return _group(api_version + ":") in self._groups

    # -- resolution ------------------------------------------------------------------------
    def resolve(self, api_version: str, kind: str) -> Resolution:
        key = f"{api_version}:{kind}"
        if self.is_builtin_group(api_version):
            return self._resolve_builtin(key, api_version, kind)
        custom = self._custom.get(key)
        if custom is not None:
            return self._resolve_custom(key, custom)
        group = api_version.rpartition("/")[0]
        if group in CONFIG_GROUPS:
            return Resolution(
                issues=[
                    Issue(
                        "not-an-api-object",
                        f"{api_version} {kind} is {CONFIG_GROUPS[group]}, not an object the "
                        "apiserver stores: not validated",
                        "exclude such files with --exclude, or check them with their own tool",
                    )
                ]
            )
        if "." not in group:
            return Resolution(issues=[self._unknown(api_version, kind)])
        return Resolution(issues=[self._missing_crd(api_version, kind)])

    def _resolve_builtin(self, key: str, api_version: str, kind: str) -> Resolution:
        res = Resolution()
        row = self._deprecations.get(key)
        removed = row and row.get("removed")
        if removed and version_key(removed) <= version_key(self.version):
            res.issues.append(
                Issue("removed-api", _removed_message(row, self.version), _replacement_hint(row))
            )
            return res
        if key not in self.bundle.kinds:
            res.issues.append(self._not_served(key, api_version, kind))
            return res
        if (
            row
            and row.get("deprecated")
            and (version_key(row["deprecated"]) <= version_key(self.version))
        ):
            res.issues.append(
                Issue(
                    "deprecated-api", _deprecated_message(row, self.version), _replacement_hint(row)
                )
            )
        res.schema_key = key
        return res

    def _resolve_custom(self, key: str, custom: crd.CustomKind) -> Resolution:
        res = Resolution(custom=custom)
        if not custom.served:
            res.issues.append(
                Issue(
                    "removed-api",
                    f"{custom.api_version} {custom.kind} is not served (CRD {custom.crd_name} "
                    "has served: false for this version)",
                )
            )
            return res
        if custom.deprecated:
            warning = custom.deprecation_warning or (
                f"{custom.api_version} {custom.kind} is deprecated by its CRD"
            )
            res.issues.append(Issue("deprecated-api", warning))
        if custom.schema is None:
            return res  # CRDs without a schema accept anything (apiextensions v1beta1)
        res.schema_key = key
        return res

    def _not_served(self, key: str, api_version: str, kind: str) -> Issue:
        span = self._served.get(key)
        if span:
            first, last = span
            when = (
                f"first served in {first}"
                if version_key(first) > version_key(self.version)
                else f"last served in {last}"
            )
            return Issue(
                "unknown-kind",
                f"{api_version} {kind} is not served by Kubernetes {self.version} ({when})",
                "pick the target with --kubernetes-version",
            )
        return self._unknown(api_version, kind)

    def _unknown(self, api_version: str, kind: str) -> Issue:
        served_as = sorted(k.split(":")[0] for k in self.bundle.kinds if k.split(":")[1] == kind)
        if served_as:
            return Issue(
                "unknown-kind",
                f"{api_version} has no kind {kind}; Kubernetes {self.version} serves {kind} as "
                f"{' and '.join(served_as)}",
                f"use apiVersion: {served_as[-1]}",
            )
        same_version = [
            k.split(":")[1] for k in self.bundle.kinds if k.startswith(api_version + ":")
        ]
        candidates = same_version or [k.split(":")[1] for k in self.bundle.kinds]
        close = _close_matches(kind, sorted(set(candidates)), n=1, cutoff=0.75)
        if close:
            return Issue(
                "unknown-kind",
                f"unknown kind {kind} in {api_version}",
                f"did you mean {close[0]}?",
                "kind",
            )
        if not same_version:
            versions = sorted({k.split(":")[0] for k in self.bundle.kinds})
            near = _close_matches(api_version, versions, n=1, cutoff=0.8)
            hint = f"did you mean {near[0]}?" if near else None
            return Issue(
                "unknown-kind",
                f"{api_version} is not an API version served by Kubernetes {self.version}",
                hint,
            )
        return Issue("unknown-kind", f"unknown kind {kind} in {api_version}", field="kind")

    def _missing_crd(self, api_version: str, kind: str) -> Issue:
        known = sorted(self._custom)
        near = _close_matches(f"{api_version}:{kind}", known, n=1, cutoff=0.85)
        hint = (
            f"did you mean {near[0].replace(':', ' ')}?"
            if near
            else "pass its CustomResourceDefinition with --crd PATH, or set "
            "--missing-schema warning|info|ignore"
        )
        return Issue(
            "missing-schema",
            f"no schema for {api_version} {kind}: no CustomResourceDefinition for it was found",
            hint,
        )

    # -- validators ------------------------------------------------------------------------
    def validator(self, schema_key: str) -> CompiledSchema:
        compiled = self._compiled.get(schema_key)
        if compiled is None:
            compiled = self._compile(schema_key)
            self._compiled[schema_key] = compiled
        return compiled

    def definition(self, name: str) -> Any:
        """A built-in definition, closed (additionalProperties: false) in strict mode."""
        body = self._definitions.get(name)
        if body is None:
            body = self.bundle.definitions[name]
            if self.strict:
                body = close_object_schemas(body)
            self._definitions[name] = body
        return body

    def _compile(self, schema_key: str) -> CompiledSchema:
        defs = self.bundle.definitions
        custom = self._custom.get(schema_key)
        if custom is not None and custom.schema is not None:
            root = crd.to_json_schema(custom.schema, self.strict)
            root["$defs"] = {n: self.definition(n) for n in closure(defs, crd.OBJECT_META)}
            return compile_schema(root, schema_key)
        name = self.bundle.kinds[schema_key]
        schema = {
            "$ref": f"#/$defs/{name}",
            "$defs": {n: self.definition(n) for n in closure(defs, name)},
        }
        return compile_schema(schema, schema_key)

    def definition_name(self, schema_key: str) -> str | None:
        return self.bundle.kinds.get(schema_key)


def _group(key: str) -> str:
    api_version = key.split(":")[0]
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def _removed_message(row: Mapping[str, Any], target: str) -> str:
    return (
        f"{row['apiVersion']} {row['kind']} was removed in Kubernetes {row['removed']} "
        f"(target is {target})"
    )


def _deprecated_message(row: Mapping[str, Any], target: str) -> str:
    removal = f"; removed in {row['removed']}" if row.get("removed") else ""
    return (
        f"{row['apiVersion']} {row['kind']} is deprecated since Kubernetes "
        f"{row['deprecated']}{removal}"
    )


def _replacement_hint(row: Mapping[str, Any]) -> str | None:
    replacement = row.get("replacement")
    note = row.get("note")
    if replacement:
        kind = row.get("replacementKind") or row["kind"]
        text = f"use {replacement}" + (f" {kind}" if kind != row["kind"] else "")
        return f"{text} ({note})" if note else text
    return note or None


def _close_matches(word: str, candidates: list[str], n: int, cutoff: float) -> list[str]:
    import difflib  # only when a lookup failed

    return difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff)
