"""Security rules about a container's securityContext (KL200–KL219).

A container inherits runAsUser, runAsGroup, runAsNonRoot, seccompProfile, appArmorProfile and
windowsOptions from the pod's securityContext unless it sets its own; the rules read the
effective value (see `_pod.security_setting`, `_pod.effective_settings`) and point at the place
that decides it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from kubelint.k8s.podspec import Container
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._pod import (
    capabilities,
    capability_path,
    effective_settings,
    example_pod,
    is_windows,
    label,
    options,
    own_path,
    own_setting,
    param,
    security_setting,
)
from kubelint.rules.engine import POD_TEMPLATES, ObjectView, Violation, object_rule


def _uid(value: Any) -> int | None:
    """A runAsUser value, or None when it is not an integer."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@object_rule(
    "KL200",
    "privileged-container",
    Severity.ERROR,
    "security",
    title="Containers must not run privileged",
    rationale=(
        "A privileged container has every capability and sees every host device: it can "
        "mount the node's disks, load kernel modules and escape to the node, so one "
        "compromised process owns the node and every pod on it."
    ),
    remediation="Remove `privileged: true`; add only the capabilities the process needs.",
    failing=example_pod({"securityContext": {"privileged": True}}),
    passing=example_pod({"securityContext": {"privileged": False}}),
    peers={
        "kube-linter": "privileged-container",
        "kube-score": "container-security-context-privileged",
        "polaris": "runAsPrivileged",
        "checkov": "CKV_K8S_16",
    },
    kinds=POD_TEMPLATES,
)
def privileged_container(obj: ObjectView) -> Iterator[Violation]:
    for c in obj.containers(ephemeral=True):
        if own_setting(c, "privileged") is True:
            yield Violation(own_path(c, "privileged"), f"{label(c)} runs privileged")


options("privilege-escalation-allowed", require_false=False)


@object_rule(
    "KL201",
    "privilege-escalation-allowed",
    Severity.WARNING,
    "security",
    title="Containers should not allow privilege escalation",
    rationale=(
        "`allowPrivilegeEscalation: true` lets a process gain more privileges than its "
        "parent (setuid binaries such as `sudo`, file capabilities), turning a foothold as an "
        "unprivileged user into root inside the container."
    ),
    remediation=(
        "Set `securityContext.allowPrivilegeEscalation: false`. Option `require-false: true` "
        "also reports containers that leave it unset (restricted Pod Security Standard)."
    ),
    failing=example_pod({"securityContext": {"allowPrivilegeEscalation": True}}),
    passing=example_pod({"securityContext": {"allowPrivilegeEscalation": False}}),
    peers={
        "kube-linter": "privilege-escalation-container",
        "polaris": "privilegeEscalationAllowed",
        "checkov": "CKV_K8S_20",
    },
    kinds=POD_TEMPLATES,
)
def privilege_escalation(obj: ObjectView) -> Iterator[Violation]:
    """Explicit `true` by default; option `require-false: true` also flags the unset default
    (the Pod Security Standards' restricted profile)."""
    strict = param(obj, "privilege-escalation-allowed", "require-false")
    for c in obj.containers(ephemeral=True):
        value = own_setting(c, "allowPrivilegeEscalation")
        if value is True:
            path = own_path(c, "allowPrivilegeEscalation")
            yield Violation(path, f"{label(c)} allows privilege escalation")
        elif strict and value is None:
            yield Violation(
                c.path, f"{label(c)} does not set allowPrivilegeEscalation: false", at_key=True
            )


@object_rule(
    "KL202",
    "run-as-root",
    Severity.WARNING,
    "security",
    title="Containers should run as a non-root user",
    rationale=(
        "Without `runAsNonRoot: true` (or a non-zero `runAsUser`) the image decides, and most "
        "images run as root: a container breakout then starts as root on the node, and root "
        "can write to every hostPath or volume the pod mounts."
    ),
    remediation=(
        "Set `runAsNonRoot: true` in the pod's securityContext (all containers inherit it) "
        "or a non-zero `runAsUser`, and build the image with a non-root USER."
    ),
    failing=example_pod(),
    passing=example_pod(spec={"securityContext": {"runAsNonRoot": True}}),
    peers={
        "kube-linter": "run-as-non-root",
        "polaris": "runAsRootAllowed",
        "checkov": "CKV_K8S_23",
    },
    default=False,  # hardening profile: fires on ~80% of upstream workloads
)
def run_as_root(obj: ObjectView) -> Iterator[Violation]:
    for c in obj.containers(ephemeral=True):
        non_root = security_setting(obj, c, "runAsNonRoot")
        uid = _uid(security_setting(obj, c, "runAsUser").value)
        if non_root.value is True or uid is not None:
            continue  # a non-zero uid is fine; run-as-uid-0 reports uid 0
        where = non_root.path or c.path
        yield Violation(where, f"{label(c)} may run as root: runAsNonRoot is not true")


@object_rule(
    "KL203",
    "run-as-uid-0",
    Severity.ERROR,
    "security",
    title="Containers must not run as user 0",
    rationale=(
        "`runAsUser: 0` asks for root explicitly. Combined with `runAsNonRoot: true` the "
        "kubelet refuses to start the container (CreateContainerConfigError); without it the "
        "process runs as root."
    ),
    remediation="Use a non-zero `runAsUser` (for example 10001) and `runAsNonRoot: true`.",
    failing=example_pod({"securityContext": {"runAsUser": 0}}),
    passing=example_pod({"securityContext": {"runAsUser": 10001, "runAsNonRoot": True}}),
    kinds=POD_TEMPLATES,
)
def run_as_uid_zero(obj: ObjectView) -> Iterator[Violation]:
    for c, user in effective_settings(obj, "runAsUser"):
        if _uid(user.value) != 0:
            continue
        if security_setting(obj, c, "runAsNonRoot").value is True:
            message = f"{label(c)} sets runAsUser 0 and runAsNonRoot: the kubelet will not start it"
        else:
            message = f"{label(c)} runs as root (runAsUser 0)"
        yield Violation(user.path, message)


@object_rule(
    "KL204",
    "writable-root-filesystem",
    Severity.WARNING,
    "security",
    title="Containers should have a read-only root filesystem",
    rationale=(
        "A writable root filesystem lets an attacker drop tools or modify binaries and "
        "configuration inside the running container; read-only roots make the image the only "
        "source of code and keep writes in declared volumes."
    ),
    remediation=(
        "Set `readOnlyRootFilesystem: true` and mount an emptyDir at each path the process "
        "writes (/tmp, caches)."
    ),
    failing=example_pod(),
    passing=example_pod({"securityContext": {"readOnlyRootFilesystem": True}}),
    peers={
        "kube-linter": "no-read-only-root-fs",
        "kube-score": "container-security-context-readonlyrootfilesystem",
        "polaris": "notReadOnlyRootFilesystem",
        "checkov": "CKV_K8S_22",
    },
    default=False,  # hardening profile: fires on ~80% of upstream workloads
)
def writable_root(obj: ObjectView) -> Iterator[Violation]:
    if is_windows(obj):
        return
    for c in obj.containers(init=True):
        value = own_setting(c, "readOnlyRootFilesystem")
        if value is not True:
            where = own_path(c, "readOnlyRootFilesystem") if value is not None else c.path
            yield Violation(where, f"{label(c)} has a writable root filesystem")


DANGEROUS_CAPABILITIES = (
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_MODULE",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "BPF",
    "DAC_READ_SEARCH",
    "SYS_BOOT",
)


options("dangerous-capability", forbidden=DANGEROUS_CAPABILITIES)


@functools.lru_cache(maxsize=64)  # the configured list, the same for every object
def _upper(names: tuple[str, ...]) -> frozenset[str]:
    """Configured names as `capabilities()` spells them: upper case, without CAP_."""
    return frozenset(str(n).upper().removeprefix("CAP_") for n in names)


@object_rule(
    "KL205",
    "dangerous-capability",
    Severity.ERROR,
    "security",
    title="Containers must not add powerful Linux capabilities",
    rationale=(
        "SYS_ADMIN is nearly root (mount, namespaces, BPF); NET_ADMIN rewrites the node's "
        "routing when combined with hostNetwork; SYS_MODULE loads kernel code; SYS_PTRACE "
        "reads other processes' memory; ALL grants all of them."
    ),
    remediation=(
        "Remove the capability from `capabilities.add`, or grant a narrower one. Option "
        "`forbidden`: the capability names to report."
    ),
    failing=example_pod({"securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}),
    passing=example_pod({"securityContext": {"capabilities": {"add": ["NET_BIND_SERVICE"]}}}),
    peers={"polaris": "dangerousCapabilities", "checkov": "CKV_K8S_39"},
    kinds=POD_TEMPLATES,
)
def dangerous_capability(obj: ObjectView) -> Iterator[Violation]:
    """Option `forbidden`: the list of capability names (default above)."""
    names = param(obj, "dangerous-capability", "forbidden")
    for c in obj.containers(ephemeral=True):
        added = capabilities(c, "add")
        if not added:
            continue  # the common case: no set of names needed
        forbidden = _upper(tuple(names))
        for i, cap in added:
            if cap in forbidden:
                yield Violation(capability_path(c, "add", i), f"{label(c)} adds capability {cap}")


@object_rule(
    "KL206",
    "net-raw-not-dropped",
    Severity.WARNING,
    "security",
    title="Containers should drop NET_RAW",
    rationale=(
        "NET_RAW is in the runtime's default set. It allows raw sockets: ARP and DNS spoofing "
        "of neighbours on the pod network, and it has been the entry point of several "
        "container-escape CVEs."
    ),
    remediation="Add `NET_RAW` (or `ALL`) to `securityContext.capabilities.drop`.",
    failing=example_pod(),
    passing=example_pod({"securityContext": {"capabilities": {"drop": ["ALL"]}}}),
    peers={"kube-linter": "drop-net-raw-capability", "checkov": "CKV_K8S_28"},
    default=False,  # hardening profile: fires on ~80% of upstream workloads
)
def net_raw(obj: ObjectView) -> Iterator[Violation]:
    if is_windows(obj):
        return
    for c in obj.containers(init=True):
        if _privileged(c):
            continue  # privileged-container already says more
        added = [i for i, cap in capabilities(c, "add") if cap in ("NET_RAW", "ALL")]
        if added:
            yield Violation(capability_path(c, "add", added[0]), f"{label(c)} adds NET_RAW")
        elif not {cap for _, cap in capabilities(c, "drop")} & {"NET_RAW", "ALL"}:
            yield Violation(c.path, f"{label(c)} keeps the NET_RAW capability")


def _privileged(container: Container) -> bool:
    return own_setting(container, "privileged") is True


@object_rule(
    "KL207",
    "capabilities-not-dropped",
    Severity.INFO,
    "security",
    title="Containers should drop all capabilities",
    rationale=(
        "The Pod Security Standards' restricted profile requires `drop: [ALL]`, adding back "
        "only NET_BIND_SERVICE; the runtime's default set (CHOWN, SETUID, KILL, …) helps an "
        "attacker more than the application."
    ),
    remediation="Set `capabilities.drop: [ALL]` and add back only what the process needs.",
    failing=example_pod({"securityContext": {"capabilities": {"drop": ["NET_RAW"]}}}),
    passing=example_pod({"securityContext": {"capabilities": {"drop": ["ALL"]}}}),
    default=False,
    peers={"checkov": "CKV_K8S_37"},
)
def drop_all(obj: ObjectView) -> Iterator[Violation]:
    if is_windows(obj):
        return
    for c in obj.containers(init=True):
        if "ALL" not in {cap for _, cap in capabilities(c, "drop")} and not _privileged(c):
            yield Violation(c.path, f"{label(c)} does not drop ALL capabilities")


SECCOMP_OK = ("RuntimeDefault", "Localhost")


def _unconfined(obj: ObjectView, field: str, what: str) -> Iterator[Violation]:
    """Profiles of type Unconfined, once per place they are set (a pod-level profile applies
    to every container but is reported once)."""
    reported: set[JsonPath] = set()
    for c, profile in effective_settings(obj, field):
        if not isinstance(profile.value, dict) or profile.value.get("type") != "Unconfined":
            continue
        if profile.path not in reported:
            reported.add(profile.path)
            yield Violation((*profile.path, "type"), f"{label(c)} runs without {what}")


@object_rule(
    "KL208",
    "seccomp-unconfined",
    Severity.ERROR,
    "security",
    title="Seccomp must not be disabled",
    rationale=(
        "`seccompProfile.type: Unconfined` removes the system-call filter, re-opening "
        "hundreds of kernel entry points (keyctl, unshare, bpf) that container escapes use. "
        "The Pod Security Standards' baseline profile forbids it."
    ),
    remediation="Use `seccompProfile.type: RuntimeDefault` (or a Localhost profile).",
    failing=example_pod(spec={"securityContext": {"seccompProfile": {"type": "Unconfined"}}}),
    passing=example_pod(spec={"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}),
    kinds=POD_TEMPLATES,
)
def seccomp_unconfined(obj: ObjectView) -> Iterator[Violation]:
    yield from _unconfined(obj, "seccompProfile", "seccomp")


@object_rule(
    "KL209",
    "seccomp-profile-missing",
    Severity.INFO,
    "security",
    title="Pods should set a seccomp profile",
    rationale=(
        "Unless the kubelet runs with --seccomp-default, a container without a profile runs "
        "Unconfined. The restricted Pod Security Standard requires RuntimeDefault or Localhost."
    ),
    remediation="Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod.",
    failing=example_pod(),
    passing=example_pod(spec={"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}),
    default=False,
    peers={"kube-score": "container-seccomp-profile", "checkov": "CKV_K8S_31"},
)
def seccomp_missing(obj: ObjectView) -> Iterator[Violation]:
    if is_windows(obj):
        return
    for c in obj.containers(ephemeral=True):
        if security_setting(obj, c, "seccompProfile").value is None:
            yield Violation(c.path, f"{label(c)} has no seccomp profile")


@object_rule(
    "KL210",
    "unmasked-proc-mount",
    Severity.ERROR,
    "security",
    title="Containers must not unmask /proc",
    rationale=(
        "`procMount: Unmasked` exposes /proc paths the runtime normally masks "
        "(/proc/kcore, /proc/sys…), which leak host information and allow kernel tuning."
    ),
    remediation="Remove `procMount` or set it to `Default`.",
    failing=example_pod({"securityContext": {"procMount": "Unmasked"}}, {"hostUsers": False}),
    passing=example_pod({"securityContext": {"procMount": "Default"}}),
    peers={"kube-linter": "unsafe-proc-mount", "polaris": "procMount"},
    kinds=POD_TEMPLATES,
)
def unmasked_proc(obj: ObjectView) -> Iterator[Violation]:
    for c in obj.containers(ephemeral=True):
        if own_setting(c, "procMount") == "Unmasked":
            yield Violation(own_path(c, "procMount"), f"{label(c)} mounts /proc unmasked")


@object_rule(
    "KL211",
    "apparmor-unconfined",
    Severity.ERROR,
    "security",
    title="AppArmor must not be disabled",
    rationale=(
        "An Unconfined AppArmor profile removes the runtime's mandatory access control "
        "(mount, ptrace and /proc writes); the baseline Pod Security Standard forbids it."
    ),
    remediation="Use `appArmorProfile.type: RuntimeDefault` or a Localhost profile.",
    failing=example_pod({"securityContext": {"appArmorProfile": {"type": "Unconfined"}}}),
    passing=example_pod({"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}}),
    kinds=POD_TEMPLATES,
)
def apparmor_unconfined(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is None:
        return
    yield from _unconfined(obj, "appArmorProfile", "AppArmor")
    annotations = template.metadata.get("annotations")
    if not annotations or not isinstance(annotations, dict):
        return
    prefix = "container.apparmor.security.beta.kubernetes.io/"
    for key, value in annotations.items():
        if isinstance(key, str) and key.startswith(prefix) and value == "unconfined":
            path = (*template.path, "metadata", "annotations", key)
            yield Violation(path, f'container "{key[len(prefix) :]}" runs without AppArmor')


@object_rule(
    "KL212",
    "windows-host-process",
    Severity.ERROR,
    "security",
    title="Windows containers must not run as HostProcess",
    rationale=(
        "A HostProcess container runs directly on the Windows node with the node's "
        "network and file system: the Windows equivalent of a privileged container."
    ),
    remediation="Remove `windowsOptions.hostProcess: true` unless this is node tooling.",
    failing=example_pod(
        {"securityContext": {"windowsOptions": {"hostProcess": True}}}, {"hostNetwork": True}
    ),
    passing=example_pod({"securityContext": {"windowsOptions": {"runAsUserName": "app"}}}),
    peers={"polaris": "hostProcess"},
    kinds=POD_TEMPLATES,
)
def windows_host_process(obj: ObjectView) -> Iterator[Violation]:
    for c, windows in effective_settings(obj, "windowsOptions"):
        if isinstance(windows.value, dict) and windows.value.get("hostProcess") is True:
            yield Violation((*windows.path, "hostProcess"), f"{label(c)} is a HostProcess")


SELINUX_TYPES = ("container_t", "container_init_t", "container_kvm_t", "container_engine_t")
"""The types the baseline Pod Security Standard allows (container_engine_t since 1.31)."""


@object_rule(
    "KL213",
    "selinux-options-unsafe",
    Severity.ERROR,
    "security",
    title="SELinux options must not grant a custom user, role or type",
    rationale=(
        "A custom SELinux type such as `spc_t` (super-privileged container) or `unconfined_t` "
        "lifts SELinux confinement from the container; setting `user` or `role` can do the "
        "same. The baseline Pod Security Standard forbids both."
    ),
    remediation="Remove `seLinuxOptions.user`/`role`; use a container_* type or leave it unset.",
    failing=example_pod({"securityContext": {"seLinuxOptions": {"type": "spc_t"}}}),
    passing=example_pod({"securityContext": {"seLinuxOptions": {"level": "s0:c123,c456"}}}),
    kinds=POD_TEMPLATES,
)
def selinux_options(obj: ObjectView) -> Iterator[Violation]:
    reported: set[JsonPath] = set()
    for c, selinux in effective_settings(obj, "seLinuxOptions"):
        if not isinstance(selinux.value, dict) or selinux.path in reported:
            continue
        reported.add(selinux.path)
        kind = selinux.value.get("type")
        if kind not in (None, "", *SELINUX_TYPES):
            yield Violation((*selinux.path, "type"), f"{label(c)} runs with SELinux type {kind}")
        for field in ("user", "role"):
            if selinux.value.get(field) not in (None, ""):
                yield Violation((*selinux.path, field), f"{label(c)} sets an SELinux {field}")
