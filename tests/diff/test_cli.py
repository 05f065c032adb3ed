"""`kubelint diff` as users run it: exit codes, formats, stdin, git revisions."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kubelint.cli.main import main
from kubelint.diff import diff
from kubelint.diff.sources import SourceError

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.26
"""


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def sides(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "web.yaml").write_text(DEPLOY)
    (new / "web.yaml").write_text(DEPLOY.replace("nginx:1.26", "nginx:1.27"))
    return old, new


def test_exit_codes(capsys, sides):
    old, new = sides
    assert run(capsys, str(old), str(old))[0] == 0
    code, out, _ = run(capsys, str(old), str(new), "--color", "never")
    assert code == 1
    assert "changed Deployment shop/web (apps/v1)" in out
    assert "image app: nginx:1.26 → nginx:1.27" in out
    assert run(capsys, str(old), str(new), "--fail-on-impact", "rollout")[0] == 1
    assert run(capsys, str(old), str(new), "--fail-on-impact", "recreate")[0] == 0
    assert run(capsys, str(old), str(new), "--fail-on-impact", "reject")[0] == 0


def test_colour_on_request(capsys, sides):
    out = run(capsys, *map(str, sides), "--color", "always")[1]
    assert "\x1b[32m+" in out and "\x1b[31m-" in out


def test_json_report(capsys, sides):
    code, out, _ = run(capsys, *map(str, sides), "-o", "json")
    report = json.loads(out)
    assert code == 1 and report["formatVersion"] == 1
    assert report["summary"]["changed"] == 1 and report["summary"]["impact"] == "rollout"
    (change,) = report["changes"]
    assert change["object"] == "Deployment shop/web"
    (field,) = change["fields"]
    assert field["path"] == "spec.template.spec.containers[name=app].image"
    assert field["pathSegments"][-2:] == [{"key": {"name": "app"}}, "image"]
    assert field["oldPosition"]["line"] == field["newPosition"]["line"] == 11
    assert change["impacts"][0]["code"] == "KL750"


def test_markdown_report(capsys, sides):
    out = run(capsys, *map(str, sides), "-o", "markdown")[1]
    assert out.startswith("### kubelint diff: 1 changed")
    assert "| changed | `Deployment shop/web` | rollout:" in out
    assert "```diff" in out


def test_stdin_side(capsys, sides, monkeypatch):
    old, new = sides
    import io
    import sys

    fake = io.TextIOWrapper(io.BytesIO((new / "web.yaml").read_bytes()))
    monkeypatch.setattr(sys, "stdin", fake)
    assert run(capsys, str(old), "-")[0] == 1


def test_load_error_is_a_finding_and_exit_2(capsys, sides):
    old, new = sides
    (new / "broken.yaml").write_text("kind: [unclosed\n")
    code, out, err = run(capsys, str(old), str(new))
    assert code == 2
    assert "KL001 yaml-syntax" in out and "Traceback" not in out + err


def test_missing_path_is_exit_2(capsys, sides, tmp_path):
    code, out, _ = run(capsys, str(tmp_path / "nope.yaml"), str(sides[1]))
    assert code == 2 and "KL011 unreadable" in out and "no such file or directory" in out


def test_both_sides_stdin_is_a_usage_error(capsys):
    code, _, err = run(capsys, "-", "-")
    assert code == 2 and "only one side can be read from stdin" in err


# -- git:REV:PATH ------------------------------------------------------------------------------
def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, check=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "k8s").mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "t")
    (repo / "k8s" / "web.yaml").write_text(DEPLOY)
    (repo / "k8s" / "gone.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gone, namespace: shop}\ndata: {a: b}\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    (repo / "k8s" / "web.yaml").write_text(DEPLOY.replace("nginx:1.26", "nginx:1.27"))
    (repo / "k8s" / "gone.yaml").unlink()
    return repo


def test_git_revision_against_work_tree(capsys, repo, monkeypatch):
    before = git(repo, "status", "--porcelain")
    monkeypatch.chdir(repo)
    code, out, _ = run(capsys, "git:HEAD:k8s", "k8s", "-o", "json")
    report = json.loads(out)
    assert code == 1
    assert sorted((c["status"], c["object"]) for c in report["changes"]) == [
        ("changed", "Deployment shop/web"),
        ("removed", "ConfigMap shop/gone"),
    ]
    changed = next(c for c in report["changes"] if c["status"] == "changed")
    assert changed["old"]["file"] == "git:HEAD:k8s/web.yaml"
    assert git(repo, "status", "--porcelain") == before  # nothing written to the repository


def test_git_absolute_path_and_single_file(repo):
    result = diff(f"git:HEAD:{repo / 'k8s' / 'web.yaml'}", str(repo / "k8s" / "web.yaml"))
    assert [c.status.value for c in result.changes] == ["changed"]


def test_bad_revision_is_a_clean_error(capsys, repo, monkeypatch):
    monkeypatch.chdir(repo)
    code, out, err = run(capsys, "git:no-such-rev:k8s", "k8s")
    assert code == 2 and out == ""
    assert "revision 'no-such-rev' not found" in err
    with pytest.raises(SourceError):
        diff("git:HEAD:nowhere", "k8s")
