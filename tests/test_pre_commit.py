"""The pre-commit hook in .pre-commit-hooks.yaml, run by the real `pre-commit try-repo`.

pre-commit builds a virtualenv and pip-installs kubelint from a git copy of this working tree,
so the test needs PyPI access; set KUBELINT_SKIP_PRECOMMIT=1 to skip it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

pytestmark = [
    pytest.mark.skipif(
        importlib.util.find_spec("pre_commit") is None, reason="pre-commit is not installed"
    ),
    pytest.mark.skipif(
        bool(os.environ.get("KUBELINT_SKIP_PRECOMMIT")),
        reason="KUBELINT_SKIP_PRECOMMIT is set",
    ),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not on PATH"),
]

# Not copied into the hooks repository: VCS data, caches, build output, local environments.
EXCLUDE = {
    ".git",
    ".venv",
    "venv",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "build",
    "dist",
}
EXCLUDE_PATHS = {"bench/.work", ".ci/venv"}

GOOD = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  level: debug
"""

BAD = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  retries: 3
"""

GIT_IDENTITY = ["-c", "user.name=kubelint tests", "-c", "user.email=tests@example.invalid"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *GIT_IDENTITY, *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"},
    )


def _ignore(directory: str, names: list[str]) -> set[str]:
    rel = os.path.relpath(directory, REPO)
    out = {n for n in names if n in EXCLUDE or n.endswith(".egg-info")}
    out |= {n for n in names if os.path.normpath(os.path.join(rel, n)) in EXCLUDE_PATHS}
    return out


def test_hook_definition():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [(h["id"], h["entry"]) for h in hooks] == [
        ("kubelint", "kubelint check"),
        ("kubelint-lint", "kubelint lint"),
    ]
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["types_or"] == ["yaml", "json"]
        assert hook["require_serial"] is True  # a CRD and its resources must meet in one run
        assert len(hook["description"]) > 20


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory) -> Path:
    """A git repository holding a copy of the working tree (uncommitted edits included)."""
    root = tmp_path_factory.mktemp("hooks") / "kubelint"
    shutil.copytree(REPO, root, ignore=_ignore, symlinks=True)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "snapshot for pre-commit try-repo")
    return root


@pytest.fixture(scope="module")
def try_repo(hooks_repo, tmp_path_factory):
    """try_repo(files) -> CompletedProcess of `pre-commit try-repo … kubelint --files …`."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    project = tmp_path_factory.mktemp("project")
    (project / "bad.yaml").write_text(BAD, encoding="utf-8")
    (project / "good.yaml").write_text(GOOD, encoding="utf-8")
    (project / "notes.txt").write_text("not a manifest\n", encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}
    env.pop("PRE_COMMIT", None)

    def run(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                *(sys.executable, "-m", "pre_commit", "try-repo", str(hooks_repo), "kubelint"),
                *("--verbose", "--color", "never", "--files", *files),
            ],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    return run


def test_hook_fails_on_a_bad_manifest(try_repo):
    proc = try_repo("bad.yaml")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "kubelint" in output and "Failed" in output
    # the finding itself reaches the user: an integer where ConfigMap data wants a string
    assert "bad.yaml" in output
    assert "KL023 invalid-type" in output
    assert "data.retries: expected string, got integer 3" in output


def test_hook_passes_on_a_good_manifest(try_repo):
    proc = try_repo("good.yaml")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Passed" in output


def test_hook_skips_files_that_are_not_yaml_or_json(try_repo):
    proc = try_repo("notes.txt")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "(no files to check)Skipped" in output
