"""Small indexes the cross-object rules build from a `Context` in one pass over the kinds they
need (never over all objects per object). Each is computed once per lint run and cached on the
context object."""

from __future__ import annotations

from collections.abc import Mapping

from kubelint.k8s.labelindex import LabelIndex
from kubelint.k8s.selectors import Selector, SelectorError
from kubelint.rules.builtin._podlabels import cached, select_pods
from kubelint.rules.builtin._podrefs import PodRef, pod_refs
from kubelint.rules.context import Context
from kubelint.rules.engine import ObjectView

SECRET_PRODUCERS = (
    ("cert-manager.io", "Certificate", ("spec", "secretName")),
    ("external-secrets.io", "ExternalSecret", ("spec", "target", "name")),
    ("bitnami.com", "SealedSecret", ("spec", "template", "metadata", "name")),
)
"""Custom resources whose controllers create a Secret: (group, kind, path of the Secret's name);
the object's own name is used when the path is absent."""

IMPLICIT = {
    ("ConfigMap", "kube-root-ca.crt"),  # published into every namespace (1.20+)
    ("ServiceAccount", "default"),  # created in every namespace
}


def pod_owners(ctx: Context) -> list[ObjectView]:
    """Objects that create pods (a Pod is its own owner), in input order. PodTemplate objects
    only describe pods, so they are left out."""

    def build(c: Context) -> list[ObjectView]:
        return [o for o in c.objects if o.kind != "PodTemplate" and o.template is not None]

    return cached(ctx, "pod_owners", build)


def pod_references(ctx: Context) -> list[tuple[ObjectView, list[PodRef]]]:
    """Each pod owner with the references of its pod template (computed once per run)."""

    def build(c: Context) -> list[tuple[ObjectView, list[PodRef]]]:
        return [(obj, pod_refs(obj)) for obj in pod_owners(c)]

    return cached(ctx, "pod_references", build)


def produced_secrets(ctx: Context) -> set[tuple[str, str]]:
    """(namespace, name) of Secrets that custom resources in the input will create."""

    def build(c: Context) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for group, kind, path in SECRET_PRODUCERS:
            for obj in c.by_kind.get((group, kind), ()):
                name = obj.get(*path)
                out.add((obj.namespace, name if isinstance(name, str) and name else obj.name))
        return out

    return cached(ctx, "produced_secrets", build)


def defined(ctx: Context, kind: str, namespace: str, name: str) -> bool:
    """Whether an object of `kind` called `name` exists in `namespace`, in the input or
    implicitly (built-in per-namespace objects, Secrets made by controllers)."""
    if (kind, name) in IMPLICIT or ctx.named(kind, namespace, name):
        return True
    return kind == "Secret" and (namespace, name) in produced_secrets(ctx)


def services_by_labels(ctx: Context) -> LabelIndex[ObjectView]:
    """Services filed under their metadata labels (what ServiceMonitors select)."""

    def build(c: Context) -> LabelIndex[ObjectView]:
        index: LabelIndex[ObjectView] = LabelIndex()
        for svc in c.by_kind.get(("", "Service"), ()):
            index.add(svc, svc.namespace, svc.labels)
        return index

    return cached(ctx, "services_by_labels", build)


def hpa_targets(ctx: Context) -> dict[tuple[str, str, str], list[ObjectView]]:
    """(kind, namespace, name) of each HorizontalPodAutoscaler's scale target → the HPAs."""

    def build(c: Context) -> dict[tuple[str, str, str], list[ObjectView]]:
        out: dict[tuple[str, str, str], list[ObjectView]] = {}
        for hpa in c.by_kind.get(("autoscaling", "HorizontalPodAutoscaler"), ()):
            ref = hpa.spec.get("scaleTargetRef")
            if isinstance(ref, Mapping) and ref.get("kind") and ref.get("name"):
                key = (str(ref["kind"]), hpa.namespace, str(ref["name"]))
                out.setdefault(key, []).append(hpa)
        return out

    return cached(ctx, "hpa_targets", build)


def label_selector(obj: ObjectView, *path: str) -> Selector | None:
    """The LabelSelector at `path`, None when it is invalid (validation reports that)."""
    return parsed_selector(obj.get(*path))


def parsed_selector(value: object) -> Selector | None:
    """A LabelSelector value parsed, None when it is invalid (validation reports that)."""
    try:
        return Selector.parse(value)
    except SelectorError:
        return None


def workload_selector(obj: ObjectView) -> Selector | None:
    """The selector a controller uses to count its pods, None for kinds without one (bare Pods,
    Jobs with generated selectors, CronJobs) or invalid selectors."""
    if obj.group == "" and obj.kind == "ReplicationController":
        selector = obj.spec.get("selector")
        template = obj.template
        try:
            return Selector.from_map(selector or (template.labels if template else None))
        except SelectorError:
            return None
    if obj.kind in ("Pod", "CronJob") or obj.template is None:
        return None
    spec = obj.spec
    if obj.kind == "Job" and spec.get("manualSelector") is not True:
        return None
    selector = spec.get("selector")
    return None if selector is None else parsed_selector(selector)


def replicas(obj: ObjectView) -> int | None:
    """spec.replicas with its default of 1 for scalable kinds; None for other kinds."""
    if obj.kind not in ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"):
        return None
    value = obj.spec.get("replicas", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


def elsewhere_hint(ctx: Context, obj: ObjectView, selector: Selector) -> str | None:
    """A hint naming pod owners that `selector` matches in namespaces other than `obj`'s."""
    others = [w for w in select_pods(ctx, None, selector) if w.namespace != obj.namespace]
    if not others:
        return None
    names = ", ".join(f"{w.kind} {w.namespace}/{w.name}" for w in others[:3])
    more = f" and {len(others) - 3} more" if len(others) > 3 else ""
    return f"it matches {names}{more} in another namespace: is the namespace wrong?"


def where(obj: ObjectView) -> str:
    """file:line where `obj` starts, for messages that point at another object. (The start
    line is known without locating a field, which would re-read large files out of order.)"""
    return f"{obj.doc.source}:{obj.doc.line}"
