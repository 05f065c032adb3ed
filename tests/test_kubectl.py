"""What `kubectl create … --dry-run=client` writes must pass `kubelint check` with no finding.

kubectl needs API discovery for some generators (`run`, `create role`, `create clusterrole
--resource`). A tiny local discovery server answers those GETs and refuses every write, so
no command here can reach a real cluster.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kubelint.model import Severity
from kubelint.pipeline import CheckOptions, run_check

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not on PATH")

TARGET = "1.32"


# -- a read-only discovery endpoint ----------------------------------------------------------
def _resource(name: str, kind: str, namespaced: bool) -> dict:
    return {
        "name": name,
        "singularName": kind.lower(),
        "namespaced": namespaced,
        "kind": kind,
        "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
    }


_CORE = [
    _resource("pods", "Pod", True),
    _resource("services", "Service", True),
    _resource("configmaps", "ConfigMap", True),
    _resource("secrets", "Secret", True),
    _resource("namespaces", "Namespace", False),
    _resource("serviceaccounts", "ServiceAccount", True),
    _resource("resourcequotas", "ResourceQuota", True),
    _resource("nodes", "Node", False),
]
_GROUPS = {
    "apps/v1": [
        _resource("deployments", "Deployment", True),
        _resource("daemonsets", "DaemonSet", True),
        _resource("statefulsets", "StatefulSet", True),
        _resource("replicasets", "ReplicaSet", True),
    ],
    "batch/v1": [_resource("jobs", "Job", True), _resource("cronjobs", "CronJob", True)],
    "networking.k8s.io/v1": [_resource("ingresses", "Ingress", True)],
    "policy/v1": [_resource("poddisruptionbudgets", "PodDisruptionBudget", True)],
    "rbac.authorization.k8s.io/v1": [
        _resource("roles", "Role", True),
        _resource("rolebindings", "RoleBinding", True),
        _resource("clusterroles", "ClusterRole", False),
        _resource("clusterrolebindings", "ClusterRoleBinding", False),
    ],
    "scheduling.k8s.io/v1": [_resource("priorityclasses", "PriorityClass", False)],
}


class _Discovery(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/api":
            self._reply(200, {"kind": "APIVersions", "versions": ["v1"]})
        elif path == "/apis":
            groups = [
                {
                    "name": gv.split("/")[0],
                    "versions": [{"groupVersion": gv, "version": gv.split("/")[1]}],
                    "preferredVersion": {"groupVersion": gv, "version": gv.split("/")[1]},
                }
                for gv in _GROUPS
            ]
            self._reply(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        elif path == "/api/v1":
            self._reply(200, {"kind": "APIResourceList", "groupVersion": "v1", "resources": _CORE})
        elif path.startswith("/apis/") and path[6:] in _GROUPS:
            gv = path[6:]
            self._reply(
                200, {"kind": "APIResourceList", "groupVersion": gv, "resources": _GROUPS[gv]}
            )
        else:
            self._reply(404, {"kind": "Status", "code": 404})

    def _refuse(self) -> None:
        self._reply(405, {"kind": "Status", "code": 405, "message": "read-only test server"})

    do_POST = do_PUT = do_PATCH = do_DELETE = _refuse


@pytest.fixture(scope="module")
def kubectl(tmp_path_factory):
    """kubectl(args) -> stdout text, talking only to the local discovery server."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Discovery)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    home = tmp_path_factory.mktemp("kubectl")
    kubeconfig = home / "config"
    kubeconfig.write_text("")
    env = {**os.environ, "KUBECONFIG": str(kubeconfig), "HOME": str(home)}
    base = [
        KUBECTL,
        f"--server=http://127.0.0.1:{server.server_address[1]}",
        f"--cache-dir={home / 'cache'}",
    ]

    def run(args: list[str]) -> str:
        proc = subprocess.run(
            [*base, *args], capture_output=True, text=True, env=env, timeout=60, check=False
        )
        assert proc.returncode == 0, f"kubectl {' '.join(args)} failed: {proc.stderr}"
        return proc.stdout

    yield run
    server.shutdown()
    server.server_close()


# (id, expected kind, kubectl arguments before "--", arguments after "--")
_CASES = [
    ("deployment", "Deployment",
     "create deployment web --image=nginx:1.27 --replicas=3 --port=80", ""),
    ("deployment-2-images", "Deployment",
     "create deployment multi --image=nginx:1.27 --image=redis:7", ""),
    ("service-clusterip", "Service", "create service clusterip web --tcp=80:8080", ""),
    ("service-headless", "Service", "create service clusterip db --clusterip=None", ""),
    ("service-nodeport", "Service",
     "create service nodeport web --tcp=80:8080 --node-port=30080", ""),
    ("service-loadbalancer", "Service", "create service loadbalancer web --tcp=443:8443", ""),
    ("service-externalname", "Service",
     "create service externalname ext --external-name=a.example", ""),
    ("configmap", "ConfigMap", "create configmap cfg --from-literal=a=1 --from-literal=b=two", ""),
    ("secret-generic", "Secret", "create secret generic creds --from-literal=password=hunter2", ""),
    ("secret-docker-registry", "Secret",
     "create secret docker-registry pull --docker-server=r.example --docker-username=u"
     " --docker-password=p", ""),
    ("job", "Job", "create job once --image=busybox:1.36", "echo hi"),
    ("cronjob", "CronJob",
     "create cronjob tick --image=busybox:1.36 '--schedule=*/5 * * * *'", "date"),
    ("ingress", "Ingress",
     "create ingress web --class=nginx '--rule=a.example/api*=web:80,tls=tls'", ""),
    ("ingress-default-backend", "Ingress", "create ingress fallback --default-backend=web:80", ""),
    ("namespace", "Namespace", "create namespace team-a", ""),
    ("serviceaccount", "ServiceAccount", "create serviceaccount builder", ""),
    ("role", "Role",
     "create role reader --verb=get,list,watch --resource=pods,deployments.apps", ""),
    ("rolebinding", "RoleBinding",
     "create rolebinding read --role=reader --serviceaccount=default:builder --user=alice", ""),
    ("clusterrole", "ClusterRole", "create clusterrole nodes --verb=get,list --resource=nodes", ""),
    ("clusterrole-nonresource", "ClusterRole",
     "create clusterrole health --verb=get --non-resource-url=/healthz", ""),
    ("clusterrolebinding", "ClusterRoleBinding",
     "create clusterrolebinding nodes --clusterrole=nodes --group=devs", ""),
    ("poddisruptionbudget", "PodDisruptionBudget",
     "create poddisruptionbudget web --selector=app=web --min-available=2", ""),
    ("poddisruptionbudget-percent", "PodDisruptionBudget",
     "create poddisruptionbudget web2 --selector=app=web --max-unavailable=50%", ""),
    ("priorityclass", "PriorityClass",
     "create priorityclass high --value=1000 '--description=high'", ""),
    ("quota", "ResourceQuota", "create quota q --hard=cpu=2,memory=1Gi,pods=10", ""),
    ("run-pod", "Pod", "run web --image=nginx:1.27 --port=80 --labels=app=web --env=A=b", ""),
    ("run-pod-command", "Pod",
     "run once --image=busybox:1.36 --restart=Never --command", "sh -c 'echo hi'"),
]  # fmt: skip
CASES = [(n, kind, shlex.split(before), shlex.split(after)) for n, kind, before, after in _CASES]


def kubectl_output(kubectl, case, fmt: str) -> str:
    _, _, before, after = case
    args = [*before, "--dry-run=client", "-o", fmt]
    return kubectl([*args, "--", *after] if after else args)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_kubectl_output_has_no_findings(kubectl, kubelint_cli, case, fmt):
    text = kubectl_output(kubectl, case, fmt)
    kind = case[1]
    assert f"kind: {kind}\n" in text if fmt == "yaml" else json.loads(text)["kind"] == kind

    # the CLI, reading stdin
    run = kubelint_cli(["check", "-k", TARGET, "-o", "json", "-"], stdin=text.encode())
    assert run.code == 0, run
    report = run.json()
    assert report["findings"] == []
    assert report["summary"]["objects"] == 1
    assert report["summary"]["validated"] == 1
    assert report["summary"]["findings"] == {"error": 0, "warning": 0, "info": 0}

    # the library, for the kubectl release's Kubernetes version and for the default one
    for version in (TARGET, None):
        result = run_check(CheckOptions(paths=["-"], kubernetes_version=version), text.encode())
        assert result.findings == [], (version, result.findings)
        assert (result.objects, result.validated) == (1, 1)


def test_kubectl_is_the_expected_release():
    out = subprocess.run(
        [KUBECTL, "version", "--client", "-o", "json"], capture_output=True, text=True, check=True
    ).stdout
    client = json.loads(out)["clientVersion"]
    assert client["major"] == "1"
    assert int(client["minor"].rstrip("+")) >= 25  # bundled schemas start at 1.25


# -- edited kubectl output: exact findings ---------------------------------------------------
def _line_of(text: str, needle: str) -> int:
    [line] = [i for i, row in enumerate(text.splitlines(), 1) if row == needle]
    return line


@pytest.fixture(scope="module")
def deployment_yaml(kubectl) -> str:
    return kubectl_output(kubectl, CASES[0], "yaml")


def test_replicas_as_a_word_is_invalid_type(deployment_yaml, kubelint_cli):
    bad = deployment_yaml.replace("  replicas: 3\n", "  replicas: two\n")
    assert bad != deployment_yaml
    line = _line_of(bad, "  replicas: two")
    run = kubelint_cli(["check", "-k", TARGET, "-o", "json", "-"], stdin=bad.encode())
    assert run.code == 1, run
    [f] = run.json()["findings"]
    assert (f["code"], f["rule"], f["severity"]) == ("KL023", "invalid-type", "error")
    assert (f["file"], f["line"], f["column"]) == ("<stdin>", line, 13)
    assert (f["path"], f["pathSegments"]) == ("spec.replicas", ["spec", "replicas"])
    assert f["message"] == 'spec.replicas: expected integer, got string "two"'
    assert f["object"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "namespace": None,
        "name": "web",
    }


def test_replica_typo_is_unknown_field(deployment_yaml):
    bad = deployment_yaml.replace("  replicas: 3\n", "  replica: 2\n")
    line = _line_of(bad, "  replica: 2")
    result = run_check(CheckOptions(paths=["-"], kubernetes_version=TARGET), bad.encode())
    [f] = result.findings
    assert (f.code, f.name, f.severity) == ("KL021", "unknown-field", Severity.ERROR)
    assert (f.source, f.line, f.column) == ("<stdin>", line, 3)
    assert f.path == ("spec", "replica")
    assert f.hint is not None and '"replicas"' in f.hint


def test_no_strict_accepts_the_typo(deployment_yaml):
    bad = deployment_yaml.replace("  replicas: 3\n", "  replica: 2\n")
    result = run_check(
        CheckOptions(paths=["-"], kubernetes_version=TARGET, strict=False), bad.encode()
    )
    assert result.findings == []


def test_json_output_edited_is_located_in_json(kubectl, kubelint_cli):
    text = kubectl_output(kubectl, CASES[0], "json")
    bad = text.replace('"replicas": 3', '"replicas": "3"')
    assert bad != text
    line = next(i for i, row in enumerate(bad.splitlines(), 1) if '"replicas": "3"' in row)
    column = bad.splitlines()[line - 1].index('"3"') + 1
    run = kubelint_cli(["check", "-k", TARGET, "-o", "json", "-"], stdin=bad.encode())
    assert run.code == 1, run
    [f] = run.json()["findings"]
    assert (f["rule"], f["path"], f["line"], f["column"]) == (
        "invalid-type",
        "spec.replicas",
        line,
        column,
    )
