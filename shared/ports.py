"""The narrow Protocols the loop, planners and router depend on, in kubetriage's own terms.

Adapters (Redis, SQLite, the kubernetes client, Anthropic, HTTP sinks) implement these; nothing that
imports this module imports an SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # annotations only: the router's cold start does without the diagnosis model
    from shared.diagnosis import Diagnosis


class KeyValueStore(Protocol):
    """Durable key-value state with the few atomic operations kubetriage needs.

    Values are strings (JSON where structured). `ttl_s` None means no expiry. Implemented by
    `shared.stores.sqlite.SqliteStore` (the embedded default) and `shared.stores.redis.RedisStore`;
    one contract suite (tests/stores/test_contract.py) runs against both.
    """

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str, ttl_s: float | None = None) -> None: ...

    def put_if_absent(self, key: str, value: str, ttl_s: float | None = None) -> bool:
        """Store only if no live value exists; True when this call stored it (atomic)."""
        ...

    def put_if_absent_or_get(self, key: str, value: str, ttl_s: float | None = None) -> tuple[bool, str | None]:
        """put_if_absent, and the value that is there when it was not absent: one atomic round trip."""
        ...

    def put_if_guard(
        self, key: str, value: str, guard_key: str, guard_value: str, ttl_s: float | None = None
    ) -> bool:
        """Store only while `guard_key` holds `guard_value` (a fencing check, atomic)."""
        ...

    def claim(
        self, key: str, value: str, guard_key: str, guard_value: str, final: str, ttl_s: float
    ) -> tuple[str, str | None]:
        """While `guard_key` holds `guard_value` and `key` does not hold `final`, store `value` (atomic).

        Returns ("lost", None) when the guard does not hold, ("final", final) when the key already
        holds `final`, else ("claimed", the value it held before, or None).
        """
        ...

    def delete(self, key: str) -> None: ...

    def delete_if_equal(self, key: str, value: str) -> bool:
        """Delete only while the key holds `value`; True when deleted (atomic)."""
        ...

    def incr(self, key: str, amount: int = 1, ttl_s: float | None = None) -> int:
        """Add to an integer counter (created at 0); the TTL is set when the key is created."""
        ...

    def ttl(self, key: str) -> float | None:
        """Seconds until the key expires; None when it has no expiry or does not exist."""
        ...


class Cluster(Protocol):
    """Read-only access to one cluster, live or from a snapshot.

    `kind` is the lower-case plural resource name (`pods`, `deployments`, `events`, ...). Objects
    come back API-shaped (as `kubectl get -o json` prints them, `kind` and `apiVersion` included).
    Secret data is never returned: secrets come back as metadata (and key names where known).
    Raises `shared.errors.TransientError` for what is worth retrying, `Forbidden` for refused reads.
    """

    name: str

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None: ...

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict[str, Any]]: ...

    def logs(
        self,
        namespace: str,
        pod: str,
        container: str,
        *,
        previous: bool = False,
        tail_lines: int | None = None,
        since_seconds: int | None = None,
    ) -> str | None:
        """The container's log text, or None where the kubelet has none."""
        ...


class Sink(Protocol):
    """Somewhere a diagnosis goes: K_SINK, Slack, a webhook, stdout."""

    name: str

    idempotent: bool  # True when a repeat with the same event id / Idempotency-Key is dropped by the receiver

    def deliver(self, diagnosis: Diagnosis, deadline: float | None = None) -> None:
        """Post the diagnosis before `deadline` (time.monotonic()); raise `DeliveryError` when not taken."""
        ...


class EventEmitter(Protocol):
    """Sends a CloudEvent to the next function (Broker, a specialist URL, or in-process)."""

    def emit(self, ce_type: str, data: Mapping[str, Any], extensions: Mapping[str, str],
             deadline: float | None = None) -> None: ...
