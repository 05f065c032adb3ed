"""Cross-object reference rules (KL400–KL419): an object names another one that the input does
not define.

A manifest set is often applied into a cluster that already holds some of what it references
(Secrets made by hand or by an operator, a shared ServiceAccount), so the rules that would be
noisy on such sets are off by default; see docs/cross-object.md for the measured noise.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.model import Severity
from kubelint.rules.builtin._podrefs import PodRef
from kubelint.rules.builtin._setindex import defined, pod_references
from kubelint.rules.context import Context
from kubelint.rules.engine import ObjectView, Violation, set_rule

Found = Iterator[tuple[ObjectView, Violation]]

_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
  - name: web
    image: nginx:1.27
"""


def _missing(ctx: Context, kind: str, rule: str) -> Found:
    for obj, refs in pod_references(ctx):
        for ref in refs:
            if ref.kind != kind or ref.optional:
                continue
            if not defined(ctx, kind, obj.namespace, ref.name):
                yield obj, _violation(obj, ref, rule)


def _violation(obj: ObjectView, ref: PodRef, rule: str) -> Violation:
    hint = (
        f"define the {ref.kind} in this input, or disable {rule} if it is created outside "
        "these manifests"
    )
    if ref.kind in ("ConfigMap", "Secret"):
        hint += "; mark the reference `optional: true` if the pod can start without it"
    return Violation(
        ref.path, f'{ref.kind} "{ref.name}" is not defined in namespace "{obj.namespace}"', hint
    )


@set_rule(
    "KL400",
    "missing-configmap",
    Severity.WARNING,
    "references",
    title="ConfigMaps a pod reads must be defined",
    rationale="A pod that needs a missing ConfigMap (volume, envFrom or env valueFrom) stays in "
    "ContainerCreating or CreateContainerConfigError until it appears.",
    remediation="Add the ConfigMap to the manifests, fix the name, or mark the reference "
    "`optional: true`.",
    failing=_POD
    + """\
    envFrom:
    - configMapRef: {name: web-config}
""",
    passing="""\
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data: {MODE: prod}
---
"""
    + _POD
    + """\
    envFrom:
    - configMapRef: {name: web-config}
    - configMapRef: {name: extra, optional: true}
    volumeMounts:
    - {name: ca, mountPath: /ca}
  volumes:
  - name: ca
    configMap: {name: kube-root-ca.crt}
""",
    default=False,
)
def missing_configmap(ctx: Context) -> Found:
    return _missing(ctx, "ConfigMap", "missing-configmap")


@set_rule(
    "KL401",
    "missing-secret",
    Severity.WARNING,
    "references",
    title="Secrets a pod reads must be defined",
    rationale="A pod that needs a missing Secret (volume, envFrom, env valueFrom, "
    "imagePullSecrets, CSI nodePublishSecretRef) does not start. Secrets created by "
    "cert-manager Certificates, ExternalSecrets and SealedSecrets in the input count as defined.",
    remediation="Add the Secret (or the resource that produces it), fix the name, or mark the "
    "reference `optional: true`.",
    failing=_POD
    + """\
    env:
    - name: PASSWORD
      valueFrom:
        secretKeyRef: {name: db, key: password}
""",
    passing="""\
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web-cert, namespace: shop}
spec:
  secretName: web-tls
  dnsNames: [shop.example.com]
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
---
"""
    + _POD
    + """\
    volumeMounts:
    - {name: tls, mountPath: /tls}
  volumes:
  - name: tls
    secret: {secretName: web-tls}
""",
    default=False,
)
def missing_secret(ctx: Context) -> Found:
    return _missing(ctx, "Secret", "missing-secret")


@set_rule(
    "KL402",
    "missing-service-account",
    Severity.WARNING,
    "references",
    title="The ServiceAccount a pod runs as must be defined",
    rationale="The ServiceAccount admission plugin rejects pods whose ServiceAccount does not "
    "exist, so the controller keeps failing to create them. The `default` ServiceAccount "
    "exists in every namespace.",
    remediation="Add the ServiceAccount to the manifests or fix serviceAccountName.",
    failing=_POD.replace("spec:\n", "spec:\n  serviceAccountName: web\n"),
    passing="""\
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
"""
    + _POD.replace("spec:\n", "spec:\n  serviceAccountName: web\n"),
    default=True,
    peers={"kube-linter": "non-existent-service-account"},
)
def missing_service_account(ctx: Context) -> Found:
    return _missing(ctx, "ServiceAccount", "missing-service-account")


@set_rule(
    "KL403",
    "missing-persistent-volume-claim",
    Severity.WARNING,
    "references",
    title="PersistentVolumeClaims a pod mounts must be defined",
    rationale="A pod whose claim does not exist stays Pending (unbound immediate "
    "PersistentVolumeClaims).",
    remediation="Add the PersistentVolumeClaim, or use a StatefulSet volumeClaimTemplate or an "
    "ephemeral volume so that the claim is created with the pod.",
    failing=_POD
    + """\
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data}
""",
    passing="""\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
"""
    + _POD
    + """\
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data}
""",
    default=False,
)
def missing_pvc(ctx: Context) -> Found:
    return _missing(ctx, "PersistentVolumeClaim", "missing-persistent-volume-claim")


def _data_keys(obj: ObjectView) -> set[str] | None:
    """Keys a ConfigMap/Secret provides, None when they are not known statically."""
    if obj.kind == "Secret" and obj.body.get("type") == "kubernetes.io/service-account-token":
        return None  # the token controller fills these keys in
    fields = ("data", "binaryData") if obj.kind == "ConfigMap" else ("data", "stringData")
    keys: set[str] = set()
    for field in fields:
        value = obj.body.get(field)
        if isinstance(value, Mapping):
            keys.update(str(k) for k in value)
    return keys


def _known_keys(ctx: Context, kind: str, namespace: str, name: str) -> set[str] | None:
    """Keys of the ConfigMap/Secret (of every definition, if it is defined twice); None when
    it is not in the input or its keys are filled in at run time."""
    keys: set[str] = set()
    targets = [o for o in ctx.named(kind, namespace, name) if o.group == ""]
    for target in targets:
        found = _data_keys(target)
        if found is None:
            return None
        keys |= found
    return keys if targets else None


@set_rule(
    "KL404",
    "missing-config-key",
    Severity.WARNING,
    "references",
    title="Keys read from a ConfigMap or Secret must exist in it",
    rationale="The kubelet refuses to start a container whose env valueFrom or volume `items` "
    "names a key the ConfigMap or Secret does not have (CreateContainerConfigError: couldn't "
    "find key). Checked only when the object is in the input.",
    remediation="Fix the key name or add the key to the ConfigMap/Secret; mark the reference "
    "`optional: true` if the key may be absent.",
    failing="""\
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data: {MODE: prod}
---
"""
    + _POD
    + """\
    env:
    - name: LEVEL
      valueFrom:
        configMapKeyRef: {name: web-config, key: LOG_LEVEL}
""",
    passing="""\
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data: {MODE: prod}
---
"""
    + _POD
    + """\
    env:
    - name: MODE
      valueFrom:
        configMapKeyRef: {name: web-config, key: MODE}
""",
)
def missing_config_key(ctx: Context) -> Found:
    for obj, refs in pod_references(ctx):
        for ref in refs:
            if not ref.keys or ref.optional or ref.kind not in ("ConfigMap", "Secret"):
                continue
            keys = _known_keys(ctx, ref.kind, obj.namespace, ref.name)
            if keys is None:
                continue
            for key, path in ref.keys:
                if key not in keys:
                    have = ", ".join(sorted(keys)) or "no keys"
                    yield (
                        obj,
                        Violation(
                            path, f'{ref.kind} "{ref.name}" has no key "{key}" (it has: {have})'
                        ),
                    )
