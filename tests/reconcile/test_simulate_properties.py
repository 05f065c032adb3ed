"""Properties of whole simulations of generated manifests: unique pod IPs and ClusterIPs inside
their networks, endpoints that are exactly the ready pods a selector matches, and identical
results on every run."""

from __future__ import annotations

import ipaddress
import tempfile
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint.reconcile.output import report_dict
from kubelint.reconcile.simulate import SimulateOptions, simulate

APPS = ["a", "b", "c"]


@st.composite
def manifests(draw) -> list[dict]:
    docs = []
    for i in range(draw(st.integers(1, 4))):
        app = draw(st.sampled_from(APPS))
        image = draw(st.sampled_from(["nginx:1.25", "bad.io/app:1"]))
        cpu = draw(st.sampled_from(["100m", "700m"]))
        port = {"containerPort": 8080, "name": "http"}
        docs.append({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": f"d{i}", "namespace": "default"},
            "spec": {
                "replicas": draw(st.integers(0, 5)),
                "selector": {"matchLabels": {"app": app, "d": str(i)}},
                "template": {
                    "metadata": {"labels": {"app": app, "d": str(i)}},
                    "spec": {"containers": [{"name": "c", "image": image, "ports": [port],
                        "resources": {"requests": {"cpu": cpu}}}]},
                },
            },
        })  # fmt: skip
    for i in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from([8080, "http", "metrics"]))
        docs.append({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": f"s{i}", "namespace": "default"},
            "spec": {
                "selector": {"app": draw(st.sampled_from([*APPS, "none"]))},
                "ports": [{"name": "web", "port": 80, "targetPort": target}],
                "publishNotReadyAddresses": draw(st.booleans()),
            },
        })  # fmt: skip
    return docs


CLUSTER = """\
apiVersion: kubelint.dev/v1alpha1
kind: Cluster
metadata: {name: props}
kubernetesVersion: "1.30"
network: {clusterCIDR: 10.244.0.0/16, nodeCIDRMaskSize: 24, serviceCIDR: 10.96.0.0/16,
          nodeCIDRs: [192.168.0.0/24]}
dns: {clusterDomain: cluster.local, serviceIP: 10.96.0.10, service: kube-system/kube-dns}
apiServer: {endpoints: ["192.168.0.1:6443"]}
images: {pullFailures: [{match: "bad.io/", nodes: "*", reason: unreachable}]}
nodeGroups:
- {name: workers, count: 3, namePattern: "w-{index}", internalIPStart: 192.168.0.11,
   labels: {kubernetes.io/os: linux}, allocatable: {cpu: "2", memory: 4Gi, pods: "110"}}
"""


def run(docs: list[dict]):
    """Simulate twice (in the same place, so that file names agree); both reports must match."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "cluster.yaml").write_text(CLUSTER)
        (Path(tmp) / "m.yaml").write_text(yaml.safe_dump_all(docs))
        options = SimulateOptions([str(Path(tmp) / "m.yaml")], str(Path(tmp) / "cluster.yaml"))
        sim = simulate(options)
        again = simulate(options)
        assert report_dict(sim) == report_dict(again)
    return sim


@settings(max_examples=15)
@given(manifests())
def test_addresses_endpoints_and_repeatability(docs) -> None:
    sim = run(docs)
    ips = [p.ip for p in sim.pods if p.ip]
    assert len(ips) == len(set(ips))
    for pod in sim.pods:
        if pod.ip:
            assert ipaddress.ip_address(pod.ip) in sim.cluster.node(pod.node).pod_cidr
    cluster_ips = [v.cluster_ip for v in sim.services]
    assert len(cluster_ips) == len(set(cluster_ips))
    assert all(
        ipaddress.ip_address(ip) in ipaddress.ip_network("10.96.0.0/16") for ip in cluster_ips
    )
    for view in sim.services[1:]:
        spec = view.stored.body["spec"]
        selected = {
            p.key for p in sim.pods
            if all(p.labels.get(k) == v for k, v in spec["selector"].items())
        }  # fmt: skip
        assert {p.key for p in view.selected} == selected
        target = spec["ports"][0]["targetPort"]
        listed = {p.key for p in sim.pods if p.key in selected and p.ip and target != "metrics"}
        assert {a.pod.key for a in view.addresses} == listed
        published = spec["publishNotReadyAddresses"]
        expect_ready = {p.key for p in sim.pods if p.key in listed and (p.ready or published)}
        assert {a.pod.key for a in view.ready()} == expect_ready
