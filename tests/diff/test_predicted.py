"""`kubelint diff --simulate`: predicted pods, endpoints and findings before → after."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import SCENARIOS, needs_scenarios
from hypothesis import given, settings

from kubelint.cli.main import main
from kubelint.diff import diff
from kubelint.diff.predicted import Predicted, predict
from kubelint.model import Document, object_ref
from tests.reconcile.test_simulate_properties import CLUSTER, manifests

ROOT = Path(__file__).resolve().parents[2]
APP, NEXT = ROOT / "examples" / "app", ROOT / "examples" / "next"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["diff", "--simulate", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def predicted(capsys, *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, *args, "-o", "json")
    assert code in (0, 1), err
    return json.loads(out)["predicted"]


def edited(tmp_path: Path, old: str, new: str, after: str = "") -> Path:
    """A copy of examples/app with `old` replaced by `new` in web.yaml (after `after`)."""
    copy = tmp_path / "edited"
    shutil.copytree(APP, copy)
    web = copy / "web.yaml"
    text = web.read_text()
    at = text.index(after)
    assert old in text[at:]
    web.write_text(text[:at] + text[at:].replace(old, new, 1))
    return copy


def test_new_image_and_replica_roll_the_pods(capsys):
    report = predicted(capsys, str(APP), str(NEXT))
    assert report["defaultCluster"] and report["cluster"].startswith("no --cluster given")
    (web,) = report["workloads"]
    assert web["object"] == "Deployment shop/web"
    assert (web["before"], web["after"]) == ({"Running": 3}, {"Running": 4})
    hashes = web["podTemplateHashes"]
    assert len(hashes["old"]) == len(hashes["new"]) == 1 and hashes["old"] != hashes["new"]
    changes = [p["change"] for p in web["pods"]]
    assert changes == ["replaced"] * 3 + ["added"]
    for pod in web["pods"][:3]:  # new names (new ReplicaSet), same places on a fresh cluster
        old, new = pod["old"], pod["new"]
        assert hashes["old"][0] in old["name"] and hashes["new"][0] in new["name"]
        assert (old["node"], old["ip"]) == (new["node"], new["ip"])
        assert new["phase"] == "Running" and new["ready"]
    assert web["pods"][3]["new"]["ip"].startswith("10.244.")
    (service,) = report["services"]
    assert service["object"] == "Service shop/web"
    assert (service["readyBefore"], service["readyAfter"]) == (3, 4)
    assert service["added"] == [web["pods"][3]["new"]["ip"]] and service["removed"] == []
    assert service["newPodBehind"] == 3
    assert report["findings"] == {"new": [], "cleared": []} and report["newlyPending"] == 0


def test_text_report(capsys):
    code, out, _ = run(capsys, str(APP), str(NEXT), "--color", "never")
    assert code == 1
    section = out[out.index("Predicted (both sides simulated)") :].splitlines()
    assert section[1].startswith("  no --cluster given: default cluster")
    assert section[2].startswith("  Deployment shop/web: pods 3 Running → 4 Running (rollout: ")
    assert sum(line.startswith("    ~ shop/web-") for line in section) == 3
    assert sum(line.startswith("    + shop/web-") for line in section) == 1
    assert "  Service shop/web: ready endpoints 3 → 4 (+10.244.1.3, 3 now served by a new pod)" in (
        section
    )
    assert out.rstrip().endswith("highest impact: rollout (6 → 6 objects)")


def test_cpu_beyond_node_capacity_leaves_pods_pending(capsys, tmp_path):
    new = edited(tmp_path, "cpu: 100m", 'cpu: "3"')  # default nodes have 2 CPUs
    report = predicted(capsys, str(APP), str(new))
    (web,) = report["workloads"]
    assert (web["before"], web["after"]) == ({"Running": 3}, {"Pending": 3})
    why = (
        "0/4 nodes are available: 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu."
    )
    assert web["pendingReasons"] == [{"message": why, "pods": 3}]
    assert report["newlyPending"] == web["newlyPending"] == 3
    assert all(p["new"]["node"] is None and p["new"]["message"] == why for p in web["pods"])
    (service,) = report["services"]
    assert (service["readyBefore"], service["readyAfter"], len(service["removed"])) == (3, 0, 3)
    new_codes = [(f["code"], f["rule"]) for f in report["findings"]["new"]]
    assert new_codes == [("KL850", "pod-unschedulable"), ("KL855", "service-no-ready-endpoints")]
    assert why in report["findings"]["new"][0]["message"]
    # --fail-on-impact keeps judging the change itself (a rollout), not the prediction
    assert run(capsys, str(APP), str(new), "--fail-on-impact", "recreate")[0] == 0


def test_selector_change_empties_the_service(capsys, tmp_path):
    selector = "  selector:\n    app.kubernetes.io/name: web"
    new = edited(tmp_path, selector, selector.replace("web", "shop-web"), "kind: Service")
    report = predicted(capsys, str(APP), str(new))
    assert report["workloads"] == []  # the pods are the same
    (service,) = report["services"]
    assert (service["readyBefore"], service["readyAfter"]) == (3, 0)
    assert service["removed"] == ["10.244.1.2", "10.244.2.2", "10.244.3.2"]
    (finding,) = report["findings"]["new"]
    assert finding["code"] == "KL854" and "app.kubernetes.io/name=shop-web" in finding["message"]
    assert finding["file"].endswith("edited/web.yaml")
    # and back: the finding clears, the endpoints return
    back = predicted(capsys, str(new), str(APP))
    assert [f["code"] for f in back["findings"]["cleared"]] == ["KL854"]
    assert back["services"][0]["added"] == service["removed"]


STATEFUL = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: default}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      nodeSelector: {kubernetes.io/hostname: worker-1}
      containers:
      - name: db
        image: postgres:17
"""


def test_same_pods_moving_to_another_node(capsys, tmp_path):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(STATEFUL)
    new.write_text(STATEFUL.replace("worker-1", "worker-3"))
    (db,) = predicted(capsys, str(old), str(new))["workloads"]
    assert [p["change"] for p in db["pods"]] == ["changed", "changed"]
    assert [p["new"]["name"] for p in db["pods"]] == ["default/db-0", "default/db-1"]
    assert {p["old"]["node"] for p in db["pods"]} == {"worker-1"}
    assert {p["new"]["node"] for p in db["pods"]} == {"worker-3"}
    assert all(p["new"]["ip"].startswith("10.244.3.") for p in db["pods"])
    out = run(capsys, str(old), str(new))[1]
    assert "    ~ default/db-0  worker-1 10.244.1.2 Running → worker-3 10.244.3.2 Running" in out


@needs_scenarios
def test_cluster_file_and_an_unusable_one(capsys, tmp_path):
    cluster = SCENARIOS / "08-before-cni-coredns-pending" / "cluster.yaml"
    report = predicted(capsys, str(APP), str(NEXT), "--cluster", str(cluster))
    assert not report["defaultCluster"] and str(cluster) in report["cluster"]
    (web,) = report["workloads"]  # one NotReady node: nothing schedules on either side
    assert (web["before"], web["after"]) == ({"Pending": 3}, {"Pending": 4})
    assert web["newlyPending"] == 1 and "untolerated taint" in web["pendingReasons"][0]["message"]
    assert report["services"] == []
    bad = tmp_path / "cluster.yaml"
    bad.write_text("nodes: [unclosed\n")
    code, out, err = (
        main(["diff", str(APP), str(NEXT), "--cluster", str(bad)]),
        *(capsys.readouterr()),
    )
    assert code == 2 and "cluster.yaml" in err and "Traceback" not in out + err


def test_markdown_section(capsys):
    out = run(capsys, str(APP), str(NEXT), "-o", "markdown")[1]
    assert "**Predicted (both sides simulated)**" in out
    block = out[out.index("**Predicted") :]
    assert "Deployment shop/web: pods 3 Running → 4 Running" in block.split("```")[1]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True)


def test_git_side_predicts_like_the_files(capsys, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(APP, repo / "k8s")
    git(repo, "init", "-q")
    git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", "-A")
    git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "v1")
    shutil.copy(NEXT / "web.yaml", repo / "k8s" / "web.yaml")
    monkeypatch.chdir(repo)
    from_git = predicted(capsys, "git:HEAD:k8s", "k8s")
    from_files = predicted(capsys, str(APP), str(NEXT))
    assert from_git["workloads"] == from_files["workloads"]
    assert from_git["services"] == from_files["services"]


def test_library_entry_no_change_means_no_prediction_difference():
    old, new = diff(str(APP), str(APP)).documents
    result = predict(old, new)
    assert (result.workloads, result.services) == ((), ())
    assert result.new_findings == result.cleared_findings == ()
    assert len(old) == len(new) == 6


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
def test_output_without_simulate_is_unchanged(capsys, output):
    code = main(["diff", str(APP), str(NEXT), "-o", output])
    out = capsys.readouterr().out
    assert code == 1 and "Predicted" not in out and '"predicted"' not in out


# -- properties ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("cluster") / "cluster.yaml"
    path.write_text(CLUSTER)
    return str(path)


def documents(bodies: list[dict], source: str) -> list[Document]:
    return [Document(b, source, i, 1, object_ref(b)) for i, b in enumerate(bodies)]


def mirrored(p: Predicted) -> tuple[Any, ...]:
    """What predict(B, A) must be, given p = predict(A, B)."""
    swap = {"added": "removed", "removed": "added"}
    workloads = tuple(
        w._replace(
            before=w.after,
            after=w.before,
            templates=w.templates[::-1],
            pods=tuple(
                c._replace(change=swap.get(c.change, c.change), old=c.new, new=c.old)
                for c in w.pods
            ),
        )
        for w in p.workloads
    )
    services = tuple(
        s._replace(before=s.after, after=s.before, added=s.removed, removed=s.added)
        for s in p.services
    )
    return workloads, services, p.cleared_findings, p.new_findings


def comparable(p: Predicted) -> tuple[Any, ...]:
    workloads = tuple(w._replace(pending=0, reasons=()) for w in p.workloads)
    return workloads, p.services, p.new_findings, p.cleared_findings


@settings(max_examples=10, deadline=None)
@given(manifests(), manifests())
def test_prediction_is_empty_for_equal_sides_and_mirrors_when_swapped(cluster_file, a, b):
    same = predict(documents(a, "<a>"), documents(a, "<a>"), cluster_file)
    assert not any((same.workloads, same.services, same.new_findings, same.cleared_findings))
    forth = predict(documents(a, "<a>"), documents(b, "<b>"), cluster_file)
    back = predict(documents(b, "<b>"), documents(a, "<a>"), cluster_file)
    assert comparable(back) == comparable(Predicted(forth.cluster, False, *mirrored(forth)))
    for w in forth.workloads:  # the pod changes account for every pod on both sides
        olds = sum(c.old is not None for c in w.pods)
        news = sum(c.new is not None for c in w.pods)
        assert olds <= sum(w.before.values()) and news <= sum(w.after.values())
        assert sum(w.before.values()) - olds == sum(w.after.values()) - news


def test_namespace_option_reaches_the_simulation(tmp_path, capsys):
    # `-n prod` places objects that name no namespace, in the diff and in the prediction alike
    deployment = """\
apiVersion: v1
kind: Namespace
metadata: {{name: prod}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: web, image: "nginx:1.27"}}]
"""
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(deployment.format(1))
    new.write_text(deployment.format(2))
    report = predicted(capsys, str(old), str(new), "-n", "prod")
    (web,) = report["workloads"]
    assert web["object"] == "Deployment prod/web"
    assert (web["before"], web["after"]) == ({"Running": 1}, {"Running": 2})
