"""POSTing JSON with bounded retries: the one outbound HTTP client, for hand-offs and sinks (stdlib only)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from shared.errors import DeliveryError

ATTEMPTS: Final = 3
TIMEOUT_S: Final = 10.0


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
) -> int:
    """POST; retry 429/5xx/connection errors; raise DeliveryError (retryable or not)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    last = ""
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(url, data=data, headers=all_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code} from {describe_url(url)}"
            if exc.code != 429 and exc.code < 500:
                raise DeliveryError(last, sink=sink, retryable=False) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = f"cannot reach {describe_url(url)}: {type(reason).__name__}"
        if attempt < attempts:
            time.sleep(backoff_s * 2 ** (attempt - 1))
    raise DeliveryError(last, sink=sink, retryable=True)
