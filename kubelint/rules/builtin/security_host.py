"""Security rules about what a pod shares with its node (KL220–KL239): host namespaces,
hostPath volumes, host ports, sysctls."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from kubelint.k8s.podspec import Container, PodTemplate
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._pod import example_pod, label, options, param
from kubelint.rules.engine import POD_TEMPLATES, ObjectView, Violation, object_rule


def _host_namespace(obj: ObjectView, field: str, what: str) -> Iterable[Violation]:
    template = obj.template
    if template is not None and template.spec.get(field) is True:
        return (Violation((*template.spec_path, field), f"pod shares the host's {what}"),)
    return ()


@object_rule(
    "KL220",
    "host-network",
    Severity.WARNING,
    "security",
    title="Pods should not use the host's network namespace",
    rationale=(
        "With hostNetwork a pod binds the node's interfaces and reaches every service on "
        "the node's loopback (kubelet, etcd on control planes); NetworkPolicies no longer "
        "apply to it and its ports collide with other pods on the node."
    ),
    remediation="Remove `hostNetwork: true`; expose the pod through a Service instead.",
    failing=example_pod(spec={"hostNetwork": True, "dnsPolicy": "ClusterFirstWithHostNet"}),
    passing=example_pod(spec={"hostNetwork": False}),
    peers={"kube-linter": "host-network", "polaris": "hostNetworkSet", "checkov": "CKV_K8S_19"},
    kinds=POD_TEMPLATES,
)
def host_network(obj: ObjectView) -> Iterable[Violation]:
    return _host_namespace(obj, "hostNetwork", "network namespace")


@object_rule(
    "KL221",
    "host-pid",
    Severity.ERROR,
    "security",
    title="Pods must not use the host's process namespace",
    rationale=(
        "With hostPID a pod sees every process on the node, can signal them and, as root, "
        "read their environment and memory through /proc — including other pods' secrets."
    ),
    remediation="Remove `hostPID: true`.",
    failing=example_pod(spec={"hostPID": True}),
    passing=example_pod(spec={"hostPID": False}),
    peers={"kube-linter": "host-pid", "polaris": "hostPIDSet", "checkov": "CKV_K8S_17"},
    kinds=POD_TEMPLATES,
)
def host_pid(obj: ObjectView) -> Iterable[Violation]:
    return _host_namespace(obj, "hostPID", "process namespace")


@object_rule(
    "KL222",
    "host-ipc",
    Severity.ERROR,
    "security",
    title="Pods must not use the host's IPC namespace",
    rationale=(
        "With hostIPC a pod can read and write the shared memory segments and message "
        "queues of every process on the node."
    ),
    remediation="Remove `hostIPC: true`.",
    failing=example_pod(spec={"hostIPC": True}),
    passing=example_pod(spec={"hostIPC": False}),
    peers={"kube-linter": "host-ipc", "polaris": "hostIPCSet", "checkov": "CKV_K8S_18"},
    kinds=POD_TEMPLATES,
)
def host_ipc(obj: ObjectView) -> Iterable[Violation]:
    return _host_namespace(obj, "hostIPC", "IPC namespace")


def host_paths(template: PodTemplate) -> Iterator[tuple[JsonPath, str, str]]:
    """(path to hostPath.path, volume name, normalised host path) for each hostPath volume."""
    volumes = template.spec.get("volumes")
    if not volumes or not isinstance(volumes, list):
        return
    for i, volume in enumerate(volumes):
        host = volume.get("hostPath") if isinstance(volume, dict) else None
        path = host.get("path") if isinstance(host, dict) else None
        if isinstance(path, str) and path:
            where = (*template.spec_path, "volumes", i, "hostPath", "path")
            yield where, str(volume.get("name", "")), normal_path(path)


def normal_path(path: str) -> str:
    """/var/run/../run/ → /var/run (absolute paths only; // stays /)."""
    normal = posixpath.normpath(path) if path.startswith("/") else path
    return "/" if normal == "//" else normal


@functools.lru_cache(maxsize=64)  # the configured list, the same for every object
def _normal_paths(paths: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normal_path(str(p)) for p in paths if str(p))


@object_rule(
    "KL223",
    "host-path-volume",
    Severity.INFO,
    "security",
    title="Pods should not mount hostPath volumes",
    rationale=(
        "A hostPath volume ties the pod to one node's file system and gives it whatever "
        "that directory holds; node agents need it, applications should use "
        "PersistentVolumeClaims, ConfigMaps or emptyDir."
    ),
    remediation="Replace the hostPath volume by a PersistentVolumeClaim or an emptyDir.",
    failing=example_pod(spec={"volumes": [{"name": "data", "hostPath": {"path": "/srv/data"}}]}),
    passing=example_pod(spec={"volumes": [{"name": "data", "emptyDir": {}}]}),
    default=False,
    peers={"polaris": "hostPathSet"},
)
def host_path_volume(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    for where, name, path in host_paths(template) if template is not None else ():
        yield Violation(where, f'volume "{name}" mounts host path {path}')


RUNTIME_SOCKETS = ("docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "podman.sock")


@object_rule(
    "KL224",
    "container-runtime-socket",
    Severity.ERROR,
    "security",
    title="Pods must not mount the container runtime's socket",
    rationale=(
        "Whoever talks to docker.sock or containerd.sock can start a privileged container "
        "on the node: mounting the socket is root on the node, whatever the pod's "
        "securityContext says."
    ),
    remediation="Remove the volume; build images with a daemonless builder (kaniko, buildah).",
    failing=example_pod(
        spec={"volumes": [{"name": "docker", "hostPath": {"path": "/var/run/docker.sock"}}]}
    ),
    passing=example_pod(spec={"volumes": [{"name": "cache", "emptyDir": {}}]}),
    peers={"kube-linter": "docker-sock", "checkov": "CKV_K8S_27"},
    kinds=POD_TEMPLATES,
)
def runtime_socket(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is None or not template.spec.get("volumes"):
        return  # the common case, without starting host_paths
    for where, name, path in host_paths(template):
        if path.endswith(RUNTIME_SOCKETS):
            yield Violation(where, f'volume "{name}" mounts the runtime socket {path}')


SENSITIVE_HOST_PATHS = (
    "/",
    "/boot",
    "/dev",
    "/etc",
    "/etc/kubernetes",
    "/lib",
    "/proc",
    "/root",
    "/run",
    "/sys",
    "/usr",
    "/var/lib/containerd",
    "/var/lib/docker",
    "/var/lib/kubelet",
    "/var/run",
)


options("sensitive-host-path", paths=SENSITIVE_HOST_PATHS)


@object_rule(
    "KL225",
    "sensitive-host-path",
    Severity.ERROR,
    "security",
    title="Pods must not mount sensitive host directories",
    rationale=(
        "The node's /, /etc, /proc, /sys, /dev, /var/lib/kubelet and runtime directories "
        "hold credentials (kubelet certificates, service account tokens of every pod), "
        "kernel interfaces and every runtime socket: mounting one is a node takeover."
    ),
    remediation=(
        "Mount the narrowest subdirectory the agent needs, read-only. Option `paths`: the "
        "directories to report (exact match after normalisation)."
    ),
    failing=example_pod(spec={"volumes": [{"name": "etc", "hostPath": {"path": "/etc"}}]}),
    passing=example_pod(
        spec={"volumes": [{"name": "certs", "hostPath": {"path": "/etc/ssl/certs"}}]}
    ),
    peers={"kube-linter": "sensitive-host-mounts"},
    kinds=POD_TEMPLATES,
)
def sensitive_host_path(obj: ObjectView) -> Iterator[Violation]:
    """Option `paths`: the directories (exact matches after normalisation)."""
    paths = param(obj, "sensitive-host-path", "paths")
    template = obj.template
    if template is None or not template.spec.get("volumes"):
        return  # the common case: no set of paths needed
    sensitive = _normal_paths(tuple(paths))
    for where, name, path in host_paths(template):
        if path in sensitive:
            yield Violation(where, f'volume "{name}" mounts the host directory {path}')


@object_rule(
    "KL226",
    "writable-host-mount",
    Severity.WARNING,
    "security",
    title="hostPath volumes should be mounted read-only",
    rationale=(
        "A writable host mount lets the container change files the node and other pods "
        "read: plant binaries, rewrite configuration, fill the node's disk."
    ),
    remediation="Set `readOnly: true` on the volumeMount.",
    failing=example_pod(
        {"volumeMounts": [{"name": "logs", "mountPath": "/logs"}]},
        {"volumes": [{"name": "logs", "hostPath": {"path": "/var/log"}}]},
    ),
    passing=example_pod(
        {"volumeMounts": [{"name": "logs", "mountPath": "/logs", "readOnly": True}]},
        {"volumes": [{"name": "logs", "hostPath": {"path": "/var/log"}}]},
    ),
    default=False,
    peers={"kube-linter": "writable-host-mount"},
)
def writable_host_mount(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is None:
        return
    host = {name: path for _, name, path in host_paths(template)}
    for c in obj.containers(ephemeral=True):
        mounts = c.body.get("volumeMounts")
        for i, mount in enumerate(mounts if isinstance(mounts, list) else ()):
            name = mount.get("name") if isinstance(mount, Mapping) else None
            if not isinstance(name, str) or name not in host:
                continue
            if mount.get("readOnly") is not True:
                path = host[mount["name"]]
                yield Violation(
                    (*c.path, "volumeMounts", i), f"{label(c)} mounts host path {path} writable"
                )


def _ports(obj: ObjectView) -> Iterator[tuple[Container, int, Mapping[str, Any]]]:
    """(container, index, port) of every port; rules build the path when they report."""
    for c in obj.containers():
        ports = c.body.get("ports")
        if ports and isinstance(ports, list):
            for i, port in enumerate(ports):
                if isinstance(port, dict):
                    yield c, i, port


def _host_network(obj: ObjectView) -> bool:
    template = obj.template
    return template is not None and template.spec.get("hostNetwork") is True


def _port_path(c: Container, index: int, field: str) -> JsonPath:
    return (*c.path, "ports", index, field)


@object_rule(
    "KL227",
    "host-port",
    Severity.WARNING,
    "security",
    title="Containers should not use hostPort",
    rationale=(
        "A hostPort opens the port on the node's address, bypassing Services and, with "
        "many CNI plugins, NetworkPolicies; it also limits the workload to one pod per node "
        "and leaves later replicas Pending."
    ),
    remediation="Remove `hostPort` and expose the pod through a Service.",
    failing=example_pod({"ports": [{"containerPort": 8080, "hostPort": 8080}]}),
    passing=example_pod({"ports": [{"containerPort": 8080}]}),
    peers={"polaris": "hostPortSet", "checkov": "CKV_K8S_26"},
    kinds=POD_TEMPLATES,
)
def host_port(obj: ObjectView) -> Iterator[Violation]:
    for c, i, port in _ports(obj):
        value = port.get("hostPort")
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            if _host_network(obj):
                return  # with hostNetwork every port is a host port: host-network reports it
            yield Violation(_port_path(c, i, "hostPort"), f"{label(c)} binds host port {value}")


@object_rule(
    "KL228",
    "ssh-port",
    Severity.WARNING,
    "security",
    title="Containers should not expose SSH",
    rationale=(
        "Port 22 means an SSH server in the container: a second way in that bypasses "
        "Kubernetes authentication and audit (use `kubectl exec` / `kubectl debug`)."
    ),
    remediation="Remove the SSH server and port 22; debug with `kubectl exec`.",
    failing=example_pod({"ports": [{"containerPort": 22}]}),
    passing=example_pod({"ports": [{"containerPort": 8080}]}),
    peers={"kube-linter": "ssh-port"},
    kinds=POD_TEMPLATES,
)
def ssh_port(obj: ObjectView) -> Iterator[Violation]:
    for c, i, port in _ports(obj):
        if port.get("containerPort") == 22 and port.get("protocol", "TCP") == "TCP":
            path = _port_path(c, i, "containerPort")
            yield Violation(path, f"{label(c)} exposes SSH port 22")


@object_rule(
    "KL229",
    "privileged-port",
    Severity.INFO,
    "security",
    title="Containers should listen on unprivileged ports",
    rationale=(
        "Binding a port below 1024 needs root or NET_BIND_SERVICE inside the container; "
        "listening on 8080 and mapping 80 in the Service lets the process run unprivileged."
    ),
    remediation="Listen on a port ≥ 1024 and map it with the Service's `port`.",
    failing=example_pod({"ports": [{"containerPort": 80}]}),
    passing=example_pod({"ports": [{"containerPort": 8080}]}),
    default=False,
    peers={"kube-linter": "privileged-ports"},
)
def privileged_port(obj: ObjectView) -> Iterator[Violation]:
    for c, i, port in _ports(obj):
        value = port.get("containerPort")
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 1024:
            path = _port_path(c, i, "containerPort")
            yield Violation(path, f"{label(c)} listens on port {value}")


SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    }
)
"""The Pod Security Standards' baseline allow-list (Kubernetes 1.29+)."""


@object_rule(
    "KL230",
    "unsafe-sysctl",
    Severity.WARNING,
    "security",
    title="Pods should only set safe sysctls",
    rationale=(
        "Sysctls outside the safe set affect other pods on the node or the node itself; "
        "the kubelet rejects such pods (SysctlForbidden) unless started with "
        "--allowed-unsafe-sysctls, so they either fail or weaken isolation."
    ),
    remediation="Drop the sysctl, or tune it on the nodes that need it.",
    failing=example_pod(
        spec={"securityContext": {"sysctls": [{"name": "net.core.somaxconn", "value": "1024"}]}}
    ),
    passing=example_pod(
        spec={"securityContext": {"sysctls": [{"name": "net.ipv4.tcp_syncookies", "value": "1"}]}}
    ),
    peers={"kube-linter": "unsafe-sysctls"},
    kinds=POD_TEMPLATES,
)
def unsafe_sysctl(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    context = template.spec.get("securityContext") if template is not None else None
    sysctls = context.get("sysctls") if isinstance(context, dict) else None
    for i, item in enumerate(sysctls if isinstance(sysctls, list) else ()):
        name = item.get("name") if isinstance(item, Mapping) else None
        if isinstance(name, str) and name.replace("/", ".") not in SAFE_SYSCTLS:
            path = (*template.spec_path, "securityContext", "sysctls", i, "name")
            yield Violation(path, f"sysctl {name} is not in the safe set")


@object_rule(
    "KL231",
    "shared-process-namespace",
    Severity.INFO,
    "security",
    title="Containers of a pod should not share one process namespace",
    rationale=(
        "With shareProcessNamespace every container sees the others' processes and, "
        "through /proc/<pid>/root, their file systems and secrets."
    ),
    remediation="Remove `shareProcessNamespace: true` unless a sidecar really needs it.",
    failing=example_pod(spec={"shareProcessNamespace": True}),
    passing=example_pod(spec={"shareProcessNamespace": False}),
    default=False,
)
def shared_process_namespace(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is not None and template.spec.get("shareProcessNamespace") is True:
        path = (*template.spec_path, "shareProcessNamespace")
        yield Violation(path, "containers share one process namespace")
