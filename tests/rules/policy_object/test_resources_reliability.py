"""Resource, reliability and best-practice rules (KL250–KL339) on small manifests."""

from __future__ import annotations

import pytest
from policy_harness import BY_NAME, paths, run, with_params

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: d}}
spec:
{spec}
  selector: {{matchLabels: {{app: d}}}}
  template:
    metadata: {{labels: {{app: d}}}}
    spec:
      containers:
      - name: a
        image: app:1
{container}
"""


def deployment(spec: str = "", container: str = "") -> str:
    def indent(text: str, by: int) -> str:
        return "\n".join(" " * by + line for line in text.strip("\n").splitlines())

    return DEPLOYMENT.format(spec=indent(spec, 2), container=indent(container, 8))


# -- resources -----------------------------------------------------------------------------
def test_limit_alone_satisfies_request_rules_because_the_apiserver_copies_it():
    text = deployment(container="resources: {limits: {cpu: 500m, memory: 256Mi}}")
    assert paths("cpu-request-missing", text) == []
    assert paths("memory-request-missing", text) == []
    assert paths("memory-limit-missing", text) == []


def test_each_resource_has_its_own_rule_and_points_at_resources():
    text = deployment(container="resources: {requests: {cpu: 100m}}")
    found = run(
        text,
        [
            BY_NAME[n]
            for n in (
                "cpu-request-missing",
                "memory-request-missing",
                "memory-limit-missing",
                "cpu-limit-missing",
            )
        ],
    )
    assert [(f.code, f.path_text, f.line) for f in found] == [  # same place: code order
        ("KL251", "spec.template.spec.containers[0].resources", 13),
        ("KL252", "spec.template.spec.containers[0].resources", 13),
        ("KL253", "spec.template.spec.containers[0].resources", 13),
    ]


def test_init_containers_count_and_ephemeral_containers_do_not():
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: i, image: app:1}]
  containers: [{name: a, image: app:1, resources: {requests: {cpu: 1, memory: 1Gi}}}]
  ephemeralContainers: [{name: e, image: app:1}]
"""
    assert paths("cpu-request-missing", text) == ["spec.initContainers[0]"]


@pytest.mark.parametrize(
    ("cpu", "reported"),
    [("0", True), ("0m", True), (0, True), ("0.0", True), ("1m", False), ("bogus", False)],
)
def test_zero_request(cpu: object, reported: bool):
    text = deployment(container=f"resources: {{requests: {{cpu: {cpu!r}, memory: 1Gi}}}}")
    assert bool(paths("zero-request", text)) is reported


# -- probes --------------------------------------------------------------------------------
PROBE = "{httpGet: {path: /healthz, port: 8080}, periodSeconds: 5}"


def test_identical_probes_by_default_compare_the_whole_probe():
    same = deployment(container=f"livenessProbe: {PROBE}\nreadinessProbe: {PROBE}")
    timing = deployment(
        container=f"livenessProbe: {PROBE}\n"
        "readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 10}"
    )
    assert paths("identical-probes", same) == ["spec.template.spec.containers[0].livenessProbe"]
    assert paths("identical-probes", timing) == []
    handler = with_params("identical-probes", compare="handler")
    assert len(paths("identical-probes", timing, handler)) == 1


def test_probe_rules_skip_jobs_and_init_containers_but_not_sidecars():
    job = """\
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: a, image: app:1}]
"""
    assert paths("liveness-probe-missing", job) == []
    sidecar = f"""\
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  initContainers:
  - {{name: setup, image: app:1}}
  - {{name: proxy, image: app:1, restartPolicy: Always,
     livenessProbe: {PROBE}, readinessProbe: {PROBE}}}
  containers: [{{name: a, image: app:1, livenessProbe: {PROBE}}}]
"""
    assert paths("liveness-probe-missing", sidecar) == []
    assert paths("readiness-probe-missing", sidecar) == ["spec.containers[0]"]
    assert paths("identical-probes", sidecar) == ["spec.initContainers[1].livenessProbe"]


# -- rollouts, replicas, jobs --------------------------------------------------------------
@pytest.mark.parametrize(
    ("replicas", "max_unavailable", "reported"),
    [
        (3, "100%", True),
        (3, 3, True),
        (4, "75%", False),
        (4, "100%", True),
        (1, 1, False),
        (1, "100%", True),
        (3, "25%", False),
    ],
)
def test_rollout_unavailable_all(replicas: int, max_unavailable: object, reported: bool):
    text = deployment(
        spec=f"replicas: {replicas}\n"
        f"strategy: {{rollingUpdate: {{maxUnavailable: {max_unavailable!r}}}}}"
    )
    assert bool(paths("rollout-unavailable-all", text)) is reported


def test_single_replica_ignores_hpa_style_omitted_replicas():
    assert paths("single-replica", deployment(spec="replicas: 1")) == ["spec.replicas"]
    assert paths("single-replica", deployment()) == []
    three = with_params("single-replica", min=3)
    assert paths("single-replica", deployment(spec="replicas: 2"), three) == ["spec.replicas"]


def test_job_ttl_only_for_standalone_jobs():
    job = (
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n"
        "    spec: {restartPolicy: Never, containers: [{name: a, image: app:1}]}\n"
    )
    assert paths("job-ttl-missing", job) == ["spec"]
    cron = BY_NAME["cronjob-deadline-missing"].failing
    assert paths("job-ttl-missing", cron) == []


def test_duplicate_env_reports_each_repeat():
    text = deployment(container="env: [{name: A, value: '1'}, {name: B}, {name: A}, {name: A}]")
    found = run(text, [BY_NAME["duplicate-env"]])
    assert [f.path_text.rsplit(".", 2)[-2] for f in found] == ["env[2]", "env[3]"]
    assert found[0].message == 'container "a" sets A again (first at env[0]); the last wins'


def test_host_network_dns_policy():
    text = deployment(container="ports: [{containerPort: 80}]").replace(
        "    spec:\n", "    spec:\n      hostNetwork: true\n", 1
    )
    assert paths("host-network-dns-policy", text) == ["spec.template.spec.hostNetwork"]


# -- images, namespaces, labels ------------------------------------------------------------
@pytest.mark.parametrize(
    ("image", "reported"),
    [
        ("nginx", True),
        ("nginx:latest", True),
        ("localhost:5000/app", True),  # the port is not a tag
        ("localhost:5000/app:1.2", False),
        ("nginx@sha256:" + "a" * 64, False),
        ("nginx:latest@sha256:" + "a" * 64, False),  # the digest wins
        ("registry.example.com/team/app:2024-01", False),
    ],
)
def test_latest_tag(image: str, reported: bool):
    text = deployment().replace("image: app:1", f"image: '{image}'")
    assert bool(paths("latest-tag", text)) is reported


def test_default_namespace_explicit_only_unless_configured():
    explicit = deployment().replace(
        "metadata: {name: d}", "metadata: {name: d, namespace: default}"
    )
    unset = deployment()
    assert paths("default-namespace", explicit) == ["metadata.namespace"]
    assert paths("default-namespace", unset) == []
    include = with_params("default-namespace", include_unset=True)
    assert paths("default-namespace", unset, include) == ["metadata"]
    cluster_scoped = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"
    assert paths("default-namespace", cluster_scoped, include) == []


def test_recommended_labels_are_configurable():
    labelled = deployment().replace(
        "metadata: {name: d}", "metadata: {name: d, labels: {app.kubernetes.io/name: d}}"
    )
    [finding] = run(labelled, [BY_NAME["recommended-labels"]])
    assert finding.message == "Deployment lacks label(s) app.kubernetes.io/instance"
    only_name = with_params("recommended-labels", required=["app.kubernetes.io/name"])
    assert paths("recommended-labels", labelled, only_name) == []


def test_deprecated_service_account_mismatch_names_the_winner():
    text = deployment().replace(
        "    spec:\n", "    spec:\n      serviceAccount: old\n      serviceAccountName: new\n", 1
    )
    [finding] = run(text, [BY_NAME["deprecated-service-account-field"]])
    assert finding.message == "serviceAccount old is ignored: serviceAccountName is new"
