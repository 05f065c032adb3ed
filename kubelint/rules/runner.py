"""`kubelint lint` as a library call: the check pipeline, then the rules, then suppressions.

    rules = load_rules()  # kubelint.rules.catalogue
    result = run_lint(CheckOptions(paths=["k8s/"]), make_plan([r for r in rules if r.default]))

Where the work happens, for speed on large inputs:
- in the process that checks a file (a worker for large inputs): its object rules run right after
  schema validation, annotation suppressions drop findings before they are located, and the
  survivors are located while the file's text is at hand (`LintExtension`);
- in the main process, once every file is back: set rules over a `Context` of all objects (the
  documents travel back only when a set rule is enabled), comment suppressions, unused
  suppressions, severity overrides and the baseline.

A rule that raises is a kubelint bug: it becomes a `rule-error` finding naming the rule and the
object, and the run goes on.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from kubelint import codes
from kubelint.lifetime import let_go
from kubelint.load import LoadedFile, Positions
from kubelint.load.parse import RawDocument, YamlText
from kubelint.model import Document, Finding, Location, ObjectRef, Severity
from kubelint.pipeline import CheckOptions, CheckResult, FileExtension, gc_paused, run_check
from kubelint.rules import suppress
from kubelint.rules.context import Context
from kubelint.rules.engine import ObjectView, Rule, Settings, Violation
from kubelint.rules.suppress import FileSuppressions, Suppression

KEEP_NODES_BYTES = 1024 * 1024
"""Files up to this size keep their parse's node trees while their findings are located (rule
findings are many: composing each file again would cost about as much as parsing it)."""
RULES_SOURCE = "<kubelint>"  # where errors of set rules that name no object are reported


# -- effective namespace -----------------------------------------------------------------------
def _scope_lookup() -> Callable[[str, str], bool | None]:
    try:
        from kubelint.k8s.scope import canonical_group, is_namespaced
    except ImportError:  # pragma: no cover - the table ships with kubelint
        return lambda group, kind: kind not in _CLUSTER_KINDS
    return lambda group, kind: is_namespaced(canonical_group(group, kind), kind)


_CLUSTER_KINDS = frozenset({"Namespace", "Node", "PersistentVolume", "ClusterRole"})
_is_namespaced = _scope_lookup()


def _namespace(namespaced: bool | None, metadata: Mapping[str, Any], settings: Settings) -> str:
    """metadata.namespace; else the default namespace for namespaced (and unknown) kinds; ""
    for cluster-scoped kinds, whatever their metadata says (the apiserver ignores it)."""
    if namespaced is False:
        return ""
    namespace = metadata.get("namespace")
    return namespace if isinstance(namespace, str) and namespace else settings.default_namespace


def view_of(doc: Document, settings: Settings) -> ObjectView:
    return _scoped_view(doc, settings)[0]


def _scoped_view(doc: Document, settings: Settings) -> tuple[ObjectView, bool | None]:
    """A document's view with its effective namespace, and whether its kind's scope is known
    (None: taken as namespaced). The view reads apiVersion and kind once for both."""
    view = ObjectView(doc, "", settings)
    namespaced = _is_namespaced(view.group, view.kind)
    view.namespace = _namespace(namespaced, view.metadata, settings)
    return view, namespaced


# -- the plan ----------------------------------------------------------------------------------
class RulePlan:
    """The enabled rules of one run, the settings they read, and every name suppressions may use
    (name or code → code). Plain data: it is sent to worker processes."""

    def __init__(
        self,
        rules: Iterable[Rule],
        settings: Settings,
        known: Mapping[str, str],
        disabled: Iterable[str] = (),
    ) -> None:
        rules = sorted(rules, key=lambda r: r.code)
        self.disabled = frozenset(disabled)  # codes of known rules that do not run
        self.object_rules = [r for r in rules if r.scope == "object"]
        self.set_rules = [r for r in rules if r.scope == "set"]
        self.settings = settings
        self.known = dict(known)
        self._by_kind: dict[tuple[str, str, bool], list[tuple[Rule, Callable[..., Any]]]] = {}

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(r.code for r in (*self.object_rules, *self.set_rules))

    def for_kind(
        self, group: str, kind: str, template: bool = True
    ) -> list[tuple[Rule, Callable[..., Any]]]:
        """(rule, its check) for the object rules that apply to a (group, kind), with or
        without a pod template (rules declared with kinds=POD_TEMPLATES need one), computed once
        per key."""
        key = (group, kind, template)
        rules = self._by_kind.get(key)
        if rules is None:
            rules = [
                (r, r.check)
                for r in self.object_rules
                if (r.kinds is None or (group, kind) in r.kinds)
                and (template or not r.templates_only)
            ]
            self._by_kind[key] = rules
        return rules


def make_plan(
    enabled: Iterable[Rule], settings: Settings | None = None, all_rules: Iterable[Rule] = ()
) -> RulePlan:
    """A plan running `enabled`; every code in the catalogue may be named by suppressions, and
    the rules of `all_rules` that are not enabled count as disabled."""
    enabled = list(enabled)
    known = {c.name: c.code for c in codes.CODES.values()}
    known.update((c.code, c.code) for c in codes.CODES.values())
    on = {r.code for r in enabled}
    disabled = [r.code for r in all_rules if r.code not in on]
    return RulePlan(enabled, settings or Settings(), known, disabled)


# -- per file (in the checking process) --------------------------------------------------------
class LintFile:
    """What linting one file produced; crosses process boundaries (see `_shipped`)."""

    __slots__ = ("documents", "findings", "source", "suppressions", "text", "views")

    def __init__(self, source: str, text: str | None) -> None:
        self.source = source
        self.text = text
        self.findings: list[Finding] = []
        self.suppressions: list[Suppression] = []
        self.documents: list[Document] = []
        # the object rules' views of `documents`, kept for the set rules when made in the main
        # process (None for a kind whose scope was not known yet: made again once CRDs are)
        self.views: list[ObjectView | None] | None = None

    def __getstate__(self) -> tuple[Any, ...]:
        fields = (self.source, self.text, self.findings, self.suppressions)
        return (*fields, _shipped(self.documents))

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.source, self.text, self.findings, self.suppressions, documents = state
        self.documents = _landed(self.source, documents)
        self.views = None


def _shipped(docs: list[Document]) -> Any:
    """Documents in a compact form: bodies marshalled (several times faster than pickle both
    ways, and the documents of 50,000 objects are most of what workers send back), plus what
    locating needs: the file's text, each document's place in it and its landmarks (positions
    noted before the node trees were released)."""
    positions = [d.locator for d in docs]
    if not docs or not all(isinstance(p, Positions) for p in positions):
        return docs  # built by hand (tests): pickled as they are
    yaml_text = positions[0].yaml_text  # type: ignore[union-attr]
    try:
        bodies = marshal.dumps(([d.body for d in docs], yaml_text.landmarks))
    except ValueError:  # not plain data after all
        return docs
    places = [
        (
            d.index,
            d.line,
            d.ref and tuple(d.ref),
            d.base_path,
            p.raw.line,
            p.raw.chunk,
            p.raw.ordinal,
        )
        for d, p in zip(docs, positions, strict=True)  # type: ignore[union-attr]
    ]
    return (yaml_text.text, yaml_text.limits, bodies, places)


def _landed(source: str, shipped: Any) -> list[Document]:
    if isinstance(shipped, list):
        return shipped
    text, limits, shipped_bodies, places = shipped
    bodies, landmarks = marshal.loads(shipped_bodies)
    yaml_text = YamlText(text, limits)  # composes again only if a finding is located
    yaml_text.landmarks = landmarks
    docs = []
    for body, (index, line, ref, base, raw_line, chunk, ordinal) in zip(
        bodies, places, strict=True
    ):
        raw = RawDocument(None, index, raw_line, chunk, ordinal)
        ref = ObjectRef(*ref) if ref else None
        docs.append(Document(body, source, index, line, ref, base, Positions(yaml_text, raw)))
    return docs


class LintExtension(FileExtension):
    def __init__(self, plan: RulePlan) -> None:
        self.plan = plan

    def per_file(self, loaded: LoadedFile, findings: list[Finding]) -> LintFile | None:
        if not loaded.documents and not findings:
            return None
        text = loaded.text
        out = LintFile(loaded.source, text)
        table = FileSuppressions()
        views: list[ObjectView | None] = []
        violations: list[Violation] = []  # reused while a rule reports nothing (nearly always)
        for doc in loaded.documents:
            note = suppress.annotation(doc, self.plan.known)
            if note is not None:
                table.by_object[(doc.index, doc.ref)] = note
                out.suppressions.append(note)
            view, namespaced = _scoped_view(doc, self.plan.settings)
            views.append(view if namespaced is not None else None)
            rules = self.plan.for_kind(view.group, view.kind, view.template is not None)
            for rule, check in rules:
                # the loop a lint run spends most of its time in, kept lean: iterating a rule
                # that reports nothing costs about half of `list(check(view))`
                try:
                    for violation in check(view):
                        violations.append(violation)
                except Exception as exc:  # a bug in the rule, never the user's fault
                    out.findings.append(rule_error(rule, view, exc))
                    violations = []
                    continue
                if violations:
                    out.findings.extend(object_findings(rule, view, violations, table))
                    violations = []
        if self.plan.set_rules:
            out.documents = loaded.documents
            out.views = views
            _release_nodes(loaded.documents)
        elif not out.findings and not findings and (text is None or "kubelint:" not in text):
            out.text = None  # nothing in main will need it
        return out


def _release_nodes(docs: Sequence[Document]) -> None:
    """Documents kept for the set rules must not keep their file's node trees alive."""
    text = getattr(docs[0].locator, "yaml_text", None) if docs else None
    if text is not None:
        text.release(landmarks=True)


def object_findings(
    rule: Rule, view: ObjectView, violations: list[Violation], table: FileSuppressions
) -> list[Finding]:
    """Located findings for what a rule reported on one object, unless an annotation on it
    suppresses the rule."""
    if table.object_suppresses((view.doc.index, view.doc.ref), rule.code):
        return []
    try:
        return [_located(rule, view, _checked(v)) for v in violations]
    except Exception as exc:
        return [rule_error(rule, view, exc)]


def _checked(v: Violation) -> Violation:
    """The violation as the runner needs it; anything else is the rule's bug (raises)."""
    path = v.path
    if path.__class__ is not tuple:
        path = tuple(path)
    for step in path:  # exact classes first: the common case, and a bool is no index
        if step.__class__ is not str and step.__class__ is not int and not _is_step(step):
            raise TypeError(f"the rule yielded a malformed violation: {v!r}")
    if not isinstance(v.message, str):
        raise TypeError(f"the rule yielded a malformed violation: {v!r}")
    if v.severity is not None and not isinstance(v.severity, Severity):
        raise TypeError(f"the rule yielded a malformed severity: {v!r}")
    if v.code is not None:
        codes.lookup(v.code)  # KeyError: not a catalogue code
    if path is v.path and v.at_key.__class__ is bool and v.__class__ is Violation:
        return v
    return Violation(path, v.message, v.hint, bool(v.at_key), v.severity, v.code)


def _is_step(step: object) -> bool:
    return isinstance(step, str) or (isinstance(step, int) and not isinstance(step, bool))


def _located(rule: Rule, view: ObjectView, v: Violation) -> Finding:
    """The finding: under the rule's code, name and severity unless the violation carries its
    own (an admission policy's Warn action; a custom rule's evaluation error)."""
    code, name, severity = rule.code, rule.name, rule.severity
    if v.code is not None:
        code, name, severity, _ = codes.lookup(v.code)
    doc = view.doc
    where = doc.locate(v.path, v.at_key)
    return Finding(
        doc.source,
        where.line,
        where.column,
        code,
        name,
        v.severity or severity,
        v.message,
        doc.ref,
        v.path,
        doc.index,
        v.hint,
    )


def rule_error(rule: Rule, view: ObjectView | None, exc: BaseException) -> Finding:
    what = f" on {view.kind} {view.namespace}/{view.name}" if view is not None else ""
    message = f"internal error in rule {rule.code} {rule.name}{what}: {type(exc).__name__}: {exc}"
    hint = "this is a bug in kubelint; please report it with the object that caused it"
    if view is None:
        return codes.finding("rule-error", RULES_SOURCE, Location(1, 1), message, hint=hint)
    doc = view.doc
    return codes.finding(
        "rule-error", doc.source, Location(doc.line, 1), message, ref=doc.ref,
        document=doc.index, hint=hint,
    )  # fmt: skip


# -- the whole set (main process) --------------------------------------------------------------
def set_findings(
    plan: RulePlan, files: Sequence[LintFile], tables: Mapping[str, FileSuppressions]
) -> list[Finding]:
    """Run the set rules over every object. Findings suppressed by an annotation are dropped
    before they are located; the rest are located file by file, document by document, so each
    file is composed again at most once. (Locating in forked processes was measured slower: the
    children copy the pages of the documents they touch.)"""
    _register_crd_scopes(d for lf in files for d in lf.documents)
    ctx = Context(list(_views(files, plan.settings)), plan.settings)
    found: list[tuple[Rule, ObjectView, Violation]] = []
    errors: list[Finding] = []
    for rule in plan.set_rules:
        _run_set_rule(rule, ctx, tables, found, errors)
    found.sort(key=lambda t: (t[1].doc.source, t[1].doc.index, t[1].doc.base_path))
    located = [*errors, *(_located(rule, view, v) for rule, view, v in found)]
    let_go(ctx)
    return located


def _views(files: Sequence[LintFile], settings: Settings) -> Iterator[ObjectView]:
    """Every document's view: the object rules' where this process made it, else a new one."""
    for lf in files:
        views = lf.views or [None] * len(lf.documents)
        for view, doc in zip(views, lf.documents, strict=True):
            yield view if view is not None else view_of(doc, settings)


def _run_set_rule(
    rule: Rule,
    ctx: Context,
    tables: Mapping[str, FileSuppressions],
    found: list[tuple[Rule, ObjectView, Violation]],
    errors: list[Finding],
) -> None:
    try:
        for view, v in rule.check(ctx):
            doc = view.doc
            table = tables.get(doc.source)
            if table is None or not table.object_suppresses((doc.index, doc.ref), rule.code):
                found.append((rule, view, _checked(v)))
    except Exception as exc:  # which object the rule was looking at is unknown
        errors.append(rule_error(rule, None, exc))


def _register_crd_scopes(docs: Iterable[Document]) -> None:
    try:
        from kubelint.k8s.scope import register_crd
    except ImportError:  # pragma: no cover
        return
    for doc in docs:
        if doc.body.get("kind") == "CustomResourceDefinition":
            register_crd(doc.body)


# -- the run -----------------------------------------------------------------------------------
class LintStats(NamedTuple):
    rules: int
    suppressed: int
    baselined: int


def run_lint(
    options: CheckOptions,
    plan: RulePlan,
    severity: Mapping[str, Severity | None] | None = None,
    baseline: Any = None,
    extra: Iterable[Finding] = (),
    stdin: bytes | None = None,
) -> CheckResult:
    """Check and lint. `severity` maps codes to a new severity (None: drop the finding);
    `baseline` (kubelint.rules.baseline.Baseline) hides known findings; `extra` are findings met
    before the run (custom rule files). `result.lint` holds LintStats."""
    with gc_paused():  # the set phase holds every object: a full collection would walk them all
        return _run_lint(options, plan, severity, baseline, extra, stdin)


def _run_lint(
    options: CheckOptions,
    plan: RulePlan,
    severity: Mapping[str, Severity | None] | None,
    baseline: Any,
    extra: Iterable[Finding],
    stdin: bytes | None,
) -> CheckResult:
    limits = options.limits._replace(keep_nodes_bytes=KEEP_NODES_BYTES)
    options = options._replace(extension=LintExtension(plan), severity={}, limits=limits)
    result = run_check(options, stdin)
    files: list[LintFile] = result.extras
    result.extras = []
    texts = dict(result.texts)
    texts.update((f.source, f.text) for f in files if f.text is not None)
    findings, suppressed = lint_phase(
        files, texts, plan, [*result.findings, *extra], severity or {}
    )
    let_go(files)
    baselined = 0
    if baseline is not None:
        findings, baselined = baseline.filter(findings)
    result.findings = sorted(findings, key=Finding.sort_key)
    sources = {f.source for f in result.findings}
    result.texts = {s: t for s, t in texts.items() if s in sources}
    result.lint = LintStats(len(plan.codes), suppressed, baselined)  # type: ignore[attr-defined]
    return result


def lint_phase(
    files: Sequence[LintFile],
    texts: Mapping[str, str],
    plan: RulePlan,
    findings: list[Finding],
    severity: Mapping[str, Severity | None],
) -> tuple[list[Finding], int]:
    """From per-file results to final findings: set rules, suppressions (and the unused ones),
    severity overrides. Returns (findings, number suppressed)."""
    tables = _suppression_tables(files, texts, plan.known)
    findings = [*findings, *(f for lf in files for f in lf.findings)]
    if plan.set_rules:
        findings.extend(set_findings(plan, files, tables))
    before = len(findings)
    findings = suppress.filter_findings(findings, tables)
    suppressed = before - len(findings)
    active = _active(plan, severity)
    for table in tables.values():
        for note in table.all():
            findings.extend(note.findings(active))
    return list(_apply_severity(findings, severity)), suppressed


def lint_texts(texts: Mapping[str, str], plan: RulePlan) -> list[Finding]:
    """Lint in-memory manifests (name → YAML text) with the rules only (no schema check):
    loading findings and rule findings, sorted. For tests and rule examples."""
    from kubelint.load import load_text

    extension = LintExtension(plan)
    files, findings = [], []
    for name, text in texts.items():
        loaded = load_text(text, name)
        findings.extend(loaded.findings)
        lint_file = extension.per_file(loaded, loaded.findings)
        if lint_file is not None:
            files.append(lint_file)
    found, _ = lint_phase(files, texts, plan, findings, {})
    return sorted(found, key=Finding.sort_key)


def _suppression_tables(
    files: list[LintFile], texts: Mapping[str, str], known: Mapping[str, str]
) -> dict[str, FileSuppressions]:
    tables: dict[str, FileSuppressions] = {}
    for lf in files:
        if lf.suppressions:
            table = tables.setdefault(lf.source, FileSuppressions())
            for note in lf.suppressions:
                table.by_object[(note.document, note.ref)] = note
    for source, text in texts.items():
        by_line = suppress.comments(source, text, known)
        if by_line:
            tables.setdefault(source, FileSuppressions()).by_line = by_line
    return tables


def _active(plan: RulePlan, severity: Mapping[str, Severity | None]) -> Callable[[str], bool]:
    """Whether a code could have been reported in this run (for unused-suppression): not a
    disabled rule, not dropped by a severity override."""
    return lambda code: code not in plan.disabled and severity.get(code, Severity.INFO) is not None


def _apply_severity(
    findings: Iterable[Finding], severity: Mapping[str, Severity | None]
) -> Iterator[Finding]:
    for f in findings:
        if f.code not in severity:
            yield f
        elif (level := severity[f.code]) is not None:
            yield f.with_severity(level)
