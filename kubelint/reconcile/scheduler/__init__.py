"""kube-scheduler as filter and score plugins over node equivalence classes."""
