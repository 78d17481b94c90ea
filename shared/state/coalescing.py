"""Coalescing: one investigation per fingerprint per window; repeats only count occurrences."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Final

from shared.incident import Incident
from shared.ports import KeyValueStore

INCIDENT_TTL_S: Final = 7 * 24 * 3600
HAND_OFF_CLAIM_S: Final = 60  # longer than the emitter's tries; a crashed holder's claim then lapses
# The Triggers retry 5 times, backoff from 1 s, 60 s timeouts: a redelivery comes within ~7 minutes.
# An hour covers that many times over, and Redis holds one hour's sighting records, not a day's.
SIGHTING_TTL_S: Final = 3600


@dataclass(frozen=True)
class Coalesced:
    investigation_id: str
    created: bool
    occurrences: int
    handed_off: bool
    redelivery: bool = False  # the delivery was seen before: it answers as then and counts nothing


def coalesce(store: KeyValueStore, incident: Incident, window_s: int, delivery: str | None = None) -> Coalesced:
    """Start an investigation for the fingerprint, or join the one its window already has (atomic).

    `delivery` names this sighting (one item of one CloudEvent): the same delivery again, as the
    platform redelivers, gets the first answer back instead of another occurrence.
    """
    key = f"coalesce:{incident.fingerprint}"
    once = getattr(store, "coalesce_once", None)
    if once is not None:  # a store that can do the whole step in one round trip (Redis)
        candidate = f"inv-{incident.fingerprint[:10]}-{uuid.uuid4().hex[:10]}"
        return Coalesced(*once(key, candidate, window_s, json.dumps(incident.to_dict()), INCIDENT_TTL_S,
                               delivery, SIGHTING_TTL_S))
    if delivery is not None and (seen := store.get(delivery)) is not None:
        investigation_id, created, count = parse_delivery(seen)
        return Coalesced(investigation_id, created, count, is_handed_off(store, investigation_id), True)
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
    handed_off = False if created else is_handed_off(store, investigation_id)
    if delivery is not None:
        store.put(delivery, format_delivery(investigation_id, created, count), SIGHTING_TTL_S)
    return Coalesced(investigation_id, created, count, handed_off)


def format_delivery(investigation_id: str, created: bool, occurrences: int) -> str:
    """What a delivery record holds (the Redis script writes the same form)."""
    return f"{investigation_id}|{int(created)}|{occurrences}"


def parse_delivery(record: str) -> tuple[str, bool, int]:
    investigation_id, created, count = record.rsplit("|", 2)
    return investigation_id, created == "1", int(count)


def is_handed_off(store: KeyValueStore, investigation_id: str) -> bool:
    return store.get(f"inv:{investigation_id}:handed_off") is not None


def current_investigation(store: KeyValueStore, fingerprint: str) -> str | None:
    """The investigation the fingerprint's window belongs to, if one is open."""
    return store.get(f"coalesce:{fingerprint}")


def claim_hand_off(store: KeyValueStore, investigation_id: str, owner: str) -> bool:
    """True when `owner` may hand the investigation off now (nobody else is doing it)."""
    return store.put_if_absent(f"inv:{investigation_id}:handing_off", owner, HAND_OFF_CLAIM_S)


def release_hand_off(store: KeyValueStore, investigation_id: str, owner: str) -> None:
    store.delete_if_equal(f"inv:{investigation_id}:handing_off", owner)


def mark_handed_off(store: KeyValueStore, investigation_id: str) -> None:
    store.put(f"inv:{investigation_id}:handed_off", "1", INCIDENT_TTL_S)


def load_incident(store: KeyValueStore, investigation_id: str) -> Incident | None:
    raw = store.get(f"inv:{investigation_id}:incident")
    return Incident.from_dict(json.loads(raw)) if raw else None


def occurrences(store: KeyValueStore, investigation_id: str) -> int:
    raw = store.get(f"inv:{investigation_id}:occurrences")
    return int(raw) if raw else 0
