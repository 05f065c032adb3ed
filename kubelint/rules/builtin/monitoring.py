"""Prometheus operator monitors (monitoring.coreos.com) that select nothing, or scrape a port
name nothing has (KL426–KL428).

A ServiceMonitor selects Services by their labels, a PodMonitor selects pods by their template
labels; both look in their own namespace unless `namespaceSelector` says `any: true` or lists
`matchNames`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.k8s.selectors import Selector
from kubelint.model import Severity
from kubelint.rules.builtin._podlabels import select_pods
from kubelint.rules.builtin._setindex import label_selector, services_by_labels
from kubelint.rules.context import Context
from kubelint.rules.engine import ObjectView, Violation, set_rule

Found = Iterator[tuple[ObjectView, Violation]]
GROUP = "monitoring.coreos.com"

_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  selector: {app: web}
  ports: [{name: metrics, port: 9090}]
---
"""


def _monitor(kind: str, labels: str, namespaces: str = "") -> str:
    return f"""\
apiVersion: monitoring.coreos.com/v1
kind: {kind}
metadata: {{name: web, namespace: shop}}
spec:
  selector: {{matchLabels: {labels}}}{namespaces}
  {"endpoints" if kind == "ServiceMonitor" else "podMetricsEndpoints"}: [{{port: metrics}}]
"""


def monitor_namespaces(obj: ObjectView) -> list[str | None]:
    """Namespaces a monitor looks in, sorted; [None] means every namespace."""
    selector = obj.spec.get("namespaceSelector")
    if isinstance(selector, Mapping):
        if selector.get("any") is True:
            return [None]
        names = selector.get("matchNames")
        if isinstance(names, list) and names:
            return sorted({str(n) for n in names})
    return [obj.namespace]


def _where(namespaces: list[str | None]) -> str:
    if namespaces == [None]:
        return "any namespace"
    return "namespace " + ", ".join(f'"{n}"' for n in namespaces)


_WEB_WITH_METRICS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27, ports: [{name: metrics, containerPort: 9090}]}]
---
"""
"""A Deployment whose pods expose a `metrics` port (the examples' scrape target)."""


@set_rule(
    "KL426",
    "servicemonitor-selects-nothing",
    Severity.WARNING,
    "networking",
    title="A ServiceMonitor should select at least one Service",
    rationale="A ServiceMonitor whose selector matches no Service labels (note: the Service's "
    "own labels, not its selector) produces no scrape targets, silently.",
    remediation="Match the labels in the Service's metadata.labels, and set namespaceSelector "
    "when the Service lives in another namespace.",
    failing=_SERVICE + _monitor("ServiceMonitor", "{app: api}"),
    passing=_SERVICE
    + _monitor("ServiceMonitor", "{app: web}")
    + "---\n"
    + _monitor("ServiceMonitor", "{app: web}", "\n  namespaceSelector: {any: true}"),
    peers={"kube-linter": "dangling-servicemonitor"},
)
def servicemonitor_selects_nothing(ctx: Context) -> Found:
    return _selects_nothing(ctx, "ServiceMonitor", "the labels of no Service")


@set_rule(
    "KL427",
    "podmonitor-selects-nothing",
    Severity.WARNING,
    "networking",
    title="A PodMonitor should select the pods of at least one workload",
    rationale="A PodMonitor whose selector matches no pod template produces no scrape targets.",
    remediation="Match the pod template labels, and set namespaceSelector when the pods live in "
    "another namespace.",
    failing=_WEB_WITH_METRICS + _monitor("PodMonitor", "{app: api}"),
    passing=_WEB_WITH_METRICS + _monitor("PodMonitor", "{app: web}"),
)
def podmonitor_selects_nothing(ctx: Context) -> Found:
    return _selects_nothing(ctx, "PodMonitor", "no pods")


def _selects_nothing(ctx: Context, kind: str, nothing: str) -> Found:
    """Monitors of `kind` whose selector matches nothing in the namespaces they watch."""
    for monitor in ctx.by_kind.get((GROUP, kind), ()):
        selected = _selected(ctx, monitor)
        if selected is not None and not selected:
            where = _where(monitor_namespaces(monitor))
            message = f"selector {_selector(monitor)} matches {nothing} in {where}"
            yield monitor, Violation(("spec", "selector"), message)


def _selector(monitor: ObjectView) -> Selector | None:
    return label_selector(monitor, "spec", "selector")


def _selected(ctx: Context, monitor: ObjectView) -> list[ObjectView] | None:
    """Services (ServiceMonitor) or pod owners (PodMonitor) the monitor selects, in the order
    of its namespaces; None when its selector is invalid."""
    selector = _selector(monitor)
    if selector is None:
        return None
    namespaces = monitor_namespaces(monitor)
    if monitor.kind == "ServiceMonitor":
        index = services_by_labels(ctx)
        return [svc for ns in namespaces for svc in index.select(selector, ns)]
    return [obj for ns in namespaces for obj in select_pods(ctx, ns, selector)]


def _port_names(monitor: ObjectView, targets: list[ObjectView]) -> set[str]:
    """Names of the Service ports (ServiceMonitor) or container ports (PodMonitor)."""
    if monitor.kind == "ServiceMonitor":
        lists = [svc.spec.get("ports") for svc in targets]
    else:
        lists = [c.body.get("ports") for obj in targets for c in obj.containers()]
    ports = [p for found in lists if isinstance(found, list) for p in found]
    return {p["name"] for p in ports if isinstance(p, Mapping) and isinstance(p.get("name"), str)}


ENDPOINTS = {"ServiceMonitor": "endpoints", "PodMonitor": "podMetricsEndpoints"}


@set_rule(
    "KL428",
    "monitor-port-missing",
    Severity.WARNING,
    "networking",
    title="A monitor's endpoint port must be a port name of what it selects",
    rationale="`port` in a ServiceMonitor endpoint names a Service port; in a PodMonitor it names "
    "a container port. With a name that none of the selected objects has, Prometheus gets no "
    "target for that endpoint.",
    remediation="Use the name of the Service port (ServiceMonitor) or container port (PodMonitor), "
    "or name the port in the Service/container.",
    failing=_SERVICE
    + _monitor("ServiceMonitor", "{app: web}").replace("port: metrics", "port: web"),
    passing=_SERVICE + _monitor("ServiceMonitor", "{app: web}"),
)
def monitor_port_missing(ctx: Context) -> Found:
    for monitor in ctx.of_kind((GROUP, "ServiceMonitor"), (GROUP, "PodMonitor")):
        field = ENDPOINTS[monitor.kind]
        endpoints = monitor.spec.get(field)
        if not isinstance(endpoints, list):
            continue
        selected = _selected(ctx, monitor)
        if not selected:
            continue  # nothing selected is the *-selects-nothing rules' finding
        names = _port_names(monitor, selected)
        for i, endpoint in enumerate(endpoints):
            port = endpoint.get("port") if isinstance(endpoint, Mapping) else None
            if isinstance(port, str) and port and port not in names:
                have = ", ".join(sorted(names)) or "none"
                what = "Service" if monitor.kind == "ServiceMonitor" else "container"
                yield (
                    monitor,
                    Violation(
                        ("spec", field, i, "port"),
                        f'no selected {what} has a port named "{port}" (named ports: {have})',
                    ),
                )
