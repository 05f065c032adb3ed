"""DNS names of Services and pods, and the resolv.conf the kubelet writes."""

from __future__ import annotations

from kubelint.cluster import dns
from kubelint.cluster.model import load_cluster
from tests.cluster.helpers import expected, scenario


def cluster(name):
    loaded, _ = load_cluster(str(scenario(name) / "cluster.yaml"))
    return loaded


def service(name, namespace="default", **spec):
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def by_type(records, kind):
    return sorted(r.name for r in records if r.type == kind)


def test_cluster_ip_service_names_match_scenario_02():
    want = next(s for s in expected("02")["services"] if s["object"] == "Service default/ngx-dep")
    body = service(
        "ngx-dep",
        clusterIP="10.96.1.1",
        type="ClusterIP",
        ports=[{"name": "80-80", "port": 80, "protocol": "TCP", "targetPort": 80}],
    )
    records = dns.service_records(body, "cluster.local")
    assert by_type(records, "A") == [want["dns"]["a"]]
    assert by_type(records, "SRV") == want["dns"]["srv"]
    assert records[0].value == "10.96.1.1"
    assert records[1].value == "0 100 80 ngx-dep.default.svc.cluster.local"


def test_named_udp_and_tcp_ports_of_kube_dns_match_scenario_08():
    want = next(
        s for s in expected("08")["services"] if s["object"] == "Service kube-system/kube-dns"
    )
    body = service(
        "kube-dns",
        "kube-system",
        clusterIP="10.96.0.10",
        ports=[
            {"name": "dns", "port": 53, "protocol": "UDP"},
            {"name": "dns-tcp", "port": 53, "protocol": "TCP"},
            {"name": "metrics", "port": 9153, "protocol": "TCP"},
        ],
    )
    srv = by_type(dns.service_records(body, "cluster.local"), "SRV")
    assert set(want["dns"]["srv"]) <= set(srv) and len(srv) == 3


def test_unnamed_port_has_no_srv_record():
    body = service("my-service", clusterIP="100.64.3.4", ports=[{"port": 80, "targetPort": "http"}])
    assert by_type(dns.service_records(body, "cluster.local"), "SRV") == []


def test_headless_service_publishes_ready_pods_only():
    body = service(
        "web", clusterIP="None", ports=[{"name": "http", "port": 80, "targetPort": 8080}]
    )
    assert dns.service_records(body, "cluster.local") == []  # no ready endpoint: no address
    endpoints = [
        dns.Endpoint("10.244.2.3", "web-1"),
        dns.Endpoint("10.244.1.2", "web-0"),
        dns.Endpoint("10.244.3.2"),
    ]
    records = dns.service_records(body, "cluster.local", endpoints)
    assert by_type(records, "A") == sorted(
        [
            "web.default.svc.cluster.local",
            "web.default.svc.cluster.local",
            "web.default.svc.cluster.local",
            "web-0.web.default.svc.cluster.local",
            "web-1.web.default.svc.cluster.local",
            "10-244-3-2.web.default.svc.cluster.local",
        ]
    )
    srv = [r.value for r in records if r.type == "SRV"]
    assert srv[0] == "0 100 8080 10-244-3-2.web.default.svc.cluster.local"


def test_external_name_is_a_cname():
    body = service("db", type="ExternalName", externalName="db.example.com")
    assert dns.service_records(body, "corp") == [
        dns.Record("CNAME", "db.default.svc.corp", "db.example.com")
    ]


def test_pod_names():
    assert dns.pod_a_record("10.244.1.2", "default", "cluster.local").name == (
        "10-244-1-2.default.pod.cluster.local"
    )
    assert dns.pod_a_record("fd00::5", "ns", "cluster.local").type == "AAAA"
    pod = {"metadata": {"name": "web-0", "namespace": "shop"}, "spec": {"subdomain": "web"}}
    assert dns.pod_hostname_fqdn(pod, "cluster.local") == "web-0.web.shop.svc.cluster.local"
    assert dns.pod_hostname_fqdn({"metadata": {"name": "x"}, "spec": {}}, "c") is None


def test_resolv_conf_matches_scenarios():
    want = next(
        w["pods"]["dns_config"]
        for w in expected("05")["workloads"]
        if "dns_config" in w.get("pods", {})
    )
    conf = dns.resolv_conf({}, "default", cluster("05"))
    assert list(conf.nameservers) == want["nameservers"]
    assert list(conf.searches) == want["searches"] and list(conf.options) == want["options"]
    assert dns.resolv_conf({"dnsPolicy": "ClusterFirst"}, "default", cluster("03")).from_node
    assert dns.resolv_conf({"hostNetwork": True}, "kube-system", cluster("01")).from_node
    host = dns.resolv_conf(
        {"hostNetwork": True, "dnsPolicy": "ClusterFirstWithHostNet"}, "kube-system", cluster("01")
    )
    assert host.nameservers == ("10.96.0.10",) and not host.from_node


def test_dns_config_is_merged():
    spec = {
        "dnsConfig": {
            "nameservers": ["1.1.1.1"],
            "searches": ["corp.example"],
            "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}],
        }
    }
    conf = dns.resolv_conf(spec, "default", cluster("01"))
    assert conf.nameservers == ("10.96.0.10", "1.1.1.1")
    assert conf.searches[-1] == "corp.example"
    assert conf.options == ("ndots:2", "edns0")
    none = dns.resolv_conf(
        {"dnsPolicy": "None", "dnsConfig": {"nameservers": ["8.8.8.8"]}}, "default", cluster("01")
    )
    assert none == dns.ResolvConf(("8.8.8.8",), (), ())


def test_short_names_resolve_as_scenario_02_says():
    want = next(s for s in expected("02")["services"] if s["object"] == "Service default/ngx-dep")
    fqdn = "ngx-dep.default.svc.cluster.local"
    resolves = want["dns"]["resolves_from"]
    for namespace, key in (("default", "pod_in_default"), ("develop", "pod_in_develop")):
        searches = dns.resolv_conf({}, namespace, cluster("02")).searches
        assert dns.resolving_names(fqdn, searches) == resolves[key]
    assert dns.resolving_names(fqdn, ()) == resolves["node_with_cluster_dns"]
