"""What people read about investigations: one's status and diagnosis, and the recent ones, filtered.

The router numbers every investigation it starts (an `incr` counter and one small key per number,
both expiring), so "the most recent first" is a walk down from the counter with plain key reads: it
needs nothing of the store beyond get/put/incr, works the same on Redis, Redis Cluster and SQLite,
and a lost entry only hides one investigation from the list, never its diagnosis.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from shared.incident import Incident
from shared.ports import KeyValueStore
from shared.state import checkpoints, coalescing, dead_letters

INDEX_TTL_S: Final = 7 * 24 * 3600  # as long as the incidents and checkpoints it points at
SEQUENCE_KEY: Final = "investigations:seq"
MAX_SCAN: Final = 5000  # a list never reads more index entries than this, whatever the filters
STATUSES: Final = ("queued", "running", "completed", "partial", "failed", "undelivered")


@dataclass(frozen=True)
class ListQuery:
    namespace: str | None = None
    status: str | None = None
    since: str | None = None  # ISO 8601; entries created before it are left out
    limit: int = 50


def record_started(store: KeyValueStore, investigation_id: str, incident: Incident) -> None:
    """Index a new investigation so that lists find it (the router calls this once, when it starts one)."""
    number = store.incr(SEQUENCE_KEY, 1, INDEX_TTL_S)
    entry = {"investigation_id": investigation_id, "namespace": incident.namespace, "cluster": incident.cluster,
             "created_at": _now()}
    store.put(f"investigations:{number}", json.dumps(entry), INDEX_TTL_S)


def status_of(store: KeyValueStore, investigation_id: str) -> dict[str, Any] | None:
    """`{investigation_id, status, incident, occurrences, diagnosis?}`, or None for an id never seen."""
    incident = coalescing.load_incident(store, investigation_id)
    if incident is None:
        return None
    checkpoint = checkpoints.load(store, investigation_id)
    diagnosis = (checkpoint or {}).get("diagnosis")
    answer: dict[str, Any] = {
        "investigation_id": investigation_id,
        "status": diagnosis["status"] if diagnosis else ("running" if checkpoint else "queued"),
        "incident": incident.to_dict(),
        "occurrences": coalescing.occurrences(store, investigation_id) or 1,
    }
    if diagnosis:
        answer["diagnosis"] = diagnosis
    return answer


def recent(store: KeyValueStore, query: ListQuery) -> list[dict[str, Any]]:
    """The most recent investigations first, each as a short summary, filtered by the query."""
    if query.status == "undelivered":
        return _undelivered(store, query)
    top = int(store.get(SEQUENCE_KEY) or 0)
    found: list[dict[str, Any]] = []
    for number in range(top, max(0, top - MAX_SCAN), -1):
        if len(found) >= query.limit:
            break
        raw = store.get(f"investigations:{number}")
        if not raw:
            continue
        entry = json.loads(raw)
        if query.namespace and entry.get("namespace") != query.namespace:
            continue
        if query.since and entry.get("created_at", "") < query.since:
            break  # numbered in creation order: everything further down is older still
        current = status_of(store, entry["investigation_id"])
        if current is None or (query.status and current["status"] != query.status):
            continue
        found.append(summarize(current, entry.get("created_at")))
    return found


def summarize(current: Mapping[str, Any], created_at: str | None = None) -> dict[str, Any]:
    """One line's worth of an investigation (the list's items)."""
    incident = current["incident"]
    diagnosis = current.get("diagnosis") or {}
    return {
        "investigation_id": current["investigation_id"],
        "status": current["status"],
        "created_at": created_at,
        "cluster": incident.get("cluster"),
        "namespace": incident.get("namespace"),
        "object": f"{incident.get('object_kind')}/{incident.get('object_name')}",
        "reason": incident.get("reason"),
        "occurrences": current.get("occurrences", 1),
        "category": diagnosis.get("category"),
        "summary": diagnosis.get("summary"),
        "confidence": diagnosis.get("confidence"),
    }


def _undelivered(store: KeyValueStore, query: ListQuery) -> list[dict[str, Any]]:
    found = []
    for letter in dead_letters.undelivered(store):
        payload = letter.get("payload") or {}
        incident = payload.get("incident") or {}
        if query.namespace and incident.get("namespace") != query.namespace:
            continue
        found.append({
            "investigation_id": letter["investigation_id"], "status": "undelivered", "created_at": letter["at"],
            "cluster": incident.get("cluster"), "namespace": incident.get("namespace"),
            "object": f"{incident.get('object_kind')}/{incident.get('object_name')}", "reason": incident.get("reason"),
            "occurrences": payload.get("occurrences", 1), "category": payload.get("category"),
            "summary": payload.get("summary"), "confidence": payload.get("confidence"),
            "sink": letter["sink"], "error": letter["error"],
        })
    return found[: query.limit]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
