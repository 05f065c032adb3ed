"""NetworkPolicies judged against the predicted pods (kubelint.reconcile.netpol, KL860–KL863):
workloads from `kubectl create --dry-run=client`, scenario 05's kops/Calico cluster (DNS
100.64.0.10, pods in 100.96.0.0/11), and the microservices-demo policies of the corpus."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import SCENARIOS, needs_scenarios
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint import codes
from kubelint import strategies as ks
from kubelint.k8s.selectors import Selector
from kubelint.model import Finding
from kubelint.reconcile import netpol
from kubelint.reconcile.simulate import SimulateOptions, simulate

pytestmark = needs_scenarios
CALICO = f"{SCENARIOS}/05-kops-networkpolicy-emptydir/cluster.yaml"
DEMO = "GoogleCloudPlatform__microservices-demo"
KUBECTL = (
    ["kubectl", "create", "namespace", "monitoring"],
    ["kubectl", "create", "deployment", "web", "--image=nginx:1.25", "--replicas=2", "--port=80"],
    [
        "kubectl",
        "create",
        "deployment",
        "prom",
        "--image=prom/prometheus:v2.53.0",
        "-n",
        "monitoring",
    ],
)


@pytest.fixture(scope="module")
def workloads() -> str:
    """A namespace `monitoring` (labelled team=ops) with a prom pod, and web ×2 in default."""
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl not installed")
    docs = []
    for argv in KUBECTL:
        out = subprocess.run(
            [*argv, "--dry-run=client", "-o", "yaml"], capture_output=True, text=True, check=True
        ).stdout
        docs.append(yaml.safe_load(out))
    docs[0]["metadata"]["labels"] = {"team": "ops"}
    return yaml.safe_dump_all(docs)


def run(tmp_path: Path, workloads: str, policies: str, cluster: str | None = CALICO) -> list:
    (tmp_path / "00-workloads.yaml").write_text(workloads)
    (tmp_path / "10-policies.yaml").write_text(policies)
    sim = simulate(SimulateOptions([str(tmp_path)], cluster))
    return [f for f in sim.findings if f.name.startswith("networkpolicy-")]


def named(findings: list[Finding], name: str) -> list[Finding]:
    return [f for f in findings if f.name == name]


def policy(spec: str, name: str = "p", namespace: str = "default") -> str:
    return (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        f"metadata: {{name: {name}, namespace: {namespace}}}\nspec:\n{spec}---\n"
    )


def test_empty_pod_selector_selects_the_namespace_and_blocks_dns(tmp_path, workloads) -> None:
    found = run(tmp_path, workloads, policy("  podSelector: {}\n  policyTypes: [Egress]\n"))
    (dns,) = found
    assert (dns.name, str(dns.severity), dns.path_text) == (
        "networkpolicy-egress-blocks-dns",
        "warning",
        "spec.policyTypes",
    )
    assert (dns.line, dns.column) == (6, 3)
    assert "100.64.0.10" in dns.message and "53" in dns.message
    assert "the 2 selected pods of Deployment default/web" in dns.message


def test_pod_selector_matching_no_pod(tmp_path, workloads) -> None:
    found = run(tmp_path, workloads, policy("  podSelector: {matchLabels: {app: api}}\n"))
    (f,) = found
    assert (f.name, f.path_text) == ("networkpolicy-selects-no-pod", "spec.podSelector")
    assert "app=api" in f.message and "namespace default" in f.message


def test_pod_template_hash_is_a_label_of_the_predicted_pods(tmp_path, workloads) -> None:
    spec = "  podSelector: {matchExpressions: [{key: pod-template-hash, operator: Exists}]}\n"
    assert run(tmp_path, workloads, policy(spec)) == []


NS_PEERS = """\
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: ops}}
      podSelector: {matchLabels: {app: prom}}
    - namespaceSelector: {matchLabels: {team: nobody}}
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
      podSelector: {matchLabels: {app: grafana}}
    - namespaceSelector: {}
    - ipBlock: {cidr: 10.0.0.0/8}
"""


def test_namespace_selector_peers(tmp_path, workloads) -> None:
    found = run(tmp_path, workloads, policy(NS_PEERS))
    assert [(f.name, f.path_text) for f in found] == [
        ("networkpolicy-peer-selects-no-pod", "spec.ingress[0].from[1].namespaceSelector"),
        ("networkpolicy-peer-selects-no-pod", "spec.ingress[0].from[2].podSelector"),
    ]
    assert "team=nobody matches no namespace" in found[0].message
    assert "app=grafana matches no predicted pod in namespace monitoring" in found[1].message
    assert "accept no connection" not in found[0].message  # the other peers admit traffic


def test_report_lists_what_the_rules_admit(tmp_path, workloads) -> None:
    (tmp_path / "00-workloads.yaml").write_text(workloads)
    (tmp_path / "10-policies.yaml").write_text(policy(NS_PEERS))
    sim = simulate(SimulateOptions([str(tmp_path)], CALICO))
    (got,) = netpol.report(sim)
    assert got["selects"] == {"count": 2, "owners": {"Deployment default/web": 2}}
    assert got["ingressAllowedFrom"] == {
        "pods": 3,  # prom, plus web x2 through namespaceSelector {}
        "namespaces": ["default", "kube-node-lease", "kube-public", "kube-system", "monitoring"],
        "ipBlocks": ["10.0.0.0/8"],
    }
    assert (got["egressAllowedTo"], got["blocksDns"]) == ("all", False)


def test_only_peer_selecting_nothing_cuts_the_pods_off(tmp_path, workloads) -> None:
    spec = "  podSelector: {}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {a: b}}\n"
    (f,) = run(tmp_path, workloads, policy(spec))
    assert (f.line, f.column) == (8, 7)
    assert "a=b" in f.message
    assert "the 2 selected pods of Deployment default/web accept no connection" in f.message


EGRESS_TO_KUBE_DNS = """\
  podSelector: {}
  policyTypes: [Ingress, Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      podSelector: {matchLabels: {k8s-app: kube-dns}}
    ports:
    - {protocol: UDP, port: %s}
"""


@pytest.mark.parametrize(
    ("port", "blocked"),
    [("53", False), ("dns", False), ("5353", True), ("dns-tcp", True)],
)
def test_egress_to_kube_dns(tmp_path, workloads, port: str, blocked: bool) -> None:
    """The DNS pods the input does not define are assumed with CoreDNS's port names."""
    found = run(tmp_path, workloads, policy(EGRESS_TO_KUBE_DNS % port))
    assert bool(named(found, "networkpolicy-egress-blocks-dns")) is blocked
    assert named(found, "networkpolicy-peer-selects-no-pod") == []  # the assumed DNS pods


IP_BLOCK = """\
  podSelector: {matchLabels: {app: web}}
  egress:
  - to: [{ipBlock: %s}]
    ports: [{protocol: %s, port: 53}]
"""


@pytest.mark.parametrize(
    ("block", "protocol", "blocked"),
    [
        ("{cidr: 0.0.0.0/0}", "UDP", False),
        ("{cidr: 0.0.0.0/0}", "TCP", False),
        ("{cidr: 100.64.0.10/32}", "UDP", False),  # the ClusterIP
        ("{cidr: 0.0.0.0/0}", "SCTP", True),
        ("{cidr: 10.0.0.0/8}", "UDP", True),
        ("{cidr: 0.0.0.0/0, except: [100.64.0.0/10]}", "UDP", True),
    ],
)
def test_egress_to_ip_blocks(tmp_path, workloads, block: str, protocol: str, blocked) -> None:
    found = run(tmp_path, workloads, policy(IP_BLOCK % (block, protocol)))
    dns = named(found, "networkpolicy-egress-blocks-dns")
    assert bool(dns) is blocked
    if blocked:  # policyTypes is defaulted from spec.egress: the finding points there
        assert (dns[0].path_text, dns[0].line) == ("spec.egress", 6)
        assert "spec.egress makes it isolate egress" in dns[0].message


def test_without_egress_the_policy_is_ingress_only(tmp_path, workloads) -> None:
    assert run(tmp_path, workloads, policy("  podSelector: {}\n  ingress: []\n")) == []


def test_default_deny_plus_allow_dns_is_the_union(tmp_path, workloads) -> None:
    deny = policy("  podSelector: {}\n  policyTypes: [Ingress, Egress]\n", "deny-all")
    allow = policy(EGRESS_TO_KUBE_DNS % 53, "allow-dns")
    assert run(tmp_path, workloads, deny + allow) == []
    only_web = allow.replace("podSelector: {}", "podSelector: {matchLabels: {app: web}}", 1)
    other = policy("  podSelector: {}\n  policyTypes: [Egress]\n", "deny-all", "monitoring")
    (f,) = run(tmp_path, workloads, deny + only_web + other)
    assert f.ref.namespace == "monitoring"
    assert "the 1 selected pod of Deployment monitoring/prom" in f.message


def test_flannel_does_not_enforce(tmp_path, workloads) -> None:
    found = run(tmp_path, workloads, policy("  podSelector: {}\n"), cluster=None)
    (f,) = found
    assert (f.name, f.path_text) == ("networkpolicy-not-enforced", "metadata.name")
    assert "flannel" in f.message


def test_microservices_demo_policies(tmp_path, corpus) -> None:
    """deny-all plus a policy per service that opens egress: no pod loses DNS, every peer
    matches; without the per-service policies deny-all cuts every pod off."""
    demo = Path(corpus) / DEMO
    for path in (demo / "kustomize/components/network-policies").glob("*.yaml"):
        shutil.copy(path, tmp_path)
    shutil.copy(demo / "release/kubernetes-manifests.yaml", tmp_path / "00-app.yaml")
    sim = simulate(SimulateOptions([str(tmp_path)], CALICO))
    assert [f for f in sim.findings if f.name.startswith("networkpolicy-")] == []
    for path in tmp_path.glob("network-policy-*.yaml"):
        if path.name != "network-policy-deny-all.yaml":
            path.unlink()
    sim = simulate(SimulateOptions([str(tmp_path)], CALICO))
    (f,) = [f for f in sim.findings if f.name.startswith("networkpolicy-")]
    assert f.name == "networkpolicy-egress-blocks-dns"
    assert f.message.count("Deployment default/") == 3 and "(9 more)" in f.message


def test_codes_do_not_clash_with_the_lint_rules() -> None:
    from kubelint.rules.catalogue import load_rules

    load_rules()
    assert codes.lookup("networkpolicy-selects-nothing").code == "KL423"
    assert codes.lookup("KL860").name == "networkpolicy-selects-no-pod"
    assert codes.lookup("KL861").name == "networkpolicy-peer-selects-no-pod"


SELECTORS = ({}, {"matchLabels": {"app": "web"}}, {"matchLabels": {"app": "prom"}})


@st.composite
def policies(draw: st.DrawFn) -> dict:
    """Generated NetworkPolicies whose podSelector often matches the predicted pods."""
    obj = draw(ks.objects(kind="NetworkPolicy", k8s_version="1.30", namespace="default"))
    choice = draw(st.sampled_from((None, *SELECTORS)))
    if choice is not None:
        obj["spec"]["podSelector"] = choice
    return obj


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(policies())
def test_generated_policies(tmp_path_factory, workloads, obj: dict) -> None:
    """Any valid policy: findings are located on it; `selects` counts exactly the pods its
    selector matches; an allow-all-egress policy for the namespace ends every DNS finding."""
    tmp_path = tmp_path_factory.mktemp("np")
    (tmp_path / "00-workloads.yaml").write_text(workloads)
    (tmp_path / "10-policy.yaml").write_text(
        json.dumps(obj, ensure_ascii=False)
    )  # no YAML 1.1 booleans
    sim = simulate(SimulateOptions([str(tmp_path)], CALICO))
    found = [f for f in sim.findings if f.code.startswith("KL86")]
    assert all(f.ref.name == obj["metadata"]["name"] and f.line >= 1 and f.path for f in found)
    (summary,) = netpol.report(sim)
    selector = Selector.parse(obj["spec"]["podSelector"])
    expected = [p for p in sim.pods if p.namespace == "default" and selector.matches(p.labels)]
    assert summary["selects"]["count"] == len(expected)
    allow_all = policy("  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{}]\n", "zz-all")
    (tmp_path / "20-allow.yaml").write_text(allow_all)
    sim = simulate(SimulateOptions([str(tmp_path)], CALICO))
    assert not [f for f in sim.findings if f.name == "networkpolicy-egress-blocks-dns"]
