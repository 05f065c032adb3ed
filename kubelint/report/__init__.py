"""Reporters: one small module per output format, each `render(result, options) -> str`."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import NamedTuple

from kubelint.pipeline import CheckResult

FORMATS = ("text", "concise", "json", "sarif", "junit", "tap", "github")


class ReportOptions(NamedTuple):
    color: bool = False
    show_summary: bool = True


def renderer(name: str) -> Callable[[CheckResult, ReportOptions], str]:
    if name not in FORMATS:
        raise ValueError(f"unknown output format {name!r}; choose from {', '.join(FORMATS)}")
    module = import_module(f"kubelint.report.{name}_format")
    return module.render
