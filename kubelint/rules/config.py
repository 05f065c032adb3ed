"""Repository configuration: `.kubelint.yaml` (or `.kubelint.yml`), or `[tool.kubelint]` in
pyproject.toml, found by walking up from the inputs and the working directory.

    kubernetes-version: "1.31"
    enable: [all]                      # rule names, codes, categories, or all
    disable: [security, latest-tag]    # the most specific selector wins (name > category > all)
    severity: {latest-tag: error, KL010: off}
    exclude: ["charts/*", "*.tmpl.yaml"]
    crd: [crds/]                       # CRD files to validate custom resources against
    custom-rules: [policies/]          # custom (CEL) rule files or directories
    template-paths: {argoproj.io/Rollout: spec.template}
    node-port-range: 30000-32767
    default-namespace: default
    params: {replica-count: {min: 2}}  # per-rule options

Every problem is a ConfigError naming the file and line; nothing is half-applied.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

YAML_NAMES = (".kubelint.yaml", ".kubelint.yml")
PYPROJECT = "pyproject.toml"
SEVERITY_LEVELS = ("error", "warning", "info", "off")


class ConfigError(Exception):
    def __init__(self, source: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.source, self.line, self.message = source, line, message

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


class Config(NamedTuple):
    source: str | None = None  # the file read, None for built-in defaults
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    severity: Mapping[str, str] = {}  # rule name or code → error|warning|info|off
    exclude: tuple[str, ...] = ()
    kubernetes_version: str | None = None
    crd: tuple[str, ...] = ()
    custom_rules: tuple[str, ...] = ()
    template_paths: Mapping[str, str] = {}  # "group/Kind" → "spec.template"
    node_port_range: tuple[int, int] | None = None
    default_namespace: str | None = None
    params: Mapping[str, Mapping[str, Any]] = {}
    lines: Mapping[tuple[str | int, ...], int] = {}  # key path → line, for later errors

    def error(self, path: tuple[str | int, ...], message: str) -> ConfigError:
        """A ConfigError at the line of `path` (or its nearest parent)."""
        while path and path not in self.lines:
            path = path[:-1]
        return ConfigError(self.source or "<config>", self.lines.get(path), message)


# -- discovery -------------------------------------------------------------------------------
def discover(starts: Iterable[str]) -> str | None:
    """The first configuration file found walking up from each start (inputs, then cwd)."""
    seen: set[str] = set()
    for start in starts:
        directory = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start))
        while directory not in seen:
            seen.add(directory)
            for name in YAML_NAMES:
                if os.path.isfile(os.path.join(directory, name)):
                    return os.path.join(directory, name)
            pyproject = os.path.join(directory, PYPROJECT)
            if os.path.isfile(pyproject) and _has_tool_table(pyproject):
                return pyproject
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
    return None


def _has_tool_table(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as fh:
            return re.search(r"^\[tool\.kubelint[.\]]", fh.read(), re.MULTILINE) is not None
    except (OSError, UnicodeDecodeError):
        return False


# -- reading ---------------------------------------------------------------------------------
def load(path: str) -> Config:
    """Read and validate one configuration file."""
    shown = os.path.relpath(path)
    shown = shown if not shown.startswith("..") else os.path.abspath(path)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(shown, None, f"cannot read: {exc}") from None
    if os.path.basename(path) == PYPROJECT:
        data, lines = _read_toml(text, shown)
    else:
        data, lines = _read_yaml(text, shown)
    return parse(data, shown, lines, os.path.dirname(os.path.abspath(path)))


def _read_yaml(text: str, source: str) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(source, mark.line + 1 if mark else None, f"invalid YAML: {exc}") from None
    lines: dict[tuple[str | int, ...], int] = {}
    if node is not None:
        _node_lines(node, (), lines)
    return ({} if data is None else data), lines


def _node_lines(node: Any, path: tuple[str | int, ...], out: dict) -> None:
    out[path] = node.start_mark.line + 1
    if node.id == "mapping":
        for key, value in node.value:
            child = (*path, str(key.value))
            out[child] = key.start_mark.line + 1
            if value.id != "scalar":
                _node_lines(value, child, out)
    elif node.id == "sequence":
        for i, item in enumerate(node.value):
            _node_lines(item, (*path, i), out)


def _read_toml(text: str, source: str) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ConfigError(source, int(line.group(1)) if line else None, str(exc)) from None
    table = data.get("tool", {}).get("kubelint", {})
    return table, _toml_lines(text)


def _toml_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """Lines of the keys of [tool.kubelint] and its sub-tables (tomllib keeps no positions)."""
    lines: dict[tuple[str | int, ...], int] = {}
    section: tuple[str, ...] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"^\s*\[tool\.kubelint(?:\.([\w.\"/-]+))?\]", line)
        if header:
            section = tuple(p.strip('"') for p in (header.group(1) or "").split(".") if p)
            lines.setdefault(section, number)
            continue
        if line.lstrip().startswith("["):
            section = None
        key = re.match(r"^\s*\"?([\w./-]+)\"?\s*=", line)
        if section is not None and key:
            lines.setdefault((*section, key.group(1)), number)
    return lines


# -- validation ------------------------------------------------------------------------------
_Check = Callable[[Any, tuple[str | int, ...]], Any]


def parse(data: Any, source: str, lines: Mapping, base: str = ".") -> Config:
    """Validate plain configuration data; relative paths are taken from `base`."""
    config = Config(source=source, lines=dict(lines))
    if not isinstance(data, Mapping):
        raise config.error((), "the configuration must be a mapping of settings")
    fields: dict[str, Any] = {}
    for key in sorted(data, key=str):
        handler = _FIELDS.get(str(key))
        if handler is None:
            from difflib import get_close_matches

            close = get_close_matches(str(key), list(_FIELDS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise config.error((str(key),), f"unknown setting {key!r}{hint}")
        attribute, check = handler
        fields[attribute] = check(config, data[key], (str(key),), base)
    return config._replace(**fields)


def _strings(config: Config, value: Any, path: tuple, base: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise config.error(path, f"{path[0]}: expected a list of names")
    return tuple(v.strip() for v in value)


def _paths(config: Config, value: Any, path: tuple, base: str) -> tuple[str, ...]:
    return tuple(
        os.path.normpath(os.path.join(base, p)) for p in _strings(config, value, path, base)
    )


def _severity(config: Config, value: Any, path: tuple, base: str) -> dict[str, str]:
    table = _mapping(config, value, path)
    out = {}
    for name, level in table.items():
        level = "off" if level is False else level  # YAML 1.1 reads a plain `off` as false
        if not isinstance(level, str) or level.lower() not in SEVERITY_LEVELS:
            raise config.error(
                (*path, name), f"severity of {name!r} must be one of {', '.join(SEVERITY_LEVELS)}"
            )
        out[str(name)] = level.lower()
    return out


def _version(config: Config, value: Any, path: tuple, base: str) -> str:
    from kubelint.schema import bundle

    try:
        return bundle.normalise_version(str(value))
    except ValueError as exc:
        raise config.error(path, f"kubernetes-version: {exc}") from None


def _template_paths(config: Config, value: Any, path: tuple, base: str) -> dict[str, str]:
    table = _mapping(config, value, path)
    for key, dotted in table.items():
        if (
            "/" not in key
            or not isinstance(dotted, str)
            or not re.fullmatch(r"\w+(\.\w+)*", dotted)
        ):
            raise config.error(
                (*path, key),
                f"template-paths: expected 'group/Kind: dotted.path', got {key!r}: {dotted!r}",
            )
    return {str(k): str(v) for k, v in table.items()}


def _port_range(config: Config, value: Any, path: tuple, base: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", str(value))
    low, high = (int(match.group(1)), int(match.group(2))) if match else (0, -1)
    if not match or not 1 <= low <= high <= 65535:
        raise config.error(
            path, f"node-port-range: expected LOW-HIGH within 1-65535, got {value!r}"
        )
    return low, high


def _namespace(config: Config, value: Any, path: tuple, base: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", value):
        raise config.error(path, f"default-namespace: {value!r} is not a namespace name")
    return value


def _params(config: Config, value: Any, path: tuple, base: str) -> dict[str, dict[str, Any]]:
    table = _mapping(config, value, path)
    for name, options in table.items():
        if not isinstance(options, Mapping):
            raise config.error((*path, name), f"params: options of {name!r} must be a mapping")
    return {str(k): dict(v) for k, v in table.items()}


def _mapping(config: Config, value: Any, path: tuple) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise config.error(path, f"{path[0]}: expected a mapping")
    return {str(k): v for k, v in value.items()}


_FIELDS: dict[str, tuple[str, Callable[..., Any]]] = {
    "enable": ("enable", _strings),
    "disable": ("disable", _strings),
    "severity": ("severity", _severity),
    "exclude": ("exclude", _strings),
    "kubernetes-version": ("kubernetes_version", _version),
    "crd": ("crd", _paths),
    "custom-rules": ("custom_rules", _paths),
    "template-paths": ("template_paths", _template_paths),
    "node-port-range": ("node_port_range", _port_range),
    "default-namespace": ("default_namespace", _namespace),
    "params": ("params", _params),
}


def check_names(
    config: Config, is_selector: Callable[[str], bool], is_rule: Callable[[str], bool]
) -> None:
    """Every name in enable/disable (rules, codes, categories, `all`) and in severity/params
    (rules and codes) must be known; raises ConfigError at the offending line."""
    for key, names in (("enable", config.enable), ("disable", config.disable)):
        for i, name in enumerate(names):
            if not is_selector(name):
                raise config.error((key, i), f"{key}: unknown rule or category {name!r}")
    for key, table in (("severity", config.severity), ("params", config.params)):
        for name in table:
            if not is_rule(name):
                raise config.error((key, name), f"{key}: unknown rule {name!r}")


def check_params(
    config: Config, name_of: Callable[[str], str], problem: Callable[[str, str, Any], str | None]
) -> None:
    """Each `params` option must be one its rule declares, with a value of the declared type
    (`problem(rule_name, key, value)` says why not); raises ConfigError at its line."""
    for rule, options in config.params.items():
        for key, value in options.items():
            why = problem(name_of(rule), str(key), value)
            if why:
                raise config.error(("params", rule, str(key)), why)
