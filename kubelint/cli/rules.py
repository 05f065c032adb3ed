"""`kubelint rules`: list the rules and codes; `kubelint rules explain NAME`: one rule's docs."""

from __future__ import annotations

import json
import sys

import click


@click.group(invoke_without_command=True)
@click.option(
    "-o",
    "--output",
    type=click.Choice(("table", "json")),
    default="table",
    show_default=True,
    help="Listing format.",
)
@click.pass_context
def rules(ctx: click.Context, output: str) -> int:
    """List every rule (code, name, severity, category, default) and the KL0xx codes of
    loading and schema checks."""
    if ctx.invoked_subcommand is not None:
        return 0
    from kubelint.rules.catalogue import LINT_CODES, check_codes, load_rules

    all_rules = load_rules()
    codes = check_codes()
    if output == "json":
        data = {
            "rules": [
                {
                    "code": r.code,
                    "name": r.name,
                    "severity": str(r.severity),
                    "category": r.category,
                    "scope": r.scope,
                    "default": r.default,
                    "title": r.title,
                }
                for r in all_rules
            ],
            "codes": [
                {"code": c.code, "name": c.name, "severity": str(c.severity), "title": c.title}
                for c in codes
            ],
        }
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
        return 0
    rows = [
        (r.code, r.name, str(r.severity), r.category, "yes" if r.default else "no", r.title)
        for r in all_rules
    ]
    lint_codes = {c.code for c in LINT_CODES}
    rows += [
        (
            c.code,
            c.name,
            str(c.severity),
            "lint" if c.code in lint_codes else "check",
            "yes",
            c.title,
        )
        for c in codes
    ]
    sys.stdout.write(_table(("CODE", "NAME", "SEVERITY", "CATEGORY", "DEFAULT", "TITLE"), rows))
    return 0


@rules.command()
@click.argument("rule")
def explain(rule: str) -> int:
    """Print the documentation of RULE (a name like latest-tag or a code like KL201)."""
    from kubelint import codes
    from kubelint.rules import docs
    from kubelint.rules.catalogue import find, load_rules

    found = find(load_rules(), rule)
    if found is not None:
        sys.stdout.write(docs.explain(found))
        return 0
    try:
        sys.stdout.write(docs.explain_code(codes.lookup(rule.strip())))
    except KeyError:
        raise click.BadParameter(
            f"no rule or code {rule!r} (see `kubelint rules`)", param_hint="RULE"
        ) from None
    return 0


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    lines = []
    for row in (header, *rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]))
    return "\n".join(lines) + "\n"
