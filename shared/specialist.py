"""A specialist function: `investigation.requested` / `.continued` in, a diagnosis out once.

The reply follows Knative's contract: 200 when diagnosed and delivered, 202 when the
investigation continues in a new event, 409 while another invocation holds it, 5xx when a sink or
the store failed (redelivery resumes from the checkpoint and posts only what is missing).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from shared.diagnosis import Diagnosis
from shared.errors import InvalidInput
from shared.events import INVESTIGATION_CONTINUED, INVESTIGATION_REQUESTED
from shared.incident import Incident
from shared.investigation import Investigator
from shared.ports import EventEmitter, KeyValueStore, Sink
from shared.replies import Reply, reply_for_error
from shared.sinks import deliver_once
from shared.state import deliveries, keys, memory
from shared.state.leases import Lease

log = logging.getLogger(__name__)

RESPONSE_TTL_S: Final = 24 * 3600
_INCIDENT_REQUIRED: Final = ("fingerprint", "object_kind", "object_name", "reason")  # nodes have no namespace


@dataclass
class Specialist:
    name: str
    store: KeyValueStore
    investigator: Investigator
    sinks: Sequence[Sink]
    emitter: EventEmitter
    memory_ttl_s: int

    def handle(self, attrs: Mapping[str, str], data: Any) -> Reply:
        from shared.telemetry import extract_context, span

        parent = extract_context(attrs.get("traceparent"), attrs.get("tracestate"))
        with span("kubetriage.investigation", context=parent, **{"kubetriage.specialist": self.name,
                                                                 "cloudevents.event_type": attrs.get("type")}) as cur:
            reply = self._handle(attrs, data)
            cur.set_attributes({"http.response.status_code": reply.status,
                                "kubetriage.investigation_id": reply.body.get("investigation_id"),
                                "kubetriage.category": reply.body.get("category")})
            return reply

    def _handle(self, attrs: Mapping[str, str], data: Any) -> Reply:
        try:
            ce_type, ce_id, ce_source = attrs.get("type"), attrs.get("id"), attrs.get("source")
            investigation_id, incident = self._parse(ce_type, attrs, data)
            if ce_id and ce_source:
                previous = deliveries.recall_response(self.store, ce_source, ce_id)
                if previous is not None:
                    return Reply(previous["status"], {**previous["body"], "redelivery": True})
            def deliver(diagnosis: Diagnosis, lease: Lease, deadline: float) -> None:
                # Under the investigation's lease: no other invocation can post at the same time.
                deliver_once(self.store, diagnosis, self.sinks, lease=lease, deadline=deadline,
                             lease_ttl_s=self.investigator.settings.lease_ttl_s)
                memory.remember(self.store, Incident.from_dict(diagnosis.incident), diagnosis, self.memory_ttl_s)

            started = time.monotonic()
            outcome = self.investigator.advance(investigation_id, incident, deliver=deliver)
            if outcome.finished and outcome.diagnosis is not None:
                diagnosis = outcome.diagnosis
                from shared.telemetry import record_investigation

                t = diagnosis.tokens
                record_investigation(diagnosis.status, diagnosis.steps, t.input + t.output)
                reply = Reply(200, {
                    "investigation_id": investigation_id,
                    "status": diagnosis.status,
                    "category": diagnosis.category,
                })
            else:
                budget = self.investigator.settings.invocation_budget_s
                self.emitter.emit(
                    INVESTIGATION_CONTINUED,
                    {"investigation_id": investigation_id},
                    {"specialist": self.name, "eventid": f"continued-{investigation_id}-{ce_id}",
                     **_trace_extensions()},
                    deadline=started + budget,
                )
                reply = Reply(202, {"investigation_id": investigation_id, "status": "continuing"})
            if ce_id and ce_source:
                deliveries.remember_response(
                    self.store, ce_source, ce_id, {"status": reply.status, "body": reply.body}, RESPONSE_TTL_S
                )
            return reply
        except Exception as exc:  # noqa: BLE001 - the edge maps every failure to a status
            return reply_for_error(exc)

    def _parse(self, ce_type: str | None, attrs: Mapping[str, str], data: Any) -> tuple[str, Incident | None]:
        problems = []
        if ce_type not in (INVESTIGATION_REQUESTED, INVESTIGATION_CONTINUED):
            problems.append(
                f"type must be {INVESTIGATION_REQUESTED} or {INVESTIGATION_CONTINUED}, got {ce_type!r}"
            )
        if attrs.get("specialist") and attrs["specialist"] != self.name:
            problems.append(f"specialist attribute is {attrs['specialist']!r}, this is {self.name!r}")
        if not isinstance(data, Mapping):
            problems.append("data must be a JSON object")
            raise InvalidInput(problems)
        investigation_id = data.get("investigation_id")
        if not isinstance(investigation_id, str) or not investigation_id:
            problems.append("data.investigation_id must be a non-empty string")
        elif not keys.is_valid_id(investigation_id):
            problems.append("data.investigation_id must be 1-200 of A-Z a-z 0-9 . _ : @ / -")
        incident = None
        if ce_type == INVESTIGATION_REQUESTED:
            missing = [f"data.{k}" for k in _INCIDENT_REQUIRED if not data.get(k)]
            if missing:
                problems.append("the incident lacks " + ", ".join(missing))
        if problems:
            raise InvalidInput(problems)
        if ce_type == INVESTIGATION_REQUESTED:
            try:
                incident = Incident.from_dict(data)
            except (TypeError, ValueError) as exc:
                raise InvalidInput(f"data is not an incident: {exc}") from None
        return investigation_id, incident


def _trace_extensions() -> dict[str, str]:
    from shared.telemetry import inject_context

    return inject_context()
