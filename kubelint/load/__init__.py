"""Loading: input files → `Document`s plus the findings met on the way.

loaded = load_file(InputFile("app.yaml", "app.yaml"))
loaded.documents[0].locate(("spec", "replicas"))  # -> Location(line=7, column=13)
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

from kubelint.codes import finding
from kubelint.load.construct import INT32_MAX, INT32_MIN
from kubelint.load.decode import decode
from kubelint.load.files import STDIN_NAME, Discovery, InputFile, discover
from kubelint.load.limits import MIB, Limits
from kubelint.load.parse import Problem, RawDocument, YamlText
from kubelint.model import Document, Finding, JsonPath, Location, ObjectRef, object_ref

__all__ = [
    "STDIN_NAME",
    "Discovery",
    "InputFile",
    "Limits",
    "LoadedFile",
    "discover",
    "load_file",
    "load_text",
]


class LoadedFile:
    """One input file: its objects, the findings met while reading it, and its text."""

    __slots__ = ("documents", "empty_documents", "findings", "source", "text")

    def __init__(
        self,
        source: str,
        documents: list[Document] | None = None,
        findings: list[Finding] | None = None,
        empty_documents: int = 0,
        text: str | None = None,
    ) -> None:
        self.source = source
        self.documents = documents if documents is not None else []
        self.findings = findings if findings is not None else []
        self.empty_documents = empty_documents
        self.text = text


def load_file(item: InputFile, limits: Limits | None = None) -> LoadedFile:
    """Read and parse one input file. Never raises for bad input: problems become findings."""
    limits = limits or Limits()
    data, error = _read(item, limits)
    if error is not None:
        return LoadedFile(item.name, findings=[error])
    return load_bytes(data, item.name, limits, is_json=item.path.endswith(".json"))


def load_bytes(data: bytes, source: str, limits: Limits, is_json: bool = False) -> LoadedFile:
    decoded = decode(data)
    findings = [_finding(p, source) for p in decoded.problems]
    if decoded.text is None:
        return LoadedFile(source, findings=findings)
    loaded = load_text(decoded.text, source, limits, is_json=is_json)
    loaded.findings[:0] = findings
    return loaded


def load_text(
    text: str, source: str, limits: Limits | None = None, is_json: bool = False
) -> LoadedFile:
    """Parse YAML (or JSON) text into Documents."""
    limits = limits or Limits()
    yaml_text = YamlText(text, limits)
    # like kubectl (NewYAMLOrJSONDecoder), a stream that starts with "{" is read as JSON first
    result = _parse_json(text) if is_json or text.lstrip()[:1] == "{" else None
    if result is None:
        result = yaml_text.parse()
    loaded = LoadedFile(source, text=text, empty_documents=result.empty_documents)
    for raw in result.documents:
        _objects(raw, yaml_text, loaded)
    refs = {d.index: d.ref for d in loaded.documents if not d.base_path}
    loaded.findings[:0] = [_finding(p, source, refs.get(p.document)) for p in result.problems]
    if not loaded.documents and not loaded.findings:
        loaded.findings.append(
            finding(
                "no-objects",
                source,
                Location(1, 1),
                "no Kubernetes object in this file"
                + (
                    f" ({result.empty_documents} empty document(s))"
                    if result.empty_documents
                    else ""
                ),
            )
        )
    return loaded


def _read(item: InputFile, limits: Limits) -> tuple[bytes, Finding | None]:
    cap = limits.max_file_bytes
    try:
        if item.is_stdin:
            data = sys.stdin.buffer.read(cap + 1) if sys.stdin is not None else b""
        else:
            with open(item.path, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size > cap:
                    return b"", _too_large(item.name, size, cap)
                data = fh.read(cap + 1)
    except OSError as error:
        return b"", finding(
            "unreadable", item.name, Location(1, 1), f"cannot read: {error.strerror or error}"
        )
    except ValueError as error:  # e.g. stdin closed
        return b"", finding("unreadable", item.name, Location(1, 1), f"cannot read: {error}")
    if len(data) > cap:
        return b"", _too_large(item.name, len(data), cap)
    return data, None


def _too_large(name: str, size: int, cap: int) -> Finding:
    return finding(
        "too-large",
        name,
        Location(1, 1),
        f"file is {'over ' if size == cap + 1 else ''}{size / MIB:.1f} MiB, over the "
        f"{cap / MIB:.0f} MiB limit; not parsed (use --max-file-size to raise it)",
    )


def _finding(problem: Problem, source: str, ref: ObjectRef | None = None) -> Finding:
    return finding(
        problem.name,
        source,
        Location(problem.line, problem.column),
        problem.message,
        ref=ref,
        path=problem.path,
        document=problem.document,
        hint=problem.hint,
    )


def _parse_json(text: str):  # -> ParseResult | None
    """Fast path for .json files; None hands the text to the YAML parser (which reports)."""
    from kubelint.load.parse import ParseResult

    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                duplicates.append(key)
            out[key] = value
        return out

    constants: list[str] = []
    wide: list[str] = []

    def integer(digits: str) -> int | float:
        value = _json_int(digits)
        if len(digits) > 9 and not INT32_MIN <= value <= INT32_MAX:  # as the YAML loader notes
            wide.append(digits)
        return value

    def constant(name: str) -> None:
        constants.append(name)

    try:
        value = json.loads(
            text, object_pairs_hook=pairs, parse_constant=constant, parse_int=integer
        )
    except (ValueError, RecursionError):
        return None
    if duplicates:
        return None  # the YAML parser reports duplicates with their positions
    if "\\u" in text and re.search(r"\\u[dD][89a-fA-F]", text) and _lone_surrogate(value):
        return None  # JSON pairs are fine; a lone one: the YAML path reports it with a position
    if constants:  # NaN, Infinity: Python's json accepts them, kubectl does not
        return ParseResult([], [_constant_problem(text, c) for c in sorted(set(constants))], 0)
    return ParseResult([RawDocument(value, 0, 1, -1, 0, bool(wide))], [], 0)


def _lone_surrogate(node: Any) -> bool:
    if isinstance(node, str):
        return any("\ud800" <= c <= "\udfff" for c in node)
    if isinstance(node, dict):
        return any(_lone_surrogate(k) or _lone_surrogate(v) for k, v in node.items())
    if isinstance(node, list):
        return any(_lone_surrogate(v) for v in node)
    return False


def _json_int(digits: str) -> int | float:
    """JSON integers of any length (Python's int() stops at 4,300 digits; Go's decoder reads
    longer ones as a float64, infinite here, which no integer or string field accepts)."""
    return int(digits) if len(digits) <= 4000 else float(digits)


def _constant_problem(text: str, name: str) -> Problem:
    match = re.search(r"(?<![\w\"])" + re.escape(name) + r"(?![\w\"])", text)
    offset = match.start() if match else 0
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Problem(
        "yaml-syntax",
        line,
        column,
        f"{name} is not valid JSON (kubectl rejects it): JSON has no NaN or infinity",
    )


class Positions:
    """The locator of one parsed document: a callable that pickles (with its text), so that
    Documents can travel between processes and still find their lines."""

    __slots__ = ("raw", "yaml_text")

    def __init__(self, yaml_text: YamlText, raw: RawDocument) -> None:
        self.yaml_text = yaml_text
        self.raw = raw

    def __call__(self, path: JsonPath, at_key: bool) -> Location:
        return self.yaml_text.locate(self.raw, path, at_key)


def _objects(raw: RawDocument, yaml_text: YamlText, loaded: LoadedFile) -> None:
    _add_object(raw.value, (), raw, Positions(yaml_text, raw), loaded, nested=False)


def _add_object(
    value: Any, base: JsonPath, raw: RawDocument, locator, loaded: LoadedFile, nested: bool
) -> None:
    source = loaded.source
    where = locator(base, False) if (base or not isinstance(value, dict)) else None
    if not isinstance(value, dict):
        what = {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
            type(value), "a number"
        )
        loaded.findings.append(
            finding(
                "not-an-object",
                source,
                where or Location(raw.line, 1),
                f"{'list item' if nested else 'document'} is {what}, not a mapping: "
                "a Kubernetes object needs apiVersion, kind and metadata",
                path=base,
                document=raw.index,
            )
        )
        return
    if _is_list(value) and not nested:
        for i, item in enumerate(value["items"]):
            _add_object(item, ("items", i), raw, locator, loaded, nested=True)
        return
    line = where.line if where else raw.line
    document = Document(value, source, raw.index, line, object_ref(value), base, locator)
    document.wide_ints = raw.wide_ints
    problems = _type_meta_problems(value)
    for name, key, message in problems:
        at = document.locate((key,), True) if key in value else Location(line, 1)
        loaded.findings.append(
            finding(
                name,
                source,
                at,
                message,
                ref=document.ref,
                path=(key,) if key in value else (),
                document=raw.index,
            )
        )
    if not problems:
        loaded.documents.append(document)


def _is_list(value: dict[str, Any]) -> bool:
    kind = value.get("kind")
    return (
        isinstance(kind, str)
        and kind.endswith("List")
        and isinstance(value.get("items"), list)
        and isinstance(value.get("apiVersion"), str)
    )


def _type_meta_problems(value: dict[str, Any]) -> list[tuple[str, str, str]]:
    out = []
    api_version = value.get("apiVersion")
    if not isinstance(api_version, str) or not api_version.strip():
        out.append(("missing-api-version", "apiVersion", _missing(value, "apiVersion")))
    elif api_version.count("/") > 1 or api_version != api_version.strip():
        out.append(
            (
                "missing-api-version",
                "apiVersion",
                f"apiVersion {api_version!r} is not of the form GROUP/VERSION or VERSION",
            )
        )
    kind = value.get("kind")
    if not isinstance(kind, str) or not kind.strip():
        out.append(("missing-kind", "kind", _missing(value, "kind")))
    return out


def _missing(body: dict[str, Any], field_name: str) -> str:
    if field_name not in body:
        return f"object has no {field_name}"
    value = body[field_name]
    if value is None:
        return f"{field_name} is null"
    if isinstance(value, str):
        return f"{field_name} is empty"
    return f"{field_name} must be a string, not {json.dumps(value)}"
