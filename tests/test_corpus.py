# ruff: noqa: E501  (tables of corpus paths)
"""`kubelint check` on the corpus of real-world manifests (see the corpus README.md).

Expectations are written down from the corpus README and from reading the files, never taken
from kubelint's own output:

* valid folders: everything loads; built-in kinds have no error except the documents the README
  lists as API versions Kubernetes no longer serves and the component-config documents;
* custom resources whose CRD is in the corpus pass it;
* broken/: each file gives the findings (line, rule) its defect calls for;
* templated/: reported cleanly, never a crash; Helm templates get a "render it first" hint.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
import yaml

from kubelint.model import Finding, Severity
from kubelint.pipeline import CheckOptions, CheckResult, run_check

TARGET = "1.32"  # the version the corpus README's validation used

# README "Counts" and "Custom resources".
README_VALID_FILES = 826
README_VALID_DOCUMENTS = 1846
README_CUSTOM_RESOURCES = 189
README_CUSTOM_RESOURCES_WITH_CRD = 183

# Loader findings: any of these in a valid folder means kubelint failed to read a valid file.
LOADER_RULES = {
    "yaml-syntax",
    "duplicate-key",
    "encoding",
    "not-an-object",
    "missing-api-version",
    "missing-kind",
    "too-large",
    "too-deep",
    "alias-limit",
    "ambiguous-scalar",
    "unreadable",
    "custom-tag",
    "no-objects",
    "invalid-number",
    "too-many-objects",
}

# API groups built into kube-apiserver (all versions ever served), and the groups of component
# configuration files that are Kubernetes formats but not served API objects.
BUILTIN_GROUPS = {
    "",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "extensions",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
}
CONFIG_GROUPS = {"audit.k8s.io", "apiserver.k8s.io", "kind.x-k8s.io"}

# README "API versions that current Kubernetes no longer serves: 18 documents in 17 files":
# each is a removed-api error at the document's apiVersion value. (file, line, rule, path)
NOT_SERVED = [
    ("flannel-io__flannel/Documentation/minikube.yml", 38, "removed-api", "apiVersion"),
    ("kubernetes-sigs__metrics-server/deploy/1.7/auth-delegator.yaml", 2, "removed-api", "apiVersion"),
    ("kubernetes-sigs__metrics-server/deploy/1.7/auth-reader.yaml", 2, "removed-api", "apiVersion"),
    ("kubernetes-sigs__metrics-server/deploy/1.7/metrics-apiservice.yaml", 2, "removed-api", "apiVersion"),
    ("kubernetes-sigs__metrics-server/deploy/1.7/metrics-server-deployment.yaml", 8, "removed-api", "apiVersion"),
    ("kubernetes-sigs__metrics-server/deploy/1.8+/metrics-apiservice.yaml", 2, "removed-api", "apiVersion"),
    ("kubernetes__dashboard/aio/test-resources/plugin-crd.yml", 1, "removed-api", "apiVersion"),
    ("kubernetes__examples/_archived/cloud-controller-manager/persistent-volume-label-initializer-config.yaml", 2, "removed-api", "apiVersion"),
    ("kubernetes__examples/_archived/cockroachdb/cockroachdb-statefulset.yaml", 57, "removed-api", "apiVersion"),
    ("kubernetes__examples/_archived/newrelic-infrastructure/newrelic-infra-daemonset.yaml", 1, "removed-api", "apiVersion"),
    ("kubernetes__examples/_archived/podsecuritypolicy/rbac/policies.yaml", 1, "removed-api", "apiVersion"),
    ("kubernetes__examples/_archived/podsecuritypolicy/rbac/policies.yaml", 26, "removed-api", "apiVersion"),
    ("kubernetes__examples/_archived/volumes/flexvolume/deploy/ds.yaml", 1, "removed-api", "apiVersion"),
    ("kubernetes__website/content/en/examples/policy/baseline-psp.yaml", 1, "removed-api", "apiVersion"),
    ("kubernetes__website/content/en/examples/policy/example-psp.yaml", 1, "removed-api", "apiVersion"),
    ("kubernetes__website/content/en/examples/policy/privileged-psp.yaml", 1, "removed-api", "apiVersion"),
    ("kubernetes__website/content/en/examples/policy/restricted-psp.yaml", 1, "removed-api", "apiVersion"),
    ("kubernetes__website/content/en/examples/priority-and-fairness/health-for-strangers.yaml", 1, "removed-api", "apiVersion"),
]  # fmt: skip

# Not in the README's list, but also not served by 1.32: storage.k8s.io/v1beta1 StorageClass
# stopped being served in Kubernetes 1.22 (Deprecated API Migration Guide, v1.22: "The
# storage.k8s.io/v1beta1 API version of CSIDriver, CSINode, StorageClass, and
# VolumeAttachment will no longer be served"); the 1.32 OpenAPI has no such kind, so a strict
# kubeconform run cannot have validated these six documents either. The README's list of
# not-served documents misses them.
_AZURE = "kubernetes__examples/_archived/volumes/azure_disk/claim"
NOT_SERVED_MISSING_FROM_README = [
    (f"{_AZURE}/blob-based-disk/account-specified-hdd/storageclass-account-hdd.yaml", 2, "removed-api", "apiVersion"),
    (f"{_AZURE}/blob-based-disk/dedicated-hdd/storageclass-dedicated-hdd.yaml", 2, "removed-api", "apiVersion"),
    (f"{_AZURE}/blob-based-disk/shared-hdd/storageclass-shared-hdd.yaml", 2, "removed-api", "apiVersion"),
    (f"{_AZURE}/blob-based-disk/shared-ssd/storageclass-shared-ssd.yaml", 2, "removed-api", "apiVersion"),
    (f"{_AZURE}/managed-disk/managed-hdd/storageclass-managed-hdd.yaml", 2, "removed-api", "apiVersion"),
    (f"{_AZURE}/managed-disk/managed-ssd/storageclass-managed-ssd.yaml", 2, "removed-api", "apiVersion"),
]  # fmt: skip

# README "Component or tool configuration rather than API objects: 5 documents". The legacy
# scheduler Policy claims the core group (v1), which has no kind Policy: unknown-kind at the
# kind (an error). The other three use configuration groups (audit, apiserver, kind) that
# kubelint knows are read by a component, not stored: a not-an-api-object info each.
COMPONENT_CONFIG = [
    ("kubernetes__examples/_archived/scheduler-policy/scheduler-policy-config-with-extender.json", 2, "unknown-kind", "kind"),
    ("kubernetes__examples/_archived/scheduler-policy/scheduler-policy-config.json", 2, "unknown-kind", "kind"),
]  # fmt: skip
CONFIG_FILES = [
    ("kubernetes__website/content/en/examples/audit/audit-policy.yaml", 1, "not-an-api-object", "apiVersion"),
    ("kubernetes__website/content/en/examples/admin/konnectivity/egress-selector-configuration.yaml", 1, "not-an-api-object", "apiVersion"),
    ("kubernetes__website/content/en/examples/pods/security/seccomp/kind.yaml", 1, "not-an-api-object", "apiVersion"),
]  # fmt: skip

# Custom resources whose CRD is nowhere in the corpus (cert-manager's pre-1.0 group and
# Gatekeeper): missing-schema at the apiVersion value.
CUSTOM_RESOURCES_WITHOUT_CRD = [
    ("istio__istio/samples/bookinfo/platform/kube/bookinfo-certificate.yaml", 2, "missing-schema", "apiVersion"),
    ("istio__istio/samples/bookinfo/platform/kube/bookinfo-certificate.yaml", 19, "missing-schema", "apiVersion"),
    ("kubernetes__ingress-nginx/docs/examples/openpolicyagent/rule.yaml", 1, "missing-schema", "apiVersion"),
    ("kubernetes__ingress-nginx/docs/examples/openpolicyagent/template.yaml", 1, "missing-schema", "apiVersion"),
]  # fmt: skip


# -- helpers ---------------------------------------------------------------------------------
def valid_folders(corpus: Path) -> list[Path]:
    return sorted(
        p for p in corpus.iterdir() if p.is_dir() and p.name not in ("broken", "templated")
    )


def rel(corpus: Path, finding: Finding) -> str:
    return os.path.relpath(finding.source, corpus)


def group_of(finding: Finding) -> str | None:
    return None if finding.ref is None else finding.ref.group


def describe(corpus: Path, findings) -> str:
    return "\n".join(
        f"  {rel(corpus, f)}:{f.line}:{f.column} {f.severity} {f.name} {f.path_text}: {f.message}"
        for f in findings
    )


class _Loader(yaml.CSafeLoader):
    pass


_Loader.add_constructor(
    "tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node)
)


def _documents(text: str) -> list:
    """The corpus README's own recipe for listing documents."""
    try:
        return list(yaml.load_all(text, Loader=_Loader))
    except yaml.YAMLError:
        from ruamel.yaml import YAML

        return list(YAML(typ="rt").load_all(text))


# -- fixtures --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def valid_result(corpus: Path) -> CheckResult:
    """The whole valid corpus through run_check, once."""
    paths = [str(p) for p in valid_folders(corpus)]
    return run_check(CheckOptions(paths=paths, kubernetes_version=TARGET))


@pytest.fixture(scope="module")
def valid_documents(corpus: Path) -> list[tuple[str, dict]]:
    """(relative path, document) of every non-empty document of the valid folders, read with
    the README's loader recipe (independent of kubelint)."""
    out = []
    for folder in valid_folders(corpus):
        for dirpath, dirnames, names in os.walk(folder):
            dirnames.sort()
            for name in sorted(names):
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as fh:
                    for doc in _documents(fh.read()):
                        if doc is not None:
                            out.append((os.path.relpath(path, corpus), doc))
    return out


@pytest.fixture(scope="module")
def corpus_crd_kinds(valid_documents) -> set[tuple[str, str]]:
    """(apiVersion, kind) of every custom kind an apiextensions.k8s.io/v1 CRD of the corpus
    defines (the README's 183 count validates against v1 CRD schemas)."""
    kinds = set()
    for _, doc in valid_documents:
        if doc.get("apiVersion") == "apiextensions.k8s.io/v1" and doc.get("kind") == (
            "CustomResourceDefinition"
        ):
            spec = doc["spec"]
            for version in spec["versions"]:
                kinds.add((f"{spec['group']}/{version['name']}", spec["names"]["kind"]))
    return kinds


# -- valid folders ---------------------------------------------------------------------------
def test_readme_lists_are_as_long_as_the_readme_says():
    assert len(NOT_SERVED) == 18
    assert len({f for f, *_ in NOT_SERVED}) == 17
    assert len(COMPONENT_CONFIG) + len(CONFIG_FILES) == 5


def test_valid_corpus_counts(valid_result, valid_documents):
    assert len(valid_documents) == README_VALID_DOCUMENTS  # the README recipe agrees
    assert valid_result.files == README_VALID_FILES
    assert valid_result.objects == README_VALID_DOCUMENTS
    # Only the documents listed below go without schema: 18 + 6 not served, 5 component
    # configs, 4 custom resources without CRD. Everything else was validated.
    unvalidated = (
        len(NOT_SERVED)
        + len(NOT_SERVED_MISSING_FROM_README)
        + len(COMPONENT_CONFIG)
        + len(CONFIG_FILES)
        + len(CUSTOM_RESOURCES_WITHOUT_CRD)
    )
    assert valid_result.unvalidated == unvalidated
    assert valid_result.validated == README_VALID_DOCUMENTS - unvalidated


def test_valid_corpus_has_no_loader_findings(corpus, valid_result):
    loader = [f for f in valid_result.findings if f.name in LOADER_RULES]
    assert not loader, "valid files that did not load cleanly:\n" + describe(corpus, loader)


KNOWN_UNPARSEABLE = [
    "istio__istio/pkg/config/validation/testdata/crds/serviceentry-valid.yaml",
    "kubernetes__examples/_archived/scheduler-policy/scheduler-policy-config-with-extender.json",
    "prometheus-operator__prometheus-operator/example/prometheus-operator-crd/monitoring.coreos.com_alertmanagerconfigs.yaml",
]


def test_known_unparseable_files_load(corpus):
    """The README's three files some Python loaders reject are read with all their objects."""
    result = run_check(
        CheckOptions(paths=[str(corpus / n) for n in KNOWN_UNPARSEABLE], kubernetes_version=TARGET)
    )
    assert [f for f in result.findings if f.name in LOADER_RULES] == []
    assert result.files == 3
    expected = 0
    for name in KNOWN_UNPARSEABLE:
        with open(corpus / name, encoding="utf-8") as fh:
            expected += sum(1 for d in _documents(fh.read()) if d is not None)
    assert result.objects == expected


def test_builtin_kinds_have_no_errors_except_the_readme_lists(corpus, valid_result):
    """Errors on built-in and component-config documents are exactly the expected ones."""
    actual = Counter(
        (rel(corpus, f), f.line, f.name, f.path_text)
        for f in valid_result.findings
        if f.severity == Severity.ERROR
        and (group_of(f) is None or group_of(f) in BUILTIN_GROUPS | CONFIG_GROUPS)
    )
    expected = Counter(NOT_SERVED + NOT_SERVED_MISSING_FROM_README + COMPONENT_CONFIG)
    missing = expected - actual
    unexpected = actual - expected
    assert not missing and not unexpected, (
        f"expected but not reported: {sorted(missing)}\nreported but not expected: "
        f"{sorted(unexpected)}"
    )


def test_component_configuration_files_are_info_not_errors(corpus, valid_result):
    actual = sorted(
        (rel(corpus, f), f.line, f.name, f.path_text)
        for f in valid_result.findings
        if f.name == "not-an-api-object"
    )
    assert actual == sorted(CONFIG_FILES)
    assert all(
        f.severity == Severity.INFO for f in valid_result.findings if f.name == "not-an-api-object"
    )


def test_not_served_documents_name_the_removal(corpus, valid_result):
    """The removed-api findings say which release removed the version and what replaces it."""
    by_file = {
        rel(corpus, f): f for f in valid_result.findings if f.name == "removed-api" and f.line
    }
    psp = by_file["kubernetes__website/content/en/examples/policy/baseline-psp.yaml"]
    assert psp.code == "KL033"
    assert psp.message.startswith("policy/v1beta1 PodSecurityPolicy was removed in Kubernetes 1.25")
    flow = by_file[
        "kubernetes__website/content/en/examples/priority-and-fairness/health-for-strangers.yaml"
    ]
    assert "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema was removed in Kubernetes 1.26" in (
        flow.message
    )
    assert flow.hint is not None and "flowcontrol.apiserver.k8s.io/v1" in flow.hint
    dep = by_file["kubernetes-sigs__metrics-server/deploy/1.7/metrics-server-deployment.yaml"]
    assert dep.hint is not None and dep.hint.startswith("use apps/v1")
    assert (dep.line, dep.column) == (8, 1)  # the `apiVersion:` key


def test_custom_resource_census_matches_readme(valid_documents, corpus_crd_kinds):
    custom = [
        (path, doc)
        for path, doc in valid_documents
        if doc["apiVersion"].rpartition("/")[0] not in BUILTIN_GROUPS | CONFIG_GROUPS
    ]
    assert len(custom) == README_CUSTOM_RESOURCES
    with_crd = [d for _, d in custom if (d["apiVersion"], d["kind"]) in corpus_crd_kinds]
    assert len(with_crd) == README_CUSTOM_RESOURCES_WITH_CRD


# This Prometheus has no metadata.name, like the broken/ PodMonitor whose missing name the
# README counts as a defect; its schema is fine, which is all the README's "valid" promises.
# A missing-name finding on it (and only that) is therefore tolerated here.
NAMELESS_VALID = "prometheus-operator__prometheus-operator/example/user-guides/scrapeclass/scrapeclass-example-definition.yaml"


def test_custom_resources_with_crd_validate(corpus, valid_result, corpus_crd_kinds):
    errors = [
        f
        for f in valid_result.findings
        if f.severity == Severity.ERROR
        and f.ref is not None
        and (f.ref.api_version, f.ref.kind) in corpus_crd_kinds
        and not (
            rel(corpus, f) == NAMELESS_VALID
            and f.name == "missing-required-field"
            and f.path[:1] == ("metadata",)
        )
    ]
    assert not errors, "custom resources failing their corpus CRD:\n" + describe(corpus, errors)


def test_custom_resources_without_crd_are_missing_schema(corpus, valid_result):
    actual = sorted(
        (rel(corpus, f), f.line, f.name, f.path_text)
        for f in valid_result.findings
        if f.severity == Severity.ERROR
        and f.ref is not None
        and f.ref.group not in BUILTIN_GROUPS | CONFIG_GROUPS
        and f.name != "missing-required-field"  # the nameless Prometheus: see the test above
    )
    assert actual == sorted(CUSTOM_RESOURCES_WITHOUT_CRD)


def test_corpus_crd_catches_an_injected_defect(corpus, tmp_path):
    """The CR check is not vacuous: a typo in a corpus custom resource is caught by its CRD."""
    source = corpus / "istio__istio/samples/bookinfo/networking/virtual-service-all-v1.yaml"
    text = source.read_text(encoding="utf-8")
    assert "  hosts:\n" in text
    bad = tmp_path / "vs.yaml"
    bad.write_text(text.replace("  hosts:\n", "  hostz:\n", 1), encoding="utf-8")
    line = text.splitlines().index("  hosts:") + 1
    crd = corpus / "istio__istio/manifests/charts/base/files/crd-all.gen.yaml"
    result = run_check(
        CheckOptions(paths=[str(bad)], kubernetes_version=TARGET, crd_paths=[str(crd)])
    )
    errors = [
        (f.line, f.name, f.path_text) for f in result.findings if f.severity == Severity.ERROR
    ]
    assert (line, "unknown-field", "spec.hostz") in errors


# -- broken/ ---------------------------------------------------------------------------------
ISTIO = "istio__istio/pkg/config/validation/testdata/crds"
UF, MRF, IV, IT = "unknown-field", "missing-required-field", "invalid-value", "invalid-type"

# For each broken file, the (line, rule) findings its defects call for, read from the file.
# Istio documents all carry a top-level `_err` key (an unknown field in strict mode) and, where
# the CRD's structural schema can tell (enum, range, length, pattern, required, type), the
# real defect; CEL-only defects (x-kubernetes-validations) are not expected.
BROKEN: dict[str, list[tuple[int, str]]] = {
    # truncated JSON "[\n": the parser hits the end of input at line 2, column 1
    "argoproj__argo-cd/reposerver/repository/testdata/invalid-json/invalid.json": [(2, "yaml-syntax")],
    "argoproj__argo-cd/reposerver/repository/testdata/invalid-manifests/bad.yaml": [(4, "yaml-syntax")],
    "argoproj__argo-cd/reposerver/repository/testdata/invalid-metadata/bad.yaml": [
        (6, IT), (7, UF), (15, IT), (16, UF),
    ],
    f"{ISTIO}/authz-invalid.yaml": [(1, UF), (13, UF)],
    f"{ISTIO}/destinationrule-invalid.yaml": [
        (1, UF), (12, IV),  # minimumPercent 150 > maximum 100
        (14, UF), (23, MRF),  # warmup without required duration
        (26, UF), (37, IV),  # aggression -0.1 < minimum 0
    ],
    f"{ISTIO}/envoyfilter-invalid.yaml": [(1, UF), (17, UF), (34, UF)],
    f"{ISTIO}/peerauth-invalid.yaml": [
        (1, UF), (8, IV),  # mode BLAH not in enum
        (10, UF), (23, UF),
        (33, UF), (42, IV),  # portLevelMtls {} below minProperties 1
        (44, UF), (57, UF),
    ],
    f"{ISTIO}/proxyconfig-invalid.yaml": [(1, UF), (7, IV), (9, UF)],
    f"{ISTIO}/reqauth-invalid.yaml": [
        (4, UF), (21, UF),
        (35, UF), (41, MRF),  # targetRef without name
        (45, UF),
        (57, UF), (64, IV),  # group "__" fails the pattern
        (69, UF), (77, IV),  # kind Serv_ice fails the pattern
        (81, UF), (88, IT),  # jwtRules item is null
        (90, UF), (99, IV),  # audiences [""]
        (101, UF),
        (111, UF), (120, MRF),  # fromHeaders item without name
        (122, UF), (131, IV),
        (134, UF), (143, IV),
        (145, UF), (154, IV),
        (156, UF), (165, IT),  # outputClaimToHeaders item is null
        (167, UF), (176, IV),
        (179, UF), (189, IV),
        (191, UF), (201, IV),
        (203, UF),
        (213, UF), (222, IV),
        (224, UF), (232, IV),  # presence MANDATORY not in enum
    ],
    f"{ISTIO}/serviceentry-invalid.yaml": [
        (1, UF), (1, MRF),  # no spec
        (7, UF), (12, MRF),  # spec without hosts
        (26, UF), (37, UF), (48, UF), (73, UF), (83, UF), (96, UF), (109, UF), (120, UF),
        (132, UF), (143, UF),
    ],
    f"{ISTIO}/telemetry-invalid.yaml": [(1, UF), (9, IV), (11, UF), (20, IV), (22, UF), (34, UF)],
    f"{ISTIO}/wasm-invalid.yaml": [
        (1, UF), (6, MRF), (9, MRF),  # spec without url; port without number
        (11, UF), (17, IV),
        (19, UF), (27, UF),
        (35, UF), (42, IV),
        (44, UF), (51, IV),
        (53, UF), (60, IV),
        (62, UF),
        (74, UF), (83, IV),
        (85, UF), (98, UF),
        (111, UF), (116, IT),  # spec: null
        (118, UF), (124, IT),  # url: null
        (126, UF), (137, UF),
    ],
    f"{ISTIO}/workloadentry-invalid.yaml": [
        (1, UF), (1, MRF), (7, UF), (14, UF), (22, UF), (30, UF), (40, UF), (50, UF),
    ],
    f"{ISTIO}/workloadgroup-invalid.yaml": [(1, UF), (1, MRF), (7, UF), (20, UF), (29, IV)],
    "kubernetes__dashboard/aio/test-resources/nginx-daemon-daemon-set.yaml": [(21, MRF)],
    "kubernetes__examples/_archived/openshift-origin/etcd-controller.yaml": [(12, "duplicate-key")],
    "kubernetes__examples/_archived/openshift-origin/etcd-discovery-controller.yaml": [(12, "duplicate-key")],
    "kubernetes__examples/_archived/openshift-origin/openshift-controller.yaml": [(12, "duplicate-key")],
    "kubernetes__examples/_archived/persistent-volume-provisioning/quobyte/quobyte-admin-secret.yaml": [(9, "duplicate-key")],
    "kubernetes__examples/_archived/volumes/scaleio/sc-pvc.yaml": [(12, "duplicate-key")],
    "kubernetes__examples/_archived/volumes/fibre_channel/fc.yaml": [(17, IT)],
    "kubernetes__examples/_archived/volumes/rbd/rbd.yaml": [(25, UF), (26, UF)],
    "kubernetes__examples/_archived/volumes/scaleio/pod.yaml": [(17, UF)],
    "kubernetes__examples/_archived/volumes/storageos/storageos-pod.yaml": [(35, UF)],
    "kubernetes__examples/_archived/volumes/storageos/storageos-pv.yaml": [(22, UF)],
    "kubernetes__ingress-nginx/docs/examples/auth/oauth-external-auth/vouch-proxy.yaml": [(21, IT)],
    "kubernetes__website/content/en/examples/application/ssa/nginx-deployment-replicas-only.yaml": [(5, MRF)],
    "kubernetes__website/content/en/examples/service/networking/dual-stack-ipv6-svc.yaml": [(6, UF)],
    # spec.selector is required by the CRD; the PodMonitor also has no metadata (an object
    # needs metadata.name or generateName): reported at the object, line 1.
    "prometheus-operator__prometheus-operator/example/user-guides/scrapeclass/scrapeclass-example-podmonitor.yaml": [(3, MRF), (1, MRF)],
    "prometheus-operator__prometheus-operator/example/user-guides/scrapeclass/scrapeclass-example-servicemonitor.yaml": [(5, MRF)],
    # ServersTransportTCP: tls fields directly under spec
    "traefik__traefik/docs/content/reference/dynamic-configuration/kubernetes-crd-resource.yml": [
        (234, UF), (235, UF), (236, UF), (239, UF), (242, UF),
    ],
    # ${VAR} placeholders where integer ports are required (targetPort is int-or-string)
    "zegl__kube-score/parser/testdata/invalid-yaml.yaml": [(9, IT), (11, IT)],
}  # fmt: skip

BROKEN_CRDS = [
    "istio__istio/manifests/charts/base/files/crd-all.gen.yaml",
    "prometheus-operator__prometheus-operator/example/prometheus-operator-crd",
    "traefik__traefik/docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml",
]


@pytest.fixture(scope="module")
def broken_result(corpus: Path) -> CheckResult:
    return run_check(
        CheckOptions(
            paths=[str(corpus / "broken")],
            kubernetes_version=TARGET,
            crd_paths=[str(corpus / p) for p in BROKEN_CRDS],
        )
    )


def test_broken_table_covers_every_broken_file(corpus):
    on_disk = {
        os.path.relpath(os.path.join(d, n), corpus / "broken")
        for d, _, names in os.walk(corpus / "broken")
        for n in names
    }
    assert on_disk == set(BROKEN)
    assert len(on_disk) == 32  # README "Counts"


@pytest.mark.parametrize("name", sorted(BROKEN), ids=sorted(BROKEN))
def test_broken_file_findings(corpus, broken_result, name):
    source = corpus / "broken" / name
    mine = [f for f in broken_result.findings if Path(f.source) == source]
    assert mine, f"{name}: no finding at all"
    actual = Counter((f.line, f.name) for f in mine)
    missing = Counter(BROKEN[name]) - actual
    assert not missing, (
        f"{name}: expected (line, rule) not reported: {sorted(missing)}\n"
        f"reported:\n{describe(corpus, mine)}"
    )
    wanted = set(BROKEN[name])
    assert all(f.severity == Severity.ERROR for f in mine if (f.line, f.name) in wanted)


def test_broken_files_have_every_defect_reported_as_error(broken_result):
    assert broken_result.files == 32
    # README: 111 documents, two of them in files no YAML parser reads (invalid.json and the
    # Helm bad.yaml, counted by their separators): 109 objects are read.
    assert broken_result.objects == 111 - 2
    assert broken_result.count(Severity.ERROR) >= sum(len(v) for v in BROKEN.values())


def test_helm_file_in_broken_gets_a_template_hint(corpus, broken_result):
    name = "argoproj__argo-cd/reposerver/repository/testdata/invalid-manifests/bad.yaml"
    [syntax] = [
        f
        for f in broken_result.findings
        if Path(f.source) == corpus / "broken" / name and f.name == "yaml-syntax"
    ]
    assert syntax.hint is not None and "template" in syntax.hint


def test_istio_invalid_without_crds_is_missing_schema(corpus):
    path = corpus / "broken" / ISTIO / "peerauth-invalid.yaml"
    result = run_check(CheckOptions(paths=[str(path)], kubernetes_version=TARGET))
    assert sorted((f.line, f.name, f.path_text) for f in result.findings) == [
        (line, "missing-schema", "apiVersion") for line in (2, 11, 24, 34, 45, 58)
    ]


# -- templated/ ------------------------------------------------------------------------------
def _templated_files(corpus: Path) -> list[str]:
    root = corpus / "templated"
    return sorted(
        os.path.relpath(os.path.join(d, n), root) for d, _, names in os.walk(root) for n in names
    )


def _is_helm_template(corpus: Path, name: str) -> bool:
    text = (corpus / "templated" / name).read_text(encoding="utf-8")
    return "/templates/" in f"/{name}" and "{{" in text


def test_templated_files_are_reported_cleanly(corpus):
    """Each templated file, checked on its own: findings or objects, never an exception."""
    problems = []
    for name in _templated_files(corpus):
        path = corpus / "templated" / name
        try:
            result = run_check(CheckOptions(paths=[str(path)], kubernetes_version=TARGET))
        except Exception as exc:  # the point of the test: report every file that raises
            problems.append(f"{name}: raised {type(exc).__name__}: {exc}")
            continue
        if result.files != 1 or not (result.findings or result.objects > 0):
            problems.append(f"{name}: files={result.files} objects={result.objects}, no finding")
        for f in result.findings:
            if f.source != str(path) or f.line < 1 or f.column < 1 or not f.message:
                problems.append(f"{name}: malformed finding {f}")
    assert not problems, "\n".join(problems)


def test_templated_counts(corpus):
    names = _templated_files(corpus)
    assert len(names) == 82  # README "Counts"
    assert sum(_is_helm_template(corpus, n) for n in names) >= 50


@pytest.fixture(scope="module")
def templated_result(corpus: Path) -> CheckResult:
    return run_check(CheckOptions(paths=[str(corpus / "templated")], kubernetes_version=TARGET))


def test_helm_templates_give_yaml_syntax_with_template_hint(corpus, templated_result):
    helm = [n for n in _templated_files(corpus) if _is_helm_template(corpus, n)]
    without = []
    for name in helm:
        source = corpus / "templated" / name
        hinted = [
            f
            for f in templated_result.findings
            if Path(f.source) == source
            and f.name == "yaml-syntax"
            and f.hint
            and "render it first" in f.hint
        ]
        if not hinted:
            without.append(name)
    assert not without, f"Helm templates without a hinted yaml-syntax finding: {without}"


def test_every_yaml_syntax_finding_in_a_helm_template_has_the_hint(corpus, templated_result):
    """A syntax error in a Helm template is the template's doing: each one should say so."""
    helm = {
        corpus / "templated" / n for n in _templated_files(corpus) if _is_helm_template(corpus, n)
    }
    bare = [
        f
        for f in templated_result.findings
        if Path(f.source) in helm and f.name == "yaml-syntax" and not f.hint
    ]
    assert not bare, "yaml-syntax findings without the template hint:\n" + describe(corpus, bare)
