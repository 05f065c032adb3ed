"""The simulated cluster: description (cluster.yaml), network checks, IPAM, DNS names, kube-proxy.

Importing the package registers its finding codes (KL800–KL849)."""

from kubelint.cluster import codes as codes
