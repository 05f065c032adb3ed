"""What the apiserver accepts in fields the OpenAPI schemas leave open.

The schemas type most strings as free text and most integers as any integer; the apiserver is
pickier. The walk in `schema.py` looks a property up here: first by definition and property
(`BY_DEFINITION`: `type` means one thing in a Service and another in a Deployment's strategy),
then by property name (`ENUMS`, `NAMED`, `INTEGERS`). Other strings are DNS labels, except the
few properties that really hold free text (`FREE_TEXT`). `SKIPPED` lists properties left out
because they need feature gates, other objects or cross-field rules not worth modelling.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from kubelint.strategies import fields

Factory = Callable[[], st.SearchStrategy]
CORE = "io.k8s.api.core.v1."
RBAC_GROUP = "rbac.authorization.k8s.io"


def _one_of(*values: object) -> Factory:
    return lambda: st.sampled_from(values)


def _relative_path() -> st.SearchStrategy[str]:
    return fields.dns_label(12)


ENUMS: dict[str, tuple[str, ...]] = {
    "protocol": ("TCP", "UDP", "SCTP"),
    "imagePullPolicy": ("Always", "IfNotPresent", "Never"),
    "dnsPolicy": ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"),
    "terminationMessagePolicy": ("File", "FallbackToLogsOnError"),
    "preemptionPolicy": ("PreemptLowerPriority", "Never"),
    "operator": ("Exists",),  # tolerations (node selector terms: BY_DEFINITION)
    "effect": ("NoSchedule", "PreferNoSchedule", "NoExecute"),
    "pathType": ("Exact", "Prefix", "ImplementationSpecific"),
    "sessionAffinity": ("None", "ClientIP"),
    "podManagementPolicy": ("OrderedReady", "Parallel"),
    "concurrencyPolicy": ("Allow", "Forbid", "Replace"),
    "accessModes": ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"),
    "whenUnsatisfiable": ("DoNotSchedule", "ScheduleAnyway"),
    "whenScaled": ("Retain", "Delete"),
    "whenDeleted": ("Retain", "Delete"),
    "volumeMode": ("Filesystem", "Block"),
    "unhealthyPodEvictionPolicy": ("IfHealthyBudget", "AlwaysAllow"),
    "trafficDistribution": ("PreferClose",),
    "timeZone": ("Etc/UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"),
    "podReplacementPolicy": ("TerminatingOrFailed", "Failed"),
    "nodeAffinityPolicy": ("Honor", "Ignore"),
    "nodeTaintsPolicy": ("Honor", "Ignore"),
    "ipFamilyPolicy": ("SingleStack",),
    "ipFamilies": ("IPv4",),
    "internalTrafficPolicy": ("Cluster", "Local"),
    "externalTrafficPolicy": ("Cluster", "Local"),
    "completionMode": ("NonIndexed", "Indexed"),
    "fsGroupChangePolicy": ("OnRootMismatch", "Always"),
    "policyTypes": ("Ingress", "Egress"),
    "verbs": ("get", "list", "watch", "create", "update", "patch", "delete"),
    "apiGroups": ("", "apps", "batch"),
    "resources": ("pods", "services", "configmaps", "deployments", "jobs"),
    "nonResourceURLs": ("/healthz", "/metrics", "/api/*"),
    "medium": ("", "Memory"),
    "scheme": ("HTTP", "HTTPS"),
    "seLinuxChangePolicy": ("Recursive", "MountOption"),
    "persistentVolumeReclaimPolicy": ("Retain",),
    "reclaimPolicy": ("Delete", "Retain"),
    "volumeBindingMode": ("Immediate", "WaitForFirstConsumer"),
}
"""Free strings (or lists of them) that the apiserver restricts to a few values, by name."""

NAMED: dict[str, Factory] = {
    "name": fields.dns_label,
    "namespace": fields.dns_label,
    "image": fields.image,
    "schedule": fields.cron_schedule,
    "serviceAccountName": fields.dns_label,
    "claimName": fields.dns_label,
    "secretName": fields.dns_label,
    "mountPath": lambda: fields.dns_label(10).map(lambda s: "/" + s),
    "path": lambda: fields.dns_label(10).map(lambda s: "/" + s),
    "topologyKey": lambda: st.just("kubernetes.io/hostname"),
    "key": fields.label_key,
    "conditionType": fields.label_key,
    "host": fields.dns_subdomain,
    "hosts": fields.dns_subdomain,
    "hostnames": fields.dns_subdomain,
    "searches": fields.dns_subdomain,
    "externalName": fields.dns_subdomain,
    "ip": fields.ip_address,
    "hostIP": fields.ip_address,
    "nameservers": fields.ip_address,
    "externalIPs": fields.ip_address,
    "loadBalancerIP": fields.ip_address,
    "cidr": fields.cidr,
    "loadBalancerSourceRanges": fields.cidr,
}
"""Strings with a syntax of their own, by property name."""

FREE_TEXT = frozenset(("command", "args", "value", "description", "message", "data", "stringData"))
"""Properties whose strings may be any text (the rest are DNS labels unless listed above)."""

INTEGERS: dict[str, tuple[int, int]] = {
    "nodePort": (30000, 32767),
    "number": (1, 65535),
    "activeDeadlineSeconds": (1, 3600),
    "maxReplicas": (1, 100),
    "minReplicas": (1, 10),
    "weight": (1, 100),
    "successThreshold": (1, 1),
    "failureThreshold": (1, 10),
    "periodSeconds": (1, 60),
    "timeoutSeconds": (1, 60),
    "terminationGracePeriodSeconds": (1, 100),
    "expirationSeconds": (600, 7200),
    "maxSkew": (1, 5),
    "minDomains": (1, 3),
    "averageUtilization": (1, 100),
    "value": (1, 100),
    "defaultMode": (0, 0o777),
    "mode": (0, 0o777),
}
"""Integer ranges other than the default 0..100 (ports are 1..65535), by property name."""

BY_DEFINITION: dict[str, dict[str, Factory]] = {
    CORE + "ServiceSpec": {
        "type": _one_of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
    },
    "io.k8s.api.apps.v1.DeploymentStrategy": {"type": _one_of("RollingUpdate", "Recreate")},
    "io.k8s.api.apps.v1.StatefulSetUpdateStrategy": {"type": _one_of("RollingUpdate", "OnDelete")},
    "io.k8s.api.apps.v1.DaemonSetUpdateStrategy": {"type": _one_of("RollingUpdate", "OnDelete")},
    CORE + "SeccompProfile": {"type": _one_of("RuntimeDefault", "Unconfined")},
    CORE + "AppArmorProfile": {"type": _one_of("RuntimeDefault", "Unconfined")},
    CORE + "Secret": {"type": _one_of("Opaque")},
    CORE + "HostPathVolumeSource": {"type": _one_of("", "Directory", "DirectoryOrCreate")},
    "io.k8s.api.rbac.v1.RoleRef": {
        "apiGroup": _one_of(RBAC_GROUP),
        "kind": _one_of("Role", "ClusterRole"),
    },
    "io.k8s.api.rbac.v1.Subject": {"kind": _one_of("ServiceAccount", "User", "Group")},
    "io.k8s.api.autoscaling.v2.CrossVersionObjectReference": {
        "apiVersion": _one_of("apps/v1"),
        "kind": _one_of("Deployment", "StatefulSet"),
    },
    CORE + "ObjectFieldSelector": {
        "apiVersion": _one_of("v1"),
        "fieldPath": _one_of("metadata.name", "metadata.namespace", "spec.nodeName"),
    },
    CORE + "ResourceFieldSelector": {
        "resource": _one_of("limits.cpu", "limits.memory", "requests.cpu", "requests.memory"),
        "divisor": _one_of("1"),
    },
    CORE + "ContainerResizePolicy": {
        "resourceName": _one_of("cpu", "memory"),
        "restartPolicy": _one_of("NotRequired", "RestartContainer"),
    },
    CORE + "ConfigMapKeySelector": {"key": fields.config_key},
    CORE + "SecretKeySelector": {"key": fields.config_key},
    CORE + "KeyToPath": {"key": fields.config_key, "path": _relative_path},
    CORE + "DownwardAPIVolumeFile": {"path": _relative_path},
    CORE + "ServiceAccountTokenProjection": {"path": _relative_path},
    CORE + "Toleration": {"value": fields.label_value},
    CORE + "VolumeMount": {"subPath": _relative_path},
    CORE + "LimitRangeItem": {
        "type": _one_of("Container"),
        "default": lambda: fields.resources().map(lambda r: r["limits"]),
    },
    CORE + "ResourceQuotaSpec": {
        "hard": lambda: st.dictionaries(
            st.sampled_from(("pods", "requests.cpu", "requests.memory", "limits.memory")),
            st.integers(1, 100).map(str),  # whole numbers: `pods` takes no fractions
            max_size=3,
        )
    },
    "io.k8s.api.networking.v1.IngressClassSpec": {"controller": _one_of("k8s.example.com/ingress")},
    "io.k8s.api.networking.v1.ServiceBackendPort": {"name": fields.port_name},
    CORE + "NodeSelectorRequirement": {"operator": _one_of("Exists", "DoesNotExist")},
    CORE + "Sysctl": {"name": _one_of("kernel.shm_rmid_forced"), "value": _one_of("0", "1")},
    "io.k8s.api.networking.v1.TypedLocalObjectReference": {"apiGroup": _one_of("k8s.example.com")},
    CORE + "TypedLocalObjectReference": {"apiGroup": _one_of("k8s.example.com")},
}
"""Values of one definition's property, where the property name alone says too little."""

_RARE_VOLUMES = frozenset(
    [
        "awsElasticBlockStore",
        "azureDisk",
        "azureFile",
        "cephfs",
        "cinder",
        "ephemeral",
        "fc",
        "flexVolume",
        "flocker",
        "gcePersistentDisk",
        "gitRepo",
        "glusterfs",
        "image",
        "iscsi",
        "photonPersistentDisk",
        "portworxVolume",
        "quobyte",
        "rbd",
        "scaleIO",
        "storageos",
        "vsphereVolume",
    ]
)  # deprecated, cloud-specific or feature-gated sources, each with its own required fields

SKIPPED: dict[str, frozenset[str]] = {
    CORE + "PersistentVolumeSpec": _RARE_VOLUMES | {"local", "nfs"},
    CORE + "LimitRangeItem": frozenset(("max", "min", "maxLimitRequestRatio", "defaultRequest")),
    CORE + "ResourceQuotaSpec": frozenset(("scopes", "scopeSelector")),
    "io.k8s.api.storage.v1.StorageClass": frozenset(("allowedTopologies",)),
    "io.k8s.api.networking.v1.IngressClassSpec": frozenset(("parameters",)),
    CORE + "Volume": _RARE_VOLUMES,
    CORE + "VolumeProjection": frozenset(("clusterTrustBundle",)),
    CORE + "PodSpec": frozenset(
        (
            "hostNetwork",
            "shareProcessNamespace",
            "os",
            "resourceClaims",
            "resources",
            "overhead",
            "priority",
        )
    ),
    CORE + "VolumeMount": frozenset(("mountPropagation", "recursiveReadOnly", "subPathExpr")),
    CORE + "TopologySpreadConstraint": frozenset(("matchLabelKeys",)),
    CORE + "PodAffinityTerm": frozenset(("matchLabelKeys", "mismatchLabelKeys")),
    CORE + "Container": frozenset(("restartPolicy",)),
    CORE + "SecurityContext": frozenset(
        ("procMount", "windowsOptions", "allowPrivilegeEscalation")
    ),
    CORE + "PodSecurityContext": frozenset(("windowsOptions", "supplementalGroupsPolicy")),
    CORE + "ServiceSpec": frozenset(
        ("healthCheckNodePort", "loadBalancerClass", "sessionAffinityConfig", "clusterIPs")
    ),
    CORE + "PersistentVolumeClaimSpec": frozenset(("dataSource", "dataSourceRef")),
    CORE + "SeccompProfile": frozenset(("localhostProfile",)),
    CORE + "AppArmorProfile": frozenset(("localhostProfile",)),
    CORE + "NodeSelectorRequirement": frozenset(("values",)),
    CORE + "NodeSelectorTerm": frozenset(("matchFields",)),
    CORE + "ResourceFieldSelector": frozenset(("containerName",)),
    "io.k8s.api.batch.v1.JobSpec": frozenset(
        (
            "podFailurePolicy",
            "successPolicy",
            "backoffLimitPerIndex",
            "maxFailedIndexes",
            "managedBy",
        )
    ),
    "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec": frozenset(("metrics", "behavior")),
}
"""Optional properties never generated, per definition."""

UNIONS: dict[str, tuple[str, ...] | None] = {
    CORE + "Volume": (
        "emptyDir",
        "configMap",
        "secret",
        "persistentVolumeClaim",
        "hostPath",
        "projected",
        "downwardAPI",
        "nfs",
        "csi",
    ),
    CORE + "Probe": ("exec", "httpGet", "tcpSocket", "grpc"),
    CORE + "VolumeProjection": ("configMap", "secret", "downwardAPI", "serviceAccountToken"),
    CORE + "EnvVarSource": None,
    CORE + "LifecycleHandler": None,
    CORE + "PersistentVolumeSpec": ("hostPath", "csi"),
    CORE + "EphemeralVolumeSource": None,
    "io.k8s.api.networking.v1.IngressBackend": None,
    "io.k8s.api.networking.v1.ServiceBackendPort": None,
    "io.k8s.api.networking.v1.NetworkPolicyPeer": ("ipBlock", "podSelector", "namespaceSelector"),
}
"""Objects holding alternatives: exactly one of these properties (None: of all the optional
ones) is set, as the apiserver insists; the other optional properties are drawn as usual."""

ALWAYS: dict[str, tuple[str, ...]] = {
    CORE + "PodTemplateSpec": ("metadata", "spec"),
    "io.k8s.api.batch.v1.JobTemplateSpec": ("spec",),
    CORE + "ServiceSpec": ("ports",),
    CORE + "Container": ("image",),
    "io.k8s.api.networking.v1.IngressServiceBackend": ("port",),
    CORE + "NodeSelectorTerm": ("matchExpressions",),
    "io.k8s.api.apps.v1.ReplicaSetSpec": ("template",),
    CORE + "ReplicationControllerSpec": ("template",),
}
"""Optional in the schema, needed by the apiserver (or by any realistic object)."""

NON_EMPTY = frozenset(("containers", "ports", "paths", "nodeSelectorTerms", "matchExpressions"))
"""Lists the apiserver wants at least one item in, by property name."""
