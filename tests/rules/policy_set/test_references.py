"""References from pods and other objects to objects the input does not define."""

from __future__ import annotations

from tests.rules.policy_set.harness import lint, messages

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
%s  containers:
  - name: web
    image: nginx:1.27
%s"""


def pod(spec: str = "", container: str = "") -> str:
    return POD % (spec, container)


def test_every_pod_reference_shape_is_found() -> None:
    text = pod(
        spec="""\
  imagePullSecrets: [{name: registry}]
  volumes:
  - {name: a, configMap: {name: cm-volume}}
  - {name: b, secret: {secretName: secret-volume}}
  - {name: c, persistentVolumeClaim: {claimName: data}}
  - {name: d, csi: {driver: x, nodePublishSecretRef: {name: csi-secret}}}
  - name: e
    projected:
      sources:
      - configMap: {name: cm-projected}
      - secret: {name: secret-projected}
      - serviceAccountToken: {path: token}
""",
        container="""\
    envFrom:
    - configMapRef: {name: cm-envfrom}
    - secretRef: {name: secret-envfrom}
    env:
    - name: A
      valueFrom: {configMapKeyRef: {name: cm-env, key: a}}
    - name: B
      valueFrom: {secretKeyRef: {name: secret-env, key: b}}
""",
    )
    names = ("missing-configmap", "missing-secret", "missing-persistent-volume-claim")
    found = lint(text, *names)
    assert sorted(m.split('"')[1] for m in messages(found)) == sorted(
        [
            "cm-volume",
            "cm-projected",
            "cm-envfrom",
            "cm-env",
            "registry",
            "secret-volume",
            "csi-secret",
            "secret-projected",
            "secret-envfrom",
            "secret-env",
            "data",
        ]
    )
    paths = {f.path_text for f in found if "registry" in f.message}
    assert paths == {"spec.imagePullSecrets[0].name"}


def test_optional_and_implicit_references_are_not_reported() -> None:
    text = pod(
        spec="""\
  serviceAccountName: default
  volumes:
  - {name: ca, configMap: {name: kube-root-ca.crt}}
  - {name: s, secret: {secretName: maybe, optional: true}}
""",
        container="""\
    envFrom: [{configMapRef: {name: maybe, optional: true}}]
""",
    )
    assert lint(text, "missing-configmap", "missing-secret", "missing-service-account") == []


def test_references_resolve_in_the_pods_namespace_only() -> None:
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: other}\n---\n"
    text = config + pod(container="    envFrom: [{configMapRef: {name: cfg}}]\n")
    [finding] = lint(text, "missing-configmap")
    assert finding.message == 'ConfigMap "cfg" is not defined in namespace "shop"'
    assert (finding.line, finding.column) == (12, 37)
    assert finding.path_text == "spec.containers[0].envFrom[0].configMapRef.name"


def test_default_namespace_applies_to_objects_without_one() -> None:
    text = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n---\n" + pod(
        spec="  serviceAccountName: web\n"
    ).replace("namespace: shop", "namespace: default")
    assert lint(text, "missing-service-account") == []


def test_workload_templates_and_cronjobs_are_followed() -> None:
    text = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: ops}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: backup
          restartPolicy: OnFailure
          containers: [{name: b, image: busybox:1.36}]
"""
    [finding] = lint(text, "missing-service-account")
    assert finding.path_text == "spec.jobTemplate.spec.template.spec.serviceAccountName"


def test_statefulset_claim_templates_are_not_missing_claims() -> None:
    text = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres:16}]
      volumes:
      - {name: data, persistentVolumeClaim: {claimName: data}}
      - {name: other, persistentVolumeClaim: {claimName: other}}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
"""
    assert messages(lint(text, "missing-persistent-volume-claim")) == [
        'PersistentVolumeClaim "other" is not defined in namespace "shop"'
    ]


def test_secrets_made_by_controllers_count_as_defined() -> None:
    producers = """\
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: db, namespace: shop}
spec: {target: {name: db-credentials}}
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: sealed, namespace: shop}
spec: {encryptedData: {}}
---
"""
    text = producers + pod(
        container="    envFrom: [{secretRef: {name: db-credentials}}, {secretRef: {name: sealed}}, "
        "{secretRef: {name: db}}]\n"
    )
    assert messages(lint(text, "missing-secret")) == [
        'Secret "db" is not defined in namespace "shop"'
    ]


def test_missing_keys_are_reported_with_the_keys_that_exist() -> None:
    text = """\
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
stringData: {user: app}
data: {password: cGFzcw==}
---
""" + pod(
        spec="  volumes: [{name: s, secret: {secretName: db, items: [{key: token, path: t}]}}]\n",
        container="""\
    env:
    - {name: U, valueFrom: {secretKeyRef: {name: db, key: user}}}
    - {name: P, valueFrom: {secretKeyRef: {name: db, key: pass}}}
    - {name: Q, valueFrom: {secretKeyRef: {name: db, key: other, optional: true}}}
""",
    )
    found = lint(text, "missing-config-key")
    assert messages(found) == [
        'Secret "db" has no key "token" (it has: password, user)',
        'Secret "db" has no key "pass" (it has: password, user)',
    ]
    assert [f.path_text for f in found] == [
        "spec.volumes[0].secret.items[0].key",
        "spec.containers[0].env[1].valueFrom.secretKeyRef.key",
    ]


def test_service_account_token_secrets_have_keys_filled_in() -> None:
    text = """\
apiVersion: v1
kind: Secret
metadata: {name: token, namespace: shop, annotations: {kubernetes.io/service-account.name: web}}
type: kubernetes.io/service-account-token
---
""" + pod(container="    env: [{name: T, valueFrom: {secretKeyRef: {name: token, key: token}}}]\n")
    assert lint(text, "missing-config-key") == []


def test_role_bindings() -> None:
    text = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: a, namespace: kube-system}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: extension-apiserver-authentication-reader
subjects: [{kind: ServiceAccount, name: x, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: ServiceAccount, name: x, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: c}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:auth-delegator"}
subjects: [{kind: ServiceAccount, name: x, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules: []
"""
    # a Role called "reader" does not satisfy a roleRef to the ClusterRole "reader"
    assert messages(lint(text, "missing-role")) == ['ClusterRole "reader" is not defined']


def test_hpa_target_matches_kind_name_and_namespace() -> None:
    hpa = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: %s, name: web}
  maxReplicas: 3
"""
    deployment = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
"""
    assert lint(deployment + hpa % "Deployment", "hpa-target-missing") == []
    [finding] = lint(deployment + hpa % "StatefulSet", "hpa-target-missing")
    assert finding.message == 'StatefulSet "web" is not defined in namespace "shop"'


def test_ingress_tls_and_class() -> None:
    text = """\
apiVersion: v1
kind: Secret
metadata: {name: have, namespace: shop}
type: kubernetes.io/tls
data: {tls.crt: "", tls.key: ""}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: nginx
  tls: [{secretName: have}, {secretName: missing}]
  defaultBackend: {service: {name: web, port: {number: 80}}}
"""
    found = lint(text, "ingress-tls-secret-missing", "missing-ingress-class")
    assert [(f.name, f.path_text) for f in found] == [
        ("missing-ingress-class", "spec.ingressClassName"),
        ("ingress-tls-secret-missing", "spec.tls[1].secretName"),
    ]


def test_storage_class_of_claim_templates() -> None:
    text = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {storageClassName: fast, resources: {requests: {storage: 1Gi}}}
  - metadata: {name: logs}
    spec: {storageClassName: "", resources: {requests: {storage: 1Gi}}}
"""
    [finding] = lint(text, "missing-storage-class")
    assert finding.path_text == "spec.volumeClaimTemplates[0].spec.storageClassName"
