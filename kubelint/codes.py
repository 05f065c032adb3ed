"""The catalogue of finding codes produced by the loader and the schema validator.

A code never changes meaning once published; names are what users type in `--severity`.
Policy rules (kubelint lint) register their own codes from KL100 upward.
"""

from __future__ import annotations

from typing import NamedTuple

from kubelint.model import Finding, JsonPath, Location, ObjectRef, Severity


class Code(NamedTuple):
    code: str
    name: str
    severity: Severity
    title: str


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

CODES: dict[str, Code] = {
    c.name: c
    for c in (
        # reading and parsing
        Code("KL001", "yaml-syntax", _E, "The file is not valid YAML or JSON"),
        Code("KL002", "duplicate-key", _E, "A mapping repeats a key (the apiserver rejects it)"),
        Code("KL003", "encoding", _E, "The file is not UTF-8 text"),
        Code("KL004", "not-an-object", _E, "A document is not a mapping (list, scalar or null)"),
        Code("KL005", "missing-api-version", _E, "An object has no usable apiVersion"),
        Code("KL006", "missing-kind", _E, "An object has no usable kind"),
        Code("KL007", "too-large", _E, "A file or document exceeds the size limit"),
        Code("KL008", "too-deep", _E, "Nesting exceeds the depth limit"),
        Code("KL009", "alias-limit", _E, "YAML aliases expand beyond the limit (alias bomb)"),
        Code(
            "KL010", "ambiguous-scalar", _W, "A plain scalar reads differently in YAML 1.1 and 1.2"
        ),
        Code("KL011", "unreadable", _E, "A path cannot be read"),
        Code("KL012", "custom-tag", _W, "A YAML tag Kubernetes ignores"),
        Code("KL013", "no-objects", _I, "A file holds no Kubernetes object"),
        Code("KL014", "invalid-number", _E, "A number JSON cannot carry (.inf, .nan)"),
        Code("KL015", "too-many-objects", _E, "The input has more objects than the limit"),
        # schema
        Code("KL020", "schema-violation", _E, "The object does not match its schema"),
        Code("KL021", "unknown-field", _E, "A field the schema does not define (strict mode)"),
        Code("KL022", "missing-required-field", _E, "A required field is missing"),
        Code("KL023", "invalid-type", _E, "A value has the wrong JSON type"),
        Code("KL024", "invalid-value", _E, "A value is outside the allowed values or range"),
        Code("KL030", "unknown-kind", _E, "apiVersion/kind is not a Kubernetes API"),
        Code("KL031", "missing-schema", _E, "A custom resource whose CRD is not known"),
        Code("KL032", "deprecated-api", _W, "The apiVersion is deprecated in the target version"),
        Code(
            "KL033", "removed-api", _E, "The apiVersion is no longer served by the target version"
        ),
        Code("KL034", "cel-not-evaluated", _I, "CRD x-kubernetes-validations (CEL) rules not run"),
        Code("KL035", "invalid-crd", _E, "A CRD schema kubelint cannot use"),
        Code("KL036", "not-an-api-object", _I, "A component configuration file, not validated"),
    )
}
BY_CODE: dict[str, Code] = {c.code: c for c in CODES.values()}


def register(*codes: Code) -> None:
    """Add the codes of a later stage (store, diff, simulate, lint machinery) to the catalogue.

    Idempotent for identical entries; a clash in code or name is a programming error."""
    for code in codes:
        existing = CODES.get(code.name) or BY_CODE.get(code.code)
        if existing is not None and existing != code:
            raise ValueError(f"code {code.code} {code.name} clashes with {existing}")
        CODES[code.name] = code
        BY_CODE[code.code] = code


def lookup(key: str) -> Code:
    """Find a code by name (`unknown-field`) or id (`KL021`)."""
    code = CODES.get(key) or BY_CODE.get(key.upper())
    if code is None:
        raise KeyError(key)
    return code


def finding(
    name: str,
    source: str,
    location: Location,
    message: str,
    *,
    ref: ObjectRef | None = None,
    path: JsonPath = (),
    document: int | None = None,
    hint: str | None = None,
) -> Finding:
    code = CODES[name]
    return Finding(
        source,
        location.line,
        location.column,
        code.code,
        code.name,
        code.severity,
        message,
        ref,
        path,
        document,
        hint,
    )
