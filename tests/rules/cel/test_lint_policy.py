"""`kubelint lint --policy` and custom rule files, end to end through the CLI."""

from __future__ import annotations

import json

from kubelint.rules.engine import REGISTRY


def _split_example() -> tuple[str, str]:
    import kubelint.rules.builtin  # noqa: F401  (registers KL610)

    policy, binding, deployment = REGISTRY["KL610"].failing.split("---\n")
    return policy + "---\n" + binding, deployment


def test_policy_files_apply_to_the_input(tmp_path, kubelint_main):
    policy, deployment = _split_example()
    (tmp_path / "policy.yaml").write_text(policy)
    (tmp_path / "app.yaml").write_text(deployment)
    code, out, _ = kubelint_main(
        [
            "lint",
            "-o",
            "json",
            str(tmp_path / "app.yaml"),
            "--policy",
            str(tmp_path / "policy.yaml"),
        ]
    )
    assert code == 1
    found = [(f["code"], f["file"], f["object"]["name"]) for f in json.loads(out)["findings"]]
    assert found == [("KL610", str(tmp_path / "app.yaml"), "web")]
    code, out, _ = kubelint_main(["lint", "-o", "json", str(tmp_path / "app.yaml")])
    assert code == 0 and json.loads(out)["findings"] == []


CUSTOM = """\
apiVersion: kubelint.dev/v1alpha1
kind: Rule
metadata: {name: require-team-label}
spec:
  code: ACME001
  severity: error
  match: {kinds: [apps/Deployment]}
  validations:
  - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: every Deployment names its team
    path: metadata
"""


def test_custom_rules_report_with_their_code_and_line(tmp_path, kubelint_main):
    _, deployment = _split_example()
    (tmp_path / "app.yaml").write_text(deployment)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "team.yaml").write_text(CUSTOM)
    code, out, _ = kubelint_main(
        ["lint", "-o", "json", "--custom-rules", str(rules), str(tmp_path / "app.yaml")]
    )
    assert code == 1
    [f] = json.loads(out)["findings"]
    assert (f["code"], f["rule"], f["line"], f["message"]) == (
        "ACME001",
        "require-team-label",
        3,
        "every Deployment names its team",
    )
    (rules / "team.yaml").write_text(CUSTOM.replace("'team' in", "'team' in ("))
    code, out, _ = kubelint_main(
        ["lint", "-o", "json", "--custom-rules", str(rules), str(tmp_path / "app.yaml")]
    )
    findings = json.loads(out)["findings"]
    assert code == 1 and [f["rule"] for f in findings] == ["custom-rule-invalid"]
    assert findings[0]["file"] == str(rules / "team.yaml") and findings[0]["line"] == 9
