"""Admission control: at most `limit` new investigations in any `window_s`, one budget for every replica.

The window is cut into BUCKETS counters in the shared store; a request counts itself in the current
bucket, then sums that bucket and the BUCKETS before it: any interval of `window_s` lies inside those
BUCKETS + 1 buckets, so no interval ever holds more than `limit` grants (a fixed window would allow
twice the limit across its edge). A refused request takes its count back; two racing requests may both
be refused near the limit, never both granted over it.
"""

from __future__ import annotations

import time
from typing import Final

from shared.errors import OverAdmissionLimit
from shared.ports import KeyValueStore
from shared.state.keys import inv_key

BUCKETS: Final = 10
ADMITTED_TTL_S: Final = 7 * 24 * 3600


def try_admit(store: KeyValueStore, key: str, limit: int, window_s: float, now: float | None = None) -> bool:
    """True (and counted) when one more grant keeps every `window_s` interval within `limit`."""
    now = time.time() if now is None else now
    width = window_s / BUCKETS
    slot = int(now // width)
    ttl = window_s + 2 * width

    def bucket(n: int) -> str:
        return f"admit:{key}:{window_s:g}:{n}"

    mine = store.incr(bucket(slot), 1, ttl)
    total = mine + sum(int(store.get(bucket(n)) or 0) for n in range(slot - BUCKETS, slot))
    if total > limit:
        store.incr(bucket(slot), -1, ttl)
        return False
    return True


def retry_after_s(window_s: float, now: float | None = None) -> int:
    """Seconds until the oldest bucket leaves the window (when a refused request may fit)."""
    now = time.time() if now is None else now
    width = window_s / BUCKETS
    return max(1, int(width - now % width) + 1)


def admit(store: KeyValueStore, key: str, limit: int, window_s: float) -> None:
    """try_admit that raises OverAdmissionLimit (with Retry-After) when refused."""
    if not try_admit(store, key, limit, window_s):
        raise OverAdmissionLimit(retry_after_s(window_s))


def mark_admitted(store: KeyValueStore, investigation_id: str) -> None:
    """The investigation's grant is spent: a retried hand-off does not ask again."""
    store.put(inv_key(investigation_id, "admitted"), "1", ADMITTED_TTL_S)


def was_admitted(store: KeyValueStore, investigation_id: str) -> bool:
    return store.get(inv_key(investigation_id, "admitted")) is not None
