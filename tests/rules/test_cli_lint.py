"""`kubelint lint` and `kubelint rules` end to end (in-process, through kubelint.cli.main)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kubelint.rules.catalogue import load_rules
from tests.conftest import REPO

EXAMPLES = str(REPO / "examples")
RULES = load_rules()


def findings(out: str) -> list[tuple[str, int, str]]:
    return [(f["file"], f["line"], f["code"]) for f in json.loads(out)["findings"]]


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of examples/ as the working directory (no configuration above it)."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_lint_reports_check_findings_and_rule_findings(kubelint_main, examples) -> None:
    code, out, _ = kubelint_main(["check", "-o", "json", "examples"])
    checked = findings(out)
    code, out, err = kubelint_main(["lint", "-o", "json", "examples"])
    linted = findings(out)
    assert code == 1, err
    assert set(checked) <= set(linted)
    assert any(c >= "KL100" for _, _, c in linted)
    assert linted == sorted(linted, key=lambda f: (f[0], f[1]))


def test_disable_all_is_check(kubelint_main, examples) -> None:
    _, checked, _ = kubelint_main(["check", "-o", "json", "examples"])
    _, linted, _ = kubelint_main(["lint", "-o", "json", "--disable", "all", "examples"])
    assert findings(linted) == findings(checked)


def test_configuration_is_found_and_applied(kubelint_main, examples) -> None:
    (examples / ".kubelint.yaml").write_text("disable: [all]\nseverity: {duplicate-key: info}\n")
    _, out, _ = kubelint_main(["lint", "-o", "json", "examples/mistakes"])
    data = json.loads(out)
    assert {f["code"] for f in data["findings"]} < {f"KL0{n:02d}" for n in range(100)}
    (dup,) = [f for f in data["findings"] if f["rule"] == "duplicate-key"]
    assert dup["severity"] == "info"
    _code, out, _ = kubelint_main(["lint", "-o", "json", "--no-config", "examples/mistakes"])
    assert any(f["code"] >= "KL100" for f in json.loads(out)["findings"])


def test_configuration_errors_exit_2_naming_file_and_line(kubelint_main, examples) -> None:
    (examples / ".kubelint.yaml").write_text("enable: [all]\nseverity:\n  no-such-rule: error\n")
    code, out, err = kubelint_main(["lint", "examples"])
    assert code == 2 and out == ""
    assert "configuration: .kubelint.yaml:3: severity: unknown rule 'no-such-rule'" in err


def test_unknown_rule_on_the_command_line(kubelint_main, examples) -> None:
    code, _, err = kubelint_main(["lint", "--enable", "nope", "examples"])
    assert code == 2 and "unknown rule or category 'nope'" in err


def test_baseline_round_trip(kubelint_main, examples) -> None:
    code, _, err = kubelint_main(["lint", "examples", "--write-baseline", "base.json"])
    assert code == 0 and "finding(s) to base.json" in err
    code, out, _ = kubelint_main(["lint", "-o", "json", "examples", "--baseline", "base.json"])
    assert code == 0 and findings(out) == []
    web = examples / "examples" / "app" / "web.yaml"
    web.write_text(
        "# moved down\n\n"
        + web.read_text().replace("replicas: 3\n", "replicas: 3\n  replicaz: 3\n")
    )
    code, out, _ = kubelint_main(["lint", "-o", "json", "examples", "--baseline", "base.json"])
    assert code == 1 and findings(out) == [("examples/app/web.yaml", 27, "KL021")]


def test_bad_baseline_exits_2(kubelint_main, examples) -> None:
    (examples / "b.json").write_text("[]")
    code, _, err = kubelint_main(["lint", "examples", "--baseline", "b.json"])
    assert code == 2 and "not a kubelint baseline" in err
    code, _, err = kubelint_main(["lint", "examples", "--write-baseline", "no/such/dir/b.json"])
    assert code == 2 and "cannot write no/such/dir/b.json" in err


def test_rules_table_lists_rules_and_codes(kubelint_main) -> None:
    code, out, _ = kubelint_main(["rules"])
    assert code == 0
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines()[1:]}
    assert {r.code: r.name for r in RULES}.items() <= rows.items()
    assert rows["KL021"] == "unknown-field" and rows["KL090"] == "unused-suppression"


def test_rules_json(kubelint_main) -> None:
    _, out, _ = kubelint_main(["rules", "-o", "json"])
    data = json.loads(out)
    assert [r["code"] for r in data["rules"]] == [r.code for r in RULES]
    assert {"code": "KL001", "name": "yaml-syntax"}.items() <= data["codes"][0].items()


def test_explain_by_name_and_code(kubelint_main) -> None:
    rule = RULES[0]
    _, by_name, _ = kubelint_main(["rules", "explain", rule.name])
    _, by_code, _ = kubelint_main(["rules", "explain", rule.code.lower()])
    assert by_name == by_code
    assert by_name.startswith(f"# {rule.code} {rule.name}\n") and rule.failing.strip() in by_name
    code, out, _ = kubelint_main(["rules", "explain", "KL021"])
    assert code == 0 and "unknown-field" in out
    code, _, err = kubelint_main(["rules", "explain", "nope"])
    assert code == 2 and "no rule or code 'nope'" in err


def test_lint_subprocess_exit_codes_and_stdin(kubelint_cli) -> None:
    clean = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: shop}\n"
    run = kubelint_cli(["lint", "-q", "-"], stdin=clean)
    assert run.code == 0, run
    run = kubelint_cli(["lint", "-", "--fail-on", "info"], stdin=clean + b"data: {a: 1}\n")
    assert run.code == 1 and "KL023" in run.stdout


def test_worker_processes_give_the_same_report(kubelint_main, examples) -> None:
    """-j 2 ships documents back from the workers for the set rules: same findings, same
    locations as in one process."""
    _, one, _ = kubelint_main(["lint", "-o", "json", "-j", "1", "--enable", "all", "examples"])
    _, two, _ = kubelint_main(["lint", "-o", "json", "-j", "2", "--enable", "all", "examples"])
    assert json.loads(one)["findings"] == json.loads(two)["findings"]
    assert any(f["code"] >= "KL400" for f in json.loads(two)["findings"])  # set rules ran


def test_severity_overrides_accept_rule_names(kubelint_main, examples) -> None:
    _, out, _ = kubelint_main(["lint", "-o", "json", "--enable", "all", "examples"])
    code = next(f["code"] for f in json.loads(out)["findings"] if f["code"] >= "KL100")
    rule = next(r for r in RULES if r.code == code)
    hits = [f for f in json.loads(out)["findings"] if f["code"] == rule.code]
    _, out, _ = kubelint_main(
        ["lint", "-o", "json", "--enable", "all", "--severity", f"{rule.name}=ignore", "examples"]
    )
    assert not [f for f in json.loads(out)["findings"] if f["code"] == rule.code]
    _, out, _ = kubelint_main(
        ["lint", "-o", "json", "--enable", "all", "--severity", f"{rule.code}=info", "examples"]
    )
    graded = [f for f in json.loads(out)["findings"] if f["code"] == rule.code]
    assert len(graded) == len(hits) > 0 and {f["severity"] for f in graded} == {"info"}


def test_rule_params_are_checked_against_the_rules_options(kubelint_main, examples) -> None:
    from kubelint.rules.options import OPTIONS

    rule, declared = sorted(OPTIONS.items())[0]
    key = sorted(declared)[0]
    config = examples / ".kubelint.yaml"
    config.write_text(f"params:\n  {rule}:\n    {key}: {{not: valid}}\n")
    code, _, err = kubelint_main(["lint", "examples"])
    assert code == 2 and f".kubelint.yaml:3: params: {rule}.{key} must be" in err
    config.write_text(f"params:\n  {rule}:\n    no-such-option: 1\n")
    code, _, err = kubelint_main(["lint", "examples"])
    assert code == 2 and f"{rule} has no option 'no-such-option'" in err
    default = declared[key]
    config.write_text(
        json.dumps(
            {"params": {rule: {key: list(default) if isinstance(default, tuple) else default}}}
        )
    )
    code, _, err = kubelint_main(["lint", "examples"])
    assert code in (0, 1), err
