"""Shared inputs for the cluster tests: the scenario folders and small cluster files."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SCENARIOS

from kubelint.cluster.model import Cluster
from kubelint.cluster.parse import load_text
from kubelint.model import Finding
from kubelint.strategies.render import render

SCENARIO_DIRS = sorted(SCENARIOS.glob("0*")) if SCENARIOS.is_dir() else []

BASE: dict[str, Any] = {
    "apiVersion": "kubelint.dev/v1alpha1",
    "kind": "Cluster",
    "metadata": {"name": "lab"},
    "network": {
        "nodeCIDRs": ["192.168.0.0/24"],
        "clusterCIDR": "10.244.0.0/16",
        "nodeCIDRMaskSize": 24,
        "serviceCIDR": "10.96.0.0/12",
        "nodePortRange": "30000-32767",
    },
    "dns": {"clusterDomain": "cluster.local", "serviceIP": "10.96.0.10"},
    "nodes": [
        {
            "name": "cp",
            "roles": ["control-plane"],
            "addresses": [{"type": "InternalIP", "address": "192.168.0.10"}],
            "allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"},
        }
    ],
    "nodeGroups": [
        {
            "name": "workers",
            "count": 3,
            "namePattern": "worker-{index}",
            "internalIPStart": "192.168.0.11",
            "allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"},
        }
    ],
}


def scenario(name: str) -> Path:
    matches = [d for d in SCENARIO_DIRS if d.name.startswith(name)]
    if not matches:
        pytest.skip(f"scenario {name} not found under {SCENARIOS}")
    return matches[0]


def expected(name: str) -> dict[str, Any]:
    return yaml.safe_load((scenario(name) / "expected.yaml").read_text(encoding="utf-8"))


def cluster_file(**changes: Any) -> dict[str, Any]:
    """BASE with top-level sections replaced or (for dicts) updated."""
    body = copy.deepcopy(BASE)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key].update(value)
        else:
            body[key] = value
    return body


def dump(body: dict[str, Any]) -> str:
    """Block-style YAML that reads back the same under YAML 1.1 (strings such as "n" quoted)."""
    return render([body], flow=False, quote=False, comments=False, order="as-is")


def load_body(body: dict[str, Any]) -> tuple[Cluster | None, list[Finding]]:
    return load_text(dump(body), "cluster.yaml")


def must_load(body: dict[str, Any] | str) -> Cluster:
    cluster, findings = load_text(body if isinstance(body, str) else dump(body), "cluster.yaml")
    assert cluster is not None, findings
    return cluster
