"""Resource quantities (`500m`, `1Gi`) wherever the API holds them, and requests ≤ limits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from kubelint.k8s.quantity import QuantityError
from kubelint.k8s.validation import invalid
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._memo import parse_quantity
from kubelint.rules.builtin._validation import items, mapping
from kubelint.rules.engine import POD_TEMPLATES, ObjectView, Violation, object_rule

QuantityMaps = Iterator[tuple[JsonPath, Mapping[str, Any]]]


def _resources(path: JsonPath, resources: Any) -> QuantityMaps:
    for field in ("requests", "limits"):
        values = mapping(mapping(resources).get(field))
        if values:
            yield (*path, field), values


def _claim_spec(path: JsonPath, spec: Any) -> QuantityMaps:
    yield from _resources((*path, "resources"), mapping(spec).get("resources"))


def _pod_maps(obj: ObjectView) -> QuantityMaps:
    template = obj.template
    if template is None:
        return
    spec_path = template.spec_path
    for container in obj.containers():
        yield from _resources((*container.path, "resources"), container.body.get("resources"))
    yield from _resources((*spec_path, "resources"), template.spec.get("resources"))
    overhead = mapping(template.spec.get("overhead"))
    if overhead:
        yield (*spec_path, "overhead"), overhead
    for i, volume in items(template.spec.get("volumes")):
        path = (*spec_path, "volumes", i)
        empty_dir = mapping(volume.get("emptyDir"))
        if "sizeLimit" in empty_dir:
            yield (*path, "emptyDir"), {"sizeLimit": empty_dir["sizeLimit"]}
        claim = mapping(mapping(volume.get("ephemeral")).get("volumeClaimTemplate"))
        yield from _claim_spec(
            (*path, "ephemeral", "volumeClaimTemplate", "spec"), claim.get("spec")
        )


def quantity_maps(obj: ObjectView) -> QuantityMaps:
    """Every `name → quantity` map of an object, with its path."""
    yield from _pod_maps(obj)
    kind = (obj.group, obj.kind)
    if kind == ("", "PersistentVolumeClaim"):
        yield from _claim_spec(("spec",), obj.spec)
    elif kind == ("apps", "StatefulSet"):
        for i, claim in items(obj.spec.get("volumeClaimTemplates")):
            yield from _claim_spec(("spec", "volumeClaimTemplates", i, "spec"), claim.get("spec"))
    elif kind == ("", "PersistentVolume"):
        yield ("spec", "capacity"), mapping(obj.spec.get("capacity"))
    elif kind == ("", "ResourceQuota"):
        yield ("spec", "hard"), mapping(obj.spec.get("hard"))
    elif kind == ("", "LimitRange"):
        for i, limit in items(obj.spec.get("limits")):
            for field in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
                yield ("spec", "limits", i, field), mapping(limit.get(field))


def _quantity(value: Any) -> Decimal | None:
    """The value of a well-typed quantity; None for other types (the schema stage's job)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return parse_quantity(value)
    except QuantityError:
        return None


@object_rule(
    "KL120",
    "invalid-quantity",
    Severity.ERROR,
    "validation",
    title="Resource quantities must parse and may not be negative",
    rationale="Quantities are a number with an optional suffix: binary Ki Mi Gi Ti Pi Ei, "
    "decimal n u m k M G T P E, or an exponent (e3). `1GB`, `1gi` or `2 cores` are rejected, "
    "and requests, limits, capacities and sizes may not be negative.",
    remediation="Write memory as `512Mi`/`1Gi` and CPU as `500m`/`2`.",
    failing="""\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx
      resources:
        requests: {memory: 1GB, cpu: 500m}
""",
    passing="""\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx
      resources:
        requests: {memory: 1Gi, cpu: 500m}
""",
)
def invalid_quantity(obj: ObjectView) -> Iterator[Violation]:
    for path, values in quantity_maps(obj):
        for name in sorted(k for k in values if isinstance(k, str)):
            value = values[name]
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                continue
            try:
                number = parse_quantity(value)
            except QuantityError as exc:
                yield Violation((*path, name), invalid(value, str(exc)))
                continue
            if number < 0:
                yield Violation((*path, name), invalid(value, "must be greater than or equal to 0"))


_POD_RESOURCES = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx
      resources:
        requests: {{memory: {request}}}
        limits: {{memory: {limit}}}
"""


@object_rule(
    "KL121",
    "requests-exceed-limits",
    Severity.ERROR,
    "validation",
    title="A resource request may not exceed its limit (extended resources: must equal it)",
    rationale="The apiserver rejects a container (or pod) whose request for a resource is "
    "greater than its limit. Extended resources (such as nvidia.com/gpu) and hugepages cannot "
    "be overcommitted: a request needs a limit of exactly the same amount.",
    remediation="Lower the request or raise the limit. (A limit alone sets the request too.)",
    failing=_POD_RESOURCES.format(request="2Gi", limit="1Gi"),
    passing=_POD_RESOURCES.format(request="1Gi", limit="2Gi"),
    kinds=POD_TEMPLATES,
)
def requests_exceed_limits(obj: ObjectView) -> Iterator[Violation]:
    template = obj.template
    if template is None:
        return
    owners = [(c.path, c.body) for c in obj.containers()] + [(template.spec_path, template.spec)]
    for path, owner in owners:
        resources = mapping(owner.get("resources"))
        requests, limits = mapping(resources.get("requests")), mapping(resources.get("limits"))
        for name in sorted(k for k in requests if isinstance(k, str)):
            yield from _request_vs_limit((*path, "resources"), name, requests[name], limits)


def overcommit_allowed(name: str) -> bool:
    """Native resources (cpu, memory, ephemeral-storage, *kubernetes.io/*) other than hugepages
    may be requested below their limit; extended resources (nvidia.com/gpu) may not."""
    native = "/" not in name or "kubernetes.io/" in name
    return native and not name.startswith("hugepages-")


def _request_vs_limit(
    path: JsonPath, name: str, raw: Any, limits: Mapping[str, Any]
) -> Iterator[Violation]:
    request_path = (*path, "requests", name)
    if name not in limits:
        if not overcommit_allowed(name) and _quantity(raw) is not None:
            yield Violation(
                (*path, "limits"),
                f"Required value: Limit must be set for non overcommitable resources ({name})",
                at_key=True,
            )
        return
    request, limit = _quantity(raw), _quantity(limits[name])
    if request is None or limit is None:
        return
    if request != limit and not overcommit_allowed(name):
        message = f"must be equal to {name} limit of {limits[name]}"
        yield Violation(request_path, invalid(raw, message))
    elif request > limit:
        message = f"must be less than or equal to {name} limit of {limits[name]}"
        yield Violation(request_path, invalid(raw, message))
