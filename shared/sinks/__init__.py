"""Where diagnoses go, each posted once per investigation (delivery recorded per sink)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TextIO

from shared import faults
from shared.diagnosis import Diagnosis
from shared.errors import DeliveryError, LeaseLost
from shared.ports import KeyValueStore, Sink
from shared.settings import Settings
from shared.state import deliveries, leases
from shared.state.leases import Lease

log = logging.getLogger(__name__)


def open_sinks(
    settings: Settings, stream: TextIO | None = None, *, as_json: bool = False, store: KeyValueStore | None = None
) -> list[Sink]:
    """The sinks the settings name; stdout when none is configured (or a stream is given).

    The store lets Slack recognise a repeat and the webhook keep dead letters.
    """
    from shared.sinks.cloudevent import CloudEventSink
    from shared.sinks.slack import SlackSink
    from shared.sinks.stdout import StdoutSink
    from shared.sinks.webhook import WebhookSink

    sinks: list[Sink] = []
    if settings.k_sink:
        sinks.append(CloudEventSink(settings.k_sink))
    if settings.slack_webhook_url or settings.slack_bot_token:
        sinks.append(SlackSink(settings.slack_webhook_url, bot_token=settings.slack_bot_token,
                               channel=settings.slack_channel, api_url=settings.slack_api_url, store=store,
                               memory_ttl_s=settings.memory_ttl_s))
    if settings.webhook_url:
        sinks.append(WebhookSink(settings.webhook_url, secret=settings.webhook_secret, store=store))
    if stream is not None or not sinks:
        sinks.append(StdoutSink(stream, as_json=as_json))
    return sinks


def deliver_once(
    store: KeyValueStore,
    diagnosis: Diagnosis,
    sinks: Sequence[Sink],
    *,
    lease: Lease | None = None,
    deadline: float | None = None,
    lease_ttl_s: float = 300.0,
) -> list[str]:
    """Post to every sink that has not taken this investigation's diagnosis yet, under the lease.

    Each sink is claimed first, in one atomic step checked against the lease (fencing token): a
    redelivery that arrives while a post is in flight cannot hold the lease, and a holder fenced out
    cannot claim. The claim stays behind when the process dies between the post and the mark (or the
    store fails at the mark): the next holder finds the post *in doubt* and posts again only to a sink
    that drops a repeat of the same event id (K_SINK's CloudEvent id, the webhook's Idempotency-Key);
    a sink that cannot (Slack, stdout) is not posted again, and the doubt is logged for a person.

    A retryable failure raises DeliveryError after the other sinks were tried, so the platform
    redelivers and only the sinks still missing are posted again. A sink that refuses for good (a
    4xx) is recorded as done so the event does not loop forever. Returns the sinks posted now.
    """
    if lease is None:  # a caller without an investigation's lease takes one for the delivery alone
        lease = leases.acquire(store, diagnosis.investigation_id, leases.new_holder(), lease_ttl_s)
        try:
            return deliver_once(store, diagnosis, sinks, lease=lease, deadline=deadline, lease_ttl_s=lease_ttl_s)
        finally:
            leases.release(store, lease)
    from shared.redaction import redact, redact_diagnosis

    safe = redact_diagnosis(diagnosis)
    investigation_id = diagnosis.investigation_id
    posted, failure = [], None
    for sink in sinks:
        leases.renew_or_stop(store, lease, lease_ttl_s)  # the post below ends before the deadline < lease
        state, previous = deliveries.claim_sink(store, lease, sink.name)
        if state == "final":
            continue
        if state == "lost":
            raise LeaseLost(investigation_id)
        if deliveries.is_in_doubt(previous) and not getattr(sink, "idempotent", False):
            log.error("delivery in doubt: an earlier invocation died between posting and recording it; "
                      "not posting again to a sink that cannot drop a repeat",
                      extra={"sink": sink.name, "investigation_id": investigation_id, "claim": previous})
            deliveries.mark_sink(store, investigation_id, sink.name, deliveries.DONE)
            continue
        # The post ends while the lease just renewed is still ours (and before the invocation's deadline).
        bound = time.monotonic() + lease_ttl_s * 0.8
        try:
            sink.deliver(safe, deadline=bound if deadline is None else min(deadline, bound))
        except DeliveryError as exc:
            if exc.retryable:
                log.warning("sink failed; will retry: %s", exc, extra={"sink": sink.name, "error": redact(str(exc))})
                deliveries.mark_sink(store, investigation_id, sink.name, deliveries.FAILED)
                failure = failure or exc
                continue
            log.error("sink refused the diagnosis: %s", exc, extra={"sink": sink.name, "error": redact(str(exc))})
        faults.hit(faults.AFTER_SINK_POST_BEFORE_MARK)
        deliveries.mark_sink(store, investigation_id, sink.name, deliveries.DONE)
        posted.append(sink.name)
    if failure is not None:
        raise failure
    return posted
