"""`kubelint merge REPORT.json…`: one report from the JSON reports of several shards."""

from __future__ import annotations

import json
import sys

import click

from kubelint.cli.options import color_options, report_options


@click.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False))
@report_options
@color_options
def merge(reports: tuple[str, ...], output: str, fail_on: str, color: str, quiet: bool) -> int:
    """Merge the JSON reports of `kubelint check --shard K/N -o json` runs into one report.
    Exit codes as for `check`."""
    from kubelint.cli.check import exit_code, use_color
    from kubelint.merge import MergeError, merge_reports
    from kubelint.report import ReportOptions, renderer

    loaded = []
    for path in reports:
        try:
            with open(path, encoding="utf-8") as fh:
                loaded.append((path, json.load(fh)))
        except OSError as exc:
            raise click.FileError(path, exc.strerror or str(exc)) from None
        except ValueError as exc:
            raise click.UsageError(f"{path}: not JSON ({exc})") from None
    try:
        result = merge_reports(loaded)
    except MergeError as exc:
        raise click.UsageError(str(exc)) from None
    options = ReportOptions(color=use_color(color), show_summary=not quiet)
    sys.stdout.write(renderer(output)(result, options))
    sys.stdout.flush()
    return exit_code(result, fail_on)
