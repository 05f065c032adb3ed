"""`objects(valid=True)` promises what the apiserver accepts: no schema error from `kubelint
check`, and no finding from any rule of category "validation" (the apiserver's own checks),
run through the lint runner on the rendered YAML."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint import strategies as ks
from kubelint.load import load_text
from kubelint.model import Severity
from kubelint.rules.catalogue import load_rules
from kubelint.rules.engine import Settings
from kubelint.rules.runner import lint_texts, make_plan
from kubelint.schema.registry import SchemaRegistry
from kubelint.strategies import fixups
from kubelint.strategies.render import render
from kubelint.validate import Checker

VERSION = "1.32"
CHECKER = Checker(SchemaRegistry(VERSION, strict=True))
VALIDATION = [r for r in load_rules() if r.category == "validation"]
PLAN = make_plan(VALIDATION, Settings(kubernetes_version=VERSION))
KINDS = (
    *ks.COMMON_KINDS,
    "ReplicaSet",
    "ReplicationController",
    "PodTemplate",
    "ClusterRole",
    "ClusterRoleBinding",
    "LimitRange",
    "ResourceQuota",
    "PersistentVolume",
    "PriorityClass",
    "StorageClass",
    "IngressClass",
    "CustomResourceDefinition",
)
ALL_KINDS = sorted({key.split(":")[1] for key in ks._schemas(VERSION).kinds()})
QUICK = settings(
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None
)
# "ci" (100 examples): 10 per listed kind, 25 over all 84 kinds; "thorough" (5000): 500, 1250
PER_KIND = settings(QUICK, max_examples=max(5, settings.default.max_examples // 10))
ANY_KIND = settings(QUICK, max_examples=max(10, settings.default.max_examples // 4))


def _problems(*objs: dict[str, Any]) -> list[str]:
    """Schema errors and validation findings of objects (one stream), as `CODE path: message`."""
    text = render(list(objs), flow=False, quote=False, comments=False, order="as-is")
    loaded = load_text(text, "gen.yaml")
    found = [f for f in loaded.findings if f.severity >= Severity.ERROR]
    for doc in loaded.documents:
        found.extend(f for f in CHECKER.check(doc) if f.severity >= Severity.ERROR)
    found.extend(lint_texts({"gen.yaml": text}, PLAN))
    return [f"{f.code} {f.path_text}: {f.message}" for f in found]


@pytest.mark.parametrize("kind", KINDS)
@PER_KIND
@given(data=st.data())
def test_valid_objects_pass_the_apiserver_checks(kind: str, data: st.DataObject) -> None:
    obj = data.draw(ks.objects(kind=kind, k8s_version=VERSION, namespace="team"))
    assert _problems(obj) == [], obj


@ANY_KIND
@given(data=st.data())
def test_every_kind_passes_the_apiserver_checks(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(ALL_KINDS))
    obj = data.draw(ks.objects(kind=kind, k8s_version=VERSION))
    assert _problems(obj) == [], obj


@ANY_KIND
@given(ks.manifest_sets(k8s_version=VERSION))
def test_manifest_sets_pass_the_apiserver_checks_together(docs: list[dict[str, Any]]) -> None:
    assert _problems(*docs) == [], docs  # incl. the set rule KL143 (targetPort names)


_NAMES = st.sampled_from(["a", "b", "c"])
_MESSY_CONTAINER = st.fixed_dictionaries(
    {"name": _NAMES, "image": st.just("nginx:1.27")},
    optional={
        "ports": st.lists(
            st.fixed_dictionaries(
                {"containerPort": st.sampled_from([80, 443])},
                optional={"name": _NAMES, "hostPort": st.sampled_from([8080, 8443])},
            ),
            max_size=4,
        ),
        "volumeMounts": st.lists(
            st.fixed_dictionaries({"name": _NAMES, "mountPath": st.sampled_from(["/a", "/b"])}),
            max_size=3,
        ),
        "env": st.lists(
            st.fixed_dictionaries(
                {"name": st.just("A"), "value": st.just("x")},
                optional={"valueFrom": st.just({"fieldRef": {"fieldPath": "metadata.name"}})},
            ),
            max_size=2,
        ),
    },
)
_MESSY_TOLERATION = st.fixed_dictionaries(
    {},
    optional={
        "key": st.just("dedicated"),
        "operator": st.sampled_from(["Equal", "Exists"]),
        "value": st.just("gpu"),
        "tolerationSeconds": st.just(30),
        "effect": st.sampled_from(["NoSchedule", "NoExecute"]),
    },
)


@PER_KIND
@given(data=st.data())
def test_pod_fixups_repair_what_the_generator_rarely_draws(data: st.DataObject) -> None:
    """Deep lists (mounts, ports, env of containers) are rare in generated objects: the pod
    fixups get them here, made to collide, in every controller."""
    kind = data.draw(st.sampled_from(["Pod", "Deployment", "StatefulSet", "Job", "CronJob"]))
    obj = data.draw(ks.objects(kind=kind, k8s_version=VERSION))
    spec = obj if kind == "Pod" else obj["spec"]
    if kind == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod = spec["spec"] if kind == "Pod" else spec["template"]["spec"]
    pod["containers"] = data.draw(st.lists(_MESSY_CONTAINER, min_size=1, max_size=3))
    pod["initContainers"] = data.draw(st.lists(_MESSY_CONTAINER, max_size=2))
    pod["tolerations"] = data.draw(st.lists(_MESSY_TOLERATION, max_size=3))
    pod["volumes"] = [{"name": n, "emptyDir": {}} for n in data.draw(st.sets(_NAMES))]
    assert _problems(fixups.fixup(obj)) == [], obj


def test_the_validation_rules_do_find_what_the_fixups_prevent() -> None:
    """The rules the properties rely on do report what the fixups repair: hand-written objects
    with those mistakes draw them, the same objects after `fixup` none."""
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "other"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{"name": "app", "image": f"nginx:1.2{i}"} for i in (6, 7)],
                },
            },
        },
    }
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": "read"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "view"},
        "subjects": [{"kind": "ServiceAccount", "name": "reporter", "apiGroup": "x"}],
    }
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web"},
        "spec": {
            "dnsPolicy": "None",
            "volumes": [{"name": "cache", "emptyDir": {}}],
            "tolerations": [{"operator": "Equal", "value": "x", "tolerationSeconds": 5}],
            "containers": [
                {
                    "name": "app",
                    "image": "nginx:1.27",
                    "ports": [{"containerPort": 80, "name": "http"} for _ in "ab"],
                    "env": [{"name": "A", "value": "x", "valueFrom": {"fieldRef": {
                        "fieldPath": "metadata.name"}}}],
                    "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                }
            ],
        },
    }  # fmt: skip
    objs = (deployment, binding, pod)
    codes = Counter(p.split()[0] for obj in objs for p in _problems(obj))
    assert codes == {
        "KL110": 1,  # duplicate container name
        "KL111": 1,  # duplicate port name
        "KL112": 1,  # duplicate port
        "KL114": 1,  # value and valueFrom
        "KL115": 1,  # restartPolicy Never in a Deployment
        "KL117": 2,  # Equal without key, tolerationSeconds without NoExecute
        "KL118": 1,  # dnsPolicy None without dnsConfig
        "KL123": 1,  # mount of an undeclared volume
        "KL131": 1,  # selector does not match the template
        "KL171": 3,  # Role in a ClusterRoleBinding, SA with apiGroup and without namespace
    }
    for obj in objs:
        assert _problems(fixups.fixup(obj)) == []
