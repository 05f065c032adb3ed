"""kubelint never opens a network connection and never writes to what it reads (README: "kubelint
never writes to the paths it reads and never opens a network connection").

The commands run in-process (`kubelint.cli.main.main`) with guards patched in; worker processes
(`-j 2`) are forked, so they inherit the guards too.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import json
import os
import shutil
import socket
from pathlib import Path

import pytest

from kubelint.cli.main import main


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Every way to reach another host raises (and is recorded)."""
    attempts: list[str] = []

    def refuse(name):
        def guard(*args, **kwargs):
            attempts.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
            raise NetworkUsed(f"network access: {name}")

        return guard

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket.socket, "sendto", refuse("socket.sendto"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("gethostbyname"))
    return attempts


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err, err
    return code, out, err


# -- (a) no network ------------------------------------------------------------------------------
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_corpus_without_network(corpus, no_network, capsys, jobs):
    code, out, _ = run(["check", "-o", "json", "-j", jobs, str(corpus)], capsys)
    assert code == 1  # broken/ and templated/ hold errors
    report = json.loads(out)
    assert report["summary"]["files"] > 500
    assert no_network == []


def test_check_with_crd_option_without_network(corpus, no_network, capsys):
    crds = corpus / "cert-manager__cert-manager" / "deploy" / "crds"
    code, _, _ = run(
        ["check", "-o", "json", "--crd", str(crds), str(corpus / "cert-manager__cert-manager")],
        capsys,
    )
    assert code in (0, 1)
    assert no_network == []


def test_merge_without_network(corpus, no_network, capsys, tmp_path):
    shards = []
    for k in (1, 2, 3):
        code, out, _ = run(
            ["check", "-o", "json", "--shard", f"{k}/3", str(corpus / "kubernetes__examples")],
            capsys,
        )
        assert code in (0, 1)
        path = tmp_path / f"shard-{k}.json"
        path.write_text(out)
        shards.append(str(path))
    for fmt in ("text", "json"):
        code, out, _ = run(["merge", "-o", fmt, *shards], capsys)
        assert code in (0, 1)
        assert out
    assert no_network == []


def test_schemas_list_without_network(no_network, capsys):
    code, out, _ = run(["schemas", "list"], capsys)
    assert code == 0
    assert "1.37" in out
    assert no_network == []


def test_the_guard_works(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("example.com", 443), timeout=1)
    with pytest.raises(NetworkUsed):
        socket.getaddrinfo("example.com", 443)
    sock = socket.socket()
    try:
        with pytest.raises(NetworkUsed):
            sock.connect(("127.0.0.1", 9))
    finally:
        sock.close()
    assert len(no_network) == 3


# -- (b) no writes ---------------------------------------------------------------------------------
def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under root: type, size, mtime and (for files) a content hash."""
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            digest = None
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as fh:
                    digest = hashlib.sha256(fh.read()).hexdigest()
            out[os.path.relpath(path, root)] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return out


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


@pytest.fixture
def no_writes(monkeypatch):
    """Opening anything for writing raises (builtins.open, io.open, os.open)."""
    attempts: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def guarded_open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+"):
            attempts.append(f"open({file!r}, {mode!r})")
            raise PermissionError(f"write attempted: {file!r} {mode!r}")
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & _WRITE_FLAGS:
            attempts.append(f"os.open({path!r}, {flags:#o})")
            raise PermissionError(f"write attempted: {path!r}")
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    return attempts


@pytest.fixture
def input_tree(corpus, tmp_path) -> Path:
    """A copy of two corpus folders (valid, broken) plus hostile files, under tmp_path/in."""
    root = tmp_path / "in"
    shutil.copytree(corpus / "kubernetes__examples", root / "examples")
    shutil.copytree(corpus / "broken", root / "broken")
    (root / "hostile").mkdir()
    (root / "hostile" / "bom.yaml").write_bytes(b"\xef\xbb\xbfapiVersion: v1\nkind: Pod\n")
    (root / "hostile" / "utf16.yaml").write_bytes("apiVersion: v1\n".encode("utf-16"))
    (root / "hostile" / "tag.yaml").write_text('!!python/object/apply:os.system ["true"]\n')
    os.mkfifo(root / "hostile" / "fifo.yaml")
    os.symlink("..", root / "hostile" / "loop")
    for path in root.rglob("*"):  # writable copies: a write would not fail on permissions
        if not path.is_symlink() and not path.is_fifo():
            path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@pytest.mark.parametrize(
    "options",
    [["-o", "json", "-j", "1"], ["-o", "text", "-j", "2"], ["-o", "concise", "--shard", "1/2"]],
    ids=["json-serial", "text-parallel", "concise-shard"],
)
def test_check_writes_nothing(input_tree, tmp_path, monkeypatch, capsys, no_writes, options):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    before_inputs = snapshot(input_tree)
    before_tmp = snapshot(tmp_path)
    code, out, _ = run(
        ["check", *options, "--crd", str(input_tree / "examples"), str(input_tree)], capsys
    )
    assert code == 1
    assert out
    assert no_writes == []
    assert snapshot(input_tree) == before_inputs  # names, sizes, mtimes, contents
    assert snapshot(tmp_path) == before_tmp  # nothing created anywhere under tmp_path
    assert os.listdir(work) == []  # nor in the working directory


def test_check_from_stdin_writes_nothing(tmp_path, monkeypatch, capsys, no_writes):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(
        "sys.stdin",
        io.TextIOWrapper(io.BytesIO(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")),
    )
    code, out, _ = run(["check", "-o", "json", "-"], capsys)
    assert code == 0
    assert json.loads(out)["summary"]["objects"] == 1
    assert no_writes == []
    assert os.listdir(work) == []


def test_the_write_guard_works(tmp_path, no_writes):
    with pytest.raises(PermissionError):
        open(tmp_path / "x", "w")  # noqa: SIM115
    with pytest.raises(PermissionError):
        os.open(tmp_path / "y", os.O_WRONLY | os.O_CREAT)
    with open(__file__, "rb") as fh:  # reading is fine
        assert fh.read(1)
    assert len(no_writes) == 2
    assert not (tmp_path / "x").exists()
