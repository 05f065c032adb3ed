"""`kubelint check PATHS…`: load and validate manifests against Kubernetes schemas."""

from __future__ import annotations

import os
import sys

import click

from kubelint.cli.options import (
    SIZE,
    color_options,
    normalised_version,
    parse_severity_overrides,
    report_options,
)

SEVERITY_CHOICES = ("error", "warning", "info", "ignore")


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "-k",
    "--kubernetes-version",
    metavar="X.Y",
    help="Target Kubernetes version (default: the newest bundled).",
)
@click.option(
    "--strict/--no-strict",
    default=True,
    show_default=True,
    help="Unknown fields are errors (as kubectl's server-side field validation).",
)
@click.option(
    "--crd",
    "crd_paths",
    multiple=True,
    metavar="PATH",
    help="File or directory of CustomResourceDefinitions to validate against "
    "(repeatable). CRDs in the checked input are used too.",
)
@click.option(
    "--missing-schema",
    type=click.Choice(SEVERITY_CHOICES),
    default=None,
    help="Severity for custom resources without a CRD (default: error).",
)
@click.option(
    "--severity",
    "severities",
    multiple=True,
    metavar="RULE=LEVEL",
    help="Change a finding's severity by name or code, e.g. ambiguous-scalar=error, "
    "KL032=ignore (repeatable).",
)
@report_options
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0, max=256),
    default=0,
    show_default=True,
    help="Worker processes (0: one per CPU for large inputs, 1 for small ones).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip files and directories matching GLOB while scanning (repeatable).",
)
@color_options
@click.option(
    "--max-file-size",
    type=SIZE,
    default="64MiB",
    show_default=True,
    help="Files larger than this are not parsed.",
)
@click.option(
    "--max-document-size",
    type=SIZE,
    default="3MiB",
    show_default=True,
    help="YAML documents larger than this are rejected (apiserver: 3 MiB).",
)
@click.option(
    "--max-depth",
    type=click.IntRange(min=1, max=900),
    default=256,
    show_default=True,
    help="Nesting depth limit.",
)
@click.option(
    "--max-alias-nodes",
    type=click.IntRange(min=0),
    default=100_000,
    show_default=True,
    help="Nodes YAML alias expansion may add per document.",
)
@click.option(
    "--max-objects",
    type=click.IntRange(min=1),
    default=1_000_000,
    show_default=True,
    help="Objects per run.",
)
@click.option(
    "--shard",
    metavar="K/N",
    help="Check only shard K of N (files split by a hash of their path; every CRD of the "
    "input is still used). Merge the shards' JSON reports with `kubelint merge`.",
)
def check(
    paths: tuple[str, ...],
    kubernetes_version: str | None,
    strict: bool,
    crd_paths: tuple[str, ...],
    missing_schema: str | None,
    severities: tuple[str, ...],
    output: str,
    fail_on: str,
    jobs: int,
    exclude: tuple[str, ...],
    color: str,
    quiet: bool,
    max_file_size: int,
    max_document_size: int,
    max_depth: int,
    max_alias_nodes: int,
    max_objects: int,
    shard: str | None,
) -> int:
    """Validate manifests (files, directories, globs, or - for stdin) against the schemas of a
    Kubernetes version and the CRDs found. Exit 0: clean; 1: findings at or above --fail-on;
    2: usage or internal error."""
    from kubelint.load.limits import Limits
    from kubelint.model import Severity
    from kubelint.pipeline import CheckOptions, run_check
    from kubelint.report import ReportOptions, renderer

    kubernetes_version = normalised_version(kubernetes_version)
    overrides = parse_severity_overrides(severities)
    if missing_schema:
        overrides["missing-schema"] = (
            None if missing_schema == "ignore" else Severity.parse(missing_schema)
        )
    options = CheckOptions(
        paths=paths,
        kubernetes_version=kubernetes_version,
        strict=strict,
        crd_paths=crd_paths,
        exclude=exclude,
        jobs=jobs,
        severity=overrides,
        limits=Limits(max_file_size, max_document_size, max_depth, max_alias_nodes, max_objects),
        shard=_shard(shard),
    )
    result = run_check(options)
    options = ReportOptions(color=use_color(color), show_summary=not quiet)
    sys.stdout.write(renderer(output)(result, options))
    sys.stdout.flush()
    return exit_code(result, fail_on)


def _shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    from kubelint.shard import parse_shard

    try:
        return parse_shard(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--shard") from None


def use_color(choice: str) -> bool:
    """--color auto: only on a terminal, and never with NO_COLOR set."""
    return choice == "always" or (
        choice == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    )


def exit_code(result, fail_on: str) -> int:
    """1 when a finding reaches --fail-on, else 0."""
    from kubelint.model import Severity

    if fail_on == "never":
        return 0
    threshold = Severity.parse(fail_on)
    return 1 if any(f.severity >= threshold for f in result.findings) else 0
