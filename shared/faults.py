"""Named fault points, for the tests that break delivery on purpose (no-ops unless a test arms one).

A point is armed with an action: `kill` (SIGKILL this process, as an OOM kill or a node loss would) or
`store_error` (raise StoreError, as a Redis blip would), for its first `times` hits. Product code only
calls `hit(name)`; arming is done by tests, in-process or through devtools/faulty_function.py.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Final

from shared.errors import StoreError

AFTER_TOOL_BEFORE_SAVE: Final = "after_tool_before_save"
AFTER_SINK_POST_BEFORE_MARK: Final = "after_sink_post_before_mark"
INSIDE_MODEL_CALL: Final = "inside_model_call"
DURING_HAND_OFF: Final = "during_hand_off"
POINTS: Final = (AFTER_TOOL_BEFORE_SAVE, AFTER_SINK_POST_BEFORE_MARK, INSIDE_MODEL_CALL, DURING_HAND_OFF)
ACTIONS: Final = ("kill", "store_error")

_armed: dict[str, list[object]] = {}
_lock = threading.Lock()


def arm(point: str, action: str, times: int = 1, skip: int = 0) -> None:
    """Fire `action` at `point` on its hits number skip+1 … skip+times."""
    if point not in POINTS or action not in ACTIONS:
        raise ValueError(f"unknown fault {point}:{action}")
    with _lock:
        _armed[point] = [action, skip, times]


def disarm() -> None:
    with _lock:
        _armed.clear()


def hit(point: str) -> None:
    if not _armed:
        return
    with _lock:
        entry = _armed.get(point)
        if entry is None:
            return
        action, skip, times = entry
        if skip:  # type: ignore[truthy-bool]
            entry[1] = int(skip) - 1  # type: ignore[call-overload]
            return
        if int(times) <= 0:  # type: ignore[call-overload]
            return
        entry[2] = int(times) - 1  # type: ignore[call-overload]
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    raise StoreError(f"injected fault at {point}")
