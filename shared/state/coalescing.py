"""Coalescing: one investigation per fingerprint per window; repeats only count occurrences."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Final

from shared.incident import Incident
from shared.ports import KeyValueStore

INCIDENT_TTL_S: Final = 7 * 24 * 3600


@dataclass(frozen=True)
class Coalesced:
    investigation_id: str
    created: bool
    occurrences: int
    handed_off: bool


def coalesce(store: KeyValueStore, incident: Incident, window_s: int) -> Coalesced:
    """Start an investigation for the fingerprint, or join the one its window already has (atomic)."""
    key = f"coalesce:{incident.fingerprint}"
    once = getattr(store, "coalesce_once", None)
    if once is not None:  # a store that can do the whole step in one round trip (Redis)
        candidate = f"inv-{incident.fingerprint[:10]}-{uuid.uuid4().hex[:10]}"
        inv, created, count, handed = once(key, candidate, window_s, json.dumps(incident.to_dict()), INCIDENT_TTL_S)
        return Coalesced(inv, created, count, handed)
    for _ in range(3):  # the window may expire between the two calls; then try again
        candidate = f"inv-{incident.fingerprint[:10]}-{uuid.uuid4().hex[:10]}"
        created, investigation_id = store.put_if_absent_or_get(key, candidate, window_s)
        if investigation_id is not None:
            break
    else:  # pragma: no cover - three expiries in a row
        raise RuntimeError("coalescing key kept expiring")
    if created:
        store.put(f"inv:{investigation_id}:incident", json.dumps(incident.to_dict()), INCIDENT_TTL_S)
    count = store.incr(f"inv:{investigation_id}:occurrences", 1, INCIDENT_TTL_S)
    handed_off = False if created else store.get(f"inv:{investigation_id}:handed_off") is not None
    return Coalesced(investigation_id, created, count, handed_off)


def current_investigation(store: KeyValueStore, fingerprint: str) -> str | None:
    """The investigation the fingerprint's window belongs to, if one is open."""
    return store.get(f"coalesce:{fingerprint}")


def mark_handed_off(store: KeyValueStore, investigation_id: str) -> None:
    store.put(f"inv:{investigation_id}:handed_off", "1", INCIDENT_TTL_S)


def load_incident(store: KeyValueStore, investigation_id: str) -> Incident | None:
    raw = store.get(f"inv:{investigation_id}:incident")
    return Incident.from_dict(json.loads(raw)) if raw else None


def occurrences(store: KeyValueStore, investigation_id: str) -> int:
    raw = store.get(f"inv:{investigation_id}:occurrences")
    return int(raw) if raw else 0
