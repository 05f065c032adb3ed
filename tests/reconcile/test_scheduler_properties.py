"""Properties of the scheduler on generated clusters and pods: placements respect every filter,
the class/bucket fast path decides exactly as examining every node does, and nothing depends
on the order nodes are listed in."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from kubelint.reconcile.podinfo import ports_conflict
from kubelint.reconcile.scheduler import filters
from kubelint.reconcile.scheduler.nodes import NodeSet
from kubelint.reconcile.scheduler.pod import SchedPod
from kubelint.reconcile.scheduler.scheduler import Scheduler
from kubelint.reconcile.scheduler.topology import Placed

ZONES = ["a", "b"]
TAINTS = [
    {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
    {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},
    {"key": "spot", "value": "true", "effect": "PreferNoSchedule"},
]


@st.composite
def node_bodies(draw) -> list[dict]:
    kinds = draw(st.lists(st.tuples(
        st.integers(1, 4),  # how many identical nodes
        st.sampled_from(["1", "2", "4"]),
        st.sampled_from(["2Gi", "4Gi"]),
        st.sampled_from(ZONES),
        st.lists(st.sampled_from(range(len(TAINTS))), max_size=2, unique=True),
        st.booleans(),  # disk=ssd
        st.booleans(),  # cordoned
    ), min_size=1, max_size=4))  # fmt: skip
    nodes = []
    for k, (count, cpu, memory, zone, taints, ssd, cordoned) in enumerate(kinds):
        for i in range(count):
            name = f"n{k}-{i}"
            labels = {"kubernetes.io/hostname": name, "topology.kubernetes.io/zone": zone}
            if ssd:
                labels["disk"] = "ssd"
            nodes.append({
                "metadata": {"name": name, "labels": labels},
                "spec": {"taints": [TAINTS[t] for t in taints],
                         "unschedulable": cordoned and i == 0},
                "status": {"allocatable": {"cpu": cpu, "memory": memory, "pods": "4"}},
            })  # fmt: skip
    return nodes


@st.composite
def pod_bodies(draw) -> list[dict]:
    pods = []
    for n in range(draw(st.integers(1, 14))):
        container: dict = {"name": "c", "image": "nginx"}
        cpu = draw(st.sampled_from([None, "100m", "500m", "1500m"]))
        if cpu:
            container["resources"] = {"requests": {"cpu": cpu, "memory": "256Mi"}}
        if draw(st.integers(0, 4)) == 0:
            container["ports"] = [{"containerPort": 80, "hostPort": 80}]
        spec: dict = {"containers": [container]}
        if draw(st.booleans()):
            spec["tolerations"] = [draw(st.sampled_from([
                {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"},
                {"operator": "Exists"},
                {"key": "node-role.kubernetes.io/control-plane", "operator": "Exists"},
            ]))]  # fmt: skip
        if draw(st.integers(0, 3)) == 0:
            spec["nodeSelector"] = {"disk": "ssd"}
        if draw(st.integers(0, 3)) == 0:
            not_b = {"key": "topology.kubernetes.io/zone", "operator": "NotIn", "values": ["b"]}
            required = {"nodeSelectorTerms": [{"matchExpressions": [not_b]}]}
            spec["affinity"] = {
                "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": required}
            }
        app = draw(st.sampled_from(["web", "db"]))
        if draw(st.integers(0, 2)) == 0:
            key = draw(st.sampled_from(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]))
            kind = draw(st.sampled_from(["podAffinity", "podAntiAffinity"]))
            term = {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": key}
            preferred = [{"weight": draw(st.integers(1, 100)), "podAffinityTerm": term}]
            affinity = spec.setdefault("affinity", {})
            affinity[kind] = {"preferredDuringSchedulingIgnoredDuringExecution": preferred}
        meta = {"name": f"p{n}", "namespace": "default", "labels": {"app": app}}
        pods.append({"metadata": meta, "spec": spec})
    return pods


def schedule(nodes: list[dict], pods: list[dict], exhaustive: bool):
    nodeset = NodeSet(nodes)
    placed = Placed(nodeset, {})
    selectors = {}
    from kubelint.k8s.selectors import Selector

    def default(pod: SchedPod):
        return selectors.setdefault(
            pod.labels["app"], Selector.from_map({"app": pod.labels["app"]})
        )

    scheduler = Scheduler(nodeset, placed, default, exhaustive=exhaustive)
    out = []
    for body in pods:
        pod = SchedPod(body)
        outcome = scheduler.schedule(pod)
        if outcome.node is not None:
            scheduler.bind(pod, outcome.node)
        out.append((outcome.node.name if outcome.node else None, outcome.message))
    return out, nodeset


@given(node_bodies(), pod_bodies())
def test_fast_path_decides_as_examining_every_node(nodes, pods) -> None:
    fast, _ = schedule(nodes, pods, exhaustive=False)
    slow, _ = schedule(nodes, pods, exhaustive=True)
    assert fast == slow


@given(node_bodies(), pod_bodies(), st.randoms(use_true_random=False))
def test_node_order_does_not_matter(nodes, pods, rnd: random.Random) -> None:
    shuffled = list(nodes)
    rnd.shuffle(shuffled)
    assert schedule(nodes, pods, False)[0] == schedule(shuffled, pods, False)[0]


@given(node_bodies(), pod_bodies())
def test_every_placement_passes_every_filter(nodes, pods) -> None:
    results, nodeset = schedule(nodes, pods, exhaustive=False)
    for body, (node_name, message) in zip(pods, results, strict=True):
        pod = SchedPod(body)
        if node_name is None:
            assert message.startswith(f"0/{len(nodes)} nodes are available:")
            counts = [int(part.split(" ", 1)[0]) for part in message.split(": ", 1)[1].split(", ")]
            assert sum(counts) >= len(nodes)
            continue
        node = nodeset.by_name[node_name]
        assert filters.static_reason(pod, node.cls, node.labels, node.name) is None
    for node in nodeset.nodes:
        cpu, memory, _, _, _, count, _ = node.usage
        alloc = node.cls.allocatable
        assert cpu <= alloc["cpu"] and memory <= alloc["memory"] and count <= alloc["pods"]
        ports = node.host_ports
        assert not any(ports_conflict(a, b) for i, a in enumerate(ports) for b in ports[i + 1 :])
