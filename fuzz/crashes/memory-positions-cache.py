"""Writes memory-positions-cache.yaml: twelve 1 MB ConfigMaps whose data is a flow sequence
(invalid-type, so each needs a position). `kubelint check` on it peaks at ~2.4 GiB of memory,
because every document's composed node tree is kept until the file is done (ROBUSTNESS.md)."""

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
DOC = CM + "data: [" + "a: b, " * 170_000 + "]\n"
with open("memory-positions-cache.yaml", "w") as fh:
    fh.write("---\n".join([DOC] * 12))
