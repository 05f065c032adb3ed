"""Consistent multi-object apps, and cluster descriptions."""

from __future__ import annotations

import ipaddress
from typing import Any

from hypothesis import strategies as st

from kubelint.strategies import fields


def manifest_set(draw: st.DrawFn, objects: Any, k8s_version: str | None) -> list[dict[str, Any]]:
    """A Deployment, the Service that selects its pods by a named port, and the ConfigMap its
    containers read: every reference resolves."""
    namespace = draw(fields.dns_label(15))
    name = draw(fields.dns_label(20))
    port = draw(fields.port_number())
    port_name = draw(fields.port_name())
    labels = {"app.kubernetes.io/name": name, **draw(fields.labels(max_size=2))}
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"{name}-config", "namespace": namespace},
        "data": draw(
            st.dictionaries(
                st.from_regex(r"[A-Z][A-Z0-9_]{0,10}", fullmatch=True),
                fields.text(12),
                max_size=3,
            )
        ),
    }
    deployment = draw(
        objects(
            kind="Deployment", api_version="apps/v1", k8s_version=k8s_version, namespace=namespace
        )
    )
    deployment["metadata"]["name"] = name
    spec = deployment["spec"]
    spec["selector"] = {"matchLabels": dict(labels)}
    template_labels = spec["template"]["metadata"]["labels"]
    template_labels.update(labels)
    container = spec["template"]["spec"]["containers"][0]
    container["ports"] = [{"name": port_name, "containerPort": port, "protocol": "TCP"}]
    container["envFrom"] = [{"configMapRef": {"name": config["metadata"]["name"]}}]
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "selector": dict(labels),
            "ports": [
                {
                    "name": port_name,
                    "port": draw(fields.port_number()),
                    "targetPort": port_name,
                    "protocol": "TCP",
                }
            ],
        },
    }
    return [config, deployment, service]


_PRIVATE = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


def cluster(draw: st.DrawFn) -> dict[str, Any]:
    """A cluster description in the documented cluster.yaml layout (scenarios/README.md):
    non-overlapping node, pod and service networks; a control-plane node with its NoSchedule
    taint and workers with consecutive podCIDRs inside clusterCIDR."""
    node_net, pod_net, svc_net = draw(st.permutations(_PRIVATE))
    node_cidr = next(node_net.subnets(new_prefix=24))
    cluster_cidr = next(pod_net.subnets(new_prefix=16))
    service_cidr = next(svc_net.subnets(new_prefix=16))
    workers = draw(st.integers(1, 5))
    pod_cidrs = cluster_cidr.subnets(new_prefix=24)
    hosts = node_cidr.hosts()
    nodes = []
    for index in range(workers + 1):
        name = "control-plane" if index == 0 else f"worker-{index}"
        node = {
            "name": name,
            "roles": ["control-plane"] if index == 0 else [],
            "addresses": [
                {"type": "InternalIP", "address": str(next(hosts))},
                {"type": "Hostname", "address": name},
            ],
            "labels": {"kubernetes.io/hostname": name},
            "taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
            if index == 0
            else [],
            "conditions": [{"type": "Ready", "status": "True"}],
            "allocatable": {
                "cpu": str(draw(st.sampled_from([2, 4, 8]))),
                "memory": f"{draw(st.sampled_from([4, 8, 16]))}Gi",
                "pods": "110",
            },
            "podCIDR": str(next(pod_cidrs)),
        }
        nodes.append(node)
    return {
        "apiVersion": "kubelint.dev/v1alpha1",
        "kind": "Cluster",
        "metadata": {"name": draw(fields.dns_label(20))},
        "kubernetesVersion": draw(st.sampled_from(["1.30", "1.31", "1.32"])),
        "network": {
            "nodeCIDRs": [str(node_cidr)],
            "clusterCIDR": str(cluster_cidr),
            "nodeCIDRMaskSize": 24,
            "serviceCIDR": str(service_cidr),
            "nodePortRange": "30000-32767",
        },
        "dns": {"clusterDomain": "cluster.local", "serviceIP": str(service_cidr[10])},
        "kubeProxy": {"mode": draw(st.sampled_from(["iptables", "ipvs"]))},
        "nodes": nodes,
    }
