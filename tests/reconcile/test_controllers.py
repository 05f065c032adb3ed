"""Controllers on real manifests (the Kubernetes documentation's examples in the corpus) against
the default cluster: names, owned objects, replica counts, tolerations, schedules."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kubelint.reconcile.names import SAFE_ALPHABET, fnv32a, pod_template_hash, safe_encode
from kubelint.reconcile.simulate import SimulateOptions, simulate

NOW = datetime(2026, 1, 31, 23, 58, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def examples(corpus: Path) -> Path:
    return corpus / "kubernetes__website/content/en/examples"


def run(*paths: Path):
    return simulate(SimulateOptions([str(p) for p in paths], None, NOW))


def test_fnv32a_and_safe_encoding() -> None:
    assert fnv32a(b"") == 0x811C9DC5
    assert fnv32a(b"a") == 0xE40C292C
    assert fnv32a(b"foobar") == 0xBF9CF968
    assert safe_encode("0123456789") == "456789bcdf"  # digit c → alphabet[ord(c) % 27]
    template = {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": []}}
    assert pod_template_hash(template) == pod_template_hash(dict(reversed(template.items())))
    assert pod_template_hash(template) != pod_template_hash(template, collision_count=1)
    assert set(pod_template_hash(template)) <= set(SAFE_ALPHABET)


def test_statefulset_ordinals_claims_and_headless_dns(examples: Path) -> None:
    sim = run(examples / "application/web/web.yaml")
    (sts,) = [w for w in sim.workloads if w.ref.kind == "StatefulSet"]
    assert [p.name for p in sts.pods] == ["web-0", "web-1"]
    assert [c["metadata"]["name"] for c in sts.children] == ["www-web-0", "www-web-1"]
    spec = sts.pods[1].body["spec"]
    assert (spec["hostname"], spec["subdomain"]) == ("web-1", "nginx")
    assert {"name": "www", "persistentVolumeClaim": {"claimName": "www-web-1"}} in spec["volumes"]
    nginx = next(v for v in sim.services if v.stored.name == "nginx")
    names = {r.name for r in nginx.records if r.type == "A"}
    assert {"web-0.nginx.default.svc.cluster.local", "nginx.default.svc.cluster.local"} <= names
    (claim,) = [f for f in sim.findings if f.name == "pvc-unbound"]
    assert claim.path_text == "spec.volumeClaimTemplates" and "www-web-0" in claim.message


def test_cronjob_lists_its_next_runs_and_creates_nothing(examples: Path) -> None:
    sim = run(examples / "application/job/cronjob.yaml")
    (cron,) = sim.workloads
    assert cron.pods == []
    assert cron.schedule == ["2026-01-31T23:59:00Z", "2026-02-01T00:00:00Z", "2026-02-01T00:01:00Z"]


def test_hpa_bounds_the_replica_set(examples: Path) -> None:
    sim = run(examples / "controllers/frontend.yaml", examples / "controllers/hpa-rs.yaml")
    (rs,) = [w for w in sim.workloads if w.ref.kind == "ReplicaSet"]
    assert rs.replicas_range == (3, 10)
    assert len(rs.pods) == 3
    assert all(re.match(r"^frontend-[bcdfghjklmnpqrstvwxz2456789]{5}$", p.name) for p in rs.pods)


def test_daemonset_skips_the_control_plane_and_adds_its_tolerations(examples: Path) -> None:
    sim = run(examples / "controllers/daemonset.yaml")
    (ds,) = sim.workloads
    assert [p.node for p in ds.pods] == ["worker-1", "worker-2", "worker-3"]
    assert ds.skipped_nodes == {
        "control-plane": "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"
    }
    tolerations = ds.pods[0].body["spec"]["tolerations"]
    assert {
        "key": "node.kubernetes.io/unschedulable",
        "operator": "Exists",
        "effect": "NoSchedule",
    } in tolerations
    assert not any(t.get("key") == "node.kubernetes.io/network-unavailable" for t in tolerations)
    affinity = ds.pods[0].body["spec"]["affinity"]["nodeAffinity"]
    terms = affinity["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert terms == [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["worker-1"]}]}
    ]


def test_job_runs_parallelism_pods_with_job_labels(examples: Path) -> None:
    sim = run(examples / "controllers/job.yaml")
    (job,) = sim.workloads
    assert len(job.pods) == 1
    labels = job.pods[0].labels
    assert labels["job-name"] == labels["batch.kubernetes.io/job-name"] == "pi"


def test_deployment_replica_set_and_default_tolerations(examples: Path) -> None:
    sim = run(examples / "controllers/nginx-deployment.yaml")
    (deploy,) = sim.workloads
    (rs,) = deploy.children
    hash_ = rs["metadata"]["labels"]["pod-template-hash"]
    assert rs["metadata"]["name"] == f"nginx-deployment-{hash_}"
    assert rs["spec"]["selector"]["matchLabels"]["pod-template-hash"] == hash_
    for pod in deploy.pods:
        assert pod.name.startswith(rs["metadata"]["name"] + "-")
        assert pod.body["metadata"]["ownerReferences"][0]["name"] == rs["metadata"]["name"]
        assert {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                "tolerationSeconds": 300} in pod.body["spec"]["tolerations"]  # fmt: skip
    assert len({p.node for p in deploy.pods}) == 3  # spread over the three workers
