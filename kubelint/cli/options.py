"""Shared option types and parsers."""

from __future__ import annotations

import re

import click

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$", re.IGNORECASE)
_UNITS = {
    "": 1,
    "b": 1,
    "k": 1024,
    "kb": 1000,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1000**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1000**3,
    "gib": 1024**3,
}


class SizeType(click.ParamType):
    """A byte size: 3145728, 3MiB, 512KiB, 1.5MB."""

    name = "size"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        match = _SIZE.match(str(value))
        if not match:
            self.fail(f"{value!r} is not a size like 3MiB or 65536", param, ctx)
        number, unit = match.groups()
        return int(float(number) * _UNITS[(unit or "").lower()])


SIZE = SizeType()


def parse_severity_overrides(items: tuple[str, ...]) -> dict:
    """'NAME=LEVEL' pairs → {name: Severity | None}; 'ignore'/'off' drop the finding."""
    from kubelint import codes
    from kubelint.model import Severity

    out: dict = {}
    for item in items:
        name, sep, level = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: expected RULE=LEVEL", param_hint="--severity")
        try:
            key = codes.lookup(name.strip()).name
        except KeyError:
            raise click.BadParameter(
                f"unknown rule {name.strip()!r}", param_hint="--severity"
            ) from None
        level = level.strip().lower()
        if level in ("ignore", "off", "none"):
            out[key] = None
            continue
        try:
            out[key] = Severity.parse(level)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--severity") from None
    return out


FORMATS = ("text", "concise", "json", "sarif", "junit", "tap", "github")
"""Report formats (kept equal to kubelint.report.FORMATS, which this module does not import so
that option parsing stays cheap; a test checks they agree)."""


def fail_on_option(command):
    """--fail-on, for every command that reports findings."""
    return click.option(
        "--fail-on",
        type=click.Choice(("error", "warning", "info", "never")),
        default="error",
        show_default=True,
        help="Exit 1 when a finding has at least this severity.",
    )(command)


def report_options(command):
    """--output and --fail-on, shared by the commands that print a report."""
    command = fail_on_option(command)
    return click.option(
        "-o",
        "--output",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help="Report format.",
    )(command)


def color_options(command):
    """--color and --quiet."""
    command = click.option("-q", "--quiet", is_flag=True, help="No summary line.")(command)
    return click.option(
        "--color",
        type=click.Choice(("auto", "always", "never")),
        default="auto",
        show_default=True,
        help="Colour in text output (auto: on a terminal, NO_COLOR off).",
    )(command)


def normalised_version(value: str | None) -> str | None:
    """The --kubernetes-version value as a bundled version ("1.32"), None when not given."""
    if not value:
        return None
    from kubelint.schema import bundle

    try:
        return bundle.normalise_version(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--kubernetes-version") from None


def check_namespace(namespace: str | None) -> None:
    """A --namespace value must be a namespace name (DNS-1123 label), as kubectl requires."""
    if namespace is None:
        return
    from kubelint.k8s.validation import is_dns1123_label

    problems = is_dns1123_label(namespace)
    if problems:
        raise click.BadParameter(f"{namespace!r}: {problems[0]}", param_hint="--namespace")
