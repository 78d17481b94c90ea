"""A generic webhook: the diagnosis JSON, signed, with an idempotency key and a dead letter on failure.

Signature: `X-Kubetriage-Signature: v1=<hex>` where hex is HMAC-SHA256 with the shared secret over
`<timestamp>.<body>` and `<timestamp>` is `X-Kubetriage-Timestamp` (Unix seconds). A receiver
recomputes it over the raw body, compares in constant time, and refuses a timestamp more than
REPLAY_WINDOW_S away from its clock: a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Final

from shared.diagnosis import Diagnosis
from shared.errors import DeliveryError
from shared.outbound import ATTEMPTS, post
from shared.ports import KeyValueStore
from shared.sinks.cloudevent import diagnosis_event_id
from shared.state import dead_letters

SIGNATURE_HEADER: Final = "X-Kubetriage-Signature"
TIMESTAMP_HEADER: Final = "X-Kubetriage-Timestamp"
REPLAY_WINDOW_S: Final = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None) -> bool:
    """What a receiver does: the signature matches and the timestamp is inside the replay window."""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - ts) > REPLAY_WINDOW_S:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature)


class WebhookSink:
    name = "webhook"
    idempotent = True  # the Idempotency-Key header is the investigation's

    def __init__(
        self,
        url: str,
        *,
        secret: str | None = None,
        store: KeyValueStore | None = None,
        clock: Callable[[], float] = time.time,
        attempts: int = ATTEMPTS,
    ) -> None:
        self._url = url
        self._secret = secret
        self._store = store
        self._clock = clock
        self._attempts = attempts

    def deliver(self, diagnosis: Diagnosis, deadline: float | None = None) -> None:
        payload = diagnosis.to_dict()
        body = json.dumps(payload, sort_keys=True).encode()
        headers = {"Idempotency-Key": diagnosis_event_id(diagnosis.investigation_id)}
        if self._secret:
            ts = int(self._clock())
            headers[TIMESTAMP_HEADER] = str(ts)
            headers[SIGNATURE_HEADER] = sign(self._secret, ts, body)
        try:
            post(self._url, body, sink=self.name, headers=headers, attempts=self._attempts, deadline=deadline)
        except DeliveryError as exc:
            if self._store is not None:
                dead_letters.record(self._store, diagnosis.investigation_id, self.name, str(exc), payload)
            raise
        if self._store is not None:
            dead_letters.clear(self._store, diagnosis.investigation_id, self.name)
