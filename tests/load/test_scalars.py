"""Plain-scalar semantics: what Kubernetes (sigs.k8s.io/yaml → go-yaml v2) reads, and warnings.

References for the expectations (not kubelint's own table):
- go-yaml v2 resolve.go: the bool/null/float maps (`y`, `Yes`, `ON`, `~`, `.inf`, ...), then for
  scalars starting with a digit or sign: underscores removed, strconv.ParseInt(s, 0, 64),
  ParseUint, then yamlStyleFloat + ParseFloat (a range error keeps the string: `1e400`).
- go-yaml v2 decode.go `scalar()`: `!!binary` is base64-decoded into a Go string; timestamps
  decoded into interface{} stay strings.
- sigs.k8s.io/yaml: the Go value is re-encoded with encoding/json (float64 1000 → `1000`);
  map keys are formatted by type (int → Itoa, float64 → FormatFloat(f, 'g', -1, 32),
  bool → "true"/"false", anything else, including null, is an error).
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from kubelint.load import LoadedFile, load_text
from kubelint.load.scalars import ambiguity, format_key, resolve_plain
from kubelint.model import Severity

HEADER = "apiVersion: v1\nkind: ConfigMap\ndata:\n"
VALUE_LINE = 4  # the line of `  k: <scalar>` below HEADER
VALUE_COLUMN = 6  # where <scalar> starts on that line


def load_value(scalar: str) -> tuple[Any, LoadedFile]:
    """Load `k: <scalar>` inside a ConfigMap; return the value and the LoadedFile."""
    loaded = load_text(f"{HEADER}  k: {scalar}\n", "t.yaml")
    assert len(loaded.documents) == 1, loaded.findings
    return loaded.documents[0].body["data"]["k"], loaded


def names(loaded: LoadedFile) -> list[str]:
    return [f.name for f in loaded.findings]


def assert_same(actual: Any, expected: Any) -> None:
    """Equality that tells True from 1 and 1 from "1" (Python's == does not)."""
    assert type(actual) is type(expected), (actual, expected)
    if isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(actual)
    else:
        assert actual == expected


# -- booleans ------------------------------------------------------------------------------
# go-yaml v2's resolve table: exactly these spellings, nothing case-insensitive.
TRUES = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]
FALSES = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]
NOT_BOOLS = ["yEs", "yES", "oN", "oFF", "OfF", "nO", "tRUE", "fALSE", "t", "f", "yeah", "enabled"]


@pytest.mark.parametrize("text", TRUES)
def test_true_spellings(text: str) -> None:
    assert resolve_plain(text) is True
    value, _ = load_value(text)
    assert value is True


@pytest.mark.parametrize("text", FALSES)
def test_false_spellings(text: str) -> None:
    assert resolve_plain(text) is False
    value, _ = load_value(text)
    assert value is False


@pytest.mark.parametrize("text", NOT_BOOLS)
def test_other_case_variants_are_strings(text: str) -> None:
    assert_same(resolve_plain(text), text)
    value, loaded = load_value(text)
    assert_same(value, text)
    assert loaded.findings == []


# -- numbers -------------------------------------------------------------------------------
NUMBERS: list[tuple[str, int | float]] = [
    ("0", 0),
    ("-0", 0),
    ("00", 0),
    ("+12", 12),
    ("0777", 511),  # ParseInt base 0: a leading 0 is octal
    ("+0777", 511),
    ("-0777", -511),
    ("0o17", 15),
    ("0O17", 15),
    ("0x1F", 31),
    ("0X1f", 31),
    ("-0x10", -16),
    ("0b101", 5),
    ("0B101", 5),
    ("-0b101", -5),
    ("1_000", 1000),  # go-yaml removes every underscore first
    ("1__0", 10),
    ("0x_1F", 31),
    ("1e3", 1000),  # float64 1000: encoding/json writes 1000, so an int
    ("1E3", 1000),
    ("-1e3", -1000),
    ("1.5e3", 1500),
    ("1.0", 1),
    ("1.", 1),
    ("1.5", 1.5),
    (".5", 0.5),
    ("-.5", -0.5),
    ("1e-3", 0.001),
    ("09", 9),  # not octal, not an int: yamlStyleFloat makes it float64 9
    ("08", 8),
    ("9223372036854775807", 2**63 - 1),
    ("-9223372036854775808", -(2**63)),
    ("18446744073709551615", 2**64 - 1),  # ParseUint still takes it
    # beyond uint64 / below int64 / signed past int64: a float64, which Go's JSON encoder
    # writes without a fraction (below 1e21), so the apiserver reads an integer
    ("18446744073709551616", 18446744073709551616),
    ("-9223372036854775809", -9223372036854775808),
    ("+18446744073709551615", 18446744073709551616),
    ("1e21", 1e21),  # from 1e21 on, Go writes an exponent: a float stays a float
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_numbers(text: str, expected: int | float) -> None:
    assert_same(resolve_plain(text), expected)
    value, loaded = load_value(text)
    assert_same(value, expected)
    assert "invalid-number" not in names(loaded)


# Plain scalars Kubernetes keeps as strings although they look numeric or special.
STRINGS = [
    "1e400",  # ParseFloat range error: go-yaml keeps the string
    "-1e400",
    "0x",
    "0b102",
    "0o8",
    "0x1p-2",  # Go hex float syntax, but yamlStyleFloat rejects it
    "1.2.3",
    "1e",
    "e3",
    "1,000",
    "1:30",  # YAML 1.1 base 60; go-yaml v2 has no sexagesimal numbers
    "190:20:30",
    "2024-01-02",  # a timestamp; decoded into interface{} it stays a string
    "2024-01-02T10:00:00Z",
    "2001-12-14 21:59:43.10 -5",
    "=",  # YAML 1.1's !!value; a plain string for go-yaml
    "nginx:1.14",
    "+",
    "-1-2",
    ".",
    "inf",
    "nan",
    ".iNf",
    "+.nan",
    "-.nan",
    "Infinity",
    "nULL",
    "NUll",
]


@pytest.mark.parametrize("text", STRINGS)
def test_numeric_looking_strings(text: str) -> None:
    assert_same(resolve_plain(text), text)
    value, _ = load_value(text)
    assert_same(value, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (".inf", math.inf),
        (".Inf", math.inf),
        (".INF", math.inf),
        ("+.inf", math.inf),
        ("+.INF", math.inf),
        ("-.inf", -math.inf),
        ("-.Inf", -math.inf),
        ("-.INF", -math.inf),
        (".nan", math.nan),
        (".NaN", math.nan),
        (".NAN", math.nan),
    ],
)
def test_special_floats(text: str, expected: float) -> None:
    assert_same(resolve_plain(text), expected)
    value, loaded = load_value(text)
    assert_same(value, expected)
    # JSON cannot carry them: the apiserver never receives such a value
    (problem,) = [f for f in loaded.findings if f.name == "invalid-number"]
    assert (problem.line, problem.column) == (VALUE_LINE, VALUE_COLUMN)
    assert problem.severity is Severity.ERROR
    assert problem.path == ("data", "k")


@pytest.mark.parametrize("text", ["~", "null", "Null", "NULL", ""])
def test_nulls(text: str) -> None:
    assert resolve_plain(text) is None
    value, loaded = load_value(text)
    assert value is None
    assert loaded.findings == []


def test_empty_value_in_flow_and_block() -> None:
    loaded = load_text(HEADER + "  a:\n  b: {x: , z}\n  c: [~, null]\n", "t.yaml")
    assert loaded.documents[0].body["data"] == {
        "a": None,
        "b": {"x": None, "z": None},
        "c": [None, None],
    }


# -- quoting and block scalars -------------------------------------------------------------
QUOTABLE = ["on", "yes", "y", "N", "true", "0777", "1e3", "1.5", "null", "~", "", ".inf", "1:30"]


@pytest.mark.parametrize("text", QUOTABLE)
@pytest.mark.parametrize("quote", ["'", '"'])
def test_quoted_scalars_are_strings(text: str, quote: str) -> None:
    value, loaded = load_value(f"{quote}{text}{quote}")
    assert_same(value, text)
    assert loaded.findings == []


def test_block_scalars_are_strings() -> None:
    loaded = load_text(HEADER + "  a: |\n    0777\n  b: >-\n    on\n  c: |-\n    ~\n", "t.yaml")
    assert loaded.documents[0].body["data"] == {"a": "0777\n", "b": "on", "c": "~"}
    assert loaded.findings == []


def test_multi_line_plain_scalar_is_folded_string() -> None:
    value, loaded = load_value("yes\n    no")
    assert_same(value, "yes no")
    assert loaded.findings == []


# -- explicit core tags --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("tagged", "expected"),
    [
        ("!!str 1", "1"),
        ("!!str yes", "yes"),
        ("!!str 0777", "0777"),
        ("!!str ~", "~"),
        ("!!str", ""),
        ('!!int "3"', 3),
        ("!!int '0x10'", 16),
        ("!!int 0777", 511),
        ('!!float "1.5"', 1.5),
        ('!!bool "yes"', True),
        ("!!bool off", False),
        ("!!null ''", None),
        ("!!null ~", None),
        ("!!timestamp 2024-01-01", "2024-01-01"),
    ],
)
def test_explicit_core_tags(tagged: str, expected: Any) -> None:
    value, loaded = load_value(tagged)
    assert_same(value, expected)
    assert loaded.findings == []


def test_explicit_float_tag_on_an_integer() -> None:
    # go-yaml turns `!!float 1` into float64(1), which encoding/json writes as `1`:
    # the apiserver sees the number 1 (the same as for a plain `1` or `1e0`).
    value, loaded = load_value("!!float 1")
    assert value == 1
    assert isinstance(value, int | float)
    assert not isinstance(value, bool)
    assert loaded.findings == []


@pytest.mark.parametrize("tagged", ["!!int 1.5", "!!int x", "!!float x", '!!bool "1"', "!!null 0"])
def test_explicit_tag_that_does_not_fit_is_an_error(tagged: str) -> None:
    # go-yaml fails with "cannot decode !!float `1.5` as a !!int" and similar: kubectl
    # rejects the document, so it is not validated either
    loaded = load_text(f"{HEADER}  k: {tagged}\n", "t.yaml")
    assert loaded.documents == []
    (problem,) = loaded.findings
    assert problem.name == "yaml-syntax"
    assert problem.severity is Severity.ERROR
    assert (problem.line, problem.column) == (VALUE_LINE, VALUE_COLUMN)
    assert problem.path == ("data", "k")


def test_binary_tag_is_decoded_like_go_yaml() -> None:
    # go-yaml v2 decode.go scalar(): `resolved = string(data)` after base64-decoding, so
    # sigs.k8s.io/yaml hands the apiserver "hello", not "aGVsbG8=" (in a Secret's `data`
    # that then fails base64 decoding, exactly as `kubectl apply` does).
    value, loaded = load_value("!!binary aGVsbG8=")
    assert_same(value, "hello")
    assert loaded.findings == []


def test_binary_tag_with_invalid_base64_is_an_error() -> None:
    # go-yaml: "!!binary value contains invalid base64 data"
    loaded = load_text(f"{HEADER}  k: !!binary '%%%'\n", "t.yaml")
    assert loaded.documents == []
    assert names(loaded) == ["yaml-syntax"]
    assert (loaded.findings[0].line, loaded.findings[0].column) == (VALUE_LINE, VALUE_COLUMN)


# -- custom tags ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("tagged", "expected"),
    [
        ("!Ref x", "x"),
        ("!Ref 0777", "0777"),  # a non-core tag: go-yaml does not resolve the scalar at all
        ("!Sub [a, b]", ["a", "b"]),
        ("!Foo {a: 1}", {"a": 1}),
        ("!<tag:example.com,2000:app/foo> bar", "bar"),
        ("!!python/object:os.system x", "x"),
        ("!!python/object/apply:os.system ['echo pwned']", ["echo pwned"]),
        ("!!python/name:os.system ''", ""),
    ],
)
def test_custom_tags_never_construct_and_warn(tagged: str, expected: Any) -> None:
    value, loaded = load_value(tagged)
    assert value == expected
    assert type(value) is type(expected)  # plain data, never an object built from the tag
    (problem,) = [f for f in loaded.findings if f.name == "custom-tag"]
    assert problem.severity is Severity.WARNING
    assert (problem.line, problem.column) == (VALUE_LINE, VALUE_COLUMN)
    assert problem.path == ("data", "k")
    assert problem.code == "KL012"


def test_custom_tag_nested_inside_a_sequence() -> None:
    loaded = load_text(HEADER + "  k:\n  - plain\n  - !Ref other\n", "t.yaml")
    assert loaded.documents[0].body["data"]["k"] == ["plain", "other"]
    (problem,) = loaded.findings
    assert problem.name == "custom-tag"
    assert (problem.line, problem.column, problem.path) == (6, 5, ("data", "k", 1))


# -- mapping keys ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("plain", "plain"),
        ("1", "1"),
        ("0x10", "16"),
        ("0777", "511"),
        ("true", "true"),
        ("y", "true"),
        ("off", "false"),
        ("'y'", "y"),
        ("1.5", "1.5"),
        ("1.0", "1"),
        ("1e3", "1000"),
        # float64 keys are formatted with strconv.FormatFloat(f, 'g', -1, 32): exponent form
        # from 1e6 on (sigs.k8s.io/yaml convertToJSONableObject)
        ("1e6", "1e+06"),
        ("1000000.0", "1e+06"),
    ],
)
def test_keys_are_formatted_like_sigs_k8s_yaml(key: str, expected: str) -> None:
    loaded = load_text(f"{HEADER}  {key}: v\n", "t.yaml")
    assert list(loaded.documents[0].body["data"]) == [expected]
    assert "yaml-syntax" not in names(loaded)


@pytest.mark.parametrize("key", ["~", "null", "''"])
def test_null_key(key: str) -> None:
    # A quoted empty key is the string "". A null key has no JSON form: sigs.k8s.io/yaml fails
    # with "unsupported map key of type: <nil>", so kubectl rejects the manifest.
    loaded = load_text(f"{HEADER}  {key}: v\n", "t.yaml")
    if key == "''":
        assert loaded.documents[0].body["data"] == {"": "v"}
        assert loaded.findings == []
    else:
        errors = [f for f in loaded.findings if f.severity is Severity.ERROR]
        assert [(f.name, f.line, f.column) for f in errors] == [("yaml-syntax", 4, 3)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a", "a"), (None, "null"), (True, "true"), (False, "false"), (7, "7"), (-3, "-3")],
)
def test_format_key(value: Any, expected: str) -> None:
    assert format_key(value) == expected


# -- ambiguity -----------------------------------------------------------------------------
AMBIGUOUS = [
    "on",
    "On",
    "OFF",
    "yes",
    "NO",
    "y",
    "N",
    "0777",
    "-0644",
    "010",  # 8 for Kubernetes, 10 for YAML 1.2
    "0b101",  # a YAML 1.1 int, a YAML 1.2 string
    "1_000",
    "1e3",  # a YAML 1.1 string (its float needs a dot and a signed exponent)
    "1E3",
    "1e+3",
    "1.5e3",  # also a YAML 1.1 string: the exponent has no sign (PyYAML: '1.5e3')
    "09",  # a YAML 1.1 string, 9 for Kubernetes
    "1:30",  # a YAML 1.1 base-60 number (90), a string for Kubernetes
]
NOT_AMBIGUOUS = [
    "true",
    "false",
    "True",
    "FALSE",
    "1",
    "0",
    "-1",
    "0x1F",
    "1.5",
    ".5",
    "1.0e+3",  # a float everywhere
    "nginx:1.14",
    "null",
    "~",
    "1e400",
    ".inf",
    "hello",
    "07",  # octal 7 is 7 everywhere: nothing differs
]


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_ambiguity_reported(text: str) -> None:
    reason = ambiguity(text, resolve_plain(text))
    assert reason is not None
    assert text in reason


@pytest.mark.parametrize("text", NOT_AMBIGUOUS)
def test_ambiguity_not_reported(text: str) -> None:
    assert ambiguity(text, resolve_plain(text)) is None


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_loader_warns_about_ambiguous_plain_scalars(text: str) -> None:
    _, loaded = load_value(text)
    (problem,) = [f for f in loaded.findings if f.name == "ambiguous-scalar"]
    assert problem.severity is Severity.WARNING
    assert problem.code == "KL010"
    assert (problem.line, problem.column) == (VALUE_LINE, VALUE_COLUMN)
    assert problem.path == ("data", "k")
    assert problem.hint is not None and f'"{text}"' in problem.hint


@pytest.mark.parametrize("text", NOT_AMBIGUOUS)
def test_loader_does_not_warn_about_unambiguous_scalars(text: str) -> None:
    _, loaded = load_value(text)
    assert "ambiguous-scalar" not in names(loaded)


def test_quoted_never_ambiguous() -> None:
    _, loaded = load_value('"0777"')
    assert loaded.findings == []


def test_ambiguous_key_is_reported_at_the_key() -> None:
    loaded = load_text(HEADER + "  on: x\n", "t.yaml")
    assert loaded.documents[0].body["data"] == {"true": "x"}
    (problem,) = loaded.findings
    assert (problem.name, problem.line, problem.column) == ("ambiguous-scalar", 4, 3)


def test_ambiguity_message_names_both_readings() -> None:
    _, loaded = load_value("0777")
    (problem,) = loaded.findings
    assert "511" in problem.message and "777" in problem.message


def test_several_findings_in_order_of_position() -> None:
    text = HEADER + "  a: yes\n  b: !Ref c\n  d: .nan\n"
    loaded = load_text(text, "t.yaml")
    assert [(f.name, f.line, f.column) for f in loaded.findings] == [
        ("ambiguous-scalar", 4, 6),
        ("custom-tag", 5, 6),
        ("invalid-number", 6, 6),
    ]
