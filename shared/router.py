"""The router: intake → noise filter → coalescing → routing → `investigation.requested`.

2xx only once every accepted incident is stored and handed off; a hand-off that fails answers 503
and the redelivery hands off what is still pending (nothing accepted is lost).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from shared import faults
from shared.errors import InvalidInput, LeaseHeld
from shared.events import INVESTIGATION_REQUESTED
from shared.incident import Incident
from shared.intake import Noise, Resolved
from shared.intake.doors import ALERTMANAGER_PATH, check_bearer, cloudevent_needs_token, normalize_path
from shared.intake.http import (
    NOT_A_CLOUDEVENT,
    Intake,
    cloudevent_from_http,
    intake_from_cloudevent,
    is_cloudevent,
    webhook_from_http,
)
from shared.investigations import record_started
from shared.ports import EventEmitter, KeyValueStore
from shared.redaction import redact_obj
from shared.replies import Reply, reply_for_error
from shared.routing import route
from shared.settings import Settings
from shared.state import admission, coalescing, deliveries

log = logging.getLogger(__name__)

ADMISSION_WINDOW_S: Final = 60.0
Handler = Callable[[str, Mapping[str, str], bytes], Reply]


@dataclass
class Router:
    settings: Settings
    store: KeyValueStore
    emitter: EventEmitter
    classify: Callable[[str], str | None] | None = None  # the fast model, for free text only
    deployed: tuple[str, ...] = ("k8s_troubleshooter",)  # specialists that exist; others fall back

    def __post_init__(self) -> None:
        # One table of routes, (method, normalized path) -> handler; any other POST is the CloudEvent
        # door. The people-facing reads add their GET routes here.
        self.routes: dict[tuple[str, str], Handler] = {("POST", ALERTMANAGER_PATH): self._alertmanager}
        self.fallback: dict[str, Handler] = {"POST": self._cloudevents}

    def handle(self, path: str, headers: Mapping[str, str], body: bytes, method: str = "POST") -> Reply:
        from shared.telemetry import extract_context, span

        lower = {k.lower(): v for k, v in headers.items()}
        parent = extract_context(lower.get("ce-traceparent") or lower.get("traceparent"), lower.get("ce-tracestate"))
        with span("kubetriage.intake", context=parent, **{"http.route": path}) as current:
            route = normalize_path(path)
            handler = self.routes.get((method.upper(), route)) or self.fallback.get(method.upper())
            if handler is None:
                reply = Reply(405, {"error": f"{method} {route} is not served here"})
            else:
                reply = handler(route, headers, body)
            current.set_attributes({"http.response.status_code": reply.status,
                                    "kubetriage.accepted": len(reply.body.get("accepted") or [])})
            return reply

    def read(self, path: str, query: Mapping[str, str], headers: Mapping[str, str]) -> Reply:
        """A GET from a person: an investigation, the recent ones, or the page (shared.api)."""
        from shared.api import PeopleApi

        answer = PeopleApi(self.store, token=self.settings.alertmanager_token).get(path, query, headers)
        return answer or Reply(404, {"error": f"no such page: {path}"})

    def require_token(self, headers: Mapping[str, str], what: str) -> None:
        """The one lock, for every door that takes the token (the reads call it too)."""
        check_bearer(headers, self.settings.alertmanager_token, what)

    def _alertmanager(self, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        """Raw webhooks only. Alertmanager retries 5xx and drops every 4xx: 2xx, 400/401/413 or 5xx."""
        try:
            self.require_token(headers, ALERTMANAGER_PATH)
            if is_cloudevent(headers):
                raise InvalidInput("CloudEvents go to /, not to /alertmanager (raw Alertmanager webhooks only)")
            reply = self._accept_all(webhook_from_http(body, self.settings.cluster_name), alertmanager=True)
        except Exception as exc:  # noqa: BLE001 - the edge maps every failure to a status
            reply = reply_for_error(exc)
        if reply.status in (409, 429) or (400 <= reply.status < 500 and reply.status not in (400, 401, 413)):
            # A 4xx here would be dropped by Alertmanager for good: ask it to retry instead.
            reply = Reply(503, {**reply.body, "retry": True}, {"Retry-After": reply.headers.get("Retry-After", "2")})
        return reply

    def _cloudevents(self, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        try:
            if not is_cloudevent(headers):
                raise InvalidInput(NOT_A_CLOUDEVENT)
            attrs, data = cloudevent_from_http(headers, body)
            if cloudevent_needs_token(attrs["type"], self.settings.cloudevents_require_token):
                self.require_token(headers, f"CloudEvents of type {attrs['type']}")
            return self._accept_all(intake_from_cloudevent(attrs, data, self.settings.cluster_name))
        except Exception as exc:  # noqa: BLE001 - the edge maps every failure to a status
            return reply_for_error(exc)

    def _accept_all(self, intake: Intake, *, alertmanager: bool = False) -> Reply:
        accepted, dropped, asked = [], [], False
        for index, item in enumerate(intake.items):
            if isinstance(item, Noise | Resolved):
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

    def _accept(self, incident: Incident, delivery: str | None, traceparent: str | None,
                tracestate: str | None) -> dict[str, Any]:
        window = self.settings.coalesce_window_s
        incident = redact_obj(incident)  # event messages, alert annotations, questions: stored and handed on
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
        elif not coalesced.redelivery and self.settings.slack_bot_token:
            # It keeps happening: the bot's message of an already diagnosed investigation says so.
            from shared.sinks.slack_refresh import refresh_on_repeat

            refresh_on_repeat(self.store, self.settings, coalesced.investigation_id, coalesced.occurrences,
                              incident.last_seen)
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
                # Bounded well inside the claim, so the claim never lapses while this emit still runs.
                self.emitter.emit(INVESTIGATION_REQUESTED, data, extensions,
                                  deadline=time.monotonic() + coalescing.HAND_OFF_EMIT_S)
            faults.hit(faults.DURING_HAND_OFF)
            coalescing.mark_handed_off(self.store, investigation_id)
        finally:
            coalescing.release_hand_off(self.store, investigation_id, owner)
        log.info("investigation requested", extra={"investigation_id": investigation_id, "specialist": specialist})

