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
