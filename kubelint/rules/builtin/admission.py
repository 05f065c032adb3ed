"""ValidatingAdmissionPolicies found in the input (or given with --policy), applied offline to
the other objects of the set. The evaluation lives in kubelint.rules.cel.admission."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Severity
from kubelint.rules.context import Context
from kubelint.rules.engine import ObjectView, Violation, set_rule

_FAILING = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replica-limit}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  validations:
  - expression: object.spec.replicas <= 5
    message: at most 5 replicas
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replica-limit}
spec:
  policyName: replica-limit
  validationActions: [Deny]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 10
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
"""


@set_rule(
    "KL610",
    "admission-policy-violation",
    Severity.ERROR,
    "custom",
    title="An admission policy of the set rejects an object",
    rationale=(
        "A ValidatingAdmissionPolicy bound in the cluster makes the apiserver refuse (Deny), warn "
        "about (Warn) or audit (Audit) objects that fail its CEL validations. Applying the policy "
        "offline finds those objects before `kubectl apply` does."
    ),
    remediation=(
        "Change the object so the policy's validations hold, or narrow the binding's "
        "matchResources if the object should not be subject to the policy."
    ),
    failing=_FAILING,
    passing=_FAILING.replace("replicas: 10", "replicas: 3"),
    peers={},
)
def admission_policy(ctx: Context) -> Iterator[tuple[ObjectView, Violation]]:
    group = "admissionregistration.k8s.io"
    if not any(ctx.by_kind.get((group, kind)) for kind in _KINDS):
        return iter(())  # the common case: no policy, so no CEL import
    from kubelint.rules.cel.admission import admission_violations

    return admission_violations(ctx)


_KINDS = ("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding")
