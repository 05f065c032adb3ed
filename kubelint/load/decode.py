"""Bytes → text, the way kubectl would accept them (UTF-8), with precise errors otherwise."""

from __future__ import annotations

import codecs
from typing import NamedTuple

from kubelint.load.parse import Problem

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class Decoded(NamedTuple):
    text: str | None
    problems: list[Problem]


def decode(data: bytes) -> Decoded:
    """Decode input bytes. UTF-8 (with or without BOM) is what Kubernetes tooling reads.

    UTF-16/32 text with a BOM (PowerShell's `>` writes UTF-16) is decoded so that it can still be
    checked, with an error finding, since kubectl rejects it. Other bytes that are not UTF-8 give
    a finding at the first bad byte and no text.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    else:
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                return _decode_wide(data[len(bom) :], encoding)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _failed(
            data,
            exc.start,
            f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid UTF-8; "
            "Kubernetes manifests must be UTF-8",
        )
    if "\x00" in text:
        return _failed(
            data,
            data.index(b"\x00"),
            "NUL byte in file: this is binary data, not a YAML or JSON manifest",
        )
    return Decoded(_normalise_newlines(text), [])


def _failed(data: bytes, offset: int, message: str) -> Decoded:
    line, column = _position(data, offset)
    return Decoded(None, [Problem("encoding", line, column, message)])


def _decode_wide(data: bytes, encoding: str) -> Decoded:
    name = encoding.split("-")[0].upper() + "-" + encoding.split("-")[1]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        message = f"file starts with a {name} byte-order mark but is not valid {name}"
        return Decoded(None, [Problem("encoding", 1, 1, f"{message} (offset {exc.start})")])
    problem = Problem(
        "encoding",
        1,
        1,
        f"file is {name} text (byte-order mark); kubectl and the apiserver read only UTF-8",
        hint="convert it: iconv -f UTF-16 -t UTF-8 (PowerShell: Out-File -Encoding utf8)",
    )
    return Decoded(_normalise_newlines(text), [problem])


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n") if "\r" in text else text


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return line, column
