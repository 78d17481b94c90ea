"""A namespace sweep: a manual request naming only a namespace looks at every failing workload in it.

The diagnosis is the most severe failure found (a workload with no ready pod beats a degraded one; then
the stronger evidence), its class is the category, and the other failures are listed in `evidence` and
named in the root cause. A namespace where nothing fails is `healthy`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import item, name_of
from shared.analyzers.kube_facts import condition
from shared.analyzers.target import container_states, is_unhealthy, owner_of
from shared.analyzers.verdicts import healthy, workload_names
from shared.diagnosis import Finding
from shared.intake.workload_names import workload_from_owner

MAX_WORKLOADS: Final = 4  # each costs reads; the rest are listed by state only

Explain = Callable[[Evidence], Finding | None]


@dataclass(frozen=True)
class _Failing:
    kind: str
    name: str
    pod: Mapping[str, Any] | None
    down: bool  # no ready pod left: an outage, not a degradation
    state: str


def sweep(evidence: Evidence, explain: Explain) -> Finding:
    """The most severe failure in the namespace, the others listed; healthy when there is none."""
    ns = evidence.incident.namespace
    pods = evidence.list("pods", ns)
    failing = _failing_workloads(evidence, pods)
    if not failing:
        return healthy(evidence, f"Namespace {ns}", [p for p in pods if _live(p)], None, workload_names(evidence, ns))
    explained: list[tuple[_Failing, Finding | None]] = []
    for f in failing[:MAX_WORKLOADS]:
        sub = replace(evidence.incident, object_kind="Pod" if f.pod else f.kind,
                      object_name=name_of(f.pod) if f.pod else f.name, pod=name_of(f.pod) if f.pod else None,
                      workload_kind=f.kind, workload=f.name)
        explained.append((f, explain(evidence.about(sub))))
    explained.sort(key=lambda pair: (pair[0].down, pair[1] is not None, pair[1].confidence if pair[1] else 0.0),
                   reverse=True)
    top, finding = explained[0]
    others = [f"{f.kind.lower()}/{f.name}: " + (g.summary if g else f.state) for f, g in explained[1:]]
    others += [f"{f.kind.lower()}/{f.name}: {f.state}" for f in failing[MAX_WORKLOADS:]]
    if finding is None:
        finding = Finding(category="unknown", summary=f"{top.kind.lower()}/{top.name} fails ({top.state})",
                          root_cause=f"{top.kind} {top.name} in {ns} fails ({top.state}); no known failure "
                                     "pattern explains it.", confidence=0.2, analyzer="sweep", strength="GUESS")
    also = f" Also failing in {ns}: " + "; ".join(others) + "." if others else ""
    return replace(
        finding,
        summary=f"{finding.summary} (the most severe of {len(failing)} failing workload(s) in {ns})"
        if len(failing) > 1 else finding.summary,
        root_cause=finding.root_cause + also,
        evidence=(*finding.evidence, *[item(f"namespace/{ns} sweep", f"also failing: {o}") for o in others]),
    )


def _live(pod: Mapping[str, Any]) -> bool:
    return (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")


def _failing_workloads(evidence: Evidence, pods: list[dict[str, Any]]) -> list[_Failing]:
    """Workloads with a failing pod (most broken pod each), then failed Jobs; outages first."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for pod in pods:
        owner = owner_of(pod)
        kind, name = workload_from_owner(*owner) if owner else ("Pod", name_of(pod))
        groups.setdefault((kind, name), []).append(pod)
    failing = []
    for (kind, name), members in groups.items():
        live = [p for p in members if _live(p)] or members
        broken = [p for p in live if is_unhealthy(p) and (p.get("status") or {}).get("phase") != "Succeeded"]
        if not broken or kind == "Job":
            continue
        worst = max(broken, key=lambda p: sum(c.restarts for c in container_states(p)))
        failing.append(_Failing(kind, name, worst, len(broken) == len(live), _pod_state(worst)))
    for job in evidence.list("jobs", evidence.incident.namespace):
        failed = condition(job, "Failed")
        if failed and failed.get("status") == "True":
            failing.append(_Failing("Job", name_of(job), None, True, f"Job failed: {failed.get('reason', '')}"))
    return sorted(failing, key=lambda f: f.down, reverse=True)


def _pod_state(pod: Mapping[str, Any]) -> str:
    for c in container_states(pod):
        if c.waiting_reason:
            return f"pod {name_of(pod)}: {c.name} {c.waiting_reason} ({c.restarts} restarts)"
        if not c.ready and not c.init:
            return f"pod {name_of(pod)}: {c.name} not ready"
    return f"pod {name_of(pod)}: {(pod.get('status') or {}).get('phase', '?')}"
