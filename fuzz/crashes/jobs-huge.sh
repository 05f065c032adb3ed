#!/bin/sh
# `--jobs` has no upper bound: 10**23 workers make pipeline._batches build 4 * 10**23 lists.
# Run it under a memory cap: without one the machine runs out of memory (exit 137, OOM killer).
d=$(mktemp -d)
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' > "$d/a.yaml"
cp "$d/a.yaml" "$d/b.yaml"
(ulimit -v 1500000; "${PYTHON:-python}" -m kubelint check --jobs 99999999999999999999999 "$d/a.yaml" "$d/b.yaml")
echo "exit $?"   # today: 2, "internal error: MemoryError"
