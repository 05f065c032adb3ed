"""default_object against kubectl's own client-side output and upstream defaulting rules."""

from __future__ import annotations

import copy
import shutil
import subprocess

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint import strategies as ks
from kubelint.store.defaults import DEFAULTERS, default_object, minor
from kubelint.store.pod_defaults import pull_policy

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
SLOW_OK = settings(suppress_health_check=[HealthCheck.too_slow])

POD_SPEC_DEFAULTS = {
    "dnsPolicy": "ClusterFirst",
    "schedulerName": "default-scheduler",
    "securityContext": {},
    "terminationGracePeriodSeconds": 30,
}
CONTAINER_DEFAULTS = {
    "resources": {},
    "terminationMessagePath": "/dev/termination-log",
    "terminationMessagePolicy": "File",
}


def kubectl_create(*args: str) -> dict:
    """`kubectl create ... --dry-run=client -o yaml`: a manifest as users write it."""
    out = subprocess.run(
        [KUBECTL, "create", *args, "--dry-run=client", "-o", "yaml"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return yaml.safe_load(out)


def container(name: str, image: str, policy: str, **extra) -> dict:
    return {"image": image, "imagePullPolicy": policy, "name": name, **CONTAINER_DEFAULTS, **extra}


@needs_kubectl
def test_deployment_from_kubectl():
    got = default_object(kubectl_create("deployment", "web", "--image=nginx", "--port=80"))
    ports = [{"containerPort": 80, "protocol": "TCP"}]
    assert got["spec"] == {
        "progressDeadlineSeconds": 600,
        "replicas": 1,
        "revisionHistoryLimit": 10,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {
            "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            "type": "RollingUpdate",
        },
        "template": {
            "metadata": {"creationTimestamp": None, "labels": {"app": "web"}},
            "spec": {
                "containers": [container("nginx", "nginx", "Always", ports=ports)],
                "restartPolicy": "Always",
                **POD_SPEC_DEFAULTS,
            },
        },
    }


@needs_kubectl
def test_services_from_kubectl():
    cluster_ip = default_object(kubectl_create("service", "clusterip", "web", "--tcp=80:8080"))
    port = {"name": "80-8080", "port": 80, "protocol": "TCP", "targetPort": 8080}
    assert cluster_ip["spec"] == {
        "internalTrafficPolicy": "Cluster",
        "ports": [port],
        "selector": {"app": "web"},
        "sessionAffinity": "None",
        "type": "ClusterIP",
    }
    node_port = default_object(kubectl_create("service", "nodeport", "np", "--tcp=80:8080"))
    assert node_port["spec"]["externalTrafficPolicy"] == "Cluster"
    balancer = default_object(kubectl_create("service", "loadbalancer", "lb", "--tcp=80"))
    assert balancer["spec"]["allocateLoadBalancerNodePorts"] is True
    assert balancer["spec"]["ports"][0]["targetPort"] == 80  # targetPort defaults to port


@needs_kubectl
def test_job_and_cronjob_from_kubectl():
    job = default_object(kubectl_create("job", "j", "--image=busybox:1.36"), "1.32")
    assert job["spec"] == {
        "backoffLimit": 6,
        "completionMode": "NonIndexed",
        "completions": 1,
        "parallelism": 1,
        "podReplacementPolicy": "TerminatingOrFailed",
        "suspend": False,
        "template": {
            "metadata": {"creationTimestamp": None},
            "spec": {
                "containers": [container("j", "busybox:1.36", "IfNotPresent")],
                "restartPolicy": "Never",
                **POD_SPEC_DEFAULTS,
            },
        },
    }
    cron = default_object(kubectl_create("cronjob", "c", "--image=busybox", "--schedule=* * * * *"))
    spec = cron["spec"]
    assert (spec["concurrencyPolicy"], spec["suspend"]) == ("Allow", False)
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 1)
    # SetDefaults_Job belongs to the Job type: a jobTemplate's JobSpec gets none of it
    assert set(spec["jobTemplate"]["spec"]) == {"template"}
    assert spec["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("registry:5000/team/app", "Always"),  # a registry port is not a tag
        ("registry:5000/team/app:v2", "IfNotPresent"),
        ("app@sha256:" + "a" * 64, "IfNotPresent"),
        ("app:latest@sha256:" + "a" * 64, "Always"),
    ],
)
def test_pull_policy(image, policy):
    assert pull_policy(image) == policy


def test_explicit_values_win_and_input_is_not_changed():
    body = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {
            "replicas": 3,
            "updateStrategy": {"type": "OnDelete"},
            "template": {
                "spec": {"containers": [{"name": "c", "image": "x:1", "imagePullPolicy": "Always"}]}
            },
        },
    }
    before = copy.deepcopy(body)
    got = default_object(body, "1.32")
    assert body == before
    assert got["spec"]["replicas"] == 3
    assert got["spec"]["updateStrategy"] == {"type": "OnDelete"}  # no partition for OnDelete
    assert got["spec"]["podManagementPolicy"] == "OrderedReady"
    assert got["spec"]["persistentVolumeClaimRetentionPolicy"] == {
        "whenDeleted": "Retain",
        "whenScaled": "Retain",
    }
    assert got["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "Always"
    # StatefulSetAutoDeletePVC was off by default before 1.27
    assert "persistentVolumeClaimRetentionPolicy" not in default_object(body, "1.26")["spec"]
    assert default_object(body, "1.26")["spec"]["updateStrategy"] == {"type": "OnDelete"}


def test_statefulset_rolling_update_partition():
    got = default_object({"apiVersion": "apps/v1", "kind": "StatefulSet", "spec": {}})
    assert got["spec"]["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"partition": 0},
    }


def test_pod_only_defaults_and_nested_types():
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {
            "hostNetwork": True,
            "containers": [
                {
                    "name": "c",
                    "image": "x:1",
                    "ports": [{"containerPort": 8080}],
                    "resources": {"limits": {"cpu": "1"}},
                    "livenessProbe": {"httpGet": {"port": 8080}},
                    "env": [
                        {"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}
                    ],
                }
            ],
            "volumes": [
                {"name": "a"},
                {"name": "b", "configMap": {"name": "cm"}},
                {"name": "c", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}},
            ],
        },
    }
    spec = default_object(pod)["spec"]
    c = spec["containers"][0]
    assert c["ports"] == [{"containerPort": 8080, "hostPort": 8080, "protocol": "TCP"}]
    assert c["resources"] == {"limits": {"cpu": "1"}, "requests": {"cpu": "1"}}
    assert c["livenessProbe"] == {
        "httpGet": {"port": 8080, "path": "/", "scheme": "HTTP"},
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }
    assert c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"
    assert spec["enableServiceLinks"] is True
    assert spec["volumes"][0] == {"name": "a", "emptyDir": {}}
    assert spec["volumes"][1]["configMap"]["defaultMode"] == 420
    assert spec["volumes"][2]["projected"] == {
        "defaultMode": 420,
        "sources": [{"serviceAccountToken": {"path": "t", "expirationSeconds": 3600}}],
    }
    # a pod template does not get the Pod-only defaults
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "spec": {"template": {"spec": copy.deepcopy(pod["spec"])}},
    }
    template = default_object(deployment)["spec"]["template"]["spec"]
    assert "enableServiceLinks" not in template
    assert "requests" not in template["containers"][0]["resources"]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, ["Ingress"]),
        ({"egress": [{}]}, ["Ingress", "Egress"]),
        ({"policyTypes": ["Egress"]}, ["Egress"]),
    ],
)
def test_network_policy_types(spec, expected):
    body = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "spec": spec}
    assert default_object(body)["spec"]["policyTypes"] == expected


def test_service_session_affinity_and_legacy_group_alias():
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "spec": {"sessionAffinity": "ClientIP", "ports": [{"port": 53, "protocol": "UDP"}]},
    }
    spec = default_object(svc)["spec"]
    assert spec["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}
    assert spec["ports"] == [{"port": 53, "protocol": "UDP", "targetPort": 53}]
    legacy = default_object({"apiVersion": "extensions/v1beta1", "kind": "Deployment", "spec": {}})
    assert legacy["spec"]["replicas"] == 1  # extensions Deployment is apps Deployment


def test_job_version_gates():
    body = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "spec": {
            "backoffLimitPerIndex": 1,
            "completionMode": "Indexed",
            "completions": 3,
            "podFailurePolicy": {
                "rules": [{"action": "Ignore", "onPodConditions": [{"type": "X"}]}]
            },
        },
    }
    new = default_object(body, "1.32")["spec"]
    assert new["backoffLimit"] == 2**31 - 1
    assert new["podReplacementPolicy"] == "Failed"
    assert new["podFailurePolicy"]["rules"][0]["onPodConditions"][0]["status"] == "True"
    assert "parallelism" in new and new["completions"] == 3
    old = default_object(body, "1.27")["spec"]
    assert old["backoffLimit"] == 6 and "podReplacementPolicy" not in old


def test_rbac_storage_hpa_namespace_configmap_secret():
    binding = default_object(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "roleRef": {"kind": "Role", "name": "r"},
            "subjects": [{"kind": "User", "name": "u"}, {"kind": "ServiceAccount", "name": "s"}],
        }
    )
    assert binding["roleRef"]["apiGroup"] == "rbac.authorization.k8s.io"
    assert [s["apiGroup"] for s in binding["subjects"]] == ["rbac.authorization.k8s.io", ""]
    sc = default_object({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass"})
    assert (sc["reclaimPolicy"], sc["volumeBindingMode"]) == ("Delete", "Immediate")
    hpa = default_object(
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "spec": {"behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}},
        }
    )
    assert hpa["spec"]["minReplicas"] == 1
    assert hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 80
    assert hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] == 60
    assert hpa["spec"]["behavior"]["scaleUp"]["policies"][0] == {
        "type": "Pods",
        "value": 4,
        "periodSeconds": 15,
    }
    ns = default_object({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "web"}})
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "web"}
    assert default_object({"apiVersion": "v1", "kind": "ConfigMap"})["data"] == {}
    assert default_object({"apiVersion": "v1", "kind": "Secret"})["type"] == "Opaque"
    pvc = default_object({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "spec": {}})
    assert pvc["spec"]["volumeMode"] == "Filesystem"


def test_malformed_input_is_left_alone():
    for spec in (None, "text", 3, [], {"template": "x"}, {"strategy": None, "template": {}}):
        body = {"apiVersion": "apps/v1", "kind": "Deployment", "spec": spec}
        default_object(body)  # no exception
    got = default_object({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": ["x", 3]}})
    assert got["spec"]["containers"] == ["x", 3]


def test_minor():
    assert minor("1.37") == 37 and minor("v1.29.3") == 29
    with pytest.raises(ValueError):
        minor("2.1")


@SLOW_OK
@given(ks.objects())
def test_default_object_is_idempotent_and_pure(obj):
    before = copy.deepcopy(obj)
    once = default_object(obj)
    assert obj == before
    assert default_object(once) == once


# the field names the defaulters look at, so that garbage reaches them
FIELD_NAMES = [
    "spec",
    "template",
    "containers",
    "initContainers",
    "volumes",
    "ports",
    "strategy",
    "updateStrategy",
    "rollingUpdate",
    "type",
    "selector",
    "metadata",
    "labels",
    "livenessProbe",
    "httpGet",
    "env",
    "valueFrom",
    "fieldRef",
    "configMap",
    "projected",
    "sources",
    "jobTemplate",
    "podFailurePolicy",
    "rules",
    "onPodConditions",
    "behavior",
    "scaleUp",
    "metrics",
    "ingress",
    "egress",
    "subjects",
    "roleRef",
    "limits",
    "max",
    "default",
    "subsets",
    "parameters",
    "sessionAffinity",
    "sessionAffinityConfig",
    "clientIP",
    "hostNetwork",
    "resources",
    "persistentVolumeClaimRetentionPolicy",
    "volumeClaimTemplates",
]
GARBAGE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(FIELD_NAMES), inner, max_size=4)
    ),
    max_leaves=15,
)


@given(st.sampled_from(sorted(DEFAULTERS)), GARBAGE, GARBAGE)
def test_default_object_never_raises_on_garbage(group_kind, spec, template):
    group, kind = group_kind
    body = {
        "apiVersion": f"{group}/v1" if group else "v1",
        "kind": kind,
        "spec": spec,
        "template": template,
        "metadata": template,
    }
    once = default_object(body)
    assert default_object(once) == once
