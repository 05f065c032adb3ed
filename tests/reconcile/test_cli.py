"""`kubelint simulate` end to end: formats, exit codes, --explain, the default cluster."""

from __future__ import annotations

import json

import yaml
from conftest import SCENARIOS, needs_scenarios

pytestmark = needs_scenarios
S01 = f"{SCENARIOS}/01-kubeadm-nginx-nodeport"
ARGS = ["simulate", f"{S01}/manifests", "--cluster", f"{S01}/cluster.yaml"]


def test_text_report_and_exit_code(kubelint_main) -> None:
    code, out, err = kubelint_main(ARGS)
    assert code == 1  # nodeport-conflict is an error
    assert out.startswith("cluster kubeadm-1m3w-aliyun (")
    for heading in ("Apply", "Workloads", "Pods", "Services", "Findings"):
        assert f"\n{heading}\n" in out
    assert "KL824 nodeport-conflict" in out
    assert err == ""  # no progress bar outside a terminal
    assert kubelint_main([*ARGS, "--fail-on", "never"])[0] == 0


def test_json_report(kubelint_main) -> None:
    _, out, _ = kubelint_main([*ARGS, "-o", "json"])
    report = json.loads(out)
    assert report["formatVersion"] == 1
    assert report["cluster"]["nodes"] == 4 and not report["cluster"]["default"]
    assert [a["result"] for a in report["apply"]] == ["created", "created", "rejected", "created"]
    curl = next(p for p in report["pods"] if p["name"] == "curl")
    assert curl["node"] == "k8s-node3" and curl["ip"] == "10.244.3.2"
    assert curl["dns"]["nameservers"] == ["10.96.0.10"]
    assert report["kubeProxy"]["iptablesRulesPerNode"] == 16


def test_yaml_stream_of_predicted_objects(kubelint_main) -> None:
    _, out, _ = kubelint_main([*ARGS, "-o", "yaml"])
    objects = list(yaml.safe_load_all(out))
    kinds = [o["kind"] for o in objects]
    assert kinds.count("Pod") == 3 and kinds.count("ReplicaSet") == 1
    assert kinds.count("EndpointSlice") == 2  # kubernetes and nginx
    nginx = next(o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] == "nginx")
    assert nginx["spec"]["ports"][0]["nodePort"] == 30699
    pods = [o for o in objects if o["kind"] == "Pod"]
    assert all(p["status"]["phase"] == "Running" and p["spec"]["nodeName"] for p in pods)
    assert "&id" not in out  # shared template values are written out, not aliased


def test_explain_shows_each_plugin(kubelint_main) -> None:
    _, out, _ = kubelint_main([*ARGS, "--explain", "pod", "curl"])
    section = out.split("Explain pod default/curl\n", 1)[1].split("\n\n", 1)[0]
    assert (
        "TaintToleration: node(s) had untolerated taint {node-role.kubernetes.io/master: }"
        in section
    )
    assert "score k8s-node3:" in section and section.rstrip().endswith("→ k8s-node3")


def test_default_cluster_is_stated(kubelint_main, tmp_path) -> None:
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        "spec:\n  containers: [{name: c, image: nginx:1.25}]\n"
    )
    code, out, _ = kubelint_main(["simulate", str(manifest)])
    assert code == 0
    assert out.startswith("no --cluster given: default cluster (kubeadm-like)")
    assert "default/p" in out and "worker-1" in out


def test_unusable_cluster_file_exits_2(kubelint_main, tmp_path) -> None:
    bad = tmp_path / "cluster.yaml"
    bad.write_text("kind: Cluster\nnodes: 3\n")
    code, _, err = kubelint_main([*ARGS[:2], "--cluster", str(bad)])
    assert code == 2 and "cluster.yaml" in err


def test_findings_only_formats(kubelint_main) -> None:
    _, out, _ = kubelint_main([*ARGS, "-o", "sarif"])
    results = json.loads(out)["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"KL824"}


def test_output_does_not_depend_on_the_hash_seed(kubelint_cli) -> None:
    from tests.conftest import cli_env

    s07 = f"{SCENARIOS}/07-scheduling-hostport-nodeselector"
    args = ["simulate", f"{s07}/manifests", "--cluster", f"{s07}/cluster.yaml", "-o", "json"]
    first = kubelint_cli(args, env=cli_env({"PYTHONHASHSEED": "1"}))
    second = kubelint_cli(args, env=cli_env({"PYTHONHASHSEED": "2"}))
    assert first.code == second.code == 0
    assert first.stdout == second.stdout
