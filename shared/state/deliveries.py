"""Delivery records: redelivered CloudEvents answer as before; each sink gets a diagnosis once."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

from shared.ports import KeyValueStore

DELIVERY_TTL_S: Final = 30 * 24 * 3600


def _event_key(ce_source: str, ce_id: str) -> str:
    digest = hashlib.sha256(f"{ce_source}\n{ce_id}".encode()).hexdigest()[:32]
    return f"ce:{digest}"


def sighting_key(ce_source: str, ce_id: str, index: int) -> str:
    """The key of one incident of one CloudEvent: a redelivery of the event finds it again."""
    return f"{_event_key(ce_source, ce_id)}:{index}"


def recall_response(store: KeyValueStore, ce_source: str, ce_id: str) -> dict[str, Any] | None:
    raw = store.get(_event_key(ce_source, ce_id))
    return json.loads(raw) if raw else None


def remember_response(
    store: KeyValueStore, ce_source: str, ce_id: str, response: dict[str, Any], ttl_s: float
) -> None:
    store.put(_event_key(ce_source, ce_id), json.dumps(response), ttl_s)


def was_delivered(store: KeyValueStore, investigation_id: str, sink_name: str) -> bool:
    return store.get(f"inv:{investigation_id}:delivered:{sink_name}") is not None


def mark_delivered(store: KeyValueStore, investigation_id: str, sink_name: str) -> None:
    store.put(f"inv:{investigation_id}:delivered:{sink_name}", "1", DELIVERY_TTL_S)


def first_sighting(store: KeyValueStore, key: str, ttl_s: float) -> bool:
    """True for the first caller to see `key` within ttl_s (Alertmanager HA replicas), atomically."""
    return store.put_if_absent(f"seen:{key}", "1", ttl_s)
