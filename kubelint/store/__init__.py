"""The desired-state store: simulated `kubectl apply` with defaulting, immutable fields, prune.

    from kubelint.store import Store, apply
    result = apply(Store(), documents)          # -> ApplyResult(store, actions, findings)
    result.store.select(Selector.parse(...), namespace="web", kind="Deployment")

See docs/store.md.
"""

from kubelint.store.apply import PRUNE_ALLOWLIST, Action, ApplyResult, Prune, apply
from kubelint.store.defaults import default_object
from kubelint.store.immutable import immutable_violations
from kubelint.store.store import ObjectKey, Store, StoredObject

__all__ = [
    "PRUNE_ALLOWLIST",
    "Action",
    "ApplyResult",
    "ObjectKey",
    "Prune",
    "Store",
    "StoredObject",
    "apply",
    "default_object",
    "immutable_violations",
]
