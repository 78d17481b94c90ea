"""Coalescing: one investigation per fingerprint while its failure persists; repeats only count occurrences."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from shared.incident import Incident
from shared.ports import KeyValueStore
from shared.state.keys import inv_key, tag_of, tag_of_fingerprint

INCIDENT_TTL_S: Final = 7 * 24 * 3600
# A router killed mid-hand-off leaves its claim behind; the sightings that find it answer 409, and the
# router Trigger retries for 63 s (knative/triggers.yaml), so the claim must lapse well before that.
# The emit under the claim is bounded by HAND_OFF_EMIT_S, so the claim never lapses while it runs.
HAND_OFF_CLAIM_S: Final = 20
HAND_OFF_EMIT_S: Final = 15.0
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


def coalesce(store: KeyValueStore, incident: Incident, window_s: int, delivery: str | None = None, *,
             sighting_ttl_s: float = SIGHTING_TTL_S, touch: bool = False, now: float | None = None) -> Coalesced:
    """Start an investigation for the fingerprint, or join the one its window already has (atomic).

    The window slides: every sighting that joins renews it, so a failure that persists stays one
    investigation (its occurrences and last-seen time grow) instead of a new one every window.
    `delivery` names this sighting (one item of one CloudEvent, or one alert episode): seen again, it
    gets the first answer back instead of another occurrence; with `touch` (an episode re-sent) its
    record lives `sighting_ttl_s` more and the investigation's last-seen time moves.
    """
    key = window_key(incident.fingerprint)
    sighting = _sighting_key(incident.fingerprint, delivery) if delivery is not None else None
    seen_at = _stamp(now)
    once = getattr(store, "coalesce_once", None)
    if once is not None:  # a store that can do the whole step in one round trip (Redis)
        return _coalesce_once(once, store, incident, key, sighting, window_s, sighting_ttl_s, seen_at, touch)
    if sighting is not None and (seen := store.get(sighting)) is not None:
        investigation_id, created, count = parse_delivery(seen)
        if touch:
            store.put(sighting, seen, sighting_ttl_s)
            store.put(inv_key(investigation_id, "last_seen"), seen_at, INCIDENT_TTL_S)
        return Coalesced(investigation_id, created, count, is_handed_off(store, investigation_id), True)
    for _ in range(3):  # the window may expire between the two calls; then try again
        candidate = _new_id(incident)
        created, investigation_id = store.put_if_absent_or_get(key, candidate, window_s)
        if investigation_id is not None:
            break
    else:  # pragma: no cover - three expiries in a row
        raise RuntimeError("coalescing key kept expiring")
    if created:
        store.put(inv_key(investigation_id, "incident"), json.dumps(incident.to_dict()), INCIDENT_TTL_S)
    else:  # renew the window only while it is still this investigation's
        store.put_if_guard(key, investigation_id, key, investigation_id, window_s)
    count = store.incr(inv_key(investigation_id, "occurrences"), 1, INCIDENT_TTL_S)
    store.put(inv_key(investigation_id, "last_seen"), seen_at, INCIDENT_TTL_S)
    handed_off = False if created else is_handed_off(store, investigation_id)
    if sighting is not None:
        store.put(sighting, format_delivery(investigation_id, created, count), sighting_ttl_s)
    return Coalesced(investigation_id, created, count, handed_off)


def _stamp(now: float | None) -> str:
    """A UTC time as the incidents carry it (RFC 3339, milliseconds), so it sorts as text."""
    moment = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# The investigation each fingerprint's window had last, in this process: the Redis script must declare
# every key it touches (Redis Cluster), so it is told which investigation to expect; a wrong guess costs
# one more round trip, a right one (every repeat after the first) none.
_RECENT: dict[str, str] = {}
_RECENT_MAX: Final = 4096


def _coalesce_once(once: Any, store: KeyValueStore, incident: Incident, key: str, sighting: str | None,
                   window_s: int, sighting_ttl_s: float, seen_at: str, touch: bool) -> Coalesced:
    candidate = _new_id(incident)
    guess = _RECENT.get(incident.fingerprint, candidate)
    if tag_of(guess) != tag_of(candidate):  # keys of one script call must share the slot
        guess = candidate
    body = json.dumps(incident.to_dict())
    for _ in range(3):
        inv, created, count, handed, seen = once(key, sighting, candidate, guess, window_s, body,
                                                 INCIDENT_TTL_S, sighting_ttl_s, seen_at, touch)
        if seen == 2:  # the window belongs to an investigation we did not guess: ask again, naming it
            if tag_of(inv) != tag_of(candidate):  # pragma: no cover - only a hand-written window could
                raise RuntimeError(f"coalescing window {key} holds {inv!r}, outside its hash slot")
            guess = inv
            continue
        if len(_RECENT) >= _RECENT_MAX:
            _RECENT.clear()
        _RECENT[incident.fingerprint] = inv
        if handed < 0:  # a sighting seen before whose investigation the script could not name
            handed = int(is_handed_off(store, inv))
            if touch:
                store.put(inv_key(inv, "last_seen"), seen_at, INCIDENT_TTL_S)
        return Coalesced(inv, bool(created), count, bool(handed), bool(seen))
    raise RuntimeError("coalescing window kept changing hands")  # pragma: no cover


def close_episode(store: KeyValueStore, fingerprint: str, delivery: str, margin_s: float) -> str | None:
    """An alert resolved: its episode record lives `margin_s` more, and its window closes.

    The margin keeps a late firing copy (the other HA replica, a retry) from opening a new
    investigation; the closed window makes the same alert firing again (a new `startsAt`) a new one.
    Returns the episode's investigation, or None when the episode was never seen.
    """
    sighting = _sighting_key(fingerprint, delivery)
    record = store.get(sighting)
    if record is None:
        return None
    investigation_id, _, _ = parse_delivery(record)
    if margin_s > 0:
        store.put(sighting, record, margin_s)
    else:  # no late copies to absorb: the next sighting is a new episode at once
        store.delete_if_equal(sighting, record)
    store.delete_if_equal(window_key(fingerprint), investigation_id)
    return investigation_id


def window_key(fingerprint: str) -> str:
    """The coalescing window of a fingerprint (in the hash slot of the investigations it opens)."""
    return f"coalesce:{{{tag_of_fingerprint(fingerprint)}}}:{fingerprint}"


def _sighting_key(fingerprint: str, delivery: str) -> str:
    return f"sight:{{{tag_of_fingerprint(fingerprint)}}}:{delivery}"


def _new_id(incident: Incident) -> str:
    return f"inv-{tag_of_fingerprint(incident.fingerprint)}-{uuid.uuid4().hex[:10]}"


def format_delivery(investigation_id: str, created: bool, occurrences: int) -> str:
    """What a delivery record holds (the Redis script writes the same form)."""
    return f"{investigation_id}|{int(created)}|{occurrences}"


def parse_delivery(record: str) -> tuple[str, bool, int]:
    investigation_id, created, count = record.rsplit("|", 2)
    return investigation_id, created == "1", int(count)


def is_handed_off(store: KeyValueStore, investigation_id: str) -> bool:
    return store.get(inv_key(investigation_id, "handed_off")) is not None


def current_investigation(store: KeyValueStore, fingerprint: str) -> str | None:
    """The investigation the fingerprint's window belongs to, if one is open."""
    return store.get(window_key(fingerprint))


def claim_hand_off(store: KeyValueStore, investigation_id: str, owner: str) -> bool:
    """True when `owner` may hand the investigation off now (nobody else is doing it)."""
    return store.put_if_absent(inv_key(investigation_id, "handing_off"), owner, HAND_OFF_CLAIM_S)


def release_hand_off(store: KeyValueStore, investigation_id: str, owner: str) -> None:
    store.delete_if_equal(inv_key(investigation_id, "handing_off"), owner)


def mark_handed_off(store: KeyValueStore, investigation_id: str) -> None:
    store.put(inv_key(investigation_id, "handed_off"), "1", INCIDENT_TTL_S)


def load_incident(store: KeyValueStore, investigation_id: str) -> Incident | None:
    raw = store.get(inv_key(investigation_id, "incident"))
    return Incident.from_dict(json.loads(raw)) if raw else None


def occurrences(store: KeyValueStore, investigation_id: str) -> int:
    raw = store.get(inv_key(investigation_id, "occurrences"))
    return int(raw) if raw else 0


def last_seen(store: KeyValueStore, investigation_id: str) -> str | None:
    """When a sighting of the investigation's failure last reached the router (RFC 3339, UTC)."""
    return store.get(inv_key(investigation_id, "last_seen"))
