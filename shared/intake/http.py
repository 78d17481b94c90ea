"""HTTP bodies into Intake: CloudEvents (binary or structured) and raw Alertmanager webhooks.

CloudEvents are decoded here from headers and JSON: the format is small, and the router's cold
start stays free of the cloudevents SDK.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from shared.errors import InvalidInput
from shared.incident import Incident
from shared.intake import Noise, Resolved, alertmanager, apiserver, manual
from shared.intake.limits import parse_json, valid_traceparent, valid_tracestate

ACCEPTED_TYPES: Final = (*apiserver.TYPES, alertmanager.CE_TYPE, manual.CE_TYPE)
_REQUIRED: Final = ("specversion", "id", "source", "type")
_PRINTABLE: Final = re.compile(r"^[\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]{1,1024}$")
NOT_A_CLOUDEVENT: Final = (
    "not a CloudEvent (no ce-* headers or application/cloudevents+json); raw Alertmanager webhooks "
    "go to /alertmanager"
)


@dataclass(frozen=True)
class Intake:
    items: list[Incident | Noise | Resolved] = field(default_factory=list)
    ce_id: str | None = None
    ce_source: str | None = None
    ce_type: str | None = None
    traceparent: str | None = None
    tracestate: str | None = None


def _json(body: bytes, what: str) -> Any:
    return parse_json(body, what)


def cloudevent_from_http(headers: Mapping[str, str], body: bytes) -> tuple[dict[str, str], Any]:
    """A CloudEvent's attributes (lower-case, no `ce-`) and its data, binary or structured mode."""
    lower = {k.lower(): v for k, v in headers.items()}
    if lower.get("content-type", "").startswith("application/cloudevents+json"):
        event = _json(body, "the structured CloudEvent")
        if not isinstance(event, Mapping):
            raise InvalidInput("a structured CloudEvent must be a JSON object")
        attrs = {k: str(v) for k, v in event.items() if k not in ("data", "data_base64")}
        data = event.get("data")
        if isinstance(data, str) and str(event.get("datacontenttype", "")).endswith("json"):
            data = _json(data.encode(), "the CloudEvent's data")
    else:
        attrs = {k[3:]: v for k, v in lower.items() if k.startswith("ce-")}
        data = _json(body, "the CloudEvent's data")
    missing = [name for name in _REQUIRED if not attrs.get(name)]
    if missing:
        raise InvalidInput([f"CloudEvent attribute {name!r} is missing" for name in missing])
    bad = [name for name in _REQUIRED if not _PRINTABLE.match(attrs[name])]
    if bad:
        raise InvalidInput([f"CloudEvent attribute {name!r} must be printable text (at most 1024 characters)"
                            for name in bad])
    if attrs["specversion"] != "1.0":
        raise InvalidInput(f"specversion must be 1.0, got {attrs['specversion']!r}")
    return attrs, data


def is_cloudevent(headers: Mapping[str, str]) -> bool:
    lower = {k.lower() for k in headers}
    content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    return "ce-type" in lower or "ce-specversion" in lower or content_type.startswith(
        "application/cloudevents+json"
    )


def webhook_from_http(body: bytes, cluster: str) -> Intake:
    """A raw Alertmanager webhook (the `/alertmanager` door) as incidents."""
    return Intake(items=alertmanager.incidents_from_webhook(_json(body, "the request body"), cluster))


def intake_from_cloudevent(attrs: Mapping[str, str], data: Any, cluster: str) -> Intake:
    """A CloudEvent's data as incidents, by its type; InvalidInput for a type the router does not take."""
    ce_type = attrs["type"]
    if ce_type in apiserver.TYPES:
        items: list[Incident | Noise | Resolved] = apiserver.items_from_event(attrs, data, cluster)
    elif ce_type == alertmanager.CE_TYPE:
        items = list(alertmanager.incidents_from_webhook(data, cluster))
    elif ce_type == manual.CE_TYPE:
        items = [manual.incident_from_request(data, cluster)]
    else:
        raise InvalidInput(f"CloudEvent type {ce_type!r} is not one of {', '.join(ACCEPTED_TYPES)}")
    return Intake(
        items=items,
        ce_id=attrs["id"],
        ce_source=attrs["source"],
        ce_type=ce_type,
        traceparent=valid_traceparent(attrs.get("traceparent")),
        tracestate=valid_tracestate(attrs.get("tracestate")),
    )


def parse_request(path: str, headers: Mapping[str, str], body: bytes, cluster: str) -> Intake:
    """Whatever reached the router, as incidents and noise (no authorization: see shared.router)."""
    if path.rstrip("/").endswith("/alertmanager") and not is_cloudevent(headers):
        return webhook_from_http(body, cluster)
    if not is_cloudevent(headers):
        raise InvalidInput(NOT_A_CLOUDEVENT)
    attrs, data = cloudevent_from_http(headers, body)
    return intake_from_cloudevent(attrs, data, cluster)
