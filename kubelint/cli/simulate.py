"""`kubelint simulate PATHS… [--cluster cluster.yaml]`: predict what the cluster makes of the
manifests (pods, placement, IPs, endpoints, DNS) and report the problems that shows."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from kubelint.cli.options import fail_on_option

if TYPE_CHECKING:
    from kubelint.reconcile.simulate import SimulationError

OUTPUTS = ("text", "json", "yaml", "concise", "sarif", "junit", "tap", "github")
PROGRESS_MIN_PODS = 2000


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--cluster",
    "cluster_path",
    metavar="FILE",
    help="Cluster description (cluster.yaml); default: a kubeadm-like 1+3 node cluster.",
)
@click.option(
    "-o",
    "--output",
    type=click.Choice(OUTPUTS),
    default="text",
    show_default=True,
    help="text/json: the prediction; yaml: predicted objects; others: findings only.",
)
@click.option(
    "--explain",
    nargs=2,
    metavar="pod NAME",
    help="Show each scheduler plugin's verdict per node group for one pod.",
)
@click.option(
    "--now", metavar="TIME", help="Reference time for CronJob schedules (ISO 8601, default: now)."
)
@fail_on_option
def simulate(
    paths: tuple[str, ...],
    cluster_path: str | None,
    output: str,
    explain: tuple[str, str] | None,
    now: str | None,
    fail_on: str,
) -> int:
    """Apply manifests to a simulated cluster: controllers, scheduler, IPAM, endpoints, DNS.
    Exit 0: clean; 1: findings at or above --fail-on; 2: usage or internal error."""
    from kubelint.cli.check import exit_code
    from kubelint.reconcile.simulate import SimulateOptions, SimulationError
    from kubelint.reconcile.simulate import simulate as run

    if explain is not None and explain[0] != "pod":
        raise click.BadParameter("only `--explain pod NAME` is supported", param_hint="--explain")
    options = SimulateOptions(paths, cluster_path, _parse_now(now), explain[1] if explain else None)
    try:
        sim = run(options, _progress() if sys.stderr.isatty() else None)
    except SimulationError as exc:
        echo_cluster_errors(exc)
        return 2
    if explain is not None and sim.explanation is None:
        click.echo(
            f"kubelint: no pod {explain[1]!r} was scheduled (pods bound by nodeName are not)",
            err=True,
        )
    sys.stdout.write(_render(sim, output))
    sys.stdout.flush()
    return exit_code(sim, fail_on)


def echo_cluster_errors(exc: SimulationError) -> None:
    """What made a cluster file unusable (a SimulationError), one finding per line on stderr."""
    for f in exc.findings:
        click.echo(f.one_line(), err=True)


def _parse_now(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 time", param_hint="--now") from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _render(sim, output: str) -> str:
    if output == "text":
        from kubelint.reconcile.text import render_text

        return render_text(sim)
    if output in ("json", "yaml"):
        from kubelint.reconcile import output as out

        return out.render_json(sim) if output == "json" else out.render_yaml(sim)
    from kubelint.pipeline import CheckResult
    from kubelint.report import ReportOptions, renderer

    result = CheckResult(sim.findings, sim.cluster.kubernetes_version)
    result.files = len({r.source for r in sim.applied.records})
    result.objects = result.validated = sim.applied.documents
    return renderer(output)(result, ReportOptions())


def _progress():
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""

    def show(stage: str, done: int, total: int) -> None:
        if total < PROGRESS_MIN_PODS:
            return
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{stage} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show
