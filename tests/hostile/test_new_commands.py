"""Hostile input for the commands beyond `check`: lint, diff, simulate, apply.

Bad input becomes findings or a clean error (exit 2), never a traceback, a `rule-error` (KL092:
a lint rule raised), a write to the inputs or a network call. The regressions below are the
crashes fuzz/fuzz_commands.py found (ROBUSTNESS.md, "Campaign 2"); each used to end in
"internal error" or a KL092 finding. Everything runs in-process through `kubelint.cli.main`.
"""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest
import test_no_side_effects as guards
from conftest import REPO

from kubelint.cli.main import main

SCENARIOS = REPO.parent / "shared" / "scenarios"
no_network = guards.no_network
no_writes = guards.no_writes


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in err and "internal error" not in err, err
    assert "KL092" not in out and "rule-error" not in out, out
    return code, out, err


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip())
    return str(path)


# -- simulate: null items in lists pass the schema stage (Go decodes them as empty structs) -----
def test_simulate_null_container(tmp_path, capsys):
    # was AttributeError in reconcile/kubelet.py start and reconcile/findings.py _images
    path = write(
        tmp_path,
        "m.yaml",
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              initContainers: [null]
              containers: [null, {name: c, image: nginx}]
        """,
    )
    code, out, _ = run(capsys, "simulate", "-o", "json", path)
    assert code == 0
    pods = json.loads(out)["pods"]
    assert [p["phase"] for p in pods] == ["Running"]
    assert pods[0]["owner"] == "Deployment default/web"


@pytest.mark.parametrize("kind", ["Pod", "Service"])
def test_simulate_spec_null(tmp_path, capsys, kind):
    # was AttributeError in reconcile/controllers.py add_default_tolerations (Pod) and
    # reconcile/apply_stage.py allocate (Service)
    path = write(
        tmp_path, "m.yaml", f"apiVersion: v1\nkind: {kind}\nmetadata: {{name: x}}\nspec:\n"
    )
    code, out, _ = run(capsys, "simulate", "-o", "json", path)
    assert code == 0
    assert [r["result"] for r in json.loads(out)["apply"]] == ["created"]


def test_simulate_null_port_items(tmp_path, capsys):
    # was AttributeError in reconcile/findings.py _target_ports, then cluster/kubeproxy.py
    path = write(
        tmp_path,
        "m.yaml",
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, labels: {app: web}}
        spec:
          containers:
          - {name: c, image: nginx, ports: [null, {name: http, containerPort: 8080}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        spec:
          type: NodePort
          selector: {app: web}
          ports: [null, {port: 80, targetPort: http}]
        """,
    )
    code, out, _ = run(capsys, "simulate", "-o", "json", path)
    assert code == 0
    (service,) = [s for s in json.loads(out)["services"] if s["object"] == "Service default/s"]
    (ready,) = service["endpoints"]["ready"]
    assert ready["pod"] == "default/p"
    assert [p["port"] for p in ready["ports"]] == [8080]  # the named targetPort resolved


def test_simulate_null_endpoint_items(tmp_path, capsys):
    path = write(
        tmp_path,
        "m.yaml",
        """
        apiVersion: v1
        kind: Service
        metadata: {name: e}
        spec: {ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: e}
        subsets: [null, {addresses: [null, {ip: 10.0.0.1}], ports: [null, {port: 80}]}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: e-1, labels: {kubernetes.io/service-name: e}}
        addressType: IPv4
        endpoints: [null]
        ports: [null]
        """,
    )
    code, out, _ = run(capsys, "simulate", "-o", "json", path)
    assert code == 0
    (service,) = [s for s in json.loads(out)["services"] if s["object"] == "Service default/e"]
    assert [a["ip"] for a in service["endpoints"]["ready"]] == ["10.0.0.1"]


def test_simulate_null_items_in_scheduling_fields(tmp_path, capsys):
    # was AttributeError in reconcile/controllers.py _attach_claims (volumes: [null]), then
    # TypeError in reconcile/scheduler/pod.py SchedPod (a null nodeSelectorTerm)
    path = write(
        tmp_path,
        "sts.yaml",
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          selector: {matchLabels: {app: db}}
          volumeClaimTemplates: [null, {metadata: {name: data}}]
          template:
            metadata: {labels: {app: db}}
            spec:
              volumes: [null]
              tolerations: [null]
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                    - null
                    - {matchExpressions: [{key: a, operator: DoesNotExist}]}
              containers: [{name: c, image: nginx}]
        """,
    )
    code, out, _ = run(capsys, "simulate", "-o", "json", path)
    assert code == 0
    (pod,) = json.loads(out)["pods"]
    assert (pod["name"], pod["phase"]) == ("db-0", "Running")


def test_simulate_null_items_in_dns_config(tmp_path, capsys):
    # was AttributeError in cluster/dns.py _merge
    path = write(
        tmp_path,
        "pod.yaml",
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          dnsConfig:
            nameservers: [null, 1.1.1.1]
            options: [null, {name: ndots, value: "2"}]
          containers: [{name: c, image: nginx}]
        """,
    )
    code, out, _ = run(capsys, "simulate", "-o", "json", path)
    assert code == 0
    (pod,) = json.loads(out)["pods"]
    assert pod["dns"]["nameservers"] == ["10.96.0.10", "1.1.1.1"]
    assert pod["dns"]["options"] == ["ndots:2"]


def test_simulate_null_affinity_and_template_metadata(tmp_path, capsys):
    # was TypeError in reconcile/controllers.py pin_to_node (DaemonSet) and _deployment
    path = write(
        tmp_path,
        "m.yaml",
        """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: ds}
        spec:
          selector: {matchLabels: {app: ds}}
          template:
            metadata: {labels: {app: ds}}
            spec: {affinity: null, containers: [{name: c, image: nginx}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          selector: {matchLabels: null}
          template: {metadata: null, spec: {containers: [{name: c, image: nginx}]}}
        """,
    )
    code, out, _ = run(capsys, "simulate", "-o", "json", path)
    assert code == 0
    owners = [p["owner"] for p in json.loads(out)["pods"]]
    assert owners == ["DaemonSet default/ds"] * 3 + ["Deployment default/d"]  # 3 workers


# -- diff: both sides are compared whatever their shape (diff does not validate) --------------
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {meta}\ndata: {{k: v}}\n"
DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: {containers}
"""
INGRESS = "apiVersion: {api}\nkind: Ingress\nmetadata: {{name: web}}\nspec:\n  rules: {rules}\n"


@pytest.mark.parametrize(
    ("old", "new", "changes"),
    [
        # rename candidates: was ValueError in diff/match.py _content (metadata a list)
        (CONFIGMAP.format(meta="[x]"), CONFIGMAP.format(meta="{name: b}"), ["renamed"]),
        # pod template diff: was TypeError in diff/impact.py _containers (containers: true)
        (
            DEPLOYMENT.format(containers="[{name: c, image: nginx}]"),
            DEPLOYMENT.format(containers="true"),
            ["changed"],
        ),
        # API migration: was TypeError / AttributeError in diff/convert.py ingress_v1
        (
            INGRESS.format(api="extensions/v1beta1", rules="5"),
            INGRESS.format(api="networking.k8s.io/v1", rules="[{http: {paths: 7}}]"),
            ["migrated"],
        ),
        (
            INGRESS.format(api="extensions/v1beta1", rules="[{http: x}]"),
            INGRESS.format(api="networking.k8s.io/v1", rules="[]"),
            ["migrated"],
        ),
    ],
    ids=["metadata-list", "containers-bool", "ingress-rules-int", "ingress-http-string"],
)
def test_diff_malformed_shapes(tmp_path, capsys, old, new, changes):
    old_path, new_path = write(tmp_path, "old.yaml", old), write(tmp_path, "new.yaml", new)
    code, out, _ = run(capsys, "diff", "-o", "json", old_path, new_path)
    assert code == 1
    assert [c["status"] for c in json.loads(out)["changes"]] == changes


def test_diff_missing_git_revision_is_a_clean_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    new = write(tmp_path, "new.yaml", CONFIGMAP.format(meta="{name: a}"))
    code, out, err = run(capsys, "diff", "git:no-such-revision-xyz:k8s/", new)
    assert (code, out) == (2, "")
    assert err == "kubelint diff: git: revision 'no-such-revision-xyz' not found\n"


# -- lint: rules skip malformed shapes, the schema stage reports them ----------------------------
def test_lint_service_port_list(tmp_path, capsys):
    # was KL092: TypeError unhashable type: 'list' in KL140 invalid-service-port and KL141
    # node-port-out-of-range
    path = write(
        tmp_path,
        "svc.yaml",
        """
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        spec:
          type: NodePort
          selector: {app: web}
          ports:
          - {name: a, port: [8500]}
          - {name: b, port: 80, nodePort: 30080, protocol: [TCP]}
        """,
    )
    code, out, _ = run(capsys, "lint", "--no-config", "--enable", "all", "-o", "json", path)
    assert code == 1
    found = {(f["rule"], f["path"]) for f in json.loads(out)["findings"]}
    assert ("invalid-type", "spec.ports[0].port") in found
    assert ("invalid-type", "spec.ports[1].protocol") in found


def test_lint_volume_mount_name_list(tmp_path, capsys):
    # was KL092: TypeError unhashable type: 'list' in KL226 writable-host-mount
    path = write(
        tmp_path,
        "pod.yaml",
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          volumes: [{name: logs, hostPath: {path: /var/log}}]
          containers:
          - name: c
            image: nginx:1.27
            volumeMounts: [{name: [logs], mountPath: /a}, {name: logs, mountPath: /b}]
        """,
    )
    code, out, _ = run(capsys, "lint", "--no-config", "--enable", "all", "-o", "json", path)
    assert code == 1
    found = {(f["rule"], f["path"]) for f in json.loads(out)["findings"]}
    assert ("invalid-type", "spec.containers[0].volumeMounts[0].name") in found
    assert ("writable-host-mount", "spec.containers[0].volumeMounts[1]") in found


# -- no network, no writes: every new command over real scenarios -------------------------------
@pytest.fixture
def scenario_copy(tmp_path) -> Path:
    """Scenario 01 and 05 (manifests and cluster.yaml), copied to tmp_path/in."""
    if not SCENARIOS.is_dir():
        pytest.skip(f"scenarios not found at {SCENARIOS}")
    root = tmp_path / "in"
    for name in ("01-kubeadm-nginx-nodeport", "05-kops-networkpolicy-emptydir"):
        shutil.copytree(SCENARIOS / name, root / name)
    return root


def _argvs(root: Path) -> dict[str, list[str]]:
    one, five = root / "01-kubeadm-nginx-nodeport", root / "05-kops-networkpolicy-emptydir"
    return {
        "lint": ["lint", "--no-config", "--enable", "all", "-o", "json", str(root)],
        "diff": ["diff", "-o", "json", str(one / "manifests"), str(five / "manifests")],
        "simulate": [
            "simulate",
            "-o",
            "json",
            "--cluster",
            str(five / "cluster.yaml"),
            str(five / "manifests"),
        ],
        "apply": [
            "apply",
            "--dry-run",
            "-o",
            "json",
            "--previous",
            str(one / "manifests"),
            "--prune",
            "--all",
            str(five / "manifests"),
        ],
    }


@pytest.mark.parametrize("command", ["lint", "diff", "simulate", "apply"])
def test_new_commands_without_network_or_writes(
    command, scenario_copy, tmp_path, monkeypatch, capsys, no_network, no_writes
):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    before_inputs = guards.snapshot(scenario_copy)
    before_tmp = guards.snapshot(tmp_path)
    code, out, _ = run(capsys, *_argvs(scenario_copy)[command])
    assert code == 1  # every scenario pair has findings or differences
    assert json.loads(out)
    assert no_network == [] and no_writes == []
    assert guards.snapshot(scenario_copy) == before_inputs
    assert guards.snapshot(tmp_path) == before_tmp
    assert os.listdir(work) == []


def test_lint_custom_rule_unknown_function_message_is_short(tmp_path, capsys):
    # the message used to carry cel-python's dump of every variable (the whole object)
    rule = write(
        tmp_path,
        "rule.yaml",
        """
        apiVersion: kubelint.dev/v1alpha1
        kind: Rule
        metadata: {name: r}
        spec:
          match: {kinds: [Pod]}
          validations: [{expression: "quantity('1Gi').isGreaterThan(quantity('1'))"}]
        """,
    )
    pod = write(tmp_path, "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
    code, out, _ = run(capsys, "lint", "--no-config", "--custom-rules", rule, "-o", "json", pod)
    assert code == 0  # custom rules warn by default
    found = json.loads(out)["findings"]
    (message,) = [f["message"] for f in found if f["rule"] == "cel-evaluation-error"]
    assert message == "rule r: undeclared reference to 'isGreaterThan'"


WEB_POD = """
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: c, image: nginx:1.27, ports: %s}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: %s
"""
MONITOR = """
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  endpoints: [{port: metrics}]
"""
INGRESS_V1 = """
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
"""


@pytest.mark.parametrize(
    "manifest",
    [
        # was KL092 TypeError in KL421 service-target-port-missing (container ports: true)
        WEB_POD % ("true", "[{port: 80, targetPort: 8080}]"),
        # the same shape in the ServiceMonitor and Ingress backend rules (Service ports: 5)
        WEB_POD % ("[]", "5")
        + MONITOR.replace("selector: {matchLabels: {app: web}}", "selector: {}")
        + INGRESS_V1,
    ],
    ids=["container-ports-true", "service-ports-int"],
)
def test_lint_cross_object_rules_skip_malformed_ports(tmp_path, capsys, manifest):
    path = write(tmp_path, "m.yaml", manifest)
    code, out, _ = run(capsys, "lint", "--no-config", "--enable", "all", "-o", "json", path)
    assert code == 1
    assert "invalid-type" in {f["rule"] for f in json.loads(out)["findings"]}


CEL_RULE = """
apiVersion: kubelint.dev/v1alpha1
kind: Rule
metadata: {name: no-replicas}
spec:
  match: {kinds: [apps/Deployment]}
  validations: [{expression: "!has(object.spec.replicas)", message: replicas set}]
"""


def _deployment(replicas: int, annotations: object) -> str:
    """A Deployment as JSON (nesting beyond 256 levels needs JSON: YAML flow style stops
    earlier)."""
    template = {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c"}]}}
    return json.dumps(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "d", "annotations": annotations},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"a": "b"}},
                "template": template,
            },
        }
    )


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("replicas", "annotations", "options"),
    [
        # was KL092 ValueError: overflow (celpy's IntType holds int64 only)
        (2**64 - 1, {}, []),
        # was KL092 RecursionError: celpy converts the object recursively
        (1, _nested(850), ["--max-depth", "900"]),
    ],
    ids=["beyond-int64", "850-deep"],
)
def test_lint_custom_rule_on_hostile_values(tmp_path, capsys, replicas, annotations, options):
    rule = write(tmp_path, "rule.yaml", CEL_RULE)
    path = write(tmp_path, "d.json", _deployment(replicas, annotations))
    code, out, _ = run(
        capsys, "lint", "--no-config", "--custom-rules", rule, *options, "-o", "json", path
    )
    assert code == 1  # the schema stage reports the value (int32 range, annotations type)
    messages = {f["message"] for f in json.loads(out)["findings"] if f["rule"] == "no-replicas"}
    assert messages == {"replicas set"}  # the rule ran on the object


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["-n", "../.."], "Invalid value for --namespace"),
        (["--prune", "-l", "=x"], "Invalid value for --selector"),
        (["--prune", "-l", "app=a b"], "Invalid value for --selector"),
    ],
)
def test_apply_refuses_what_kubectl_refuses(capsys, args, fragment):
    code, _, err = run(capsys, "apply", "--dry-run", *args, str(REPO / "examples" / "app"))
    assert code == 2 and fragment in err
