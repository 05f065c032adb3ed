"""`kubelint diff -n NS`: an implied namespace equals an explicit one, as for `kubectl apply -n`."""

from __future__ import annotations

from kubelint.diff import diff

IMPLIED = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '1'}\n"
EXPLICIT = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata: {a: '1'}\n"
CLUSTER_SCOPED = (
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n"
)


def _files(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_default_namespace_makes_implied_and_explicit_equal(tmp_path):
    old = _files(tmp_path, "old.yaml", IMPLIED + "---\n" + CLUSTER_SCOPED)
    new = _files(tmp_path, "new.yaml", EXPLICIT + "---\n" + CLUSTER_SCOPED)
    without = diff(old, new)
    assert sorted(c.status for c in without.changes if c.status != "unchanged") == [
        "added",
        "removed",
    ]
    within = diff(old, new, namespace="shop")
    assert [c.status for c in within.changes if c.status != "unchanged"] == []
    other = diff(old, new, namespace="dev")  # the implied namespace is dev: still two objects
    assert sorted(c.status for c in other.changes if c.status != "unchanged") == [
        "added",
        "removed",
    ]


def test_cli_rejects_an_invalid_namespace(tmp_path, kubelint_main):
    old = _files(tmp_path, "old.yaml", IMPLIED)
    code, _, err = kubelint_main(["diff", "-n", "Not_Valid", old, old])
    assert code == 2 and "Invalid value for --namespace" in err


GIZMO_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.diff-namespace.test}
spec:
  group: diff-namespace.test
  scope: Cluster
  names: {kind: Gizmo, plural: gizmos, singular: gizmo, listKind: GizmoList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
---
"""


def test_cluster_scoped_custom_resources_get_no_namespace(tmp_path):
    # the input's CRD says Gizmo is cluster-scoped: -n must not place it in a namespace (a group
    # of its own: CRD scopes are registered for the whole process)
    gizmo = "apiVersion: diff-namespace.test/v1\nkind: Gizmo\nmetadata: {{name: g}}\n"
    gizmo += "spec: {{size: {}}}\n"
    old = _files(tmp_path, "old.yaml", GIZMO_CRD + gizmo.format(1))
    new = _files(tmp_path, "new.yaml", GIZMO_CRD + gizmo.format(2))
    result = diff(old, new, namespace="prod")
    (change,) = [c for c in result.changes if c.status != "unchanged"]
    assert change.ref.kind == "Gizmo" and not change.ref.namespace
    assert "namespace" not in change.new_body["metadata"]


def test_the_compared_documents_carry_the_namespace(tmp_path):
    # what `diff --simulate` simulates: the documents as compared, -n applied
    old = _files(tmp_path, "old.yaml", IMPLIED + "---\n" + CLUSTER_SCOPED)
    result = diff(old, old, namespace="shop")
    assert [(d.ref.kind, d.ref.namespace) for d in result.documents[1]] == [
        ("ConfigMap", "shop"),
        ("ClusterRole", None),
    ]
