"""The apiserver's string formats: accepted and rejected examples, and the exact wording."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint.k8s import validation as v


@pytest.mark.parametrize("name", ["a", "my-name", "123-abc", "a" * 63])
def test_dns1123_label_ok(name) -> None:
    assert v.is_dns1123_label(name) == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [("a.b", "must not contain dots"), ("A", "RFC 1123 label"), ("-a", "RFC 1123 label"),
     ("a" * 64, "must be no more than 63 characters"), ("", "RFC 1123 label")],
)  # fmt: skip
def test_dns1123_label_rejected(name, problem) -> None:
    assert any(problem in p for p in v.is_dns1123_label(name))


def test_subdomain_message_is_the_apiservers() -> None:
    assert v.is_dns1123_subdomain("Foo") == [
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
        "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"
        "[a-z0-9])?)*')"
    ]
    assert v.is_dns1123_subdomain("a." * 126 + "ab") == ["must be no more than 253 characters"]
    assert v.is_dns1123_subdomain("example.com") == []


def test_dns1035_needs_a_leading_letter() -> None:
    assert v.is_dns1035_label("web-1") == []
    assert v.is_dns1035_label("1web") and v.is_dns1035_label("web.svc")


@pytest.mark.parametrize(
    ("key", "ok"),
    [("app", True), ("app.kubernetes.io/name", True), ("MyName", True), ("a/b/c", False),
     ("/name", False), ("example.com/", False), ("Example.com/x", False), ("x" * 64, False),
     ("-x", False), ("x_y.z", True)],
)  # fmt: skip
def test_qualified_names(key, ok) -> None:
    assert (v.is_qualified_name(key) == []) is ok


def test_qualified_name_parts_are_named() -> None:
    assert v.is_qualified_name("/x") == ["prefix part must be non-empty"]
    assert v.is_qualified_name("a/")[0] == "name part must be non-empty"
    assert v.is_qualified_name("A_/x")[0].startswith("prefix part a lowercase RFC 1123")


@pytest.mark.parametrize(
    ("value", "ok"),
    [("", True), ("v1.2_3", True), ("team a", False), ("-x", False), ("x" * 64, False)],
)
def test_label_values(value, ok) -> None:
    assert (v.is_label_value(value) == []) is ok


@pytest.mark.parametrize(
    ("name", "problems"),
    [("http", []), ("h2c-web", []),
     ("http_port", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"]),
     ("8080", ["must contain at least one letter (a-z)"]),
     ("a--b", ["must not contain consecutive hyphens"]),
     ("-ab", ["must not begin or end with a hyphen"]),
     ("abcdefghijklmnop", ["must be no more than 15 characters"])],
)  # fmt: skip
def test_port_names(name, problems) -> None:
    assert v.is_port_name(name) == problems


def test_env_var_names_by_version() -> None:
    assert v.is_env_var_name("1VAR", relaxed=True) == []
    assert v.is_env_var_name("MY VAR:x", relaxed=True) == []
    assert v.is_env_var_name("A=B", relaxed=True) and v.is_env_var_name("ü", relaxed=True)
    assert v.is_env_var_name("", relaxed=True)
    assert v.is_env_var_name("1VAR", relaxed=False)
    assert v.is_env_var_name("my.env-name", relaxed=False) == []
    assert v.is_env_var_name("..x", relaxed=False) == ["must not start with '..'"]


def test_version_at_least() -> None:
    assert v.version_at_least("1.32", 1, 32) and v.version_at_least("v1.37.2", 1, 32)
    assert not v.version_at_least("1.31", 1, 32) and v.version_at_least("latest", 1, 32)


LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


@given(st.text(alphabet="abcXYZ019-._", max_size=70))
def test_label_and_subdomain_agree_with_their_definition(text) -> None:
    label_ok = bool(LABEL.match(text)) and len(text) <= 63
    assert (v.is_dns1123_label(text) == []) is label_ok
    parts_ok = all(LABEL.match(p) for p in text.split(".")) and len(text) <= 253
    assert (v.is_dns1123_subdomain(text) == []) is parts_ok


def test_invalid_quotes_like_the_apiserver() -> None:
    assert v.invalid("Foo", "bad") == 'Invalid value: "Foo": bad'
    assert v.invalid(-1, "bad") == "Invalid value: -1: bad"
