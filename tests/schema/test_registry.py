"""Resolution of apiVersion/kind, API lifecycle findings, bundled versions, field lookups."""

from __future__ import annotations

import pytest

from kubelint.schema import bundle
from kubelint.schema.fields import list_keys, schema_at
from kubelint.schema.registry import SchemaRegistry


def test_bundles_cover_1_25_to_1_37_and_default_to_newest() -> None:
    versions = bundle.versions()
    assert versions[0] == "1.25"
    assert versions[-1] == "1.37"
    assert len(versions) == 13
    assert bundle.default_version() == "1.37"


@pytest.mark.parametrize("text", ["1.32", "v1.32", "1.32.4", " 1.32 "])
def test_version_normalisation(text: str) -> None:
    assert bundle.normalise_version(text) == "1.32"


@pytest.mark.parametrize("text", ["1.24", "2.0", "latest", "1"])
def test_unbundled_versions_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        bundle.normalise_version(text)


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("apps/v1", "Deployment"),
        ("v1", "Service"),
        ("batch/v1", "CronJob"),
        ("networking.k8s.io/v1", "Ingress"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        ("policy/v1", "PodDisruptionBudget"),
    ],
)
def test_builtin_kinds_resolve(api_version: str, kind: str) -> None:
    res = SchemaRegistry("1.32").resolve(api_version, kind)
    assert res.schema_key == f"{api_version}:{kind}"
    assert res.issues == []


def test_removed_api_names_version_and_replacement() -> None:
    res = SchemaRegistry("1.32").resolve("apps/v1beta1", "Deployment")
    assert res.schema_key is None
    (issue,) = res.issues
    assert issue.name == "removed-api"
    assert "removed in Kubernetes 1.16" in issue.message
    assert issue.hint is not None and issue.hint.startswith("use apps/v1")


def test_api_removed_within_the_bundled_range_depends_on_target() -> None:
    served = SchemaRegistry("1.25").resolve("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema")
    assert served.schema_key is not None
    assert served.issues == []  # deprecated only from 1.26
    old = SchemaRegistry("1.26").resolve("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema")
    assert old.schema_key is not None
    assert [i.name for i in old.issues] == ["deprecated-api"]
    assert "removed in 1.29" in old.issues[0].message
    new = SchemaRegistry("1.29").resolve("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema")
    assert new.schema_key is None
    assert [i.name for i in new.issues] == ["removed-api"]


def test_api_not_yet_served_says_when_it_arrives() -> None:
    res = SchemaRegistry("1.25").resolve("flowcontrol.apiserver.k8s.io/v1", "FlowSchema")
    (issue,) = res.issues
    assert issue.name == "unknown-kind"
    assert "first served in 1.29" in issue.message


def test_kind_typo_gets_did_you_mean() -> None:
    (issue,) = SchemaRegistry("1.32").resolve("apps/v1", "Deplyment").issues
    assert issue.name == "unknown-kind"
    assert issue.hint == "did you mean Deployment?"
    assert issue.field == "kind"


def test_kind_in_the_wrong_group_names_the_right_one() -> None:
    (issue,) = SchemaRegistry("1.32").resolve("v1", "Deployment").issues
    assert issue.name == "unknown-kind"
    assert issue.hint == "use apiVersion: apps/v1"


def test_dotless_unknown_group_is_unknown_kind_not_missing_crd() -> None:
    (issue,) = SchemaRegistry("1.32").resolve("app/v1", "Deployment").issues
    assert issue.name == "unknown-kind"


def test_custom_group_without_crd_is_missing_schema() -> None:
    (issue,) = SchemaRegistry("1.32").resolve("monitoring.coreos.com/v1", "ServiceMonitor").issues
    assert issue.name == "missing-schema"
    assert "--crd" in (issue.hint or "")


CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "names": {"kind": "Widget", "plural": "widgets"},
        "scope": "Namespaced",
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "properties": {
                                    "size": {"type": "integer", "minimum": 1},
                                    "port": {"x-kubernetes-int-or-string": True},
                                    "note": {"type": "string", "nullable": True},
                                    "extra": {
                                        "type": "object",
                                        "x-kubernetes-preserve-unknown-fields": True,
                                    },
                                },
                            }
                        },
                    }
                },
            },
            {"name": "v1alpha1", "served": False, "storage": False},
        ],
    },
}


def _widget(**spec) -> dict:
    return {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "labels": {"a": "b"}},
        "spec": spec,
    }


def test_crd_schema_validates_custom_resources() -> None:
    registry = SchemaRegistry("1.32", strict=True)
    registry.add_crd(CRD)
    key = registry.resolve("example.com/v1", "Widget").schema_key
    assert key == "example.com/v1:Widget"
    compiled = registry.validator(key)
    assert compiled.is_valid(_widget(size=2, port="http", note=None, extra={"anything": [1]}))
    assert compiled.is_valid(_widget(port=8080))
    assert not compiled.is_valid(_widget(size=0))
    assert not compiled.is_valid(_widget(size="2"))
    assert not compiled.is_valid(_widget(colour="red"))  # strict: unknown field
    bad_meta = _widget(size=1)
    bad_meta["metadata"]["labels"] = {"a": True}
    assert not compiled.is_valid(bad_meta)  # metadata is checked as ObjectMeta


def test_crd_unknown_fields_pass_when_not_strict() -> None:
    registry = SchemaRegistry("1.32", strict=False)
    registry.add_crd(CRD)
    compiled = registry.validator("example.com/v1:Widget")
    assert compiled.is_valid(_widget(colour="red"))


def test_crd_version_not_served_is_reported() -> None:
    registry = SchemaRegistry("1.32")
    registry.add_crd(CRD)
    (issue,) = registry.resolve("example.com/v1alpha1", "Widget").issues
    assert issue.name == "removed-api"


def test_schema_extensions_are_available_to_later_stages() -> None:
    registry = SchemaRegistry("1.32")
    containers = schema_at(
        registry, "apps/v1", "Deployment", ("spec", "template", "spec", "containers")
    )
    assert containers is not None
    assert containers["x-kubernetes-list-type"] == "map"
    assert list_keys(containers) == ("name",)
    ports = schema_at(
        registry, "apps/v1", "Deployment", ("spec", "template", "spec", "containers", 0, "ports")
    )
    assert list_keys(ports) == ("containerPort", "protocol")
    env = schema_at(registry, "v1", "Pod", ("spec", "containers", "env"))
    assert list_keys(env) == ("name",)
    target = schema_at(registry, "v1", "Service", ("spec", "ports", 0, "targetPort"))
    assert target is not None and target["x-kubernetes-int-or-string"] is True
    assert schema_at(registry, "v1", "Service", ("spec", "nosuchfield")) is None


def test_strict_mode_closes_builtin_objects_but_not_maps() -> None:
    strict = SchemaRegistry("1.32", strict=True)
    compiled = strict.validator("v1:ConfigMap")
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "x"},
        "data": {"any-key": "v"},
    }
    assert compiled.is_valid(cm)
    assert not compiled.is_valid({**cm, "datas": {}})
    assert (
        SchemaRegistry("1.32", strict=False).validator("v1:ConfigMap").is_valid({**cm, "datas": {}})
    )
