"""`kubelint lint PATHS…`: everything `kubelint check` does, then the lint rules.

Takes check's options (same names, same meaning) plus rule selection, configuration and
baseline options. Configuration (.kubelint.yaml or [tool.kubelint]) is found by walking up from
the inputs and the working directory; the command line wins over it.
"""

from __future__ import annotations

import os
import sys
from typing import Any, NamedTuple

import click

from kubelint.cli.check import check as _check_command
from kubelint.cli.check import exit_code, use_color
from kubelint.cli.options import normalised_version


@click.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Configuration file (default: .kubelint.yaml, .kubelint.yml or pyproject.toml "
    "[tool.kubelint], found upward from the inputs and the working directory).",
)
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option(
    "--enable",
    multiple=True,
    metavar="RULE",
    help="Enable a rule, code, category or `all` (repeatable; wins over the configuration).",
)
@click.option(
    "--disable",
    multiple=True,
    metavar="RULE",
    help="Disable a rule, code, category or `all` (repeatable).",
)
@click.option(
    "--custom-rules",
    multiple=True,
    metavar="PATH",
    help="Custom rule file or directory (repeatable; adds to the configuration's).",
)
@click.option(
    "--policy",
    "policy_paths",
    multiple=True,
    metavar="PATH",
    help="ValidatingAdmissionPolicy (+Binding) files or directories to apply to the input "
    "(repeatable); they are read like inputs, so their own problems are reported too.",
)
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False),
    help="Report only findings not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False),
    help="Record every current finding in this file and exit 0.",
)
def lint(**kw: Any) -> int:
    """Validate manifests like `kubelint check`, then run the lint rules (security,
    reliability, resources, cross-object references, …). Exit 0: clean; 1: findings at or
    above --fail-on; 2: usage, configuration or internal error."""
    from kubelint.report import ReportOptions, renderer
    from kubelint.rules.runner import run_lint

    run = _setup(kw)
    result = run_lint(run.options, run.plan, run.severity, run.baseline, run.extra_findings)
    if kw["write_baseline"]:
        from kubelint.rules import baseline

        try:
            count = baseline.write(kw["write_baseline"], result.findings)
        except OSError as exc:
            raise click.ClickException(f"cannot write {kw['write_baseline']}: {exc}") from None
        click.echo(f"kubelint: wrote {count} finding(s) to {kw['write_baseline']}", err=True)
        return 0
    options = ReportOptions(color=use_color(kw["color"]), show_summary=not kw["quiet"])
    sys.stdout.write(renderer(kw["output"])(result, options))
    sys.stdout.flush()
    return exit_code(result, kw["fail_on"])


# check's own options, shared (everything but --shard: set rules need the whole input)
lint.params[:0] = [p for p in _check_command.params if p.name != "shard"]


class _Run(NamedTuple):
    """The run, resolved from options and configuration."""

    options: Any  # CheckOptions
    plan: Any  # RulePlan
    severity: dict[str, Any]  # code → Severity | None
    baseline: Any  # Baseline | None
    extra_findings: list[Any]  # from custom rule files


def _setup(kw: dict[str, Any]) -> _Run:
    from kubelint import codes
    from kubelint.rules import catalogue
    from kubelint.rules.config import ConfigError, check_names, check_params
    from kubelint.rules.options import option_problem

    rules = catalogue.load_rules()
    extra: list[Any] = []
    try:
        config = _config(kw)
        custom_paths = (*config.custom_rules, *kw["custom_rules"])
        if custom_paths:
            custom, extra = _custom_rules(custom_paths)
            rules = sorted([*rules, *custom], key=lambda r: r.code)
        check_names(config, catalogue.is_selector, lambda n: catalogue.code_of(n) is not None)
        check_params(config, lambda n: codes.lookup(n).name, option_problem)
    except ConfigError as exc:
        raise click.ClickException(f"configuration: {exc}") from None
    for option in ("enable", "disable"):
        for name in kw[option]:
            if not catalogue.is_selector(name):
                raise click.BadParameter(
                    f"unknown rule or category {name!r}", param_hint=f"--{option}"
                )
    severity = _severity(config, kw)
    enabled = catalogue.select(
        rules, [(config.enable, config.disable), (kw["enable"], kw["disable"])]
    )
    enabled = [r for r in enabled if severity.get(r.code, r.severity) is not None]
    options = _check_options(config, kw)
    plan = _plan(rules, enabled, config, options.kubernetes_version)
    return _Run(options, plan, severity, _baseline(kw), extra)


def _baseline(kw: dict[str, Any]):
    if not kw["baseline_path"] or kw["write_baseline"]:
        return None
    from kubelint.rules import baseline

    try:
        return baseline.load(kw["baseline_path"])
    except baseline.BaselineError as exc:
        raise click.ClickException(str(exc)) from None


def _config(kw: dict[str, Any]):
    from kubelint.rules import config as cfg

    if kw["no_config"]:
        return cfg.Config()
    path = kw["config_path"] or cfg.discover(
        [*(p for p in kw["paths"] if p != "-" and os.path.exists(p)), os.getcwd()]
    )
    return cfg.load(path) if path else cfg.Config()


def _custom_rules(paths: tuple[str, ...]):
    try:
        from kubelint.rules.cel.custom import load_custom_rules
    except ImportError:
        raise click.ClickException(
            "custom rules are not available in this build (kubelint.rules.cel is missing)"
        ) from None
    from kubelint.rules import catalogue

    rules, findings = load_custom_rules(list(paths))
    catalogue.add_codes(rules)
    return list(rules), list(findings)


def _severity(config, kw: dict[str, Any]) -> dict[str, Any]:
    """Overrides by code: configuration, then --missing-schema and --severity."""
    from kubelint import codes
    from kubelint.cli.options import parse_severity_overrides
    from kubelint.model import Severity

    out: dict[str, Any] = {}
    for name, level in config.severity.items():
        out[codes.lookup(name).code] = None if level == "off" else Severity.parse(level)
    if kw["missing_schema"]:
        level = kw["missing_schema"]
        out["KL031"] = None if level == "ignore" else Severity.parse(level)
    for name, level in parse_severity_overrides(kw["severities"]).items():
        out[codes.lookup(name).code] = level
    return out


def _check_options(config, kw: dict[str, Any]):
    from kubelint.load.limits import Limits
    from kubelint.pipeline import CheckOptions

    version = kw["kubernetes_version"] or config.kubernetes_version
    version = normalised_version(version)
    return CheckOptions(
        paths=(*kw["paths"], *kw["policy_paths"]),
        kubernetes_version=version,
        strict=kw["strict"],
        crd_paths=(*config.crd, *kw["crd_paths"]),
        exclude=(*config.exclude, *kw["exclude"]),
        jobs=kw["jobs"],
        limits=Limits(
            kw["max_file_size"],
            kw["max_document_size"],
            kw["max_depth"],
            kw["max_alias_nodes"],
            kw["max_objects"],
        ),
    )


def _plan(rules, enabled, config, version: str | None):
    from kubelint import codes
    from kubelint.k8s.podspec import parse_extra
    from kubelint.rules.engine import Settings
    from kubelint.rules.runner import make_plan
    from kubelint.schema import bundle

    defaults = Settings()
    settings = Settings(
        kubernetes_version=version or bundle.default_version(),
        default_namespace=config.default_namespace or defaults.default_namespace,
        node_port_range=config.node_port_range or defaults.node_port_range,
        template_paths=parse_extra(config.template_paths),
        params={codes.lookup(k).name: v for k, v in config.params.items()},
    )
    return make_plan(enabled, settings, rules)
