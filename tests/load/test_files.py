"""Input discovery: directories, globs, stdin, and the odd things file systems contain."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubelint.load import STDIN_NAME, Discovery, InputFile, discover, load_file
from kubelint.model import Severity

MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the run) when the block takes longer than `seconds`."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def put(root: Path, relative: str, name: str | None = None) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(MANIFEST.format(name=name or path.stem), encoding="utf-8")
    return path


def paths(found: Discovery) -> list[str]:
    return [f.path for f in found.files]


def problems(found: Discovery) -> list[tuple[str, str, Severity]]:
    return [(f.name, f.source, f.severity) for f in found.findings]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A manifest directory `d` inside tmp_path, which becomes the working directory."""
    for relative in (
        "d/z.yaml",
        "d/a.yml",
        "d/m.json",
        "d/notes.txt",
        "d/README.md",
        "d/Upper.YAML",  # kubectl compares extensions case-sensitively too
        "d/b/x.yaml",
        "d/sub/c.yaml",
        "d/sub/deeper/e.yml",
        "d/.hidden/h.yaml",
        "d/.git/config.yaml",
    ):
        put(tmp_path, relative)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- directories ---------------------------------------------------------------------------
def test_directory_walk_is_sorted_and_filtered(tree: Path) -> None:
    found = discover(["d"])
    assert found.findings == []
    # each directory's files in name order, then its subdirectories in name order
    assert paths(found) == [
        "d/a.yml",
        "d/m.json",
        "d/z.yaml",
        "d/b/x.yaml",
        "d/sub/c.yaml",
        "d/sub/deeper/e.yml",
    ]
    assert [f.name for f in found.files] == paths(found)


def test_walk_does_not_depend_on_creation_order(tmp_path: Path) -> None:
    for relative in ("d/c.yaml", "d/a.yaml", "d/b.yaml", "d/y/1.yaml", "d/x/2.yaml"):
        put(tmp_path, relative)
    found = discover([str(tmp_path / "d")])
    root = str(tmp_path / "d")
    assert paths(found) == [
        f"{root}/a.yaml",
        f"{root}/b.yaml",
        f"{root}/c.yaml",
        f"{root}/x/2.yaml",
        f"{root}/y/1.yaml",
    ]


def test_hidden_directory_named_explicitly_is_walked(tree: Path) -> None:
    assert paths(discover(["d/.hidden"])) == ["d/.hidden/h.yaml"]


def test_explicit_file_with_any_extension(tree: Path) -> None:
    found = discover(["d/notes.txt", "d/README.md", "d/Upper.YAML"])
    assert found.findings == []
    assert paths(found) == ["d/notes.txt", "d/README.md", "d/Upper.YAML"]
    loaded = load_file(found.files[0])
    assert loaded.findings == []
    assert loaded.documents[0].body["metadata"]["name"] == "notes"


def test_arguments_keep_their_order(tree: Path) -> None:
    assert paths(discover(["d/z.yaml", "d/b", "d/a.yml"])) == [
        "d/z.yaml",
        "d/b/x.yaml",
        "d/a.yml",
    ]


def test_duplicates_are_listed_once(tree: Path) -> None:
    found = discover(["d/z.yaml", "./d/z.yaml", str(tree / "d" / "z.yaml"), "d", "d/z.yaml"])
    assert found.findings == []
    assert paths(found).count("d/z.yaml") == 1
    assert len(paths(found)) == 6
    assert paths(found)[0] == "d/z.yaml"  # the first spelling wins


def test_symlink_to_a_file_is_read_once(tree: Path) -> None:
    os.symlink("z.yaml", tree / "d" / "zz-link.yaml")
    found = discover(["d"])
    assert len(paths(found)) == 6
    assert "d/zz-link.yaml" not in paths(found)


def test_exclude_patterns(tree: Path) -> None:
    found = discover(["d"], ["sub", "*.json"])
    assert paths(found) == ["d/a.yml", "d/z.yaml", "d/b/x.yaml"]


# -- globs ---------------------------------------------------------------------------------
def test_recursive_glob(tree: Path) -> None:
    found = discover(["d/**/*.yaml"])
    assert found.findings == []
    # glob results are sorted as whole paths; dot-directories do not match `**`
    assert paths(found) == ["d/b/x.yaml", "d/sub/c.yaml", "d/z.yaml"]


def test_glob_matching_a_directory_walks_it(tree: Path) -> None:
    assert paths(discover(["d/su?"])) == ["d/sub/c.yaml", "d/sub/deeper/e.yml"]


def test_glob_without_match(tree: Path) -> None:
    found = discover(["nothing/**/*.yaml"])
    assert found.files == []
    (problem,) = found.findings
    assert (problem.name, problem.source, problem.severity) == (
        "unreadable",
        "nothing/**/*.yaml",
        Severity.ERROR,
    )
    assert (problem.line, problem.column) == (1, 1)
    assert "nothing/**/*.yaml" in problem.message


def test_missing_path(tree: Path) -> None:
    found = discover(["d/z.yaml", "missing.yaml"])
    assert paths(found) == ["d/z.yaml"]
    assert problems(found) == [("unreadable", "missing.yaml", Severity.ERROR)]
    assert "no such file" in found.findings[0].message.lower()


# -- special files -------------------------------------------------------------------------
def test_directory_symlink_loop(tree: Path) -> None:
    os.symlink("..", tree / "d" / "sub" / "loop")  # d/sub/loop -> d
    with deadline(20):
        found = discover(["d"])
    assert len(paths(found)) == len(set(paths(found))) == 6
    (problem,) = found.findings
    assert problem.name == "unreadable"
    assert problem.severity is Severity.WARNING
    assert problem.source == "d/sub/loop"
    assert "loop" in problem.message


def test_fifo_in_a_scanned_directory_is_not_opened(tree: Path) -> None:
    os.mkfifo(tree / "d" / "pipe.yaml")
    with deadline(20):
        found = discover(["d"])
        for item in found.files:  # reading every listed file must not block on the FIFO
            load_file(item)
    assert "d/pipe.yaml" not in paths(found)
    assert len(paths(found)) == 6
    (problem,) = found.findings
    assert (problem.name, problem.source, problem.severity) == (
        "unreadable",
        "d/pipe.yaml",
        Severity.ERROR,
    )
    assert "FIFO" in problem.message


def test_broken_symlink_in_a_scanned_directory(tree: Path) -> None:
    os.symlink("does-not-exist.yaml", tree / "d" / "broken.yaml")
    found = discover(["d"])
    assert "d/broken.yaml" not in paths(found)
    assert problems(found) == [("unreadable", "d/broken.yaml", Severity.ERROR)]


def test_broken_symlink_named_explicitly(tree: Path) -> None:
    os.symlink("does-not-exist.yaml", tree / "broken.yaml")
    found = discover(["broken.yaml"])
    if found.files:  # listed, then reported when read
        loaded = load_file(found.files[0])
        assert [(f.name, f.source) for f in loaded.findings] == [("unreadable", "broken.yaml")]
    else:
        assert problems(found) == [("unreadable", "broken.yaml", Severity.ERROR)]


def test_unreadable_file(tree: Path) -> None:
    path = tree / "d" / "z.yaml"
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that read any file (root)")
        found = discover(["d/z.yaml"])
        assert paths(found) == ["d/z.yaml"]
        loaded = load_file(found.files[0])
        assert loaded.documents == []
        (problem,) = loaded.findings
        assert (problem.name, problem.source, problem.line, problem.column) == (
            "unreadable",
            "d/z.yaml",
            1,
            1,
        )
        assert "permission denied" in problem.message.lower()
    finally:
        path.chmod(0o644)


def test_unreadable_directory(tree: Path) -> None:
    path = tree / "d" / "sub"
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that read any directory (root)")
        found = discover(["d"])
        assert "d/sub/c.yaml" not in paths(found)
        assert [(f.name, f.severity) for f in found.findings] == [("unreadable", Severity.ERROR)]
    finally:
        path.chmod(0o755)


def test_non_utf8_file_name(tmp_path: Path) -> None:
    directory = os.fsencode(tmp_path / "names")
    os.mkdir(directory)
    raw = os.path.join(directory, b"caf\xe9.yaml")
    try:
        with open(raw, "wb") as fh:
            fh.write(MANIFEST.format(name="cafe").encode())
    except OSError as error:  # some file systems insist on UTF-8 names
        pytest.skip(f"cannot create a non-UTF-8 file name here: {error}")
    found = discover([str(tmp_path / "names")])
    assert found.findings == []
    (item,) = found.files
    assert item.name == str(tmp_path / "names" / "caf\ufffd.yaml")
    assert os.fsencode(item.path) == raw  # the path still opens the file
    loaded = load_file(item)
    assert loaded.source == item.name
    assert loaded.findings == []
    assert loaded.documents[0].body["metadata"]["name"] == "cafe"
    assert loaded.documents[0].source == item.name


# -- stdin ---------------------------------------------------------------------------------
def test_stdin_is_listed_once(tree: Path) -> None:
    found = discover(["-", "d/z.yaml", "-"])
    assert found.findings == []
    assert found.files == [InputFile("-", STDIN_NAME), InputFile("d/z.yaml", "d/z.yaml")]
    assert found.files[0].is_stdin
    assert not found.files[1].is_stdin


def test_stdin_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (MANIFEST.format(name="piped") + "---\n" + MANIFEST.format(name="second")).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    loaded = load_file(InputFile("-", STDIN_NAME))
    assert loaded.source == "<stdin>"
    assert loaded.findings == []
    assert [d.body["metadata"]["name"] for d in loaded.documents] == ["piped", "second"]
    assert [d.line for d in loaded.documents] == [1, 6]


def test_json_extension_selects_the_json_reader(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": "v"}}')
    loaded = load_file(InputFile(str(path), "x.json"))
    assert loaded.findings == []
    assert loaded.documents[0].body["data"] == {"k": "v"}
