"""The reconciler behind `kubelint simulate`: controllers, scheduler, kubelet, endpoints.

    from kubelint.reconcile.simulate import SimulateOptions, simulate

Stages (one module each): apply_stage (load, validate, apply, Service addresses) → controllers
→ scheduler/ (filter and score plugins over node classes) → kubelet (pod IPs, phases) →
endpoints (EndpointSlices, DNS) → findings (KL850–KL859). See docs/simulate.md.
"""
