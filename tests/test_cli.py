"""The `kubelint check` command line: exit codes, options, output formats, robustness."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cli_env, find_corpus, run_kubelint

from kubelint.schema import bundle

ESC = "\x1b["
DEFAULT = bundle.default_version()

GOOD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
"""

# line 9: replicas is a word; line 20: typo "protocl" (an unknown field)
BAD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  replicas: two
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
          protocl: TCP
"""

# v1 Endpoints is deprecated since 1.33 and still served: a warning, no error
ENDPOINTS = """\
apiVersion: v1
kind: Endpoints
metadata:
  name: legacy
subsets: []
"""

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
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
            required: [size]
            properties:
              size: {type: integer, minimum: 1}
              color: {type: string, enum: [red, blue]}
"""

WIDGET_OK = """\
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w1
spec:
  size: 3
  color: red
"""

# line 6: size below the minimum; line 7: color not in the enum
WIDGET_BAD = """\
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w2
spec:
  size: 0
  color: green
"""

FLOWSCHEMA = """\
apiVersion: flowcontrol.apiserver.k8s.io/{version}
kind: FlowSchema
metadata:
  name: fs
spec:
  priorityLevelConfiguration:
    name: global-default
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def findings(run) -> list[tuple[int, str, str]]:
    return [(f["line"], f["rule"], f["path"]) for f in run.json()["findings"]]


# -- exit codes ------------------------------------------------------------------------------
def test_default_version_is_the_newest_bundled():
    assert max(bundle.versions(), key=bundle.version_key) == DEFAULT


def test_exit_0_when_clean(tmp_path):
    path = write(tmp_path, "good.yaml", GOOD)
    run = run_kubelint(["check", str(path)])
    assert run.code == 0, run
    assert run.stdout.endswith(f"(Kubernetes {DEFAULT}, strict)\n")
    assert "1 file, 1 object: 0 errors, 0 warnings, 0 info" in run.stdout
    assert run.stderr == ""


def test_exit_1_on_error_findings(tmp_path):
    path = write(tmp_path, "bad.yaml", BAD)
    run = run_kubelint(["check", "-o", "json", str(path)])
    assert run.code == 1, run
    assert findings(run) == [
        (9, "invalid-type", "spec.replicas"),
        (19, "unknown-field", "spec.template.spec.containers[0].ports[0].protocl"),
    ]


@pytest.mark.parametrize(
    "args, complaint",
    [
        (["check", "--no-such-option", "x.yaml"], "No such option"),
        (["check", "--kubernetes-version", "1.99", "x.yaml"], "not bundled"),
        (["check", "-k", "banana", "x.yaml"], "not a Kubernetes version"),
        (["check", "-k", "1.24", "x.yaml"], "not bundled"),
        (["check"], "Missing argument"),
        (["check", "--output", "xml", "x.yaml"], "Invalid value for '-o' / '--output'"),
        (["check", "--fail-on", "sometimes", "x.yaml"], "--fail-on"),
        (["check", "--severity", "no-such-rule=error", "x.yaml"], "unknown rule"),
        (["check", "--severity", "unknown-field=loud", "x.yaml"], "unknown severity"),
        (["check", "--severity", "unknown-field", "x.yaml"], "expected RULE=LEVEL"),
        (["check", "--missing-schema", "fatal", "x.yaml"], "--missing-schema"),
        (["check", "--jobs", "-1", "x.yaml"], "--jobs"),
        (["nocommand"], "No such command"),
    ],
)
def test_exit_2_on_usage_errors(tmp_path, args, complaint):
    write(tmp_path, "x.yaml", GOOD)
    run = run_kubelint(args, cwd=tmp_path)
    assert run.code == 2, run
    assert complaint in run.stderr
    assert run.stdout == ""
    assert "Traceback" not in run.stderr


def test_usage_error_in_process(kubelint_main, tmp_path):
    path = write(tmp_path, "x.yaml", GOOD)
    code, out, err = kubelint_main(["check", "-k", "1.99", str(path)])
    assert (code, out) == (2, "")
    assert "Kubernetes 1.99 is not bundled" in err


def test_fail_on_warning(tmp_path):
    path = write(tmp_path, "endpoints.yaml", ENDPOINTS)
    default = run_kubelint(["check", "-o", "json", str(path)])
    assert default.code == 0, default
    assert [(f["rule"], f["severity"]) for f in default.json()["findings"]] == [
        ("deprecated-api", "warning")
    ]
    assert run_kubelint(["check", "--fail-on", "warning", str(path)]).code == 1
    assert run_kubelint(["check", "--fail-on", "error", str(path)]).code == 0


def test_fail_on_info(tmp_path):
    path = write(tmp_path, "empty.yaml", "# nothing here\n---\n")
    run = run_kubelint(["check", "-o", "json", str(path)])
    assert run.code == 0, run
    assert [(f["rule"], f["severity"]) for f in run.json()["findings"]] == [("no-objects", "info")]
    assert run_kubelint(["check", "--fail-on", "info", str(path)]).code == 1
    assert run_kubelint(["check", "--fail-on", "warning", str(path)]).code == 0


def test_fail_on_never(tmp_path):
    path = write(tmp_path, "bad.yaml", BAD)
    run = run_kubelint(["check", "--fail-on", "never", "-o", "json", str(path)])
    assert run.code == 0, run
    assert run.json()["summary"]["findings"]["error"] == 2


# -- JSON report -----------------------------------------------------------------------------
def test_json_report(tmp_path):
    bad = write(tmp_path, "bad.yaml", BAD)
    good = write(tmp_path, "good.yaml", GOOD)
    endpoints = write(tmp_path, "endpoints.yaml", ENDPOINTS)
    run = run_kubelint(["check", "-o", "json", str(bad), str(good), str(endpoints)])
    assert run.code == 1, run
    report = run.json()
    assert report["formatVersion"] == 1
    assert report["tool"]["name"] == "kubelint"
    assert report["kubernetesVersion"] == DEFAULT
    assert report["strict"] is True
    assert report["summary"] == {
        "files": 3,
        "objects": 3,
        "validated": 3,
        "notValidated": 0,
        "emptyDocuments": 0,
        "customResourceDefinitions": 0,
        "findings": {"error": 2, "warning": 1, "info": 0},
    }
    first = report["findings"][0]
    assert first == {
        "file": str(bad),
        "line": 9,
        "column": 13,
        "code": "KL023",
        "rule": "invalid-type",
        "severity": "error",
        "message": 'spec.replicas: expected integer, got string "two"',
        "object": {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "namespace": "shop",
            "name": "web",
        },
        "path": "spec.replicas",
        "pathSegments": ["spec", "replicas"],
        "document": 0,
        "hint": None,
    }
    typo = report["findings"][1]
    assert typo["pathSegments"] == [
        "spec",
        "template",
        "spec",
        "containers",
        0,
        "ports",
        0,
        "protocl",
    ]
    assert (typo["line"], typo["column"], typo["code"]) == (19, 11, "KL021")
    assert typo["hint"] == 'did you mean "protocol"?'
    deprecated = report["findings"][2]
    assert (deprecated["file"], deprecated["rule"], deprecated["path"]) == (
        str(endpoints),
        "deprecated-api",
        "apiVersion",
    )
    assert deprecated["hint"].startswith("use discovery.k8s.io/v1 EndpointSlice")


def test_json_document_index_and_sorting(tmp_path):
    text = GOOD + "---\n" + BAD
    path = write(tmp_path, "two.yaml", text)
    report = run_kubelint(["check", "-o", "json", str(path)]).json()
    offset = GOOD.count("\n") + 1
    assert [(f["document"], f["line"], f["rule"]) for f in report["findings"]] == [
        (1, offset + 9, "invalid-type"),
        (1, offset + 19, "unknown-field"),
    ]


# -- determinism -----------------------------------------------------------------------------
@pytest.fixture
def mixed_dir(tmp_path) -> Path:
    """24 files: clean ones, broken ones, a CRD and custom resources in other files."""
    root = tmp_path / "mixed"
    write(root, "00-crd.yaml", CRD)
    for i in range(6):
        write(root, f"apps/good-{i:02}.yaml", GOOD.replace("name: web\n", f"name: web{i}\n", 1))
        write(root, f"apps/bad-{i:02}.yaml", BAD.replace("name: web\n", f"name: bad{i}\n", 1))
        write(root, f"widgets/ok-{i:02}.yaml", WIDGET_OK.replace("w1", f"w1-{i}"))
    for i in range(3):
        write(root, f"widgets/bad-{i:02}.yaml", WIDGET_BAD.replace("w2", f"w2-{i}"))
    write(root, "legacy/endpoints.yaml", ENDPOINTS)
    write(root, "legacy/flowschema.yaml", FLOWSCHEMA.format(version="v1beta2"))
    assert sum(1 for p in root.rglob("*.yaml")) == 24
    return root


def test_two_runs_give_identical_json(mixed_dir):
    first = run_kubelint(["check", "-o", "json", str(mixed_dir)])
    second = run_kubelint(["check", "-o", "json", str(mixed_dir)])
    assert first.code == second.code == 1
    assert first.stdout == second.stdout
    report = first.json()
    assert report["summary"]["files"] == 24
    assert report["summary"]["customResourceDefinitions"] == 1
    rules = sorted({(f["rule"]) for f in report["findings"]})
    assert rules == [
        "deprecated-api",
        "invalid-type",
        "invalid-value",
        "removed-api",
        "unknown-field",
    ]


def test_hash_seed_does_not_change_output(mixed_dir):
    args = ["check", "-o", "json", str(mixed_dir)]
    corpus = find_corpus()
    if corpus is not None:  # the broken corpus with its CRDs: many more findings and CRDs
        args.append(str(corpus / "broken"))
        for crd in (
            "istio__istio/manifests/charts/base/files/crd-all.gen.yaml",
            "prometheus-operator__prometheus-operator/example/prometheus-operator-crd",
            "traefik__traefik/docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml",
        ):
            args += ["--crd", str(corpus / crd)]
    runs = [run_kubelint(args, env=cli_env({"PYTHONHASHSEED": seed})) for seed in ("0", "1")]
    assert runs[0].code == runs[1].code == 1
    assert runs[0].stdout == runs[1].stdout
    assert len(runs[0].json()["findings"]) >= (100 if corpus is not None else 20)


def test_jobs_2_matches_jobs_1(mixed_dir, corpus):
    paths = [str(mixed_dir), str(corpus / "broken"), str(corpus / "templated")]
    one = run_kubelint(["check", "-o", "json", "--jobs", "1", *paths])
    two = run_kubelint(["check", "-o", "json", "--jobs", "2", *paths])
    assert one.code == two.code == 1
    assert one.json()["summary"]["files"] == 24 + 32 + 82
    assert one.stdout == two.stdout


def test_jobs_2_on_a_small_directory(mixed_dir):
    one = run_kubelint(["check", "-o", "json", "-j", "1", str(mixed_dir)])
    two = run_kubelint(["check", "-o", "json", "-j", "2", str(mixed_dir)])
    assert one.stdout == two.stdout
    # custom resources in other files than their CRD are still validated in workers
    widget_findings = [
        (Path(f["file"]).name, f["line"], f["rule"])
        for f in two.json()["findings"]
        if f["object"] and f["object"]["kind"] == "Widget"
    ]
    assert sorted(widget_findings) == sorted(
        [(f"bad-{i:02}.yaml", 6, "invalid-value") for i in range(3)]
        + [(f"bad-{i:02}.yaml", 7, "invalid-value") for i in range(3)]
    )


# -- severity options ------------------------------------------------------------------------
def test_severity_override_by_name_and_code(tmp_path):
    path = write(tmp_path, "bad.yaml", BAD)
    lowered = run_kubelint(
        ["check", "-o", "json", "--severity", "unknown-field=warning", str(path)]
    )
    assert lowered.code == 1  # the invalid-type error remains
    assert [(f["rule"], f["severity"]) for f in lowered.json()["findings"]] == [
        ("invalid-type", "error"),
        ("unknown-field", "warning"),
    ]
    both = run_kubelint(
        [
            "check",
            "-o",
            "json",
            "--severity",
            "KL021=info",
            "--severity",
            "invalid-type=warning",
            str(path),
        ]
    )
    assert both.code == 0, both
    assert [(f["rule"], f["severity"]) for f in both.json()["findings"]] == [
        ("invalid-type", "warning"),
        ("unknown-field", "info"),
    ]
    assert both.json()["summary"]["findings"] == {"error": 0, "warning": 1, "info": 1}
    dropped = run_kubelint(["check", "-o", "json", "--severity", "unknown-field=ignore", str(path)])
    assert [f["rule"] for f in dropped.json()["findings"]] == ["invalid-type"]
    raised = run_kubelint(
        ["check", "--severity", "deprecated-api=error", str(write(tmp_path, "e.yaml", ENDPOINTS))]
    )
    assert raised.code == 1


@pytest.mark.parametrize(
    "level, code, expected",
    [
        (None, 1, [("missing-schema", "error")]),
        ("error", 1, [("missing-schema", "error")]),
        ("warning", 0, [("missing-schema", "warning")]),
        ("info", 0, [("missing-schema", "info")]),
        ("ignore", 0, []),
    ],
)
def test_missing_schema_option(tmp_path, level, code, expected):
    path = write(tmp_path, "widget.yaml", WIDGET_OK)
    args = ["check", "-o", "json", str(path)]
    if level:
        args[1:1] = ["--missing-schema", level]
    run = run_kubelint(args)
    assert run.code == code, run
    got = [(f["rule"], f["severity"]) for f in run.json()["findings"]]
    assert got == expected
    assert run.json()["summary"]["notValidated"] == 1


def test_no_strict_drops_unknown_fields_only(tmp_path):
    path = write(tmp_path, "bad.yaml", BAD)
    strict = run_kubelint(["check", "-o", "json", str(path)])
    loose = run_kubelint(["check", "-o", "json", "--no-strict", str(path)])
    assert "unknown-field" in [f["rule"] for f in strict.json()["findings"]]
    assert findings(loose) == [(9, "invalid-type", "spec.replicas")]
    assert loose.json()["strict"] is False
    assert loose.code == 1


# -- CRDs ------------------------------------------------------------------------------------
def test_crd_option(tmp_path):
    crd = write(tmp_path / "crds", "widget-crd.yaml", CRD)
    ok = write(tmp_path / "in", "ok.yaml", WIDGET_OK)
    bad = write(tmp_path / "in", "bad.yaml", WIDGET_BAD)
    without = run_kubelint(["check", "-o", "json", str(ok)])
    assert findings(without) == [(1, "missing-schema", "apiVersion")]
    with_file = run_kubelint(["check", "-o", "json", "--crd", str(crd), str(ok)])
    assert with_file.code == 0, with_file
    assert with_file.json()["summary"]["validated"] == 1
    # a directory works too, and the CRD file itself is not reported as input
    with_dir = run_kubelint(["check", "-o", "json", "--crd", str(tmp_path / "crds"), str(bad)])
    assert with_dir.code == 1
    assert findings(with_dir) == [
        (6, "invalid-value", "spec.size"),
        (7, "invalid-value", "spec.color"),
    ]
    assert with_dir.json()["summary"]["files"] == 1


def test_crd_in_the_input_is_used(tmp_path):
    write(tmp_path, "a-widget.yaml", WIDGET_BAD)  # sorted before the CRD: validated at the end
    write(tmp_path, "b-crd.yaml", CRD)
    run = run_kubelint(["check", "-o", "json", str(tmp_path)])
    assert findings(run) == [(6, "invalid-value", "spec.size"), (7, "invalid-value", "spec.color")]


# -- Kubernetes versions ---------------------------------------------------------------------
def test_api_removed_between_versions(tmp_path):
    path = write(tmp_path, "fs.yaml", FLOWSCHEMA.format(version="v1beta2"))
    old = run_kubelint(["check", "-o", "json", "-k", "1.25", str(path)])
    assert old.code == 0, old
    assert old.json()["kubernetesVersion"] == "1.25"
    assert old.json()["findings"] == []
    new = run_kubelint(["check", "-o", "json", str(path)])
    assert new.code == 1
    [f] = new.json()["findings"]
    assert (f["rule"], f["code"], f["line"], f["column"], f["path"]) == (
        "removed-api",
        "KL033",
        1,
        1,
        "apiVersion",
    )
    assert (
        "flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema was removed in Kubernetes 1.29"
        in (f["message"])
    )
    assert f["hint"] == "use flowcontrol.apiserver.k8s.io/v1"
    # still served (deprecated) in 1.28: a warning only
    mid = run_kubelint(["check", "-o", "json", "-k", "v1.28.3", str(path)])
    assert [(f["rule"], f["severity"]) for f in mid.json()["findings"]] == [
        ("deprecated-api", "warning")
    ]


def test_api_added_between_versions(tmp_path):
    path = write(tmp_path, "fs.yaml", FLOWSCHEMA.format(version="v1"))
    assert run_kubelint(["check", "-k", "1.29", str(path)]).code == 0
    old = run_kubelint(["check", "-o", "json", "-k", "1.25", str(path)])
    assert old.code == 1
    [f] = old.json()["findings"]
    assert (f["rule"], f["line"]) == ("unknown-kind", 1)
    assert "first served in 1.29" in f["message"]


def test_unknown_kind_did_you_mean(tmp_path):
    path = write(tmp_path, "typo.yaml", GOOD.replace("kind: Deployment", "kind: Deplyment"))
    run = run_kubelint(["check", "-o", "json", str(path)])
    assert run.code == 1
    [f] = run.json()["findings"]
    assert (f["rule"], f["code"], f["line"], f["column"], f["path"]) == (
        "unknown-kind",
        "KL030",
        2,
        7,
        "kind",
    )
    assert f["hint"] == "did you mean Deployment?"


def test_apps_v1beta1_deployment_is_removed(tmp_path):
    path = write(tmp_path, "old.yaml", GOOD.replace("apps/v1", "apps/v1beta1"))
    run = run_kubelint(["check", "-o", "json", "-k", "1.32", str(path)])
    assert run.code == 1
    [f] = run.json()["findings"]
    assert (f["rule"], f["line"], f["column"], f["path"]) == ("removed-api", 1, 1, "apiVersion")
    assert f["message"] == "apps/v1beta1 Deployment was removed in Kubernetes 1.16 (target is 1.32)"
    assert f["hint"].startswith("use apps/v1 ")


# -- stdin -----------------------------------------------------------------------------------
def test_stdin(tmp_path):
    run = run_kubelint(["check", "-o", "json", "-"], stdin=BAD.encode())
    assert run.code == 1
    assert {f["file"] for f in run.json()["findings"]} == {"<stdin>"}
    assert findings(run)[0] == (9, "invalid-type", "spec.replicas")
    clean = run_kubelint(["check", "-"], stdin=GOOD.encode())
    assert clean.code == 0, clean
    both = run_kubelint(
        ["check", "-o", "json", "-", str(write(tmp_path, "g.yaml", GOOD))], stdin=BAD.encode()
    )
    assert both.json()["summary"]["files"] == 2


# -- text output -----------------------------------------------------------------------------
def test_text_output_code_frame(tmp_path):
    path = write(tmp_path, "bad.yaml", BAD)
    run = run_kubelint(["check", "--color", "never", str(path)])
    lines = run.stdout.splitlines()
    assert lines[0] == str(path)
    head = next(i for i, row in enumerate(lines) if row.startswith("  9:13 "))
    assert "error" in lines[head] and "KL023 invalid-type" in lines[head]
    assert lines[head + 1].strip() == "Deployment shop/web"
    assert lines[head + 2] == "    8 |     matchLabels: {app: web}"  # the line before
    assert lines[head + 3] == "  > 9 |   replicas: two"  # the offending line, marked
    caret = lines[head + 4]
    assert caret.rstrip() == "    " + " " + " | " + " " * 12 + "^"  # under column 13
    typo = next(i for i, row in enumerate(lines) if row.startswith("  19:11 "))
    assert lines[typo + 3] == "  > 19 |           protocl: TCP"
    assert lines[typo + 4].index("^") == lines[typo + 3].index("protocl")
    assert lines[typo + 5] == '         = hint: did you mean "protocol"?'
    assert lines[-1].startswith("1 file, 1 object: 2 errors, 0 warnings, 0 info in ")


def test_concise_output(tmp_path):
    path = write(tmp_path, "bad.yaml", BAD)
    run = run_kubelint(["check", "-o", "concise", "-q", str(path)])
    assert run.stdout.splitlines() == [
        f'{path}:9:13: error KL023 invalid-type: spec.replicas: expected integer, got string "two" '
        "[Deployment shop/web]",
        f"{path}:19:11: error KL021 unknown-field: "
        "spec.template.spec.containers[0].ports[0].protocl: "
        'unknown field "protocl" (did you mean "protocol"?) [Deployment shop/web]',
    ]


def _run_in_pty(args: list[str], env: dict[str, str]) -> str:
    master, slave = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kubelint", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_color_auto_on_a_terminal_respects_no_color(tmp_path):
    path = str(write(tmp_path, "bad.yaml", BAD))
    on_tty = _run_in_pty(["check", path], cli_env(drop=["NO_COLOR"]))
    assert ESC in on_tty  # auto: colour on a terminal
    no_color = _run_in_pty(["check", path], cli_env({"NO_COLOR": "1"}))
    assert "replicas: two" in no_color and ESC not in no_color
    never = _run_in_pty(["check", "--color", "never", path], cli_env(drop=["NO_COLOR"]))
    assert "replicas: two" in never and ESC not in never


def test_color_never_and_always_when_piped(tmp_path):
    path = str(write(tmp_path, "bad.yaml", BAD))
    never = run_kubelint(["check", "--color", "never", path])
    assert "replicas: two" in never.stdout and ESC not in never.stdout
    auto = run_kubelint(["check", path], env=cli_env(drop=["NO_COLOR"]))
    assert ESC not in auto.stdout  # not a terminal
    always = run_kubelint(["check", "--color", "always", path], env=cli_env({"NO_COLOR": "1"}))
    assert "\x1b[31m" in always.stdout  # red "error"
    assert re.search(r"\x1b\[1m>\x1b\[0m 9 \|", always.stdout)


# -- robustness ------------------------------------------------------------------------------
def test_no_traceback_on_broken_and_templated_corpus(corpus):
    files = sorted(
        str(p)
        for part in ("broken", "templated")
        for p in (corpus / part).rglob("*")
        if p.is_file()
    )
    assert len(files) == 32 + 82
    for fmt in ("text", "json"):
        run = run_kubelint(["check", "-o", fmt, *files])
        assert run.code == 1, run
        assert "Traceback" not in run.stderr
        assert "internal error" not in run.stderr
        assert run.stderr == ""
    assert json.loads(run.stdout)["summary"]["files"] == len(files)


@pytest.mark.parametrize(
    "name, data, rules",
    [
        ("binary.yaml", bytes(range(256)), {"encoding"}),
        (
            "latin1.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n".encode("latin-1"),
            {"encoding"},
        ),
        ("bom.yaml", b"\xef\xbb\xbf" + GOOD.encode(), set()),
        ("utf16.yaml", GOOD.encode("utf-16"), {"encoding"}),
        ("tabs.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n", {"yaml-syntax"}),
        ("alias.yaml", b"a: &a [1, 2]\nb: *a\n", {"missing-api-version", "missing-kind"}),
        ("scalar.yaml", b"just a string\n", {"not-an-object"}),
        ("list.yaml", b"- 1\n- 2\n", {"not-an-object"}),
        ("deep.yaml", b"[" * 5000 + b"]" * 5000, {"too-deep"}),
        ("nul.yaml", b"apiVersion: v1\x00\n", {"encoding"}),
        ("empty.yaml", b"", {"no-objects"}),
        (
            "custom-tag.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata: !custom {name: x}\n",
            {"custom-tag"},
        ),
        ("python-tag.yaml", b"!!python/object:os.system\napiVersion: v1\n", None),
    ],
)
def test_odd_input_never_crashes(tmp_path, name, data, rules):
    path = tmp_path / name
    path.write_bytes(data)
    run = run_kubelint(["check", "-o", "json", str(path)])
    assert run.code in (0, 1), run
    assert run.stderr == ""
    report = run.json()
    assert report["summary"]["files"] == 1
    if rules is not None:
        assert {f["rule"] for f in report["findings"]} == rules
        assert run.code == (1 if any(f["severity"] == "error" for f in report["findings"]) else 0)


def test_json_nan_and_infinity_are_rejected(tmp_path):
    """NaN and Infinity are not JSON (kubectl: "invalid character 'N'"), and the YAML path
    reports .nan as invalid-number; a .json file must not pass with them."""
    crd = write(
        tmp_path,
        "crd.yaml",
        CRD.replace(
            "        type: object\n        properties:",
            "        type: object\n"
            "        x-kubernetes-preserve-unknown-fields: true\n        properties:",
            1,
        ),
    )
    doc = write(
        tmp_path,
        "thing.json",
        '{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "t"},\n'
        ' "spec": {"size": 1}, "ratio": NaN, "limit": Infinity}\n',
    )
    yaml_doc = write(
        tmp_path,
        "thing.yaml",
        "apiVersion: example.com/v1\nkind: Widget\n"
        "metadata: {name: t}\nspec: {size: 1}\nratio: .nan\n",
    )
    as_yaml = run_kubelint(["check", "-o", "json", "--crd", str(crd), str(yaml_doc)])
    assert [(f["line"], f["rule"]) for f in as_yaml.json()["findings"]] == [(5, "invalid-number")]
    run = run_kubelint(["check", "-o", "json", "--crd", str(crd), str(doc)])
    assert run.code == 1, run
    got = {(f["line"], f["rule"]) for f in run.json()["findings"]}
    assert got and all(
        line == 2 and rule in ("yaml-syntax", "invalid-number") for line, rule in got
    )


def _snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    out = {}
    for dirpath, dirnames, names in os.walk(root):
        for name in [*dirnames, *names, "."]:
            path = os.path.join(dirpath, name)
            st = os.stat(path)
            out[os.path.relpath(path, root)] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return out


def test_no_writes_to_the_input_directory(mixed_dir):
    before = _snapshot(mixed_dir)
    for args in (
        ["-o", "json"],
        ["-o", "text", "-j", "2"],
        ["--crd", str(mixed_dir / "00-crd.yaml")],
    ):
        run = run_kubelint(["check", *args, str(mixed_dir)], cwd=mixed_dir)
        assert run.code == 1, run
    assert _snapshot(mixed_dir) == before
