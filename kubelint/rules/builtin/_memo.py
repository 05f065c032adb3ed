"""Memoised checks of strings that repeat across thousands of objects (label keys, names,
quantities such as `100m`): the same answers as kubelint.k8s, computed once per value."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from kubelint.k8s import quantity, validation

Check = Callable[..., Sequence[str]]
_SIZE = 8192


def _memo(check: Callable[..., list[str]]) -> Check:
    cached = functools.lru_cache(maxsize=_SIZE)(lambda value, *args: tuple(check(value, *args)))

    @functools.wraps(check)
    def memo(value: Any, *args: Any) -> Sequence[str]:
        return cached(value, *args) if type(value) is str else check(value, *args)

    return memo


is_dns1035_label = _memo(validation.is_dns1035_label)
is_dns1123_label = _memo(validation.is_dns1123_label)
is_dns1123_subdomain = _memo(validation.is_dns1123_subdomain)
is_env_var_name = _memo(validation.is_env_var_name)
is_label_value = _memo(validation.is_label_value)
is_path_segment_name = _memo(validation.is_path_segment_name)
is_port_name = _memo(validation.is_port_name)
is_qualified_name = _memo(validation.is_qualified_name)


@functools.lru_cache(maxsize=_SIZE, typed=True)  # typed: 1 and 1.0 are different quantities
def _quantity(value: str | int | float) -> Decimal | str:
    try:
        return quantity.parse_quantity(value)
    except quantity.QuantityError as exc:
        return str(exc)


def parse_quantity(value: Any) -> Decimal:
    """kubelint.k8s.quantity.parse_quantity, memoised for strings and numbers."""
    if type(value) not in (str, int, float):
        return quantity.parse_quantity(value)
    parsed = _quantity(value)
    if isinstance(parsed, str):
        raise quantity.QuantityError(parsed)
    return parsed
