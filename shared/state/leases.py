"""Leases with fencing tokens: one invocation advances an investigation at a time.

A lease belongs to one invocation (its holder is unique per call, never per process: two requests
on two threads of one pod are two holders). The token comes from a per-investigation counter, so a
later holder always has a higher one; every write of the holder is checked against the lease's value
(holder and token) in the same atomic step. Every key here expires.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Final

from shared.errors import LeaseHeld, LeaseLost
from shared.ports import KeyValueStore
from shared.state.keys import inv_key

# The counter only has to outlive every lease it numbered (minutes), and the checkpoint it guards
# (a week, refreshed by every save) so that a holder of a new lease never sees an old token again.
FENCE_TTL_S: Final = 8 * 24 * 3600


@dataclass(frozen=True)
class Lease:
    investigation_id: str
    holder: str
    token: int

    @property
    def key(self) -> str:
        return lease_key(self.investigation_id)

    @property
    def value(self) -> str:
        return f"{self.holder}|{self.token}"


def lease_key(investigation_id: str) -> str:
    return inv_key(investigation_id, "lease")


def new_holder() -> str:
    """A holder name for one invocation."""
    return f"inv-{uuid.uuid4().hex[:16]}"


def acquire(store: KeyValueStore, investigation_id: str, holder: str, ttl_s: float) -> Lease:
    """Take the lease or raise LeaseHeld; a dead holder's lease expires and the next token is higher."""
    token = store.incr(inv_key(investigation_id, "fence"), 1, FENCE_TTL_S)
    lease = Lease(investigation_id, holder, token)
    if store.put_if_absent(lease.key, lease.value, ttl_s):
        return lease
    remaining = store.ttl(lease.key)
    raise LeaseHeld(investigation_id, int(remaining if remaining is not None else ttl_s) + 1)


def renew(store: KeyValueStore, lease: Lease, ttl_s: float) -> bool:
    """Extend the lease while it is still ours; False when another holder has it (or it expired)."""
    return store.put_if_guard(lease.key, lease.value, lease.key, lease.value, ttl_s)


def renew_or_stop(store: KeyValueStore, lease: Lease, ttl_s: float) -> None:
    """Renew before a long step (a model call, a sink post); raise LeaseLost when it is gone."""
    if not renew(store, lease, ttl_s):
        raise LeaseLost(lease.investigation_id)


def release(store: KeyValueStore, lease: Lease) -> None:
    store.delete_if_equal(lease.key, lease.value)


def is_current(store: KeyValueStore, lease: Lease) -> bool:
    return store.get(lease.key) == lease.value
