"""`kubectl apply`, simulated: what each object becomes, and what the apiserver refuses.

apply(store, documents) processes documents in order, as kubectl does: each object is
defaulted, compared with what the store holds under the same identity, and recorded as
`created`, `configured` or `unchanged` (kubectl's words). Updates that touch immutable fields
are refused (the stored object stays) and reported. CustomResourceDefinitions in the input
register their kind's scope before anything is applied, so the outcome does not depend on
where in the input the CRD sits. With `prune`, stored objects of the allow-listed kinds that
match the selector, live in a namespace the apply visited, and are absent from the input are
deleted (`pruned`), as `kubectl apply --prune -l SELECTOR` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from kubelint.codes import Code, finding, register
from kubelint.k8s.scope import canonical_group, crd_scope, is_builtin
from kubelint.k8s.selectors import Selector
from kubelint.model import Document, Finding, JsonPath, Severity
from kubelint.store.defaults import defaulted_view
from kubelint.store.immutable import immutable_violations
from kubelint.store.registry import registry_fields
from kubelint.store.store import ObjectKey, Store, StoredObject, stable_uid

register(
    Code("KL700", "immutable-field", Severity.ERROR, "An update changes a field the apiserver "
         "keeps immutable (kubectl apply fails)"),
    Code("KL701", "duplicate-in-apply", Severity.WARNING, "Two objects of one apply share an "
         "identity: the later one overwrites the earlier"),
    Code("KL702", "apply-generate-name", Severity.ERROR, "kubectl apply cannot create objects "
         "that only have metadata.generateName"),
    Code("KL703", "namespace-ignored", Severity.INFO, "A cluster-scoped object names a "
         "namespace; the apiserver drops it"),
    Code("KL704", "unknown-scope", Severity.INFO, "The kind's scope is unknown (no CRD in the "
         "input); stored as namespaced"),
    Code("KL705", "apply-namespace-not-found", Severity.WARNING, "An object's namespace is "
         "neither stored nor created by the apply (namespaces \"x\" not found)"),
)  # fmt: skip

# kubectl's default prune allowlist (staging/src/k8s.io/kubectl/pkg/util/prune/prune.go)
PRUNE_ALLOWLIST: tuple[tuple[str, str], ...] = (
    ("", "ConfigMap"), ("", "Endpoints"), ("", "PersistentVolumeClaim"), ("", "Pod"),
    ("", "ReplicationController"), ("", "Secret"), ("", "Service"), ("batch", "Job"),
    ("batch", "CronJob"), ("networking.k8s.io", "Ingress"), ("apps", "DaemonSet"),
    ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet"),
    ("", "Namespace"), ("", "PersistentVolume"),
)  # fmt: skip
# namespaces every cluster has
SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")

CREATED, CONFIGURED, UNCHANGED, REJECTED, PRUNED, SKIPPED = (
    "created",
    "configured",
    "unchanged",
    "rejected",
    "pruned",
    "skipped",
)


class Prune(NamedTuple):
    """`--prune -l selector` (selector None with all_=True is `--prune --all`)."""

    selector: Selector | None = None
    all_: bool = False
    allowlist: tuple[tuple[str, str], ...] = PRUNE_ALLOWLIST


class Action(NamedTuple):
    """What happened to one object; `key` is None for a document kubectl cannot apply."""

    key: ObjectKey | None
    verb: str
    document: Document | None

    def line(self, dry_run: str = "") -> str:
        """kubectl's output line: `deployment.apps/web created (dry run)`."""
        suffix = f" ({dry_run})" if dry_run else ""
        return f"{self.key} {self.verb}{suffix}" if self.key else f"<unnamed> {self.verb}"


class ApplyResult(NamedTuple):
    store: Store
    actions: list[Action]
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for action in self.actions:
            out[action.verb] = out.get(action.verb, 0) + 1
        return dict(sorted(out.items()))


def _as_documents(items: Iterable[Document | Mapping[str, Any]]) -> list[Document]:
    return [
        i if isinstance(i, Document) else Document(i, "<memory>", n, 1) for n, i in enumerate(items)
    ]


def apply(
    store: Store,
    documents: Iterable[Document | Mapping[str, Any]],
    prune: Prune | None = None,
    known_namespaces: Iterable[str] = SYSTEM_NAMESPACES,
) -> ApplyResult:
    """Apply `documents` to `store` (which is not changed); see the module docstring."""
    docs = _as_documents(documents)
    scopes = dict(store.crd_scopes)
    for doc in docs:
        if _group_kind(doc.body) == ("apiextensions.k8s.io", "CustomResourceDefinition"):
            found = crd_scope(doc.body)
            if found is not None:
                scopes.setdefault(found[:2], found[2])
    run = _Run(store.replace(store.objects(), scopes))
    for doc in docs:
        run.apply_one(doc)
    if prune is not None:
        run.prune(prune)
    run.check_namespaces(set(known_namespaces))
    findings = sorted(run.findings, key=Finding.sort_key)
    return ApplyResult(run.store.replace(run.objects), run.actions, findings)


def _group_kind(body: Mapping[str, Any]) -> tuple[str, str] | None:
    api_version, kind = body.get("apiVersion"), body.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not kind:
        return None
    return canonical_group(api_version.rpartition("/")[0], kind), kind


class _Run:
    """The mutable state of one apply."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.objects: dict[ObjectKey, StoredObject] = dict(store.objects())
        self.actions: list[Action] = []
        self.findings: list[Finding] = []
        self.seen: dict[ObjectKey, Document] = {}

    def report(
        self, name: str, doc: Document, path: JsonPath, message: str, hint: str | None = None
    ) -> None:
        where = doc.locate(path, True)
        self.findings.append(
            finding(
                name,
                doc.source,
                where,
                message,
                ref=doc.ref,
                path=path,
                document=doc.index,
                hint=hint,
            )
        )

    def key_of(self, doc: Document) -> ObjectKey | None:
        group_kind = _group_kind(doc.body)
        meta = doc.body.get("metadata")
        meta = meta if isinstance(meta, Mapping) else {}
        name = meta.get("name")
        if group_kind is None or not isinstance(name, str) or not name:
            if group_kind is not None and meta.get("generateName"):
                self.report(
                    "apply-generate-name",
                    doc,
                    ("metadata", "generateName"),
                    "cannot use generate name with apply",
                )
            return None
        group, kind = group_kind
        namespace = meta.get("namespace") if isinstance(meta.get("namespace"), str) else ""
        scope = self.store.is_namespaced(group, kind)
        if scope is False:
            if namespace:
                self.report(
                    "namespace-ignored",
                    doc,
                    ("metadata", "namespace"),
                    f"{kind} is cluster-scoped: metadata.namespace {namespace!r} is ignored",
                )
            namespace = ""
        else:
            if scope is None:
                self.report(
                    "unknown-scope",
                    doc,
                    ("kind",),
                    f"scope of {kind}.{group or 'core'} is unknown (no CRD in the "
                    "input); stored as namespaced",
                )
            namespace = namespace or self.store.default_namespace
        return ObjectKey(group, kind, namespace, name)

    def apply_one(self, doc: Document) -> None:
        key = self.key_of(doc)
        if key is None:
            self.actions.append(Action(None, SKIPPED, doc))
            return
        if key in self.seen:
            first = self.seen[key]
            self.report(
                "duplicate-in-apply",
                doc,
                ("metadata", "name"),
                f"{key} is also applied by {_where(first)}; kubectl "
                "applies both in order and the later one wins",
            )
        self.seen[key] = doc
        body = self.stored_body(doc, key)
        old = self.objects.get(key)
        if old is None:
            self.objects[key] = StoredObject(key, body, doc)
            self.actions.append(Action(key, CREATED, doc))
            return
        if old.body == body:
            self.objects[key] = old._replace(document=doc)
            self.actions.append(Action(key, UNCHANGED, doc))
            return
        violations = immutable_violations(old.body, body)
        if violations:
            origin = f" (the stored object is from {_where(old.document)})" if old.document else ""
            for path, message in violations:
                self.report(
                    "immutable-field",
                    doc,
                    path,
                    f'The {key.kind} "{key.name}" is invalid: {message}{origin}',
                    hint="delete and re-create the object, or revert the field",
                )
            self.actions.append(Action(key, REJECTED, doc))
            return
        generation = old.generation + int(old.body.get("spec") != body.get("spec"))
        self.objects[key] = StoredObject(key, body, doc, generation)
        self.actions.append(Action(key, CONFIGURED, doc))

    def stored_body(self, doc: Document, key: ObjectKey) -> dict[str, Any]:
        """The object as the apiserver would store it: defaulted, plus registry fields."""
        body = defaulted_view(_with_namespace(doc.body, key), self.store.kubernetes_version)
        builtin = is_builtin(key.group, key.kind)
        return registry_fields(body, key.group, key.kind, stable_uid(key), builtin)

    def prune(self, options: Prune) -> None:
        if options.selector is None and not options.all_:
            return  # kubectl: "all resources selected for prune without explicitly passing --all"
        visited = {key.namespace for key in self.seen if key.namespace}
        allowed = set(options.allowlist)
        for key in sorted(self.objects):
            if key in self.seen or (key.group, key.kind) not in allowed:
                continue
            if key.namespace and key.namespace not in visited:
                continue
            obj = self.objects[key]
            if options.selector is not None and not options.selector.matches(obj.labels):
                continue
            del self.objects[key]
            self.actions.append(Action(key, PRUNED, None))

    def check_namespaces(self, known: set[str]) -> None:
        stored = {k.name for k in self.objects if k.group == "" and k.kind == "Namespace"}
        for key, doc in self.seen.items():
            if key.namespace and key.namespace not in stored and key.namespace not in known:
                self.report(
                    "apply-namespace-not-found",
                    doc,
                    ("metadata", "namespace"),
                    f'namespaces "{key.namespace}" not found',
                    hint="add the Namespace to the input or create it first",
                )


def _with_namespace(body: Mapping[str, Any], key: ObjectKey) -> dict[str, Any]:
    """The body as stored: metadata.namespace set to the key's namespace (or dropped)."""
    out = dict(body)
    meta = dict(out.get("metadata") or {}) if isinstance(out.get("metadata"), Mapping) else {}
    if key.namespace:
        meta["namespace"] = key.namespace
    else:
        meta.pop("namespace", None)
    out["metadata"] = meta
    return out


def _where(doc: Document) -> str:
    return f"{doc.source}:{doc.line}"
