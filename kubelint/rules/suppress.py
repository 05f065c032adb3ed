"""Suppressions: findings the user has seen and accepted, and the ones that no longer apply.

Per object, an annotation (names or codes, separated by commas or spaces; ` -- ` starts a reason):

    metadata:
      annotations:
        kubelint.io/ignore: "latest-tag, KL201 -- the sidecar image is pinned by digest upstream"

Per line, a YAML comment on the line a finding points at, or alone on the line above it:

    image: nginx:latest  # kubelint: ignore=latest-tag -- demo only
    # kubelint: ignore=KL024,host-port
    hostPort: 80

`all` (or a bare `# kubelint: ignore`) matches every code. A suppression that matches nothing in
the run is reported as `unused-suppression` (info); an unknown name as `unknown-suppression`.
Comments are found by a scan of the lines that contain "kubelint:", so a block scalar line that
looks like such a comment counts as one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from kubelint import codes
from kubelint.model import Document, Finding, JsonPath, Location, ObjectRef
from kubelint.rules.catalogue import LINT_CODES  # noqa: F401  (registers KL090-KL092)

ANNOTATION = "kubelint.io/ignore"
ALL = "all"


_COMMENT = re.compile(r"(?:^|\s)#\s*kubelint:\s*ignore\b\s*(?:=\s*(?P<names>[^#]*))?")
_SEPARATOR = re.compile(r"[\s,]+")

ObjectKey = tuple[int | None, ObjectRef | None]
"""How a finding names its object: (document index, ref) within a source."""


class Suppression:
    """One annotation or comment: the codes it names and the ones it has matched so far."""

    __slots__ = ("codes", "column", "document", "line", "path", "ref", "source", "unknown", "used")

    def __init__(
        self,
        source: str,
        where: Location,
        codes_: frozenset[str],
        unknown: tuple[str, ...],
        ref: ObjectRef | None = None,
        document: int | None = None,
        path: JsonPath = (),
    ) -> None:
        self.source = source
        self.line, self.column = where
        self.codes = codes_  # canonical codes, or {ALL}
        self.unknown = unknown
        self.ref, self.document, self.path = ref, document, path
        self.used: set[str] = set()

    def matches(self, code: str) -> bool:
        if ALL in self.codes or code in self.codes:
            self.used.add(code)
            return True
        return False

    def findings(self, active: Callable[[str], bool]) -> Iterator[Finding]:
        """unknown-suppression for names it does not know, unused-suppression for codes it
        names that could have been reported in this run (`active`) but were not."""
        what = "annotation" if self.path else "comment"
        for name in self.unknown:
            yield self._finding("unknown-suppression", f"{what} names unknown rule {name!r}")
        if ALL in self.codes:
            unused = [] if self.used else [ALL]
        else:
            unused = sorted(c for c in self.codes - self.used if active(c))
        if unused:
            names = ", ".join(_display(c) for c in unused)
            target = "object" if self.path else "line"
            yield self._finding(
                "unused-suppression",
                f"{what} suppresses {names}, but no such finding is reported on this {target}",
                hint="remove the suppression, or the names in it that no longer apply",
            )

    def _finding(self, name: str, message: str, hint: str | None = None) -> Finding:
        return codes.finding(
            name,
            self.source,
            Location(self.line, self.column),
            message,
            ref=self.ref,
            path=self.path,
            document=self.document,
            hint=hint,
        )


def _display(code: str) -> str:
    found = codes.BY_CODE.get(code)
    return f"{code} {found.name}" if found else code


def parse_names(text: str, known: Mapping[str, str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """'a, KL201 b -- reason' → (codes, unknown names). An empty list means all."""
    names = [n for n in _SEPARATOR.split(text.partition("--")[0]) if n]
    if not names:
        return frozenset((ALL,)), ()
    found, unknown = set(), []
    for name in names:
        if name.lower() == ALL:
            found.add(ALL)
        elif name in known or name.upper() in known:
            found.add(known.get(name) or known[name.upper()])
        else:
            unknown.append(name)
    return frozenset(found), tuple(unknown)


def annotation(doc: Document, known: Mapping[str, str]) -> Suppression | None:
    """The object's kubelint.io/ignore annotation, if any."""
    meta = doc.body.get("metadata")
    notes = meta.get("annotations") if isinstance(meta, dict) else None
    value = notes.get(ANNOTATION) if isinstance(notes, dict) else None
    if not isinstance(value, str):
        return None
    path = ("metadata", "annotations", ANNOTATION)
    found, unknown = parse_names(value, known)
    return Suppression(doc.source, doc.locate(path, True), found, unknown, doc.ref, doc.index, path)


def comments(source: str, text: str, known: Mapping[str, str]) -> dict[int, list[Suppression]]:
    """`# kubelint: ignore` comments by the line they apply to."""
    out: dict[int, list[Suppression]] = {}
    if "kubelint:" not in text:
        return out
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if "kubelint:" not in line:
            continue
        match = _COMMENT.search(line)
        if match is None:
            continue
        found, unknown = parse_names(match.group("names") or "", known)
        where = Location(number, match.start() + 1 + (line[match.start()] != "#"))
        target = number if line[: match.start()].strip() else _next_content(lines, number)
        out.setdefault(target, []).append(Suppression(source, where, found, unknown))
    return out


def _next_content(lines: list[str], number: int) -> int:
    """The line a comment-only line applies to: the next one that is neither blank nor only a
    comment (its own line when there is none)."""
    for following in range(number, len(lines)):
        stripped = lines[following].strip()
        if stripped and not stripped.startswith("#"):
            return following + 1
    return number


class FileSuppressions:
    """The suppressions of one source file: by object and by line."""

    __slots__ = ("by_line", "by_object")

    def __init__(self) -> None:
        self.by_object: dict[ObjectKey, Suppression] = {}
        self.by_line: dict[int, list[Suppression]] = {}

    def all(self) -> Iterator[Suppression]:
        yield from self.by_object.values()
        for notes in self.by_line.values():
            yield from notes

    def object_suppresses(self, key: ObjectKey, code: str) -> bool:
        found = self.by_object.get(key)
        return found is not None and found.matches(code)

    def suppresses(self, f: Finding) -> bool:
        """Whether an annotation on the finding's object or a comment on its line covers it."""
        found = self.by_object.get((f.document, f.ref))
        if found is not None and found.matches(f.code):
            return True
        # every comment on the line is asked, so each one's use is recorded
        return any([note.matches(f.code) for note in self.by_line.get(f.line, ())])


def filter_findings(
    findings: Iterable[Finding], files: Mapping[str, FileSuppressions]
) -> list[Finding]:
    kept = []
    for f in findings:
        table = files.get(f.source)
        if table is None or not table.suppresses(f):
            kept.append(f)
    return kept
