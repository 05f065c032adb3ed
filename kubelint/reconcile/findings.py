"""Findings of `kubelint simulate` (KL850–KL899): what the predicted cluster state says about
the manifests. Each points at the field of the object responsible."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from kubelint.codes import Code, finding, register
from kubelint.model import Finding, JsonPath, Severity, dicts
from kubelint.reconcile.objects import PodRecord, Stored, Workload
from kubelint.reconcile.podinfo import host_ports, pod_requests
from kubelint.reconcile.scheduler.filters import static_reason
from kubelint.reconcile.scheduler.nodes import free
from kubelint.reconcile.scheduler.pod import SchedPod

if TYPE_CHECKING:
    from kubelint.reconcile.endpoints import ServiceView
    from kubelint.reconcile.kubelet import Kubelet
    from kubelint.reconcile.simulate import Simulation

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
register(
    Code("KL850", "pod-unschedulable", _W, "Pods stay Pending: no node passes the filters"),
    Code("KL851", "replicas-exceed-capacity", _W, "More replicas than eligible nodes can hold"),
    Code("KL852", "image-unpullable", _W, "The nodes the pods land on cannot pull an image"),
    Code("KL853", "pod-sandbox-failed", _W, "Pods get no sandbox (pause image, network plugin)"),
    Code("KL854", "service-no-matching-pods", _W, "A Service selector matches no pod"),
    Code("KL855", "service-no-ready-endpoints", _W, "A Service selects pods, none ready"),
    Code("KL856", "service-target-port-not-exposed", _W, "targetPort not declared by the pods"),
    Code("KL857", "daemonset-pod-missing", _W, "A DaemonSet pod for an eligible node cannot run"),
    Code("KL858", "hostport-conflict", _W, "Workloads compete for the same hostPort"),
    Code("KL859", "pvc-unbound", _I, "A claim no PersistentVolume or StorageClass serves"),
)


def finding_at(
    obj: Stored, name: str, path: JsonPath, message: str, hint: str | None = None
) -> Finding | None:
    """A finding at `path` (its key) in the stored object's document; None for objects without
    one (the default `kubernetes` Service, predicted objects)."""
    doc = obj.doc
    if doc is None:
        return None
    return finding(
        name, doc.source, doc.locate(path, True), message,
        ref=obj.ref, path=path, document=doc.index, hint=hint,
    )  # fmt: skip


def all_findings(sim: Simulation, kubelet: Kubelet) -> list[Finding]:
    out: list[Finding | None] = []
    for workload in sim.workloads:
        out.extend(_pending(workload))
        out.extend(_capacity(sim, workload))
        out.extend(_images(workload, kubelet))
        out.extend(_sandbox(workload))
    out.extend(_host_ports(sim.workloads))
    out.extend(_claims(sim))
    for view in sim.services:
        out.extend(_service(view))
    return [f for f in out if f is not None]


def _owner_path(workload: Workload) -> JsonPath:
    return ("metadata", "name")


def _pending(workload: Workload) -> Iterator[Finding | None]:
    unscheduled: dict[str, int] = {}
    for pod in workload.pods:
        if pod.node is None and pod.message:
            unscheduled[pod.message] = unscheduled.get(pod.message, 0) + 1
    name = "daemonset-pod-missing" if workload.ref.kind == "DaemonSet" else "pod-unschedulable"
    for message, count in sorted(unscheduled.items()):
        what = "pod" if count == 1 else "pods"
        verb = "stays" if count == 1 else "stay"
        yield finding_at(
            workload.owner, name, _owner_path(workload),
            f"{count} {what} of {workload.ref} {verb} Pending: {message}",
            hint="relax the pod's constraints (requests, selectors, tolerations, hostPort) or "
            "add nodes that satisfy them",
        )  # fmt: skip


def _capacity(sim: Simulation, workload: Workload) -> Iterator[Finding | None]:
    """Replicas above what the nodes that pass the static filters could hold for this pod alone."""
    if workload.ref.kind in ("DaemonSet", "Pod") or not workload.pods:
        return
    if all(p.node is not None for p in workload.pods):
        return
    spec = {k: v for k, v in (workload.pods[0].body.get("spec") or {}).items() if k != "nodeName"}
    sample = SchedPod({**workload.pods[0].body, "spec": spec})
    req = pod_requests(spec)
    ports = host_ports(spec)
    capacity = 0
    for node in sim.nodes.nodes:
        if static_reason(sample, node.cls, node.labels, node.name) is not None:
            continue
        capacity += _fits(node.cls, req, bool(ports))
    if workload.desired <= capacity or capacity == 0:
        return  # capacity 0: pod-unschedulable already says why
    why = (
        f"hostPort {', '.join(str(p.port) for p in ports)} (one pod per node)"
        if ports
        else "resource requests"
    )
    path: JsonPath = ("spec", "replicas")
    if "replicas" not in (workload.owner.body.get("spec") or {}):
        path = ("metadata", "name")
    yield finding_at(
        workload.owner, "replicas-exceed-capacity", path,
        f"replicas is {workload.desired} but the eligible nodes can hold only {capacity} of "
        f"these pods ({why}); {workload.desired - capacity} can never be scheduled",
        hint="lower replicas or add nodes the pods may use",
    )  # fmt: skip


def _fits(cls, req, one_per_node: bool) -> int:
    room = free(cls, (0, 0, 0, 0, 0, 0, ()))
    counts = [room.get("pods", 0)]
    for name, amount in (
        ("cpu", req.cpu),
        ("memory", req.memory),
        ("ephemeral-storage", req.ephemeral),
        *req.scalars,
    ):
        if amount:
            counts.append(max(room.get(name, 0), 0) // amount)
    count = max(min(counts), 0)
    return min(count, 1) if one_per_node else count


def _images(workload: Workload, kubelet: Kubelet) -> Iterator[Finding | None]:
    template_path = _template_spec_path(workload)
    if template_path is None:
        return
    spec = workload.pods[0].body.get("spec") or {} if workload.pods else {}
    for key in ("initContainers", "containers"):
        for i, container in enumerate(spec.get(key) or []):
            if not isinstance(container, Mapping):
                continue
            image = container.get("image")
            nodes = sorted(
                {p.node for p in workload.pods if p.node and kubelet.pull_failure(image, p.node)}
            )
            if not nodes:
                continue
            rule = kubelet.pull_failure(image, nodes[0])
            reason = f" ({rule.reason})" if rule and rule.reason else ""
            yield finding_at(
                workload.owner, "image-unpullable", (*template_path, key, i, "image"),
                f"image {image} cannot be pulled on {', '.join(nodes[:5])}"
                f"{' …' if len(nodes) > 5 else ''}{reason}: the pods stay in ImagePullBackOff",
                hint="pull the image from a registry the nodes can reach (a mirror)",
            )  # fmt: skip


def _template_spec_path(workload: Workload) -> JsonPath | None:
    from kubelint.k8s.podspec import TEMPLATE_PATHS

    if workload.ref.kind == "Pod":
        return ("spec",)
    path = TEMPLATE_PATHS.get((workload.ref.group, workload.ref.kind))
    return (*path, "spec") if path else None


def _sandbox(workload: Workload) -> Iterator[Finding | None]:
    stuck = sorted({p.node for p in workload.pods if p.node and p.message == "ContainerCreating"})
    if stuck:
        yield finding_at(
            workload.owner, "pod-sandbox-failed", _owner_path(workload),
            f"pods of {workload.ref} stay ContainerCreating on {', '.join(stuck[:5])}: the node "
            "cannot start pod sandboxes (sandbox image not pullable, or network plugin not ready)",
        )  # fmt: skip


def _host_ports(workloads: list[Workload]) -> Iterator[Finding | None]:
    holders: dict[tuple[str, str, int], Workload] = {}
    for workload in workloads:
        if not workload.pods:
            continue
        for port in host_ports(workload.pods[0].body.get("spec") or {}):
            key = (port.ip, port.protocol, port.port)
            first = holders.setdefault(key, workload)
            if first is not workload:
                yield finding_at(
                    workload.owner, "hostport-conflict", _owner_path(workload),
                    f"hostPort {port.port}/{port.protocol} is also bound by {first.ref}: their "
                    "pods can never share a node",
                )  # fmt: skip


def _claims(sim: Simulation) -> Iterator[Finding | None]:
    kinds = {(o.ref.group, o.ref.kind) for o in sim.applied.objects}
    classes = {o.name: o for o in sim.applied.objects if o.ref.kind == "StorageClass"}
    has_default = any(
        ((c.body.get("metadata") or {}).get("annotations") or {}).get(
            "storageclass.kubernetes.io/is-default-class"
        )
        == "true"
        for c in classes.values()
    )
    has_pv = ("", "PersistentVolume") in kinds
    for workload in sim.workloads:
        for child in workload.children:
            if child.get("kind") != "PersistentVolumeClaim":
                continue
            wanted = (child.get("spec") or {}).get("storageClassName")
            if (wanted and wanted in classes) or (not wanted and has_default) or has_pv:
                continue
            what = (
                f"StorageClass {wanted!r} is not in the input"
                if wanted
                else "no default StorageClass is in the input"
            )
            yield finding_at(
                workload.owner, "pvc-unbound", ("spec", "volumeClaimTemplates"),
                f"PersistentVolumeClaim {child['metadata']['name']} may stay Pending: {what} and "
                "no PersistentVolume is given (the cluster may provide them)",
            )  # fmt: skip
            break


def _service(view: ServiceView) -> Iterator[Finding | None]:
    obj = view.stored
    if view.selector is None or obj.doc is None:
        return
    if not view.selected:
        yield finding_at(
            obj, "service-no-matching-pods", ("spec", "selector"),
            f"Service {obj.name} selects {view.selector} but no pod in namespace "
            f"{obj.namespace} carries those labels",
            hint="make the selector match the pod template labels of the workload to expose",
        )  # fmt: skip
        return
    yield from _target_ports(view)
    if view.ready():
        return
    owners = sorted({str(p.workload.ref) for p in view.selected})
    reasons = sorted({_why_not_ready(p) for p in view.selected})
    yield finding_at(
        obj, "service-no-ready-endpoints", ("spec", "selector"),
        f"Service {obj.name} selects {len(view.selected)} pod(s) of {', '.join(owners)}, none "
        f"ready: {'; '.join(reasons)}",
    )  # fmt: skip


def _why_not_ready(pod: PodRecord) -> str:
    if pod.node is None:
        return f"Pending ({pod.message})" if pod.message else "Pending"
    if pod.waiting:
        images = {
            str(c.get("name")): c.get("image")
            for c in pod.containers("initContainers", "containers")
        }
        return ", ".join(
            f"{reason} for image {images.get(name)}" for name, reason in sorted(pod.waiting.items())
        )
    return pod.message or "not ready"


def _target_ports(view: ServiceView) -> Iterator[Finding | None]:
    declared: set[int] = set()
    names: set[str] = set()
    for pod in view.selected:
        for c in pod.containers():
            for p in dicts(c.get("ports")):
                if isinstance(p.get("containerPort"), int):
                    declared.add(p["containerPort"])
                if p.get("name"):
                    names.add(str(p["name"]))
    for i, port in enumerate(view.ports):
        target = port.get("targetPort", port.get("port"))
        path: JsonPath = ("spec", "ports", i, "targetPort" if "targetPort" in port else "port")
        if isinstance(target, str) and not target.isdigit():
            left_out = view.left_out.get(i, [])
            if left_out:
                yield finding_at(
                    view.stored, "service-target-port-not-exposed", path,
                    f"targetPort {target!r} of Service {view.stored.name} is not a container port "
                    f"name of {len(left_out)} selected pod(s) (e.g. {left_out[0].name}); they are "
                    "left out of its endpoints",
                )  # fmt: skip
        elif declared and isinstance(target, int) and target not in declared:
            yield finding_at(
                view.stored, "service-target-port-not-exposed", path,
                f"Service {view.stored.name} sends port {port.get('port')} to targetPort {target}, "
                f"but the selected pods declare only containerPort "
                f"{', '.join(str(p) for p in sorted(declared))}",
                hint="set targetPort to the port the container listens on",
            )  # fmt: skip
