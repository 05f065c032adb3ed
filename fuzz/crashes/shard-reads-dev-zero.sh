#!/bin/sh
# With --shard, files of the other shards are read whole (kubelint/shard.py foreign_crds) to look
# for CRDs: no --max-file-size cap, no regular-file check. /dev/zero falls in shard 1 of 2.
d=$(mktemp -d)
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' > "$d/a.yaml"
cd "$d" || exit 1
(ulimit -v 1500000; timeout 60 "${PYTHON:-python}" -m kubelint check --shard 2/2 /dev/zero a.yaml)
echo "exit $?"   # today: 2, "internal error: MemoryError" (without the cap: reads until OOM)
