"""Compile and evaluate CEL expressions with a cost bound.

cel-python interprets the parse tree; `_BudgetEvaluator` counts every node it visits, including
the nodes re-visited for each element of a comprehension (`all`, `exists`, `map`, `filter`), and
stops with `CostExceeded` when a single evaluation visits more than the budget. cel-python
evaluates about 20,000 such steps a second here, so the default budget stops a runaway
expression (nested comprehensions over long lists) after roughly two seconds; ordinary rules use
a few dozen steps.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import celpy
import lark
from celpy import celtypes
from celpy.celparser import CELParseError
from celpy.evaluation import Activation, CELEvalError, Evaluator

from kubelint.rules.cel import prebuilt

DEFAULT_BUDGET = 50_000
MAX_EXPRESSION_LENGTH = 5_000  # longer than any sane rule; bounds parse time


class CelCompileError(ValueError):
    """A syntax error; `line`/`column` are 1-based inside the expression text."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class CelEvaluationError(RuntimeError):
    pass


class CostExceeded(CelEvaluationError):
    pass


class _Budget:
    __slots__ = ("left",)

    def __init__(self, steps: int) -> None:
        self.left = steps


class _BudgetEvaluator(Evaluator):
    def __init__(self, ast: lark.Tree, activation: Activation, budget: _Budget) -> None:
        super().__init__(ast, activation)
        self.budget = budget

    def visit(self, tree: lark.Tree) -> Any:
        self.budget.left -= 1
        if self.budget.left < 0:
            raise CostExceeded("evaluation exceeded the cost budget")
        return super().visit(tree)

    def sub_evaluator(self, ast: lark.Tree) -> Evaluator:
        return _BudgetEvaluator(ast, self.activation, self.budget)


def _environment() -> celpy.Environment:
    """cel-python raises the interpreter's recursion limit process-wide when an Environment is
    made; kubelint keeps the limit it had (deeply nested expressions fail to compile instead).
    The parser comes prebuilt when it can (kubelint.rules.cel.prebuilt)."""
    saved = sys.getrecursionlimit()
    try:
        prebuilt.install()
        return celpy.Environment()
    finally:
        sys.setrecursionlimit(saved)


_ENV = _environment()


def _lower_ascii(text: celtypes.StringType) -> celtypes.StringType:
    return celtypes.StringType(str(text).lower())


def _upper_ascii(text: celtypes.StringType) -> celtypes.StringType:
    return celtypes.StringType(str(text).upper())


def _split(text: celtypes.StringType, sep: celtypes.StringType) -> celtypes.ListType:
    return celtypes.ListType([celtypes.StringType(p) for p in str(text).split(str(sep))])


def _join(items: celtypes.ListType, sep: celtypes.StringType | None = None) -> celtypes.StringType:
    return celtypes.StringType(("" if sep is None else str(sep)).join(str(i) for i in items))


def _trim(text: celtypes.StringType) -> celtypes.StringType:
    return celtypes.StringType(str(text).strip())


FUNCTIONS = {
    "lowerAscii": _lower_ascii,
    "upperAscii": _upper_ascii,
    "split": _split,
    "join": _join,
    "trim": _trim,
}
"""The string extension functions of Kubernetes' CEL library that rules use most; the standard
CEL functions and macros (has, size, matches, startsWith, all, exists, …) come with cel-python."""


class Program:
    """A compiled expression; `evaluate` returns plain Python values (bool, str, int, …)."""

    def __init__(self, text: str) -> None:
        if len(text) > MAX_EXPRESSION_LENGTH:
            raise CelCompileError(f"expression longer than {MAX_EXPRESSION_LENGTH} characters")
        try:
            self.ast = _ENV.compile(text)
        except RecursionError:
            raise CelCompileError("expression nests too deeply") from None
        except CELParseError as exc:
            line, column = exc.line or 1, exc.column or 1
            raise CelCompileError(
                f"CEL syntax error at line {line}, column {column} of the expression", line, column
            ) from None
        self.text = text
        self._runner = _ENV.program(self.ast, functions=FUNCTIONS)

    def evaluate(self, variables: Mapping[str, Any], budget: int | None = None) -> Any:
        return self._run(variables, budget, from_cel)

    def evaluate_cel(self, variables: Mapping[str, Any], budget: int | None = None) -> Any:
        """The value as CEL produced it, for other expressions to read (`variables`): turning
        it into Python and back would convert a whole subtree such as `object.spec`."""
        return self._run(variables, budget, _unchanged)

    def _run(
        self, variables: Mapping[str, Any], budget: int | None, convert: Callable[[Any], Any]
    ) -> Any:
        activation = self._runner.new_activation()
        steps = DEFAULT_BUDGET if budget is None else budget
        evaluator = _BudgetEvaluator(self.ast, activation, _Budget(steps))
        try:
            value = convert(evaluator.evaluate({k: to_cel(v) for k, v in variables.items()}))
        except CostExceeded:
            raise
        except CELEvalError as exc:
            raise CelEvaluationError(_eval_message(exc)) from None
        except (RecursionError, ArithmeticError, TypeError, ValueError) as exc:
            raise CelEvaluationError(f"{type(exc).__name__}: {exc}") from None
        return value


def _unchanged(value: Any) -> Any:
    return value


@functools.lru_cache(maxsize=1024)
def compile_expression(text: str) -> Program:
    """`Program(text)`, compiled once per process: a set often holds the same policy or rule
    several times (a bundle rendered per namespace), and a Program keeps no state between
    evaluations. Syntax errors are raised each time (not cached)."""
    return Program(text)


def _eval_message(exc: CELEvalError) -> str:
    message = str(exc.args[0]) if exc.args else "evaluation error"
    return message.split(" (in activation ", 1)[0]  # cel-python appends every variable's value


def to_cel(value: Any) -> Any:
    """Plain JSON-like data to CEL values (`Converted` values pass through unchanged)."""
    if isinstance(value, Converted):
        return value.value
    return json_to_cel(value)


class Converted:
    """A value converted once and evaluated by many expressions (an object under several rules)."""

    __slots__ = ("value",)

    def __init__(self, data: Any) -> None:
        self.value = json_to_cel(data)

    @classmethod
    def of_cel(cls, value: Any) -> Converted:
        """A value that is a CEL value already."""
        converted = cls.__new__(cls)
        converted.value = value
        return converted


def json_to_cel(document: Any) -> Any:
    """celpy.json_to_cel, lazily and without recursion, with Go's integer ranges.

    A mapping becomes a `_LazyMap` whose values are converted when an expression first reads
    them (as the apiserver's own conversion of unstructured objects is lazy: a policy reading
    `object.spec.group` must not pay for a CRD's whole schema); lists are converted at once,
    with an explicit stack (objects nest up to --max-depth 900, deeper than Python's recursion
    limit allows). An integer beyond int64 is a uint, beyond uint64 a double (celpy raises on
    anything beyond int64)."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(document, root, 0)]  # value, its container, its key
    while stack:
        value, container, key = stack.pop()
        out: Any
        if isinstance(value, Mapping):
            out = _LazyMap(value)
        elif isinstance(value, list | tuple):
            out = celtypes.ListType([None] * len(value))
            stack.extend((v, out, i) for i, v in enumerate(value))
        else:
            out = _scalar_to_cel(value)
        container[key] = out
    return root[0]


_PENDING = object()


class _LazyMap(celtypes.MapType):
    """A CEL map of a JSON object: keys converted at once, each value on first read. Whatever
    reads values other than by key (items, values, printing) converts them all first."""

    def __init__(self, raw: Mapping[Any, Any]) -> None:
        super().__init__()
        self._raw: dict[Any, Any] = {}
        for name, value in raw.items():  # keys in the document's order
            key = _scalar_to_cel(name)
            dict.__setitem__(self, key, _PENDING)
            self._raw[key] = value

    def __getitem__(self, key: Any) -> Any:
        value = super().__getitem__(key)  # checks the key type; KeyError when absent
        if value is _PENDING:
            value = json_to_cel(self._raw[key])
            dict.__setitem__(self, key, value)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        if not celtypes.MapType.valid_key_type(key):
            raise TypeError(f"unsupported key type: {type(key)}")
        if key in self:
            return self[key]
        if default is not None:
            return default
        raise KeyError(key)

    def _all(self) -> None:
        for key in self.keys():
            self[key]

    def items(self) -> Any:
        self._all()
        return super().items()

    def values(self) -> Any:
        self._all()
        return super().values()

    def __repr__(self) -> str:
        self._all()
        return f"MapType({dict.__repr__(self)})"


def _scalar_to_cel(value: Any) -> Any:
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        if -(2**63) <= value < 2**63:
            return celtypes.IntType(value)
        return celtypes.UintType(value) if 0 <= value < 2**64 else celtypes.DoubleType(value)
    return celpy.json_to_cel(value)  # str, float, None, datetime


def from_cel(value: Any) -> Any:
    if isinstance(value, celtypes.BoolType):
        return bool(value)
    if isinstance(value, celtypes.IntType | celtypes.UintType):
        return int(value)
    if isinstance(value, celtypes.DoubleType):
        return float(value)
    if isinstance(value, celtypes.StringType):
        return str(value)
    if isinstance(value, celtypes.MapType):
        return {from_cel(k): from_cel(v) for k, v in value.items()}
    if isinstance(value, celtypes.ListType):
        return [from_cel(v) for v in value]
    return value


def evaluate_variables(
    variables: Iterable[tuple[str, Program]], data: Mapping[str, Any]
) -> Converted:
    """Named values in order, each seeing the earlier ones as `variables` (a policy's or a
    rule's `variables:` list): a CEL map, so that the expressions reading it convert nothing."""
    values = celtypes.MapType()
    converted = Converted.of_cel(values)
    for name, program in variables:
        values[celtypes.StringType(name)] = program.evaluate_cel({**data, "variables": converted})
    return converted


def failure_message(
    expression: Program,
    message: str | None,
    message_expression: Program | None,
    data: Mapping[str, Any],
    single_line: bool = False,
) -> str:
    """What a failed validation says, as the apiserver words it: the messageExpression's
    non-empty string (with `single_line`, as for admission policies, one without line breaks),
    else the static message, else `failed expression: <expression>`. A messageExpression that
    fails falls back silently."""
    if message_expression is not None:
        try:
            text = message_expression.evaluate(data)
        except CelEvaluationError:
            text = None
        if isinstance(text, str) and text.strip() and not (single_line and "\n" in text):
            return text
    return message or f"failed expression: {expression.text}"
