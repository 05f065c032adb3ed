"""Human output of `kubelint simulate`: plain, aligned tables (no colour codes in pipes)."""

from __future__ import annotations

from collections.abc import Sequence

from kubelint.reconcile.output import cluster_line, explain_dict, owner_text
from kubelint.reconcile.simulate import Simulation

POD_ROWS = 200  # rows per table before "… and N more"
EXPLAINED_SCORES = 10  # best-scoring nodes shown by --explain


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], limit: int = POD_ROWS
) -> list[str]:
    shown = list(rows[:limit])
    widths = [len(h) for h in headers]
    for row in shown:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  " + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in shown:
        lines.append(
            "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        )
    if len(rows) > limit:
        lines.append(f"  … and {len(rows) - limit:,} more (use --output json for all)")
    return lines


def _port(port) -> str:
    """kubectl get svc spelling: 80/TCP, 80:30699/TCP."""
    node_port = f":{port['nodePort']}" if port.get("nodePort") else ""
    return f"{port.get('port')}{node_port}/{port.get('protocol', 'TCP')}"


def render_text(sim: Simulation) -> str:
    out = [cluster_line(sim), ""]
    out.append("Apply")
    out += _table(
        ("OBJECT", "FILE", "RESULT"),
        [
            (r.object, r.source, r.result + (f": {r.message}" if r.message else ""))
            for r in sim.applied.records
        ],
    )
    out += ["", "Workloads"]
    rows = []
    for w in sim.workloads:
        replicas = str(w.desired)
        if w.replicas_range:
            replicas += f" (HPA {w.replicas_range[0]}..{w.replicas_range[1]})"
        running = sum(1 for p in w.pods if p.phase == "Running")
        extra = f"next runs {', '.join(w.schedule)}" if w.schedule else ""
        rows.append((owner_text(w), replicas, f"{running}/{len(w.pods)} running", extra))
    out += _table(("WORKLOAD", "DESIRED", "PODS", ""), rows)
    out += ["", "Pods"]
    out += _table(
        ("POD", "NODE", "IP", "PHASE", "READY"),
        [
            (p.key, p.node or "<none>", p.ip or "<none>", p.phase, "yes" if p.ready else "no")
            for p in sim.pods
        ],
    )
    pending = [p for p in sim.pods if p.node is None or p.message]
    if pending:
        out += ["", "Pending / not ready"]
        out += _table(("POD", "WHY"), [(p.key, p.message or "waiting") for p in pending])
    out += ["", "Services"]
    rows = []
    for v in sim.services:
        ports = ",".join(_port(p) for p in v.ports)
        a_name = next((r.name for r in v.records if r.type in ("A", "AAAA", "CNAME")), "-")
        rows.append(
            (
                v.stored.key,
                v.type,
                str(v.cluster_ip or "-"),
                ports,
                f"{len(v.ready())}/{len(v.addresses)}",
                a_name,
            )
        )
    out += _table(("SERVICE", "TYPE", "CLUSTER-IP", "PORTS", "READY", "DNS"), rows)
    explained = explain_dict(sim)
    if explained is not None:
        out += ["", f"Explain pod {explained['pod']}"]
        for v in explained["rejected"]:
            nodes = ", ".join(v["nodes"]) + (" …" if v["count"] > len(v["nodes"]) else "")
            out.append(f"  {v['plugin']}: {v['reason']} — {v['count']} node(s): {nodes}")
        scores = explained["scores"]
        for sc in scores[:EXPLAINED_SCORES]:
            parts = ", ".join(f"{k} {val}" for k, val in sc["plugins"].items())
            out.append(f"  score {sc['node']}: {sc['total']} ({parts})")
        if len(scores) > EXPLAINED_SCORES:
            out.append(f"  … {len(scores) - EXPLAINED_SCORES:,} more scored nodes (--output json)")
        out.append(f"  → {explained['node'] or explained['message']}")
    out += ["", "Findings"]
    if not sim.findings:
        out.append("  none")
    for f in sim.findings:
        out.append(f"  {f.one_line()}")
    return "\n".join(out) + "\n"
