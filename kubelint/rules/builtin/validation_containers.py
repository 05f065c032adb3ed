"""Containers in pod templates as the apiserver validates them: names, ports, probes, env."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.podspec import CONTAINER_LISTS
from kubelint.k8s.validation import invalid, is_int, version_at_least
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._memo import is_dns1123_label, is_env_var_name, is_port_name
from kubelint.rules.builtin._validation import (
    JOBS,
    POD_CONTROLLERS,
    ValidStrings,
    items,
    mapping,
    one_of,
    port_violations,
    unique_name,
    valid_dns1123_label,
    valid_one_of,
    valid_port,
)
from kubelint.rules.engine import POD_TEMPLATES, ObjectView, Violation, object_rule

_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
"""


@object_rule(
    "KL110",
    "invalid-container-name",
    Severity.ERROR,
    "validation",
    title="Container names must be unique DNS-1123 labels",
    rationale="Containers are addressed by name (logs, exec, status); names must be DNS-1123 "
    "labels and unique across init, regular and ephemeral containers of a pod.",
    remediation="Rename the container.",
    failing=_POD + "    - {name: app, image: nginx}\n    - {name: app, image: envoy}\n",
    passing=_POD + "    - {name: app, image: nginx}\n    - {name: proxy, image: envoy}\n",
    kinds=POD_TEMPLATES,
)
def invalid_container_name(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is None:
        return
    spec = template.spec
    for list_name in CONTAINER_LISTS:  # `- null` decodes to a container without a name
        items = spec.get(list_name)
        if items is not None and isinstance(items, list) and None in items:
            for i, item in enumerate(items):
                if item is None:
                    yield Violation((*template.spec_path, list_name, i), "name: Required value")
    seen: set[str] = set()
    for container in obj.containers(ephemeral=True):
        name = container.body.get("name")
        if not isinstance(name, str):
            continue
        if name in seen or not valid_dns1123_label(name):
            yield from unique_name((*container.path, "name"), name, is_dns1123_label, seen)
        else:
            seen.add(name)


@object_rule(
    "KL111",
    "invalid-container-port",
    Severity.ERROR,
    "validation",
    title="Container ports must be in 1-65535 with valid, unique names",
    rationale="containerPort and hostPort are port numbers (1-65535); a port name is an "
    "IANA_SVC_NAME (at most 15 lower-case letters, digits and '-', with a letter) so that "
    "Services can target it, and is unique within the container. A hostPort+protocol may be "
    "used once per pod.",
    remediation="Fix the number or name.",
    failing=_POD + "    - name: app\n      image: nginx\n      ports:\n"
    "        - {name: http_port, containerPort: 80}\n",
    passing=_POD + "    - name: app\n      image: nginx\n      ports:\n"
    "        - {name: http, containerPort: 80}\n",
    kinds=POD_TEMPLATES,
)
def invalid_container_port(obj: ObjectView) -> Iterator[Violation]:
    host_ports: set[str] | None = None  # "protocol/hostIP/port", shared by regular containers
    for container in obj.containers(ephemeral=True):
        ports = container.body.get("ports")
        if not ports or not isinstance(ports, list):
            continue
        names: set[str] = set()
        for i, port in enumerate(ports):
            if not isinstance(port, dict):
                continue
            host = port.get("hostPort")
            if not _valid_port(port, host, names):
                yield from _port((*container.path, "ports", i), port, names)
            if host is not None and host != 0 and is_int(host) and container.kind == "containers":
                key = f"{port.get('protocol') or 'TCP'}/{port.get('hostIP') or ''}/{host}"
                if host_ports is None:
                    host_ports = set()
                if key in host_ports:
                    path = (*container.path, "ports", i, "hostPort")
                    yield Violation(path, f'Duplicate value: "{key}"')
                host_ports.add(key)


def _valid_port(port: Mapping[str, Any], host: Any, names: set[str]) -> bool:
    """True when `_port` would report nothing (the common case); records the port's name."""
    name = port.get("name")
    if isinstance(name, str) and (name in names or not valid_port(name)):
        return False
    if not valid_port(port.get("containerPort"), allow_name=False):
        return False
    if host is not None and is_int(host) and host != 0 and not valid_port(host, allow_name=False):
        return False
    if isinstance(name, str):
        names.add(name)
    return True


def _port(path: JsonPath, port: Mapping[str, Any], names: set[str]) -> Iterator[Violation]:
    name = port.get("name")
    if isinstance(name, str):
        yield from unique_name((*path, "name"), name, is_port_name, names)
    yield from port_violations((*path, "containerPort"), port.get("containerPort"), False)
    host = port.get("hostPort")
    if is_int(host) and host != 0:  # 0 means "no host port"
        yield from port_violations((*path, "hostPort"), host, False)


@object_rule(
    "KL112",
    "duplicate-container-port",
    Severity.WARNING,
    "validation",
    title="A container should not declare the same containerPort and protocol twice",
    rationale="Ports are a list keyed by containerPort+protocol: the apiserver warns about "
    "duplicates, and server-side apply rejects the object (duplicate entries for key).",
    remediation="Remove the duplicate entry (two names for one port are not possible).",
    failing=_POD + "    - name: app\n      image: nginx\n      ports:\n"
    "        - {name: http, containerPort: 80}\n        - {name: web, containerPort: 80}\n",
    passing=_POD + "    - name: app\n      image: nginx\n      ports:\n"
    "        - {name: http, containerPort: 80}\n"
    "        - {name: dns, containerPort: 80, protocol: UDP}\n",
    kinds=POD_TEMPLATES,
)
def duplicate_container_port(obj: ObjectView) -> Iterator[Violation]:
    for container in obj.containers(ephemeral=True):
        ports = container.body.get("ports")
        if not isinstance(ports, list) or len(ports) < 2:
            continue
        seen: dict[tuple[int, str], int] = {}
        for i, port in items(ports):
            number, protocol = port.get("containerPort"), port.get("protocol") or "TCP"
            if not is_int(number) or not isinstance(protocol, str):
                continue
            first = seen.setdefault((number, protocol), i)
            if first != i:
                yield Violation(
                    (*container.path, "ports", i),
                    f"duplicate port definition {number}/{protocol} "
                    f"(already declared at ports[{first}])",
                )


_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_PROBE_COUNTS = (
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
)
_LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")
_HANDLER_SET, _LIFECYCLE_HANDLER_SET = frozenset(_HANDLERS), frozenset(_LIFECYCLE_HANDLERS)
_PROBE_COUNT_SET = frozenset(_PROBE_COUNTS)
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


@object_rule(
    "KL113",
    "invalid-probe",
    Severity.ERROR,
    "validation",
    title="Probes and lifecycle hooks need exactly one handler; liveness/startup "
    "successThreshold must be 1",
    rationale="A probe runs one of exec, httpGet, tcpSocket or grpc; a hook one of exec, "
    "httpGet, tcpSocket or sleep; handler ports are 1-65535 or a port name. Liveness and "
    "startup probes succeed on the first success; delays, periods and thresholds are ≥ 0.",
    remediation="Keep one handler; remove successThreshold from liveness/startup probes.",
    failing=_POD + "    - name: app\n      image: nginx\n      livenessProbe:\n"
    "        httpGet: {path: /healthz, port: 8080}\n        tcpSocket: {port: 8080}\n",
    passing=_POD + "    - name: app\n      image: nginx\n      livenessProbe:\n"
    "        httpGet: {path: /healthz, port: 8080}\n",
    kinds=POD_TEMPLATES,
)
def invalid_probe(obj: ObjectView) -> Iterator[Violation]:
    for container in obj.containers():
        body = container.body
        for kind in _PROBES:
            probe = body.get(kind)
            if isinstance(probe, dict) and not _valid_probe(kind, probe):
                yield from _probe((*container.path, kind), kind, probe)
        lifecycle = body.get("lifecycle")
        if not isinstance(lifecycle, dict):
            continue
        for hook in ("postStart", "preStop"):
            handler = lifecycle.get(hook)
            if isinstance(handler, dict) and not (
                valid_one_of(handler, _LIFECYCLE_HANDLER_SET) and _valid_handler_ports(handler)
            ):
                path = (*container.path, "lifecycle", hook)
                yield from one_of(path, handler, _LIFECYCLE_HANDLERS, "handler type")
                yield from _handler_ports(path, handler)


def _valid_probe(kind: str, probe: Mapping[str, Any]) -> bool:
    """True when `_probe` would report nothing (the common case): one pass over the fields."""
    handlers = 0
    for field, value in probe.items():
        if value is None:
            continue
        if field in _HANDLER_SET:
            handlers += 1
            if (
                field != "exec"
                and isinstance(value, dict)
                and not valid_port(value.get("port"), field != "grpc")
            ):
                return False
        elif field in _PROBE_COUNT_SET and isinstance(value, int):
            if value < 0:
                return False
            liveness = kind != "readinessProbe"  # liveness and startup succeed on the first success
            if field == "successThreshold" and liveness and value != 1 and is_int(value):
                return False
    return handlers == 1


def _probe(path: JsonPath, kind: str, probe: Mapping[str, Any]) -> Iterator[Violation]:
    yield from one_of(path, probe, _HANDLERS, "handler type")
    yield from _handler_ports(path, probe)
    for field in _PROBE_COUNTS:
        value = probe.get(field)
        if is_int(value) and value < 0:
            message = invalid(value, "must be greater than or equal to 0")
            yield Violation((*path, field), message)
    success = probe.get("successThreshold")
    if kind != "readinessProbe" and is_int(success) and success != 1:
        yield Violation((*path, "successThreshold"), invalid(success, "must be 1"))


def _valid_handler_ports(handler: Mapping[str, Any]) -> bool:
    """True when `_handler_ports` would report nothing."""
    for kind in ("httpGet", "tcpSocket", "grpc"):
        action = handler.get(kind)
        if isinstance(action, dict) and not valid_port(action.get("port"), kind != "grpc"):
            return False
    return True


def _handler_ports(path: JsonPath, handler: Mapping[str, Any]) -> Iterator[Violation]:
    for kind in ("httpGet", "tcpSocket", "grpc"):
        port = mapping(handler.get(kind)).get("port")
        yield from port_violations((*path, kind, "port"), port, allow_name=kind != "grpc")


_ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef")
_ENV_SOURCE_SET = frozenset(_ENV_SOURCES)


@object_rule(
    "KL114",
    "invalid-env",
    Severity.ERROR,
    "validation",
    title="Environment variables need valid names and at most one value source",
    rationale="An env entry has a name (printable ASCII without '=' since Kubernetes 1.32; a "
    "C-like identifier before) and either `value` or `valueFrom` with exactly one source. "
    "envFrom prefixes follow the same rules.",
    remediation="Fix the name; keep a single source per variable.",
    failing=_POD + "    - name: app\n      image: nginx\n      env:\n        - name: MODE\n"
    "          value: fast\n          valueFrom:\n"
    "            configMapKeyRef: {name: settings, key: mode}\n",
    passing=_POD + "    - name: app\n      image: nginx\n      env:\n        - name: MODE\n"
    "          valueFrom:\n            configMapKeyRef: {name: settings, key: mode}\n",
    kinds=POD_TEMPLATES,
)
def invalid_env(obj: ObjectView) -> Iterator[Violation]:
    relaxed = _relaxed_env_names(obj.settings.kubernetes_version)
    for container in obj.containers(ephemeral=True):
        body = container.body
        env = body.get("env")
        if env and not _valid_env(env, relaxed):
            yield from _env(container.path, env, relaxed)
        sources = body.get("envFrom")
        if not sources:
            continue
        for i, source in items(sources):
            prefix = source.get("prefix")
            if isinstance(prefix, str) and prefix:
                for problem in is_env_var_name(prefix, relaxed):
                    yield Violation(
                        (*container.path, "envFrom", i, "prefix"), invalid(prefix, problem)
                    )


@functools.lru_cache(maxsize=16)
def _relaxed_env_names(version: str) -> bool:
    return version_at_least(version, 1, 32)


_VALID_ENV_NAMES: dict[bool, ValidStrings] = {  # per `relaxed`
    True: ValidStrings(lambda name: is_env_var_name(name, True)),
    False: ValidStrings(lambda name: is_env_var_name(name, False)),
}


def _valid_env(env: Any, relaxed: bool) -> bool:
    """True when `_env` would report nothing (the common case)."""
    if not isinstance(env, list):
        return True
    valid_name = _VALID_ENV_NAMES[relaxed]
    valid_names = valid_name.seen
    for item in env:
        if not isinstance(item, dict):
            continue
        name = item.get("name")
        if (
            isinstance(name, str)
            and name not in valid_names  # seen valid before: no call needed
            and not valid_name(name)
        ):
            return False
        source = item.get("valueFrom")
        if source is not None and isinstance(source, dict) and not _valid_value_from(item, source):
            return False
    return True


def _env(path: JsonPath, env: Any, relaxed: bool) -> Iterator[Violation]:
    for i, item in items(env):
        name = item.get("name")
        if isinstance(name, str):
            for problem in is_env_var_name(name, relaxed):
                yield Violation((*path, "env", i, "name"), invalid(name, problem))
        yield from _value_from((*path, "env", i), item)


def _valid_value_from(env: Mapping[str, Any], source: Mapping[str, Any]) -> bool:
    """True when `_value_from` would report nothing."""
    value = env.get("value")
    return not (isinstance(value, str) and value) and valid_one_of(source, _ENV_SOURCE_SET)


def _value_from(path: JsonPath, env: Mapping[str, Any]) -> Iterator[Violation]:
    source = env.get("valueFrom")
    if not isinstance(source, dict):
        return
    present = [key for key in _ENV_SOURCES if source.get(key) is not None]
    if not present:
        yield Violation(
            (*path, "valueFrom"),
            "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
            "`secretKeyRef`",
        )
    elif len(present) > 1:
        yield Violation(
            (*path, "valueFrom"),
            f"may not have more than one field specified at a time (found {', '.join(present)})",
        )
    value = env.get("value")
    if isinstance(value, str) and value:
        yield Violation(
            (*path, "valueFrom"), "may not be specified when `value` is not empty", at_key=True
        )


@object_rule(
    "KL115",
    "invalid-restart-policy",
    Severity.ERROR,
    "validation",
    title="restartPolicy must suit the controller",
    rationale="Deployments, ReplicaSets, StatefulSets, DaemonSets and ReplicationControllers "
    "keep pods running, so their template's restartPolicy can only be Always; Jobs and "
    "CronJobs run to completion, so theirs must be OnFailure or Never.",
    remediation="Remove restartPolicy (Always is the default) from long-running workloads; set "
    "OnFailure or Never on Jobs.",
    failing="""\
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      containers: [{name: migrate, image: migrate:1.0}]
""",
    passing="""\
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: migrate:1.0}]
""",
    kinds=POD_CONTROLLERS | JOBS,
)
def invalid_restart_policy(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is None:
        return
    policy = template.spec.get("restartPolicy", "Always")  # the API default
    path = (*template.spec_path, "restartPolicy")
    if (obj.group, obj.kind) in JOBS:
        if policy == "Always":
            at_key = "restartPolicy" not in template.spec
            yield Violation(
                path if not at_key else template.spec_path,
                'Unsupported value: "Always": supported values: "OnFailure", "Never"',
                hint="set restartPolicy: OnFailure or Never",
                at_key=at_key,
            )
    elif isinstance(policy, str) and policy != "Always":
        yield Violation(path, f'Unsupported value: "{policy}": supported values: "Always"')
