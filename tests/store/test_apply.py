"""Simulated kubectl apply: verbs, refusals, duplicates, prune, scopes, and properties."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint import strategies as ks
from kubelint.k8s.selectors import Selector
from kubelint.load import load_file, load_text
from kubelint.load.files import discover
from kubelint.store import ObjectKey, Prune, Store, apply

SLOW_OK = settings(suppress_health_check=[HealthCheck.too_slow])

APP = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: web:1
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  selector: {app: web}
  ports:
  - port: 80
"""
DEPLOYMENT = ObjectKey("apps", "Deployment", "shop", "web")


def docs(text: str, source: str = "app.yaml"):
    return load_text(text, source).documents


def verbs(result) -> dict[str, str]:
    return {str(a.key): a.verb for a in result.actions}


def test_create_then_unchanged_then_configured():
    first = apply(Store(), docs(APP))
    assert [a.line() for a in first.actions] == [
        "namespace/shop created",
        "deployment.apps/web created",
        "service/web created",
    ]
    assert first.findings == []
    again = apply(first.store, docs(APP))
    assert set(verbs(again).values()) == {"unchanged"}
    assert again.store == first.store
    scaled = apply(first.store, docs(APP.replace("replicas: 2", "replicas: 3")))
    assert verbs(scaled)["deployment.apps/web"] == "configured"
    stored = scaled.store.get(DEPLOYMENT)
    assert stored.body["spec"]["replicas"] == 3
    assert stored.body["spec"]["strategy"]["type"] == "RollingUpdate"  # defaulted
    assert stored.generation == 2
    # the snapshots are independent
    assert first.store.get(DEPLOYMENT).body["spec"]["replicas"] == 2


def test_registry_fields_and_status_dropped():
    result = apply(Store(), docs(APP + "status: {loadBalancer: {}}\n"))
    svc = result.store.get(ObjectKey("", "Service", "shop", "web")).body
    assert "status" not in svc
    assert (svc["spec"]["ipFamilyPolicy"], svc["spec"]["ipFamilies"]) == ("SingleStack", ["IPv4"])
    ns = result.store.get(ObjectKey("", "Namespace", "", "shop")).body
    assert ns["spec"] == {"finalizers": ["kubernetes"]}
    job = apply(
        Store(),
        [
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": {"name": "j"},
                "spec": {"template": {"spec": {"containers": []}}},
            }
        ],
    )
    body = job.store.get(ObjectKey("batch", "Job", "default", "j")).body
    uid = job.store.get(ObjectKey("batch", "Job", "default", "j")).uid
    assert body["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    assert body["spec"]["template"]["metadata"]["labels"]["job-name"] == "j"


def test_immutable_change_is_refused_with_location():
    first = apply(Store(), docs(APP))
    changed = APP.replace("matchLabels: {app: web}", "matchLabels: {app: web, tier: x}")
    changed = changed.replace(
        "labels: {app: web}\n    spec:", "labels: {app: web, tier: x}\n    spec:"
    )
    result = apply(first.store, docs(changed, "v2.yaml"))
    assert verbs(result)["deployment.apps/web"] == "rejected"
    (found,) = result.findings
    assert (found.code, found.name, found.source, found.line) == (
        "KL700",
        "immutable-field",
        "v2.yaml",
        14,
    )
    assert found.message.startswith(
        'The Deployment "web" is invalid: spec.selector: Invalid value:'
    )
    assert found.path == ("spec", "selector")
    assert result.store.get(DEPLOYMENT) == first.store.get(DEPLOYMENT)  # old object kept


def test_duplicates_in_one_apply_last_wins():
    twice = APP + "---\n" + APP.split("---\n")[1].replace("replicas: 2", "replicas: 5")
    result = apply(Store(), docs(twice))
    lines = [a.line() for a in result.actions]
    assert (
        lines[1] == "deployment.apps/web created" and lines[3] == "deployment.apps/web configured"
    )
    (dup,) = result.findings
    assert dup.name == "duplicate-in-apply" and "app.yaml:6" in dup.message
    assert result.store.get(DEPLOYMENT).body["spec"]["replicas"] == 5


def test_prune_with_selector():
    extra = (
        APP
        + """---
apiVersion: v1
kind: ConfigMap
metadata: {name: old, namespace: shop, labels: {app: web}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other-team, namespace: shop, labels: {app: db}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa, namespace: shop, labels: {app: web}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: elsewhere, namespace: other, labels: {app: web}}
"""
    )
    first = apply(Store(), docs(extra))
    pruned = apply(
        first.store, docs(APP), prune=Prune(Selector.parse({"matchLabels": {"app": "web"}}))
    )
    assert [a.line() for a in pruned.actions if a.verb == "pruned"] == ["configmap/old pruned"]
    # not selected, not in the allowlist, or in a namespace this apply did not visit: kept
    kept = {k.name for k in pruned.store.objects()}
    assert {"other-team", "sa", "elsewhere"} <= kept
    assert apply(first.store, docs(APP), prune=Prune()).actions[-1].verb != "pruned"  # needs -l
    everything = apply(first.store, docs(APP), prune=Prune(all_=True))
    assert sorted(str(a.key) for a in everything.actions if a.verb == "pruned") == [
        "configmap/old",
        "configmap/other-team",
    ]


def test_scopes_namespaces_and_crds():
    text = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader, namespace: shop}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
---
apiVersion: example.com/v1
kind: Gizmo
metadata: {name: g, namespace: ghost}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {kind: Widget, plural: widgets}
  versions: []
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: legacy}
"""
    result = apply(Store(default_namespace="team"), docs(text))
    keys = {str(a.key): a.key for a in result.actions}
    assert keys["clusterrole.rbac.authorization.k8s.io/reader"].namespace == ""
    assert keys["widget.example.com/w"].namespace == ""  # the CRD later in the input counts
    assert keys["gizmo.example.com/g"].namespace == "ghost"
    assert keys["ingress.networking.k8s.io/legacy"].namespace == "team"
    assert sorted((f.name, f.line) for f in result.findings) == [
        ("apply-namespace-not-found", 11),
        ("apply-namespace-not-found", 24),
        ("namespace-ignored", 3),
        ("unknown-scope", 10),
    ]


def test_generate_name_and_nameless():
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {generateName: p-}\n---\napiVersion: v1\nkind: Pod\n"
    )
    result = apply(Store(), docs(text))
    assert [a.verb for a in result.actions] == ["skipped", "skipped"]
    assert [f.message for f in result.findings] == ["cannot use generate name with apply"]


def test_indexes():
    store = apply(Store(), docs(APP)).store
    assert [o.key.name for o in store.of_kind("apps", "Deployment")] == ["web"]
    # key order is (group, kind, namespace, name): the core group "" sorts first
    assert [str(o.key) for o in store.in_namespace("shop")] == [
        "service/web",
        "deployment.apps/web",
    ]
    assert [str(o.key) for o in store.in_namespace("")] == ["namespace/shop"]
    assert store.namespaces() == ["shop"]
    web = Selector.parse({"matchLabels": {"app": "web"}})
    assert [o.key.kind for o in store.select(web, "shop")] == ["Service", "Deployment"]
    assert [o.key.kind for o in store.select(web, kind="Service")] == ["Service"]
    owner = store.get(DEPLOYMENT)
    child = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": "web-1",
            "namespace": "shop",
            "ownerReferences": [
                {"kind": "Deployment", "name": "web", "uid": owner.uid, "apiVersion": "apps/v1"}
            ],
        },
    }
    store = apply(store, [child]).store
    assert [o.key.name for o in store.owned_by(store.get(DEPLOYMENT))] == ["web-1"]


# -- properties ------------------------------------------------------------------------------
@SLOW_OK
@given(ks.manifest_sets())
def test_apply_is_idempotent(objects):
    once = apply(Store(), objects)
    twice = apply(once.store, objects)
    assert twice.store == once.store
    assert {a.verb for a in twice.actions} <= {"unchanged", "configured"}
    # a second apply of the same input changes nothing except objects it applied twice
    duplicated = {a.key for a in once.actions if a.verb in ("configured", "rejected")}
    assert {a.key for a in twice.actions if a.verb == "configured"} <= duplicated


@SLOW_OK
@given(ks.manifest_sets(), st.randoms(use_true_random=False))
def test_distinct_objects_apply_in_any_order(objects, rnd: random.Random):
    keys = [(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objects]
    if len(set(keys)) != len(keys):
        return
    shuffled = list(objects)
    rnd.shuffle(shuffled)
    a, b = apply(Store(), objects), apply(Store(), shuffled)
    assert a.store == b.store
    assert verbs(a) == verbs(b)
    assert sorted((f.name, f.message) for f in a.findings) == sorted(
        (f.name, f.message) for f in b.findings
    )


# -- the corpus ------------------------------------------------------------------------------
def test_corpus_applies_without_crash(corpus: Path):
    folders = [
        str(p)
        for p in sorted(corpus.iterdir())
        if p.is_dir() and p.name not in ("broken", "templated")
    ]
    documents = [d for f in discover(folders).files for d in load_file(f).documents]
    result = apply(Store(), documents)
    counts = Counter(o.key.kind for o in result.store)
    assert len(documents) > 1500
    assert (
        counts["Deployment"] > 80
        and counts["Service"] > 100
        and counts["CustomResourceDefinition"] > 50
    )
    assert sum(result.counts().values()) == len(documents)
    again = apply(result.store, documents)
    assert "created" not in again.counts()
    assert all(f.line >= 1 and f.code.startswith("KL70") for f in result.findings)


@SLOW_OK
@given(st.lists(ks.objects(valid=False), min_size=1, max_size=3))
def test_invalid_objects_never_crash_apply(bad):
    objects = [b.object for b in bad]
    result = apply(Store(), objects)
    assert sum(result.counts().values()) == len(objects)
    assert apply(result.store, objects).store == result.store
