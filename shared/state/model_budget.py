"""One budget of model requests and tokens per minute, in the store, so every replica obeys the same one.

Each request is reserved before it is sent: one request and an estimate of its tokens (the prompt's
size and `max_tokens`), counted atomically in the current minute's keys. A reservation that would pass
either limit is given back and refused; the caller answers with the rules planner instead. When the
model answers, the estimate is replaced by the tokens it actually used, so the minute's count is true.
Every key expires two windows after it is made.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from shared.ports import KeyValueStore

WINDOW_S: Final = 60


@dataclass(frozen=True)
class Reservation:
    """A granted request: which window it counted in and the tokens it reserved there."""

    slot: int
    tokens: int


class OverModelBudget(Exception):  # noqa: N818 - reads as the state the caller falls back from
    def __init__(self, what: str, limit: int, retry_after_s: float) -> None:
        self.what = what
        self.limit = limit
        self.retry_after_s = retry_after_s
        super().__init__(f"model skipped for budget: the shared limit of {limit} model {what} per minute is spent "
                         f"(next window in {retry_after_s:.0f}s)")


class ModelBudget:
    def __init__(self, store: KeyValueStore, requests_per_window: int, tokens_per_window: int,
                 window_s: float = WINDOW_S, name: str = "anthropic",
                 clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self.requests_per_window = requests_per_window
        self.tokens_per_window = tokens_per_window
        self.window_s = window_s
        self._prefix = f"model_budget:{name}:"
        self._clock = clock

    def _keys(self, slot: int) -> tuple[str, str]:
        return f"{self._prefix}{slot}:requests", f"{self._prefix}{slot}:tokens"

    def reserve(self, estimated_tokens: int) -> Reservation:
        """Count one request and its estimated tokens in this window, or raise OverModelBudget."""
        now = self._clock()
        slot = int(now // self.window_s)
        retry = self.window_s - now % self.window_s
        requests_key, tokens_key = self._keys(slot)
        ttl = self.window_s * 2
        estimated_tokens = max(0, int(estimated_tokens))
        if self._store.incr(requests_key, 1, ttl) > self.requests_per_window:
            self._store.incr(requests_key, -1, ttl)
            raise OverModelBudget("requests", self.requests_per_window, retry)
        if self._store.incr(tokens_key, estimated_tokens, ttl) > self.tokens_per_window:
            self._store.incr(tokens_key, -estimated_tokens, ttl)
            self._store.incr(requests_key, -1, ttl)
            raise OverModelBudget("tokens", self.tokens_per_window, retry)
        return Reservation(slot, estimated_tokens)

    def settle(self, reservation: Reservation, used_tokens: int | None) -> None:
        """Replace the estimate by what the request used (None: it failed before using any, keep it)."""
        if used_tokens is None:
            return
        delta = int(used_tokens) - reservation.tokens
        if delta:
            self._store.incr(self._keys(reservation.slot)[1], delta, self.window_s * 2)

    def used(self) -> tuple[int, int]:
        """(requests, tokens) counted in the current window."""
        requests_key, tokens_key = self._keys(int(self._clock() // self.window_s))
        return int(self._store.get(requests_key) or 0), int(self._store.get(tokens_key) or 0)


def estimate_tokens(request: Mapping[str, Any]) -> int:
    """An upper-leaning estimate of a Messages API request's tokens: its prompt bytes / 3 plus max_tokens."""
    prompt = {k: request.get(k) for k in ("system", "messages", "tools")}
    size = len(json.dumps(prompt, default=str, ensure_ascii=False).encode())
    return size // 3 + int(request.get("max_tokens") or 0)


def used_tokens(message: Mapping[str, Any]) -> int:
    usage = message.get("usage") or {}
    return sum(int(usage.get(k) or 0) for k in ("input_tokens", "output_tokens", "cache_creation_input_tokens"))
