"""Every seed scenario of ../shared/scenarios, simulated and compared with its expected.yaml
(tests/reconcile/expect.py reads the matching rules of the scenarios' README)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import SCENARIOS, needs_scenarios

from kubelint.reconcile.output import report_dict
from kubelint.reconcile.simulate import SimulateOptions, simulate
from tests.reconcile.expect import compare

pytestmark = needs_scenarios
SMALL = sorted(p.name for p in SCENARIOS.glob("0*") if not p.name.startswith("06"))

KNOWN_GAPS: dict[str, tuple[str, ...]] = {}
"""Mismatch prefixes a scenario may report because another stage owns that part (see why)."""


def run(folder: Path):
    sim = simulate(SimulateOptions([str(folder / "manifests")], str(folder / "cluster.yaml")))
    return sim, report_dict(sim)


@pytest.mark.parametrize("name", SMALL)
def test_scenario(name: str) -> None:
    folder = SCENARIOS / name
    expected = yaml.safe_load((folder / "expected.yaml").read_text())
    sim, report = run(folder)
    problems = [
        p
        for p in compare(expected, sim, report, str(folder))
        if not p.startswith(KNOWN_GAPS.get(name, ("\x00",)))
    ]
    assert problems == [], "\n".join(problems)
