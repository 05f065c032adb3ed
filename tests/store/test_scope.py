"""The generated scope table and group aliases."""

from __future__ import annotations

import json

from kubelint.k8s.scope import (
    builtin_kinds,
    canonical_group,
    is_builtin,
    is_namespaced,
    kind_of_resource,
    register_crd,
    register_crd_scope,
    resource_name,
)
from kubelint.schema.bundle import data_file

# kinds in the bundled schemas that are not stored resources (subresources, lists, meta types)
NOT_STORED = {
    "Binding",
    "TokenRequest",
    "Scale",
    "Status",
    "APIGroup",
    "APIGroupList",
    "APIResourceList",
    "APIVersions",
    "DeleteOptions",
    "WatchEvent",
}


def test_known_scopes():
    assert is_namespaced("apps", "Deployment") is True
    assert is_namespaced("", "Namespace") is False
    assert is_namespaced("rbac.authorization.k8s.io", "ClusterRole") is False
    assert is_namespaced("rbac.authorization.k8s.io", "Role") is True
    assert is_namespaced("storage.k8s.io", "StorageClass") is False
    assert is_namespaced("apiextensions.k8s.io", "CustomResourceDefinition") is False
    assert is_namespaced("apiregistration.k8s.io", "APIService") is False
    assert is_namespaced("policy", "PodSecurityPolicy") is False  # removed in 1.25, still known
    assert is_namespaced("example.com", "Widget") is None


def test_table_covers_every_stored_kind_of_the_bundles():
    with open(data_file("index.json"), encoding="utf-8") as fh:
        served = json.load(fh)["served"]
    missing = set()
    for key in served:
        api_version, kind = key.split(":")
        stored = not kind.endswith("List") and kind not in NOT_STORED
        if stored and is_namespaced(api_version.rpartition("/")[0], kind) is None:
            missing.add(key)
    assert missing == set()
    assert len(builtin_kinds()) >= 90


def test_crd_registration():
    crd = {
        "spec": {"group": "scope-test.example.com", "names": {"kind": "Gadget"}, "scope": "Cluster"}
    }
    assert register_crd(crd) == ("scope-test.example.com", "Gadget")
    assert is_namespaced("scope-test.example.com", "Gadget") is False
    register_crd_scope("scope-test.example.com", "Gadget", True)  # first registration wins
    assert is_namespaced("scope-test.example.com", "Gadget") is False
    register_crd_scope("apps", "Deployment", False)  # built-ins cannot be overridden
    assert is_namespaced("apps", "Deployment") is True
    assert register_crd({"spec": {"names": {}}}) is None
    assert not is_builtin("scope-test.example.com", "Gadget")


def test_canonical_group():
    assert canonical_group("extensions", "Deployment") == "apps"
    assert canonical_group("extensions", "Ingress") == "networking.k8s.io"
    assert canonical_group("extensions", "PodSecurityPolicy") == "policy"
    assert canonical_group("apps", "Deployment") == "apps"
    assert canonical_group("example.com", "Deployment") == "example.com"


def test_resource_names():
    assert resource_name("apps", "Deployment") == "deployments"
    assert resource_name("", "Endpoints") == "endpoints"  # not "endpointses"
    assert resource_name("networking.k8s.io", "NetworkPolicy") == "networkpolicies"
    assert resource_name("extensions", "Ingress") == "ingresses"  # through canonical_group
    assert resource_name("", "ComponentStatus") == "componentstatuses"
    assert kind_of_resource("storage.k8s.io", "storageclasses") == "StorageClass"
    assert resource_name("example.com", "Thing") is None
    crd = {
        "spec": {
            "group": "res-test.example.com",
            "scope": "Namespaced",
            "names": {"kind": "Thing", "plural": "things"},
        }
    }
    register_crd(crd)
    assert resource_name("res-test.example.com", "Thing") == "things"
    assert kind_of_resource("res-test.example.com", "things") == "Thing"


def test_every_scoped_kind_has_a_resource_name():
    missing = [(g, k) for g, k, _ in builtin_kinds() if resource_name(g, k) is None]
    assert missing == [("imagepolicy.k8s.io", "ImageReview")]  # no generated client upstream
