"""Policy-like objects: HorizontalPodAutoscaler, PodDisruptionBudget, NetworkPolicy."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.validation import invalid, is_int
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._validation import int_or_percent, items, port_violations
from kubelint.rules.engine import ObjectView, Violation, object_rule

_HPA = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
  minReplicas: {low}
  maxReplicas: {high}
"""


@object_rule(
    "KL150",
    "invalid-hpa-replicas",
    Severity.ERROR,
    "validation",
    title="HPA minReplicas must be at least 1 and at most maxReplicas",
    rationale="An autoscaler scales between minReplicas (≥ 1 unless the alpha HPAScaleToZero "
    "gate is on) and maxReplicas (≥ 1); the apiserver rejects min > max.",
    remediation="Set 1 ≤ minReplicas ≤ maxReplicas.",
    failing=_HPA.format(low=5, high=3),
    passing=_HPA.format(low=3, high=5),
    kinds={("autoscaling", "HorizontalPodAutoscaler")},
)
def invalid_hpa_replicas(obj: ObjectView) -> Iterator[Violation]:
    low, high = obj.spec.get("minReplicas"), obj.spec.get("maxReplicas")
    if is_int(low) and low < 1:
        yield Violation(("spec", "minReplicas"), invalid(low, "must be greater than or equal to 1"))
    if is_int(high) and high < 1:
        yield Violation(("spec", "maxReplicas"), invalid(high, "must be greater than 0"))
    elif is_int(high) and is_int(low) and high < low:
        yield Violation(
            ("spec", "maxReplicas"),
            invalid(high, "must be greater than or equal to `minReplicas`"),
        )


@object_rule(
    "KL151",
    "invalid-pdb",
    Severity.ERROR,
    "validation",
    title="A PodDisruptionBudget sets one of minAvailable and maxUnavailable, as a count or "
    "percentage",
    rationale="minAvailable and maxUnavailable are mutually exclusive; each is a non-negative "
    "integer or a percentage up to 100%.",
    remediation="Keep only one of the two fields.",
    failing="""\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 2
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
""",
    passing="""\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 25%
  selector:
    matchLabels: {app: web}
""",
    kinds={("policy", "PodDisruptionBudget")},
)
def invalid_pdb(obj: ObjectView) -> Iterator[Violation]:
    low, high = obj.spec.get("minAvailable"), obj.spec.get("maxUnavailable")
    if low is not None and high is not None:
        yield Violation(
            ("spec", "maxUnavailable"),
            "minAvailable and maxUnavailable cannot be both set",
            at_key=True,
        )
    yield from int_or_percent(("spec", "minAvailable"), low)
    yield from int_or_percent(("spec", "maxUnavailable"), high)


_NETPOL = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: egress
spec:
  podSelector: {{}}
  policyTypes: [Egress]
  egress:
    - to:
        - ipBlock:
            cidr: 10.0.0.0/8
            except: [{excluded}]
"""


@object_rule(
    "KL152",
    "invalid-network-policy-peer",
    Severity.ERROR,
    "validation",
    title="NetworkPolicy peers and ports must be well formed",
    rationale="A peer is either an ipBlock or pod/namespace selectors, not both; ipBlock.cidr is "
    "a CIDR and each `except` entry a strict subset of it in the same IP family; ports are "
    "1-65535 or a port name, and endPort needs a numeric port no greater than it.",
    remediation="Split mixed peers into separate entries; fix the CIDRs.",
    failing=_NETPOL.format(excluded="192.168.0.0/16"),
    passing=_NETPOL.format(excluded="10.1.0.0/16"),
    kinds={("networking.k8s.io", "NetworkPolicy")},
)
def invalid_network_policy_peer(obj: ObjectView) -> Iterator[Violation]:
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in items(obj.spec.get(direction)):
            for j, peer in items(rule.get(peers)):
                yield from _peer(("spec", direction, i, peers, j), peer)
            for j, port in items(rule.get("ports")):
                yield from _policy_port(("spec", direction, i, "ports", j), port)


def _peer(path: JsonPath, peer: Mapping[str, Any]) -> Iterator[Violation]:
    block = peer.get("ipBlock")
    selectors = [k for k in ("podSelector", "namespaceSelector") if peer.get(k) is not None]
    if block is None and not selectors:
        yield Violation(path, "must specify a peer", at_key=True)
    if block is None:
        return
    if selectors:
        yield Violation(path, "may not specify both ipBlock and another peer", at_key=True)
    if not isinstance(block, dict):
        return
    network = _cidr(block.get("cidr"))
    if network is None:
        yield from _bad_cidr((*path, "ipBlock", "cidr"), block.get("cidr"))
        return
    for k, excluded in enumerate(block.get("except") or []):
        epath = (*path, "ipBlock", "except", k)
        sub = _cidr(excluded)
        if sub is None:
            yield from _bad_cidr(epath, excluded)
        elif not _strict_subnet(sub, network):
            yield Violation(epath, invalid(excluded, "must be a strict subset of `cidr`"))


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _cidr(value: Any) -> Network | None:
    """The network of a CIDR string (host bits allowed, as the apiserver allows them)."""
    if not isinstance(value, str) or "/" not in value:
        return None
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


def _bad_cidr(path: JsonPath, value: Any) -> Iterator[Violation]:
    if isinstance(value, str):  # other types are the schema stage's
        message = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
        yield Violation(path, invalid(value, message))


def _strict_subnet(sub: Network, network: Network) -> bool:
    if sub.version != network.version:
        return False
    return sub != network and sub.subnet_of(network)  # type: ignore[arg-type]


def _policy_port(path: JsonPath, port: Mapping[str, Any]) -> Iterator[Violation]:
    number, end = port.get("port"), port.get("endPort")
    yield from port_violations((*path, "port"), number)
    if not is_int(end):
        return
    if number is None:
        yield Violation(path, "port: Required value: when endPort is specified", at_key=True)
    elif not is_int(number):
        message = "Forbidden: may not be specified when `port` is non-numeric"
        yield Violation((*path, "endPort"), message, at_key=True)
    elif end < number:
        yield Violation((*path, "endPort"), invalid(end, "must be greater than or equal to `port`"))
    else:
        yield from port_violations((*path, "endPort"), end, allow_name=False)
