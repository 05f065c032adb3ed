"""Plain-scalar resolution as Kubernetes reads YAML.

kubectl and the apiserver turn YAML into JSON with sigs.k8s.io/yaml, which resolves plain
(unquoted) scalars with go-yaml v2's YAML 1.1-flavoured rules, not YAML 1.2 core:

========  ===================  ==================  =========================
scalar    Kubernetes sees      YAML 1.2 core       PyYAML (YAML 1.1)
========  ===================  ==================  =========================
on, yes   boolean true         string              boolean true
y, n      boolean true/false   string              string
0777      integer 511 (octal)  integer 777         integer 511
1_000     integer 1000         string              integer 1000
0b101     integer 5            string              integer 5
1e3       number 1000          number 1000         string "1e3"
09        number 9             integer 9           string "09"
1:30      string "1:30"        string              integer 90 (base 60)
2024-01-02 string              string              date
=         string "="           string              tag:yaml.org,2002:value
========  ===================  ==================  =========================

kubelint follows the first column, so validation sees exactly what the apiserver would.
Scalars whose meaning differs between the columns are reported as `ambiguous-scalar`
warnings by the loader (see `ambiguity`).
"""

from __future__ import annotations

import json
import math
import re
import struct
from typing import Any

NULLS = frozenset(("", "~", "null", "Null", "NULL"))
TRUES = frozenset(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"))
FALSES = frozenset(("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"))
_YAML11_ONLY_BOOLS = (TRUES | FALSES) - {"true", "True", "TRUE", "false", "False", "FALSE"}
_SPECIAL_FLOATS = {
    ".inf": math.inf,
    ".Inf": math.inf,
    ".INF": math.inf,
    "+.inf": math.inf,
    "+.Inf": math.inf,
    "+.INF": math.inf,
    "-.inf": -math.inf,
    "-.Inf": -math.inf,
    "-.INF": -math.inf,
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
}
_NUMERIC_START = frozenset("+-.0123456789")
# go's strconv.ParseInt(s, 0, 64) after go-yaml removed underscores
_GO_INT = re.compile(r"[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)\Z")
# go-yaml v2's yamlStyleFloat
_GO_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(2**63), 2**63 - 1, 2**64 - 1


def resolve_plain(text: str) -> Any:
    """Value of a plain scalar the way sigs.k8s.io/yaml (go-yaml v2) resolves it."""
    if text in NULLS:
        return None
    if text in TRUES:
        return True
    if text in FALSES:
        return False
    if text[0] in _NUMERIC_START:
        return _resolve_number(text)
    return text


def resolve_key(text: str) -> Any:
    """Like resolve_plain, for mapping keys: floats stay floats (see format_key)."""
    if text and text[0] in _NUMERIC_START:
        return _resolve_number(text, integral_floats=False)
    return resolve_plain(text)


def _resolve_number(text: str, integral_floats: bool = True) -> Any:
    special = _SPECIAL_FLOATS.get(text)
    if special is not None:
        return special
    plain = text.replace("_", "") if "_" in text else text
    if len(plain) <= 24 and _GO_INT.match(plain):  # longer ones are beyond uint64 anyway
        value = _parse_go_int(plain)
        # ParseInt takes a sign; ParseUint (for values past int64) does not
        if _INT64_MIN <= value <= _INT64_MAX or (0 <= value <= _UINT64_MAX and plain[0] != "+"):
            return value
    if _GO_FLOAT.match(plain):
        value = float(plain)
        if math.isinf(value):  # go's ParseFloat reports a range error; go-yaml keeps the string
            return text
        # Go's JSON encoder writes an integral float64 below 1e21 as an integer (1e3 -> 1000),
        # so the apiserver cannot tell them apart: neither do we.
        if integral_floats and value.is_integer() and abs(value) < 1e21:
            return int(value)
        return value
    return text


def _parse_go_int(plain: str) -> int:
    sign = -1 if plain[0] == "-" else 1
    digits = plain[1:] if plain[0] in "+-" else plain
    if len(digits) > 1 and digits[0] == "0":
        prefix = digits[1]
        if prefix in "xX":
            return sign * int(digits[2:], 16)
        if prefix in "oO":
            return sign * int(digits[2:], 8)
        if prefix in "bB":
            return sign * int(digits[2:], 2)
        return sign * int(digits[1:], 8)
    return sign * int(digits)


# YAML 1.1 floats need a dot, and a sign in the exponent
_YAML11_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?\Z")
_YAML12_INT = re.compile(r"[-+]?[0-9]+\Z")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")


def ambiguity(text: str, value: Any) -> str | None:
    """Why a plain scalar reads differently across YAML versions, or None when it does not.

    `value` is what `resolve_plain(text)` returned (what Kubernetes sees).
    """
    quoted = json.dumps(text)
    if text in _YAML11_ONLY_BOOLS:
        return (
            f"plain {quoted} is read by Kubernetes as the boolean {str(value).lower()} "
            f"(YAML 1.1), but as the string {quoted} by YAML 1.2 tools"
        )
    if isinstance(value, str):
        if _SEXAGESIMAL.match(text):
            return f"plain {quoted} is a string for Kubernetes but a base-60 number in YAML 1.1"
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    plain = text.replace("_", "")
    digits = plain.lstrip("+-")
    if "_" in text:
        return f"plain {quoted} is read by Kubernetes as {value} but as a string by YAML 1.2 tools"
    if _GO_INT.match(plain) and len(digits) > 1 and digits[0] == "0" and digits[1] not in "xXoO":
        if digits[1] in "bB":
            return (
                f"plain {quoted} is read by Kubernetes as the binary number {value}, "
                "but as a string by YAML 1.2 tools"
            )
        if int(plain) != value:  # 07 and 00 read the same either way
            return (
                f"plain {quoted} is read by Kubernetes as the octal number {value}, "
                f"but as {int(plain)} by YAML 1.2 tools"
            )
        return None
    if ("e" in text or "E" in text) and not _YAML11_FLOAT.match(text):
        return (
            f"plain {quoted} is read by Kubernetes as the number {value:g}, "
            "but as a string by YAML 1.1 tools"
        )
    if _YAML12_INT.match(text) and not _GO_INT.match(plain):  # 08, 09: not octal, so a float
        return f"plain {quoted} is read by Kubernetes as {value} but as a string by YAML 1.1 tools"
    return None


def format_key(value: Any) -> str:
    """Mapping keys become JSON object keys: sigs.k8s.io/yaml formats non-string scalars."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float32_g(value)
    return str(value)


def go_float32_g(value: float) -> str:
    """Go's strconv.FormatFloat(value, 'g', -1, 32), which sigs.k8s.io/yaml uses for float keys."""
    if math.isnan(value):
        return ".nan"
    f32 = _to_float32(value)
    if math.isinf(f32):
        return ".inf" if f32 > 0 else "-.inf"
    if f32 == 0:
        return "-0" if math.copysign(1, f32) < 0 else "0"
    for places in range(9):  # shortest digits that read back as the same float32
        text = f"{f32:.{places}e}"
        if _to_float32(float(text)) == f32:
            break
    mantissa, exponent = text.split("e")
    sign = "-" if mantissa.startswith("-") else ""
    digits = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
    exp = int(exponent)
    if exp < -4 or exp >= 6:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{body}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp < 0:
        return f"{sign}0.{'0' * (-exp - 1)}{digits}"
    whole, frac = digits[: exp + 1].ljust(exp + 1, "0"), digits[exp + 1 :]
    return f"{sign}{whole}" + (f".{frac}" if frac else "")


def _to_float32(value: float) -> float:
    try:
        return struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)
