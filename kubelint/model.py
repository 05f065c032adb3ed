"""The document model every stage shares: objects, references, findings.

Plain immutable data, no I/O. Stages produce `Finding`s; only `kubelint.report` prints them.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

JsonPath = tuple[str | int, ...]
"""A path into an object: ("spec", "template", "spec", "containers", 0, "image")."""


class Severity(enum.IntEnum):
    """Finding severity; ordered so that `a >= b` means "at least as severe"."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None

    def __str__(self) -> str:
        return self.name.lower()


class Location(NamedTuple):
    """1-based line and column in a source file."""

    line: int
    column: int


class ObjectRef(NamedTuple):
    """Identity of an object: group, version, kind, namespace, name."""

    group: str
    version: str
    kind: str
    namespace: str | None
    name: str

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def __str__(self) -> str:
        name = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {name}" if name else self.kind


_SIMPLE_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")


def format_path(path: JsonPath) -> str:
    """Render a JsonPath the way users write it: spec.containers[0].image.

    Keys that are not simple identifiers are bracket-quoted:
    metadata.labels["app.kubernetes.io/name"].
    """
    if path.__class__ is tuple:  # findings' paths: the same few repeat across thousands
        try:
            return _format_tuple(path)
        except TypeError:  # unhashable step: not a JsonPath, formatted as it comes
            pass
    return _format(path)


@functools.lru_cache(maxsize=4096)
def _format_tuple(path: tuple[str | int, ...]) -> str:
    return _format(path)


def _format(path: JsonPath) -> str:
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _SIMPLE_KEY.match(part):
            out.append(f".{part}" if out else part)
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'["{escaped}"]')
    return "".join(out)


class Finding(NamedTuple):
    """One problem found in the input, with where it is and what to do about it.

    Sorted by (source, line, column, code, message) for stable output.
    """

    source: str
    line: int
    column: int
    code: str
    name: str
    severity: Severity
    message: str
    ref: ObjectRef | None = None
    path: JsonPath = ()
    document: int | None = None
    hint: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (self.source, self.line, self.column, self.code, self.message, self.path_text)

    @property
    def path_text(self) -> str:
        return format_path(self.path)

    def with_severity(self, severity: Severity) -> Finding:
        return self._replace(severity=severity)

    def one_line(self) -> str:
        """`file:line:col: severity CODE name: message`, as concise reports and stderr show it."""
        where = f"{self.source}:{self.line}:{self.column}"
        return f"{where}: {self.severity} {self.code} {self.name}: {self.message}"


Locator = Callable[[JsonPath, bool], Location]
"""Maps (path, at_key) to a location; at_key asks for the key's position rather than the value's."""


class Document:
    """One Kubernetes object from a source file.

    `body` holds plain Python data (dict/list/str/int/float/bool/None). `base_path` is the path of
    this object inside its YAML document: () normally, ("items", 3) for an item of a `kind: List`.
    Positions are looked up lazily through `locator`, so the fast path never computes them.
    `wide_ints` is the loader's note of whether the body holds an int outside int32 (None when
    not known), which lets the int-range rule skip the rest without walking them.
    """

    __slots__ = ("base_path", "body", "index", "line", "locator", "ref", "source", "wide_ints")

    def __init__(
        self,
        body: Mapping[str, Any],
        source: str,
        index: int,
        line: int,
        ref: ObjectRef | None = None,
        base_path: JsonPath = (),
        locator: Locator | None = None,
    ) -> None:
        self.body = body
        self.source = source
        self.index = index
        self.line = line
        self.ref = ref
        self.base_path = base_path
        self.locator = locator
        self.wide_ints: bool | None = None  # an int outside int32 in body (None: unknown)

    def __repr__(self) -> str:
        return f"Document({self.source}#{self.index}{list(self.base_path) or ''}, {self.ref})"

    def locate(self, path: JsonPath, at_key: bool = False) -> Location:
        """Position of `path` (relative to this object); falls back to the nearest parent."""
        if self.locator is None:
            return Location(self.line, 1)
        return self.locator(self.base_path + tuple(path), at_key)


def object_ref(body: Mapping[str, Any]) -> ObjectRef | None:
    """Build an ObjectRef from apiVersion/kind/metadata, or None when they are unusable."""
    api_version = body.get("apiVersion")
    kind = body.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not kind:
        return None
    group, _, version = api_version.rpartition("/")
    meta = body.get("metadata")
    namespace = name = None
    if isinstance(meta, Mapping):
        namespace = meta.get("namespace")
        name = meta.get("name") or meta.get("generateName")
    return ObjectRef(
        group,
        version,
        kind,
        namespace if isinstance(namespace, str) and namespace else None,
        name if isinstance(name, str) else "",
    )


def dicts(value: Any) -> list[dict[str, Any]]:
    """The mapping items of a list in a body ([] when value is not a list). A null item passes
    the schema stage (Go decodes it as an empty struct): loops over containers, ports, volumes
    skip it."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
