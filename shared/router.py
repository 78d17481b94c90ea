"""The router: intake → noise filter → coalescing → routing → `investigation.requested`.

2xx only once every accepted incident is stored and handed off; a hand-off that fails answers 503
and the redelivery hands off what is still pending (nothing accepted is lost).
"""

from __future__ import annotations

import hmac
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from shared.errors import LeaseHeld, Unauthorized
from shared.events import INVESTIGATION_REQUESTED
from shared.incident import Incident
from shared.intake import Noise
from shared.intake.http import parse_request
from shared.investigations import record_started
from shared.ports import EventEmitter, KeyValueStore
from shared.replies import Reply, reply_for_error
from shared.routing import route
from shared.settings import Settings
from shared.state import admission, coalescing, deliveries

log = logging.getLogger(__name__)

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

    def read(self, path: str, query: Mapping[str, str], headers: Mapping[str, str]) -> Reply:
        """A GET from a person: an investigation, the recent ones, or the page (shared.api)."""
        from shared.api import PeopleApi

        answer = PeopleApi(self.store, token=self.settings.alertmanager_token).get(path, query, headers)
        return answer or Reply(404, {"error": f"no such page: {path}"})

    def _handle(self, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        try:
            self._authorize(path, headers)
            intake = parse_request(path, headers, body, self.settings.cluster_name)
            accepted, dropped, asked = [], [], False
            for index, item in enumerate(intake.items):
                if isinstance(item, Noise):
                    dropped.append({"reason": item.reason})  # dropping noise again is harmless
                    continue
                delivery = (deliveries.sighting_key(intake.ce_source, intake.ce_id, index)
                            if intake.ce_id and intake.ce_source else None)
                accepted.append(self._accept(item, delivery, intake.traceparent, intake.tracestate))
                asked = asked or item.source == "manual"
            body_out: dict[str, Any] = {"accepted": accepted, "dropped": dropped}
            if accepted and all(a.get("redelivery") for a in accepted):
                body_out["redelivery"] = True
            headers_out = {}
            if asked and len(accepted) == 1:  # the person who asked can follow it (ARCHITECTURE: the API)
                headers_out["Location"] = f"/investigations/{accepted[0]['investigation_id']}"
            return Reply(202 if accepted else 200, body_out, headers_out)
        except Exception as exc:  # noqa: BLE001 - the edge maps every failure to a status
            return reply_for_error(exc)

    def _authorize(self, path: str, headers: Mapping[str, str]) -> None:
        token = self.settings.alertmanager_token
        if not token or not path.rstrip("/").endswith("/alertmanager"):
            return
        given = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise Unauthorized("missing or wrong bearer token for /alertmanager")

    def _accept(self, incident: Incident, delivery: str | None, traceparent: str | None,
                tracestate: str | None) -> dict[str, Any]:
        window = self.settings.coalesce_window_s
        if incident.dedupe_key and not deliveries.first_sighting(
            self.store, f"alert:{incident.dedupe_key}", window
        ):
            current = coalescing.current_investigation(self.store, incident.fingerprint)
            if current and coalescing.is_handed_off(self.store, current):
                return {"fingerprint": incident.fingerprint, "duplicate": "alertmanager replica",
                        "investigation_id": current, "new": False}
            # The first sighting's hand-off failed (or is still under way): go on, so it is not lost;
            # a second hand-off of one investigation is idempotent downstream.
        coalesced = coalescing.coalesce(self.store, incident, window, delivery)
        fresh = coalesced.created and not coalesced.redelivery
        decision = route(incident)
        specialist = decision.specialist
        why = decision.why
        if fresh or not coalesced.handed_off:
            if fresh:
                admission.admit(self.store, "router:new", self.settings.admission_limit, ADMISSION_WINDOW_S)
                record_started(self.store, coalesced.investigation_id, incident)
            if decision.needs_model and self.classify and incident.question:
                specialist = self.classify(incident.question) or specialist
            if specialist not in self.deployed:
                # An event to a specialist nobody runs would be lost at the Broker.
                why = f"{why}; {specialist} is not deployed, so {self.deployed[0]} takes it"
                specialist = self.deployed[0]
            self._hand_off(incident, coalesced.investigation_id, specialist, traceparent, tracestate)
        answer = {
            "investigation_id": coalesced.investigation_id,
            "fingerprint": incident.fingerprint,
            "new": coalesced.created,
            "occurrences": coalesced.occurrences,
            "specialist": specialist,
            "why": why,
        }
        if coalesced.redelivery:
            answer["redelivery"] = True
        return answer

    def _hand_off(self, incident: Incident, investigation_id: str, specialist: str, traceparent: str | None,
                  tracestate: str | None) -> None:
        """Emit `investigation.requested` once: a sighting that finds a hand-off under way gets a 409.

        The claim keeps two concurrent sightings of one new incident from both emitting; the 409 makes
        the platform retry the later one, which by then finds the hand-off done (or, when the first
        failed and let go of its claim, does it itself). Nothing is lost and nothing doubled.
        """
        owner = uuid.uuid4().hex
        if not coalescing.claim_hand_off(self.store, investigation_id, owner):
            raise LeaseHeld(investigation_id, 2)
        from shared.telemetry import inject_context, span

        try:
            if coalescing.is_handed_off(self.store, investigation_id):
                return  # the holder before us finished between our sighting and our claim
            with span("kubetriage.route", **{"kubetriage.specialist": specialist,
                                              "kubetriage.investigation_id": investigation_id,
                                              "kubetriage.family": incident.family}):
                trace = inject_context()  # the hand-off continues this incident's trace
                data = {**incident.to_dict(), "specialist": specialist, "investigation_id": investigation_id}
                extensions = {
                    "specialist": specialist,
                    "traceparent": trace.get("traceparent") or traceparent or "",
                    "tracestate": trace.get("tracestate") or tracestate or "",
                    "eventid": f"requested-{investigation_id}",
                }
                self.emitter.emit(INVESTIGATION_REQUESTED, data, extensions)
            coalescing.mark_handed_off(self.store, investigation_id)
        finally:
            coalescing.release_hand_off(self.store, investigation_id, owner)
        log.info("investigation requested", extra={"investigation_id": investigation_id, "specialist": specialist})

