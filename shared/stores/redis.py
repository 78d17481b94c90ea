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
_CLAIM = """
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return {'lost', false} end
local previous = redis.call('GET', KEYS[1])
if previous == ARGV[3] then return {'final', previous} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
return {'claimed', previous}
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


# Coalescing in one round trip (the router's hot path), every key declared (Redis Cluster runs it in
# one slot: the keys share the fingerprint's hash tag, see shared.state.keys). KEYS: 1 the window,
# 2 the sighting record, 3-5 the candidate's incident/occurrences/handed_off, 6-8 the same of the
# investigation the caller expects the window to hold. ARGV: 1 candidate id, 2 window ms, 3 incident
# JSON, 4 incident ms, 5 sighting ms, 6 expected id, 7 '1' when there is a sighting record.
# A sighting seen before answers from its record (handed-off unknown: -1); a window held by an id the
# caller did not expect answers {id, 0, 0, 0, 2} and changes nothing, so the caller asks again naming it.
# The record's form is shared.state.coalescing.format_delivery's.
_COALESCE = """
if ARGV[7] == '1' then
  local seen = redis.call('GET', KEYS[2])
  if seen then
    local inv, created, n = string.match(seen, '^(.*)|(%d)|(%d+)$')
    local handed, at = -1, 0
    if inv == ARGV[1] then handed = redis.call('EXISTS', KEYS[5]); at = 9
    elseif inv == ARGV[6] then handed = redis.call('EXISTS', KEYS[8]); at = 10 end
    if ARGV[9] == '1' then
      redis.call('PEXPIRE', KEYS[2], ARGV[5])
      if at > 0 then redis.call('SET', KEYS[at], ARGV[8], 'PX', ARGV[4]) else handed = -1 end
    end
    return {inv, tonumber(created), tonumber(n), handed, 1}
  end
end
local inv = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'GET', 'PX', ARGV[2])
local created, base = 0, 2
if not inv then inv = ARGV[1]; created = 1
elseif inv == ARGV[6] then base = 5; redis.call('PEXPIRE', KEYS[1], ARGV[2])
else return {inv, 0, 0, 0, 2} end
if created == 1 then redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4]) end
local n = redis.call('INCR', KEYS[base + 2])
if n == 1 then redis.call('PEXPIRE', KEYS[base + 2], ARGV[4]) end
redis.call('SET', KEYS[9 + (base - 2) / 3], ARGV[8], 'PX', ARGV[4])
local handed = redis.call('EXISTS', KEYS[base + 3])
if ARGV[7] == '1' then redis.call('SET', KEYS[2], inv .. '|' .. created .. '|' .. n, 'PX', ARGV[5]) end
return {inv, created, n, handed, 0}
"""


CLUSTER_SUFFIX = "+cluster"


def _ms(ttl_s: float | None) -> int | None:
    return None if ttl_s is None else max(1, int(ttl_s * 1000))


class RedisStore:
    """KeyValueStore over Redis, or over a Redis Cluster when the URL says `redis+cluster://`; every key
    under `prefix`."""

    def __init__(self, url: str, prefix: str = "kubetriage:") -> None:
        import redis
        from redis.exceptions import RedisClusterException

        # RedisClusterException (a cross-slot call, no reachable node) is not a RedisError.
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, RedisClusterException)
        options: dict[str, Any] = {"socket_timeout": 5.0, "socket_connect_timeout": 3.0, "decode_responses": True}
        scheme, sep, rest = url.partition("://")
        if sep and scheme.endswith(CLUSTER_SUFFIX):
            # `redis+cluster://host:port` (or `rediss+cluster://`): any node of a Redis Cluster. Every
            # multi-key script touches one investigation's keys, which share a hash tag (one slot).
            from redis.cluster import RedisCluster

            self._redis: Any = RedisCluster.from_url(f"{scheme[:-len(CLUSTER_SUFFIX)]}://{rest}", **options)
        else:
            self._redis = redis.Redis.from_url(url, health_check_interval=30, **options)
        self._prefix = prefix
        self._guard = self._redis.register_script(_PUT_IF_GUARD)
        self._cad = self._redis.register_script(_DELETE_IF_EQUAL)
        self._claim = self._redis.register_script(_CLAIM)
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

    def claim(
        self, key: str, value: str, guard_key: str, guard_value: str, final: str, ttl_s: float
    ) -> tuple[str, str | None]:
        outcome, previous = self._run(lambda: self._claim(
            keys=[self._k(key), self._k(guard_key)], args=[value, guard_value, final, _ms(ttl_s)]))
        return str(outcome), (str(previous) if previous else None)

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

    def coalesce_once(self, window_key: str, sighting_key: str | None, candidate: str, expected: str,
                      window_s: float, incident_json: str, incident_ttl_s: float,
                      sighting_ttl_s: float, last_seen: str = "", touch: bool = False,
                      ) -> tuple[str, int, int, int, int]:
        """The coalescing step of shared.state.coalescing in one atomic round trip (same keys).

        The window slides (a join renews it); `touch` renews a sighting record seen again and records
        `last_seen` (an alert episode re-sent).
        """
        from shared.state.keys import inv_key

        keys = [self._k(window_key), self._k(sighting_key or window_key)]
        for inv in (candidate, expected):
            keys += [self._k(inv_key(inv, suffix)) for suffix in ("incident", "occurrences", "handed_off")]
        keys += [self._k(inv_key(inv, "last_seen")) for inv in (candidate, expected)]
        inv, created, count, handed, seen = self._run(lambda: self._coalesce(
            keys=keys, args=[candidate, _ms(window_s), incident_json, _ms(incident_ttl_s), _ms(sighting_ttl_s),
                             expected, "1" if sighting_key else "0", last_seen, "1" if touch else "0"]))
        return str(inv), int(created), int(count), int(handed), int(seen)
