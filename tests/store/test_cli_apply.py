"""`kubelint apply --dry-run`: kubectl's lines, findings, prune, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

V1 = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "web:1"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: old, namespace: shop, labels: {app: web}}
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_lines_and_exit_code(tmp_path, kubelint_main):
    v1 = write(tmp_path, "v1.yaml", V1)
    code, out, _ = kubelint_main(["apply", "--dry-run", v1])
    assert code == 0
    assert out.splitlines() == [
        "namespace/shop created (dry run)",
        "deployment.apps/web created (dry run)",
        "configmap/old created (dry run)",
    ]


def test_previous_state_prune_and_refusal(tmp_path, kubelint_main):
    v1 = write(tmp_path, "v1.yaml", V1)
    v2 = write(tmp_path, "v2.yaml", V1.split("---\n", 2)[1].replace("web:1", "web:2"))
    code, out, _ = kubelint_main(
        ["apply", "--dry-run", "--previous", v1, v2, "--prune", "-l", "app=web"]
    )
    assert (code, out.splitlines()) == (
        0,
        [
            "deployment.apps/web configured (dry run)",
            "configmap/old pruned (dry run)",
        ],
    )
    v3 = write(
        tmp_path,
        "v3.yaml",
        V1.split("---\n", 2)[1].replace("{app: web}}\n  template", "{app: x}}\n  template"),
    )
    code, out, _ = kubelint_main(["apply", "--dry-run", "--previous", v1, v3, "--color", "never"])
    assert code == 1
    assert "deployment.apps/web rejected (dry run)" in out
    assert "KL700 immutable-field" in out
    code, out, _ = kubelint_main(["apply", "--dry-run", "--previous", v1, v3, "-o", "json"])
    (refused,) = json.loads(out)["findings"]
    assert (refused["line"], refused["path"], refused["code"]) == (5, "spec.selector", "KL700")


def test_usage_errors(tmp_path, kubelint_main):
    v1 = write(tmp_path, "v1.yaml", V1)
    assert kubelint_main(["apply", v1])[0] == 2  # --dry-run is required
    assert kubelint_main(["apply", "--dry-run", "--prune", v1])[0] == 2  # needs -l or --all
    assert kubelint_main(["apply", "--dry-run", "-l", "a=b", v1])[0] == 2  # -l without --prune
    assert kubelint_main(["apply", "--dry-run", "-k", "0.1", v1])[0] == 2


def test_json_output(tmp_path, kubelint_main):
    v1 = write(tmp_path, "v1.yaml", V1 + "---\n" + V1.split("---\n")[2])
    code, out, _ = kubelint_main(["apply", "--dry-run", "-o", "json", v1])
    document = json.loads(out)
    assert [a["verb"] for a in document["actions"]] == [
        "created",
        "created",
        "created",
        "unchanged",
    ]
    assert [f["code"] for f in document["findings"]] == ["KL701"]
    assert code == 0  # a warning does not fail the default --fail-on error
