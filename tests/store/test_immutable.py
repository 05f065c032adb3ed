"""Refused updates, with the apiserver's messages."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint.store.defaults import default_object
from kubelint.store.immutable import CHECKS, difference, immutable_violations


def pair(body: dict, change) -> tuple[dict, dict]:
    """(old, new) both defaulted; `change` edits a copy of body into the new version."""
    new = copy.deepcopy(body)
    change(new)
    return default_object(body), default_object(new)


DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "web:1"}]},
        },
    },
}


def test_deployment_selector():
    def relabel(d):
        d["spec"]["selector"]["matchLabels"]["app"] = "web2"

    assert immutable_violations(*pair(DEPLOYMENT, relabel)) == [
        (
            ("spec", "selector"),
            'spec.selector: Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable',
        )
    ]

    def scale_and_retag(d):
        d["spec"]["replicas"] = 5
        d["spec"]["template"]["spec"]["containers"][0]["image"] = "web:2"

    assert immutable_violations(*pair(DEPLOYMENT, scale_and_retag)) == []


def test_legacy_group_is_checked_like_apps():
    old = dict(DEPLOYMENT, apiVersion="extensions/v1beta1")
    new = copy.deepcopy(old)
    new["spec"]["selector"] = {"matchLabels": {"x": "y"}}
    assert [p for p, _ in immutable_violations(old, new)] == [("spec", "selector")]


STS = {
    "apiVersion": "apps/v1",
    "kind": "StatefulSet",
    "metadata": {"name": "db"},
    "spec": {
        "serviceName": "db",
        "selector": {"matchLabels": {"a": "b"}},
        "template": {"spec": {"containers": [{"name": "c", "image": "db:1"}]}},
        "volumeClaimTemplates": [
            {"metadata": {"name": "data"}, "spec": {"resources": {"requests": {"storage": "1Gi"}}}}
        ],
    },
}


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        (lambda s: s["spec"].update(replicas=4, minReadySeconds=5), False),
        (lambda s: s["spec"].update(updateStrategy={"type": "OnDelete"}), False),
        (lambda s: s["spec"].update(serviceName="other"), True),
        (
            lambda s: s["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"].update(
                storage="2Gi"
            ),
            True,
        ),
        (lambda s: s["spec"].update(podManagementPolicy="Parallel"), True),
    ],
)
def test_statefulset_spec(change, refused):
    found = immutable_violations(*pair(STS, change))
    assert bool(found) is refused
    if refused:
        assert found[0][1].startswith(
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas'"
        )


def test_service_cluster_ip():
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"clusterIP": "10.0.0.10", "ports": [{"port": 80}]},
    }
    found = immutable_violations(*pair(svc, lambda s: s["spec"].update(clusterIP="None")))
    message = 'spec.clusterIPs[0]: Invalid value: ["None"]: may not change once set'
    assert found == [(("spec", "clusterIPs", 0), message)]
    # unset in the new manifest: the apiserver keeps the allocated address
    assert immutable_violations(*pair(svc, lambda s: s["spec"].pop("clusterIP"))) == []


def test_job_template_and_completions():
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j"},
        "spec": {
            "completions": 2,
            "template": {
                "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "j:1"}]}
            },
        },
    }

    def retag(j):
        j["spec"]["template"]["spec"]["containers"][0]["image"] = "j:2"

    assert [p for p, _ in immutable_violations(*pair(job, retag))] == [("spec", "template")]
    found = immutable_violations(*pair(job, lambda j: j["spec"].update(completions=3)))
    assert found == [
        (("spec", "completions"), "spec.completions: Invalid value: 3: field is immutable")
    ]
    indexed = copy.deepcopy(job)
    indexed["spec"]["completionMode"] = "Indexed"
    assert immutable_violations(*pair(indexed, lambda j: j["spec"].update(completions=3))) == []
    assert immutable_violations(*pair(job, lambda j: j["spec"].update(suspend=True))) == []


def test_pvc_grow_only():
    pvc = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "c"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    }

    def size(value):
        return lambda p: p["spec"]["resources"]["requests"].update(storage=value)

    assert immutable_violations(*pair(pvc, size("2Gi"))) == []
    shrink = immutable_violations(*pair(pvc, size("512Mi")))
    assert [p for p, _ in shrink] == [("spec", "resources", "requests", "storage")]
    modes = immutable_violations(
        *pair(pvc, lambda p: p["spec"].update(accessModes=["ReadWriteMany"]))
    )
    assert modes[0][1].startswith("spec: Forbidden: spec is immutable after creation")


def test_immutable_configmap_and_secret():
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c"},
        "immutable": True,
        "data": {"a": "1"},
    }
    found = immutable_violations(*pair(cm, lambda c: c.update(data={"a": "2"}, immutable=False)))
    assert [p for p, _ in found] == [("immutable",), ("data",)]
    assert found[1][1] == "data: Forbidden: field is immutable when `immutable` is set"
    mutable = dict(cm, immutable=False)
    assert immutable_violations(*pair(mutable, lambda c: c.update(data={"a": "2"}))) == []
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}
    found = immutable_violations(*pair(secret, lambda s: s.update(type="kubernetes.io/tls")))
    assert found == [(("type",), 'type: Invalid value: "kubernetes.io/tls": field is immutable')]


def test_pod_spec_changes():
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {
            "containers": [{"name": "c", "image": "p:1"}],
            "tolerations": [{"key": "k", "operator": "Exists"}],
        },
    }

    def retag(p):
        p["spec"]["containers"][0]["image"] = "p:2"
        p["spec"]["tolerations"].append({"key": "k2", "operator": "Exists"})

    assert immutable_violations(*pair(pod, retag)) == []
    found = immutable_violations(*pair(pod, lambda p: p["spec"].update(nodeName="n1")))
    assert found[0][1].startswith("spec: Forbidden: pod updates may not change fields")
    dropped = immutable_violations(*pair(pod, lambda p: p["spec"].update(tolerations=[])))
    assert [p for p, _ in dropped] == [("spec", "tolerations")]


def test_role_binding_and_storage_class():
    rb = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "b"},
        "roleRef": {"kind": "Role", "name": "a"},
    }
    found = immutable_violations(*pair(rb, lambda r: r["roleRef"].update(name="b")))
    assert found[0][1].endswith(": cannot change roleRef")
    sc = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "provisioner": "a"}
    found = immutable_violations(*pair(sc, lambda s: s.update(provisioner="b")))
    assert found == [
        (("provisioner",), "provisioner: Forbidden: updates to provisioner are forbidden.")
    ]


def test_unknown_kinds_and_garbage():
    assert immutable_violations({"kind": "X"}, {"kind": "Y"}) == []
    assert (
        immutable_violations({}, {"apiVersion": "apps/v1", "kind": "Deployment", "spec": 3}) == []
    )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "spec",
                    "selector",
                    "template",
                    "clusterIP",
                    "clusterIPs",
                    "resources",
                    "requests",
                    "storage",
                    "containers",
                    "tolerations",
                    "data",
                    "immutable",
                    "type",
                    "roleRef",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@given(st.sampled_from(sorted(CHECKS)), JSON, JSON)
def test_never_raises_on_garbage(group_kind, old, new):
    group, kind = group_kind
    api_version = f"{group}/v1" if group else "v1"
    bodies = [
        {
            **(value if isinstance(value, dict) else {"spec": value}),
            "apiVersion": api_version,
            "kind": kind,
        }
        for value in (old, new)
    ]
    for path, message in immutable_violations(*bodies):
        assert isinstance(path, tuple) and isinstance(message, str)


def test_refused_specs_point_at_the_change():
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "mypod"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }

    def add_volume(p):  # scenario 05: the second definition adds a volume and its mount
        p["spec"]["containers"][0]["volumeMounts"] = [{"mountPath": "/data", "name": "v"}]
        p["spec"]["volumes"] = [{"name": "v", "emptyDir": {}}]

    ((path, message),) = immutable_violations(*pair(pod, add_volume))
    assert path == ("spec", "volumes")  # the shortest differing path
    assert message.startswith("spec: Forbidden: pod updates may not change fields other than")
    sts = immutable_violations(*pair(STS, lambda s: s["spec"].update(serviceName="other")))
    assert sts[0][0] == ("spec", "serviceName")


@pytest.mark.parametrize(
    ("a", "b", "path"),
    [
        ({"x": 1}, {"x": 2}, ("x",)),
        ({"x": [1, 2]}, {"x": [1, 2, 3]}, ("x",)),
        ({"x": [{"y": 1}]}, {"x": [{"y": 2}]}, ("x", 0, "y")),
        ({"a": {"b": {"c": 1}}, "z": 1}, {"a": {"b": {"c": 2}}, "z": 2}, ("z",)),
    ],
)
def test_difference(a, b, path):
    assert difference(a, b) == path
