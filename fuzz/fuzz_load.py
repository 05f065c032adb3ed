"""Hypothesis fuzzing of kubelint's loader and validator (see fuzz/README.md).

    python fuzz/fuzz_load.py                     # 2000 examples
    python fuzz/fuzz_load.py --examples 50000
    python fuzz/fuzz_load.py --seconds 600       # a campaign: run for 10 minutes
    python fuzz/fuzz_load.py --seconds 600 --skip-known --save fuzz/crashes

Inputs come from four generators, in turn: raw bytes (`st.binary()`), a YAML token grammar
(anchors, aliases, merge keys, tags, flow and block collections, odd scalars, escapes, tabs,
BOMs), Kubernetes-shaped objects dumped as YAML with hostile values, and mutations of the seed
files in fuzz/corpus_seed/ (bit flips, truncation, duplicated lines, inserted `&a`, `*a`,
`!!tag`, `<<:`, tabs). Each input goes through `harness.check_bytes` as a .yaml file and, for
a share of them, as a .json file.

The run does not stop at the first failure: every distinct failure signature (exception type
and innermost kubelint frame) is counted, and the smallest input seen for it is kept and,
with --save DIR, written there. Exit status 1 when a failure not in harness.KNOWN was found
(or any failure, without --skip-known).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import KNOWN, Bug, check_bytes  # noqa: E402

SEED_DIR = HERE / "corpus_seed"

# -- generators ------------------------------------------------------------------------------
TOKENS = [
    "apiVersion: v1\n",
    "apiVersion: apps/v1\n",
    "kind: ConfigMap\n",
    "kind: Deployment\n",
    "kind: List\n",
    "items:\n",
    "metadata:\n",
    "  name: x\n",
    "spec:\n",
    "  replicas: ",
    "data:\n",
    "  k: ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "%YAML 1.3\n",
    "%TAG ! tag:x,2000:\n",
    "&a ",
    "&b ",
    "*a",
    "*b",
    "<<: ",
    "<<: *a\n",
    "<<: [*a, *b]\n",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!null ",
    "!!binary ",
    "!!map ",
    "!!seq ",
    "!!set ",
    "!!omap ",
    "!!python/object/apply:os.system ",
    "!Ref ",
    "!<tag:yaml.org,2002:str> ",
    "! ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    ":",
    "- ",
    "? ",
    "|\n",
    ">-\n",
    "|+2\n",
    "# c\n",
    "\n",
    "  ",
    "    ",
    "\t",
    "\r\n",
    "\r",
    "\ufeff",
    "'",
    '"',
    "''",
    '""',
    "\\",
    '"\\ud800"',
    '"\\udc00\\ud800"',
    '"\\x00"',
    '"\\U0010ffff"',
    '"\\N\\_\\L\\P"',
    "\u2028",
    "\x85",
    "\x00",
    "\x7f",
    "\ue000",
    "\U0001f600",
    "é",
    "ᐅ",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "~",
    "null",
    "true",
    "False",
    "=",
    "0",
    "-0",
    "0777",
    "0o17",
    "0x1F",
    "0b101",
    "1_000",
    "1e3",
    "1e400",
    "-1e400",
    "1.5",
    ".nan",
    ".inf",
    "-.Inf",
    "99999999999999999999",
    "2147483648",
    "9223372036854775808",
    "18446744073709551616",
    "-9223372036854775809",
    "1:30",
    "2024-01-02",
    "0.",
    ".",
    "1" * 30,
    "9" * 400,
    "7" * 4400,
    "{{ .Values.x }}",
    "{% if %}",
    "a",
    "b",
    "name",
    "image: nginx\n",
    "containers:\n",
    "  - name: c\n",
    "labels: {a: b}\n",
    "apiVersion: ../../etc/passwd\n",
    "kind: ../../../x\n",
    "apiVersion: example.com/v1\n",
    "kind: CustomResourceDefinition\n",
]

_TOKEN_TEXT = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)
_MIXED_TEXT = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=60).map(
    "".join
)

_SCALAR = st.one_of(
    st.sampled_from(
        [
            "1e400",
            "99999999999999999999",
            ".nan",
            ".inf",
            "-1",
            "yes",
            "0777",
            "~",
            "",
            "2147483648",
            '"\\ud800"',
            "!!binary aGk=",
            "!!binary @@",
            "*a",
            "&a x",
            "9" * 25,
            "8" * 4301,
            "[]",
            "{}",
            "- x",
            "|\n  block",
            "'quoted'",
            "!!python/name:os.system",
        ]
    ),
    st.integers().map(str),
    st.floats().map(repr),
    st.text(max_size=12).map(json.dumps),
)


@st.composite
def _k8s_yaml(draw) -> str:
    """A Kubernetes-shaped object with hostile scalars in typed fields."""
    api_kind = draw(
        st.sampled_from(
            [
                ("apps/v1", "Deployment"),
                ("v1", "ConfigMap"),
                ("v1", "Service"),
                ("batch/v1", "Job"),
                ("v1", "List"),
                ("example.com/v1", "Widget"),
                ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
                ("../..", "../x"),
            ]
        )
    )
    lines = [f"apiVersion: {api_kind[0]}", f"kind: {api_kind[1]}", "metadata:"]
    lines.append(f"  name: {draw(_SCALAR)}")
    lines.append("spec:")
    for field in draw(
        st.lists(
            st.sampled_from(
                ["replicas", "paused", "minReadySeconds", "selector", "template", "ports", "x"]
            ),
            max_size=5,
        )
    ):
        lines.append(f"  {field}: {draw(_SCALAR)}")
    if api_kind[1] == "List":
        lines.append("items:")
        lines.append("  - " + draw(_SCALAR))
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        text = text.replace("metadata:", "metadata: &a", 1) + "other: *a\n"
    return text


def _seeds() -> list[bytes]:
    if not SEED_DIR.is_dir():
        return [b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: v\n"]
    return [p.read_bytes() for p in sorted(SEED_DIR.iterdir()) if p.suffix in (".yaml", ".json")]


INSERTS = [b"&a ", b"*a", b"!!tag ", b"!!str ", b"<<: ", b"<<: *a\n", b"\t", b"- ", b"? ",
           b"[", b"{", b"]", b"}", b"'", b'"', b"\\", b"#", b"\x00", b"\xff", b"\xef\xbb\xbf",
           b"\r", b"\n---\n", b": ", b"|", b"%"]  # fmt: skip


@st.composite
def _mutated_seed(draw) -> bytes:
    seeds = _seeds()
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "truncate", "dup_line", "insert", "delete", "tabs"]))
        if not data:
            data.extend(draw(st.sampled_from(INSERTS)))
            continue
        at = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del data[at:]
        elif op == "dup_line":
            lines = bytes(data).split(b"\n")
            i = at % len(lines)
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(INSERTS))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        else:  # indentation with tabs instead of spaces
            data = bytearray(bytes(data).replace(b"  ", b"\t", draw(st.integers(1, 3))))
    return bytes(data)


GENERATORS = {
    "binary": st.binary(max_size=4096),
    "tokens": st.one_of(_TOKEN_TEXT, _MIXED_TEXT).map(lambda t: t.encode("utf-8", "replace")),
    "k8s": _k8s_yaml().map(lambda t: t.encode("utf-8", "replace")),
    "mutation": _mutated_seed(),
}


# -- the campaign ----------------------------------------------------------------------------
class Campaign:
    def __init__(self, skip_known: bool, save: Path | None) -> None:
        self.skip_known = skip_known
        self.save = save
        self.inputs = 0
        self.by_generator: dict[str, int] = dict.fromkeys(GENERATORS, 0)
        self.failures: dict[str, dict] = {}

    def run_one(self, generator: str, data: bytes) -> None:
        name = "f.json" if (self.inputs % 5 == 4) else "f.yaml"
        self.inputs += 1
        self.by_generator[generator] += 1
        try:
            check_bytes(data, name)
        except Bug as bug:
            entry = self.failures.setdefault(
                bug.signature, {"count": 0, "data": data, "name": name, "detail": bug.detail}
            )
            entry["count"] += 1
            if len(data) < len(entry["data"]):
                entry.update(data=data, name=name, detail=bug.detail)

    def new_failures(self) -> list[str]:
        return [s for s in self.failures if not (self.skip_known and s in KNOWN)]

    def report(self, elapsed: float) -> str:
        lines = [
            f"inputs: {self.inputs} in {elapsed:.0f} s ({self.inputs / max(elapsed, 1e-9):.0f}/s)",
            "by generator: " + ", ".join(f"{k} {v}" for k, v in self.by_generator.items()),
            f"failure signatures: {len(self.failures)}",
        ]
        for signature, entry in sorted(self.failures.items()):
            known = f" (known: {KNOWN[signature]})" if signature in KNOWN else " (NEW)"
            lines.append(
                f"  {signature}{known}: {entry['count']} input(s), smallest "
                f"{len(entry['data'])} bytes as {entry['name']}"
            )
            if self.save is not None:
                digest = hashlib.sha1(entry["data"]).hexdigest()[:12]
                suffix = ".json" if entry["name"].endswith(".json") else ".yaml"
                path = self.save / f"hyp-{digest}{suffix}"
                path.write_bytes(entry["data"])
                lines.append(f"    saved {path}")
            last = entry["detail"].strip().splitlines()[-1]
            lines.append(f"    {last[:200]}")
        return "\n".join(lines)


def _target(generator: str, count: int, campaign: Campaign, done):
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(GENERATORS[generator])
    def target(data: bytes) -> None:
        if not done():
            campaign.run_one(generator, data)

    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="inputs to run (default 2000)")
    parser.add_argument("--seconds", type=float, help="run for this long instead of --examples")
    parser.add_argument("--skip-known", action="store_true", help="known bugs do not fail")
    parser.add_argument("--save", type=Path, help="write the smallest input per failure here")
    parser.add_argument("--seed", type=int, help="random seed (default: random)")
    args = parser.parse_args(argv)
    if args.save is not None:
        args.save.mkdir(parents=True, exist_ok=True)
    campaign = Campaign(args.skip_known, args.save)
    rng = random.Random(args.seed)
    batch = 100
    started = time.monotonic()
    deadline = started + args.seconds if args.seconds else None

    def done() -> bool:
        if deadline is not None:
            return time.monotonic() >= deadline
        return campaign.inputs >= args.examples

    names = list(GENERATORS)
    turn = 0
    while not done():
        generator = names[turn % len(names)]
        turn += 1
        count = batch if deadline is not None else min(batch, args.examples - campaign.inputs)

        target = _target(generator, count, campaign, done)
        if args.seed is not None:
            target = hypothesis_seed(rng.randrange(2**32))(target)
        target()
        if os.environ.get("KUBELINT_FUZZ_PROGRESS"):
            print(f"... {campaign.inputs} inputs", file=sys.stderr, flush=True)
    print(campaign.report(time.monotonic() - started))
    return 1 if campaign.new_failures() else 0


if __name__ == "__main__":
    sys.exit(main())
