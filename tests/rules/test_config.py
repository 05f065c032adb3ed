"""Configuration files: discovery, good settings, and errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelint.rules import catalogue
from kubelint.rules.config import ConfigError, check_names, discover, load

from .helpers import RULES

GOOD = """\
kubernetes-version: v1.31
enable: [all]
disable: [security, test-latest]
severity: {test-same-name: error, KL010: off}
exclude: ["charts/*"]
crd: [crds]
template-paths: {argoproj.io/Rollout: spec.template}
node-port-range: 30000-30100
default-namespace: dev
params: {test-latest: {allow: [nginx]}}
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_yaml_settings(tmp_path: Path) -> None:
    config = load(write(tmp_path, ".kubelint.yaml", GOOD))
    assert config.kubernetes_version == "1.31"
    assert config.enable == ("all",) and config.disable == ("security", "test-latest")
    assert config.severity == {"test-same-name": "error", "KL010": "off"}
    assert config.crd == (str(tmp_path / "crds"),)
    assert config.node_port_range == (30000, 30100)
    assert config.params == {"test-latest": {"allow": ["nginx"]}}
    check_names(config, catalogue.is_selector, lambda n: catalogue.code_of(n) is not None)


def test_pyproject_table(tmp_path: Path) -> None:
    text = (
        '[project]\nname = "x"\n\n[tool.kubelint]\ndisable = ["test-latest"]\n'
        '\n[tool.kubelint.severity]\nKL010 = "error"\nbogus = "warning"\n'
    )
    config = load(write(tmp_path, "pyproject.toml", text))
    assert config.disable == ("test-latest",)
    with pytest.raises(ConfigError) as caught:
        check_names(config, catalogue.is_selector, lambda n: catalogue.code_of(n) is not None)
    assert str(caught.value).endswith("pyproject.toml:9: severity: unknown rule 'bogus'")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("enable: [all]\ndisabel: [x]\n", 2, "unknown setting 'disabel' (did you mean 'disable'?)"),
        ("severity:\n  KL010: loud\n", 2, "severity of 'KL010' must be one of error, warning"),
        ("kubernetes-version: '1.2'\n", 1, "kubernetes-version: Kubernetes 1.2 is not bundled"),
        ("node-port-range: 40000-30000\n", 1, "node-port-range: expected LOW-HIGH"),
        ("template-paths:\n  Rollout: spec.template\n", 2, "template-paths: expected 'group/Kind"),
        ("default-namespace: Shop\n", 1, "'Shop' is not a namespace name"),
        ("params:\n  x: 3\n", 2, "params: options of 'x' must be a mapping"),
        ("enable: {a: 1}\n", 1, "enable: expected a list of names"),
        ("- a\n", 1, "the configuration must be a mapping"),
        ("enable: [a\n", 2, "invalid YAML"),
    ],
)
def test_bad_settings_name_file_and_line(tmp_path: Path, text: str, line: int, message: str):
    path = write(tmp_path, ".kubelint.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{path}:{line}: ")  # outside the cwd: absolute


def test_unknown_rule_names_are_errors(tmp_path: Path) -> None:
    config = load(write(tmp_path, ".kubelint.yaml", "enable: [security]\ndisable:\n  - nope\n"))
    with pytest.raises(ConfigError, match=r":3: disable: unknown rule or category 'nope'"):
        check_names(config, catalogue.is_selector, lambda n: catalogue.code_of(n) is not None)


def test_discovery_walks_up_and_prefers_kubelint_yaml(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert discover([str(deep)]) is None
    write(tmp_path, "pyproject.toml", "[tool.kubelint]\ndisable = []\n")
    assert discover([str(deep)]) == str(tmp_path / "pyproject.toml")
    write(tmp_path / "a", ".kubelint.yaml", "{}\n")
    assert discover([str(deep / "x.yaml")]) == str(tmp_path / "a" / ".kubelint.yaml")
    write(tmp_path / "a" / "b", "pyproject.toml", "[project]\nname = 'no kubelint table'\n")
    assert discover([str(deep)]) == str(tmp_path / "a" / ".kubelint.yaml")


def test_selection_most_specific_wins() -> None:
    _latest, boom, same = RULES  # categories: best-practice
    select = catalogue.select
    assert select(RULES, [(["all"], ["best-practice"])]) == []
    assert select(RULES, [(["test-boom"], ["best-practice"])]) == [boom]
    assert select(RULES, [([], ["all"]), (["KL983"], [])]) == [same]  # a later layer wins
    assert select(RULES, [(["all"], ["all"])]) == []  # a tie disables
