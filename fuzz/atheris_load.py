"""Coverage-guided fuzzing of kubelint with atheris (libFuzzer for Python); see fuzz/README.md.

    python fuzz/atheris_load.py -max_total_time=600 fuzz/corpus_seed/

Arguments are libFuzzer's. Defaults added unless given: -timeout=10 (an input that runs
longer is a hang), -rss_limit_mb=2048, -max_len=65536, -artifact_prefix=fuzz/crashes/atheris-,
-dict=fuzz/yaml.dict (YAML and Kubernetes tokens).
Corpus directories are only read: new interesting inputs go to a fresh working directory
(KUBELINT_FUZZ_WORKDIR, else a temporary one) listed first, so fuzz/corpus_seed/ stays as
committed.

Each input is run by harness.check_bytes as a .yaml file (and as a .json file when its first
byte is `{`). Bugs listed in harness.KNOWN are skipped so that a campaign can look past them;
KUBELINT_FUZZ_STRICT=1 makes them fail too.
"""

from __future__ import annotations

import atexit
import os
import sys
import tempfile
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

with atheris.instrument_imports(include=["kubelint"]):
    import kubelint.load
    import kubelint.pipeline
    import kubelint.report.concise_format
    import kubelint.report.json_format
    import kubelint.report.text_format
    import kubelint.validate  # noqa: F401

from harness import KNOWN, Bug, check_bytes  # noqa: E402

STRICT = bool(os.environ.get("KUBELINT_FUZZ_STRICT"))
SEEN: dict[str, int] = {}


def test_one_input(data: bytes) -> None:
    names = ["f.yaml", "f.json"] if data[:1] == b"{" else ["f.yaml"]
    for name in names:
        try:
            check_bytes(data, name)
        except Bug as bug:
            if bug.signature in KNOWN and not STRICT:
                if bug.signature not in SEEN:
                    print(f"known bug hit (skipped): {bug.signature}", file=sys.stderr)
                SEEN[bug.signature] = SEEN.get(bug.signature, 0) + 1
                continue
            print(bug.detail, file=sys.stderr)
            raise


def libfuzzer_args(argv: list[str]) -> list[str]:
    flags = [a for a in argv[1:] if a.startswith("-")]
    dirs = [a for a in argv[1:] if not a.startswith("-")]
    given = {f.split("=", 1)[0] for f in flags}
    defaults = {
        "-timeout": "10",
        "-rss_limit_mb": "2048",
        "-max_len": "65536",
        "-artifact_prefix": str(HERE / "crashes" / "atheris-"),
        "-dict": str(HERE / "yaml.dict"),
    }
    flags += [f"{k}={v}" for k, v in defaults.items() if k not in given]
    if dirs:
        work = os.environ.get("KUBELINT_FUZZ_WORKDIR") or tempfile.mkdtemp(prefix="kubelint-fuzz-")
        os.makedirs(work, exist_ok=True)
        print(f"working corpus: {work}", file=sys.stderr)
        dirs = [work, *dirs]
    return [argv[0], *flags, *dirs]


def _summary() -> None:
    if SEEN:
        print(f"known bugs hit (inputs): {SEEN}", file=sys.stderr)


def main() -> None:
    atexit.register(_summary)
    atheris.Setup(libfuzzer_args(sys.argv), test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
