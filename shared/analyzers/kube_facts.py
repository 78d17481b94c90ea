"""Small readings shared by the cluster-level analyzers: names, conditions, events, times, tool calls."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.diagnosis import EvidenceItem
from shared.incident import Incident
from shared.tools.core import event_time
from shared.tools.spec import ToolCall, call_key

EXCERPT_CHARS: Final = 300
WORKLOAD_KINDS: Final = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob")


def name_of(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name", ""))


def labels_of(obj: Mapping[str, Any]) -> dict[str, str]:
    return dict((obj.get("metadata") or {}).get("labels") or {})


def condition(obj: Mapping[str, Any] | None, cond_type: str) -> Mapping[str, Any] | None:
    for cond in ((obj or {}).get("status") or {}).get("conditions") or []:
        if cond.get("type") == cond_type:
            return cond
    return None


def is_true(cond: Mapping[str, Any] | None) -> bool:
    return bool(cond) and cond.get("status") == "True"  # type: ignore[union-attr]


def clip(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def call(tool: str, **args: Any) -> ToolCall:
    """A ToolCall whose key equals the one RecordedEvidence computes for the same read."""
    clean = {k: v for k, v in args.items() if v is not None}
    return ToolCall(tool=tool, args=clean, call_id=call_key(tool, clean))


def pod_first_tools(incident: Incident) -> list[ToolCall]:
    """The reads most cluster-level analyzers start from: the pod, its events, the namespace's pods."""
    ns = incident.namespace or None
    calls = [call("list_resources", kind="pods", namespace=ns)]
    if incident.pod:
        calls.append(call("get_resource", kind="pods", name=incident.pod, namespace=ns))
        calls.append(call("object_events", kind="Pod", name=incident.pod, namespace=ns))
    elif incident.object_kind and incident.object_name:
        calls.append(
            call("object_events", kind=incident.object_kind, name=incident.object_name, namespace=ns)
        )
    return calls


def events_with(
    evidence: Evidence, kind: str, name: str, namespace: str | None, reasons: Iterable[str]
) -> list[dict[str, Any]]:
    """The object's events with one of these reasons, oldest first."""
    wanted = set(reasons)
    return [e for e in evidence.events_for(kind, name, namespace) if e.get("reason") in wanted]


def event_item(event: Mapping[str, Any], source: str | None = None) -> EvidenceItem:
    obj = event.get("involvedObject") or {}
    count = event.get("count") or (event.get("series") or {}).get("count")
    times = f" x{count}" if count and int(count) > 1 else ""
    src = (
        source
        or f"events {str(obj.get('kind', '')).lower()}/{obj.get('namespace') or ''}/{obj.get('name', '')}"
    )
    return EvidenceItem(
        src.replace("//", "/"), clip(f"{event.get('reason')}{times}: {event.get('message', '')}")
    )


def parse_time(value: Any) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def latest_time(events: Iterable[Mapping[str, Any]]) -> datetime | None:
    times = [t for t in (parse_time(event_time(e)) for e in events) if t is not None]
    return max(times) if times else None


def reference_now(evidence: Evidence, *more: Any) -> datetime | None:
    """The snapshot's "now": the incident's last sighting, else the newest time among `more`."""
    incident = evidence.incident
    for value in (incident.last_seen, incident.first_seen):
        if (parsed := parse_time(value)) is not None:
            return parsed
    times = [t for t in (parse_time(v) for v in more) if t is not None]
    return max(times) if times else None


def now_of(evidence: Evidence) -> datetime | None:
    """The cluster's "now", also for a snapshot without a wall clock.

    The incident's last sighting when it has one (events, alerts); else the newest node heartbeat (the
    kubelet refreshes its conditions every few minutes), else the newest pod or event time we can see.
    """
    incident = evidence.incident
    for value in (incident.last_seen, incident.first_seen):
        if (parsed := parse_time(value)) is not None:
            return parsed
    beats = [parse_time(c.get("lastHeartbeatTime")) for n in evidence.list("nodes")
             for c in (n.get("status") or {}).get("conditions") or []]
    known = [t for t in beats if t is not None]
    if not known and incident.namespace:
        known = [t for t in (parse_time(event_time(e)) for e in evidence.list("events", incident.namespace))
                 if t is not None]
    return max(known) if known else None


def minutes_before(now: datetime | None, stamp: Any) -> float | None:
    """How many minutes before `now` the stamp lies (None when either is unknown)."""
    then = parse_time(stamp)
    return None if now is None or then is None else (now - then).total_seconds() / 60


def incident_mentions(incident: Incident, *words: str) -> bool:
    text = " ".join(
        str(x) for x in (incident.reason, incident.message, incident.question, incident.family) if x
    ).lower()
    return any(w.lower() in text for w in words)


def owned_by(obj: Mapping[str, Any], kind: str, name: str) -> bool:
    refs = (obj.get("metadata") or {}).get("ownerReferences") or []
    return any(r.get("kind") == kind and r.get("name") == name for r in refs)
