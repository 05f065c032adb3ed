"""Rollout impact of changes to objects as `kubectl create --dry-run=client -o yaml` writes them."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubelint.diff import Level, Status, diff
from tests.diff.helpers import impact_names


def kubectl(*args: str, command: tuple[str, ...] = ()) -> dict[str, Any]:
    out = subprocess.run(
        ["kubectl", "create", *args, "--dry-run=client", "-o", "yaml", *command],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return yaml.safe_load(out)


@pytest.fixture(scope="module")
def made() -> dict[str, dict[str, Any]]:
    return {
        "deployment": kubectl("deployment", "web", "--image=nginx:1.26", "--replicas=2"),
        "cronjob": kubectl(
            "cronjob",
            "nightly",
            "--image=busybox:1.36",
            "--schedule=0 1 * * *",
            command=("--", "true"),
        ),
        "job": kubectl("job", "once", "--image=busybox:1.36", command=("--", "true")),
        "service": kubectl("service", "clusterip", "web", "--tcp=80:8080"),
    }


def changed(body: dict[str, Any], edit) -> tuple[list[dict], list[dict]]:
    new = copy.deepcopy(body)
    edit(new)
    return [body], [new]


def containers(body: dict[str, Any]) -> list[dict[str, Any]]:
    spec = body["spec"]
    if "jobTemplate" in spec:
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]["containers"]


def test_image_change_rolls_pods(made):
    result = diff(*changed(made["deployment"], lambda b: containers(b)[0].update(image="x:2")))
    assert impact_names(result) == ["pods-roll"]
    assert result.level == Level.ROLLOUT


def test_recreate_strategy_deletes_all_pods_first(made):
    def edit(body):
        body["spec"]["strategy"] = {"type": "Recreate"}
        containers(body)[0]["image"] = "nginx:1.27"

    result = diff(*changed(made["deployment"], edit))
    assert impact_names(result) == ["pods-recreated"]
    assert result.level == Level.RECREATE


def test_scale_down_is_counted_with_defaults(made):
    result = diff(*changed(made["deployment"], lambda b: b["spec"].pop("replicas")))
    (scale,) = result.changes[0].impacts
    assert scale.name == "replicas-changed" and dict(scale.details) == {"before": 2, "after": 1}
    assert scale.message == "scales down: 2 → 1 replicas"


def test_cronjob_template_change_waits_for_the_next_job(made):
    result = diff(*changed(made["cronjob"], lambda b: containers(b)[0].update(image="b:2")))
    assert impact_names(result) == ["template-deferred"]
    assert "the next Job uses the new one" in result.changes[0].impacts[0].message


def test_job_template_change_is_rejected(made):
    result = diff(*changed(made["job"], lambda b: containers(b)[0].update(image="busybox:1.37")))
    assert impact_names(result) == ["update-rejected"]
    assert result.changes[0].impacts[0].path[:2] == ("spec", "template")


def test_service_type_change_without_selection_change(made):
    result = diff(*changed(made["service"], lambda b: b["spec"].update(type="NodePort")))
    assert result.changes[0].status == Status.CHANGED
    assert "selection-changed" not in impact_names(result)


def test_added_service_reports_what_it_selects(made):
    service = made["service"]
    result = diff([made["deployment"]], [made["deployment"], service])
    added = next(c for c in result.changes if c.status == Status.ADDED)
    assert [(i.name, dict(i.details)["after"]) for i in added.impacts] == [
        ("selection-changed", ["Deployment/web"])
    ]


def test_pvc_growth_and_statefulset_claim_templates():
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    }
    grown = copy.deepcopy(claim)
    grown["spec"]["resources"]["requests"]["storage"] = "5Gi"
    result = diff([claim], [grown])
    assert impact_names(result) == ["volume-claim-changed"]
    assert dict(result.changes[0].impacts[0].details) == {"before": "1Gi", "after": "5Gi"}


def test_labels_change_moves_workload_out_of_a_service(made):
    deployment, service = made["deployment"], made["service"]
    new = copy.deepcopy(deployment)
    new["spec"]["template"]["metadata"]["labels"]["app"] = "web-v2"
    new["spec"]["selector"]["matchLabels"]["app"] = "web-v2"
    result = diff([deployment, service], [new, service])
    names = impact_names(result)
    assert names == ["update-rejected", "selector-changed", "pods-roll", "selection-changed"]
    assert result.changes[0].impacts[-1].message == "no longer selected by Service/web"


def test_duplicate_object_is_a_warning_and_the_later_one_counts(made, tmp_path: Path):
    path = tmp_path / "twice.yaml"
    second = copy.deepcopy(made["deployment"])
    second["spec"]["replicas"] = 5
    path.write_text(yaml.safe_dump_all([made["deployment"], second]))
    result = diff([made["deployment"]], str(path))
    assert [f.name for f in result.findings] == ["duplicate-in-diff"]
    assert impact_names(result) == ["replicas-changed"]


def test_added_workload_reports_the_services_that_select_it(made):
    result = diff([made["service"]], [made["service"], made["deployment"]])
    (added,) = result.changes
    assert [i.message for i in added.impacts] == ["now selected by Service/web"]
