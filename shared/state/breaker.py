"""A circuit breaker whose state lives in the store, so every replica sees it open at once."""

from __future__ import annotations

import time
from collections.abc import Callable

from shared.ports import KeyValueStore


class Breaker:
    def __init__(
        self,
        store: KeyValueStore,
        name: str,
        failure_threshold: int = 5,
        window_s: float = 60.0,
        open_s: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._k = f"breaker:{name}:"
        self.failure_threshold = failure_threshold
        self.window_s = window_s
        self.open_s = open_s
        self._clock = clock

    def _open_until(self) -> float:
        raw = self._store.get(self._k + "open_until")
        return float(raw) if raw else 0.0

    def state(self) -> str:
        if self._clock() < self._open_until():
            return "open"
        if self._store.get(self._k + "tripped"):
            return "half_open"
        return "closed"

    def allow(self) -> bool:
        state = self.state()
        if state == "open":
            return False
        if state == "half_open":
            # One probe per open period: the replica that wins it tries; the rest wait.
            return self._store.put_if_absent(self._k + "probe", "1", self.open_s)
        return True

    def record_success(self) -> None:
        for suffix in ("failures", "tripped", "probe", "open_until"):
            self._store.delete(self._k + suffix)

    def record_failure(self) -> None:
        failures = self._store.incr(self._k + "failures", 1, self.window_s)
        if failures >= self.failure_threshold or self.state() == "half_open":
            self._store.put(self._k + "open_until", str(self._clock() + self.open_s), self.open_s * 20)
            self._store.put(self._k + "tripped", "1", self.open_s * 20)
            self._store.delete(self._k + "failures")
            self._store.delete(self._k + "probe")
