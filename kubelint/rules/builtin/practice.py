"""Best-practice rules (KL320–KL339): image references, namespaces, labels, deprecated
fields, scheduling hints."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Severity
from kubelint.rules.builtin._pod import (
    EXAMPLE_IMAGE,
    example_pod,
    images,
    label,
    options,
    param,
    parse_image,
)
from kubelint.rules.engine import POD_TEMPLATES, ObjectView, Violation, object_rule

DIGEST = "sha256:" + "0" * 64


@object_rule(
    "KL320",
    "latest-tag",
    Severity.WARNING,
    "best-practice",
    title="Images should be pinned to a version",
    rationale=(
        "`:latest` or no tag means whatever was pushed last: two nodes can run different "
        "code for the same pod template, a rollback redeploys the broken image, and "
        "`kubectl apply` sees no change when the image moves."
    ),
    remediation="Use an immutable version tag (nginx:1.27.2) or a digest (@sha256:…).",
    failing=example_pod({"image": "nginx:latest"}),
    passing=example_pod({"image": f"nginx@{DIGEST}"}),
    peers={
        "kube-linter": "latest-tag",
        "kube-score": "container-image-tag",
        "polaris": "tagNotSpecified",
        "checkov": "CKV_K8S_14",
    },
    kinds=POD_TEMPLATES,
)
def latest_tag(obj: ObjectView) -> Iterator[Violation]:
    for c, image in images(obj):
        ref = parse_image(image)
        if ref.digest:
            continue
        if not ref.tag:
            yield Violation((*c.path, "image"), f"{label(c)} image {image} has no tag (:latest)")
        elif ref.tag == "latest":
            yield Violation((*c.path, "image"), f"{label(c)} image {image} uses :latest")


@object_rule(
    "KL321",
    "image-digest-missing",
    Severity.INFO,
    "best-practice",
    title="Images may be pinned by digest",
    rationale=(
        "Tags are mutable: a re-pushed 1.4.2 changes what runs without any change to the "
        "manifest. A digest makes the manifest name exactly one image."
    ),
    remediation="Append the digest: registry/app:1.4.2@sha256:….",
    failing=example_pod(),
    passing=example_pod({"image": f"{EXAMPLE_IMAGE}@{DIGEST}"}),
    default=False,
    peers={"checkov": "CKV_K8S_43"},
)
def image_digest(obj: ObjectView) -> Iterator[Violation]:
    for c, image in images(obj):
        if not parse_image(image).digest:
            yield Violation((*c.path, "image"), f"{label(c)} image {image} is not pinned by digest")


options("default-namespace", include_unset=False)


@object_rule(
    "KL322",
    "default-namespace",
    Severity.INFO,
    "best-practice",
    title="Objects should not be placed in the default namespace",
    rationale=(
        "The default namespace mixes unrelated workloads under one set of RBAC rules, "
        "quotas and NetworkPolicies. Only an explicit `namespace: default` is reported: a "
        "missing namespace is usually filled in by kubectl -n, kustomize or Helm."
    ),
    remediation=(
        "Create a namespace for the application and set `metadata.namespace`. Option "
        "`include-unset: true` also reports namespaced objects without a namespace."
    ),
    failing=example_pod().replace("name: web\n", "name: web\n  namespace: default\n", 1),
    passing=example_pod().replace("name: web\n", "name: web\n  namespace: shop\n", 1),
    peers={"kube-linter": "use-namespace", "checkov": "CKV_K8S_21"},
)
def default_namespace(obj: ObjectView) -> Iterator[Violation]:
    """Option `include-unset: true` also reports namespaced objects without a namespace."""
    namespace = obj.metadata.get("namespace")
    if namespace == "default":
        yield Violation(("metadata", "namespace"), f"{obj.kind} is in the default namespace")
    elif (
        namespace in (None, "")
        and obj.namespace
        and param(obj, "default-namespace", "include-unset")
    ):
        yield Violation(("metadata",), f"{obj.kind} has no namespace", at_key=True)


RECOMMENDED_LABELS = ("app.kubernetes.io/name", "app.kubernetes.io/instance")


options("recommended-labels", required=RECOMMENDED_LABELS)


@object_rule(
    "KL323",
    "recommended-labels",
    Severity.INFO,
    "best-practice",
    title="Objects should carry the recommended app.kubernetes.io labels",
    rationale=(
        "Tools (dashboards, `kubectl get -l`, cost reports) group objects by "
        "app.kubernetes.io/name and /instance; without them an application's objects "
        "cannot be found together."
    ),
    remediation=(
        "Add the labels (name, instance; also version, component, part-of, managed-by). "
        "Option `required`: the label keys to require."
    ),
    failing=example_pod(),
    passing=example_pod().replace(
        "name: web\n",
        "name: web\n  labels:\n    app.kubernetes.io/name: web\n"
        "    app.kubernetes.io/instance: web-prod\n",
        1,
    ),
    default=False,
)
def recommended_labels(obj: ObjectView) -> Iterator[Violation]:
    """Option `required`: the label keys to require (default: name and instance)."""
    required = param(obj, "recommended-labels", "required")
    missing = [key for key in required if key not in obj.labels]
    if missing:
        where = ("metadata", "labels") if obj.metadata.get("labels") else ("metadata",)
        yield Violation(where, f"{obj.kind} lacks label(s) {', '.join(missing)}", at_key=True)


@object_rule(
    "KL324",
    "deprecated-service-account-field",
    Severity.WARNING,
    "best-practice",
    title="Use serviceAccountName, not serviceAccount",
    rationale=(
        "`serviceAccount` is a deprecated alias. When both are set and differ, "
        "serviceAccountName wins and the other value misleads readers."
    ),
    remediation="Rename `serviceAccount` to `serviceAccountName`.",
    failing=example_pod(spec={"serviceAccount": "web"}),
    passing=example_pod(spec={"serviceAccountName": "web"}),
    peers={"kube-linter": "deprecated-service-account-field"},
    kinds=POD_TEMPLATES,
)
def deprecated_service_account(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is None or template.spec.get("serviceAccount") in (None, ""):
        return
    old, new = template.spec.get("serviceAccount"), template.spec.get("serviceAccountName")
    path = (*template.spec_path, "serviceAccount")
    if new not in (None, "") and new != old:
        yield Violation(path, f"serviceAccount {old} is ignored: serviceAccountName is {new}")
    else:
        yield Violation(path, "serviceAccount is deprecated; use serviceAccountName")


@object_rule(
    "KL325",
    "host-aliases",
    Severity.INFO,
    "best-practice",
    title="Avoid hard-coding addresses with hostAliases",
    rationale=(
        "hostAliases writes fixed IPs into the pod's /etc/hosts: when the target moves the "
        "pod keeps calling the old address, and DNS-based failover is bypassed."
    ),
    remediation="Use a Service (ExternalName or headless with Endpoints) instead.",
    failing=example_pod(spec={"hostAliases": [{"ip": "10.0.0.5", "hostnames": ["db"]}]}),
    passing=example_pod(),
    default=False,
)
def host_aliases(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    aliases = template.spec.get("hostAliases") if template is not None else None
    if isinstance(aliases, list) and aliases:
        yield Violation((*template.spec_path, "hostAliases"), "pod hard-codes /etc/hosts entries")


@object_rule(
    "KL327",
    "priority-class-missing",
    Severity.INFO,
    "best-practice",
    title="Pods may set a priorityClassName",
    rationale=(
        "Without a priority class every pod has priority 0: under resource pressure the "
        "scheduler cannot pre-empt batch work in favour of the critical service."
    ),
    remediation="Set `priorityClassName` to one of the cluster's PriorityClasses.",
    failing=example_pod(),
    passing=example_pod(spec={"priorityClassName": "business-critical"}),
    default=False,
    peers={"polaris": "priorityClassNotSet"},
)
def priority_class(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is not None and not template.spec.get("priorityClassName"):
        yield Violation(template.spec_path, "pod has no priorityClassName", at_key=True)
