"""The router: intake → noise filter → coalescing → routing → `investigation.requested`.

2xx only once every accepted incident is stored and handed off; a hand-off that fails answers 503
and the redelivery hands off what is still pending (nothing accepted is lost).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from shared import faults
from shared.errors import InvalidInput, LeaseHeld
from shared.events import INVESTIGATION_REQUESTED
from shared.incident import Incident
from shared.intake import Noise, Resolved
from shared.intake.binding import content_mode, events_from_http, is_cloudevent
from shared.intake.doors import (
    ALERTMANAGER_PATH,
    check_bearer,
    cloudevent_needs_token,
    locked_door,
    normalize_path,
)
from shared.intake.http import Intake, intakes_from_cloudevents, webhook_from_http
from shared.intake.limits import MAX_BODY_BYTES
from shared.ports import EventEmitter, KeyValueStore
from shared.redaction import redact_fields
from shared.replies import Reply, reply_for_error
from shared.routing import route
from shared.settings import Settings
from shared.specialists import deployed as registered
from shared.state import admission, coalescing, deferrals, deliveries

log = logging.getLogger(__name__)

ADMISSION_WINDOW_S: Final = 60.0
ADMISSION_KEY: Final = "router:new"
# An alert episode lives as long as Alertmanager may re-send it: kube-prometheus repeats every 12 h,
# and every re-send renews it. A resolution shortens it to the margin (late copies of the firing alert).
EPISODE_TTL_S: Final = 3 * 24 * 3600
RESOLVED_MARGIN_S: Final = 3600
DRAIN_CHECK_S: Final = 10.0  # a request this long after the last look drains what other replicas deferred
DRAIN_LIFETIME_S: Final = 900.0
# How long an Alertmanager sighting waits for a hand-off under way in another request (the other HA
# replica's, done in milliseconds) before it answers 503; a claim whose holder died waits out its lapse.
HAND_OFF_WAIT_S: Final = 2.0
Handler = Callable[[str, Mapping[str, str], bytes], Reply]


@dataclass
class Router:
    settings: Settings
    store: KeyValueStore
    emitter: EventEmitter
    classify: Callable[[str], str | None] | None = None  # the fast model, for free text only
    # Specialists that exist (shared/specialists.py, narrowed by KUBETRIAGE_SPECIALISTS); others fall back.
    deployed: tuple[str, ...] = field(default_factory=registered)
    admission_window_s: float = ADMISSION_WINDOW_S
    background_drain: bool = True  # hand off deferrals from a thread (off: only drain_deferred() does)
    hand_off_wait_s: float = HAND_OFF_WAIT_S

    def __post_init__(self) -> None:
        # One table of routes, (method, normalized path) -> handler; any other POST is the CloudEvent
        # door. The people-facing reads add their GET routes here.
        self.routes: dict[tuple[str, str], Handler] = {("POST", ALERTMANAGER_PATH): self._alertmanager}
        self.fallback: dict[str, Handler] = {"POST": self._cloudevents}
        self._drainer: threading.Thread | None = None
        self._drain_lock = threading.Lock()
        self._last_drain_check = time.monotonic()  # the first look comes DRAIN_CHECK_S into the process

    def handle(self, path: str, headers: Mapping[str, str], body: bytes, method: str = "POST") -> Reply:
        from shared.telemetry import extract_context, span

        lower = {k.lower(): v for k, v in headers.items()}
        parent = extract_context(lower.get("ce-traceparent") or lower.get("traceparent"), lower.get("ce-tracestate"))
        with span("kubetriage.intake", context=parent, **{"http.route": path}) as current:
            if time.monotonic() - self._last_drain_check > DRAIN_CHECK_S:
                self._kick_drain()  # deferrals of a replica that went away are nobody's: look now and then
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
            if len(body) > MAX_BODY_BYTES:
                return _too_large()
            if is_cloudevent(headers):
                raise InvalidInput("CloudEvents go to /, not to /alertmanager (raw Alertmanager webhooks only)")
            reply = self._accept_all([webhook_from_http(body, self.settings.cluster_name)], alertmanager=True)
        except Exception as exc:  # noqa: BLE001 - the edge maps every failure to a status
            reply = reply_for_error(exc)
        if reply.status in (409, 429) or (400 <= reply.status < 500 and reply.status not in (400, 401, 413)):
            # A 4xx here would be dropped by Alertmanager for good: ask it to retry instead.
            reply = Reply(503, {**reply.body, "retry": True}, {"Retry-After": reply.headers.get("Retry-After", "2")})
        return reply

    def _cloudevents(self, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        try:
            if len(body) > MAX_BODY_BYTES:
                return _too_large()
            events = events_from_http(headers, body)
            locked = sorted({attrs["type"] for attrs, _ in events
                             if cloudevent_needs_token(attrs["type"], self.settings.cloudevents_require_token)})
            if locked:
                self.require_token(headers, locked_door(locked))
            # A batch is checked whole before any of it is taken (binding.py); then each event is taken
            # as if it came alone. A failure midway answers 5xx/409 and the sender's retry of the whole
            # batch finds the events already taken by their source + id: none lost, none counted twice.
            batch = content_mode(headers) == "batch"
            return self._accept_all(intakes_from_cloudevents(events, self.settings.cluster_name, batch=batch))
        except Exception as exc:  # noqa: BLE001 - the edge maps every failure to a status
            return reply_for_error(exc)

    def _accept_all(self, intakes: list[Intake], *, alertmanager: bool = False) -> Reply:
        accepted: list[dict[str, Any]] = []
        dropped: list[dict[str, Any]] = []
        asked = False
        for intake in intakes:
            asked = self._accept_intake(intake, accepted, dropped, alertmanager=alertmanager) or asked
        body_out: dict[str, Any] = {"accepted": accepted, "dropped": dropped}
        if accepted and all(a.get("redelivery") for a in accepted):
            body_out["redelivery"] = True
        headers_out = {}
        if asked and len(accepted) == 1:  # the person who asked can follow it (ARCHITECTURE: the API)
            headers_out["Location"] = f"/investigations/{accepted[0]['investigation_id']}"
        return Reply(202 if accepted else 200, body_out, headers_out)

    def _accept_intake(self, intake: Intake, accepted: list[dict[str, Any]], dropped: list[dict[str, Any]], *,
                       alertmanager: bool) -> bool:
        """Takes one event's (or webhook's) items into `accepted`/`dropped`; True when a person asked."""
        asked = False
        for index, item in enumerate(intake.items):
            if isinstance(item, Resolved):
                margin = RESOLVED_MARGIN_S if item.margin_s is None else item.margin_s
                closed = coalescing.close_episode(self.store, item.fingerprint, f"episode:{item.episode}", margin)
                dropped.append({"reason": item.reason, "investigation_id": closed})
                continue
            if isinstance(item, Noise):
                dropped.append({"reason": item.reason})  # dropping noise again is harmless
                continue
            delivery = (deliveries.sighting_key(intake.ce_source, intake.ce_id, index)
                        if intake.ce_id and intake.ce_source else None)
            accepted.append(self._accept(item, delivery, intake.traceparent, intake.tracestate,
                                         alertmanager=alertmanager))
            asked = asked or item.source == "manual"
        return asked

    def _accept(self, incident: Incident, delivery: str | None, traceparent: str | None,
                tracestate: str | None, *, alertmanager: bool = False) -> dict[str, Any]:
        # What a sender wrote (event message, alert annotations, question, labels), before it is stored or handed on.
        incident = redact_fields(incident, ("message", "question", "labels"))
        episode = incident.dedupe_key is not None
        if episode:  # an alert episode: fingerprint + startsAt, alive until it resolves (plus a margin)
            coalesced = coalescing.coalesce(self.store, incident, self.settings.coalesce_window_s,
                                            f"episode:{incident.dedupe_key}", sighting_ttl_s=EPISODE_TTL_S,
                                            touch=True)
        else:
            coalesced = coalescing.coalesce(self.store, incident, self.settings.coalesce_window_s, delivery)
        investigation_id = coalesced.investigation_id
        fresh = coalesced.created and not coalesced.redelivery
        decision = route(incident)
        specialist, why = decision.specialist, decision.why
        answer: dict[str, Any] = {"investigation_id": investigation_id, "fingerprint": incident.fingerprint,
                                  "new": fresh or (coalesced.created and not episode),
                                  "occurrences": coalesced.occurrences, "specialist": specialist, "why": why}
        if coalesced.redelivery and not episode:
            answer["redelivery"] = True
        if fresh:
            from shared.investigations import record_started  # loads checkpoint/dead-letter modules: not at cold start

            record_started(self.store, investigation_id, incident)
        if coalesced.handed_off:
            if coalesced.redelivery and episode:
                answer["duplicate"] = "episode seen before (a re-send, or the other replica)"
            if (episode or not coalesced.redelivery) and self.settings.slack_bot_token:
                # It keeps happening: the bot's message of an already diagnosed investigation says so.
                from shared.sinks.slack_refresh import refresh_on_repeat

                refresh_on_repeat(self.store, self.settings, investigation_id, coalesced.occurrences,
                                  coalescing.last_seen(self.store, investigation_id) or incident.last_seen)
            return answer
        # Admission is decided before anything is handed off, once per investigation: a retry or a
        # redelivery finds the decision (admitted, or deferred) and never skips it.
        if not fresh and deferrals.is_deferred(self.store, investigation_id):
            self._kick_drain()
            return {**answer, "deferred": True}
        if not (not fresh and admission.was_admitted(self.store, investigation_id)):
            if not admission.try_admit(self.store, ADMISSION_KEY, self.settings.admission_limit,
                                       self.admission_window_s):
                deferrals.defer(self.store, investigation_id)
                log.info("investigation deferred: over the admission budget",
                         extra={"investigation_id": investigation_id, "limit": self.settings.admission_limit})
                self._kick_drain()
                return {**answer, "deferred": True}
            admission.mark_admitted(self.store, investigation_id)
        specialist, why = self._specialist_for(incident, decision)
        answer.update(specialist=specialist, why=why)
        if alertmanager:
            self._hand_off_or_wait(incident, investigation_id, specialist, traceparent, tracestate)
        else:
            self._hand_off(incident, investigation_id, specialist, traceparent, tracestate)
        return answer

    def _hand_off_or_wait(self, incident: Incident, investigation_id: str, specialist: str,
                          traceparent: str | None, tracestate: str | None) -> None:
        """Hand off, or wait a moment for the request whose hand-off is under way; LeaseHeld (a 503 at
        the Alertmanager door) when it is not done by then.

        Alertmanager never sends a 2xx again, so a 2xx must mean handed off. The holder of the claim may
        be the other HA replica's request (done in milliseconds: wait for it) or a worker killed
        mid-emit, whose own sender's retry would otherwise be told "under way" by a claim nobody holds
        any more; the 503 brings Alertmanager back until the claim lapses and a retry hands off itself.
        """
        deadline = time.monotonic() + self.hand_off_wait_s
        while True:
            try:
                self._hand_off(incident, investigation_id, specialist, traceparent, tracestate)
                return
            except LeaseHeld:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)

    def _specialist_for(self, incident: Incident, decision: Any) -> tuple[str, str]:
        specialist, why = decision.specialist, decision.why
        if decision.needs_model and self.classify and incident.question:
            specialist = self.classify(incident.question) or specialist
        if specialist not in self.deployed:
            # An event to a specialist nobody runs would be lost at the Broker.
            why = f"{why}; {specialist} is not deployed, so {self.deployed[0]} takes it"
            specialist = self.deployed[0]
        return specialist, why

    def drain_deferred(self) -> deferrals.Drained:
        """Hand off deferred investigations while the admission budget allows (any replica may)."""

        def hand_off(investigation_id: str) -> bool:
            if not admission.was_admitted(self.store, investigation_id):
                if not admission.try_admit(self.store, ADMISSION_KEY, self.settings.admission_limit,
                                           self.admission_window_s):
                    return False
                admission.mark_admitted(self.store, investigation_id)
            incident = coalescing.load_incident(self.store, investigation_id)
            if incident is None:  # expired unhanded after a week: nothing left to hand off
                coalescing.mark_handed_off(self.store, investigation_id)
                return True
            specialist, _ = self._specialist_for(incident, route(incident))
            self._hand_off(incident, investigation_id, specialist, None, None)
            return True

        return deferrals.drain(self.store, hand_off)

    def _kick_drain(self) -> None:
        """Drain in the background until the queue is empty: the deferred need no new request to go."""
        self._last_drain_check = time.monotonic()
        if not self.background_drain:
            return
        with self._drain_lock:
            if self._drainer is not None and self._drainer.is_alive():
                return
            self._drainer = threading.Thread(target=self._drain_loop, name="kubetriage-drain", daemon=True)
            self._drainer.start()

    def _drain_loop(self) -> None:
        deadline = time.monotonic() + DRAIN_LIFETIME_S
        pause = max(0.05, self.admission_window_s / admission.BUCKETS)
        while time.monotonic() < deadline:
            try:
                drained = self.drain_deferred()
                if not drained.pending or drained.failed:
                    return
            except Exception as exc:  # noqa: BLE001 - a store blip: the next request kicks a new drain
                log.warning("draining deferred hand-offs failed", extra={"error": f"{type(exc).__name__}: {exc}"})
                return
            time.sleep(pause)

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



def _too_large() -> Reply:
    """413: never retried by Alertmanager or the Broker, and never read."""
    return Reply(413, {"error": "request body too large", "problems": [f"body: larger than {MAX_BODY_BYTES} bytes"]})
