"""Cross-object networking rules (KL420–KL439): Services, Ingresses, NetworkPolicies and
Prometheus monitors that select or point at nothing, and NodePorts that collide.

Selection follows Kubernetes exactly (kubelint.k8s.selectors): a Service's empty selector selects
nothing and is left alone (its Endpoints are managed by hand); an empty NetworkPolicy podSelector
selects every pod of its namespace.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from kubelint.k8s.selectors import Selector, SelectorError
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._podlabels import cached, select_pods
from kubelint.rules.builtin._setindex import elsewhere_hint, label_selector, where
from kubelint.rules.context import Context
from kubelint.rules.engine import ObjectView, Violation, object_rule, set_rule

Found = Iterator[tuple[ObjectView, Violation]]
NETWORK_POLICIES = (("networking.k8s.io", "NetworkPolicy"), ("extensions", "NetworkPolicy"))

_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{name: http, containerPort: 8080}]
"""


def _service(selector: str, port: str = "{port: 80, targetPort: 8080}", ns: str = "shop") -> str:
    return f"""\
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: {ns}}}
spec:
  selector: {selector}
  ports: [{port}]
"""


def service_selector(svc: ObjectView) -> Selector | None:
    """The Service's pod selector; None when it manages no Endpoints (ExternalName, no or empty
    selector) or the selector is invalid."""
    spec = svc.spec
    if spec.get("type") == "ExternalName":
        return None
    try:
        selector = Selector.from_map(spec.get("selector"))
    except SelectorError:
        return None
    return None if selector.nothing else selector


def _selecting_services(ctx: Context) -> list[tuple[ObjectView, Selector]]:
    """Services with a pod selector, with it (parsed once per run)."""

    def build(c: Context) -> list[tuple[ObjectView, Selector]]:
        services = ((svc, service_selector(svc)) for svc in c.by_kind.get(("", "Service"), ()))
        return [(svc, selector) for svc, selector in services if selector is not None]

    return cached(ctx, "selecting_services", build)


@set_rule(
    "KL420",
    "service-selects-nothing",
    Severity.WARNING,
    "networking",
    title="A Service's selector should match the pods of a workload in its namespace",
    rationale="A Service whose selector matches no pod has no endpoints: connections are refused "
    "although every object applies cleanly. A Service without a selector (manual Endpoints) is "
    "not reported.",
    remediation="Make the selector a subset of the pod template labels of the workload, in the "
    "same namespace.",
    failing=_DEPLOYMENT + "---\n" + _service("{app: wbe}"),
    passing=_DEPLOYMENT + "---\n" + _service("{app: web}") + "---\n" + _service("{}"),
    peers={"kube-linter": "dangling-service", "kube-score": "service-targets-pod"},
)
def service_selects_nothing(ctx: Context) -> Found:
    for svc, selector in _selecting_services(ctx):
        if not select_pods(ctx, svc.namespace, selector):
            yield (
                svc,
                Violation(
                    ("spec", "selector"),
                    f'selector {selector} matches no pods in namespace "{svc.namespace}"',
                    elsewhere_hint(ctx, svc, selector),
                ),
            )


def _declared_ports(workloads: list[ObjectView]) -> set[int]:
    """containerPorts of the containers (and restartable init containers)."""
    out: set[int] = set()
    for obj in workloads:
        for c in obj.containers():
            if c.kind == "initContainers" and c.body.get("restartPolicy") != "Always":
                continue
            ports = c.body.get("ports")
            for port in ports if isinstance(ports, list) else ():
                if isinstance(port, dict) and isinstance(port.get("containerPort"), int):
                    out.add(port["containerPort"])
    return out


@set_rule(
    "KL421",
    "service-target-port-missing",
    Severity.WARNING,
    "networking",
    title="A numeric targetPort should be a containerPort of the selected pods",
    rationale="When the selected pods declare their ports and none of them is the Service's "
    "targetPort, traffic most likely goes to a port nothing listens on (a typo, or the Service "
    "port copied as targetPort). Pods that declare no ports are not judged, and protocols are "
    "not compared (declared ports are informational; UDP servers often declare none).",
    remediation="Set targetPort to the container's port (or to its name), or declare the port "
    "in the container.",
    failing=_DEPLOYMENT + "---\n" + _service("{app: web}", "{port: 80}"),
    passing=_DEPLOYMENT
    + "---\n"
    + _service("{app: web}", "{port: 80, targetPort: 8080}, {name: x, port: 81, targetPort: http}"),
)
def service_target_port_missing(ctx: Context) -> Found:
    declared_by: dict[tuple[str, Selector], set[int]] = {}  # Services often share selectors
    for svc, selector in _selecting_services(ctx):
        ports = svc.spec.get("ports")
        if not isinstance(ports, list):
            continue
        key = (svc.namespace, selector)
        if key not in declared_by:
            declared_by[key] = _declared_ports(select_pods(ctx, svc.namespace, selector))
        declared = declared_by[key]
        if not declared:
            continue
        for i, port in enumerate(ports):
            if not isinstance(port, dict):
                continue
            field = "targetPort" if "targetPort" in port else "port"
            target = port.get(field)
            if isinstance(target, int) and not isinstance(target, bool) and target not in declared:
                have = ", ".join(str(p) for p in sorted(declared))
                yield (
                    svc,
                    Violation(
                        ("spec", "ports", i, field),
                        f"target port {target} is not a containerPort of the selected pods "
                        f"(they declare {have})",
                    ),
                )


class Backend(NamedTuple):
    path: JsonPath  # to the backend's service name
    service: str
    port: Any  # int number, str name, or None
    port_path: JsonPath


def ingress_backends(ingress: ObjectView) -> Iterator[Backend]:
    """Service backends of an Ingress, networking.k8s.io/v1 and v1beta1 shapes alike."""
    spec = ingress.spec
    for field in ("defaultBackend", "backend"):
        if isinstance(spec.get(field), Mapping):
            yield from _backend(spec[field], ("spec", field))
    rules = spec.get("rules")
    for i in range(len(rules) if isinstance(rules, list) else 0):
        paths = ingress.get("spec", "rules", i, "http", "paths")
        for j, item in enumerate(paths if isinstance(paths, list) else ()):
            if isinstance(item, Mapping) and isinstance(item.get("backend"), Mapping):
                path = ("spec", "rules", i, "http", "paths", j, "backend")
                yield from _backend(item["backend"], path)


def _backend(body: Mapping[str, Any], path: JsonPath) -> Iterator[Backend]:
    service = body.get("service")
    if isinstance(service, Mapping) and isinstance(service.get("name"), str):
        port = service.get("port") if isinstance(service.get("port"), Mapping) else {}
        value = port.get("number", port.get("name"))
        key = "number" if "number" in port else "name"
        port_path = (*path, "service", "port", key)
        yield Backend((*path, "service", "name"), service["name"], value, port_path)
    elif isinstance(body.get("serviceName"), str):
        name, port = body["serviceName"], body.get("servicePort")
        yield Backend((*path, "serviceName"), name, port, (*path, "servicePort"))


def _service_has_port(svc: ObjectView, port: Any) -> bool:
    found = svc.spec.get("ports")
    ports = [p for p in found if isinstance(p, Mapping)] if isinstance(found, list) else []
    if isinstance(port, int):
        return any(p.get("port") == port for p in ports)
    return any(p.get("name") == port for p in ports)


@set_rule(
    "KL422",
    "ingress-backend-missing",
    Severity.WARNING,
    "networking",
    title="Ingress backends must name a Service and a port it has",
    rationale="A backend whose Service (or Service port) does not exist answers 503 for its paths.",
    remediation="Fix the backend's service name or port, or add the Service in the Ingress's "
    "namespace.",
    failing=_service("{app: web}")
    + """\
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: web, port: {number: 8080}}
""",
    passing=_service("{app: web}", "{name: http, port: 80, targetPort: 8080}")
    + """\
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  defaultBackend:
    service: {name: web, port: {name: http}}
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: web, port: {number: 80}}
""",
    peers={"kube-linter": "dangling-ingress", "kube-score": "ingress-targets-service"},
)
def ingress_backend_missing(ctx: Context) -> Found:
    for ingress in ctx.of_kind(("networking.k8s.io", "Ingress"), ("extensions", "Ingress")):
        for backend in ingress_backends(ingress):
            if backend.port == "use-annotation":
                continue  # an AWS load balancer controller action, not a Service
            svc = ctx.get("", "Service", ingress.namespace, backend.service)
            if svc is None:
                yield (
                    ingress,
                    Violation(
                        backend.path,
                        f'Service "{backend.service}" is not defined in namespace '
                        f'"{ingress.namespace}"',
                    ),
                )
            elif backend.port is not None and not _service_has_port(svc, backend.port):
                yield (
                    ingress,
                    Violation(
                        backend.port_path,
                        f'Service "{backend.service}" has no port {backend.port!r}',
                    ),
                )


@set_rule(
    "KL423",
    "networkpolicy-selects-nothing",
    Severity.WARNING,
    "networking",
    title="A NetworkPolicy's podSelector should match pods in its namespace",
    rationale="A policy that selects no pod isolates nothing; usually its labels or namespace "
    "are wrong. An empty podSelector selects every pod of the namespace and is not reported.",
    remediation="Make podSelector match the pod template labels of the workloads to protect.",
    failing=_DEPLOYMENT
    + """\
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
""",
    passing=_DEPLOYMENT
    + """\
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: empty}
spec:
  podSelector: {}
  policyTypes: [Ingress]
""",
    peers={"kube-linter": "dangling-networkpolicy", "kube-score": "networkpolicy-targets-pod"},
)
def networkpolicy_selects_nothing(ctx: Context) -> Found:
    for policy in ctx.of_kind(*NETWORK_POLICIES):
        selector = label_selector(policy, "spec", "podSelector")
        if selector is None or selector.everything or selector.nothing:
            continue
        if not select_pods(ctx, policy.namespace, selector):
            yield (
                policy,
                Violation(
                    ("spec", "podSelector"),
                    f'podSelector {selector} matches no pods in namespace "{policy.namespace}"',
                    elsewhere_hint(ctx, policy, selector),
                ),
            )


_POLICY_PEERS = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: %s}}
    - namespaceSelector: {matchLabels: {team: ops}}
      podSelector: {matchLabels: {app: prometheus}}
"""


def _policy_peers(policy: ObjectView) -> Iterator[tuple[JsonPath, Any]]:
    """(path, podSelector) of the peers that select pods of the policy's own namespace."""
    for direction, field in (("ingress", "from"), ("egress", "to")):
        rules = policy.spec.get(direction)
        for i, rule in enumerate(rules if isinstance(rules, list) else ()):
            peers = rule.get(field) if isinstance(rule, Mapping) else None
            for j, peer in enumerate(peers if isinstance(peers, list) else ()):
                own_namespace = isinstance(peer, Mapping) and "namespaceSelector" not in peer
                if own_namespace and "podSelector" in peer:
                    yield ("spec", direction, i, field, j, "podSelector"), peer["podSelector"]


@set_rule(
    "KL429",
    "networkpolicy-peer-selects-nothing",
    Severity.INFO,
    "networking",
    title="A NetworkPolicy peer's podSelector should match pods in the namespace",
    rationale="A `from`/`to` peer that selects no pod allows no traffic: the policy then blocks "
    "what it was meant to allow. Peers with a namespaceSelector are not judged (their "
    "namespaces' labels are usually not in the input). Off by default: clients are often "
    "deployed separately.",
    remediation="Match the pod template labels of the clients (or servers) the policy allows.",
    failing=_DEPLOYMENT + "---\n" + _POLICY_PEERS % "frontend",
    passing=_DEPLOYMENT + "---\n" + _POLICY_PEERS % "web",
    default=False,
    peers={"kube-linter": "dangling-networkpolicypeer-podselector"},
)
def networkpolicy_peer_selects_nothing(ctx: Context) -> Found:
    for policy in ctx.of_kind(*NETWORK_POLICIES):
        for path, raw in _policy_peers(policy):
            try:
                selector = Selector.parse(raw)
            except SelectorError:
                continue
            if not selector.everything and not select_pods(ctx, policy.namespace, selector):
                yield (
                    policy,
                    Violation(
                        path,
                        f"peer podSelector {selector} matches no pods in namespace "
                        f'"{policy.namespace}"',
                    ),
                )


@set_rule(
    "KL424",
    "duplicate-node-port",
    Severity.ERROR,
    "networking",
    title="Two Services must not ask for the same nodePort",
    rationale="NodePorts are allocated cluster-wide: the apiserver rejects the second Service "
    'with "provided port is already allocated".',
    remediation="Give each Service its own nodePort, or omit nodePort to have one allocated.",
    failing=_service("{app: web}", "{port: 80, nodePort: 30080}").replace("{app: web}", "{app: a}")
    + "  type: NodePort\n---\n"
    + _service("{app: b}", "{port: 80, nodePort: 30080}").replace("name: web", "name: other")
    + "  type: NodePort\n",
    passing=_service("{app: a}", "{port: 80, nodePort: 30080}")
    + "  type: NodePort\n---\n"
    + _service("{app: b}", "{port: 80, nodePort: 30081}").replace("name: web", "name: other")
    + "  type: NodePort\n",
)
def nodeport_conflict(ctx: Context) -> Found:
    first: dict[int, ObjectView] = {}
    for svc in ctx.by_kind.get(("", "Service"), ()):
        ports = svc.spec.get("ports")
        for i, port in enumerate(ports if isinstance(ports, list) else ()):
            node_port = port.get("nodePort") if isinstance(port, dict) else None
            if not isinstance(node_port, int) or isinstance(node_port, bool) or not node_port:
                continue
            owner = first.setdefault(node_port, svc)
            if owner is not svc:
                yield (
                    svc,
                    Violation(
                        ("spec", "ports", i, "nodePort"),
                        f"nodePort {node_port} is already used by Service "
                        f"{owner.namespace}/{owner.name} ({where(owner)})",
                    ),
                )


@object_rule(
    "KL425",
    "service-exposed",
    Severity.INFO,
    "networking",
    title="Services of type NodePort or LoadBalancer expose pods outside the cluster",
    rationale="NodePort opens a port on every node; LoadBalancer usually gets a public address. "
    "Reaching an application through an Ingress or Gateway keeps the exposure in one place.",
    remediation="Use type ClusterIP behind an Ingress/Gateway, or restrict "
    "loadBalancerSourceRanges and document why the exposure is needed.",
    failing=_service("{app: web}") + "  type: LoadBalancer\n",
    passing=_service("{app: web}") + "  type: ClusterIP\n",
    kinds={("", "Service")},
    default=False,
    peers={"kube-linter": "exposed-services", "kube-score": "service-type"},
)
def service_exposed(obj: ObjectView) -> Iterator[Violation]:
    kind = obj.spec.get("type")
    if kind in ("NodePort", "LoadBalancer"):
        yield Violation(("spec", "type"), f"Service of type {kind} is reachable from outside")
