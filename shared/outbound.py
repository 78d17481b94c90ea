"""POSTing JSON with bounded retries: the one outbound HTTP client, for hand-offs and sinks (stdlib only)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from shared.errors import DeliveryError

ATTEMPTS: Final = 3
TIMEOUT_S: Final = 10.0
RETRY_AFTER_MAX_S: Final = 30.0  # a receiver asking for longer gets the platform's redelivery instead


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


def describe_url(url: str) -> str:
    """A URL safe to log: scheme and host only (a webhook's path is often its credential)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{':' + str(parts.port) if parts.port else ''}"


def post_json(
    url: str,
    body: Any,
    *,
    sink: str,
    headers: Mapping[str, str] | None = None,
    attempts: int = ATTEMPTS,
    backoff_s: float = 0.2,
    deadline: float | None = None,
) -> int:
    """POST; retry 429/5xx/connection errors; raise DeliveryError (retryable or not)."""
    return post(url, body, sink=sink, headers=headers, attempts=attempts, backoff_s=backoff_s,
                deadline=deadline).status


def post(
    url: str,
    body: Any,
    *,
    sink: str,
    headers: Mapping[str, str] | None = None,
    attempts: int = ATTEMPTS,
    backoff_s: float = 0.2,
    deadline: float | None = None,
) -> Response:
    """POST and return the answer; retry 429/5xx/connection errors, honouring a short Retry-After.

    `deadline` (time.monotonic()) bounds every attempt's timeout and every wait: nothing outlives it.
    """
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    last = ""
    for attempt in range(1, attempts + 1):
        wait = backoff_s * 2 ** (attempt - 1)
        timeout = TIMEOUT_S if deadline is None else min(TIMEOUT_S, deadline - time.monotonic())
        if timeout <= 0:
            last = last or f"no time left before the deadline to reach {describe_url(url)}"
            break
        request = urllib.request.Request(url, data=data, headers=all_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Response(int(response.status), response.read())
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code} from {describe_url(url)}"
            if exc.code != 429 and exc.code < 500:
                raise DeliveryError(last, sink=sink, retryable=False) from None
            wait = max(wait, _retry_after_s(exc.headers.get("Retry-After")))
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = f"cannot reach {describe_url(url)}: {type(reason).__name__}"
        if attempt < attempts:
            if wait > RETRY_AFTER_MAX_S or (deadline is not None and time.monotonic() + wait >= deadline):
                break
            time.sleep(wait)
    raise DeliveryError(last, sink=sink, retryable=True)


def _retry_after_s(value: str | None) -> float:
    """Retry-After in seconds (the delta-seconds form; an HTTP date counts as too long to wait here)."""
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        return RETRY_AFTER_MAX_S + 1
