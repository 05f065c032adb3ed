"""What the policy rules say about `kubectl create … --dry-run=client -o yaml` output: the
manifests most people start from. Asserted exactly, rule by rule and path by path, for the
default set plus the opt-in hardening rules (BASELINE), which every generated container fails."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import run_kubelint
from policy_harness import BY_NAME, DEFAULT_ON, run

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not on PATH")

BASELINE = [  # every container kubectl generates: no securityContext, `resources: {}`
    ("run-as-root", ""),
    ("writable-root-filesystem", ""),
    ("net-raw-not-dropped", ""),
    ("cpu-request-missing", ".resources"),
    ("memory-request-missing", ".resources"),
    ("memory-limit-missing", ".resources"),
]


def kubectl(*args: str) -> str:
    proc = subprocess.run(
        [KUBECTL, "create", *args, "--dry-run=client", "-o", "yaml"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return proc.stdout


HARDENING = [BY_NAME[name] for name, _ in BASELINE]


def default_findings(text: str) -> list[tuple[str, str]]:
    """Findings of the default set plus the hardening rules (off by default: they fire on most
    upstream workloads)."""
    assert not any(rule.default for rule in HARDENING)
    return sorted((f.name, f.path_text) for f in run(text, DEFAULT_ON + HARDENING))


def test_the_default_set_alone_passes_a_tagged_deployment():
    text = kubectl("deployment", "x", "--image=nginx:1.25")
    assert run(text, DEFAULT_ON) == []


def expect(container: str, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return sorted([(name, container + suffix) for name, suffix in BASELINE] + list(extra))


def test_deployment_with_a_tagged_image():
    text = kubectl("deployment", "x", "--image=nginx:1.25")
    assert default_findings(text) == expect("spec.template.spec.containers[0]")


def test_deployment_with_an_untagged_image_adds_latest_tag():
    text = kubectl("deployment", "x", "--image=nginx", "--replicas=3")
    container = "spec.template.spec.containers[0]"
    assert default_findings(text) == expect(container, ("latest-tag", container + ".image"))


def test_job_adds_job_ttl():
    text = kubectl("job", "j", "--image=busybox:1.36")
    assert default_findings(text) == expect(
        "spec.template.spec.containers[0]", ("job-ttl-missing", "spec")
    )


def test_cronjob_is_checked_through_its_job_template():
    text = kubectl("cronjob", "c", "--image=busybox:1.36", "--schedule=*/5 * * * *")
    # the jobTemplate's Job is managed by the CronJob: no job-ttl-missing
    assert default_findings(text) == expect("spec.jobTemplate.spec.template.spec.containers[0]")


def test_cli_reports_the_same_codes_with_locations(tmp_path):
    manifest = tmp_path / "deploy.yaml"
    manifest.write_text(kubectl("deployment", "x", "--image=nginx:1.25"))
    hardening = [arg for name, _ in BASELINE for arg in ("--enable", name)]
    result = run_kubelint(["lint", "-o", "json", "--fail-on", "never", *hardening, str(manifest)])
    assert result.code == 0, result
    ours = [f for f in result.json()["findings"] if "KL200" <= f["code"] <= "KL399"]
    assert sorted((f["code"], f["line"], f["column"]) for f in ours) == [
        ("KL202", 21, 9),  # the container item (`- image:` line)
        ("KL204", 21, 9),
        ("KL206", 21, 9),
        ("KL250", 23, 9),  # `resources: {}`
        ("KL251", 23, 9),
        ("KL252", 23, 9),
    ]
