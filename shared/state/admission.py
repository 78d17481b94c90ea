"""Admission control: at most `limit` new investigations per window, across replicas."""

from __future__ import annotations

import time

from shared.errors import OverAdmissionLimit
from shared.ports import KeyValueStore


def admit(store: KeyValueStore, key: str, limit: int, window_s: float) -> None:
    now = time.time()
    slot = int(now // window_s)
    count = store.incr(f"admit:{key}:{slot}", 1, window_s * 2)
    if count > limit:
        raise OverAdmissionLimit(int(window_s - now % window_s) + 1)
