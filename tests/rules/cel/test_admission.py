"""ValidatingAdmissionPolicy evaluation: matching, params, conditions, actions, failure policy."""

from __future__ import annotations

import textwrap

from kubelint.k8s.scope import is_namespaced
from kubelint.load import load_text
from kubelint.model import Severity
from kubelint.rules.cel.admission import admission_violations, compile_policy, resource_name
from kubelint.rules.context import Context
from kubelint.rules.engine import ObjectView

POLICY = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replica-limit}
spec:
  failurePolicy: %(failure)s
  paramKind: {apiVersion: rules.example.com/v1, kind: ReplicaLimit}
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  matchConditions:
  - name: not-excluded
    expression: "!has(object.metadata.labels) || !('skip' in object.metadata.labels)"
  variables:
  - {name: limit, expression: "params == null ? 5 : params.maxReplicas"}
  validations:
  - expression: object.spec.replicas <= variables.limit
    messageExpression: >-
      'replicas ' + string(object.spec.replicas) + ' > ' + string(variables.limit)
"""

BINDING = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replica-limit-%(name)s}
spec:
  policyName: replica-limit
  validationActions: %(actions)s
  paramRef: %(param_ref)s
  matchResources:
    namespaceSelector: {matchLabels: {env: %(env)s}}
"""


def deployment(name: str, namespace: str, replicas: int, labels: str = "{app: x}") -> str:
    return textwrap.dedent(f"""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {{name: {name}, namespace: {namespace}, labels: {labels}}}
        spec:
          replicas: {replicas}
          selector: {{matchLabels: {{app: x}}}}
          template:
            metadata: {{labels: {{app: x}}}}
            spec: {{containers: [{{name: c, image: nginx:1.27}}]}}
        """)


def namespace(name: str, env: str) -> str:
    return f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {name}, labels: {{env: {env}}}}}\n"


PARAMS = """\
apiVersion: rules.example.com/v1
kind: ReplicaLimit
metadata: {name: limits, namespace: prod}
maxReplicas: 3
"""


def run(*docs: str):
    text = "---\n".join(docs)
    objs = []
    for doc in load_text(text, "set.yaml").documents:
        group, _, _ = doc.body["apiVersion"].rpartition("/")
        scoped = is_namespaced(group, doc.body["kind"])
        ns = (doc.ref.namespace or "default") if scoped is not False else ""
        objs.append(ObjectView(doc, ns))
    return [
        (obj.name, v.message, v.severity, v.code) for obj, v in admission_violations(Context(objs))
    ]


def policy(failure: str = "Fail") -> str:
    return POLICY % {"failure": failure}


def binding(
    name="prod",
    actions="[Deny]",
    param_ref="{name: limits, parameterNotFoundAction: Deny}",
    env="prod",
):
    return BINDING % {"name": name, "actions": actions, "param_ref": param_ref, "env": env}


def test_params_by_name_and_namespace_selector():
    found = run(
        policy(),
        binding(),
        PARAMS,
        namespace("prod", "prod"),
        namespace("dev", "dev"),
        deployment("big", "prod", 4),
        deployment("small", "prod", 3),
        deployment("devbig", "dev", 9),
    )
    assert found == [
        (
            "big",
            "policy replica-limit (binding replica-limit-prod): replicas 4 > 3",
            Severity.ERROR,
            None,
        )
    ]


def test_validation_actions_set_severity():
    for actions, severity in (
        ("[Warn]", Severity.WARNING),
        ("[Audit]", Severity.INFO),
        ("[Warn, Deny]", Severity.ERROR),
    ):
        found = run(
            policy(),
            binding(actions=actions),
            PARAMS,
            namespace("prod", "prod"),
            deployment("big", "prod", 4),
        )
        assert [f[2] for f in found] == [severity], actions


def test_missing_params_deny_or_allow():
    denied = run(
        policy(),
        binding(param_ref="{name: nope, parameterNotFoundAction: Deny}"),
        namespace("prod", "prod"),
        deployment("web", "prod", 1),
    )
    assert len(denied) == 1 and "no params found" in denied[0][1]
    allowed = run(
        policy(),
        binding(param_ref="{name: nope, parameterNotFoundAction: Allow}"),
        namespace("prod", "prod"),
        deployment("web", "prod", 1),
    )
    assert allowed == []


def test_params_by_selector_each_evaluated():
    second = PARAMS.replace("name: limits", "name: strict").replace(
        "maxReplicas: 3", "maxReplicas: 1"
    )
    found = run(
        policy(),
        binding(param_ref="{selector: {}, parameterNotFoundAction: Deny}"),
        PARAMS,
        second,
        namespace("prod", "prod"),
        deployment("web", "prod", 2),
    )
    assert [m for _, m, _, _ in found] == [
        "policy replica-limit (binding replica-limit-prod): replicas 2 > 1"
    ]


def test_match_conditions_skip_objects():
    found = run(
        policy(),
        binding(),
        PARAMS,
        namespace("prod", "prod"),
        deployment("skipped", "prod", 9, labels="{skip: 'yes'}"),
    )
    assert found == []


def test_namespace_without_object_uses_metadata_name_label():
    found = run(
        policy(),
        binding(env="prod"),
        PARAMS.replace("namespace: prod", "namespace: other"),
        deployment("web", "other", 9),
    )
    assert found == []  # namespace "other" has only kubernetes.io/metadata.name: other


def test_failure_policy_on_evaluation_error():
    broken = policy().replace("object.spec.replicas <= variables.limit", "object.spec.nope <= 1")
    failing = run(
        broken, binding(), PARAMS, namespace("prod", "prod"), deployment("web", "prod", 1)
    )
    assert len(failing) == 1 and "failurePolicy is Fail" in failing[0][1]
    ignored = broken.replace("failurePolicy: Fail", "failurePolicy: Ignore")
    assert (
        run(ignored, binding(), PARAMS, namespace("prod", "prod"), deployment("web", "prod", 1))
        == []
    )


def test_invalid_policy_and_dangling_binding_are_reported():
    bad = policy().replace("object.spec.replicas <= variables.limit", "object.spec.(")
    found = run(bad, binding(), deployment("web", "prod", 1))
    assert [(n, c) for n, _, _, c in found] == [("replica-limit", "admission-policy-invalid")]
    dangling = run(binding(), deployment("web", "prod", 1))
    assert (
        dangling[0][3] == "admission-policy-invalid"
        and "no ValidatingAdmissionPolicy" in dangling[0][1]
    )


def test_resource_names_come_from_the_table_else_kubernetes_guessing():
    kinds = [
        ("apps", "Deployment"),
        ("networking.k8s.io", "Ingress"),
        ("networking.k8s.io", "NetworkPolicy"),
        ("", "Endpoints"),
        ("gateway.networking.k8s.io", "Gateway"),  # no CRD registered: guessed
        ("example.com", "Proxy"),  # guessed: consonant + y
    ]
    assert [resource_name(g, k) for g, k in kinds] == [
        "deployments",
        "ingresses",
        "networkpolicies",
        "endpoints",
        "gateways",
        "proxies",
    ]


def test_repeated_policies_share_compiled_expressions_and_still_report_their_own_errors():
    """A bundle applied twice: the first policy of a name is the one bound; a later copy is
    still checked, a broken one reported (its error is not remembered as a compiled Program)."""
    bad = policy().replace("object.spec.replicas <= variables.limit", "object.spec.(")
    docs = (policy(), namespace("prod", "prod"), PARAMS, binding(), deployment("web", "prod", 5))
    once = run(*docs)
    assert [(n, m) for n, m, _, _ in once] == [
        ("web", "policy replica-limit (binding replica-limit-prod): replicas 5 > 3")
    ]
    assert run(*docs, policy()) == once
    twice_broken = run(*docs, bad, bad)
    error = (
        "policy replica-limit: compilation failed: "
        "CEL syntax error at line 1, column 13 of the expression"
    )
    invalid = ("replica-limit", error, None, "admission-policy-invalid")
    assert twice_broken[:2] == [invalid, invalid]
    assert twice_broken[2:] == once
    compiled = [compile_policy(ObjectView(d, "")) for d in load_text(policy(), "p.yaml").documents]
    again = [compile_policy(ObjectView(d, "")) for d in load_text(policy(), "p.yaml").documents]
    assert compiled[0].validations[0].expression is again[0].validations[0].expression


def test_validation_actions_set_the_reported_severity_end_to_end():
    """Warn and Audit bindings report at warning and info through the runner, not at KL610's
    default severity."""
    import kubelint.rules.builtin  # noqa: F401  (registers KL610)
    from kubelint.rules.engine import REGISTRY
    from kubelint.rules.runner import lint_texts, make_plan

    example = REGISTRY["KL610"].failing
    plan = make_plan([REGISTRY["KL610"]])
    for actions, severity in (("[Warn]", "warning"), ("[Audit]", "info"), ("[Deny]", "error")):
        text = example.replace("validationActions: [Deny]", f"validationActions: {actions}")
        found = lint_texts({"x.yaml": text}, plan)
        assert [(f.code, str(f.severity)) for f in found] == [("KL610", severity)], actions
