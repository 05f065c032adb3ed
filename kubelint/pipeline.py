"""`kubelint check` as a library call: inputs → findings, in one process or several.

    result = run_check(CheckOptions(paths=["k8s/"], kubernetes_version="1.32"))
    for f in result.findings: ...

Each file is loaded and validated independently (in worker processes for large inputs).
Custom resources whose CRD is not yet known where the file is checked are sent back and
validated at the end, once every CRD of the input (and of --crd) is registered.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

from kubelint import codes
from kubelint.codes import finding
from kubelint.load import InputFile, LoadedFile, discover, load_bytes, load_file, load_text
from kubelint.load.files import STDIN_NAME
from kubelint.load.limits import Limits
from kubelint.model import Document, Finding, Location, Severity
from kubelint.schema import crd
from kubelint.schema.registry import SchemaRegistry
from kubelint.validate import Checker

SERIAL_FILE_LIMIT = 16
"""Below this many files one process is faster than starting workers."""


class CheckOptions(NamedTuple):
    """What to check and how.

    jobs: worker processes; 0 picks one per CPU for large inputs and 1 for small ones.
    severity: overrides by finding name or code; None drops the finding.
    shard: (K, N) checks only the K-th of N shards of the input files (see kubelint.shard).
    """

    paths: Sequence[str]
    kubernetes_version: str | None = None
    strict: bool = True
    crd_paths: Sequence[str] = ()
    exclude: Sequence[str] = ()
    limits: Limits = Limits()
    jobs: int = 0
    severity: Mapping[str, Severity | None] = MappingProxyType({})
    shard: tuple[int, int] | None = None
    extension: Any = None  # per-file work done where the file is checked (see FileExtension)


class FileExtension:
    """Extra work on each loaded file, run in the process that checks it (kubelint lint runs its
    per-object rules here). `per_file`'s result must pickle; it lands in CheckResult.extras."""

    def per_file(self, loaded: LoadedFile, findings: list[Finding]) -> Any:
        raise NotImplementedError


class CheckResult:
    """Findings (sorted) and counts of one run; `texts` holds the files that have findings."""

    def __init__(
        self, findings: list[Finding], kubernetes_version: str = "", strict: bool = True
    ) -> None:
        self.findings = findings
        self.kubernetes_version = kubernetes_version
        self.strict = strict
        self.files = self.objects = self.validated = self.unvalidated = 0
        self.empty_documents = self.crds = 0
        self.elapsed = 0.0
        self.texts: dict[str, str] = {}
        self.extras: list[Any] = []  # FileExtension results, in input order

    def count(self, severity: Severity) -> int:
        return [f.severity for f in self.findings].count(severity)


class _FileOutcome:
    """What checking one file produced (crosses process boundaries: plain data only)."""

    __slots__ = (
        "crds",
        "deferred",
        "empty_documents",
        "extra",
        "findings",
        "objects",
        "source",
        "text",
        "unvalidated",
        "validated",
    )

    def __init__(self, source: str, findings: list[Finding], objects: int, empty_documents: int):
        self.source = source
        self.findings = findings
        self.objects = objects
        self.empty_documents = empty_documents
        self.validated = self.unvalidated = 0
        self.crds: list[dict[str, Any]] = []
        self.deferred: list[tuple[int, tuple[Any, ...]]] = []
        self.text: str | None = None
        self.extra: Any = None


class _FileChecker:
    """Loads and validates single files against a registry (one per process)."""

    def __init__(self, options: CheckOptions, crd_bodies: Iterable[dict[str, Any]]) -> None:
        self.options = options
        self.registry = SchemaRegistry(options.kubernetes_version, options.strict)
        for body in crd_bodies:
            self.registry.add_crd(body)
        self.checker = Checker(self.registry)

    def check_item(self, item: InputFile, data: bytes | None = None) -> _FileOutcome:
        if data is None:
            loaded = load_file(item, self.options.limits)
        else:
            loaded = load_bytes(data, item.name, self.options.limits)
        return self.check_loaded(loaded)

    def check_loaded(self, loaded: LoadedFile) -> _FileOutcome:
        out = _FileOutcome(
            loaded.source,
            list(loaded.findings),
            objects=len(loaded.documents),
            empty_documents=loaded.empty_documents,
        )
        for doc in loaded.documents:  # CRDs first: same-file custom resources can use them
            if crd.is_crd(doc.body):
                out.crds.append(dict(doc.body))
                kinds = self.registry.add_crd(doc.body)
                out.findings.extend(_cel_notice(doc, kinds))
        before = self.checker.validated, self.checker.unvalidated
        for doc in loaded.documents:
            if self._needs_crd(doc):
                out.deferred.append((doc.index, doc.base_path))
                continue
            out.findings.extend(self.checker.check(doc))
        out.validated = self.checker.validated - before[0]
        out.unvalidated = self.checker.unvalidated - before[1]
        if out.findings or out.deferred:
            out.text = loaded.text
        if self.options.extension is not None:
            out.extra = self.options.extension.per_file(loaded, out.findings)
        return out

    def _needs_crd(self, doc: Document) -> bool:
        api_version, kind = doc.body["apiVersion"], doc.body["kind"]
        return (
            not self.registry.is_builtin_group(api_version)
            and f"{api_version}:{kind}" not in self.registry.custom_kinds
            and "." in api_version.rpartition("/")[0]
        )

    def check_deferred(self, outcome: _FileOutcome) -> list[Finding]:
        wanted = set(outcome.deferred)
        loaded = load_text(outcome.text or "", outcome.source, self.options.limits)
        findings: list[Finding] = []
        for doc in loaded.documents:
            if (doc.index, doc.base_path) in wanted:
                findings.extend(self.checker.check(doc))
        return findings


def _cel_notice(doc: Document, kinds: list[crd.CustomKind]) -> list[Finding]:
    rules = sum(crd.count_cel_rules(k.schema) for k in kinds if k.schema)
    if not rules:
        return []
    name = kinds[0].crd_name or kinds[0].kind
    return [
        finding(
            "cel-not-evaluated",
            doc.source,
            Location(doc.line, 1),
            f"CRD {name} has {rules} x-kubernetes-validations (CEL) rule(s); kubelint checks its "
            "custom resources against the structural schema only",
            ref=doc.ref,
            document=doc.index,
        )
    ]


# -- worker processes ------------------------------------------------------------------------
_WORKER: _FileChecker | None = None


def _init_worker(options: CheckOptions, crd_bodies: list[dict[str, Any]]) -> None:
    global _WORKER
    gc.disable()  # see gc_paused
    _WORKER = _FileChecker(options, crd_bodies)


def _work(batch: list[tuple[int, InputFile]]) -> list[tuple[int, _FileOutcome]]:
    assert _WORKER is not None
    return [(i, _WORKER.check_item(item)) for i, item in batch]


def _batches(items: list[InputFile], count: int) -> list[list[tuple[int, InputFile]]]:
    """Split files into `count` batches of similar byte size (largest first, greedy)."""

    def size(item: InputFile) -> int:
        try:
            return os.path.getsize(item.path)
        except OSError:
            return 0

    order = sorted(enumerate(items), key=lambda p: (-size(p[1]), p[0]))
    batches: list[list[tuple[int, InputFile]]] = [[] for _ in range(count)]
    loads = [0] * count
    for index, item in order:
        target = loads.index(min(loads))
        batches[target].append((index, item))
        loads[target] += size(item) + 1
    return [b for b in batches if b]


def _run_parallel(
    items: list[InputFile], options: CheckOptions, crd_bodies: list[dict[str, Any]], jobs: int
) -> list[_FileOutcome]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    results: list[_FileOutcome | None] = [None] * len(items)
    batches = _batches(items, jobs * 4)
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_init_worker, initargs=(options, crd_bodies)
    ) as pool:
        for done in pool.map(_work, batches):
            for index, outcome in done:
                results[index] = outcome
    return [r for r in results if r is not None]


def _jobs(options: CheckOptions, file_count: int) -> int:
    if options.jobs > 0:
        return max(1, min(options.jobs, file_count))  # never more workers than files
    if file_count < SERIAL_FILE_LIMIT:
        return 1
    return max(
        1,
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
    )


# -- the run ---------------------------------------------------------------------------------
def run_check(options: CheckOptions, stdin: bytes | None = None) -> CheckResult:
    with gc_paused():
        return _run_check(options, stdin)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Parsing allocates millions of small dicts and lists but creates no reference cycles:
    the cyclic collector only costs time here (about a quarter of it), so it waits. Linting and
    diffing pause it for the same reason."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run_check(options: CheckOptions, stdin: bytes | None) -> CheckResult:
    started = time.perf_counter()
    discovery = discover(options.paths, options.exclude)
    findings = list(discovery.findings)
    crd_bodies, crd_findings = _load_crd_paths(options)
    findings.extend(crd_findings)
    files = [f for f in discovery.files if not f.is_stdin]
    has_stdin = any(f.is_stdin for f in discovery.files)
    if options.shard is not None:
        from kubelint import shard

        files, others = shard.split(files, options.shard)
        crd_bodies += shard.foreign_crds(others, options.limits)
        findings = [
            f for f in findings if shard.owner(f.source, options.shard[1]) == options.shard[0]
        ]
        has_stdin = has_stdin and options.shard[0] == 1
    jobs = _jobs(options, len(files))
    main = _FileChecker(options, crd_bodies)
    outcomes = (
        _run_parallel(files, options, crd_bodies, jobs)
        if jobs > 1 and len(files) > 1
        else [main.check_item(item) for item in files]
    )
    if has_stdin:  # read here, in the main process (capped like any file)
        outcomes.append(main.check_item(InputFile("-", STDIN_NAME), stdin))
    return _finish(options, main, outcomes, findings, started)


def _finish(
    options: CheckOptions,
    main: _FileChecker,
    outcomes: list[_FileOutcome],
    findings: list[Finding],
    started: float,
) -> CheckResult:
    result = CheckResult(findings, kubernetes_version=main.registry.version, strict=options.strict)
    for outcome in outcomes:  # every CRD of the input, in input order, then the deferred
        for body in outcome.crds:
            main.registry.add_crd(body)
        result.crds += len(outcome.crds)
    objects = 0
    for outcome in outcomes:
        objects += outcome.objects
        if objects > options.limits.max_objects:
            findings.append(
                finding(
                    "too-many-objects",
                    outcome.source,
                    Location(1, 1),
                    f"the input has more than {options.limits.max_objects:,} objects; "
                    "files from here on are not reported (use --max-objects)",
                )
            )
            break
        findings.extend(outcome.findings)
        if outcome.deferred:
            before = main.checker.validated, main.checker.unvalidated
            findings.extend(main.check_deferred(outcome))
            outcome.validated += main.checker.validated - before[0]
            outcome.unvalidated += main.checker.unvalidated - before[1]
        result.files += 1
        result.objects += outcome.objects
        result.validated += outcome.validated
        result.unvalidated += outcome.unvalidated
        result.empty_documents += outcome.empty_documents
        if outcome.text is not None:
            result.texts[outcome.source] = outcome.text
        if outcome.extra is not None:
            result.extras.append(outcome.extra)
    result.findings = sorted(_apply_severity(findings, options.severity), key=Finding.sort_key)
    with_findings = {f.source for f in result.findings}
    result.texts = {s: t for s, t in result.texts.items() if s in with_findings}
    result.elapsed = time.perf_counter() - started
    return result


def _apply_severity(findings: list[Finding], overrides: dict[str, Severity | None]):
    if not overrides:
        yield from findings
        return
    table = {codes.lookup(k).code: v for k, v in overrides.items()}
    for f in findings:
        if f.code in table:
            severity = table[f.code]
            if severity is not None:
                yield f.with_severity(severity)
        else:
            yield f


def _load_crd_paths(options: CheckOptions) -> tuple[list[dict[str, Any]], list[Finding]]:
    if not options.crd_paths:
        return [], []
    discovery = discover(options.crd_paths)
    findings = list(discovery.findings)
    bodies: list[dict[str, Any]] = []
    for item in discovery.files:
        loaded = load_file(item, options.limits)
        findings.extend(f for f in loaded.findings if f.severity >= Severity.ERROR)
        bodies.extend(crd.crd_bodies(loaded.documents))
    return bodies, findings
