"""Defaults the apiserver fills into pod specs, containers, probes and volumes (core/v1).

Each function mutates a freshly copied object in place and tolerates malformed input (wrong
types are left alone: schema validation reports them). Sources, in
kubernetes/pkg/apis/core/v1/defaults.go: SetDefaults_PodSpec, SetDefaults_Pod,
SetDefaults_Container, SetDefaults_Probe, SetDefaults_HTTPGetAction, SetDefaults_Volume and the
volume-source functions, SetDefaults_ObjectFieldSelector, and the `+default=` markers of
k8s.io/api/core/v1 (ContainerPort.protocol, rbd/iscsi/azureDisk/scaleIO fields).
"""

from __future__ import annotations

from typing import Any

from kubelint.model import dicts

DEFAULT_MODE = 420  # 0644: secret, configMap, downwardAPI and projected volumes
_CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_PROBE_DEFAULTS = (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1),
                   ("failureThreshold", 3))  # fmt: skip
# `+default=` markers on in-tree volume sources of k8s.io/api/core/v1
_VOLUME_MARKERS: dict[str, tuple[tuple[str, Any], ...]] = {
    "rbd": (("pool", "rbd"), ("user", "admin"), ("keyring", "/etc/ceph/keyring")),
    "iscsi": (("iscsiInterface", "default"),),
    "azureDisk": (("cachingMode", "ReadWrite"), ("fsType", "ext4"), ("readOnly", False),
                  ("kind", "Shared")),
    "scaleIO": (("storageMode", "ThinProvisioned"), ("fsType", "xfs")),
}  # fmt: skip


def unset(value: Any, zero: Any = None) -> bool:
    """Go's "not set": absent/null, or the zero value of a non-pointer field ("" or 0)."""
    if value is None:
        return True
    return zero is not None and type(value) is type(zero) and value == zero


def fill(node: Any, key: str, value: Any, zero: Any = None) -> None:
    """Set node[key] = value when node is a mapping and the field is unset."""
    if isinstance(node, dict) and unset(node.get(key), zero):
        node[key] = value


def pod_spec(spec: Any) -> None:
    """SetDefaults_PodSpec and everything nested in a pod spec (templates and pods alike)."""
    if not isinstance(spec, dict):
        return
    fill(spec, "dnsPolicy", "ClusterFirst", "")
    fill(spec, "restartPolicy", "Always", "")
    fill(spec, "securityContext", {})
    fill(spec, "terminationGracePeriodSeconds", 30)
    fill(spec, "schedulerName", "default-scheduler", "")
    for key in _CONTAINER_LISTS:
        for container in dicts(spec.get(key)):
            _container(container)
    for volume in dicts(spec.get("volumes")):
        _volume(volume)


def pod(body: dict[str, Any]) -> None:
    """SetDefaults_Pod: only for Pod objects, not for templates."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return
    pod_spec(spec)
    for key in ("containers", "initContainers"):
        for container in dicts(spec.get(key)):
            _requests_from_limits(container)
    fill(spec, "enableServiceLinks", True)
    if spec.get("hostNetwork") is True:
        for key in ("containers", "initContainers"):
            for container in dicts(spec.get(key)):
                for port in dicts(container.get("ports")):
                    fill(port, "hostPort", port.get("containerPort"), 0)


def _requests_from_limits(container: dict[str, Any]) -> None:
    resources = container.get("resources")
    if not isinstance(resources, dict) or not isinstance(resources.get("limits"), dict):
        return
    requests = resources.get("requests")
    if requests is None:
        requests = resources["requests"] = {}
    if isinstance(requests, dict):
        for name, quantity in resources["limits"].items():
            requests.setdefault(name, quantity)


def pull_policy(image: Any) -> str:
    """Always for `:latest` or an untagged, undigested image; IfNotPresent otherwise."""
    if not isinstance(image, str):
        return "IfNotPresent"
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.partition(":")[2]
    if not tag and not digest:
        tag = "latest"  # ParseImageName's default tag
    return "Always" if tag == "latest" else "IfNotPresent"


def _container(container: dict[str, Any]) -> None:
    fill(container, "imagePullPolicy", pull_policy(container.get("image")), "")
    fill(container, "terminationMessagePath", "/dev/termination-log", "")
    fill(container, "terminationMessagePolicy", "File", "")
    fill(container, "resources", {})  # a non-pointer struct: always serialized
    for port in dicts(container.get("ports")):
        fill(port, "protocol", "TCP", "")
    for probe in _PROBES:
        if isinstance(container.get(probe), dict):
            handler = container[probe]
            for key, value in _PROBE_DEFAULTS:
                fill(handler, key, value, 0)
            _handler(handler)
            if isinstance(handler.get("grpc"), dict):
                fill(handler["grpc"], "service", "")
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            _handler(lifecycle.get(hook))
    for env in dicts(container.get("env")):
        value_from = env.get("valueFrom")
        if isinstance(value_from, dict):
            field_selector(value_from.get("fieldRef"))


def _handler(handler: Any) -> None:
    """SetDefaults_HTTPGetAction on a probe or lifecycle handler."""
    if isinstance(handler, dict) and isinstance(handler.get("httpGet"), dict):
        fill(handler["httpGet"], "path", "/", "")
        fill(handler["httpGet"], "scheme", "HTTP", "")


def field_selector(selector: Any) -> None:
    fill(selector, "apiVersion", "v1", "")


def _volume(volume: dict[str, Any]) -> None:
    if all(key == "name" or value is None for key, value in volume.items()):
        volume["emptyDir"] = {}  # a volume with no source is an emptyDir
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        fill(volume.get(key), "defaultMode", DEFAULT_MODE)
    fill(volume.get("hostPath"), "type", "", "")
    for item in dicts((volume.get("downwardAPI") or {}).get("items")):
        field_selector(item.get("fieldRef"))
    projected = volume.get("projected")
    if isinstance(projected, dict):
        for source in dicts(projected.get("sources")):
            fill(source.get("serviceAccountToken"), "expirationSeconds", 3600)
            for item in dicts((source.get("downwardAPI") or {}).get("items")):
                field_selector(item.get("fieldRef"))
    ephemeral = volume.get("ephemeral")
    if isinstance(ephemeral, dict) and isinstance(ephemeral.get("volumeClaimTemplate"), dict):
        claim_spec(ephemeral["volumeClaimTemplate"].get("spec"))
    for key, defaults in _VOLUME_MARKERS.items():
        for field, value in defaults:
            fill(volume.get(key), field, value, "" if isinstance(value, str) else None)


def claim_spec(spec: Any) -> None:
    """SetDefaults_PersistentVolumeClaimSpec."""
    fill(spec, "volumeMode", "Filesystem", "")
