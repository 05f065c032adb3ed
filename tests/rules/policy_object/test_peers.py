"""Where kubelint decides differently from kube-linter, kube-score, Polaris or Checkov, and why.

Each test is one recorded decision: the manifest a peer reports (or accepts) and what kubelint's
rules do with it, by default and when configured. docs/policy.md summarises the same list.
"""

from __future__ import annotations

from policy_harness import BY_NAME, DEFAULT_ON, names, paths, run, with_params

POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: p{meta}}}
spec:
  containers:
  - name: a
    image: registry.example.com/app:1.4.2
{container}
"""


def pod(container: str = "", meta: str = "") -> str:
    body = "\n".join("    " + line for line in container.strip("\n").splitlines())
    return POD.format(container=body, meta=meta)


def default_names(text: str) -> list[str]:
    return sorted({f.name for f in run(text, DEFAULT_ON)})


def test_cpu_limits_are_advice_unlike_kube_score_polaris_and_checkov():
    """kube-score `container-resources`, Polaris `cpuLimitsMissing` and Checkov `CKV_K8S_11`
    require a CPU limit. kubelint's cpu-limit-missing is off by default: CPU is compressible,
    and a CFS quota throttles latency-sensitive services even on idle nodes; the request is
    what protects neighbours. Memory limits (not compressible) belong to the hardening rules a
    team enables (off by default with the other resource rules: most upstream charts leave
    them to the installer)."""
    text = pod("resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 128Mi}}")
    assert "cpu-limit-missing" not in default_names(text)
    assert paths("cpu-limit-missing", text) == ["spec.containers[0].resources"]
    assert not BY_NAME["cpu-limit-missing"].default
    assert BY_NAME["cpu-limit-missing"].severity < BY_NAME["memory-limit-missing"].severity


def test_image_pull_policy_always_is_not_required():
    """kube-score `container-image-pull-policy`, Polaris `pullPolicyNotAlways` and Checkov
    `CKV_K8S_15` want `imagePullPolicy: Always`. kubelint has no such rule: with a pinned tag
    IfNotPresent runs the same code, and Always adds a registry round trip to every container
    start (pods cannot restart while the registry is down). kubelint reports the real risk —
    a mutable tag (latest-tag) — and `Never` (image-pull-never)."""
    text = pod("imagePullPolicy: IfNotPresent")
    assert [f for f in run(text) if "imagePullPolicy" in f.path_text] == []
    never = pod("imagePullPolicy: Never")
    assert paths("image-pull-never", never) == ["spec.containers[0].imagePullPolicy"]


def test_identical_probes_compare_whole_probes_unlike_kube_score():
    """kube-score `pod-probes-identical` compares only the handler (path and port). The usual,
    documented pattern is one /healthz endpoint with a more patient liveness probe; kubelint
    reports only exact copies by default and offers `compare: handler` for kube-score's view."""
    text = pod(
        "livenessProbe: {httpGet: {path: /healthz, port: 8080}, failureThreshold: 6}\n"
        "readinessProbe: {httpGet: {path: /healthz, port: 8080}}"
    )
    assert paths("identical-probes", text) == []
    strict = with_params("identical-probes", compare="handler")
    assert paths("identical-probes", text, strict) == ["spec.containers[0].livenessProbe"]


def test_unset_allow_privilege_escalation_is_not_reported_unlike_polaris():
    """Polaris `privilegeEscalationAllowed` fails containers that do not set
    `allowPrivilegeEscalation: false`. kubelint (like kube-linter's
    privilege-escalation-container) reports an explicit `true` by default; the unset default
    matters only with setuid binaries, and `require-false: true` enforces the restricted
    Pod Security Standard."""
    assert paths("privilege-escalation-allowed", pod()) == []
    strict = with_params("privilege-escalation-allowed", require_false=True)
    assert paths("privilege-escalation-allowed", pod(), strict) == ["spec.containers[0]"]


def test_missing_namespace_is_not_the_default_namespace_unlike_kube_linter_and_checkov():
    """kube-linter `use-namespace` and Checkov `CKV_K8S_21` treat a missing namespace as the
    default namespace. Most manifests leave it to `kubectl -n`, kustomize or Helm, so kubelint
    reports only an explicit `namespace: default` (option include-unset for the stricter view)."""
    assert "default-namespace" not in names(pod())
    assert paths("default-namespace", pod(meta=", namespace: default")) == ["metadata.namespace"]


def test_any_non_root_uid_is_accepted_unlike_kube_score():
    """kube-score `container-security-context-user-group-id` wants UID and GID above 10000 (to
    avoid clashing with host users). kubelint's run-as-root asks for a non-root user; the
    clash only matters without user namespaces on hosts with such users, so 1000 passes."""
    text = pod("securityContext: {runAsUser: 1000, runAsGroup: 1000}")
    assert "run-as-root" not in names(text)
    assert "run-as-uid-0" not in names(text)


def test_single_replica_is_opt_in_and_ignores_omitted_replicas_unlike_kube_score():
    """kube-score `deployment-replicas` (on by default) wants at least 2 replicas. Many
    Deployments are singletons by design (controllers with leader election, dev tools), and
    an omitted `replicas` usually means a HorizontalPodAutoscaler owns it; kubelint's
    single-replica is off by default and ignores an omitted field."""
    deployment = BY_NAME["single-replica"].failing
    assert "single-replica" not in default_names(deployment)
    assert paths("single-replica", deployment) == ["spec.replicas"]
    assert paths("single-replica", deployment.replace("  replicas: 1\n", "")) == []


def test_cronjob_jobs_with_ttl_are_accepted_unlike_kube_linter():
    """kube-linter `job-ttl-seconds-after-finished` also reports CronJob job templates that set
    ttlSecondsAfterFinished. The TTL and the CronJob's history limits compose (whichever
    removes a Job first wins); kubelint only asks standalone Jobs for a TTL."""
    cronjob = BY_NAME["cronjob-deadline-missing"].failing.replace(
        "  jobTemplate:\n    spec:\n",
        "  jobTemplate:\n    spec:\n      ttlSecondsAfterFinished: 60\n",
    )
    assert "ttlSecondsAfterFinished: 60" in cronjob
    assert [f for f in run(cronjob) if "ttl" in f.message.lower()] == []


def test_digest_pinning_is_opt_in_unlike_checkov():
    """Checkov `CKV_K8S_43` requires image digests. Digests need tooling to keep them fresh;
    kubelint reports mutable tags by default (latest-tag) and digests only when enabled."""
    text = pod()
    assert "image-digest-missing" not in default_names(text)
    assert paths("image-digest-missing", text) == ["spec.containers[0].image"]
