"""Quantities as the apiserver parses them, including the forms kubectl writes."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kubelint.k8s.quantity import QuantityError, is_quantity, millicores, parse_quantity, to_int

MULTIPLIERS = {
    "": Decimal(1), "Ki": Decimal(1024), "Mi": Decimal(1024**2), "Gi": Decimal(1024**3),
    "Ti": Decimal(1024**4), "Pi": Decimal(1024**5), "Ei": Decimal(1024**6),
    "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "k": Decimal(1000),
    "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"), "P": Decimal("1e15"),
    "E": Decimal("1e18"), "e3": Decimal(1000), "E-2": Decimal("0.01"), "e+1": Decimal(10),
}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "value"),
    [("500m", "0.5"), ("1Gi", 2**30), ("0.5", "0.5"), (".5", "0.5"), ("1.", 1), ("+2", 2),
     ("-1", -1), ("1e3", 1000), ("1E3", 1000), ("2E", "2e18"), ("128974848", 128974848),
     ("129M", "129e6"), ("123Mi", 123 * 2**20), (2, 2), (0.25, "0.25"), ("0", 0)],
)  # fmt: skip
def test_valid(text, value) -> None:
    assert parse_quantity(text) == Decimal(value)


@pytest.mark.parametrize(
    "text",
    ["1GB", "1gi", "1K", "1Kib", "1.5.0", "", " 1", "1 ", "1e", "1e3Ki", "2 cores", "Gi", "m",
     "0x10", "1_000", True, None, float("inf"), float("nan"), "Infinity"],
)  # fmt: skip
def test_invalid(text) -> None:
    with pytest.raises(QuantityError, match="quantities must match the regular expression"):
        parse_quantity(text)
    assert not is_quantity(text)


@given(
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    st.sampled_from(sorted(MULTIPLIERS)),
)
def test_number_times_suffix(number: Decimal, suffix: str) -> None:
    assert parse_quantity(f"{number}{suffix}") == number * MULTIPLIERS[suffix]


def test_rounding_up() -> None:
    assert millicores("100m") == 100 and millicores("0.0001") == 1 and millicores(2) == 2000
    assert to_int("1.5") == 2 and to_int("1Ki") == 1024


HARD = "--hard=cpu=1500m,memory=1G,requests.storage=10Gi,pods=10,limits.cpu=2"
KUBECTL_QUOTA = ["kubectl", "create", "quota", "q", "--dry-run=client", "-o", "yaml", HARD]


def test_kubectl_written_quantities() -> None:
    try:
        out = subprocess.run(KUBECTL_QUOTA, capture_output=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"kubectl not usable: {exc}")
    hard = yaml.safe_load(out)["spec"]["hard"]
    assert {k: parse_quantity(v) for k, v in hard.items()} == {
        "cpu": Decimal("1.5"), "memory": Decimal("1e9"), "requests.storage": Decimal(10 * 2**30),
        "pods": Decimal(10), "limits.cpu": Decimal(2),
    }  # fmt: skip
