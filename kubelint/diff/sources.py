"""The two sides of a diff: files, directories, `-` (stdin) or `git:REV:PATH`.

`git:REV:PATH` reads PATH (a file or directory, relative to the current directory or absolute)
as it was at revision REV, through `git ls-tree` and `git cat-file --batch`: the work tree, the
index and the repository are never written to.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from typing import NamedTuple

from kubelint.load import LoadedFile, discover, load_bytes, load_file
from kubelint.load.files import MANIFEST_SUFFIXES
from kubelint.load.limits import Limits
from kubelint.model import Document, Finding

GIT_PREFIX = "git:"


class SourceError(Exception):
    """A side that cannot be read at all (bad git revision, git missing): exit code 2."""


class LoadedSide(NamedTuple):
    documents: list[Document]
    findings: list[Finding]
    texts: dict[str, str]


def load_side(specs: Sequence[str], limits: Limits, stdin: bytes | None = None) -> LoadedSide:
    """Load every object of one side; unreadable input becomes findings (never raises, except
    SourceError for a git revision that does not exist)."""
    files: list[LoadedFile] = []
    findings: list[Finding] = []
    plain = [s for s in specs if not s.startswith(GIT_PREFIX)]
    if plain:
        discovery = discover(plain)
        findings.extend(discovery.findings)
        for item in discovery.files:
            if item.is_stdin and stdin is not None:
                files.append(load_bytes(stdin, item.name, limits))
            else:
                files.append(load_file(item, limits))
    for spec in specs:
        if spec.startswith(GIT_PREFIX):
            for name, data in read_git(spec, limits):
                files.append(load_bytes(data, name, limits, is_json=name.endswith(".json")))
    documents = [d for f in files for d in f.documents]
    texts = {f.source: f.text for f in files if f.text is not None}
    findings.extend(x for f in files for x in f.findings)
    return LoadedSide(documents, findings, texts)


def parse_git_spec(spec: str) -> tuple[str, str]:
    """'git:REV:PATH' → (REV, PATH); PATH defaults to '.'."""
    rest = spec[len(GIT_PREFIX) :]
    rev, sep, path = rest.partition(":")
    if not rev:
        raise SourceError(f"{spec!r}: expected git:REV:PATH (for example git:HEAD~1:k8s/)")
    return rev, (path if sep and path else ".")


def read_git(spec: str, limits: Limits) -> list[tuple[str, bytes]]:
    """(display name, bytes) of every manifest file under PATH at REV, in path order."""
    rev, path = parse_git_spec(spec)
    start = _existing_dir(os.path.abspath(path))
    top = _git(start, "rev-parse", "--show-toplevel").decode().strip()
    inside = os.path.relpath(os.path.abspath(path), top)
    if inside.startswith(".."):
        raise SourceError(f"{spec}: {path} is outside the git repository at {top}")
    _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", what=f"revision {rev!r}")
    listing = _git(top, "ls-tree", "-r", "-z", "--full-tree", rev, "--", inside)
    blobs = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid = meta.split()
        file_name = name.decode("utf-8", "surrogateescape")
        if kind == b"blob" and mode != b"120000" and file_name.endswith(MANIFEST_SUFFIXES):
            blobs.append((file_name, oid))
    if not blobs:
        kind = _git(top, "cat-file", "-t", f"{rev}:{inside}", what=f"{path} at {rev}")
        if kind.strip() == b"blob":  # a file named explicitly, whatever its suffix
            oid = _git(top, "rev-parse", f"{rev}:{inside}").strip()
            blobs.append((inside, oid))
    contents = _cat_blobs(top, [oid for _, oid in blobs], limits)
    return [(f"git:{rev}:{name}", data) for (name, _), data in zip(blobs, contents, strict=True)]


def _existing_dir(path: str) -> str:
    """The nearest existing directory at or above `path` (it may be gone from the work tree)."""
    while not os.path.isdir(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path


def _cat_blobs(top: str, oids: list[bytes], limits: Limits) -> list[bytes]:
    if not oids:
        return []
    request = b"".join(oid + b"\n" for oid in oids)
    output = _git(top, "cat-file", "--batch", stdin=request)
    out: list[bytes] = []
    at = 0
    for _ in oids:
        end = output.index(b"\n", at)
        size = int(output[at:end].split()[2])
        out.append(output[end + 1 : end + 1 + size])
        at = end + 1 + size + 1
    return out


def _git(cwd: str, *args: str, stdin: bytes | None = None, what: str | None = None) -> bytes:
    try:
        proc = subprocess.run(
            ["git", "-C", cwd, *args],
            input=stdin,
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )
    except OSError as error:
        raise SourceError(f"cannot run git: {error.strerror or error}") from None
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = f"{what} not found" if what else (detail[-1] if detail else "git failed")
        raise SourceError(f"git: {reason}" + (f" ({detail[-1]})" if what and detail else ""))
    return proc.stdout


__all__ = ["GIT_PREFIX", "LoadedSide", "SourceError", "load_side", "read_git"]
