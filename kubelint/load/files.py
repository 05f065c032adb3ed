"""Finding input files: paths, directories, globs and stdin, in a stable order."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from kubelint.codes import finding
from kubelint.model import Finding, Location, Severity

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"
STDIN_NAME = "<stdin>"
_GLOB_CHARS = frozenset("*?[")


class InputFile(NamedTuple):
    """A file to read: `path` opens it, `name` is how reports show it."""

    path: str
    name: str

    @property
    def is_stdin(self) -> bool:
        return self.path == STDIN


class Discovery:
    """The files to read, in order, and the findings met while looking for them."""

    __slots__ = ("files", "findings")

    def __init__(self) -> None:
        self.files: list[InputFile] = []
        self.findings: list[Finding] = []


def display_name(path: str) -> str:
    """A printable form of a path (non-UTF-8 bytes in file names become U+FFFD)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def discover(args: Sequence[str], exclude: Iterable[str] = ()) -> Discovery:
    """Expand command-line paths into files, in argument order, each directory sorted.

    Directories are walked recursively for *.yaml, *.yml and *.json, following symlinks but
    never into a loop; hidden directories (.git, ...) are skipped unless named explicitly.
    Anything that cannot be used becomes a finding, never a silent skip.
    """
    out = Discovery()
    seen: set[str] = set()
    patterns = tuple(exclude)
    for arg in args:
        if arg == STDIN:
            if STDIN not in seen:
                seen.add(STDIN)
                out.files.append(InputFile(STDIN, STDIN_NAME))
            continue
        if os.path.isdir(arg):
            _walk(arg, out, seen, patterns)
        elif os.path.exists(arg) or os.path.islink(arg):
            _add(arg, out, seen)
        elif _GLOB_CHARS & set(arg):
            import glob  # only for glob arguments

            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                out.findings.append(_unreadable(arg, f"no file matches the pattern {arg!r}"))
            for match in matches:
                if os.path.isdir(match):
                    _walk(match, out, seen, patterns)
                elif _excluded(match, patterns):
                    continue
                elif problem := _not_regular(match):
                    out.findings.append(_unreadable(match, problem))
                else:
                    _add(match, out, seen)
        else:
            out.findings.append(_unreadable(arg, "no such file or directory"))
    return out


def _add(path: str, out: Discovery, seen: set[str]) -> None:
    key = os.path.realpath(path)
    if key not in seen:
        seen.add(key)
        out.files.append(InputFile(path, display_name(path)))


def _excluded(path: str, patterns: tuple[str, ...]) -> bool:
    from fnmatch import fnmatch

    return any(fnmatch(path, p) or fnmatch(os.path.basename(path), p) for p in patterns)


def _walk(root: str, out: Discovery, seen: set[str], patterns: tuple[str, ...]) -> None:
    visited: dict[tuple[int, int], str] = {}

    def on_error(error: OSError) -> None:
        out.findings.append(_unreadable(error.filename or root, error.strerror or str(error)))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=on_error):
        try:
            st = os.stat(dirpath)
        except OSError as error:
            on_error(error)
            dirnames[:] = []
            continue
        identity = (st.st_dev, st.st_ino)
        if identity in visited:
            out.findings.append(
                finding(
                    "unreadable",
                    display_name(dirpath),
                    Location(1, 1),
                    f"{display_name(dirpath)} is {display_name(visited[identity])} again "
                    "(a directory symlink loop or a second link to it); scanned once",
                ).with_severity(Severity.WARNING)
            )
            dirnames[:] = []
            continue
        visited[identity] = dirpath
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and not _excluded(os.path.join(dirpath, d), patterns)
        )
        for name in sorted(filenames):
            if not name.endswith(MANIFEST_SUFFIXES):
                continue
            path = os.path.join(dirpath, name)
            if _excluded(path, patterns):
                continue
            problem = _not_regular(path)
            if problem:
                out.findings.append(_unreadable(path, problem))
            else:
                _add(path, out, seen)


def _not_regular(path: str) -> str | None:
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return error.strerror or str(error)
    if stat.S_ISREG(mode):
        return None
    what = "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
    return f"{what}, not a regular file: skipped while scanning a directory (name it to read it)"


def _unreadable(path: str, message: str) -> Finding:
    return finding("unreadable", display_name(path), Location(1, 1), message)
