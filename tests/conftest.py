"""Shared fixtures: where the manifest corpus is, and helpers that run the kubelint CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent


# -- the corpus of real manifests ------------------------------------------------------------
def find_corpus() -> Path | None:
    """$KUBELINT_CORPUS, else <repo>/../shared/corpus; None when neither is a directory."""
    env = os.environ.get("KUBELINT_CORPUS")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "corpus")
    for candidate in candidates:
        if (candidate / "README.md").is_file():
            return candidate.resolve()
    return None


def find_scenarios() -> Path:
    """$KUBELINT_SCENARIOS, else <repo>/../shared/scenarios (which may not exist)."""
    env = os.environ.get("KUBELINT_SCENARIOS")
    return Path(env) if env else REPO.parent / "shared" / "scenarios"


SCENARIOS = find_scenarios()
needs_scenarios = pytest.mark.skipif(
    not (SCENARIOS / "README.md").is_file(),
    reason=f"the seed scenarios are not at {SCENARIOS} (set KUBELINT_SCENARIOS)",
)
"""Mark for tests that read the seed scenarios (clusters, manifests, expected predictions)."""


@pytest.fixture(scope="session")
def corpus() -> Path:
    path = find_corpus()
    if path is None:
        pytest.skip(
            "manifest corpus not found: set KUBELINT_CORPUS to the corpus directory "
            f"(looked at $KUBELINT_CORPUS and {REPO.parent / 'shared' / 'corpus'})"
        )
    return path


# -- running the CLI -------------------------------------------------------------------------
class CliRun:
    """The outcome of one `kubelint` process."""

    def __init__(self, proc: subprocess.CompletedProcess[bytes]) -> None:
        self.code = proc.returncode
        self.stdout = proc.stdout.decode("utf-8", "replace")
        self.stderr = proc.stderr.decode("utf-8", "replace")

    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"CliRun(code={self.code}, stdout={self.stdout[-2000:]!r}, stderr={self.stderr!r})"


def cli_env(extra: Mapping[str, str] | None = None, drop: Sequence[str] = ()) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.pop("KUBELINT_DEBUG", None)  # tracebacks must not depend on the caller's shell
    env.update(extra or {})
    return env


def run_kubelint(
    args: Sequence[str],
    *,
    stdin: bytes | None = None,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> CliRun:
    """Run `python -m kubelint ARGS` in a subprocess (the real entry point, real exit code)."""
    proc = subprocess.run(
        [sys.executable, "-m", "kubelint", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        cwd=cwd,
        env=dict(env) if env is not None else cli_env(),
        timeout=timeout,
        check=False,
    )
    return CliRun(proc)


@pytest.fixture
def kubelint_cli():
    """Run the CLI in a subprocess: kubelint_cli(["check", "x.yaml"], stdin=b"...")."""
    return run_kubelint


@pytest.fixture
def kubelint_main(capsys):
    """Run `kubelint.cli.main.main(argv)` in-process; returns (exit code, stdout, stderr)."""
    from kubelint.cli.main import main

    def run(argv: Sequence[str]) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


# -- hypothesis profiles ---------------------------------------------------------------------
def _register_hypothesis_profiles() -> None:
    """Profiles "ci" (the default) and "thorough": pick one with --hypothesis-profile=NAME
    (hypothesis' own pytest option, applied after this) or $KUBELINT_HYPOTHESIS_PROFILE."""
    from hypothesis import HealthCheck, settings

    settings.register_profile("ci", max_examples=100, deadline=None)
    settings.register_profile(
        "thorough",
        max_examples=5000,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.load_profile(os.environ.get("KUBELINT_HYPOTHESIS_PROFILE", "ci"))


_register_hypothesis_profiles()


# -- small manifests shared by the hostile-input tests -----------------------------------------
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"  # 4 lines
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: nginx
"""  # replicas is on line 6
