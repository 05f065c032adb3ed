"""Deterministic names for the objects controllers create.

Kubernetes names a Deployment's ReplicaSet `<deployment>-<pod-template-hash>`: the hash is FNV-32a
over Go's printed form of the pod template, written in decimal and "safe encoded" (each digit
character mapped into the alphabet below). Go's printing cannot be reproduced from Python, so
kubelint hashes the canonical JSON of the template instead (sorted keys, no spaces) and applies
the same encoding: the names have Kubernetes' shape and are stable across runs, but differ from
the ones a real cluster would show.

Pods made from `generateName` get five characters of that alphabet; the apiserver draws them at
random, kubelint derives them from a BLAKE2 hash of (namespace, owner, ordinal) so the same input
always gives the same pod names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
"""k8s.io/apimachinery/pkg/util/rand: consonants and digits that cannot spell bad words."""

MAX_GENERATED_BASE = 58
"""generateName bases are cut to 63 - 5 characters before the random suffix is added."""

_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193


def fnv32a(data: bytes) -> int:
    value = _FNV_OFFSET
    for byte in data:
        value = ((value ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
    return value


def safe_encode(text: str) -> str:
    """rand.SafeEncodeString: every character mapped to SAFE_ALPHABET[ord(c) % 27]."""
    return "".join(SAFE_ALPHABET[ord(c) % len(SAFE_ALPHABET)] for c in text)


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def pod_template_hash(template: Mapping[str, Any], collision_count: int = 0) -> str:
    """The `pod-template-hash` label of a Deployment's ReplicaSet (see module docstring)."""
    data = canonical_json(template)
    if collision_count:
        data += str(collision_count).encode()
    return safe_encode(str(fnv32a(data)))


def random_suffix(seed: str, attempt: int = 0, length: int = 5) -> str:
    """Five "random" characters for generateName, derived from `seed` (stable across runs)."""
    digest = hashlib.blake2b(f"{seed}#{attempt}".encode(), digest_size=length).digest()
    return "".join(SAFE_ALPHABET[b % len(SAFE_ALPHABET)] for b in digest)


class NameAllocator:
    """Hands out generateName-style names, unique per namespace, deterministically."""

    def __init__(self) -> None:
        self._taken: set[tuple[str, str]] = set()

    def reserve(self, namespace: str, name: str) -> bool:
        key = (namespace, name)
        if key in self._taken:
            return False
        self._taken.add(key)
        return True

    def generate(self, namespace: str, base: str, seed: str) -> str:
        base = base[:MAX_GENERATED_BASE]
        attempt = 0
        while True:
            name = base + random_suffix(seed, attempt)
            if self.reserve(namespace, name):
                return name
            attempt += 1
