"""`kubelint schemas …`: list the bundled schemas, or build them from upstream data."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def schemas() -> None:
    """Bundled Kubernetes schemas."""


@schemas.command("list")
def list_schemas() -> None:
    """Show the bundled Kubernetes versions."""
    import os

    from kubelint.schema import bundle

    for version in bundle.versions():
        size = os.path.getsize(bundle.data_file(f"v{version}.json.gz"))
        mark = "  (default)" if version == bundle.default_version() else ""
        click.echo(f"{version}  {size / 1024:6.1f} KiB{mark}")


@schemas.command("build")
@click.option(
    "--source",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="kubernetes-json-schema directory (default: from the installed "
    "kubernetes-validate package).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas/kubernetes"),
    show_default=True,
)
@click.option(
    "--deprecations",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("schemas/src/deprecations.yaml"),
    show_default=True,
)
def build_schemas(source: Path | None, out: Path, deprecations: Path) -> None:
    """Regenerate the bundles from upstream Kubernetes OpenAPI definitions."""
    from kubelint.schema.build import build, default_source

    try:
        source = source or default_source()
    except ImportError:
        raise click.UsageError(
            "pass --source, or `pip install kubernetes-validate` (build time only)"
        ) from None
    versions = build(source, out, deprecations)
    click.echo(f"wrote {len(versions)} bundles ({versions[0]}..{versions[-1]}) to {out}")
