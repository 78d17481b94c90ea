"""Leases with fencing tokens: one invocation advances an investigation at a time."""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import LeaseHeld
from shared.ports import KeyValueStore


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
    return f"inv:{investigation_id}:lease"


def acquire(store: KeyValueStore, investigation_id: str, holder: str, ttl_s: float) -> Lease:
    """Take the lease or raise LeaseHeld; a dead holder's lease expires and the next token is higher."""
    token = store.incr(f"inv:{investigation_id}:fence")
    lease = Lease(investigation_id, holder, token)
    if store.put_if_absent(lease.key, lease.value, ttl_s):
        return lease
    current = store.get(lease.key)
    same_holder = current is not None and current.split("|", 1)[0] == holder
    if same_holder and store.put_if_guard(lease.key, lease.value, lease.key, current, ttl_s):
        return lease
    remaining = store.ttl(lease.key)
    raise LeaseHeld(investigation_id, int(remaining if remaining is not None else ttl_s) + 1)


def renew(store: KeyValueStore, lease: Lease, ttl_s: float) -> bool:
    return store.put_if_guard(lease.key, lease.value, lease.key, lease.value, ttl_s)


def release(store: KeyValueStore, lease: Lease) -> None:
    store.delete_if_equal(lease.key, lease.value)


def is_current(store: KeyValueStore, lease: Lease) -> bool:
    return store.get(lease.key) == lease.value
