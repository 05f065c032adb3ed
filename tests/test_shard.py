"""`check --shard K/N` + `merge`: N shards give exactly the findings of one run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubelint.cli.main import main
from kubelint.shard import owner, parse_shard

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
"""


def _tree(root: Path) -> Path:
    root.mkdir()
    (root / "crd.yaml").write_text(CRD)
    for i in range(30):
        size = '"big"' if i % 3 == 0 else str(i)
        (root / f"widget-{i:02d}.yaml").write_text(
            f"apiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: w{i}}}\n"
            f"spec: {{size: {size}}}\n"
        )
        (root / f"cm-{i:02d}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"
            + ("datas: {}\n" if i % 4 == 0 else "data: {}\n")
        )
    return root


def _json(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, dict]:
    code = main(args)
    return code, json.loads(capsys.readouterr().out)


def test_shards_merge_to_the_single_run(tmp_path: Path, capsys) -> None:
    root = _tree(tmp_path / "in")
    code, single = _json(capsys, ["check", "-o", "json", str(root)])
    assert code == 1
    assert len(single["findings"]) == 10 + 8  # 10 size errors on Widgets, 8 unknown fields
    reports = []
    for k in range(1, 5):
        _, report = _json(capsys, ["check", "-o", "json", "--shard", f"{k}/4", str(root)])
        path = tmp_path / f"shard{k}.json"
        path.write_text(json.dumps(report))
        reports.append(str(path))
        # every shard knows the CRD, even the shards that do not own crd.yaml
        assert not [f for f in report["findings"] if f["rule"] == "missing-schema"]
    assert sum(json.loads(Path(p).read_text())["summary"]["files"] for p in reports) == 61
    code, merged = _json(capsys, ["merge", "-o", "json", *reports])
    assert code == 1
    assert merged["findings"] == single["findings"]
    assert merged["summary"] == single["summary"]


def test_split_is_deterministic_and_complete() -> None:
    names = [f"k8s/app-{i}.yaml" for i in range(200)]
    owners = [owner(n, 4) for n in names]
    assert owners == [owner(n, 4) for n in names]
    assert set(owners) == {1, 2, 3, 4}
    assert all(owner(n, 1) == 1 for n in names)


@pytest.mark.parametrize("text", ["0/4", "5/4", "1/0", "a/b", "3", "-1/2"])
def test_bad_shard_is_a_usage_error(text: str, capsys) -> None:
    with pytest.raises(ValueError):
        parse_shard(text)
    assert main(["check", "--shard", text, "."]) == 2
    assert "--shard" in capsys.readouterr().err


def test_merge_refuses_reports_for_different_targets(tmp_path: Path, capsys) -> None:
    root = _tree(tmp_path / "in")
    paths = []
    for version in ("1.30", "1.32"):
        _, report = _json(capsys, ["check", "-o", "json", "-k", version, str(root)])
        path = tmp_path / f"{version}.json"
        path.write_text(json.dumps(report))
        paths.append(str(path))
    assert main(["merge", *paths]) == 2
    assert "Kubernetes 1.32" in capsys.readouterr().err


def test_merge_refuses_non_reports(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"hello": 1}')
    assert main(["merge", str(bad)]) == 2
    assert "not a kubelint JSON report" in capsys.readouterr().err


def test_merged_text_report_has_code_frames(tmp_path: Path, capsys) -> None:
    root = _tree(tmp_path / "in")
    _, report = _json(capsys, ["check", "-o", "json", str(root)])
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report))
    assert main(["merge", "--color", "never", str(path)]) == 1
    out = capsys.readouterr().out
    assert "  > " in out and "^" in out
    assert "18 errors" in out
