"""Documents in a file: streams, encodings, JSON, List expansion, type meta, syntax errors."""

from __future__ import annotations

import codecs
import json
import warnings

import pytest

from kubelint.load import LoadedFile, load_bytes, load_text
from kubelint.load.limits import Limits
from kubelint.model import Location, Severity

CM = "apiVersion: v1\nkind: ConfigMap\n"


def summary(loaded: LoadedFile) -> list[tuple[str, int, int]]:
    return [(f.name, f.line, f.column) for f in loaded.findings]


def names_of(loaded: LoadedFile) -> list[str]:
    return [d.body["metadata"]["name"] for d in loaded.documents]


# -- multi-document streams ----------------------------------------------------------------
STREAM = (
    "---\n"  # 1
    "apiVersion: v1\n"  # 2  document 0
    "kind: ConfigMap\n"  # 3
    "metadata: {name: a}\n"  # 4
    "---\n"  # 5  document 1: empty
    "---\n"  # 6  document 2: only a comment
    "# nothing here\n"  # 7
    "---\n"  # 8
    "apiVersion: v1\n"  # 9  document 3
    "kind: ConfigMap\n"  # 10
    "metadata: {name: b}\n"  # 11
    "...\n"  # 12
    "---\n"  # 13
    "# leading comment\n"  # 14 document 4
    "apiVersion: v1\n"  # 15
    "kind: Secret\n"  # 16
    "metadata: {name: c}\n"  # 17
    "...\n"  # 18
)


def test_stream_documents_indexes_lines_and_empty_count() -> None:
    loaded = load_text(STREAM, "s.yaml")
    assert loaded.findings == []
    assert names_of(loaded) == ["a", "b", "c"]
    assert [d.index for d in loaded.documents] == [0, 3, 4]
    assert [d.line for d in loaded.documents] == [2, 9, 15]
    assert loaded.empty_documents == 2
    assert all(d.source == "s.yaml" for d in loaded.documents)
    assert all(d.base_path == () for d in loaded.documents)


def test_stream_positions_are_file_positions() -> None:
    loaded = load_text(STREAM, "s.yaml")
    b, c = loaded.documents[1], loaded.documents[2]
    assert b.locate(("metadata", "name")) == Location(11, 18)
    assert b.locate(("metadata", "name"), at_key=True) == Location(11, 12)
    assert c.locate(("kind",)) == Location(16, 7)
    assert c.locate(("kind",), at_key=True) == Location(16, 1)
    assert c.locate(()) == Location(15, 1)


def test_ref_of_documents() -> None:
    loaded = load_text(STREAM, "s.yaml")
    refs = [d.ref for d in loaded.documents]
    assert [(r.group, r.version, r.kind, r.name) for r in refs] == [
        ("", "v1", "ConfigMap", "a"),
        ("", "v1", "ConfigMap", "b"),
        ("", "v1", "Secret", "c"),
    ]


def test_document_end_marker_without_new_start() -> None:
    text = CM + "metadata: {name: a}\n...\n" + "--- \n" + CM + "metadata: {name: b}\n"
    loaded = load_text(text, "t.yaml")
    assert names_of(loaded) == ["a", "b"]
    assert [d.index for d in loaded.documents] == [0, 1]
    assert loaded.documents[1].line == 6


def test_content_on_the_start_marker_line() -> None:
    loaded = load_text("--- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n", "t.yaml")
    assert names_of(loaded) == ["a"]
    assert loaded.documents[0].locate(("metadata", "name")) == Location(1, 56)


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n# another\n", "---\n---\n...\n"])
def test_files_without_objects(text: str) -> None:
    loaded = load_text(text, "t.yaml")
    assert loaded.documents == []
    (info,) = loaded.findings
    assert (info.name, info.line, info.column) == ("no-objects", 1, 1)
    assert info.severity is Severity.INFO


def test_empty_documents_are_counted_in_the_no_objects_message() -> None:
    loaded = load_text("---\n---\n# c\n", "t.yaml")
    assert loaded.empty_documents == 2
    assert "2 empty" in loaded.findings[0].message


# -- JSON ----------------------------------------------------------------------------------
BODY = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "x", "labels": {"a": "on"}},
    "data": {"n": 1.5, "b": True, "z": None, "list": [1, {"k": "0777"}]},
}


def test_json_file() -> None:
    text = json.dumps(BODY, indent=2)
    loaded = load_text(text, "x.json", is_json=True)
    assert loaded.findings == []
    (doc,) = loaded.documents
    assert doc.body == BODY
    assert doc.body["data"]["list"][1]["k"] == "0777"
    assert (doc.index, doc.line, doc.source) == (0, 1, "x.json")
    # positions in pretty-printed JSON
    lines = text.splitlines()
    label_line = next(i for i, line in enumerate(lines, 1) if '"a": "on"' in line)
    assert doc.locate(("metadata", "labels", "a")) == Location(label_line, 12)
    assert doc.locate(("metadata", "labels", "a"), at_key=True) == Location(label_line, 7)
    k_line = next(i for i, line in enumerate(lines, 1) if '"k"' in line)
    assert doc.locate(("data", "list", 1, "k")) == Location(
        k_line, lines[k_line - 1].index(": ") + 3
    )


def test_json_duplicate_key_is_reported_at_the_second_key() -> None:
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": 1, "a": 2}}'
    loaded = load_text(text, "x.json", is_json=True)
    (dup,) = loaded.findings
    assert dup.name == "duplicate-key"
    assert (dup.line, dup.column) == (1, text.index('"a": 2') + 1)
    assert dup.path == ("data", "a")


def test_json_syntax_error() -> None:
    loaded = load_text('{\n  "apiVersion": "v1",\n  "kind": "X"\n', "x.json", is_json=True)
    assert loaded.documents == []
    (error,) = loaded.findings
    assert error.name == "yaml-syntax"
    assert error.line == 4


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_syntax_errors(constant: str) -> None:
    text = '{"apiVersion": "v1",\n "kind": "ConfigMap",\n "data": {"n": ' + constant + "}}"
    loaded = load_text(text, "x.json", is_json=True)
    assert loaded.documents == []
    (error,) = loaded.findings
    assert (error.name, error.line) == ("yaml-syntax", 3)
    assert error.column == text.splitlines()[2].index(constant) + 1


def test_json_top_level_array_is_not_an_object() -> None:
    loaded = load_text(json.dumps([BODY]), "x.json", is_json=True)
    assert summary(loaded) == [("not-an-object", 1, 1)]
    assert "list" in loaded.findings[0].message


# -- encodings -----------------------------------------------------------------------------
def test_utf8_bom_is_ignored() -> None:
    data = codecs.BOM_UTF8 + (CM + "metadata:\n  name: x\n").encode()
    loaded = load_bytes(data, "t.yaml", Limits())
    assert loaded.findings == []
    (doc,) = loaded.documents
    assert doc.body["apiVersion"] == "v1"
    assert doc.locate(("apiVersion",), at_key=True) == Location(1, 1)
    assert doc.locate(("metadata", "name")) == Location(4, 9)


def test_crlf_line_endings() -> None:
    text = CM + 'metadata:\n  name: x\ndata:\n  script: |\n    a\n    b\n  q: "x\n    y"\n'
    loaded = load_bytes(text.replace("\n", "\r\n").encode(), "t.yaml", Limits())
    assert loaded.findings == []
    (doc,) = loaded.documents
    assert doc.body["metadata"]["name"] == "x"
    assert doc.body["data"] == {"script": "a\nb\n", "q": "x y"}
    assert doc.locate(("metadata", "name")) == Location(4, 9)
    assert doc.locate(("data", "q"), at_key=True) == Location(9, 3)


@pytest.mark.parametrize(
    ("bom", "codec", "label"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    ],
)
def test_utf16_and_utf32_with_bom_are_errors_but_parsed(bom: bytes, codec: str, label: str) -> None:
    data = bom + (CM + "metadata:\n  name: é\n").encode(codec)
    loaded = load_bytes(data, "t.yaml", Limits())
    (problem,) = loaded.findings
    assert (problem.name, problem.line, problem.column) == ("encoding", 1, 1)
    assert problem.severity is Severity.ERROR
    assert label in problem.message
    assert problem.hint
    (doc,) = loaded.documents
    assert doc.body["metadata"]["name"] == "é"
    assert doc.locate(("metadata", "name")) == Location(4, 9)


@pytest.mark.parametrize(
    ("data", "line", "column", "offset"),
    [
        (b"\xffapiVersion: v1\n", 1, 1, 0),
        (b"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: caf\xc3\xa9 \xff\n", 4, 11, 48),
        (b"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: \xc3\xa9\xe2\x82\xac\x80\n", 4, 8, 47),
        (b"apiVersion: v1\nkind: X\n# \xe2\x82", 3, 3, 25),  # truncated at the end
        (b"apiVersion: v1\r\nkind: X\r\na: \xc0\xaf\r\n", 3, 4, 28),  # overlong form
    ],
)
def test_invalid_utf8_position(data: bytes, line: int, column: int, offset: int) -> None:
    loaded = load_bytes(data, "t.yaml", Limits())
    assert loaded.documents == []
    (problem,) = loaded.findings
    assert (problem.name, problem.line, problem.column) == ("encoding", line, column)
    assert problem.severity is Severity.ERROR
    assert f"byte 0x{data[offset]:02x} at offset {offset} " in problem.message


def test_nul_byte() -> None:
    data = (CM + "data:\n  a: x\x00y\n").encode()
    loaded = load_bytes(data, "t.yaml", Limits())
    assert loaded.documents == []
    assert summary(loaded) == [("encoding", 4, 7)]
    assert "NUL" in loaded.findings[0].message


# -- kind: List ----------------------------------------------------------------------------
LIST = (
    "apiVersion: v1\n"  # 1
    "kind: List\n"  # 2
    "items:\n"  # 3
    "- apiVersion: v1\n"  # 4
    "  kind: ConfigMap\n"  # 5
    "  metadata:\n"  # 6
    "    name: a\n"  # 7
    "-   apiVersion: v1\n"  # 8
    "    kind: Secret\n"  # 9
    "    metadata: {name: b}\n"  # 10
    "- 3\n"  # 11
    "- apiVersion: v1\n"  # 12
    "  kind: ''\n"  # 13
)


def test_list_items_become_documents() -> None:
    loaded = load_text(LIST, "l.yaml")
    assert names_of(loaded) == ["a", "b"]
    a, b = loaded.documents
    assert (a.base_path, a.index, a.line) == (("items", 0), 0, 4)
    assert (b.base_path, b.index, b.line) == (("items", 1), 0, 8)
    assert a.ref is not None and (a.ref.kind, a.ref.name) == ("ConfigMap", "a")
    # positions are relative to the item
    assert a.locate(()) == Location(4, 3)
    assert a.locate(("kind",)) == Location(5, 9)
    assert a.locate(("kind",), at_key=True) == Location(5, 3)
    assert a.locate(("metadata", "name")) == Location(7, 11)
    assert b.locate(("metadata", "name")) == Location(10, 22)
    assert b.locate(("metadata", "name"), at_key=True) == Location(10, 16)
    # a path that does not exist falls back to the nearest parent (its value: the mapping)
    assert a.locate(("metadata", "namespace")) == Location(7, 5)


def test_list_item_problems() -> None:
    loaded = load_text(LIST, "l.yaml")
    assert summary(loaded) == [("not-an-object", 11, 3), ("missing-kind", 13, 3)]
    not_object, no_kind = loaded.findings
    assert not_object.path == ("items", 2)
    assert "list item is a number" in not_object.message
    assert no_kind.message == "kind is empty"
    assert {not_object.document, no_kind.document} == {0}


def test_typed_list_kinds_are_expanded() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMapList\nitems:\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n"
    )
    loaded = load_text(text, "l.yaml")
    assert names_of(loaded) == ["a", "b"]
    assert [d.line for d in loaded.documents] == [4, 5]
    assert loaded.documents[1].locate(("metadata", "name")) == Location(5, 54)


def test_list_in_a_stream_keeps_the_document_index() -> None:
    text = CM + "metadata: {name: first}\n---\n" + LIST
    loaded = load_text(text, "l.yaml")
    assert names_of(loaded) == ["first", "a", "b"]
    assert [d.index for d in loaded.documents] == [0, 1, 1]
    assert loaded.documents[2].locate(("metadata", "name")) == Location(14, 22)


def test_empty_list_has_no_objects() -> None:
    loaded = load_text("apiVersion: v1\nkind: List\nitems: []\n", "l.yaml")
    assert loaded.documents == []
    assert summary(loaded) == [("no-objects", 1, 1)]


# -- documents that are not objects --------------------------------------------------------
@pytest.mark.parametrize(
    ("document", "what"),
    [
        ("- a\n- b\n", "a list"),
        ("just text\n", "a string"),
        ("42\n", "a number"),
        ("yes\n", "a boolean"),
        ("null\n", "null"),
        ("~\n", "null"),
        ("|\n  block\n", "a string"),
    ],
)
def test_not_an_object(document: str, what: str) -> None:
    text = CM + "metadata: {name: a}\n---\n" + document
    loaded = load_text(text, "t.yaml")
    assert names_of(loaded) == ["a"]
    problems = [f for f in loaded.findings if f.name == "not-an-object"]
    assert [(f.line, f.column, f.document) for f in problems] == [(5, 1, 1)]
    assert problems[0].severity is Severity.ERROR
    assert f"document is {what}," in problems[0].message


# -- apiVersion and kind -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "kind: X\nmetadata: {}\n",
            [("missing-api-version", 1, 1, (), "object has no apiVersion")],
        ),
        (
            "metadata: {}\nkind: X\napiVersion: ''\n",
            [("missing-api-version", 3, 1, ("apiVersion",), "apiVersion is empty")],
        ),
        (
            "kind: X\napiVersion:\n",
            [("missing-api-version", 2, 1, ("apiVersion",), "apiVersion is null")],
        ),
        (
            "kind: X\napiVersion: 1\n",
            [("missing-api-version", 2, 1, ("apiVersion",), "apiVersion must be a string, not 1")],
        ),
        (
            "kind: X\napiVersion: [v1]\n",
            [
                (
                    "missing-api-version",
                    2,
                    1,
                    ("apiVersion",),
                    'apiVersion must be a string, not ["v1"]',
                )
            ],
        ),
        ("apiVersion: v1\n", [("missing-kind", 1, 1, (), "object has no kind")]),
        ("apiVersion: v1\nkind: ''\n", [("missing-kind", 2, 1, ("kind",), "kind is empty")]),
        ("apiVersion: v1\nkind: '  '\n", [("missing-kind", 2, 1, ("kind",), "kind is empty")]),
        (
            "apiVersion: v1\nkind: true\n",
            [("missing-kind", 2, 1, ("kind",), "kind must be a string, not true")],
        ),
        (
            "{metadata: {}, kind: 3, apiVersion: null}\n",
            [
                ("missing-api-version", 1, 25, ("apiVersion",), "apiVersion is null"),
                ("missing-kind", 1, 16, ("kind",), "kind must be a string, not 3"),
            ],
        ),
        (
            "metadata: {}\n",
            [
                ("missing-api-version", 1, 1, (), "object has no apiVersion"),
                ("missing-kind", 1, 1, (), "object has no kind"),
            ],
        ),
    ],
)
def test_missing_type_meta(text: str, expected: list[tuple]) -> None:
    loaded = load_text(text, "t.yaml")
    assert loaded.documents == []
    got = [(f.name, f.line, f.column, f.path, f.message) for f in loaded.findings]
    assert got == expected
    assert all(f.severity is Severity.ERROR for f in loaded.findings)


def test_missing_kind_in_second_document_points_into_it() -> None:
    loaded = load_text(CM + "---\n# c\napiVersion: apps/v1\nmetadata: {}\n", "t.yaml")
    assert len(loaded.documents) == 1
    (problem,) = loaded.findings
    assert (problem.name, problem.line, problem.column, problem.document) == (
        "missing-kind",
        5,
        1,
        1,
    )


def test_api_version_with_two_slashes() -> None:
    loaded = load_text("apiVersion: a/b/c\nkind: X\n", "t.yaml")
    (problem,) = loaded.findings
    assert (problem.name, problem.line, problem.column) == ("missing-api-version", 1, 1)
    assert "GROUP/VERSION" in problem.message


# -- YAML errors ---------------------------------------------------------------------------
def test_tab_indentation() -> None:
    loaded = load_text(CM + "metadata:\n\tname: x\n", "t.yaml")
    assert loaded.documents == []
    (problem,) = loaded.findings
    assert (problem.name, problem.line, problem.column) == ("yaml-syntax", 4, 1)
    assert problem.hint is not None and "tab" in problem.hint


def test_tab_after_a_colon_is_fine() -> None:
    loaded = load_text(CM + "metadata:\n  name:\tx\n", "t.yaml")
    assert loaded.findings == []
    assert loaded.documents[0].body["metadata"] == {"name": "x"}


@pytest.mark.parametrize(
    ("text", "line", "column", "path"),
    [
        (CM + "metadata:\n  name: x\n  labels: {}\n  name: y\n", 6, 3, ("metadata", "name")),
        (CM + "kind: Secret\n", 3, 1, ("kind",)),
        (CM + "data: {a: 1, b: 2,\n  a: 3}\n", 4, 3, ("data", "a")),
        (CM + "list:\n- {a: 1}\n- {b: 1, b: 2}\n", 5, 10, ("list", 1, "b")),
        (CM + "data:\n  1: a\n  '1': b\n", 5, 3, ("data", "1")),  # both are "1" in JSON
    ],
)
def test_duplicate_keys(text: str, line: int, column: int, path: tuple) -> None:
    loaded = load_text(text, "t.yaml")
    dups = [f for f in loaded.findings if f.name == "duplicate-key"]
    assert [(f.line, f.column, f.path) for f in dups] == [(line, column, path)]
    assert dups[0].severity is Severity.ERROR


MERGE = (
    "apiVersion: v1\n"  # 1
    "kind: ConfigMap\n"  # 2
    "metadata: {name: m}\n"  # 3
    "x-base: &base {p: 1, q: 2}\n"  # 4
    "x-more: &more\n"  # 5
    "  q: 20\n"  # 6
    "  r: 30\n"  # 7
    "data:\n"  # 8
    "  <<: *base\n"  # 9
    "  q: 3\n"  # 10
    "list:\n"  # 11
    "  <<: [*more, *base]\n"  # 12
    "quoted:\n"  # 13
    "  '<<': not a merge\n"  # 14
)


def test_merge_keys() -> None:
    loaded = load_text(MERGE, "t.yaml")
    assert loaded.findings == []
    (doc,) = loaded.documents
    assert doc.body["data"] == {"p": 1, "q": 3}  # explicit keys win
    assert doc.body["list"] == {"q": 20, "r": 30, "p": 1}  # earlier merges win
    assert doc.body["quoted"] == {"<<": "not a merge"}
    assert doc.locate(("data", "q")) == Location(10, 6)
    assert doc.locate(("data", "p")) == Location(4, 19)  # inside the anchored mapping
    assert doc.locate(("data", "p"), at_key=True) == Location(4, 16)
    assert doc.locate(("list", "r")) == Location(7, 6)


def test_merge_of_a_non_mapping() -> None:
    # go-yaml: "map merge requires map or sequence of maps as the value"; kubectl rejects the
    # document, so there is nothing to validate
    loaded = load_text(CM + "a: &a [1]\nb:\n  <<: *a\n  c: 1\n", "t.yaml")
    assert summary(loaded) == [("yaml-syntax", 3, 8)]
    assert loaded.documents == []


def doc(name: str) -> str:
    return CM + f"metadata:\n  name: {name}\n"


def test_recovery_after_a_syntax_error_in_document_2_of_4() -> None:
    text = doc("one") + "---\n" + doc("two") + "  bad: [\n" + "---\n" + doc("three") + "---\n"
    text += doc("four")
    # lines: one 1-4, --- 5, two 6-9, bad 10, --- 11, three 12-15, --- 16, four 17-20
    loaded = load_text(text, "t.yaml")
    assert names_of(loaded) == ["one", "three", "four"]
    assert [d.index for d in loaded.documents] == [0, 2, 3]
    assert [d.line for d in loaded.documents] == [1, 12, 17]
    (error,) = loaded.findings
    assert error.name == "yaml-syntax"
    assert error.document == 1
    assert 10 <= error.line <= 11
    three, four = loaded.documents[1:]
    assert three.locate(("metadata", "name")) == Location(15, 9)
    assert four.locate(("metadata", "name"), at_key=True) == Location(20, 3)


def test_recovery_counts_empty_documents_like_the_fast_path() -> None:
    good = doc("one") + "---\n---\n" + doc("two")
    bad = doc("one") + "---\n---\n" + doc("two") + "---\nx: [\n"
    assert [d.index for d in load_text(good, "t").documents] == [0, 2]
    loaded = load_text(bad, "t")
    assert [d.index for d in loaded.documents] == [0, 2]
    assert loaded.empty_documents == 1
    assert [(f.name, f.document) for f in loaded.findings] == [("yaml-syntax", 3)]


def test_recovery_with_a_yaml_directive() -> None:
    # a %YAML directive belongs to the document after it; a syntax error in a later document
    # must not turn the directive into a document of its own
    text = "%YAML 1.1\n---\n" + doc("one") + "---\n" + doc("two") + "  bad: [\n"
    loaded = load_text(text, "t.yaml")
    assert names_of(loaded) == ["one"]
    assert [d.index for d in loaded.documents] == [0]
    assert [(f.name, f.document) for f in loaded.findings] == [("yaml-syntax", 1)]


def test_fallback_parser_emits_no_python_warnings() -> None:
    # `[001:db8::]` is valid YAML that libyaml rejects, so ruamel.yaml composes this document;
    # its ReusedAnchorWarning must not leak (the CLI would print it on stderr)
    text = CM + "data:\n  a: &y [&y [1]]\n  b: [001:db8::]\n"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = load_text(text, "t.yaml")
    assert [w.category.__name__ for w in caught] == []
    assert loaded.documents[0].body["data"] == {"a": [[1]], "b": ["001:db8::"]}


def test_undefined_alias() -> None:
    loaded = load_text(CM + "data: *nope\n", "t.yaml")
    assert summary(loaded) == [("yaml-syntax", 3, 7)]


def test_non_scalar_key() -> None:
    # go-yaml: "invalid map key"; the document cannot become JSON
    loaded = load_text(CM + "data:\n  ? [a, b]\n  : c\n  d: e\n", "t.yaml")
    assert summary(loaded) == [("yaml-syntax", 4, 5)]
    assert loaded.findings[0].path == ("data",)
    assert loaded.documents == []


@pytest.mark.parametrize(
    "text",
    [
        "{{- if .Values.enabled }}\n" + CM,
        CM + "metadata:\n  name: {{ .Values.name }}\n",
        CM + "spec:\n  replicas: {{ .Values.replicas }}\n",
        CM + "{{- if .Values.x }}\nmetadata:\n  name: x\n{{- end }}\n",
        CM + 'metadata:\n  labels:\n{{ include "x.labels" . | indent 4 }}\n',
    ],
    ids=["if-first-line", "value", "number-value", "if-middle", "include"],
)
def test_helm_templates_get_a_template_hint(text: str) -> None:
    loaded = load_text(text, "templates/cm.yaml")
    errors = [f for f in loaded.findings if f.severity is Severity.ERROR]
    assert [f.name for f in errors] == ["yaml-syntax"]
    assert errors[0].hint is not None and "template" in errors[0].hint


def test_json_in_a_yaml_file_is_read_as_json_like_kubectl():
    """kubectl's decoder reads a stream starting with "{" as JSON, whatever the file name, so a
    surrogate pair (how json.dumps writes U+10000) is one character, not two lone surrogates."""
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, ' + (
        '"data": {"k": "\\ud800\\udc00"}}\n'
    )
    loaded = load_text(text, "cm.yaml")
    assert loaded.findings == []
    assert loaded.documents[0].body["data"] == {"k": "\U00010000"}
    flow = "{apiVersion: v1, kind: ConfigMap, metadata: {name: x}, data: {k: 'yes'}}\n"
    assert load_text(flow, "flow.yaml").documents[0].body["data"] == {"k": "yes"}  # YAML, not JSON
