"""HTTP bodies into Intake: CloudEvents (shared.intake.binding: binary, structured, batched) and raw webhooks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from shared.errors import InvalidInput
from shared.incident import Incident
from shared.intake import Noise, Resolved, alertmanager, apiserver, manual
from shared.intake.binding import Event, event_from_http, is_cloudevent
from shared.intake.limits import parse_json, valid_traceparent, valid_tracestate

ACCEPTED_TYPES: Final = (*apiserver.TYPES, alertmanager.CE_TYPE, manual.CE_TYPE)


@dataclass(frozen=True)
class Intake:
    items: list[Incident | Noise | Resolved] = field(default_factory=list)
    ce_id: str | None = None
    ce_source: str | None = None
    ce_type: str | None = None
    traceparent: str | None = None
    tracestate: str | None = None


def webhook_from_http(body: bytes, cluster: str) -> Intake:
    """A raw Alertmanager webhook (the `/alertmanager` door) as incidents."""
    return Intake(items=alertmanager.incidents_from_webhook(parse_json(body, "the request body"), cluster))


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


def intakes_from_cloudevents(events: Sequence[Event], cluster: str, *, batch: bool = False) -> list[Intake]:
    """Every event's Intake, or one 400 naming each bad event (`events[i]: …`): a batch is all or nothing."""
    if not batch:
        return [intake_from_cloudevent(attrs, data, cluster) for attrs, data in events]
    intakes, problems = [], []
    for index, (attrs, data) in enumerate(events):
        try:
            intakes.append(intake_from_cloudevent(attrs, data, cluster))
        except InvalidInput as exc:
            problems.extend(f"events[{index}]: {problem}" for problem in exc.problems)
    if problems:
        raise InvalidInput(problems)
    return intakes


def parse_request(path: str, headers: Mapping[str, str], body: bytes, cluster: str) -> Intake:
    """One request of one event, as incidents and noise (no authorization: see shared.router)."""
    if path.rstrip("/").endswith("/alertmanager") and not is_cloudevent(headers):
        return webhook_from_http(body, cluster)
    attrs, data = event_from_http(headers, body)
    return intake_from_cloudevent(attrs, data, cluster)
