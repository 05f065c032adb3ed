"""API version conversions for migrated objects, so a diff shows only what the move changed.

Only renames of fields between versions need a converter; kinds whose fields kept their names
(extensions/v1beta1 → apps/v1 Deployment) compare as they are. Converters take the old body
(a normalised copy, may be changed in place) and return it in the new version's shape.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from kubelint.model import dicts

Converter = Callable[[dict[str, Any]], dict[str, Any]]


def _ingress_backend(backend: Any) -> Any:
    """IngressBackend v1beta1 {serviceName, servicePort} → v1 {service: {name, port}}."""
    if not isinstance(backend, dict) or "serviceName" not in backend:
        return backend
    out = {k: v for k, v in backend.items() if k not in ("serviceName", "servicePort")}
    port = backend.get("servicePort")
    service: dict[str, Any] = {"name": backend["serviceName"]}
    if port is not None:
        service["port"] = {"name" if isinstance(port, str) else "number": port}
    out["service"] = service
    return out


def ingress_v1(body: dict[str, Any]) -> dict[str, Any]:
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return body
    if "backend" in spec:
        spec["defaultBackend"] = _ingress_backend(spec.pop("backend"))
    for rule in dicts(spec.get("rules")):
        http = rule.get("http")
        for path in dicts(http.get("paths") if isinstance(http, dict) else None):
            if "backend" in path:
                path["backend"] = _ingress_backend(path["backend"])
                path.setdefault("pathType", "ImplementationSpecific")
    return body


CONVERTERS: dict[tuple[str, str, str], Converter] = {
    ("extensions/v1beta1", "networking.k8s.io/v1", "Ingress"): ingress_v1,
    ("networking.k8s.io/v1beta1", "networking.k8s.io/v1", "Ingress"): ingress_v1,
}


def convert(body: Mapping[str, Any], api_version: str) -> Mapping[str, Any]:
    """A copy of `body` with its fields in the shape of `api_version`, when a converter knows
    the move (else `body` itself). apiVersion stays as it was: the diff reports the move."""
    converter = CONVERTERS.get((str(body.get("apiVersion")), api_version, str(body.get("kind"))))
    return body if converter is None else converter(copy.deepcopy(dict(body)))
