"""Finding codes of the cluster description, network checks, IPAM and kube-proxy (KL800–KL849).

Problems with the shape of cluster.yaml reuse the loader and schema codes (KL001–KL024).
"""

from __future__ import annotations

from kubelint.codes import Code, register
from kubelint.model import Severity

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

CLUSTER_CODES = (
    # the cluster file
    Code("KL800", "cluster-file-invalid", _E, "The cluster file holds no single usable Cluster"),
    Code("KL801", "duplicate-node", _E, "Two nodes of the cluster have the same name"),
    # networks
    Code("KL802", "cidr-overlap", _E, "Two of clusterCIDR, serviceCIDR, nodeCIDRs overlap"),
    Code("KL803", "dns-ip-outside-service-cidr", _E, "dns.serviceIP is not inside serviceCIDR"),
    Code("KL804", "pod-cidr-exhausted", _E, "clusterCIDR holds fewer node podCIDRs than nodes"),
    Code("KL805", "node-podcidr-outside-cluster-cidr", _E, "A node podCIDR is not in clusterCIDR"),
    Code("KL806", "node-podcidr-overlap", _E, "Two nodes have overlapping podCIDRs"),
    Code("KL807", "node-podcidr-contains-node-ip", _W, "A node podCIDR holds a node's address"),
    Code("KL808", "node-podcidr-too-small", _W, "A node podCIDR has fewer pod IPs than max pods"),
    Code("KL809", "node-ip-outside-node-cidrs", _W, "A node address is outside network.nodeCIDRs"),
    Code("KL810", "duplicate-node-ip", _E, "Two nodes have the same InternalIP"),
    Code("KL811", "no-cluster-dns", _I, "The cluster has no DNS service (dns.serviceIP: null)"),
    Code("KL812", "node-not-ready", _W, "A node's Ready condition is not True"),
    Code("KL813", "node-unschedulable", _I, "A node is cordoned (spec.unschedulable)"),
    Code("KL814", "unknown-node", _E, "The cluster file names a node that does not exist"),
    # allocators (the apiserver's refusals)
    Code("KL820", "clusterip-out-of-range", _E, "A fixed clusterIP is outside serviceCIDR"),
    Code("KL821", "clusterip-conflict", _E, "A fixed clusterIP is already allocated"),
    Code("KL822", "clusterip-range-exhausted", _E, "serviceCIDR has no free address left"),
    Code("KL823", "nodeport-out-of-range", _E, "A fixed nodePort is outside nodePortRange"),
    Code("KL824", "nodeport-conflict", _E, "A fixed nodePort is already allocated"),
    Code("KL825", "nodeport-range-exhausted", _E, "nodePortRange has no free port left"),
    Code("KL826", "pod-ip-exhausted", _E, "A node's podCIDR has no free pod address left"),
    # kube-proxy
    Code("KL830", "kube-proxy-iptables-scale", _W, "iptables mode with very many rules per node"),
)

register(*CLUSTER_CODES)
