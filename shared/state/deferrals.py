"""Deferred hand-offs: investigations stored while over the admission budget, handed off later in order.

A deferral is kept, never dropped: its incident is stored like any other, and its id is appended to a
queue of time slots (`deferred:<slot>:<n>`, counted by `deferred:<slot>:n`) with only the store's
atomic counters. A cursor names the oldest slot that may still hold work; draining walks from it, hands
off what is not yet handed off while the budget allows, and moves the cursor past slots that are done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from shared.ports import KeyValueStore
from shared.state.coalescing import is_handed_off
from shared.state.keys import inv_key

log = logging.getLogger(__name__)

SLOT_S: Final = 10
TTL_S: Final = 7 * 24 * 3600
MAX_SLOTS_PER_DRAIN: Final = 360  # an hour of slots; a drain that finds more goes on the next time
_CURSOR: Final = "deferred:cursor"
_LAST: Final = "deferred:last"


def defer(store: KeyValueStore, investigation_id: str, now: float | None = None) -> None:
    """Queue a stored investigation for a later hand-off."""
    slot = int((time.time() if now is None else now) // SLOT_S)
    store.put(inv_key(investigation_id, "deferred"), "1", TTL_S)
    n = store.incr(f"deferred:{slot}:n", 1, TTL_S)
    store.put(f"deferred:{slot}:{n}", investigation_id, TTL_S)
    store.put_if_absent(_CURSOR, str(slot), TTL_S)
    store.put(_LAST, str(slot), TTL_S)


def is_deferred(store: KeyValueStore, investigation_id: str) -> bool:
    return store.get(inv_key(investigation_id, "deferred")) is not None


@dataclass(frozen=True)
class Drained:
    handed_off: int
    pending: bool  # work is left (over budget, a failed hand-off, or a slot still being written)
    failed: bool = False  # a hand-off raised (the Broker down?): wait for the next kick, do not spin


def drain(store: KeyValueStore, hand_off: Callable[[str], bool], now: float | None = None) -> Drained:
    """Hand off deferred investigations, oldest first, until the queue is empty or `hand_off` says stop.

    `hand_off(investigation_id)` returns False when it may not go on (over budget); an exception from it
    leaves the item queued and stops this drain.
    """
    cursor, last = store.get(_CURSOR), store.get(_LAST)
    if cursor is None or last is None:
        return Drained(0, False)
    first, final = int(cursor), int(last)
    now_slot = int((time.time() if now is None else now) // SLOT_S)
    handed, open_slot = 0, None
    stop = failed = False
    end = min(final, first + MAX_SLOTS_PER_DRAIN)
    for slot in range(first, end + 1):
        for index in range(1, int(store.get(f"deferred:{slot}:n") or 0) + 1):
            investigation_id = store.get(f"deferred:{slot}:{index}")
            if investigation_id is not None and is_handed_off(store, investigation_id):
                continue
            if investigation_id is None or stop:  # being written right now, or we stopped: later
                open_slot = slot if open_slot is None else open_slot
                continue
            try:
                went = hand_off(investigation_id)
            except Exception as exc:  # noqa: BLE001 - it stays queued; the next drain tries again
                log.warning("deferred hand-off failed", extra={"investigation_id": investigation_id,
                                                                "error": f"{type(exc).__name__}: {exc}"})
                went, failed = False, True
            if went:
                handed += 1
            else:
                stop = True
                open_slot = slot if open_slot is None else open_slot
        if stop:
            break
    if open_slot is None:
        # Everything through `end` is done; the newest slot may still get writes, so keep it in view.
        open_slot = end + 1 if end < min(final, now_slot - 1) else end
    if open_slot != first:
        store.put(_CURSOR, str(open_slot), TTL_S)
    return Drained(handed, stop or end < final or (open_slot <= final and _has_work(store, open_slot)), failed)


def _has_work(store: KeyValueStore, slot: int) -> bool:
    for index in range(1, int(store.get(f"deferred:{slot}:n") or 0) + 1):
        investigation_id = store.get(f"deferred:{slot}:{index}")
        if investigation_id is None or not is_handed_off(store, investigation_id):
            return True
    return False
