"""ConfigMaps and Secrets: keys, sizes, base64 data and the keys each Secret type requires."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Generator, Iterator, Mapping
from typing import Any

from kubelint.k8s.validation import invalid
from kubelint.model import Severity
from kubelint.rules.builtin._validation import mapping
from kubelint.rules.engine import ObjectView, Violation, object_rule

MAX_SIZE = 1024 * 1024  # bytes of data per ConfigMap or Secret
_KEY_FMT = "[-._a-zA-Z0-9]+"
_KEY = re.compile(f"^{_KEY_FMT}$")
_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"


def config_key_problems(key: str) -> list[str]:
    """IsConfigMapKey: the key is used as a file name when the data is mounted."""
    problems = []
    if len(key) > 253:
        problems.append("must be no more than 253 characters")
    if not _KEY.match(key):
        examples = " or ".join(f"'{e}'" for e in ("key.name", "KEY_NAME", "key-name"))
        problems.append(f"{_KEY_MSG} (e.g. {examples}, regex used for validation is '{_KEY_FMT}')")
    if key in (".", ".."):
        problems.append(f"must not be '{key}'")
    elif key.startswith(".."):
        problems.append("must not start with '..'")
    return problems


def _decoded(value: str) -> bytes | None:
    """Base64 as Go's encoding/json reads []byte: standard alphabet, padded, newlines ignored."""
    try:
        return base64.b64decode(value.replace("\n", "").replace("\r", ""), validate=True)
    except (binascii.Error, ValueError):
        return None


def _sections(obj: ObjectView) -> tuple[tuple[str, bool], ...]:
    """(field, base64-encoded) per data section of the kind."""
    if obj.kind == "Secret":
        return (("data", True), ("stringData", False))
    return (("data", False), ("binaryData", True))


_CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n"


@object_rule(
    "KL160",
    "invalid-config-data",
    Severity.ERROR,
    "validation",
    title="ConfigMap and Secret keys must be file names; data base64 and at most 1 MiB",
    rationale="Keys become file names when mounted: alphanumerics, '-', '_' and '.', not '.' "
    "or '..'. A key may not appear in both data and binaryData. Secret data and ConfigMap "
    "binaryData are base64; the object's data may not exceed 1 MiB.",
    remediation="Rename the key (`app.properties`, not `conf/app.properties`); encode with "
    "`base64 -w0` or use stringData.",
    failing=_CM + "  conf/app.properties: |\n    mode=fast\n",
    passing=_CM + "  app.properties: |\n    mode=fast\n",
    kinds={("", "ConfigMap"), ("", "Secret")},
)
def invalid_config_data(obj: ObjectView) -> Iterator[Violation]:
    sections = [(field, encoded, mapping(obj.body.get(field))) for field, encoded in _sections(obj)]
    size = 0
    for field, encoded, data in sections:
        for key in sorted(k for k in data if isinstance(k, str)):
            for problem in config_key_problems(key):
                yield Violation((field, key), invalid(key, problem), at_key=True)
            size += yield from _value_size(field, key, data[key], encoded)
    if obj.kind == "ConfigMap":
        both = set(sections[0][2]) & set(sections[1][2])
        for key in sorted(k for k in both if isinstance(k, str)):
            message = invalid(key, "duplicate of key present in binaryData")
            yield Violation(("data", key), message, at_key=True)
    if size > MAX_SIZE:
        message = f"Too long: may not be more than {MAX_SIZE} bytes (the data holds {size})"
        yield Violation(("data",), message, at_key=True)


def _value_size(field: str, key: str, value: Any, encoded: bool) -> Generator[Violation, None, int]:
    """Yield a violation for undecodable base64; return the value's size in bytes."""
    if not isinstance(value, str):
        return 0
    if not encoded:
        return len(value.encode())
    decoded = _decoded(value)
    if decoded is None:
        yield Violation(
            (field, key),
            "illegal base64 data: the value must be base64-encoded (or moved to stringData)",
        )
        return len(value)
    return len(decoded)


SECRET_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "kubernetes.io/tls": (("tls.crt",), ("tls.key",)),
    "kubernetes.io/dockercfg": ((".dockercfg",),),
    "kubernetes.io/dockerconfigjson": ((".dockerconfigjson",),),
    "kubernetes.io/ssh-auth": (("ssh-privatekey",),),
    "kubernetes.io/basic-auth": (("username", "password"),),
}
"""Per Secret type, the keys it must hold (any one key of each tuple)."""

_TLS = """\
apiVersion: v1
kind: Secret
metadata:
  name: tls
type: kubernetes.io/tls
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----..."
"""


@object_rule(
    "KL161",
    "invalid-secret-type",
    Severity.ERROR,
    "validation",
    title="Typed Secrets must hold the keys their type requires",
    rationale="The apiserver checks typed Secrets: kubernetes.io/tls needs tls.crt and tls.key, "
    "dockerconfigjson needs .dockerconfigjson, ssh-auth needs ssh-privatekey, basic-auth needs "
    "username or password, service-account-token needs the "
    "kubernetes.io/service-account.name annotation.",
    remediation="Add the missing key (in data or stringData), or use type Opaque.",
    failing=_TLS,
    passing=_TLS + '  tls.key: "-----BEGIN PRIVATE KEY-----..."\n',
    kinds={("", "Secret")},
)
def invalid_secret_type(obj: ObjectView) -> Iterator[Violation]:
    kind = obj.body.get("type")
    if not isinstance(kind, str):
        return
    keys = set(mapping(obj.body.get("data"))) | set(mapping(obj.body.get("stringData")))
    for required in SECRET_KEYS.get(kind, ()):
        if not keys & set(required):
            wanted = " or ".join(f"data[{k}]" for k in required)
            yield Violation(("type",), f"Required value: type {kind} needs {wanted}")
    if kind == "kubernetes.io/service-account-token":
        annotation = "kubernetes.io/service-account.name"
        if not isinstance(obj.annotations.get(annotation), str) or not obj.annotations[annotation]:
            yield Violation(
                ("metadata",), f"annotations[{annotation}]: Required value", at_key=True
            )
    if kind == "kubernetes.io/dockerconfigjson":
        yield from _docker_json(obj.body)


def _docker_json(body: Mapping[str, Any]) -> Iterator[Violation]:
    raw = mapping(body.get("data")).get(".dockerconfigjson")
    text: Any = mapping(body.get("stringData")).get(".dockerconfigjson")
    path: tuple[str, str] = ("stringData", ".dockerconfigjson")
    if isinstance(raw, str):
        decoded = _decoded(raw)
        text, path = (decoded.decode("utf-8", "replace") if decoded else None), ("data", path[1])
    if not isinstance(text, str):
        return
    try:
        json.loads(text)
    except ValueError as exc:
        yield Violation(path, f"Invalid value: <secret contents redacted>: {exc}")
