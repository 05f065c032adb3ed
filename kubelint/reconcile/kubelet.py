"""What the kubelet makes of a bound pod: its address, phase, readiness and container states.

- The pod sandbox needs the cluster's sandbox (pause) image: when the node cannot pull it, the
  pod stays `ContainerCreating` without an IP. On a NotReady node only hostNetwork pods start
  (the network plugin is not ready), others wait the same way.
- A container whose image the node cannot pull (cluster.yaml `images.pullFailures`) waits in
  `ImagePullBackOff` (`Init:ImagePullBackOff` for an init container); the pod is Pending with
  an IP and never ready.
- Otherwise the pod is Running and ready (readiness probes are assumed to pass).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubelint.cluster.ipam import PodIPAllocator
from kubelint.cluster.model import Cluster, PullFailure
from kubelint.reconcile.objects import PodRecord

CONTAINER_CREATING = "ContainerCreating"
IMAGE_PULL_BACKOFF = "ImagePullBackOff"


def node_ready(node: Mapping[str, Any]) -> bool:
    for condition in (node.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return condition.get("status") == "True"
    return True


class Kubelet:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.ips = PodIPAllocator(cluster)
        self._ready: dict[str, bool] = {}

    def _node_ready(self, name: str) -> bool:
        if name not in self._ready:
            info = self.cluster.node(name)
            self._ready[name] = node_ready(info.body) if info is not None else False
        return self._ready[name]

    def pull_failure(self, image: Any, node: str) -> PullFailure | None:
        if not isinstance(image, str) or not self.cluster.images.pull_failures:
            return None
        return self.cluster.images.pull_failure(image, node)

    def start(self, pod: PodRecord) -> None:
        """Run `pod` on its node (pod.node is set)."""
        node = pod.node
        assert node is not None
        if not pod.host_network and (
            not self._node_ready(node)
            or self.pull_failure(self.cluster.images.sandbox, node) is not None
        ):
            pod.phase, pod.message = "Pending", CONTAINER_CREATING
            pod.waiting = {str(c.get("name")): CONTAINER_CREATING for c in pod.containers()}
            return
        ip, refusal = self.ips.allocate(node, host_network=pod.host_network)
        if refusal is not None:
            pod.phase, pod.message = "Pending", refusal.text()
            return
        pod.ip = ip
        for key, reason in (
            ("initContainers", "Init:" + IMAGE_PULL_BACKOFF),
            ("containers", IMAGE_PULL_BACKOFF),
        ):
            for container in pod.containers(key):
                failure = self.pull_failure(container.get("image"), node)
                if failure is not None:
                    pod.waiting[str(container.get("name"))] = IMAGE_PULL_BACKOFF
                    if pod.message is None:
                        pod.message = reason
        if pod.waiting:
            pod.phase = "Pending"
            return
        pod.phase, pod.ready = "Running", True


def pod_status(pod: PodRecord) -> dict[str, Any]:
    """The predicted Pod status (phase, addresses, conditions, container states)."""
    status: dict[str, Any] = {"phase": pod.phase}
    if pod.ip:
        status["podIP"] = pod.ip
        status["podIPs"] = [{"ip": pod.ip}]
    conditions = [{"type": "PodScheduled", "status": "True" if pod.node else "False"}]
    if pod.node is None and pod.message:
        conditions[0].update(reason="Unschedulable", message=pod.message)
    conditions.append({"type": "Ready", "status": "True" if pod.ready else "False"})
    status["conditions"] = conditions
    if pod.waiting:
        status["containerStatuses"] = [
            {"name": name, "ready": False, "state": {"waiting": {"reason": reason}}}
            for name, reason in sorted(pod.waiting.items())
        ]
    return status
