"""Generated documents stay in step with the rules: docs/rules.md and the corpus snapshot.

When a rule is added or changed, regenerate both and review the diff:

    python scripts/gen_rule_docs.py
    KUBELINT_UPDATE_SNAPSHOTS=1 pytest tests/rules/test_docs_and_corpus.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from kubelint.pipeline import CheckOptions
from kubelint.rules.catalogue import load_rules
from kubelint.rules.runner import make_plan, run_lint
from tests.conftest import REPO

SNAPSHOT = Path(__file__).parent / "snapshots" / "corpus_counts.json"
UPDATE = os.environ.get("KUBELINT_UPDATE_SNAPSHOTS") == "1"


def test_rules_md_is_generated_from_the_rules() -> None:
    script = REPO / "scripts" / "gen_rule_docs.py"
    run = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr


def test_corpus_counts_per_rule(corpus: Path) -> None:
    """Findings per code over the whole corpus (valid, broken and templated) with every rule
    enabled: a change in any rule's behaviour shows up in this file's diff."""
    rules = load_rules()
    result = run_lint(
        CheckOptions(paths=[str(corpus)], kubernetes_version="1.32"), make_plan(rules)
    )
    crashes = [f"{f.source}:{f.line}: {f.message}" for f in result.findings if f.code == "KL092"]
    assert not crashes, "rules raised on the corpus:\n" + "\n".join(crashes[:20])
    counts = Counter(f"{f.code} {f.name}" for f in result.findings)
    for rule in rules:
        counts.setdefault(f"{rule.code} {rule.name}", 0)
    actual = {
        "objects": result.objects,
        "files": result.files,
        "counts": dict(sorted(counts.items())),
    }
    if UPDATE or not SNAPSHOT.exists():
        SNAPSHOT.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    changed = {
        key: (expected["counts"].get(key), actual["counts"].get(key))
        for key in sorted({*expected["counts"], *actual["counts"]})
        if expected["counts"].get(key) != actual["counts"].get(key)
    }
    assert actual == expected, (
        f"findings per rule on the corpus changed (snapshot, now): {changed}; if intended, "
        "regenerate with KUBELINT_UPDATE_SNAPSHOTS=1 pytest tests/rules/test_docs_and_corpus.py"
    )
