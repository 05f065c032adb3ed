"""Kubernetes resource quantities (`500m`, `1Gi`, `1e3`, `0.5`), parsed as
k8s.io/apimachinery/pkg/api/resource does: a signed decimal number followed by an optional binary
suffix (Ki Mi Gi Ti Pi Ei), decimal SI suffix (n u m k M G T P E) or decimal exponent (e3, E-2).
`1GB`, `1gi`, `1.5.0` and the empty string are rejected. YAML numbers (`cpu: 2`, `cpu: 0.5`) are
quantities too."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

_QUANTITY = re.compile(
    r"^(?P<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$"
)
_BINARY = {s: 1024**i for i, s in enumerate(("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"))}
_DECIMAL = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}


_PATTERN_ERROR = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)


class QuantityError(ValueError):
    pass


def parse_quantity(value: Any) -> Decimal:
    """The exact value of a quantity; raises QuantityError with the apiserver's wording."""
    if isinstance(value, bool) or value is None:
        raise QuantityError(_PATTERN_ERROR)
    if isinstance(value, int | float):
        number = Decimal(str(value))
        if not number.is_finite():  # YAML .inf / .nan
            raise QuantityError(_PATTERN_ERROR)
        return number
    text = str(value)
    match = _QUANTITY.match(text)
    if match is None:
        raise QuantityError(_PATTERN_ERROR)
    try:
        number = Decimal(match["number"])
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise QuantityError(str(exc)) from exc
    suffix = match["suffix"] or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number * _DECIMAL[suffix]
    return number.scaleb(int(suffix[1:]))


def is_quantity(value: Any) -> bool:
    try:
        parse_quantity(value)
    except QuantityError:
        return False
    return True


def millicores(value: Any) -> int:
    """CPU in millicores, rounded up as the scheduler does (`100m` → 100, `0.0001` → 1)."""
    return int((parse_quantity(value) * 1000).to_integral_value(rounding="ROUND_CEILING"))


def to_int(value: Any) -> int:
    """Bytes (or a plain count such as `pods`), rounded up."""
    return int(parse_quantity(value).to_integral_value(rounding="ROUND_CEILING"))
