"""`kubelint diff OLD NEW`: what changes between two sets of manifests, and what applying it does.

Exit codes: 0 no difference; 1 differences (or, with --fail-on-impact, an impact at or above the
level); 2 an error (unreadable input, bad git revision, an object that cannot be loaded).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from kubelint.cli.check import use_color
from kubelint.cli.options import check_namespace, color_options, normalised_version

if TYPE_CHECKING:
    from kubelint.diff.model import DiffResult

IMPACT_CHOICES = ("rollout", "recreate", "reject")


@click.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "-o",
    "--output",
    type=click.Choice(("text", "json", "markdown")),
    default="text",
    show_default=True,
    help="Report format (markdown: for pull-request comments).",
)
@click.option(
    "--fail-on-impact",
    type=click.Choice(IMPACT_CHOICES),
    default=None,
    help="Exit 1 only when a change has at least this impact "
    "(order: rollout < recreate < reject); default: on any difference.",
)
@click.option(
    "--show-defaults",
    is_flag=True,
    help="Compare the objects as written: no defaulting, no removal of status, "
    "server-set metadata or empty fields.",
)
@click.option(
    "--rename-threshold",
    type=click.FloatRange(0.0, 1.0),
    default=0.8,
    show_default=True,
    help="How alike (0-1) a removed and an added object of the same kind and namespace must "
    "be to count as a rename; 1 finds only identical content.",
)
@click.option("--no-renames", is_flag=True, help="Report renamed objects as removed + added.")
@click.option(
    "-n",
    "--namespace",
    default=None,
    help="Namespace of namespaced objects that name none, on both sides (as `kubectl apply "
    "-n`); default: no namespace differs from every explicit one.",
)
@click.option(
    "-k",
    "--kubernetes-version",
    metavar="X.Y",
    help="Defaulting and schemas of this Kubernetes version (default: the newest bundled).",
)
@click.option(
    "--simulate",
    is_flag=True,
    help="Also simulate both sides (kubelint simulate) and show what changes in the predicted "
    "pods, Service endpoints and findings.",
)
@click.option(
    "--cluster",
    "cluster_path",
    metavar="FILE",
    help="Cluster description for --simulate (implies it); default: simulate's default cluster.",
)
@color_options
def diff(
    old: str,
    new: str,
    output: str,
    fail_on_impact: str | None,
    show_defaults: bool,
    rename_threshold: float,
    no_renames: bool,
    namespace: str | None,
    kubernetes_version: str | None,
    color: str,
    simulate: bool,
    cluster_path: str | None,
    quiet: bool,
) -> int:
    """Semantic diff of two manifest sets. OLD and NEW are each a file, a directory, - (stdin)
    or git:REV:PATH (PATH as of git revision REV, read without touching the work tree).

    Objects are matched by group, kind, namespace and name; API moves and renames are found;
    lists are compared by their Kubernetes keys; both sides are defaulted first. Each change
    says whether pods roll, objects are re-created, or the apiserver rejects it."""
    from kubelint.diff import DiffOptions, Level, diff
    from kubelint.diff.render import RENDERERS
    from kubelint.diff.sources import SourceError
    from kubelint.model import Severity

    check_namespace(namespace)
    if old == "-" and new == "-":
        raise click.BadParameter("only one side can be read from stdin", param_hint="OLD/NEW")
    kubernetes_version = normalised_version(kubernetes_version)
    options = DiffOptions(
        kubernetes_version=kubernetes_version,
        show_defaults=show_defaults,
        rename_threshold=2.0 if no_renames else rename_threshold,
        namespace=namespace,
    )
    try:
        result = diff(old, new, options)
    except SourceError as exc:
        click.echo(f"kubelint diff: {exc}", err=True)
        return 2
    predicted = None
    if simulate or cluster_path is not None:
        predicted = _predict(result, cluster_path)
        if predicted is None:
            return 2
    render = RENDERERS[output]
    sys.stdout.write(render(result, color=use_color(color), quiet=quiet, predicted=predicted))
    sys.stdout.flush()
    if any(f.severity >= Severity.ERROR for f in result.findings):
        return 2
    if fail_on_impact is not None:
        return 1 if result.level >= Level[fail_on_impact.upper()] else 0
    return 1 if result.changes else 0


def _predict(result: DiffResult, cluster_path: str | None):
    """--simulate: both sides, as the diff compared them, simulated on one cluster; None
    (reported) for an unusable cluster file."""
    from kubelint.cli.simulate import echo_cluster_errors
    from kubelint.diff.predicted import predict
    from kubelint.reconcile.simulate import SimulationError

    try:
        return predict(*result.documents, cluster_path)
    except SimulationError as exc:
        echo_cluster_errors(exc)
        return None
