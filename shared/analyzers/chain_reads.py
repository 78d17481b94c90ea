"""The chain walk's view of the evidence: the same recorded reads, about another object, on a budget.

Every read still goes through the investigation's Evidence (so it is a checkpointed tool call, replayed
on resume); this view only swaps the incident the analyzers see (the dependency instead of the symptom)
and counts distinct reads so a walk can never read the cluster without bound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from shared.analyzers.base import Analyzer, Evidence
from shared.diagnosis import Finding
from shared.incident import Incident
from shared.tools.spec import ToolCall

READ_BUDGET: Final = 60  # distinct reads one walk may make, the analyzers' reads about dependencies included


class OutOfReads(Exception):  # noqa: N818 - control flow inside the walk, never leaves it
    """The walk's read budget is spent."""


class ReadBudget:
    def __init__(self, limit: int | None = None) -> None:
        self.limit = READ_BUDGET if limit is None else limit
        self.keys: set[tuple[Any, ...]] = set()
        self.spent = False

    def spend(self, key: tuple[Any, ...]) -> None:
        if key in self.keys:
            return
        if len(self.keys) >= self.limit:
            self.spent = True
            raise OutOfReads(f"read budget of {self.limit} spent")
        self.keys.add(key)


class ScopedEvidence:
    """`base`'s reads, about `incident`, each distinct read counted against `budget`."""

    name = "evidence"

    def __init__(self, base: Evidence, incident: Incident, budget: ReadBudget) -> None:
        self.base = base
        self.incident = incident
        self.budget = budget

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        self.budget.spend(("get", kind, name, namespace))
        return self.base.get(kind, name, namespace)

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict[str, Any]]:
        self.budget.spend(("list", kind, namespace, label_selector, field_selector))
        return self.base.list(kind, namespace, label_selector=label_selector, field_selector=field_selector)

    def logs(
        self,
        namespace: str,
        pod: str,
        container: str,
        *,
        previous: bool = False,
        tail_lines: int | None = None,
        since_seconds: int | None = None,
    ) -> str | None:
        self.budget.spend(("logs", namespace, pod, container, previous, tail_lines, since_seconds))
        return self.base.logs(namespace, pod, container, previous=previous, tail_lines=tail_lines,
                              since_seconds=since_seconds)

    def events_for(self, kind: str, name: str, namespace: str | None = None) -> list[dict[str, Any]]:
        self.budget.spend(("events", kind, name, namespace))
        return self.base.events_for(kind, name, namespace)

    def about(self, incident: Incident) -> ScopedEvidence:
        return ScopedEvidence(self.base, incident, self.budget)


def incident_about(base: Incident, kind: str, name: str, namespace: str, pod: str | None = None) -> Incident:
    """An incident about a dependency, as if its own event had triggered it (same cluster, same time)."""
    return Incident(
        fingerprint=f"{base.fingerprint}/dependency",
        source="apiserver",
        family="generic",
        reason="DependencyCheck",
        message="",
        cluster=base.cluster,
        namespace=namespace,
        object_kind=kind,
        object_name=name,
        pod=pod,
        first_seen=base.first_seen,
        last_seen=base.last_seen,
    )


class _Guarded:
    """An analyzer whose running out of the walk's reads reads as "no finding" (the walk notices)."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.inner = analyzer
        self.name = analyzer.name
        self.family = getattr(analyzer, "family", None)

    def handles(self, incident: Incident) -> bool:
        return self.inner.handles(incident)

    def first_tools(self, incident: Incident) -> list[ToolCall]:
        return self.inner.first_tools(incident)

    def conclude(self, evidence: Evidence) -> Finding | None:
        try:
            return self.inner.conclude(evidence)
        except OutOfReads:
            return None


def explain(
    analyzers: Mapping[str, Analyzer], evidence: ScopedEvidence, readers: Sequence[str] = ()
) -> Finding | None:
    """The registry's best finding about the scoped incident (the chain analyzer itself left out).

    `readers` names the analyzers the object's visible state points to (a Pending pod: scheduling); they
    read first, and the rest of the registry only when none of them recognises anything: the investigation's
    step budget is shared with everything else it reads.
    """
    from shared.planners import rules

    first = [n for n in readers if n in analyzers]
    for names in ([first, [n for n in analyzers if n not in first]] if first else [list(analyzers)]):
        guarded = {name: _Guarded(analyzers[name]) for name in names if name != "chain"}
        findings, _ = rules.run_analyzers(guarded, evidence)
        if findings:
            return findings[0]
    return None
