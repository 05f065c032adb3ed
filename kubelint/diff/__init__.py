"""`kubelint diff`: the semantic difference between two sets of manifests.

    import kubelint.diff
    result = kubelint.diff.diff("git:HEAD~1:k8s/", "k8s/")   # or lists of dicts / Documents
    for change in result.changes:        # ObjectChange (added/removed/changed/renamed/migrated)
        print(change.status, change.ref, change.level)
        for field in change.fields:      # FieldChange: op, path, old, new, positions
            print(" ", field.op, field.path_text, field.old_position, field.new_position)

See docs/diff.md for the change records, the JSON format and the impact codes (KL750-KL799).
"""

from __future__ import annotations

from kubelint.diff.engine import DiffOptions, diff, diff_documents
from kubelint.diff.model import (
    FORMAT_VERSION,
    DiffResult,
    FieldChange,
    Impact,
    Key,
    Level,
    ObjectChange,
    Op,
    Position,
    Side,
    Status,
)
from kubelint.diff.patch import apply_patch

__all__ = [
    "FORMAT_VERSION",
    "DiffOptions",
    "DiffResult",
    "FieldChange",
    "Impact",
    "Key",
    "Level",
    "ObjectChange",
    "Op",
    "Position",
    "Side",
    "Status",
    "apply_patch",
    "diff",
    "diff_documents",
]
