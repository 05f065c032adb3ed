"""Strategies for the values Kubernetes gives a meaning to: names, labels, quantities, ports.

Each follows the apiserver's own rules (k8s.io/apimachinery validation), so objects built from
them are what a cluster accepts, not just what the JSON schema allows.
"""

from __future__ import annotations

from hypothesis import strategies as st

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_LOWER = "abcdefghijklmnopqrstuvwxyz"


def dns_label(max_size: int = 20) -> st.SearchStrategy[str]:
    """RFC 1123 label: lower-case alphanumerics and '-', starting with a letter (so it is
    also a valid RFC 1035 label, which Service names need), ending alphanumeric."""
    middle = st.text(_ALNUM + "-", max_size=max(0, max_size - 2))
    return st.builds(
        lambda first, mid, last: (first + mid + last)[:max_size].rstrip("-") or first,
        st.sampled_from(_LOWER),
        middle,
        st.sampled_from(_ALNUM) | st.just(""),
    )


def dns_subdomain() -> st.SearchStrategy[str]:
    """RFC 1123 subdomain: dot-separated labels, at most 253 characters."""
    return st.lists(dns_label(12), min_size=1, max_size=3).map(".".join)


def _label_word() -> st.SearchStrategy[str]:
    inner = st.text(_ALNUM + "ABCXYZ-_.", max_size=10)
    word = st.builds(
        lambda a, m, z: a + m + z, st.sampled_from(_ALNUM), inner, st.sampled_from(_ALNUM)
    )
    return st.one_of(st.sampled_from(_ALNUM), word)


def label_value() -> st.SearchStrategy[str]:
    """Empty, or up to 63 of [A-Za-z0-9-_.] starting and ending alphanumeric."""
    return st.one_of(st.just(""), _label_word())


def label_key() -> st.SearchStrategy[str]:
    """A qualified name: optional DNS-subdomain prefix and '/', then a label-value-like name."""
    name = _label_word()
    prefix = st.one_of(
        st.just(""), st.sampled_from(["app.kubernetes.io/", "example.com/", "k8s.example.org/"])
    )
    return st.builds(lambda p, n: p + n, prefix, name)


def labels(min_size: int = 0, max_size: int = 3) -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(label_key(), label_value(), min_size=min_size, max_size=max_size)


def text(max_size: int = 20) -> st.SearchStrategy[str]:
    """Any Unicode text JSON can carry (no surrogates, control or format characters)."""
    return st.text(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf", "Co", "Cn", "Zl", "Zp")),
        max_size=max_size,
    )


def annotations() -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(label_key(), text(30), max_size=2)


def quantity(kind: str = "any") -> st.SearchStrategy[str]:
    """A resource.Quantity string: `500m`, `1Gi`, `2`, `1.5`, `100M`."""
    cpu = st.one_of(
        st.integers(1, 4000).map(lambda n: f"{n}m"),
        st.integers(1, 64).map(str),
        st.sampled_from(["0.5", "1.5", "250m"]),
    )
    memory = st.builds(
        lambda n, unit: f"{n}{unit}",
        st.integers(1, 4096),
        st.sampled_from(["Ki", "Mi", "Gi", "M", "G", "k"]),
    )
    return {"cpu": cpu, "memory": memory}.get(kind, cpu | memory)


def resources() -> st.SearchStrategy[dict[str, dict[str, str]]]:
    """requests/limits for cpu and memory; requests never exceed limits."""

    def build(cpu_request: int, cpu_extra: int, mem_request: int, mem_extra: int) -> dict:
        return {
            "requests": {"cpu": f"{cpu_request}m", "memory": f"{mem_request}Mi"},
            "limits": {
                "cpu": f"{cpu_request + cpu_extra}m",
                "memory": f"{mem_request + mem_extra}Mi",
            },
        }

    return st.builds(
        build,
        st.integers(10, 2000),
        st.integers(0, 2000),
        st.integers(16, 4096),
        st.integers(0, 4096),
    )


def port_number() -> st.SearchStrategy[int]:
    return st.integers(1, 65535)


def port_name() -> st.SearchStrategy[str]:
    """IANA_SVC_NAME: at most 15 characters, lower-case alphanumerics and '-', a letter."""
    return st.builds(lambda a, b: a + b, st.sampled_from(_LOWER), st.text(_ALNUM, max_size=14))


def image() -> st.SearchStrategy[str]:
    registry = st.sampled_from(["", "registry.example.com/", "ghcr.io/acme/"])
    tag = st.builds(
        lambda a, b, c: f"{a}.{b}.{c}", st.integers(0, 9), st.integers(0, 30), st.integers(0, 9)
    )
    return st.builds(lambda r, n, t: f"{r}{n}:{t}", registry, dns_label(12), tag)


def cron_schedule() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["@hourly", "@daily", "@weekly", "0 * * * *", "*/5 * * * *"]),
        st.builds(lambda m, h: f"{m} {h} * * *", st.integers(0, 59), st.integers(0, 23)),
    )


def ip_address() -> st.SearchStrategy[str]:
    """An IPv4 address in 10.0.0.0/8."""
    return st.builds(
        lambda a, b, c: f"10.{a}.{b}.{c}", *[st.integers(0, 255)] * 2, st.integers(1, 254)
    )


def cidr() -> st.SearchStrategy[str]:
    """A /16 network in 10.0.0.0/8 (the strategies carve /24 exceptions out of it)."""
    return st.integers(0, 255).map(lambda n: f"10.{n}.0.0/16")


def config_key() -> st.SearchStrategy[str]:
    """A ConfigMap/Secret key: a file name of [-._a-zA-Z0-9], not starting with '..'."""
    return st.builds(
        lambda a, rest: a + rest,
        st.sampled_from(_ALNUM + "ABCXYZ_"),
        st.text(_ALNUM + "ABCXYZ-_.", max_size=15),
    )


def count_or_percent(high: int = 10) -> st.SearchStrategy[int | str]:
    """An IntOrString count such as maxUnavailable: 0..high, or 0%..100%."""
    return st.one_of(st.integers(0, high), st.integers(0, 100).map(lambda n: f"{n}%"))
