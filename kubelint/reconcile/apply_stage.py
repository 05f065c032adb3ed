"""Load, validate and apply the manifests as `kubectl apply` would, then give Services their
ClusterIPs and NodePorts (the apiserver's allocators, kubelint.cluster.ipam).

A document the apiserver would refuse is not stored: schema errors (unknown kind or removed
API, unknown fields under strict validation, wrong types, missing required fields), immutable
field changes (kubelint.store), a missing namespace, and refused ClusterIPs / NodePorts.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from kubelint.cluster.ipam import NodePortAllocator, Refusal, ServiceIPAllocator
from kubelint.cluster.model import Cluster
from kubelint.k8s.scope import canonical_group, is_namespaced
from kubelint.load import LoadedFile
from kubelint.model import Document, Finding, ObjectRef
from kubelint.pipeline import CheckOptions, FileExtension, run_check
from kubelint.reconcile.objects import Stored
from kubelint.schema import crd
from kubelint.schema.registry import SchemaRegistry
from kubelint.store import Action, ApplyResult, ObjectKey, Store, apply, default_object
from kubelint.validate import Checker

REFUSING_CODES = frozenset(
    {
        "schema-violation",
        "unknown-field",
        "missing-required-field",
        "invalid-type",
        "invalid-value",
        "unknown-kind",
        "missing-schema",
        "removed-api",
    }
)
"""Check findings that make the apiserver refuse the object."""
VERBS = {"created": "created", "configured": "updated", "unchanged": "unchanged"}
NODE_PORT_TYPES = ("NodePort", "LoadBalancer")


class ApplyRecord(NamedTuple):
    """One document's outcome: `result` is created, updated, unchanged or rejected."""

    object: str
    source: str
    result: str
    message: str | None
    ref: ObjectRef | None


class Applied(NamedTuple):
    objects: list[Stored]  # in creation order (first successful apply)
    records: list[ApplyRecord]
    findings: list[Finding]
    documents: int


class _Keep(FileExtension):
    def per_file(self, loaded: LoadedFile, findings: list[Finding]) -> Any:
        return loaded.documents


def object_text(doc: Document, namespace: str | None = None) -> str:
    """`Kind namespace/name` (`Kind name` when cluster-scoped), as expected.yaml writes it."""
    ref = doc.ref
    if ref is None:
        return "<unknown>"
    name = ref.name or "<unnamed>"
    if namespace is None:
        namespace = ref.namespace
        if (
            not namespace
            and is_namespaced(canonical_group(ref.group, ref.kind), ref.kind) is not False
        ):
            namespace = "default"
    return f"{ref.kind} {namespace}/{name}" if namespace else f"{ref.kind} {name}"


def load(paths: Sequence[str], version: str) -> tuple[list[Document], list[Finding]]:
    result = run_check(
        CheckOptions(paths=paths, kubernetes_version=version, jobs=1, extension=_Keep())
    )
    documents = [doc for docs in result.extras for doc in docs]
    documents.sort(key=lambda d: (d.source, d.index, d.base_path))
    return documents, result.findings


def check_documents(
    documents: Sequence[Document], version: str
) -> tuple[list[Document], list[Finding]]:
    """What `load` does, for documents loaded elsewhere (kubelint diff's git: sides)."""
    registry = SchemaRegistry(version)
    for doc in documents:
        if crd.is_crd(doc.body):
            registry.add_crd(doc.body)
    checker = Checker(registry)
    findings = [f for doc in documents for f in checker.check(doc)]
    return sorted(documents, key=lambda d: (d.source, d.index, d.base_path)), findings


def apply_documents(
    paths: Sequence[str], cluster: Cluster, documents: Sequence[Document] | None = None
) -> Applied:
    """Apply the manifests under `paths`, or the given `documents` instead when not None."""
    version = cluster.kubernetes_version
    if documents is None:
        documents, findings = load(paths, version)
    else:
        documents, findings = check_documents(documents, version)
    refusals: dict[tuple[str, int | None], Finding] = {}
    for f in findings:
        if f.name in REFUSING_CODES:
            refusals.setdefault((f.source, f.document), f)
    accepted = [d for d in documents if (d.source, d.index) not in refusals]
    result = apply(Store(kubernetes_version=version), accepted)
    run = _Outcomes(cluster, result, [*findings, *result.findings])
    actions = iter(result.actions)
    for doc in documents:
        refused = refusals.get((doc.source, doc.index))
        if refused is not None:
            run.reject(doc, object_text(doc), _refusal_text(doc, refused))
        else:
            run.record(doc, next(actions))
    return Applied(run.objects(), run.records, run.findings, len(documents))


class _Outcomes:
    """Turns the store's actions into apply records, allocating Service addresses on the way;
    what the allocators refuse is not stored."""

    def __init__(self, cluster: Cluster, result: ApplyResult, findings: list[Finding]) -> None:
        self.version = cluster.kubernetes_version
        self.result = result
        self.findings = findings
        self.services = _ServiceNetwork(cluster)
        self.records: list[ApplyRecord] = []
        self.bodies: dict[ObjectKey, Mapping[str, Any]] = {}  # insertion order = creation order
        by_doc = {(f.source, f.document): f for f in result.findings}
        self.store_refusals = {
            k: f.message for k, f in by_doc.items() if f.name == "immutable-field"
        }
        self.missing_ns = {k for k, f in by_doc.items() if f.name == "apply-namespace-not-found"}

    def reject(self, doc: Document, text: str, message: str | None) -> None:
        self.records.append(ApplyRecord(text, doc.source, "rejected", message, doc.ref))

    def record(self, doc: Document, action: Action) -> None:
        where = (doc.source, doc.index)
        if action.key is None or action.verb not in VERBS:
            self.reject(doc, object_text(doc), self.store_refusals.get(where))
            return
        key = action.key
        text = object_text(doc, key.namespace)
        if where in self.missing_ns:
            self.reject(doc, text, f'namespaces "{key.namespace}" not found')
            return
        stored = self.result.store.get(key)
        body: Mapping[str, Any] = stored.body if stored is not None else {}
        if key.kind == "Service" and key.group == "":
            if stored is None or stored.document is not doc:  # a later document replaced it
                body = default_object(_with_namespace(doc.body, key.namespace), self.version)
            body, refusal = self.services.allocate(key.namespace, key.name, body)
            if refusal is not None:
                self.findings.append(refusal.finding(doc))
                self.reject(doc, text, f'Service "{key.name}" is invalid: {refusal.message}')
                return
        self.bodies[key] = body
        self.records.append(ApplyRecord(text, doc.source, VERBS[action.verb], None, doc.ref))

    def objects(self) -> list[Stored]:
        out = [self.services.kubernetes_service()]
        for key, body in self.bodies.items():
            stored = self.result.store.get(key)
            assert stored is not None
            out.append(Stored(stored.ref, body, stored.document))
        return out


def _with_namespace(body: Mapping[str, Any], namespace: str) -> dict[str, Any]:
    meta = dict(body.get("metadata") or {})
    if namespace:
        meta["namespace"] = namespace
    return {**body, "metadata": meta}


def _refusal_text(doc: Document, finding: Finding) -> str:
    if finding.name in ("removed-api", "unknown-kind", "missing-schema"):
        kind, version = doc.body.get("kind"), doc.body.get("apiVersion")
        return f'no matches for kind "{kind}" in version "{version}"'
    return finding.message


class _ServiceNetwork:
    """ClusterIPs and NodePorts held by Services, across updates of the same Service."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.ips = ServiceIPAllocator(cluster)
        self.ports = NodePortAllocator(cluster)
        self.held: dict[str, tuple[str | None, dict[tuple[Any, str], int]]] = {}

    def kubernetes_service(self) -> Stored:
        endpoints = self.cluster.api_server_endpoints
        target = endpoints[0].port if endpoints else 6443
        ip = self.ips.kubernetes_ip
        body = {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"component": "apiserver", "provider": "kubernetes"},
            },
            "spec": {
                "type": "ClusterIP",
                "clusterIP": ip,
                "clusterIPs": [ip],
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": target}],
                "sessionAffinity": "None",
            },
        }
        return Stored(ObjectRef("", "v1", "Service", "default", "kubernetes"), body, None)

    def allocate(
        self, namespace: str, name: str, body: Mapping[str, Any]
    ) -> tuple[dict[str, Any], Refusal | None]:
        owner = f"{namespace}/{name}"
        out = copy.deepcopy(dict(body))
        spec = out["spec"] = out.get("spec") or {}  # `spec: null` decodes as an empty spec
        previous_ip, previous_ports = self.held.get(owner, (None, {}))
        if spec.get("type") == "ExternalName":
            self.held[owner] = (None, {})
            return out, None
        requested = spec.get("clusterIP") or previous_ip
        ip, refusal = self.ips.allocate(owner, requested)
        if refusal is not None:
            return out, refusal
        if ip and ip != "None":
            spec["clusterIP"] = ip
            spec["clusterIPs"] = [ip]
        ports: dict[tuple[Any, str], int] = {}
        if spec.get("type") in NODE_PORT_TYPES:
            for i, port in enumerate(spec.get("ports") or []):
                if not isinstance(port, Mapping):
                    continue
                key = (port.get("port"), port.get("protocol", "TCP"))
                wanted = port.get("nodePort") or previous_ports.get(key)
                got, refusal = self.ports.allocate(owner, wanted, ("spec", "ports", i, "nodePort"))
                if refusal is not None:
                    for held in ports.values():
                        if held not in previous_ports.values():
                            self.ports.release(held)
                    return out, refusal
                port["nodePort"] = ports[key] = got
        for key, port in previous_ports.items():
            if ports.get(key) != port:
                self.ports.release(port)
        self.held[owner] = (ip, ports)
        return out, None
