"""The router: intake → noise filter → coalescing → routing → `investigation.requested`.

2xx only once every accepted incident is stored and handed off; a hand-off that fails answers 503
and the redelivery hands off what is still pending (nothing accepted is lost).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from shared.errors import Unauthorized
from shared.events import INVESTIGATION_REQUESTED
from shared.incident import Incident
from shared.intake import Noise
from shared.intake.http import parse_request
from shared.ports import EventEmitter, KeyValueStore
from shared.replies import Reply, reply_for_error
from shared.routing import route
from shared.settings import Settings
from shared.state import admission, coalescing, deliveries

log = logging.getLogger(__name__)

RESPONSE_TTL_S: Final = 24 * 3600
ADMISSION_WINDOW_S: Final = 60.0


@dataclass
class Router:
    settings: Settings
    store: KeyValueStore
    emitter: EventEmitter
    classify: Callable[[str], str | None] | None = None  # the fast model, for free text only
    deployed: tuple[str, ...] = ("k8s_troubleshooter",)  # specialists that exist; others fall back

    def handle(self, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        from shared.telemetry import extract_context, span

        lower = {k.lower(): v for k, v in headers.items()}
        parent = extract_context(lower.get("ce-traceparent") or lower.get("traceparent"), lower.get("ce-tracestate"))
        with span("kubetriage.intake", context=parent, **{"http.route": path}) as current:
            reply = self._handle(path, headers, body)
            current.set_attributes({"http.response.status_code": reply.status,
                                    "kubetriage.accepted": len(reply.body.get("accepted") or [])})
            return reply

    def _handle(self, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        try:
            self._authorize(path, headers)
            intake = parse_request(path, headers, body, self.settings.cluster_name)
            if intake.ce_id and intake.ce_source and not all(isinstance(i, Noise) for i in intake.items):
                previous = deliveries.recall_response(self.store, intake.ce_source, intake.ce_id)
                if previous is not None:
                    return Reply(previous["status"], {**previous["body"], "redelivery": True})
            accepted, dropped = [], []
            for item in intake.items:
                if isinstance(item, Noise):
                    dropped.append({"reason": item.reason})
                else:
                    accepted.append(self._accept(item, intake.traceparent, intake.tracestate))
            reply = Reply(202 if accepted else 200, {"accepted": accepted, "dropped": dropped})
            if accepted and intake.ce_id and intake.ce_source:  # dropping noise again is harmless
                deliveries.remember_response(
                    self.store, intake.ce_source, intake.ce_id,
                    {"status": reply.status, "body": reply.body}, RESPONSE_TTL_S,
                )
            return reply
        except Exception as exc:  # noqa: BLE001 - the edge maps every failure to a status
            return reply_for_error(exc)

    def _authorize(self, path: str, headers: Mapping[str, str]) -> None:
        token = self.settings.alertmanager_token
        if not token or not path.rstrip("/").endswith("/alertmanager"):
            return
        given = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise Unauthorized("missing or wrong bearer token for /alertmanager")

    def _accept(self, incident: Incident, traceparent: str | None, tracestate: str | None) -> dict[str, Any]:
        window = self.settings.coalesce_window_s
        if incident.dedupe_key and not deliveries.first_sighting(
            self.store, f"alert:{incident.dedupe_key}", window
        ):
            return {"fingerprint": incident.fingerprint, "duplicate": "alertmanager replica",
                    "investigation_id": coalescing.current_investigation(self.store, incident.fingerprint),
                    "new": False}
        coalesced = coalescing.coalesce(self.store, incident, window)
        decision = route(incident)
        specialist = decision.specialist
        why = decision.why
        if coalesced.created or not coalesced.handed_off:
            if coalesced.created:
                admission.admit(self.store, "router:new", self.settings.admission_limit, ADMISSION_WINDOW_S)
            if decision.needs_model and self.classify and incident.question:
                specialist = self.classify(incident.question) or specialist
            if specialist not in self.deployed:
                # An event to a specialist nobody runs would be lost at the Broker.
                why = f"{why}; {specialist} is not deployed, so {self.deployed[0]} takes it"
                specialist = self.deployed[0]
            from shared.telemetry import inject_context, span

            with span("kubetriage.route", **{"kubetriage.specialist": specialist,
                                              "kubetriage.investigation_id": coalesced.investigation_id,
                                              "kubetriage.family": incident.family}):
                trace = inject_context()  # the hand-off continues this incident's trace
                data = {**incident.to_dict(), "specialist": specialist,
                        "investigation_id": coalesced.investigation_id}
                extensions = {
                    "specialist": specialist,
                    "traceparent": trace.get("traceparent") or traceparent or "",
                    "tracestate": trace.get("tracestate") or tracestate or "",
                    "eventid": f"requested-{coalesced.investigation_id}",
                }
                self.emitter.emit(INVESTIGATION_REQUESTED, data, extensions)
            coalescing.mark_handed_off(self.store, coalesced.investigation_id)
            log.info("investigation requested",
                     extra={"investigation_id": coalesced.investigation_id, "specialist": specialist})
        return {
            "investigation_id": coalesced.investigation_id,
            "fingerprint": incident.fingerprint,
            "new": coalesced.created,
            "occurrences": coalesced.occurrences,
            "specialist": specialist,
            "why": why,
        }

