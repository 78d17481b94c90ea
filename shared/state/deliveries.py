"""Delivery records: redelivered CloudEvents answer as before; each sink gets a diagnosis once."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

from shared.ports import KeyValueStore
from shared.state.keys import inv_key
from shared.state.leases import Lease

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


# A sink's record for one investigation: absent (never tried), POSTING + the lease's value (a post was
# started by that holder and its end was never recorded: in doubt), FAILED (the sink said no: post again),
# or DONE.
DONE: Final = "done"
POSTING: Final = "posting|"
FAILED: Final = "failed"


def _sink_key(investigation_id: str, sink_name: str) -> str:
    return inv_key(investigation_id, f"sink:{sink_name}")


def claim_sink(store: KeyValueStore, lease: Lease, sink_name: str) -> tuple[str, str | None]:
    """Claim the sink for this lease holder in one atomic step checked against the lease (its token).

    ("done", _) when it took the diagnosis already, ("lost", _) when the lease is not ours any more,
    ("claimed", previous) otherwise, where `previous` is None or FAILED (nothing was posted) or another
    holder's POSTING record (a post whose outcome nobody recorded: in doubt).
    """
    return store.claim(_sink_key(lease.investigation_id, sink_name), POSTING + lease.value, lease.key,
                       lease.value, DONE, DELIVERY_TTL_S)


def is_in_doubt(previous: str | None) -> bool:
    return previous is not None and previous.startswith(POSTING)


def mark_sink(store: KeyValueStore, investigation_id: str, sink_name: str, state: str) -> None:
    """Record the post's end: DONE, or FAILED when the sink refused it and a redelivery may post again."""
    store.put(_sink_key(investigation_id, sink_name), state, DELIVERY_TTL_S)


def was_delivered(store: KeyValueStore, investigation_id: str, sink_name: str) -> bool:
    return store.get(_sink_key(investigation_id, sink_name)) == DONE


def first_sighting(store: KeyValueStore, key: str, ttl_s: float) -> bool:
    """True for the first caller to see `key` within ttl_s (Alertmanager HA replicas), atomically."""
    return store.put_if_absent(f"seen:{key}", "1", ttl_s)
