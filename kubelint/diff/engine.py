"""The diff of two object sets: pair objects, compare the changed ones, judge their impact.

Cost grows with the number of *changed* objects: objects are paired by identity in one pass,
pairs whose bodies are equal as written are done (a C-level `==`), and only the rest are
normalised (defaulted, noise stripped) and walked field by field.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from kubelint.diff import impact as impacts
from kubelint.diff.convert import convert
from kubelint.diff.match import index, pair_renames
from kubelint.diff.model import DiffResult, FieldChange, ObjectChange, Op, Side, Status
from kubelint.diff.normalize import ListKeys, normalize
from kubelint.diff.positions import Locator
from kubelint.diff.selection import Selection
from kubelint.diff.walk import compare as _compare
from kubelint.k8s.scope import canonical_group, is_namespaced, register_crd
from kubelint.load.limits import Limits
from kubelint.model import Document, Finding, object_ref
from kubelint.pipeline import gc_paused
from kubelint.schema import crd
from kubelint.schema.registry import SchemaRegistry

DEFAULT_RENAME_THRESHOLD = 0.8


class DiffOptions(NamedTuple):
    """kubernetes_version: defaulting and schemas of this version (default: newest bundled).
    show_defaults: compare objects as written (no defaulting, no noise removal).
    rename_threshold: similarity (0..1) above which a removed+added pair is a rename; > 1 off.
    positions: fill file:line:column of field changes (re-reads changed documents' YAML).
    namespace: the namespace of namespaced objects that name none (kubectl's `-n`); None keeps
    "no namespace" distinct from every explicit one."""

    kubernetes_version: str | None = None
    show_defaults: bool = False
    rename_threshold: float = DEFAULT_RENAME_THRESHOLD
    positions: bool = True
    limits: Limits = Limits()
    namespace: str | None = None


Objects = str | Sequence[str] | Sequence[Mapping[str, Any]] | Sequence[Document]


def diff(old: Objects, new: Objects, options: DiffOptions | None = None, **kw: Any) -> DiffResult:
    """Diff two sets: paths (file, directory, `-`, `git:REV:PATH`), object bodies or Documents.

    Keyword arguments override fields of `options` (`diff(a, b, show_defaults=True)`)."""
    options = (options or DiffOptions())._replace(**kw)
    started = time.perf_counter()
    old_docs, old_findings, old_texts = _documents(old, "old", options.limits)
    new_docs, new_findings, new_texts = _documents(new, "new", options.limits)
    loaded = time.perf_counter()
    texts = {**old_texts, **new_texts}
    result = diff_documents(old_docs, new_docs, options, texts)
    result.findings = sorted([*old_findings, *new_findings, *result.findings], key=Finding.sort_key)
    result.texts = texts
    result.load_seconds = loaded - started
    return result


def _documents(objects: Objects, label: str, limits: Limits):
    from kubelint.diff.sources import load_side

    if isinstance(objects, str):
        objects = [objects]
    items = list(objects)
    if all(isinstance(i, str) for i in items):
        side = load_side(items, limits)
        return side.documents, side.findings, side.texts
    docs = []
    for i, item in enumerate(items):
        if isinstance(item, Document):
            docs.append(item)
        elif isinstance(item, Mapping):
            docs.append(Document(item, f"<{label}>", i, 1, object_ref(item)))
        else:
            raise TypeError(f"cannot diff a {type(item).__name__}: give paths, dicts or Documents")
    return docs, [], {}


class _Pair(NamedTuple):
    status: Status
    old: Document | None
    new: Document | None
    old_body: Mapping[str, Any] | None
    new_body: Mapping[str, Any] | None
    fields: tuple[FieldChange, ...]
    similarity: float | None = None


def diff_documents(
    old_docs: Sequence[Document],
    new_docs: Sequence[Document],
    options: DiffOptions,
    texts: Mapping[str, str] | None = None,
) -> DiffResult:
    """The diff of two lists of loaded Documents. `texts` (source → file text, as loaded) lets
    positions re-read only the changed documents."""
    with gc_paused():
        return _diff_documents(old_docs, new_docs, options, texts)


def _in_namespace(docs: Sequence[Document], namespace: str) -> list[Document]:
    """Documents whose namespaced objects name no namespace, placed in `namespace` (as
    `kubectl apply -n` does), so an explicit and an implied namespace compare equal. The
    input's CRDs must be registered first: their scope decides for custom resources."""
    out = []
    for doc in docs:
        body, ref = doc.body, doc.ref
        meta = body.get("metadata")
        if ref is None or ref.namespace or not isinstance(meta, Mapping):
            out.append(doc)
            continue
        if is_namespaced(canonical_group(ref.group, ref.kind), ref.kind) is False:
            out.append(doc)
            continue
        body = {**body, "metadata": {**meta, "namespace": namespace}}
        out.append(
            Document(
                body, doc.source, doc.index, doc.line, object_ref(body), doc.base_path, doc.locator
            )
        )
    return out


def _diff_documents(
    old_docs: Sequence[Document],
    new_docs: Sequence[Document],
    options: DiffOptions,
    texts: Mapping[str, str] | None,
) -> DiffResult:
    started = time.perf_counter()
    registry = SchemaRegistry(options.kubernetes_version)
    for doc in (*old_docs, *new_docs):
        if crd.is_crd(doc.body):
            registry.add_crd(doc.body)
            register_crd(doc.body)
    if options.namespace:
        old_docs = _in_namespace(old_docs, options.namespace)
        new_docs = _in_namespace(new_docs, options.namespace)
    keys = ListKeys(registry)
    version = registry.version
    cache: dict[int, Mapping[str, Any]] = {}

    def body(doc: Document) -> Mapping[str, Any]:
        if options.show_defaults:
            return doc.body
        found = cache.get(id(doc))
        if found is None:
            found = cache[id(doc)] = normalize(doc.body, version)
        return found

    old_index, findings = index(old_docs)
    new_index, new_findings = index(new_docs)
    findings += new_findings
    pairs: list[_Pair] = []
    unchanged = 0
    for key, old_doc in old_index.items():
        new_doc = new_index.get(key)
        if new_doc is None:
            continue
        # C-level deep equality; it holds True == 1, which no schema-valid field can tell apart
        if old_doc.body == new_doc.body:
            unchanged += 1
            continue
        a, b = body(old_doc), body(new_doc)
        migrated = a.get("apiVersion") != b.get("apiVersion")
        if migrated and not options.show_defaults:
            a = convert(a, str(b.get("apiVersion")))
        fields = tuple(compare(a, b, keys.for_object(b)))
        if not fields:
            unchanged += 1
            continue
        pairs.append(
            _Pair(Status.MIGRATED if migrated else Status.CHANGED, old_doc, new_doc, a, b, fields)
        )
    removed = [d for k, d in old_index.items() if k not in new_index]
    added = [d for k, d in new_index.items() if k not in old_index]
    renamed = pair_renames(removed, added, body, keys.for_object, options.rename_threshold)
    gone = {id(d) for a, b, _ in renamed for d in (a, b)}
    for old_doc, new_doc, similarity in renamed:
        a, b = body(old_doc), body(new_doc)
        fields = tuple(compare(a, b, keys.for_object(b)))
        pairs.append(_Pair(Status.RENAMED, old_doc, new_doc, a, b, fields, similarity))
    for doc in removed:
        if id(doc) not in gone:
            whole = (FieldChange(Op.REMOVE, (), doc.body, None, (), None),)
            pairs.append(_Pair(Status.REMOVED, doc, None, body(doc), None, whole))
    for doc in added:
        if id(doc) not in gone:
            whole = (FieldChange(Op.ADD, (), None, doc.body, None, ()),)
            pairs.append(_Pair(Status.ADDED, None, doc, None, body(doc), whole))
    locator = Locator(texts) if options.positions else None
    changes = _judge(pairs, old_index.values(), new_index.values(), locator)
    result = DiffResult(changes, findings, len(old_index), len(new_index), version)
    result.unchanged = unchanged
    result.documents = (old_docs, new_docs)
    result.diff_seconds = time.perf_counter() - started
    return result


def compare(old: Mapping[str, Any], new: Mapping[str, Any], keys_for) -> list[FieldChange]:
    """Field changes sorted by path (independent of key order in either file)."""
    return sorted(_compare(old, new, keys_for), key=lambda f: (f.path_text, f.op.value))


def _judge(
    pairs: list[_Pair],
    old_docs: Iterable[Document],
    new_docs: Iterable[Document],
    locator: Locator | None,
) -> list[ObjectChange]:
    old_selection = Selection((d.ref, d.body) for d in old_docs if d.ref)
    new_selection = Selection((d.ref, d.body) for d in new_docs if d.ref)
    changes = []
    for pair in pairs:
        doc = pair.new or pair.old
        assert doc is not None and doc.ref is not None
        subject = impacts.Subject(
            pair.status,
            doc.ref,
            pair.old_body,
            pair.new_body,
            pair.fields,
            old_selection,
            new_selection,
        )
        fields = _locate(pair, locator) if locator else pair.fields
        changes.append(
            ObjectChange(
                pair.status,
                _side(pair.old),
                _side(pair.new),
                fields,
                impacts.impacts(subject),
                pair.similarity,
                pair.old_body,
                pair.new_body,
            )
        )
    return sorted(changes, key=ObjectChange.sort_key)


def _side(doc: Document | None) -> Side | None:
    if doc is None or doc.ref is None:
        return None
    return Side(doc.ref, doc.source, doc.line, doc.index)


def _locate(pair: _Pair, locator: Locator) -> tuple[FieldChange, ...]:
    return tuple(
        change._replace(
            old_position=locator.position(pair.old, change.old_path),
            new_position=locator.position(pair.new, change.new_path),
        )
        for change in pair.fields
    )


__all__ = ["DiffOptions", "diff", "diff_documents"]
