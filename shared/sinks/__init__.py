"""Where diagnoses go, each posted once per investigation (delivery recorded per sink)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TextIO

from shared.diagnosis import Diagnosis
from shared.errors import DeliveryError
from shared.ports import KeyValueStore, Sink
from shared.settings import Settings
from shared.state import deliveries

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


def deliver_once(store: KeyValueStore, diagnosis: Diagnosis, sinks: Sequence[Sink]) -> list[str]:
    """Post to every sink that has not taken this investigation's diagnosis yet.

    A retryable failure raises DeliveryError after the other sinks were tried, so the platform
    redelivers and only the sinks still missing are posted again. A sink that refuses for good (a
    4xx) is recorded as done so the event does not loop forever. Returns the sinks posted now.
    """
    from shared.redaction import redact_diagnosis

    safe = redact_diagnosis(diagnosis)
    posted, failure = [], None
    for sink in sinks:
        if deliveries.was_delivered(store, diagnosis.investigation_id, sink.name):
            continue
        try:
            sink.deliver(safe)
        except DeliveryError as exc:
            if exc.retryable:
                log.warning("sink failed; will retry", extra={"sink": sink.name, "error": str(exc)})
                failure = failure or exc
                continue
            log.error("sink refused the diagnosis", extra={"sink": sink.name, "error": str(exc)})
        deliveries.mark_delivered(store, diagnosis.investigation_id, sink.name)
        posted.append(sink.name)
    if failure is not None:
        raise failure
    return posted
