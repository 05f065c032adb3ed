"""`kubelint apply --dry-run PATHS…`: what `kubectl apply` would do.

The cluster starts empty, or holds what `--previous PATH` (repeatable) applies first: then
updates are checked against it (immutable fields) and `--prune` can delete. Prints kubectl's
lines (`deployment.apps/web created (dry run)`), then the findings (refused immutable changes,
duplicates, unknown namespaces, ...). Exit codes: 0 clean, 1 findings at or above --fail-on,
2 usage error.
"""

from __future__ import annotations

import json
import sys

import click

from kubelint.cli.check import exit_code, use_color
from kubelint.cli.options import check_namespace, fail_on_option, normalised_version


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--dry-run",
    is_flag=True,
    required=True,
    help="Required: kubelint never talks to a cluster (kept for kubectl muscle memory).",
)
@click.option(
    "--previous",
    "previous",
    multiple=True,
    metavar="PATH",
    help="Manifests already applied (the cluster's state before PATHS; repeatable).",
)
@click.option(
    "-n",
    "--namespace",
    default="default",
    show_default=True,
    help="Namespace for objects that name none.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Also report stored objects absent from the input as pruned (with -l or --all).",
)
@click.option("-l", "--selector", metavar="K=V,...", help="Label selector for --prune.")
@click.option("--all", "prune_all", is_flag=True, help="Prune without a selector.")
@click.option(
    "-k",
    "--kubernetes-version",
    metavar="X.Y",
    help="Defaulting of this Kubernetes version (default: the newest bundled).",
)
@click.option(
    "-o",
    "--output",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="text: kubectl's lines, then findings; json: both as one document.",
)
@fail_on_option
@click.option(
    "--color",
    type=click.Choice(("auto", "always", "never")),
    default="auto",
    show_default=True,
    help="Colour in text output.",
)
def apply(
    paths: tuple[str, ...],
    dry_run: bool,
    previous: tuple[str, ...],
    namespace: str,
    prune: bool,
    selector: str | None,
    prune_all: bool,
    kubernetes_version: str | None,
    output: str,
    fail_on: str,
    color: str,
) -> int:
    """Simulate `kubectl apply -f PATHS` (files, directories, globs, - for stdin): defaulting,
    refused immutable-field updates, duplicates, unknown namespaces, --prune."""
    from kubelint.pipeline import CheckResult
    from kubelint.report import ReportOptions, renderer
    from kubelint.report.json_format import finding_dict
    from kubelint.schema import bundle
    from kubelint.store import Store
    from kubelint.store import apply as run_apply

    version = normalised_version(kubernetes_version or bundle.default_version())
    check_namespace(namespace)
    options = _prune(prune, selector, prune_all)
    findings: list = []
    store = Store(default_namespace=namespace, kubernetes_version=version)
    if previous:
        before = run_apply(store, _load(previous, findings))
        store = before.store
        findings.extend(f for f in before.findings if f.name != "duplicate-in-apply")
    documents = _load(paths, findings)
    result = run_apply(store, documents, prune=options)
    report = CheckResult(sorted(findings + result.findings, key=lambda f: f.sort_key()), version)
    report.objects = len(documents)
    report.files = len({d.source for d in documents})
    if output == "json":
        actions = [
            {
                "object": str(a.key) if a.key else None,
                "verb": a.verb,
                "source": a.document.source if a.document else None,
                "line": a.document.line if a.document else None,
            }
            for a in result.actions
        ]
        document = {"actions": actions, "findings": [finding_dict(f) for f in report.findings]}
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        for action in result.actions:
            sys.stdout.write(action.line("dry run") + "\n")
        if report.findings:
            sys.stdout.write(renderer("text")(report, ReportOptions(use_color(color))))
    sys.stdout.flush()
    return exit_code(report, fail_on)


def _load(paths: tuple[str, ...], findings: list) -> list:
    """Documents of `paths`; loader findings are added to `findings`."""
    from kubelint.load import load_file
    from kubelint.load.files import discover

    found = discover(paths)
    findings.extend(found.findings)
    documents = []
    for item in found.files:
        loaded = load_file(item)
        findings.extend(loaded.findings)
        documents.extend(loaded.documents)
    return documents


def _prune(prune: bool, selector: str | None, prune_all: bool):
    from kubelint.k8s.selectors import Selector, SelectorError
    from kubelint.store import Prune

    if not prune:
        if selector or prune_all:
            raise click.UsageError("-l/--selector and --all only make sense with --prune")
        return None
    if not selector and not prune_all:
        raise click.UsageError("all resources selected for prune without explicitly passing --all")
    if not selector:
        return Prune(all_=True)
    try:
        return Prune(Selector.parse(_selector_mapping(selector)))
    except SelectorError as exc:
        raise click.BadParameter(str(exc), param_hint="--selector") from None


def _selector_mapping(text: str) -> dict:
    """`app=web,tier!=db` → a LabelSelector mapping (equality and inequality terms); keys must
    be qualified names and values label values, as kubectl requires."""
    from kubelint.k8s.selectors import SelectorError
    from kubelint.k8s.validation import is_label_value, is_qualified_name

    labels, expressions = {}, []
    for term in filter(None, (t.strip() for t in text.split(","))):
        key, sep, value = term.partition("!=")
        negated = bool(sep)
        if not negated:
            key, sep, value = term.replace("==", "=").partition("=")
        key, value = key.strip(), value.strip()
        problems = is_qualified_name(key) + is_label_value(value)
        if problems:
            raise SelectorError(f"{term!r}: {problems[0]}")
        if negated:
            expressions.append({"key": key, "operator": "NotIn", "values": [value]})
        elif not sep:
            expressions.append({"key": key, "operator": "Exists"})
        else:
            labels[key] = value
    return {"matchLabels": labels, "matchExpressions": expressions}
