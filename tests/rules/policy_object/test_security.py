"""Security rules KL200–KL249 on small manifests: where each looks (init, ephemeral containers,
CronJob nesting, custom template paths) and how pod and container securityContext combine."""

from __future__ import annotations

import pytest
from policy_harness import BY_NAME, paths, run, with_params

from kubelint.rules.engine import DEFAULT_SETTINGS

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
{spec}
"""


def pod(spec: str) -> str:
    return POD.format(spec="\n".join("  " + line for line in spec.strip("\n").splitlines()))


# -- securityContext inheritance -------------------------------------------------------------
def test_run_as_non_root_at_pod_level_covers_every_container():
    text = pod("""
securityContext: {runAsNonRoot: true}
initContainers: [{name: init, image: busybox:1.36}]
containers: [{name: a, image: app:1}, {name: b, image: app:1}]
""")
    assert paths("run-as-root", text) == []


def test_container_can_override_pod_level_run_as_non_root():
    text = pod("""
securityContext: {runAsNonRoot: true}
containers:
- {name: a, image: app:1}
- {name: b, image: app:1, securityContext: {runAsNonRoot: false}}
""")
    assert paths("run-as-root", text) == ["spec.containers[1].securityContext.runAsNonRoot"]


def test_non_zero_run_as_user_is_enough_and_zero_is_its_own_rule():
    text = pod("""
securityContext: {runAsUser: 1000}
containers:
- {name: a, image: app:1}
- {name: b, image: app:1, securityContext: {runAsUser: 0}}
""")
    assert paths("run-as-root", text) == []
    assert paths("run-as-uid-0", text) == ["spec.containers[1].securityContext.runAsUser"]


def test_uid_zero_with_run_as_non_root_says_the_container_will_not_start():
    text = pod("""
securityContext: {runAsNonRoot: true, runAsUser: 0}
containers: [{name: a, image: app:1}]
""")
    [finding] = run(text, [BY_NAME["run-as-uid-0"]])
    assert finding.path_text == "spec.securityContext.runAsUser"
    assert "kubelet will not start it" in finding.message


def test_missing_run_as_non_root_points_at_the_container():
    [finding] = run(pod("containers: [{name: a, image: app:1}]"), [BY_NAME["run-as-root"]])
    assert (finding.path_text, finding.line) == ("spec.containers[0]", 6)
    assert finding.message == 'container "a" may run as root: runAsNonRoot is not true'


def test_container_only_fields_are_not_inherited_from_the_pod():
    # readOnlyRootFilesystem exists only on the container securityContext
    text = pod("""
securityContext: {runAsNonRoot: true}
containers: [{name: a, image: app:1, securityContext: {readOnlyRootFilesystem: true}},
             {name: b, image: app:1}]
""")
    assert paths("writable-root-filesystem", text) == ["spec.containers[1]"]


def test_seccomp_unconfined_at_pod_level_is_reported_once():
    text = pod("""
securityContext: {seccompProfile: {type: Unconfined}}
containers: [{name: a, image: app:1}, {name: b, image: app:1}]
""")
    assert paths("seccomp-unconfined", text) == ["spec.securityContext.seccompProfile.type"]


def test_container_seccomp_overrides_pod_unconfined():
    text = pod("""
securityContext: {seccompProfile: {type: Unconfined}}
containers:
- {name: a, image: app:1, securityContext: {seccompProfile: {type: RuntimeDefault}}}
""")
    assert paths("seccomp-unconfined", text) == []
    assert paths("seccomp-profile-missing", text) == []


# -- which containers are looked at --------------------------------------------------------
def test_privileged_init_and_ephemeral_containers_are_reported():
    text = pod("""
initContainers: [{name: i, image: busybox:1.36, securityContext: {privileged: true}}]
containers: [{name: a, image: app:1}]
ephemeralContainers:
- {name: debug, image: busybox:1.36, securityContext: {privileged: true}}
""")
    found = run(text, [BY_NAME["privileged-container"]])
    assert [f.message for f in found] == [
        'init container "i" runs privileged',
        'ephemeral container "debug" runs privileged',
    ]


def test_cronjob_pod_template_is_found_through_the_job_template():
    text = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        spec:
          hostPID: true
          restartPolicy: OnFailure
          containers: [{name: a, image: app:1, securityContext: {capabilities: {add: [SYS_ADMIN]}}}]
"""
    assert paths("host-pid", text) == ["spec.jobTemplate.spec.template.spec.hostPID"]
    assert paths("dangerous-capability", text) == [
        "spec.jobTemplate.spec.template.spec.containers[0].securityContext.capabilities.add[0]"
    ]


ROLLOUT = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  template:
    spec:
      hostNetwork: true
      containers: [{name: a, image: app:1, securityContext: {privileged: true}}]
"""


def test_custom_resources_are_checked_through_configured_template_paths():
    assert paths("privileged-container", ROLLOUT) == []
    settings = DEFAULT_SETTINGS._replace(
        template_paths={("argoproj.io", "Rollout"): ("spec", "template")}
    )
    assert paths("privileged-container", ROLLOUT, settings) == [
        "spec.template.spec.containers[0].securityContext.privileged"
    ]
    assert paths("host-network", ROLLOUT, settings) == ["spec.template.spec.hostNetwork"]


def test_objects_without_pod_template_are_ignored():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {PASSWORD: x}\n"
    assert [f.name for f in run(text)] == ["recommended-labels"]  # the only one for any kind


# -- escalation and capabilities -----------------------------------------------------------
def test_privilege_escalation_unset_is_reported_only_when_required():
    text = pod("containers: [{name: a, image: app:1}]")
    assert paths("privilege-escalation-allowed", text) == []
    strict = with_params("privilege-escalation-allowed", require_false=True)
    assert paths("privilege-escalation-allowed", text, strict) == ["spec.containers[0]"]


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ("{capabilities: {drop: [ALL]}}", []),
        ("{capabilities: {drop: [net_raw]}}", []),  # case and CAP_ prefix are normalised
        ("{capabilities: {drop: [CAP_NET_RAW]}}", []),
        ("{capabilities: {drop: [ALL], add: [NET_RAW]}}", ["securityContext.capabilities.add[0]"]),
        ("{capabilities: {drop: [CHOWN]}}", [""]),
        ("{privileged: true}", []),  # privileged-container says more
    ],
)
def test_net_raw(context: str, expected: list[str]):
    text = pod(f"containers: [{{name: a, image: app:1, securityContext: {context}}}]")
    base = "spec.containers[0]"
    assert paths("net-raw-not-dropped", text) == [base + ("." + e if e else "") for e in expected]


def test_dangerous_capabilities_are_configurable():
    text = pod(
        "containers: [{name: a, image: app:1,\n"
        "              securityContext: {capabilities: {add: [NET_ADMIN, CHOWN]}}}]"
    )
    assert paths("dangerous-capability", text) == [
        "spec.containers[0].securityContext.capabilities.add[0]"
    ]
    only_chown = with_params("dangerous-capability", forbidden=["chown"])
    assert paths("dangerous-capability", text, only_chown) == [
        "spec.containers[0].securityContext.capabilities.add[1]"
    ]


def test_apparmor_annotation_and_field():
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata:
      labels: {app: d}
      annotations: {container.apparmor.security.beta.kubernetes.io/a: unconfined}
    spec:
      securityContext: {appArmorProfile: {type: Unconfined}}
      containers: [{name: a, image: app:1}]
"""
    assert paths("apparmor-unconfined", text) == [  # in file order
        'spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/a"]',
        "spec.template.spec.securityContext.appArmorProfile.type",
    ]


# -- host access ---------------------------------------------------------------------------
def test_host_paths_are_normalised_and_classified():
    text = pod("""
containers:
- name: a
  image: app:1
  volumeMounts: [{name: root, mountPath: /host}, {name: sock, mountPath: /s, readOnly: true}]
volumes:
- {name: root, hostPath: {path: "//"}}
- {name: sock, hostPath: {path: /run/containerd/containerd.sock}}
- {name: certs, hostPath: {path: /etc/ssl/certs/}}
- {name: kubelet, hostPath: {path: /var/lib/kubelet/}}
""")
    assert paths("sensitive-host-path", text) == [
        "spec.volumes[0].hostPath.path",
        "spec.volumes[3].hostPath.path",
    ]
    assert paths("container-runtime-socket", text) == ["spec.volumes[1].hostPath.path"]
    assert paths("writable-host-mount", text) == ["spec.containers[0].volumeMounts[0]"]
    assert len(paths("host-path-volume", text)) == 4


def test_host_port_is_left_to_host_network_when_the_pod_uses_it():
    ports = "containers: [{name: a, image: app:1, ports: [{containerPort: 80, hostPort: 80}]}]"
    assert paths("host-port", pod(ports)) == ["spec.containers[0].ports[0].hostPort"]
    assert paths("host-port", pod("hostNetwork: true\n" + ports)) == []


def test_ssh_port_only_over_tcp():
    tcp = pod("containers: [{name: a, image: app:1, ports: [{containerPort: 22}]}]")
    udp = pod("containers: [{name: a, image: app:1, ports: [{containerPort: 22, protocol: UDP}]}]")
    assert paths("ssh-port", tcp) == ["spec.containers[0].ports[0].containerPort"]
    assert paths("ssh-port", udp) == []


def test_sysctls_accept_slash_separated_safe_names():
    text = pod("""
securityContext:
  sysctls: [{name: net/ipv4/tcp_syncookies, value: "1"}, {name: kernel.msgmax, value: "1"}]
containers: [{name: a, image: app:1}]
""")
    assert paths("unsafe-sysctl", text) == ["spec.securityContext.sysctls[1].name"]


# -- credentials ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value", "reported"),
    [
        ("DB_PASSWORD", "hunter2", True),
        ("API_KEY", "abc", True),
        ("GITHUB_TOKEN", "ghp_x", True),
        ("aws-secret-access-key", "x", True),
        ("DB_PASSWORD_FILE", "/run/secrets/db", False),
        ("TOKEN_URL", "https://auth.example.com", False),
        ("AWS_ACCESS_KEY_ID", "AKIA", False),
        ("MYSQL_ALLOW_EMPTY_PASSWORD", "1", False),
        ("DB_PASSWORD", "", False),
        ("DB_PASSWORD", "$(FROM_SECRET)", False),
        ("CACHE_KEYSPACE", "prod", False),
        ("LOG_LEVEL", "debug", False),
    ],
)
def test_secret_in_env(name: str, value: str, reported: bool):
    text = pod(
        f'containers: [{{name: a, image: app:1, env: [{{name: "{name}", value: "{value}"}}]}}]'
    )
    found = run(text, [BY_NAME["secret-in-env"]])
    assert bool(found) is reported
    for f in found:
        assert value not in f.message  # the secret itself is never printed


def test_image_registry_without_and_with_allow_list():
    text = pod("""
containers:
- {name: a, image: nginx:1.27}
- {name: b, image: ghcr.io/acme/api:2}
- {name: c, image: "localhost:5000/dev:1"}
""")
    assert paths("image-registry", text) == ["spec.containers[0].image"]
    allowed = with_params("image-registry", allowed=["ghcr.io/acme"])
    assert paths("image-registry", text, allowed) == [
        "spec.containers[0].image",
        "spec.containers[2].image",
    ]


def test_service_account_rules():
    default = pod("containers: [{name: a, image: app:1}]")
    assert paths("default-service-account", default) == ["spec"]
    assert paths("service-account-token-mounted", default) == ["spec"]
    own = pod(
        "serviceAccountName: web\nautomountServiceAccountToken: false\n"
        "containers: [{name: a, image: app:1}]"
    )
    assert paths("default-service-account", own) == []
    assert paths("service-account-token-mounted", own) == []


def test_linux_only_settings_are_not_asked_of_windows_pods():
    text = pod("os: {name: windows}\ncontainers: [{name: a, image: app:1}]")
    linux_only = (
        "writable-root-filesystem",
        "net-raw-not-dropped",
        "capabilities-not-dropped",
        "seccomp-profile-missing",
    )
    for rule in linux_only:
        assert paths(rule, text) == [], rule
        assert paths(rule, text.replace("windows", "linux")) == ["spec.containers[0]"], rule


@pytest.mark.parametrize(
    "spec",
    [
        "containers: x",
        "containers: [5, null, [a]]",
        "containers: [{name: a, securityContext: [], resources: 3, env: {a: b}, ports: x}]",
        "containers: [{name: a, securityContext: {capabilities: {add: [1, null], drop: x}}}]",
        "containers: [{name: a, image: 7, env: [{name: 1, value: 2}, {}, x]}]",
        "securityContext: 1\nvolumes: [{hostPath: 3}, {name: v, hostPath: {path: 4}}, 5]",
        "securityContext: {sysctls: [{name: 5}, x]}\nhostAliases: x",
        "containers: [{name: a, livenessProbe: 1, readinessProbe: 1, resources: {requests: []}}]",
        "{1: 2}",
    ],
)
def test_malformed_shapes_never_break_a_rule(spec: str):
    # schema validation reports these; the rules must stay quiet or report, never raise
    run(pod(spec))  # run() asserts there is no rule-error finding


@pytest.mark.parametrize(
    "spec",
    [
        "replicas: x\nstrategy: {rollingUpdate: {maxUnavailable: [1]}}\ntemplate: 3",
        "replicas: 2\nstrategy: {rollingUpdate: {maxUnavailable: abc%}}\ntemplate: {spec: []}",
        "replicas: true\ntemplate: {metadata: {annotations: [x]}, spec: {os: windows}}",
    ],
)
def test_malformed_workloads_never_break_a_rule(spec: str):
    meta = "metadata: {name: d, namespace: 5, labels: [x]}\n"
    text = (
        "apiVersion: apps/v1\nkind: Deployment\n"
        + meta
        + "spec:\n"
        + "".join("  " + line + "\n" for line in spec.splitlines())
    )
    run(text)


def test_selinux_options_pod_level_reported_once_and_container_override():
    text = pod("""
securityContext: {seLinuxOptions: {type: spc_t, user: system_u}}
containers:
- {name: a, image: app:1}
- {name: b, image: app:1}
- {name: c, image: app:1, securityContext: {seLinuxOptions: {type: container_t, role: r}}}
""")
    assert paths("selinux-options-unsafe", text) == [
        "spec.securityContext.seLinuxOptions.type",
        "spec.securityContext.seLinuxOptions.user",
        "spec.containers[2].securityContext.seLinuxOptions.role",
    ]
