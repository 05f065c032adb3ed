"""The prebuilt CEL parser (kubelint/rules/cel/cel_parser.json) parses exactly as the parser
cel-python builds from its grammar: same trees with the same positions, same errors at the
same places; a stale or broken file falls back to cel-python's own build."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lark
import pytest
import yaml
from celpy.celparser import CELParser
from hypothesis import given
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput, UnexpectedToken

from kubelint.load import load_file
from kubelint.load.files import discover
from kubelint.rules.cel import prebuilt
from kubelint.rules.cel.runtime import CelCompileError, Program

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def built() -> lark.Lark:
    return prebuilt.build()


STALE = (
    "the shipped parser was generated for other lark / cel-python files than the installed "
    "ones: kubelint builds the parser instead (see the fallback tests); regenerate it with "
    "scripts/gen_cel_parser.py"
)


def _shipped() -> dict[str, Any]:
    """The shipped file, if it was made for the installed packages (else the test skips: a new
    lark or cel-python release must not fail kubelint's suite, only slow kubelint down)."""
    stored = json.loads(prebuilt.DATA.read_text())
    if stored["key"] != prebuilt.parser_key():
        pytest.skip(STALE)
    return stored


@pytest.fixture(scope="module")
def loaded() -> lark.Lark:
    return prebuilt.load(_shipped()["parser"])


def outcome(parser: lark.Lark, text: str) -> Any:
    """Everything observable of a parse: the tree with every node's and token's position, or
    the error with its position, offending token and what was expected there."""
    try:
        return _tree(parser.parse(text))
    except UnexpectedInput as exc:
        token = exc.token if isinstance(exc, UnexpectedToken) else None
        expected = exc.expected if isinstance(exc, UnexpectedToken) else exc.allowed
        return (
            type(exc).__name__,
            exc.line,
            exc.column,
            exc.pos_in_stream,
            _token(token) if isinstance(token, lark.Token) else None,
            sorted(expected or ()),
            exc.get_context(text),
        )


def _tree(node: Any) -> Any:
    if isinstance(node, lark.Token):
        return _token(node)
    meta = node.meta
    where = (
        None
        if meta.empty
        else (meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos)
    )
    return (node.data, where, [_tree(child) for child in node.children])


def _token(token: lark.Token) -> tuple[Any, ...]:
    return (
        token.type,
        str(token),
        token.line,
        token.column,
        token.end_line,
        token.end_column,
        token.start_pos,
        token.end_pos,
    )


# -- expressions to compare on ---------------------------------------------------------------
_IN_TEXT = re.compile(r"""(?:expression|messageExpression|valueExpression|rule)\s*:\s*(.+)""")
_CEL_KEYS = {"expression", "messageExpression", "valueExpression", "rule"}


def repo_expressions() -> list[str]:
    """Every value written after `expression:`/`rule:`/… in the repo's tests, examples, docs and
    rule examples, quoted values unquoted (a mangled one is as good a test input as any)."""
    found: set[str] = set()
    roots = ("tests", "examples", "docs", "kubelint")
    for path in sorted(p for root in roots for p in (REPO / root).rglob("*") if p.is_file()):
        if path.suffix not in (".py", ".yaml", ".yml", ".md"):
            continue
        for match in _IN_TEXT.finditer(path.read_text(encoding="utf-8", errors="replace")):
            found.add(_unquote(match.group(1).strip()))
    return sorted(found)


def _unquote(value: str) -> str:
    quoted = re.match(r"""("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')""", value)
    if quoted:
        try:
            return str(yaml.safe_load(quoted.group(1)))
        except yaml.YAMLError:
            return quoted.group(1)
    return value.rstrip("},")


def corpus_expressions(corpus: Path) -> list[str]:
    """The CEL of the corpus: ValidatingAdmissionPolicies and CRD x-kubernetes-validations."""
    found: set[str] = set()
    for item in discover([str(corpus)]).files:
        text = Path(item.path).read_text(encoding="utf-8", errors="replace")
        if "x-kubernetes-validations" not in text and "ValidatingAdmissionPolicy" not in text:
            continue
        for doc in load_file(item).documents:
            found.update(_cel_values(doc.body))
    return sorted(found)


def _cel_values(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, child in value.items():
                if key in _CEL_KEYS and isinstance(child, str):
                    yield child
                else:
                    stack.append(child)
        elif isinstance(value, list):
            stack.extend(value)


# -- equivalence -----------------------------------------------------------------------------
def test_repo_expressions_parse_the_same(built: lark.Lark, loaded: lark.Lark) -> None:
    expressions = repo_expressions()
    assert len(expressions) > 20  # the rule examples, tests and docs hold this many at least
    outcomes = [outcome(built, e) for e in expressions]
    assert any(isinstance(o, tuple) and o[0] == "UnexpectedToken" for o in outcomes)
    assert [outcome(loaded, e) for e in expressions] == outcomes


def test_corpus_expressions_parse_the_same(
    built: lark.Lark, loaded: lark.Lark, corpus: Path
) -> None:
    expressions = corpus_expressions(corpus)
    assert len(expressions) > 100
    for text in expressions:
        assert outcome(loaded, text) == outcome(built, text), text


def test_broken_expressions_fail_at_the_same_place(built: lark.Lark, loaded: lark.Lark) -> None:
    cases = [
        "object.spec.replicas <=",
        "object.spec.replicas <= 5 &&\n  object.metadata.name ==",
        "has(object.spec",
        "a ? b",
        "'unterminated",
        "x # y",
        "[1, 2,, 3]",
        "{'a': 1 'b': 2}",
        "object.spec.@x",
        "",
    ]
    results = [outcome(built, text) for text in cases]
    assert {r[0] for r in results} == {"UnexpectedToken", "UnexpectedCharacters"}
    assert [outcome(loaded, text) for text in cases] == results


_PIECES = st.sampled_from(
    [
        "object", "spec", "metadata", "x", "all", "exists", "has", "size", "in", "null", "true",
        "false", "1", "2u", "3.5", "0x1F", "'s'", '"t"', "b'\\x00'", "r'\\d+'", "'''m\nl'''",
        ".", ",", ":", "?", "(", ")", "[", "]", "{", "}", "+", "-", "*", "/", "%", "!", "==",
        "!=", "<", "<=", ">", ">=", "&&", "||", "\n", " ", "#", "$", "\\",
    ]
)  # fmt: skip


@given(st.lists(_PIECES, max_size=24).map("".join))
def test_generated_text_parses_the_same(built: lark.Lark, loaded: lark.Lark, text: str) -> None:
    assert outcome(loaded, text) == outcome(built, text)


@given(st.text(max_size=40))
def test_arbitrary_text_parses_the_same(built: lark.Lark, loaded: lark.Lark, text: str) -> None:
    assert outcome(loaded, text) == outcome(built, text)


# -- installation and fallback ---------------------------------------------------------------
def test_shipped_parser_matches_the_installed_packages() -> None:
    _shipped()
    assert CELParser.CEL_PARSER is not None
    assert CELParser.CEL_PARSER.source_path == "<deserialized>"  # what kubelint installed


def test_shipped_parser_is_what_the_generator_writes() -> None:
    document = _shipped()
    assert document["parser"] == json.loads(json.dumps(prebuilt.serialise(prebuilt.build())))


@pytest.mark.parametrize(
    "spoil",
    [
        lambda doc: doc["key"].update({"lark": "0.0.1"}),
        lambda doc: doc["key"].update({"cel.lark": "0" * 64}),
        lambda doc: doc["parser"]["data"]["parser"]["parser"].pop("states"),
        lambda doc: doc["parser"]["memo"].clear(),
    ],
    ids=["lark-version", "grammar-hash", "no-states", "no-memo"],
)
def test_a_stale_or_broken_file_falls_back_to_the_built_parser(
    spoil: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built: lark.Lark
) -> None:
    document = json.loads(prebuilt.DATA.read_text())
    spoil(document)
    path = tmp_path / "cel_parser.json"
    path.write_text(json.dumps(document))
    monkeypatch.setattr(CELParser, "CEL_PARSER", None)
    assert prebuilt.install(path) is False
    assert CELParser.CEL_PARSER is None
    CELParser()  # what celpy.Environment() does next: build from the grammar
    assert CELParser.CEL_PARSER.source_path != "<deserialized>"
    for text in ("object.spec.replicas <= 5", "has(object.spec", "[1, 2].all(x, x > 0)"):
        assert outcome(CELParser.CEL_PARSER, text) == outcome(built, text)


def test_a_missing_file_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CELParser, "CEL_PARSER", None)
    assert prebuilt.install(tmp_path / "absent.json") is False
    assert CELParser.CEL_PARSER is None


def test_install_keeps_a_parser_already_there(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = CELParser.CEL_PARSER
    assert prebuilt.install() is False
    assert CELParser.CEL_PARSER is parser
    monkeypatch.setattr(CELParser, "CEL_PARSER", None)
    assert prebuilt.install() is True
    assert CELParser.CEL_PARSER is not parser


def test_programs_compile_and_report_syntax_errors_with_the_prebuilt_parser() -> None:
    assert Program("object.spec.replicas <= 5").evaluate({"object": {"spec": {"replicas": 3}}})
    with pytest.raises(CelCompileError) as caught:
        Program("object.spec.replicas <=\n  ]")
    assert (caught.value.line, caught.value.column) == (2, 3)
