"""What every fuzz target runs on one input, and how a failure is named.

`check_bytes(data, name)` feeds bytes through the same stages as `kubelint check` on one file:

1. `kubelint.load.load_bytes` (decode, parse, construct, limits);
2. `kubelint.pipeline._FileChecker.check_loaded` (schema resolution and validation), then
   `check_deferred` for custom resources whose CRD is in the same input;
3. every report format (`text`, `concise`, `json`), encoded as strict UTF-8 as `sys.stdout`
   would be.

Anything that escapes as an exception is a bug (kubelint promises findings, never tracebacks),
and so is a finding without a valid code or a 1-based position, or an input that takes longer
than `SLOW_SECONDS`. Failures are raised as `Bug`, whose `signature` (exception type and the
innermost kubelint frame) groups inputs that hit the same defect.
"""

from __future__ import annotations

import os
import time
import traceback

from kubelint.codes import CODES
from kubelint.load import load_bytes
from kubelint.load.limits import Limits
from kubelint.pipeline import CheckOptions, CheckResult, _FileChecker
from kubelint.report import FORMATS, ReportOptions, renderer

LIMITS = Limits()
SLOW_SECONDS = float(os.environ.get("KUBELINT_FUZZ_SLOW_SECONDS", "2.0"))
"""An input that takes longer than this is reported as a hang candidate."""

KNOWN = {
    # Found by this harness; reproducers in fuzz/crashes/, failing tests in
    # tests/hostile/test_regressions.py. Campaigns skip them with skip_known=True.
    "ValueError@kubelint/load/scalars.py:_parse_go_int": "int-max-str-digits",
    "UnicodeEncodeError@kubelint/schema/compiled.py:is_valid": "surrogate-key",
    "UnicodeEncodeError@<render>": "surrogate-output",
    "AssertionError@kubelint/load/parse.py:_ruamel_compose": "yaml-directive-version",
    "KeyError@kubelint/load/parse.py:_ruamel_compose": "yaml-directive-version",
    "slow@ruamel-fallback": "ruamel-quadratic",
}


class Bug(Exception):
    def __init__(self, signature: str, detail: str) -> None:
        super().__init__(f"{signature}\n{detail}")
        self.signature = signature
        self.detail = detail


_CHECKER: _FileChecker | None = None


def _checker() -> _FileChecker:
    global _CHECKER
    if _CHECKER is None:
        _CHECKER = _FileChecker(CheckOptions(paths=[]), [])
    return _CHECKER


def signature(exc: BaseException, stage: str) -> str:
    """A failure's name: the exception type and the innermost kubelint frame it came from."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"<{stage}>"
    for frame in reversed(frames):
        path = frame.filename.replace(os.sep, "/")
        if "/kubelint/" in path and "/fuzz/" not in path:
            where = "kubelint/" + path.rsplit("/kubelint/", 1)[1] + ":" + frame.name
            break
    if stage == "render" and isinstance(exc, UnicodeEncodeError):
        where = "<render>"
    return f"{type(exc).__name__}@{where}"


def _slow_signature(data: bytes) -> str:
    """Name a slow input by its likely cause (libyaml rejected it, ruamel.yaml was tried)."""
    from kubelint.load.parse import _compose_all

    try:
        text = data.decode("utf-8")
        for _ in _compose_all(text):
            pass
    except Exception:
        return "slow@ruamel-fallback"
    return "slow@other"


def check_bytes(data: bytes, name: str = "f.yaml") -> int:
    """Run one input through kubelint; return the number of findings or raise Bug."""
    global _CHECKER
    started = time.perf_counter()
    stage = "load"
    try:
        loaded = load_bytes(data, name, LIMITS, is_json=name.endswith(".json"))
        stage = "validate"
        checker = _checker()
        outcome = checker.check_loaded(loaded)
        findings = list(outcome.findings)
        if outcome.deferred:
            findings.extend(checker.check_deferred(outcome))
        if outcome.crds:  # the registry now knows this input's CRDs: start clean next time
            _CHECKER = None
        stage = "render"
        result = CheckResult(findings, kubernetes_version=checker.registry.version)
        result.files, result.objects = 1, outcome.objects
        if outcome.text is not None:
            result.texts[name] = outcome.text
        for fmt in FORMATS:
            renderer(fmt)(result, ReportOptions()).encode("utf-8")
    except Bug:
        raise
    except Exception as exc:
        _CHECKER = None
        raise Bug(signature(exc, stage), traceback.format_exc()) from exc
    for f in findings:
        if f.name not in CODES or f.line < 1 or f.column < 1:
            raise Bug(
                "invariant@finding",
                f"bad finding: {f.name} {f.code} at {f.line}:{f.column}: {f.message}",
            )
    elapsed = time.perf_counter() - started
    if elapsed > SLOW_SECONDS:
        raise Bug(_slow_signature(data), f"{len(data)} bytes took {elapsed:.1f} s")
    return len(findings)
