"""Filter plugins that the seed scenarios do not reach, through whole simulations: required
pod anti-affinity and affinity, hard topology spread, cordoned nodes, pods bound by nodeName."""

from __future__ import annotations

from pathlib import Path

import yaml

from kubelint.reconcile.simulate import SimulateOptions, simulate

CLUSTER = """\
apiVersion: kubelint.dev/v1alpha1
kind: Cluster
metadata: {name: zones}
kubernetesVersion: "1.30"
network: {clusterCIDR: 10.244.0.0/16, nodeCIDRMaskSize: 24, serviceCIDR: 10.96.0.0/12,
          nodeCIDRs: [192.168.0.0/24]}
dns: {clusterDomain: cluster.local, serviceIP: 10.96.0.10, service: kube-system/kube-dns}
apiServer: {endpoints: ["192.168.0.1:6443"]}
nodeGroups:
- {name: a, count: 2, namePattern: "a-{index}", internalIPStart: 192.168.0.11,
   labels: {topology.kubernetes.io/zone: za}, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
- {name: b, count: 1, namePattern: "b-{index}", internalIPStart: 192.168.0.21,
   labels: {topology.kubernetes.io/zone: zb}, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
- {name: c, count: 1, namePattern: "c-{index}", internalIPStart: 192.168.0.31, unschedulable: true,
   taints: [{key: node.kubernetes.io/unschedulable, effect: NoSchedule}],
   labels: {topology.kubernetes.io/zone: zc}, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
"""


def deployment(name: str, replicas: int, **spec) -> dict:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}], **spec},
            },
        },
    }


def run(tmp_path: Path, *docs: dict):
    (tmp_path / "cluster.yaml").write_text(CLUSTER)
    (tmp_path / "m.yaml").write_text(yaml.safe_dump_all(docs))
    sim = simulate(SimulateOptions([str(tmp_path / "m.yaml")], str(tmp_path / "cluster.yaml")))
    return {w.ref.name: w for w in sim.workloads}


def anti(app: str, key: str) -> dict:
    term = {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": key}
    return {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}


def test_required_anti_affinity_one_per_zone(tmp_path: Path) -> None:
    w = run(tmp_path, deployment("web", 3, affinity=anti("web", "topology.kubernetes.io/zone")))
    pods = w["web"].pods
    assert sorted(p.node[0] for p in pods if p.node) == ["a", "b"]
    (pending,) = [p.message for p in pods if p.node is None]
    assert pending == (
        "0/4 nodes are available: 1 node(s) were unschedulable, "
        "3 node(s) didn't match pod anti-affinity rules."
    )


def test_existing_pods_anti_affinity_repels_newcomers(tmp_path: Path) -> None:
    guard = deployment("guard", 1, affinity=anti("web", "kubernetes.io/hostname"))
    w = run(tmp_path, guard, deployment("web", 3))
    guarded = w["guard"].pods[0].node
    assert guarded and all(p.node != guarded for p in w["web"].pods)


def test_required_affinity_follows_the_target(tmp_path: Path) -> None:
    term = {
        "labelSelector": {"matchLabels": {"app": "db"}},
        "topologyKey": "kubernetes.io/hostname",
    }
    affinity = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}
    w = run(tmp_path, deployment("db", 1), deployment("cache", 2, affinity=affinity))
    assert {p.node for p in w["cache"].pods} == {w["db"].pods[0].node}


def test_hard_topology_spread_over_zones(tmp_path: Path) -> None:
    constraint = {
        "maxSkew": 1,
        "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": {"app": "web"}},
    }
    w = run(tmp_path, deployment("web", 5, topologySpreadConstraints=[constraint]))
    zones = sorted(p.node[0] for p in w["web"].pods if p.node)
    # zc (cordoned) still counts as a domain with 0 pods, so the skew stops at 1 per zone
    assert zones == ["a", "b"]
    assert all(
        "node(s) didn't match pod topology spread constraints" in p.message
        for p in w["web"].pods
        if p.node is None
    )


def test_node_name_bypasses_the_scheduler(tmp_path: Path) -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "pinned"},
        "spec": {"nodeName": "c-1", "containers": [{"name": "c", "image": "nginx:1.25"}]},
    }
    w = run(tmp_path, pod)
    assert w["pinned"].pods[0].node == "c-1"  # cordoned, but nodeName skips the scheduler
    assert w["pinned"].pods[0].phase == "Running"


def test_preferred_affinity_is_a_score(tmp_path: Path) -> None:
    term = {
        "labelSelector": {"matchLabels": {"app": "db"}},
        "topologyKey": "kubernetes.io/hostname",
    }
    near = {"weight": 100, "podAffinityTerm": term}
    affinity = {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [near]}}
    w = run(tmp_path, deployment("db", 1), deployment("cache", 2, affinity=affinity))
    # without the term, LeastAllocated and the default spread would use the empty nodes
    assert {p.node for p in w["cache"].pods} == {w["db"].pods[0].node}
