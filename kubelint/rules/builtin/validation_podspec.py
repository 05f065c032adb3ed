"""Pod spec fields outside the containers: images, tolerations, DNS and the names a pod refers
to."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.k8s.validation import INT32_MAX, invalid, is_int, range_error
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._memo import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_label_value,
    is_qualified_name,
)
from kubelint.rules.builtin._validation import items, label_violations, valid_labels
from kubelint.rules.engine import POD_TEMPLATES, ObjectView, Violation, object_rule

_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
"""


@object_rule(
    "KL116",
    "invalid-image",
    Severity.ERROR,
    "validation",
    title="Every container needs an image, without surrounding whitespace",
    rationale="The apiserver requires `image` on every container of a pod or pod template "
    "(the schema alone does not), and rejects a Pod whose image has leading or trailing "
    "whitespace, a common result of templating (a workload template with one is accepted, "
    "but every pod its controller creates is rejected).",
    remediation="Set the image (`registry/name:tag` or `@sha256:` digest).",
    failing=_POD + "  containers:\n    - name: app\n      image: 'nginx:1.27 '\n",
    passing=_POD + "  containers:\n    - name: app\n      image: nginx:1.27\n",
    kinds=POD_TEMPLATES,
)
def invalid_image(obj: ObjectView) -> Iterator[Violation]:
    for container in obj.containers(ephemeral=True):
        image = container.body.get("image")
        if image is None or image == "":
            yield Violation((*container.path, "image"), "Required value", at_key=True)
        elif isinstance(image, str) and image != image.strip():
            message = invalid(image, "must not have leading or trailing whitespace")
            yield Violation((*container.path, "image"), message)


@object_rule(
    "KL117",
    "invalid-toleration",
    Severity.ERROR,
    "validation",
    title="Tolerations must be consistent: key, operator, value and effect",
    rationale="An empty key tolerates every taint and needs operator Exists; Exists takes no "
    "value; an Equal value is a label value; tolerationSeconds only applies to NoExecute.",
    remediation="Drop the value for Exists, or set a key; use effect NoExecute with "
    "tolerationSeconds.",
    failing=_POD + "  tolerations:\n    - {key: dedicated, operator: Exists, value: gpu}\n"
    "  containers: [{name: app, image: nginx}]\n",
    passing=_POD + "  tolerations:\n    - {key: dedicated, operator: Equal, value: gpu}\n"
    "  containers: [{name: app, image: nginx}]\n",
    kinds=POD_TEMPLATES,
)
def invalid_toleration(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is None:
        return
    for i, toleration in items(template.spec.get("tolerations")):
        yield from _toleration((*template.spec_path, "tolerations", i), toleration)


def _toleration(path: JsonPath, toleration: Mapping[str, Any]) -> Iterator[Violation]:
    key, operator = toleration.get("key"), toleration.get("operator") or "Equal"
    value, effect = toleration.get("value"), toleration.get("effect")
    if isinstance(key, str) and key:
        for problem in is_qualified_name(key):
            yield Violation((*path, "key"), invalid(key, problem))
    elif operator != "Exists":
        message = (
            "operator must be Exists when `key` is empty, which means "
            '"match all values and all keys"'
        )
        yield Violation((*path, "operator"), invalid(operator, message), at_key=True)
    if operator == "Exists" and isinstance(value, str) and value:
        message = "value must be empty when `operator` is 'Exists'"
        yield Violation((*path, "value"), invalid(value, message))
    elif operator == "Equal" and isinstance(value, str):
        for problem in is_label_value(value):
            yield Violation((*path, "value"), invalid(value, problem))
    if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
        message = "effect must be 'NoExecute' when `tolerationSeconds` is set"
        yield Violation((*path, "effect"), invalid(effect or "", message), at_key=effect is None)


@object_rule(
    "KL118",
    "invalid-pod-spec",
    Severity.ERROR,
    "validation",
    title="Pod hostname, subdomain, DNS settings and referenced names must be well formed",
    rationale="hostname and subdomain are DNS-1123 labels; serviceAccountName and "
    "priorityClassName name objects (DNS-1123 subdomains); nodeSelector holds labels; "
    "dnsPolicy None needs dnsConfig, which has at most 3 nameserver IPs and 32 search domains; "
    "activeDeadlineSeconds is 1 to 2147483647.",
    remediation="Fix the field named in the message.",
    failing=_POD + "  hostname: web_1\n  containers: [{name: app, image: nginx}]\n",
    passing=_POD + "  hostname: web-1\n  containers: [{name: app, image: nginx}]\n",
    kinds=POD_TEMPLATES,
)
def invalid_pod_spec(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is None:
        return
    spec = template.spec
    for field, check in _NAME_FIELDS:
        value = spec.get(field)
        if isinstance(value, str) and value and check(value):
            for problem in check(value):
                yield Violation((*template.spec_path, field), invalid(value, problem))
    selector = spec.get("nodeSelector")
    if not valid_labels(selector):
        yield from label_violations((*template.spec_path, "nodeSelector"), selector)
    if spec.get("dnsConfig") is not None or spec.get("dnsPolicy") == "None":
        yield from _dns(template.spec_path, spec)
    deadline = spec.get("activeDeadlineSeconds")
    if is_int(deadline) and not 1 <= deadline <= INT32_MAX:
        message = invalid(deadline, range_error(1, INT32_MAX))
        yield Violation((*template.spec_path, "activeDeadlineSeconds"), message)


_NAME_FIELDS = (
    ("hostname", is_dns1123_label),
    ("subdomain", is_dns1123_label),
    ("serviceAccountName", is_dns1123_subdomain),
    ("priorityClassName", is_dns1123_subdomain),
)


MAX_NAMESERVERS = 3
MAX_SEARCHES = 32


def _dns(base: JsonPath, spec: Mapping[str, Any]) -> Iterator[Violation]:
    config = spec.get("dnsConfig")
    if spec.get("dnsPolicy") == "None" and config is None:
        yield Violation(
            (*base, "dnsConfig"),
            "Required value: must provide `dnsConfig` when `dnsPolicy` is None",
        )
    if not isinstance(config, dict):
        return
    path = (*base, "dnsConfig")
    servers = config.get("nameservers")
    if isinstance(servers, list):
        if len(servers) > MAX_NAMESERVERS:
            message = f"must not have more than {MAX_NAMESERVERS} nameservers: {servers}"
            yield Violation((*path, "nameservers"), invalid(servers, message))
        for i, server in enumerate(servers):
            if isinstance(server, str) and not _is_ip(server):
                yield Violation(
                    (*path, "nameservers", i), invalid(server, "must be valid IP address")
                )
    searches = config.get("searches")
    if isinstance(searches, list) and len(searches) > MAX_SEARCHES:
        message = f"must not have more than {MAX_SEARCHES} search paths"
        yield Violation((*path, "searches"), invalid(searches, message))


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
