"""Kubernetes semantics shared by lint, store, diff and reconcile: label selectors, resource
quantities, and where a workload keeps its pod template."""
