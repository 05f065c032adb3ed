"""Whole runs give the same report whichever engine decides validity.

The fast path asks jsonschema-rs for a verdict and the jsonschema package for explanations;
KUBELINT_ENGINE=python uses the jsonschema package for both (the reference path). The
reports must be byte-identical on real inputs, including objects that fail their schemas.
"""

from __future__ import annotations

import pytest

from tests.conftest import cli_env, run_kubelint

pytest.importorskip("jsonschema_rs", reason="jsonschema-rs is not installed on this platform")

CRDS = (
    "istio__istio/manifests/charts/base/files/crd-all.gen.yaml",
    "prometheus-operator__prometheus-operator/example/prometheus-operator-crd",
    "traefik__traefik/docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml",
)


def test_reference_engine_gives_the_same_report(corpus) -> None:
    args = ["check", "-o", "json", "-k", "1.32", "--jobs", "1"]
    args += [str(p) for p in sorted(corpus.iterdir()) if p.is_dir() and p.name != "templated"]
    for crd in CRDS:
        args += ["--crd", str(corpus / crd)]
    fast = run_kubelint(args, env=cli_env({"KUBELINT_ENGINE": "auto"}), timeout=600)
    reference = run_kubelint(args, env=cli_env({"KUBELINT_ENGINE": "python"}), timeout=600)
    assert fast.code == reference.code == 1
    report = fast.json()
    assert report["summary"]["objects"] > 1900
    assert report["summary"]["findings"]["error"] > 100  # broken/ is in: real failures compared
    assert fast.stdout == reference.stdout
