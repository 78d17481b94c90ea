"""The Analyzer Protocol and the Evidence it reads.

An analyzer recognises one failure family the way an SRE would: it reads the pod's status, its
events, its logs and the objects around it through `Evidence`, and returns a `Finding` (or None).
Every Evidence read is a recorded, checkpointed tool call, so a resumed investigation replays the
same reads from its checkpoint instead of running them again.
"""

from __future__ import annotations

from typing import Any, Protocol

from shared.diagnosis import Finding
from shared.incident import Incident
from shared.ports import Cluster
from shared.tools.spec import ToolCall


class Evidence(Cluster, Protocol):
    """The one reading interface: the `Cluster` port (get, list, logs), seen from one incident.

    Implemented by `shared.evidence.RecordedEvidence` (every read a recorded, checkpointed tool call) and by
    the chain walk's budgeted view of it; analyzers never see anything else.
    """

    incident: Incident

    def events_for(self, kind: str, name: str, namespace: str | None = None) -> list[dict[str, Any]]:
        """Events whose involvedObject is this object, oldest first."""
        ...

    def about(self, incident: Incident) -> Evidence:
        """The same reads seen from another incident (a namespace sweep looks at one workload at a time)."""
        ...


class Analyzer(Protocol):
    name: str

    def handles(self, incident: Incident) -> bool:
        """Cheap check: could this incident be this analyzer's kind of failure at all?"""
        ...

    def first_tools(self, incident: Incident) -> list[ToolCall]:
        """Reads worth doing up front for this incident (the planner batches them)."""
        ...

    def conclude(self, evidence: Evidence) -> Finding | None:
        """Read the evidence; return a Finding with evidence excerpts and a confidence, or None."""
        ...


class StopReading(Exception):  # noqa: N818 - control flow, not an error
    """Raised by the loop's tool runner when this invocation's budget is spent: analyzers let it through, so
    the loop can checkpoint and continue in a later invocation (every specialist's planner honours it)."""
