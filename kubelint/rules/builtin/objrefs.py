"""Cross-object reference rules for objects other than pods (KL405–KL419): RBAC bindings,
HorizontalPodAutoscalers, Ingress TLS Secrets and classes, StorageClasses."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.model import Severity
from kubelint.rules.builtin._setindex import defined
from kubelint.rules.context import Context
from kubelint.rules.engine import ObjectView, Violation, set_rule

Found = Iterator[tuple[ObjectView, Violation]]

RBAC = "rbac.authorization.k8s.io"
INGRESSES = (("networking.k8s.io", "Ingress"), ("extensions", "Ingress"))
BUILTIN_CLUSTER_ROLES = frozenset({"cluster-admin", "admin", "edit", "view"})
"""User-facing ClusterRoles the apiserver bootstraps; every `system:` role is built in as well."""
BUILTIN_ROLES = frozenset({("kube-system", "extension-apiserver-authentication-reader")})
"""Namespaced Roles the apiserver bootstraps besides the `system:` ones."""

CERT_MANAGER_SHIM = ("cert-manager.io/issuer", "cert-manager.io/cluster-issuer")
"""Ingress annotations that make cert-manager create the TLS Secrets of the Ingress."""


def _builtin_role(namespace: str, name: str) -> bool:
    return name.startswith("system:") or (namespace, name) in BUILTIN_ROLES


def _builtin_cluster_role(name: str) -> bool:
    return name in BUILTIN_CLUSTER_ROLES or name.startswith("system:")


@set_rule(
    "KL405",
    "missing-role",
    Severity.WARNING,
    "references",
    title="A RoleBinding must refer to a defined Role or ClusterRole",
    rationale="A binding to a role that does not exist grants nothing: the subjects get "
    "`forbidden` errors although the manifests look right. Built-in ClusterRoles "
    "(cluster-admin, admin, edit, view, system:*) and bootstrap Roles (system:*, "
    "kube-system/extension-apiserver-authentication-reader) exist implicitly.",
    remediation="Add the Role/ClusterRole, or fix roleRef (kind and name; roleRef is immutable, "
    "so a wrong binding must be recreated).",
    failing="""\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods, namespace: shop}
subjects:
- {kind: ServiceAccount, name: web, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
""",
    passing="""\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: shop}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods, namespace: shop}
subjects:
- {kind: ServiceAccount, name: web, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: web-view}
subjects:
- {kind: ServiceAccount, name: web, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
""",
    default=True,
)
def missing_role(ctx: Context) -> Found:
    for obj in ctx.of_kind((RBAC, "RoleBinding"), (RBAC, "ClusterRoleBinding")):
        ref = obj.get("roleRef")
        if not isinstance(ref, Mapping) or not isinstance(ref.get("name"), str):
            continue
        kind, name = ref.get("kind"), ref["name"]
        if kind == "Role" and obj.kind == "RoleBinding":
            found = _builtin_role(obj.namespace, name) or ctx.get(RBAC, kind, obj.namespace, name)
            where = f' in namespace "{obj.namespace}"'
        elif kind == "ClusterRole":
            found = _builtin_cluster_role(name) or ctx.get(RBAC, kind, "", name)
            where = ""
        else:
            continue  # an invalid roleRef kind is a validation finding
        if not found:
            yield obj, Violation(("roleRef", "name"), f'{kind} "{name}" is not defined{where}')


@set_rule(
    "KL406",
    "hpa-target-missing",
    Severity.WARNING,
    "references",
    title="A HorizontalPodAutoscaler must target a defined workload",
    rationale="An autoscaler whose scaleTargetRef names nothing reports FailedGetScale and "
    "scales nothing.",
    remediation="Fix scaleTargetRef (kind, name; same namespace as the autoscaler) or add the "
    "workload.",
    failing="""\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
""",
    passing="""\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
""",
    peers={
        "kube-linter": "dangling-horizontalpodautoscaler",
        "kube-score": "horizontalpodautoscaler-has-target",
    },
)
def hpa_target_missing(ctx: Context) -> Found:
    for hpa in ctx.by_kind.get(("autoscaling", "HorizontalPodAutoscaler"), ()):
        ref = hpa.spec.get("scaleTargetRef")
        if not isinstance(ref, Mapping):
            continue
        kind, name = ref.get("kind"), ref.get("name")
        if not (isinstance(kind, str) and isinstance(name, str) and kind and name):
            continue
        if not ctx.named(kind, hpa.namespace, name):
            where = f'in namespace "{hpa.namespace}"'
            yield (
                hpa,
                Violation(
                    ("spec", "scaleTargetRef", "name"), f'{kind} "{name}" is not defined {where}'
                ),
            )


def _tls_secret_made_by_cert_manager(ingress: ObjectView) -> bool:
    notes = ingress.annotations
    return any(notes.get(key) for key in CERT_MANAGER_SHIM) or (
        str(notes.get("kubernetes.io/tls-acme", "")).lower() == "true"
    )


@set_rule(
    "KL407",
    "ingress-tls-secret-missing",
    Severity.WARNING,
    "references",
    title="Ingress TLS Secrets must be defined",
    rationale="Without its Secret the ingress controller serves its default (self-signed) "
    "certificate for the host. Secrets that cert-manager creates (a Certificate in the input, "
    "or the cert-manager.io/issuer annotations) count as defined.",
    remediation="Add the Secret (or a cert-manager Certificate for it), or fix secretName.",
    failing="""\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  tls:
  - {hosts: [shop.example.com], secretName: shop-tls}
  defaultBackend:
    service: {name: web, port: {number: 80}}
""",
    passing="""\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations: {cert-manager.io/cluster-issuer: letsencrypt}
spec:
  tls:
  - {hosts: [shop.example.com], secretName: shop-tls}
  defaultBackend:
    service: {name: web, port: {number: 80}}
""",
    default=False,
)
def ingress_tls_secret_missing(ctx: Context) -> Found:
    for ingress in ctx.of_kind(*INGRESSES):
        tls = ingress.spec.get("tls")
        if not isinstance(tls, list) or _tls_secret_made_by_cert_manager(ingress):
            continue
        for i, entry in enumerate(tls):
            name = entry.get("secretName") if isinstance(entry, Mapping) else None
            if not isinstance(name, str) or not name:
                continue
            if not defined(ctx, "Secret", ingress.namespace, name):
                where = f'in namespace "{ingress.namespace}"'
                yield (
                    ingress,
                    Violation(
                        ("spec", "tls", i, "secretName"),
                        f'TLS Secret "{name}" is not defined {where}',
                    ),
                )


@set_rule(
    "KL408",
    "missing-ingress-class",
    Severity.INFO,
    "references",
    title="spec.ingressClassName should name an IngressClass in the input",
    rationale="An Ingress whose class no controller claims is ignored by every controller. "
    "IngressClasses usually ship with the controller, so this is off by default.",
    remediation="Fix ingressClassName or include the controller's IngressClass.",
    failing="""\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: ngnix
  defaultBackend:
    service: {name: web, port: {number: 80}}
""",
    passing="""\
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: nginx
  defaultBackend:
    service: {name: web, port: {number: 80}}
""",
    default=False,
)
def missing_ingress_class(ctx: Context) -> Found:
    for ingress in ctx.of_kind(*INGRESSES):
        name = ingress.spec.get("ingressClassName")
        if isinstance(name, str) and name and not ctx.named("IngressClass", "", name):
            yield (
                ingress,
                Violation(("spec", "ingressClassName"), f'IngressClass "{name}" is not defined'),
            )


@set_rule(
    "KL409",
    "missing-storage-class",
    Severity.INFO,
    "references",
    title="PersistentVolumeClaims should name a StorageClass in the input",
    rationale="A claim whose StorageClass does not exist stays Pending. StorageClasses usually "
    "belong to the cluster, not to an application, so this is off by default.",
    remediation="Fix storageClassName, include the StorageClass, or omit the field to use the "
    "cluster's default class.",
    failing="""\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec:
  storageClassName: fast-ssd
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
""",
    passing="""\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast-ssd}
provisioner: pd.csi.storage.gke.io
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec:
  storageClassName: fast-ssd
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
""",
    default=False,
)
def missing_storage_class(ctx: Context) -> Found:
    for obj, path, spec in _claim_specs(ctx):
        name = spec.get("storageClassName")
        if isinstance(name, str) and name and not ctx.named("StorageClass", "", name):
            yield (
                obj,
                Violation((*path, "storageClassName"), f'StorageClass "{name}" is not defined'),
            )


def _claim_specs(ctx: Context) -> Iterator[tuple[ObjectView, tuple[str | int, ...], Mapping]]:
    for pvc in ctx.by_kind.get(("", "PersistentVolumeClaim"), ()):
        yield pvc, ("spec",), pvc.spec
    for sts in ctx.by_kind.get(("apps", "StatefulSet"), ()):
        templates = sts.spec.get("volumeClaimTemplates")
        for i, claim in enumerate(templates if isinstance(templates, list) else ()):
            spec = claim.get("spec") if isinstance(claim, Mapping) else None
            if isinstance(spec, Mapping):
                yield sts, ("spec", "volumeClaimTemplates", i, "spec"), spec
