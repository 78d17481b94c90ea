"""K_SINK: the diagnosis as a binary-mode `io.kubetriage.diagnosis.completed` CloudEvent."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from shared.diagnosis import Diagnosis
from shared.outbound import post_json

DIAGNOSIS_COMPLETED: Final = "io.kubetriage.diagnosis.completed"
SOURCE: Final = "/kubetriage/specialist"


def diagnosis_event_id(investigation_id: str) -> str:
    """Derived from the investigation, so a sink can de-duplicate a re-post too."""
    return f"diagnosis-{investigation_id}"


class CloudEventSink:
    name = "k_sink"
    idempotent = True  # the CloudEvent id is the investigation's: a de-duplicating consumer drops a repeat

    def __init__(self, url: str, traceparent: str | None = None) -> None:
        self._url = url
        self._traceparent = traceparent

    def deliver(self, diagnosis: Diagnosis, deadline: float | None = None) -> None:
        headers = {
            "ce-specversion": "1.0",
            "ce-id": diagnosis_event_id(diagnosis.investigation_id),
            "ce-source": f"{SOURCE}/{diagnosis.specialist}",
            "ce-type": DIAGNOSIS_COMPLETED,
            "ce-subject": _header_safe(diagnosis.investigation_id),
            "ce-time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        from shared.telemetry import inject_context

        traceparent = self._traceparent or inject_context().get("traceparent")
        if traceparent:
            headers["ce-traceparent"] = _header_safe(str(traceparent))
        post_json(self._url, diagnosis.to_dict(), sink=self.name, headers=headers, deadline=deadline)


def _header_safe(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable() and ch not in "\r\n")[:200]
