"""A generic webhook: the diagnosis JSON, with an idempotency key."""

from __future__ import annotations

from shared.diagnosis import Diagnosis
from shared.outbound import post_json
from shared.sinks.cloudevent import diagnosis_event_id


class WebhookSink:
    name = "webhook"

    def __init__(self, url: str) -> None:
        self._url = url

    def deliver(self, diagnosis: Diagnosis) -> None:
        headers = {"Idempotency-Key": diagnosis_event_id(diagnosis.investigation_id)}
        post_json(self._url, diagnosis.to_dict(), sink=self.name, headers=headers)
