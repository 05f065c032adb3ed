"""Security rules about credentials and provenance (KL240–KL249): secrets in environment
variables, service account tokens, image registries."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.podspec import Container
from kubelint.model import Severity
from kubelint.rules.builtin._pod import (
    example_pod,
    images,
    label,
    options,
    param,
    parse_image,
)
from kubelint.rules.engine import POD_TEMPLATES, ObjectView, Violation, object_rule

SECRET_NAME = re.compile(
    r"(PASSW(OR)?D|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH_?KEY)"
)
NOT_A_SECRET = re.compile(
    r"_(FILE|PATH|DIR|NAME|REF|URL|URI|ENDPOINT|HEADER|TYPE|ID|ENABLED|LENGTH|TTL|EXPIRY|"
    r"TIMEOUT|AUDIENCE|SECONDS|MINUTES|HOURS|KEY_?ID|LOCATION|MOUNT|SIZE)$"
)
"""Names that hold a reference to a secret (…_PASSWORD_FILE, …_TOKEN_URL), not a secret."""


def env_vars(obj: ObjectView) -> Iterator[tuple[Container, int, Mapping[str, Any]]]:
    """(container, index, variable) of every `env` entry; rules build paths when they report."""
    for c in obj.containers(ephemeral=True):
        env = c.body.get("env")
        if env and isinstance(env, list):
            for i, var in enumerate(env):
                if isinstance(var, dict):
                    yield c, i, var


@functools.lru_cache(maxsize=8192)  # variable names repeat across workloads
def secret_name(name: str) -> bool:
    """A variable name that says it holds a credential (not a reference to one)."""
    upper = name.upper().replace("-", "_").replace(".", "_")
    return bool(SECRET_NAME.search(upper)) and not NOT_A_SECRET.search(upper)


def looks_like_secret(name: str, value: Any) -> bool:
    """A literal value in a variable whose name says it holds a credential."""
    if not secret_name(name) or not isinstance(value, str) or not value.strip():
        return False
    text = value.strip()
    reference = re.fullmatch(r"\$\([A-Za-z_][A-Za-z0-9_]*\)", text)  # $(OTHER_VAR)
    flag = text.lower() in ("true", "false", "yes", "no", "on", "off", "0", "1")
    return not (reference or flag or text.startswith("/"))


@object_rule(
    "KL240",
    "secret-in-env",
    Severity.ERROR,
    "security",
    title="Credentials must not be written into manifests",
    rationale=(
        "A literal password or token in `env` is stored in Git, in the object (readable by "
        "anyone who can get the Deployment) and in `kubectl describe` output; it cannot be "
        "rotated without a new rollout."
    ),
    remediation=(
        "Put the value in a Secret and use `valueFrom.secretKeyRef` (or mount the Secret)."
    ),
    failing=example_pod({"env": [{"name": "DB_PASSWORD", "value": "hunter2"}]}),
    passing=example_pod(
        {
            "env": [
                {
                    "name": "DB_PASSWORD",
                    "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}},
                },
                {"name": "DB_PASSWORD_FILE", "value": "/run/secrets/db"},
            ]
        }
    ),
    peers={"kube-linter": "env-var-secret", "polaris": "sensitiveContainerEnvVar"},
    kinds=POD_TEMPLATES,
)
def secret_in_env(obj: ObjectView) -> Iterator[Violation]:
    for c, i, var in env_vars(obj):
        value = var.get("value")
        if value is None:
            continue  # the common valueFrom or empty variable
        name = var.get("name")
        if isinstance(name, str) and looks_like_secret(name, value):
            yield Violation(
                (*c.path, "env", i, "value"),
                f"{label(c)} sets {name} to a literal value",
                hint="use valueFrom.secretKeyRef",
            )


@object_rule(
    "KL241",
    "secret-as-env",
    Severity.INFO,
    "security",
    title="Prefer mounting Secrets as files over environment variables",
    rationale=(
        "Environment variables leak: they are inherited by child processes, dumped in crash "
        "reports and visible in /proc/<pid>/environ; a mounted Secret also updates in place."
    ),
    remediation="Mount the Secret as a volume and read the file.",
    failing=example_pod(
        {
            "env": [
                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}
            ]
        }
    ),
    passing=example_pod(
        {"volumeMounts": [{"name": "db", "mountPath": "/run/secrets/db", "readOnly": True}]},
        {"volumes": [{"name": "db", "secret": {"secretName": "db"}}]},
    ),
    default=False,
    peers={"kube-linter": "read-secret-from-env-var", "checkov": "CKV_K8S_35"},
)
def secret_as_env(obj: ObjectView) -> Iterator[Violation]:
    for c, i, var in env_vars(obj):
        source = var.get("valueFrom")
        if isinstance(source, Mapping) and isinstance(source.get("secretKeyRef"), Mapping):
            yield Violation(
                (*c.path, "env", i, "valueFrom"),
                f"{label(c)} reads a Secret into {var.get('name')}",
            )
    for c in obj.containers(ephemeral=True):
        sources = c.body.get("envFrom")
        for i, item in enumerate(sources if isinstance(sources, list) else ()):
            if isinstance(item, Mapping) and isinstance(item.get("secretRef"), Mapping):
                yield Violation(
                    (*c.path, "envFrom", i), f"{label(c)} reads a whole Secret into env"
                )


@object_rule(
    "KL242",
    "service-account-token-mounted",
    Severity.INFO,
    "security",
    title="Pods that do not call the API should not mount a token",
    rationale=(
        "Every pod gets its service account's API token unless automounting is disabled; "
        "a compromised pod then acts with that account's RBAC permissions."
    ),
    remediation=(
        "Set `automountServiceAccountToken: false` in the pod spec (or on its "
        "ServiceAccount) when the application does not talk to the Kubernetes API."
    ),
    failing=example_pod(),
    passing=example_pod(spec={"automountServiceAccountToken": False}),
    default=False,
    peers={"polaris": "automountServiceAccountToken", "checkov": "CKV_K8S_38"},
)
def token_automount(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is not None and template.spec.get("automountServiceAccountToken") is not False:
        value = template.spec.get("automountServiceAccountToken")
        path = (
            (*template.spec_path, "automountServiceAccountToken") if value else template.spec_path
        )
        yield Violation(path, "pod mounts a service account token", at_key=value is None)


@object_rule(
    "KL243",
    "default-service-account",
    Severity.INFO,
    "security",
    title="Pods should run under a dedicated service account",
    rationale=(
        "Permissions granted to a namespace's `default` service account reach every pod that "
        "does not name another; a dedicated account keeps each workload's RBAC separate."
    ),
    remediation="Create a ServiceAccount for the workload and set `serviceAccountName`.",
    failing=example_pod(),
    passing=example_pod(spec={"serviceAccountName": "web"}),
    default=False,
    peers={"kube-linter": "default-service-account"},
)
def default_service_account(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is None:
        return
    name = template.spec.get("serviceAccountName") or template.spec.get("serviceAccount")
    if name in (None, "", "default"):
        field = "serviceAccountName" if name else None
        path = (*template.spec_path, field) if field else template.spec_path
        yield Violation(path, "pod runs as the namespace's default service account")


options("image-registry", allowed=())


@object_rule(
    "KL244",
    "image-registry",
    Severity.INFO,
    "security",
    title="Images should come from an allowed registry",
    rationale=(
        "An image without a registry host is resolved by the runtime (docker.io for "
        "containerd, a configurable search list for CRI-O): the same manifest can pull "
        "different code on different nodes. With an allow-list, images from other "
        "registries are reported."
    ),
    remediation=(
        "Write the registry host explicitly (docker.io/library/nginx:1.27) and mirror "
        "images into an allowed registry. Option `allowed`: registry prefixes "
        "(`ghcr.io/acme`); without it, images that name no registry are reported."
    ),
    failing=example_pod({"image": "nginx:1.27"}),
    passing=example_pod({"image": "docker.io/library/nginx:1.27"}),
    default=False,
)
def image_registry(obj: ObjectView) -> Iterator[Violation]:
    """Option `allowed`: registry prefixes (`registry.example.com`, `ghcr.io/acme/`). Without
    it, images that do not name a registry host are reported."""
    allowed = param(obj, "image-registry", "allowed")
    for c, image in images(obj):
        path = (*c.path, "image")
        if not allowed:
            if not parse_image(image).registry:
                yield Violation(path, f"{label(c)} image {image} does not name a registry")
        elif not any(image.startswith(p if p.endswith("/") else p + "/") for p in allowed):
            yield Violation(path, f"{label(c)} image {image} is not from an allowed registry")
