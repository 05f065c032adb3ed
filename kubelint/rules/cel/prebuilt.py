"""cel-python's CEL parser, prebuilt.

`celpy.Environment()` builds a Lark LALR parser from cel-python's grammar (`cel.lark`) the
first time it is made, about 0.1 s per process. `scripts/gen_cel_parser.py` builds that parser
once, the way cel-python does, and stores Lark's serialised form of it as JSON in
`cel_parser.json` beside this module; `install()` loads it (a few ms) into
`CELParser.CEL_PARSER`, where cel-python looks before building its own.

The file is keyed by what the build reads: lark's version and the sha256 of cel-python's
grammar and of its `celparser.py` (which holds the parser options). On any mismatch or load
error `install()` does nothing and cel-python builds the parser as usual: correct, just slower.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from pathlib import Path
from typing import Any

import celpy
import lark
from celpy import celparser
from lark.grammar import Rule
from lark.lexer import TerminalDef
from lark.parsers.lalr_analysis import IntParseTable
from lark.utils import SerializeMemoizer

DATA = Path(__file__).with_name("cel_parser.json")


def parser_key() -> dict[str, str]:
    """What the prebuilt parser depends on, as found in this environment."""
    source = Path(celparser.__file__)
    return {
        "lark": lark.__version__,
        "cel.lark": _sha256(source.with_name("cel.lark")),
        "celparser.py": _sha256(source),
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def install(path: Path = DATA) -> bool:
    """Make the stored parser cel-python's parser if it matches this environment; True if it
    did. Leaves a parser already built alone."""
    if celparser.CELParser.CEL_PARSER is not None:
        return False
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("key") != parser_key():
            return False
        parser = load(stored["parser"])
    except Exception:  # unreadable or from another lark: cel-python builds its own instead
        return False
    celparser.CELParser.CEL_PARSER = parser
    return True


def load(serialised: dict[str, Any]) -> lark.Lark:
    """A Lark parser from the generator's JSON form of `Lark.memo_serialize` data, with the
    options JSON cannot hold given as cel-python's `CELParser` and `Environment` give them."""
    data = serialised["data"]
    table = data["parser"]["parser"]  # the LALR table; JSON made its integer keys strings
    table = {
        **table,
        "tokens": {int(k): v for k, v in table["tokens"].items()},
        "states": {
            int(state): {int(token): action for token, action in actions.items()}
            for state, actions in table["states"].items()
        },
    }
    return lark.Lark._load_from_dict(
        {**data, "parser": {**data["parser"], "parser": table}},
        {int(k): v for k, v in serialised["memo"].items()},
        lexer_callbacks={"IDENT": celparser.CELParser.ambiguous_literals},
        tree_class=celpy.InterpretedRunner.tree_node_class,
    )


def build() -> lark.Lark:
    """A parser built from the grammar by cel-python's own code, its installed one set aside."""
    saved = celparser.CELParser.CEL_PARSER
    celparser.CELParser.CEL_PARSER = None
    try:
        celparser.CELParser(tree_class=celpy.InterpretedRunner.tree_node_class)
        parser = celparser.CELParser.CEL_PARSER
    finally:
        celparser.CELParser.CEL_PARSER = saved
    assert parser is not None
    return parser


def serialise(parser: lark.Lark) -> dict[str, Any]:
    """The JSON-able form `load` reads: Lark's own serialisation, with the LALR states
    numbered (cel-python builds with debug=True, which keys them by item sets) as lark numbers
    them for its non-debug parsers, and without the options that are code."""
    memo = SerializeMemoizer([TerminalDef, Rule])
    data = parser.serialize(memo)
    table = IntParseTable.from_ParseTable(parser.parser.parser._parse_table)
    data["parser"]["parser"] = _canonical(table.serialize(memo))
    data["options"] = {
        k: v for k, v in data["options"].items() if k not in ("lexer_callbacks", "tree_class")
    }
    return {"data": data, "memo": memo.serialize()}


def _canonical(table: dict[str, Any]) -> dict[str, Any]:
    """The serialised LALR table renumbered independently of set order (which varies with the
    hash seed): tokens by name, states in breadth-first order from the start states, each
    state's shifts followed in token-name order."""
    names = table["tokens"]
    token = {old: new for new, old in enumerate(sorted(names, key=names.__getitem__))}
    states = table["states"]
    order: dict[int, int] = {}
    queue = deque(table["start_states"][start] for start in sorted(table["start_states"]))
    while queue:
        state = queue.popleft()
        if state in order:
            continue
        order[state] = len(order)
        actions = sorted(states[state].items(), key=lambda item: names[item[0]])
        queue.extend(arg for _, (kind, arg) in actions if kind == 0)  # 0: shift to state arg
    return {
        "tokens": {token[old]: name for old, name in names.items()},
        "states": {
            order[state]: {
                token[old]: (kind, order[arg] if kind == 0 else arg)
                for old, (kind, arg) in states[state].items()
            }
            for state in sorted(states, key=order.__getitem__)
        },
        "start_states": {k: order[v] for k, v in table["start_states"].items()},
        "end_states": {k: order[v] for k, v in table["end_states"].items()},
    }
