"""Services, Ingresses, NetworkPolicies and monitors that select or point at nothing."""

from __future__ import annotations

from tests.rules.policy_set.harness import lint, messages


def workload(
    kind: str = "Deployment",
    name: str = "web",
    ns: str = "shop",
    labels: str = "{app: web}",
    ports: str = "[{containerPort: 8080}]",
    extra: str = "",
) -> str:
    return f"""\
apiVersion: apps/v1
kind: {kind}
metadata: {{name: {name}, namespace: {ns}}}
spec:
{extra}  selector: {{matchLabels: {labels}}}
  template:
    metadata: {{labels: {labels}}}
    spec:
      containers: [{{name: c, image: nginx:1.27, ports: {ports}}}]
---
"""


def service(
    selector: str,
    ports: str = "[{port: 80, targetPort: 8080}]",
    ns: str = "shop",
    name: str = "web",
    extra: str = "",
) -> str:
    return f"""\
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {ns}}}
spec:
{extra}  selector: {selector}
  ports: {ports}
---
"""


def test_service_selection_follows_kubernetes_semantics() -> None:
    text = (
        workload()
        + service("{app: web}")
        + service("{}", name="manual-endpoints")
        + service("{app: web, tier: x}", name="too-narrow")
        + service(
            "{app: other}",
            name="external",
            extra="  type: ExternalName\n  externalName: x.example.com\n",
        )
    )
    found = lint(text, "service-selects-nothing")
    assert [(f.message, f.hint) for f in found] == [
        ('selector app=web,tier=x matches no pods in namespace "shop"', None)
    ]


def test_service_in_the_wrong_namespace_gets_a_hint() -> None:
    [finding] = lint(workload(ns="prod") + service("{app: web}"), "service-selects-nothing")
    assert (
        finding.hint
        == "it matches Deployment prod/web in another namespace: is the namespace wrong?"
    )


def test_statefulset_pod_name_labels_are_known() -> None:
    text = (
        workload("StatefulSet", name="redis", labels="{app: redis}", extra="  serviceName: redis\n")
        + service("{app: redis, statefulset.kubernetes.io/pod-name: redis-0}", name="redis-0")
        + service("{app: redis, statefulset.kubernetes.io/pod-name: other-0}", name="other-0")
        + service("{app: redis, pod-template-hash: abc}", name="hash")
    )
    assert [f.message.split(" matches")[0] for f in lint(text, "service-selects-nothing")] == [
        "selector app=redis,statefulset.kubernetes.io/pod-name=other-0",
        "selector app=redis,pod-template-hash=abc",  # a StatefulSet's pods carry no such label
    ]


def test_prometheus_operator_pods_are_selectable() -> None:
    text = (
        """\
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: main, namespace: shop}
spec: {podMetadata: {labels: {team: a}}}
---
"""
        + service("{prometheus: main}")
        + service("{team: a}", name="by-team")
        + service("{alertmanager: main}", name="am")
    )
    assert messages(lint(text, "service-selects-nothing")) == [
        'selector alertmanager=main matches no pods in namespace "shop"'
    ]


def test_numeric_target_port() -> None:
    text = (
        workload(ports="[{containerPort: 8080}, {containerPort: 53, protocol: UDP}]")
        + service(
            "{app: web}", "[{port: 8080}, {port: 53, protocol: UDP}, {port: 81, targetPort: 8081}]"
        )
        + service("{app: web}", "[{port: 80, targetPort: http}]", name="named")
        + workload(name="quiet", labels="{app: quiet}", ports="[]")
        + service("{app: quiet}", "[{port: 80, targetPort: 9999}]", name="quiet")
    )
    [finding] = lint(text, "service-target-port-missing")
    assert (
        finding.message
        == "target port 8081 is not a containerPort of the selected pods (they declare 53, 8080)"
    )
    assert finding.path_text == "spec.ports[2].targetPort"


def test_ingress_backends_in_both_api_shapes() -> None:
    text = (
        service("{app: web}", "[{name: http, port: 80, targetPort: 8080}]")
        + """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: v1, namespace: shop}
spec:
  defaultBackend: {service: {name: web, port: {name: https}}}
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
      - {path: /r, pathType: Prefix, backend: {resource: {apiGroup: x, kind: Bucket, name: b}}}
      - path: /alb
        pathType: Prefix
        backend: {service: {name: redirect, port: {name: use-annotation}}}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: beta, namespace: shop}
spec:
  backend: {serviceName: web, servicePort: 81}
"""
    )
    found = lint(text, "ingress-backend-missing")
    assert [(f.ref.name, f.path_text, f.message) for f in found] == [
        ("v1", "spec.defaultBackend.service.port.name", "Service \"web\" has no port 'https'"),
        (
            "v1",
            "spec.rules[0].http.paths[1].backend.service.name",
            'Service "api" is not defined in namespace "shop"',
        ),
        ("beta", "spec.backend.servicePort", 'Service "web" has no port 81'),
    ]


def test_networkpolicy_selection() -> None:
    policy = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: %s, namespace: shop}
spec: {podSelector: %s}
---
"""
    text = workload() + "".join(
        policy % pair
        for pair in [
            ("all", "{}"),
            ("web", "{matchLabels: {app: web}}"),
            ("not-api", "{matchExpressions: [{key: app, operator: NotIn, values: [api]}]}"),
            ("api", "{matchExpressions: [{key: app, operator: In, values: [api, db]}]}"),
        ]
    )
    assert [f.ref.name for f in lint(text, "networkpolicy-selects-nothing")] == ["api"]


def test_duplicate_node_port_points_at_the_first_service() -> None:
    first = service(
        "{app: a}", "[{port: 80, nodePort: 30080}]", name="a", extra="  type: NodePort\n"
    )
    second = service(
        "{app: b}",
        "[{port: 81, nodePort: 30081}, {port: 80, nodePort: 30080}]",
        name="b",
        extra="  type: NodePort\n",
    )
    found = lint({"a.yaml": first, "b.yaml": second}, "duplicate-node-port")
    assert [(f.source, f.path_text, f.message) for f in found] == [
        (
            "b.yaml",
            "spec.ports[1].nodePort",
            "nodePort 30080 is already used by Service shop/a (a.yaml:1)",
        )
    ]


def test_service_exposure_is_reported_per_type() -> None:
    text = service("{app: a}", name="a", extra="  type: NodePort\n") + service(
        "{app: b}", name="b", extra="  type: ClusterIP\n"
    )
    assert [f.ref.name for f in lint(text, "service-exposed")] == ["a"]


def test_monitors_follow_namespace_selectors() -> None:
    svc = """\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {selector: {app: web}, ports: [{name: metrics, port: 9090}]}
---
"""
    monitor = """\
apiVersion: monitoring.coreos.com/v1
kind: %s
metadata: {name: %s, namespace: monitoring}
spec:
  selector: {matchLabels: {app: web}}
  namespaceSelector: %s
---
"""
    text = (
        workload(labels="{app: web}")
        + svc
        + "".join(
            monitor % (kind, name, ns)
            for kind in ("ServiceMonitor", "PodMonitor")
            for name, ns in (
                ("any", "{any: true}"),
                ("listed", "{matchNames: [shop]}"),
                ("own", "{}"),
            )
        )
    )
    found = lint(text, "servicemonitor-selects-nothing", "podmonitor-selects-nothing")
    assert [(f.name, f.ref.name) for f in found] == [
        ("servicemonitor-selects-nothing", "own"),
        ("podmonitor-selects-nothing", "own"),
    ]
    assert (
        found[0].message
        == 'selector app=web matches the labels of no Service in namespace "monitoring"'
    )


def test_monitor_ports_are_names_of_what_is_selected() -> None:
    svc = """\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {selector: {app: web}, ports: [{name: metrics, port: 9090}]}
---
"""
    monitor = """\
apiVersion: monitoring.coreos.com/v1
kind: %s
metadata: {name: m, namespace: shop}
spec:
  selector: {matchLabels: {app: %s}}
  %s: [{port: metrics}, {port: http}, {portNumber: 9090}]
---
"""
    text = (
        workload(ports="[{name: http, containerPort: 8080}]")
        + svc
        + monitor % ("ServiceMonitor", "web", "endpoints")
        + monitor % ("PodMonitor", "web", "podMetricsEndpoints")
        + monitor % ("ServiceMonitor", "nothing", "endpoints")  # KL426's finding, not this one
    )
    found = lint(text, "monitor-port-missing")
    assert [(f.ref.kind, f.path_text, f.message) for f in found] == [
        (
            "ServiceMonitor",
            "spec.endpoints[1].port",
            'no selected Service has a port named "http" (named ports: metrics)',
        ),
        (
            "PodMonitor",
            "spec.podMetricsEndpoints[0].port",
            'no selected container has a port named "metrics" (named ports: http)',
        ),
    ]


def test_network_policy_peers_in_the_policy_namespace() -> None:
    policy = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
    - podSelector: {matchLabels: {app: client}}
    - podSelector: {}
    - namespaceSelector: {}
      podSelector: {matchLabels: {app: elsewhere}}
  egress:
  - to: [{podSelector: {matchLabels: {app: db}}}]
"""
    found = lint(workload() + policy, "networkpolicy-peer-selects-nothing")
    assert [f.path_text for f in found] == [
        "spec.ingress[0].from[1].podSelector",
        "spec.egress[0].to[0].podSelector",
    ]
