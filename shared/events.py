"""CloudEvent types and the emitters that hand an event to the next function."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

from shared.errors import DeliveryError
from shared.intake.binding import encode_header_value
from shared.outbound import post_json

INVESTIGATION_REQUESTED: Final = "io.kubetriage.investigation.requested"
INVESTIGATION_CONTINUED: Final = "io.kubetriage.investigation.continued"
DIAGNOSIS_REQUESTED: Final = "io.kubetriage.diagnosis.requested"
ROUTER_SOURCE: Final = "/kubetriage/router"


def binary_headers(
    ce_type: str, source: str, extensions: Mapping[str, str], ce_id: str | None = None
) -> dict[str, str]:
    headers = {
        "ce-specversion": "1.0",
        "ce-id": ce_id or str(uuid.uuid4()),
        "ce-source": source,
        "ce-type": ce_type,
        "ce-time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    for name, value in extensions.items():
        if value:
            headers[f"ce-{name}"] = str(value)
    # The binding's percent-encoding (space, quote, %, non-ASCII, CR/LF): the receiver decodes it back.
    return {k: encode_header_value(v) if k.startswith("ce-") else v for k, v in headers.items()}


class HttpEmitter:
    """Posts binary-mode CloudEvents to the Broker, or to a specialist's URL by name (local mode)."""

    def __init__(self, broker_url: str | None, specialist_urls: Mapping[str, str] | None, source: str):
        self._broker_url = broker_url
        self._urls = dict(specialist_urls or {})
        self._source = source

    def emit(self, ce_type: str, data: Mapping[str, Any], extensions: Mapping[str, str],
             deadline: float | None = None) -> None:
        url = self._broker_url or self._urls.get(extensions.get("specialist", ""))
        if not url:
            raise DeliveryError(
                f"no Broker URL and no URL for specialist {extensions.get('specialist')!r}",
                sink="emitter",
                retryable=True,
            )
        ce_id = extensions.get("eventid") or None
        ext = {k: v for k, v in extensions.items() if k != "eventid"}
        headers = binary_headers(ce_type, self._source, ext, ce_id)
        post_json(url, json.dumps(dict(data)).encode(), sink="emitter", headers=headers, deadline=deadline)


class InProcessEmitter:
    """Hands events straight to handlers in this process (the laptop default, the CLI)."""

    def __init__(self) -> None:
        self.handlers: dict[str, Callable[[Mapping[str, str], Mapping[str, Any]], Any]] = {}
        self.queue: list[tuple[dict[str, str], dict[str, Any]]] = []

    def emit(self, ce_type: str, data: Mapping[str, Any], extensions: Mapping[str, str],
             deadline: float | None = None) -> None:
        attrs = {"type": ce_type, "id": str(uuid.uuid4()), "source": "/kubetriage/local", **extensions}
        # Queued, then drained by the caller: no recursion, and the order stays that of a Broker.
        self.queue.append((attrs, dict(data)))

    def drain(self) -> list[Any]:
        results = []
        while self.queue:
            attrs, data = self.queue.pop(0)
            handler = self.handlers.get(attrs.get("specialist", ""))
            if handler is None:
                raise DeliveryError(f"no specialist {attrs.get('specialist')!r} in this process",
                                    sink="emitter", retryable=False)
            results.append(handler(attrs, data))
        return results
