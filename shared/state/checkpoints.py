"""Checkpoints: an investigation's whole state, written only by the current lease holder."""

from __future__ import annotations

import json
from typing import Any

from shared.errors import LeaseLost
from shared.ports import KeyValueStore
from shared.state.keys import inv_key
from shared.state.leases import Lease


def _key(investigation_id: str) -> str:
    return inv_key(investigation_id, "checkpoint")


def load(store: KeyValueStore, investigation_id: str) -> dict[str, Any] | None:
    raw = store.get(_key(investigation_id))
    return json.loads(raw) if raw else None


def save(store: KeyValueStore, lease: Lease, checkpoint: dict[str, Any], ttl_s: float) -> None:
    """Write while the lease is ours; a fenced-out holder gets LeaseLost and must stop."""
    body = json.dumps(checkpoint, separators=(",", ":"))
    if not store.put_if_guard(_key(lease.investigation_id), body, lease.key, lease.value, ttl_s):
        raise LeaseLost(lease.investigation_id)
