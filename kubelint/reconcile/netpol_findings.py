"""Findings of `kubelint simulate` about NetworkPolicies (KL860–KL863), judged against the
predicted pods (kubelint.reconcile.netpol).

The lint rules KL423 networkpolicy-selects-nothing and KL429 networkpolicy-peer-selects-nothing
judge pod templates; KL860 / KL861 judge the pods the simulation predicts (including the assumed
cluster DNS pods and namespaces selected by label), so they have their own names.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from kubelint.codes import Code, register
from kubelint.k8s.selectors import Selector
from kubelint.model import Finding, JsonPath, Severity
from kubelint.reconcile.findings import finding_at
from kubelint.reconcile.netpol import DIRECTIONS, Analysis, ClusterDns, Peer, Policy, analyse
from kubelint.reconcile.objects import PodRecord

if TYPE_CHECKING:
    from kubelint.cluster.model import Cluster
    from kubelint.reconcile.simulate import Simulation

_W = Severity.WARNING
register(
    Code("KL860", "networkpolicy-selects-no-pod", _W, "A NetworkPolicy selects no predicted pod"),
    Code("KL861", "networkpolicy-peer-selects-no-pod", _W, "A policy peer matches no pod"),
    Code("KL862", "networkpolicy-egress-blocks-dns", _W, "Egress isolation blocks cluster DNS"),
    Code("KL863", "networkpolicy-not-enforced", _W, "The network plugin ignores NetworkPolicies"),
)
MAX_OWNERS = 3  # owners a message names
DNS_HINT = (
    "add an egress rule to the DNS pods on port 53, UDP and TCP, e.g. to: [{namespaceSelector: "
    "{matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: "
    "{k8s-app: kube-dns}}}]"
)


def check(sim: Simulation) -> list[Finding]:
    """The KL860–KL863 findings of a simulation (none without NetworkPolicies)."""
    analysis = analyse(sim)
    if analysis is None:
        return []
    out: list[Finding | None] = []
    for policy in analysis.policies:
        out.append(_not_enforced(policy, analysis.cluster))
        out.append(_selects_no_pod(policy))
        out.extend(_peers(policy, analysis))
    if analysis.dns is not None:
        for policy, blocked in analysis.dns_blocked():
            out.append(_dns_blocked(policy, analysis.dns, blocked, analysis.cluster))
    return [f for f in out if f is not None]


def _not_enforced(policy: Policy, cluster: Cluster) -> Finding | None:
    if cluster.network.enforces_network_policy:
        return None
    return finding_at(
        policy.stored, "networkpolicy-not-enforced", ("metadata", "name"),
        f"the cluster's network plugin ({cluster.network.cni.plugin}) does not enforce "
        f"NetworkPolicies (network.cni.enforcesNetworkPolicy is false): {policy.stored.name} has "
        "no effect, its pods accept and open every connection",
        hint="use a plugin that enforces policies (Calico, Cilium, …), or set "
        "network.cni.enforcesNetworkPolicy in the cluster file if it does",
    )  # fmt: skip


def _selects_no_pod(policy: Policy) -> Finding | None:
    if policy.selected:
        return None
    return finding_at(
        policy.stored, "networkpolicy-selects-no-pod", ("spec", "podSelector"),
        f"NetworkPolicy {policy.stored.name} selects {_text(policy.selector)} but no predicted "
        f"pod in namespace {policy.namespace} carries those labels: it isolates nothing",
        hint="make podSelector match the pod template labels of the workloads to protect",
    )  # fmt: skip


def _peers(policy: Policy, analysis: Analysis) -> Iterator[Finding | None]:
    world = analysis.world
    for _, direction, _ in DIRECTIONS:
        for rule in policy.rules[direction]:
            for peer in rule.peers or ():
                if peer.ip_block is not None:
                    continue
                scope = peer.scope(policy.namespace, world)
                if not world.select(peer.pods, scope):
                    note = _cut_off_note(analysis, policy, direction)
                    yield _peer_finding(policy, direction, peer, scope, note)


def _peer_finding(
    policy: Policy, direction: str, peer: Peer, scope: list[str], note: str
) -> Finding | None:
    written = _mapping_at(policy.stored.body, peer.path)
    if peer.namespaces is not None and not scope:
        path = (*peer.path, "namespaceSelector")
        what = f"namespaceSelector {_text(peer.namespaces)} matches no namespace"
    else:
        key = "podSelector" if "podSelector" in written else "namespaceSelector"
        path = (*peer.path, key)
        where = f"namespace {scope[0]}" if len(scope) == 1 else f"namespaces {', '.join(scope)}"
        what = f"podSelector {_text(peer.pods)}" if key == "podSelector" else key
        what = f"{what} matches no predicted pod in {where}"
    allows = "admits no traffic from" if direction == "ingress" else "allows no traffic to"
    return finding_at(
        policy.stored, "networkpolicy-peer-selects-no-pod", path,
        f"{direction} peer of NetworkPolicy {policy.stored.name}: {what}, so the policy "
        f"{allows} it{note}",
        hint="match the labels of the pods the policy is meant to allow",
    )  # fmt: skip


def _cut_off_note(analysis: Analysis, policy: Policy, direction: str) -> str:
    """What a peer that selects nothing means when nothing else opens the direction."""
    pods = analysis.cut_off(policy, direction)
    if not pods:
        return ""
    if direction == "egress":
        return f"; no egress rule allows anything, so {_pods_text(pods)} can open no connection"
    ids = {id(pod) for pod in pods}
    services = sorted(
        v.stored.key
        for v in analysis.services
        if v.selected and all(id(p) in ids for p in v.selected)
    )
    behind = f" (Service {', '.join(services)})" if services else ""
    return f"; no ingress rule admits anyone, so {_pods_text(pods)}{behind} accept no connection"


def _dns_blocked(
    policy: Policy, server: ClusterDns, blocked: list[PodRecord], cluster: Cluster
) -> Finding | None:
    doc = policy.stored.doc
    written = _mapping_at(doc.body if doc is not None else {}, ("spec",))
    if "policyTypes" in written:
        path: JsonPath = ("spec", "policyTypes")
        why = "policyTypes lists Egress"
    else:
        path, why = ("spec", "egress"), "spec.egress makes it isolate egress"
    target = f"the cluster DNS {server.service} ({server.ip}) or its pods"
    if policy.rules["egress"]:
        what = f"{why} but no egress rule allows DNS (UDP or TCP port 53) to {target}"
    else:
        what = (
            f"{why} and it has no egress rule: all egress is blocked, DNS (UDP/TCP 53) to "
            f"{target} included"
        )
    later = "" if cluster.network.enforces_network_policy else " once policies are enforced"
    return finding_at(
        policy.stored, "networkpolicy-egress-blocks-dns", path,
        f"NetworkPolicy {policy.stored.name}: {what}; {_pods_text(blocked)} cannot resolve "
        f"names{later}",
        hint=DNS_HINT,
    )  # fmt: skip


def _text(selector: Selector) -> str:
    return "{} (everything)" if selector.everything else str(selector)


def _pods_text(pods: Sequence[PodRecord]) -> str:
    """`the 3 selected pods of Deployment default/web`, with counts when several own them."""
    owners: dict[str, int] = {}
    for pod in pods:
        owners[str(pod.workload.ref)] = owners.get(str(pod.workload.ref), 0) + 1
    what = "pod" if len(pods) == 1 else "pods"
    if len(owners) == 1:
        return f"the {len(pods)} selected {what} of {next(iter(owners))}"
    listed = [f"{owner} ({n})" for owner, n in sorted(owners.items())]
    more = f", … ({len(listed) - MAX_OWNERS} more)" if len(listed) > MAX_OWNERS else ""
    return f"the {len(pods)} selected {what} of {', '.join(listed[:MAX_OWNERS])}{more}"


def _mapping_at(body: Any, path: JsonPath) -> dict[str, Any]:
    for key in path:
        try:
            body = body[key]
        except (KeyError, IndexError, TypeError):
            return {}
    return body if isinstance(body, dict) else {}
