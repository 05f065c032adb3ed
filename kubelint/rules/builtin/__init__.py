"""Built-in rules. Importing this package registers every rule module in it (sorted by name),
so a new rule module needs no edit here. Modules whose name starts with "_" are helpers shared
by rule modules and are imported by those modules, not here."""

from __future__ import annotations

import importlib
import pkgutil


def _import_rule_modules() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


_import_rule_modules()
