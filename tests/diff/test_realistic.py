"""kubelint diff on real upstream manifests from the corpus, changed the way people change them."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path

import pytest
import yaml

from kubelint.diff import Level, Op, Status, apply_patch, diff
from tests.diff.helpers import field_set, fields, impact_names

FRONTEND = "GoogleCloudPlatform__microservices-demo/kubernetes-manifests/frontend.yaml"
INGRESS = "kubernetes__website/content/en/examples/service/networking/minimal-ingress.yaml"


@pytest.fixture
def frontend(corpus: Path, tmp_path: Path) -> tuple[Path, str]:
    """The corpus' frontend Deployment + Service, copied (the corpus is read-only)."""
    text = (corpus / FRONTEND).read_text()
    old = tmp_path / "old.yaml"
    old.write_text(text)
    return old, text


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def line_at(path: Path, line: int) -> str:
    return path.read_text().splitlines()[line - 1].strip()


def test_image_replicas_and_env_inserted_in_the_middle(frontend, tmp_path):
    old, text = frontend
    new_text = (
        text.replace("image: frontend\n", "image: frontend:v2\n")
        .replace("spec:\n  selector:", "spec:\n  replicas: 3\n  selector:", 1)
        .replace(
            '            value: "cartservice:7070"\n',
            '            value: "cartservice:7070"\n          - name: NEW_VAR\n'
            '            value: "x"\n',
        )
    )
    new = write(tmp_path, "new.yaml", new_text)
    result = diff(str(old), str(new))
    assert [(c.status, str(c.ref)) for c in result.changes] == [
        (Status.CHANGED, "Deployment frontend")
    ]
    server = "spec.template.spec.containers[name=server]"
    assert fields(result) == [
        ("replace", "spec.replicas", 1, 3),  # defaulted 1 on the old side
        # one addition, not a cascade of the six env vars after it
        ("add", f"{server}.env[name=NEW_VAR]", None, {"name": "NEW_VAR", "value": "x"}),
        ("replace", f"{server}.image", "frontend", "frontend:v2"),
        # the defaulted pull policy follows the tag (":latest" implied → Always)
        ("replace", f"{server}.imagePullPolicy", "Always", "IfNotPresent"),
    ]
    change = result.changes[0]
    assert impact_names(result) == ["pods-roll", "replicas-changed"]
    roll = change.impacts[0]
    assert dict(roll.details)["images"] == [["server", "frontend", "frontend:v2"]]
    assert change.level == Level.ROLLOUT
    image = change.fields[2]
    assert (image.old_position.line, image.new_position.line) == (47, 48)
    assert line_at(new, image.new_position.line) == "image: frontend:v2"
    assert (image.old_position.source, image.new_position.source) == (str(old), str(new))
    added = change.fields[1]
    assert added.new_path[-1] == 4
    assert line_at(new, added.new_position.line) == "- name: NEW_VAR"
    assert result.unchanged == 3  # two Services and a ServiceAccount


def test_reordered_env_is_one_order_change_that_rolls_pods(frontend, tmp_path):
    old, text = frontend
    body = list(yaml.safe_load_all(text))
    env = body[0]["spec"]["template"]["spec"]["containers"][0]["env"]
    env.reverse()
    new = write(tmp_path, "new.yaml", yaml.safe_dump_all(body))
    result = diff(str(old), str(new))
    assert [f.op for f in result.changes[0].fields] == [Op.ORDER]
    order = result.changes[0].fields[0]
    assert order.path_text == "spec.template.spec.containers[name=server].env"
    assert [str(k) for k in order.new][:2] == [
        "name=ENABLE_PROFILER",
        "name=SHOPPING_ASSISTANT_SERVICE_ADDR",
    ]
    assert impact_names(result) == ["pods-roll"]
    assert result.changes[0].impacts[0].message == (
        "pod template changed (containers server; order of env changed): pods roll"
    )


def test_kubectl_dry_run_noise_is_no_difference(tmp_path):
    generated = subprocess.run(
        ["kubectl", "create", "deployment", "web", "--image=nginx:1.27", "--dry-run=client",
         "-o", "yaml"],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    assert "strategy: {}" in generated and "creationTimestamp: null" in generated
    handwritten = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27"}]
"""
    a = write(tmp_path, "kubectl.yaml", generated)
    b = write(tmp_path, "hand.yaml", handwritten)
    assert not diff(str(a), str(b)).changes
    raw = diff(str(a), str(b), show_defaults=True)
    assert {f.path_text for f in raw.changes[0].fields} == {
        "metadata.creationTimestamp",
        "spec.strategy",
        "spec.template.metadata.creationTimestamp",
        "spec.template.spec.containers[name=nginx].resources",
        "status",
    }


def test_renamed_configmap(corpus, tmp_path):
    source = corpus / "kubernetes__website/content/en/examples/configmap/configmaps.yaml"
    docs = list(yaml.safe_load_all(source.read_text()))
    renamed = copy.deepcopy(docs)
    renamed[0]["metadata"]["name"] += "-5f7b9c"
    result = diff(docs, renamed)
    assert [(c.status, c.old.ref.name, c.new.ref.name, c.similarity) for c in result.changes] == [
        (Status.RENAMED, docs[0]["metadata"]["name"], renamed[0]["metadata"]["name"], 1.0)
    ]
    assert fields(result) == [
        ("replace", "metadata.name", docs[0]["metadata"]["name"], renamed[0]["metadata"]["name"])
    ]
    assert impact_names(result) == ["object-renamed"]
    off = diff(docs, renamed, rename_threshold=2)
    assert sorted(c.status for c in off.changes) == [Status.ADDED, Status.REMOVED]


def test_ingress_moved_to_networking_v1_is_a_migration(corpus, tmp_path):
    new = corpus / INGRESS
    body = yaml.safe_load(new.read_text())
    old_body = copy.deepcopy(body)
    old_body["apiVersion"] = "extensions/v1beta1"
    backend = old_body["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    service = backend.pop("service")
    backend.update(serviceName=service["name"], servicePort=service["port"]["number"])
    old = write(tmp_path, "old-ingress.yaml", yaml.safe_dump(old_body))
    result = diff(str(old), str(new))
    assert [c.status for c in result.changes] == [Status.MIGRATED]
    assert fields(result) == [
        ("replace", "apiVersion", "extensions/v1beta1", "networking.k8s.io/v1")
    ]
    assert impact_names(result) == ["api-migration"]
    # a real change on top of the move is still reported
    body["spec"]["rules"][0]["http"]["paths"][0]["path"] = "/other"
    moved = diff(str(old), [body])
    assert fields(moved)[1] == (
        "replace",
        "spec.rules[0].http.paths[0].path",
        "/testpath",
        "/other",
    )


def test_service_selector_change_reports_selected_workloads(frontend, tmp_path):
    old, text = frontend
    new = write(
        tmp_path,
        "new.yaml",
        text.replace("  selector:\n    app: frontend", "  selector:\n    app: backend"),
    )
    result = diff(str(old), str(new))
    service = result.changes[0]
    assert str(service.ref) == "Service frontend"
    assert [(i.name, dict(i.details)) for i in service.impacts] == [
        ("selection-changed", {"before": ["Deployment/frontend"], "after": []})
    ]


def test_deployment_selector_change_is_rejected_and_needs_recreate(frontend, tmp_path):
    old, text = frontend
    new = write(tmp_path, "new.yaml", text.replace("app: frontend", "app: web"))
    result = diff(str(old), str(new))
    deployment = next(c for c in result.changes if c.ref.kind == "Deployment")
    names = impact_names(result, result.changes.index(deployment))
    assert names[:2] == ["update-rejected", "selector-changed"]
    assert deployment.level == Level.REJECT
    assert "field is immutable" in deployment.impacts[0].message


def test_patch_of_realistic_change_reproduces_new(frontend):
    _, text = frontend
    a = list(yaml.safe_load_all(text))
    b = copy.deepcopy(a)
    b[0]["spec"]["template"]["spec"]["containers"][0]["env"].insert(2, {"name": "X", "value": "1"})
    b[1]["spec"]["ports"][0]["port"] = 8080
    result = diff(a, b, show_defaults=True)
    assert apply_patch(a, result) == b


def test_directory_against_its_files_concatenated_in_reverse(corpus, tmp_path):
    folder = corpus / "GoogleCloudPlatform__microservices-demo/kubernetes-manifests"
    files = sorted(folder.glob("*.yaml"))
    assert len(files) > 5
    texts = [f.read_text() for f in reversed(files)]
    joined = write(tmp_path, "all.yaml", "\n---\n".join(texts))
    result = diff(str(folder), str(joined))
    assert result.changes == [] and result.findings == []
    assert result.unchanged == result.old_objects == result.new_objects > 20


def test_rename_seen_from_both_sides(corpus):
    source = corpus / "kubernetes__website/content/en/examples/configmap/configmaps.yaml"
    docs = list(yaml.safe_load_all(source.read_text()))
    renamed = copy.deepcopy(docs)
    renamed[1]["metadata"]["name"] = "renamed"
    forward, backward = diff(docs, renamed), diff(renamed, docs)
    (f,), (b,) = forward.changes, backward.changes
    assert f.status == b.status == Status.RENAMED
    assert (f.old.ref, f.new.ref) == (b.new.ref, b.old.ref)
    assert field_set([x.mirror() for x in f.fields]) == field_set(list(b.fields))
