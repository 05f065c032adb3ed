"""Schema validation of loaded documents: resolve the kind, report API lifecycle, check fields."""

from __future__ import annotations

from kubelint.codes import finding
from kubelint.model import Document, Finding, Location, format_path
from kubelint.schema.compiled import SchemaCompileError
from kubelint.schema.registry import Resolution, SchemaRegistry

_LIFECYCLE = frozenset({"removed-api", "deprecated-api"})


class Checker:
    """Validates documents against one SchemaRegistry (one Kubernetes version, one mode)."""

    def __init__(self, registry: SchemaRegistry) -> None:
        self.registry = registry
        self._broken: dict[str, str] = {}
        self.validated = 0
        self.unvalidated = 0

    def check(self, doc: Document) -> list[Finding]:
        body = doc.body
        api_version, kind = body["apiVersion"], body["kind"]
        resolution = self.registry.resolve(api_version, kind)
        findings = self._resolution_findings(doc, resolution)
        key = resolution.schema_key
        if key is None:
            self.unvalidated += 1
            return findings
        compiled = self._compiled(key, doc, findings)
        if compiled is None:
            self.unvalidated += 1
            return findings
        self.validated += 1
        if not compiled.is_valid(body):
            from kubelint.validate.messages import violations  # only for invalid objects

            findings.extend(self._schema_findings(doc, violations(compiled.errors(body))))
        findings.extend(self._name_findings(doc))
        return findings

    def _name_findings(self, doc: Document) -> list[Finding]:
        """The apiserver requires a name (or generateName) on every object it stores."""
        meta = doc.body.get("metadata")
        if isinstance(meta, dict) and (meta.get("name") or meta.get("generateName")):
            return []
        where = doc.locate(("metadata",), True) if isinstance(meta, dict) else doc.locate(())
        return [
            finding(
                "missing-required-field",
                doc.source,
                where,
                'metadata.name: missing required field "name" (or generateName)',
                ref=doc.ref,
                path=("metadata", "name"),
                document=doc.index,
            )
        ]

    def _compiled(self, key: str, doc: Document, findings: list[Finding]):
        if key in self._broken:
            findings.append(self._invalid_crd(doc, key, self._broken[key]))
            return None
        try:
            return self.registry.validator(key)
        except SchemaCompileError as exc:
            self._broken[key] = str(exc).splitlines()[0][:200]
            findings.append(self._invalid_crd(doc, key, self._broken[key]))
            return None

    def _invalid_crd(self, doc: Document, key: str, why: str) -> Finding:
        return finding(
            "invalid-crd",
            doc.source,
            doc.locate(("kind",), True),
            f"the CRD schema for {key.replace(':', ' ')} cannot be compiled ({why}); "
            "this object was not validated",
            ref=doc.ref,
            path=("kind",),
            document=doc.index,
        )

    def _resolution_findings(self, doc: Document, res: Resolution) -> list[Finding]:
        out = []
        for issue in res.issues:
            out.append(
                finding(
                    issue.name,
                    doc.source,
                    # lifecycle findings mark the whole `apiVersion:` line (the field is fine,
                    # its value has expired); an unknown kind points at the misspelt value
                    doc.locate((issue.field,), issue.name in _LIFECYCLE),
                    issue.message,
                    ref=doc.ref,
                    path=(issue.field,),
                    document=doc.index,
                    hint=issue.hint,
                )
            )
        return out

    def _schema_findings(self, doc: Document, errors) -> list[Finding]:
        out = []
        for v in errors:
            if v.locate_path is not None:
                where = doc.locate(v.locate_path, True) if v.locate_path else Location(doc.line, 1)
            else:
                where = doc.locate(v.path, v.at_key)
            prefix = f"{format_path(v.path)}: " if v.path else ""
            out.append(
                finding(
                    v.name,
                    doc.source,
                    where,
                    prefix + v.message,
                    ref=doc.ref,
                    path=v.path,
                    document=doc.index,
                    hint=v.hint,
                )
            )
        return out
