#!/usr/bin/env python3
"""Write docs/rules.md from the rules' own documentation (`--check`: exit 1 if it is stale).

python scripts/gen_rule_docs.py           # regenerate
python scripts/gen_rule_docs.py --check   # CI / tests: is the committed file up to date?
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "docs" / "rules.md"


def render() -> str:
    sys.path.insert(0, str(REPO))
    from kubelint.rules.catalogue import check_codes, load_rules
    from kubelint.rules.docs import catalogue_markdown

    return catalogue_markdown(load_rules(), check_codes())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is stale: run python scripts/gen_rule_docs.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
