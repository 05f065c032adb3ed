"""Resource quantities (`500m`, `1Gi`) wherever the API holds them, and requests ≤ limits."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from kubelint.k8s.podspec import PodTemplate
from kubelint.k8s.quantity import QuantityError
from kubelint.k8s.validation import invalid
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._memo import parse_quantity
from kubelint.rules.builtin._validation import ValidStrings, items, mapping
from kubelint.rules.engine import POD_TEMPLATES, ObjectView, Violation, object_rule

QuantityMap = tuple[JsonPath, JsonPath, Mapping[str, Any]]
"""(base path, field path, map): the map is at base + field (joined only to report)."""

_REQUESTS, _LIMITS = ("resources", "requests"), ("resources", "limits")


def _add_resources(maps: list[QuantityMap], path: JsonPath, owner: Mapping[str, Any]) -> None:
    """requests and limits of the `resources` of a container, pod spec or claim spec."""
    resources = owner.get("resources")
    if isinstance(resources, dict):
        for field in (_REQUESTS, _LIMITS):
            values = resources.get(field[1])
            if values and isinstance(values, dict):
                maps.append((path, field, values))


def _add_volumes(maps: list[QuantityMap], spec_path: JsonPath, volumes: Any) -> None:
    for i, volume in items(volumes):
        empty_dir = volume.get("emptyDir")
        if isinstance(empty_dir, dict) and "sizeLimit" in empty_dir:
            path = (*spec_path, "volumes", i, "emptyDir")
            maps.append((path, (), {"sizeLimit": empty_dir["sizeLimit"]}))
        ephemeral = volume.get("ephemeral")
        claim = ephemeral.get("volumeClaimTemplate") if isinstance(ephemeral, dict) else None
        if claim and isinstance(claim, dict):
            path = (*spec_path, "volumes", i, "ephemeral", "volumeClaimTemplate", "spec")
            _add_resources(maps, path, mapping(claim.get("spec")))


def _add_pod(maps: list[QuantityMap], obj: ObjectView, template: PodTemplate) -> None:
    for container in obj.containers():
        _add_resources(maps, container.path, container.body)
    spec = template.spec
    if spec.get("resources"):
        _add_resources(maps, template.spec_path, spec)
    overhead = spec.get("overhead")
    if overhead and isinstance(overhead, dict):
        maps.append((template.spec_path, ("overhead",), overhead))
    if spec.get("volumes"):
        _add_volumes(maps, template.spec_path, spec["volumes"])


def _add_kind(maps: list[QuantityMap], kind: tuple[str, str], spec: Mapping[str, Any]) -> None:
    """Quantity maps outside the pod template."""
    if kind == ("", "PersistentVolumeClaim"):
        _add_resources(maps, ("spec",), spec)
    elif kind == ("apps", "StatefulSet"):
        for i, claim in items(spec.get("volumeClaimTemplates")):
            path = ("spec", "volumeClaimTemplates", i, "spec")
            _add_resources(maps, path, mapping(claim.get("spec")))
    elif kind == ("", "PersistentVolume"):
        maps.append((("spec",), ("capacity",), mapping(spec.get("capacity"))))
    elif kind == ("", "ResourceQuota"):
        maps.append((("spec",), ("hard",), mapping(spec.get("hard"))))
    elif kind == ("", "LimitRange"):
        for i, limit in items(spec.get("limits")):
            for field in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
                maps.append((("spec", "limits", i), (field,), mapping(limit.get(field))))


_OTHER_KINDS = frozenset(
    {
        ("", "PersistentVolumeClaim"),
        ("apps", "StatefulSet"),
        ("", "PersistentVolume"),
        ("", "ResourceQuota"),
        ("", "LimitRange"),
    }
)
"""Kinds `_add_kind` knows."""


def quantity_maps(obj: ObjectView) -> list[QuantityMap]:
    """Every `name → quantity` map of an object, with its path."""
    maps: list[QuantityMap] = []
    template = obj.template
    if template is not None:
        _add_pod(maps, obj, template)
    kind = (obj.group, obj.kind)
    if kind in _OTHER_KINDS:
        _add_kind(maps, kind, obj.spec)
    return maps


def _quantity(value: Any) -> Decimal | None:
    """The value of a well-typed quantity; None for other types (the schema stage's job)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return parse_quantity(value)
    except QuantityError:
        return None


def _quantity_problems(value: Any) -> list[str]:
    """Why a well-typed quantity is invalid (other types are the schema stage's)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return []
    try:
        number = parse_quantity(value)
    except QuantityError as exc:
        return [str(exc)]
    return ["must be greater than or equal to 0"] if number < 0 else []


_valid_quantity = ValidStrings(_quantity_problems)
_VALID_QUANTITIES = _valid_quantity.seen
_OTHER_KIND_NAMES = frozenset(kind for _, kind in _OTHER_KINDS)


def _plainly_valid(obj: ObjectView) -> bool:
    """True when `invalid_quantity` would report nothing, checked without listing the maps:
    the containers' requests and limits hold valid quantities and nothing else holds any."""
    if obj.kind in _OTHER_KIND_NAMES:
        return False
    template = obj.template
    if template is None:
        return True
    for container in obj.containers():
        resources = container.body.get("resources")
        if resources and not _valid_resources(resources):
            return False
    spec = template.spec
    if spec.get("resources") or spec.get("overhead"):
        return False
    volumes = spec.get("volumes")
    if volumes and isinstance(volumes, list):
        for volume in volumes:
            if isinstance(volume, dict) and ("ephemeral" in volume or _size_limit(volume)):
                return False
    return True


def _size_limit(volume: Mapping[str, Any]) -> bool:
    empty_dir = volume.get("emptyDir")
    return isinstance(empty_dir, dict) and "sizeLimit" in empty_dir


def _valid_resources(resources: Any) -> bool:
    if not isinstance(resources, dict):
        return True
    for field in ("requests", "limits"):
        values = resources.get(field)
        if values and isinstance(values, dict) and not _valid_quantities(values):
            return False
    return True


def _valid_quantities(values: Mapping[str, Any]) -> bool:
    """True when no quantity of the map has a problem (the common case)."""
    for key, value in values.items():
        if value.__class__ is str and value in _VALID_QUANTITIES:
            continue  # seen valid before
        if not isinstance(key, str):
            continue
        if isinstance(value, str):
            if not _valid_quantity(value):
                return False
        elif _quantity_problems(value):
            return False
    return True


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
    if _plainly_valid(obj):
        return  # the common case, decided without listing the maps
    for base, field, values in quantity_maps(obj):
        if _valid_quantities(values):
            continue
        for name in sorted(k for k in values if isinstance(k, str)):
            value = values[name]
            for problem in _quantity_problems(value):
                yield Violation((*base, *field, name), invalid(value, problem))


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
    for container in obj.containers():
        resources = container.body.get("resources")
        if resources and not _within_limits(resources):
            yield from _requests_vs_limits(container.path, container.body)
    resources = template.spec.get("resources")
    if resources and not _within_limits(resources):
        yield from _requests_vs_limits(template.spec_path, template.spec)


_SCALARS = frozenset({str, int, float, bool, type(None)})
_MISSING = object()  # a request without a limit


def _within_limits(resources: Any) -> bool:
    """True when `_requests_vs_limits` would report nothing (the common case)."""
    if not isinstance(resources, dict):
        return True
    requests = resources.get("requests")
    if not requests or not isinstance(requests, dict):
        return True
    limits = mapping(resources.get("limits"))
    for name, raw in requests.items():
        if not isinstance(name, str):
            continue
        limit = limits.get(name, _MISSING)
        if type(raw) in _SCALARS and (limit is _MISSING or type(limit) in _SCALARS):
            if not _request_fits(name, raw, limit):
                return False
        elif _request_problem(name, raw, limits) is not None:
            return False
    return True


@functools.lru_cache(maxsize=8192, typed=True)  # typed: 1 and 1.0 are different quantities
def _request_fits(name: str, raw: Any, limit: Any) -> bool:
    """Whether a request of `raw` fits a limit of `limit` (_MISSING: none): requests and limits
    repeat (cpu 100m, limit 1), their comparison is a pure function of the strings."""
    limits = {} if limit is _MISSING else {name: limit}
    return _request_problem(name, raw, limits) is None


def _requests_vs_limits(path: JsonPath, owner: Mapping[str, Any]) -> Iterator[Violation]:
    resources = mapping(owner.get("resources"))
    requests, limits = mapping(resources.get("requests")), mapping(resources.get("limits"))
    names = [k for k in requests if isinstance(k, str)]
    for name in sorted(names):
        problem = _request_problem(name, requests[name], limits)
        if problem is not None:
            yield problem._replace(path=(*path, "resources", *problem.path))


def overcommit_allowed(name: str) -> bool:
    """Native resources (cpu, memory, ephemeral-storage, *kubernetes.io/*) other than hugepages
    may be requested below their limit; extended resources (nvidia.com/gpu) may not."""
    native = "/" not in name or "kubernetes.io/" in name
    return native and not name.startswith("hugepages-")


def _request_problem(name: str, raw: Any, limits: Mapping[str, Any]) -> Violation | None:
    """What is wrong with requests[name] given the limits (paths relative to `resources`)."""
    if name not in limits:
        if not overcommit_allowed(name) and _quantity(raw) is not None:
            return Violation(
                ("limits",),
                f"Required value: Limit must be set for non overcommitable resources ({name})",
                at_key=True,
            )
        return None
    request, limit = _quantity(raw), _quantity(limits[name])
    if request is None or limit is None:
        return None
    if request != limit and not overcommit_allowed(name):
        message = f"must be equal to {name} limit of {limits[name]}"
        return Violation(("requests", name), invalid(raw, message))
    if request > limit:
        message = f"must be less than or equal to {name} limit of {limits[name]}"
        return Violation(("requests", name), invalid(raw, message))
    return None
