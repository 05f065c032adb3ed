"""Endpoints for Services without a selector and ExternalName Services, and the workload
findings the seed scenarios do not produce (hostPort contention, DaemonSet pods that cannot
run), on the default cluster."""

from __future__ import annotations

from pathlib import Path

import yaml

from kubelint.reconcile.simulate import SimulateOptions, simulate


def run(tmp_path: Path, text: str):
    (tmp_path / "m.yaml").write_text(text)
    return simulate(SimulateOptions([str(tmp_path / "m.yaml")]))


def test_service_without_selector_uses_the_given_endpoints(tmp_path: Path) -> None:
    sim = run(tmp_path, """\
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  ports: [{name: pg, port: 5432}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: db}
subsets:
- addresses: [{ip: 10.1.2.3}]
  notReadyAddresses: [{ip: 10.1.2.4}]
  ports: [{name: pg, port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: search}
spec: {type: ExternalName, externalName: search.example.com}
""")  # fmt: skip
    db, search = sim.services[1], sim.services[2]
    assert [(a.ip, a.ready) for a in db.addresses] == [("10.1.2.3", True), ("10.1.2.4", False)]
    assert not [f for f in sim.findings if f.name.startswith("service-")]
    assert search.cluster_ip is None and search.addresses == []
    assert [(r.type, r.value) for r in search.records] == [("CNAME", "search.example.com")]


def _deployment(name: str, replicas: int, container: dict) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [container]},
            },
        },
    }


def test_two_workloads_on_one_host_port(tmp_path: Path) -> None:
    port = {"name": "c", "image": "nginx:1.25", "ports": [{"containerPort": 80, "hostPort": 8080}]}
    docs = [_deployment("a", 2, port), _deployment("b", 2, port)]
    sim = run(tmp_path, yaml.safe_dump_all(docs))
    (conflict,) = [f for f in sim.findings if f.name == "hostport-conflict"]
    assert conflict.ref.name == "b" and "Deployment default/a" in conflict.message
    (pending,) = [f for f in sim.findings if f.name == "pod-unschedulable"]
    assert pending.message.startswith("1 pod of Deployment default/b stays Pending: 0/4 nodes")
    assert "3 node(s) didn't have free ports for the requested pod ports" in pending.message


def test_daemonset_pods_that_do_not_fit(tmp_path: Path) -> None:
    sim = run(tmp_path, """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - {name: a, image: agent:1, resources: {requests: {cpu: "3"}}}
""")  # fmt: skip
    (missing,) = [f for f in sim.findings if f.name == "daemonset-pod-missing"]
    assert missing.message == (
        "3 pods of DaemonSet default/agent stay Pending: 0/4 nodes are available: "
        "1 Insufficient cpu, 3 node is filtered out by the prefilter result."
    )
    assert not [f for f in sim.findings if f.name == "pod-unschedulable"]


CLUSTER = """\
apiVersion: kubelint.dev/v1alpha1
kind: Cluster
metadata: {name: pulls}
kubernetesVersion: "1.30"
network: {clusterCIDR: 10.244.0.0/16, nodeCIDRMaskSize: 24, serviceCIDR: 10.96.0.0/12,
          nodeCIDRs: [192.168.0.0/24]}
dns: {clusterDomain: cluster.local, serviceIP: 10.96.0.10, service: kube-system/kube-dns}
apiServer: {endpoints: ["192.168.0.1:6443"]}
images:
  sandbox: k8s.gcr.io/pause:3.1
  pullFailures:
  - {match: "k8s.gcr.io/", nodes: "cn-*", reason: blocked}
  - {match: "quay.io/", nodes: "*", reason: rate limited}
nodeGroups:
- {name: cn, count: 1, namePattern: "cn-{index}", internalIPStart: 192.168.0.11,
   labels: {region: cn}, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
- {name: eu, count: 1, namePattern: "eu-{index}", internalIPStart: 192.168.0.21,
   labels: {region: eu}, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
"""


def pod(name: str, region: str, image: str, init_image: str | None = None) -> dict:
    spec: dict = {"nodeSelector": {"region": region}, "containers": [{"name": "c", "image": image}]}
    if init_image:
        spec["initContainers"] = [{"name": "i", "image": init_image}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def test_sandbox_and_image_pull_failures(tmp_path: Path) -> None:
    (tmp_path / "cluster.yaml").write_text(CLUSTER)
    docs = [
        pod("no-sandbox", "cn", "nginx:1.25"),
        pod("init-blocked", "eu", "nginx:1.25", init_image="quay.io/tools:1"),
        pod("fine", "eu", "nginx:1.25"),
    ]
    (tmp_path / "m.yaml").write_text(yaml.safe_dump_all(docs))
    sim = simulate(SimulateOptions([str(tmp_path / "m.yaml")], str(tmp_path / "cluster.yaml")))
    state = {p.name: (p.phase, p.ip is not None, p.ready, p.message) for p in sim.pods}
    assert state == {
        "no-sandbox": ("Pending", False, False, "ContainerCreating"),
        "init-blocked": ("Pending", True, False, "Init:ImagePullBackOff"),
        "fine": ("Running", True, True, None),
    }
    names = sorted((f.name, f.ref.name, f.path_text) for f in sim.findings if f.code >= "KL850")
    assert names == [
        ("image-unpullable", "init-blocked", "spec.initContainers[0].image"),
        ("pod-sandbox-failed", "no-sandbox", "metadata.name"),
    ]


def test_corpus_examples_simulate(corpus: Path) -> None:
    """The Kubernetes documentation's examples and the corpus' broken files in one apply: no
    crash, and every pod is either bound or says why not."""
    sim = simulate(SimulateOptions([str(corpus / "kubernetes__website"), str(corpus / "broken")]))
    assert len(sim.pods) > 100
    assert all(p.node is not None or p.message for p in sim.pods)
    assert all(p.phase == "Running" or p.message for p in sim.pods)
