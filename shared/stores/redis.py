"""The Redis store: the shared state of every replica (atomic ops as SET NX and Lua scripts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from shared.errors import StoreError

T = TypeVar("T")

_PUT_IF_GUARD = """
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
if ARGV[3] == '' then redis.call('SET', KEYS[1], ARGV[1])
else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3]) end
return 1
"""
_DELETE_IF_EQUAL = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_INCR_WITH_TTL = """
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if ARGV[2] ~= '' and v == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v
"""


# Coalescing in one round trip (the router's hot path): a delivery seen before (KEYS[2]) answers
# from its record; otherwise join or start the window's investigation, store the incident when it
# starts, count the occurrence, record the delivery, and report whether it was handed off.
# The record's form is shared.state.coalescing.format_delivery's.
_COALESCE = """
local prefix = ARGV[5] .. 'inv:'
if KEYS[2] then
  local seen = redis.call('GET', KEYS[2])
  if seen then
    local inv, created, n = string.match(seen, '^(.*)|(%d)|(%d+)$')
    return {inv, tonumber(created), tonumber(n), redis.call('EXISTS', prefix .. inv .. ':handed_off'), 1}
  end
end
local inv = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'GET', 'PX', ARGV[2])
local created = 0
if not inv then inv = ARGV[1]; created = 1 end
local base = prefix .. inv
if created == 1 then redis.call('SET', base .. ':incident', ARGV[3], 'PX', ARGV[4]) end
local n = redis.call('INCR', base .. ':occurrences')
if n == 1 then redis.call('PEXPIRE', base .. ':occurrences', ARGV[4]) end
local handed = redis.call('EXISTS', base .. ':handed_off')
if KEYS[2] then redis.call('SET', KEYS[2], inv .. '|' .. created .. '|' .. n, 'PX', ARGV[6]) end
return {inv, created, n, handed, 0}
"""


def _ms(ttl_s: float | None) -> int | None:
    return None if ttl_s is None else max(1, int(ttl_s * 1000))


class RedisStore:
    """KeyValueStore over Redis; every key under `prefix`."""

    def __init__(self, url: str, prefix: str = "kubetriage:") -> None:
        import redis

        self._errors: tuple[type[BaseException], ...] = (redis.RedisError,)
        self._redis = redis.Redis.from_url(
            url, socket_timeout=5.0, socket_connect_timeout=3.0, decode_responses=True,
            health_check_interval=30,
        )
        self._prefix = prefix
        self._guard = self._redis.register_script(_PUT_IF_GUARD)
        self._cad = self._redis.register_script(_DELETE_IF_EQUAL)
        self._incr = self._redis.register_script(_INCR_WITH_TTL)
        self._coalesce = self._redis.register_script(_COALESCE)

    def _k(self, key: str) -> str:
        return self._prefix + key

    def _run(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except self._errors as exc:
            raise StoreError(f"redis: {type(exc).__name__}: {exc}") from exc

    def ping(self) -> bool:
        return bool(self._run(self._redis.ping))

    def get(self, key: str) -> str | None:
        return self._run(lambda: self._redis.get(self._k(key)))

    def put(self, key: str, value: str, ttl_s: float | None = None) -> None:
        self._run(lambda: self._redis.set(self._k(key), value, px=_ms(ttl_s)))

    def put_if_absent(self, key: str, value: str, ttl_s: float | None = None) -> bool:
        return bool(self._run(lambda: self._redis.set(self._k(key), value, px=_ms(ttl_s), nx=True)))

    def put_if_absent_or_get(self, key: str, value: str, ttl_s: float | None = None) -> tuple[bool, str | None]:
        # SET NX GET (Redis 7): the old value, or None when this call stored it.
        old = self._run(lambda: self._redis.set(self._k(key), value, px=_ms(ttl_s), nx=True, get=True))
        return (old is None, value if old is None else old)

    def put_if_guard(
        self, key: str, value: str, guard_key: str, guard_value: str, ttl_s: float | None = None
    ) -> bool:
        ms = _ms(ttl_s)
        args: list[Any] = [value, guard_value, "" if ms is None else str(ms)]
        return bool(self._run(lambda: self._guard(keys=[self._k(key), self._k(guard_key)], args=args)))

    def delete(self, key: str) -> None:
        self._run(lambda: self._redis.delete(self._k(key)))

    def delete_if_equal(self, key: str, value: str) -> bool:
        return bool(self._run(lambda: self._cad(keys=[self._k(key)], args=[value])))

    def incr(self, key: str, amount: int = 1, ttl_s: float | None = None) -> int:
        ms = _ms(ttl_s)
        return int(self._run(lambda: self._incr(keys=[self._k(key)], args=[amount, "" if ms is None else ms])))

    def ttl(self, key: str) -> float | None:
        ms = self._run(lambda: self._redis.pttl(self._k(key)))
        return None if ms is None or ms < 0 else ms / 1000.0

    def coalesce_once(self, coalesce_key: str, candidate: str, window_s: float, incident_json: str,
                      incident_ttl_s: float, delivery_key: str | None,
                      delivery_ttl_s: float) -> tuple[str, bool, int, bool, bool]:
        """The coalescing step of shared.state.coalescing in one atomic round trip (same keys)."""
        # The script builds the investigation's keys from the prefix: single-instance Redis, as deployed.
        keys = [self._k(coalesce_key)] + ([self._k(delivery_key)] if delivery_key else [])
        inv, created, count, handed, seen = self._run(lambda: self._coalesce(
            keys=keys, args=[candidate, _ms(window_s), incident_json, _ms(incident_ttl_s), self._prefix,
                             _ms(delivery_ttl_s)]))
        return str(inv), bool(created), int(count), bool(handed), bool(seen)
