"""Slack: one Block Kit message per incident, by incoming webhook or by bot token and channel.

With a bot token the message of an incident is updated in place when the same diagnosis comes
again (occurrences, last seen); an incoming webhook cannot edit, so an unchanged repeat posts
nothing. A changed diagnosis is news and is posted either way.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from shared.diagnosis import Diagnosis
from shared.errors import DeliveryError
from shared.outbound import post
from shared.ports import KeyValueStore
from shared.sinks import repeats
from shared.sinks.slack_blocks import render

log = logging.getLogger(__name__)

SLACK_API_URL: Final = "https://slack.com/api"
# Web API errors that are Slack's trouble, not ours: the platform's redelivery may get through later.
_RETRYABLE_API_ERRORS: Final = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                                          "request_timeout"})


class SlackSink:
    name = "slack"
    idempotent = False  # incoming webhooks have no idempotency key: a repeat is a second message

    def __init__(
        self,
        webhook_url: str | None = None,
        *,
        bot_token: str | None = None,
        channel: str | None = None,
        api_url: str = SLACK_API_URL,
        store: KeyValueStore | None = None,
        memory_ttl_s: float = 7 * 24 * 3600,
    ) -> None:
        if not webhook_url and not (bot_token and channel):
            raise ValueError("Slack needs an incoming webhook URL, or a bot token and a channel")
        self._webhook_url = webhook_url
        self._bot_token = bot_token
        self._channel = channel
        self._api_url = api_url.rstrip("/")
        self._store = store
        self._ttl_s = memory_ttl_s

    @property
    def _uses_bot(self) -> bool:
        return bool(self._bot_token and self._channel)

    def deliver(self, diagnosis: Diagnosis, deadline: float | None = None) -> None:
        before = repeats.recall(self._store, self.name, diagnosis) if self._store is not None else None
        said = repeats.digest(diagnosis)
        last_seen = str(diagnosis.incident.get("last_seen") or diagnosis.finished_at)
        if before is not None and before.digest == said:
            total = before.occurrences + diagnosis.occurrences
            if self._uses_bot and before.ref.get("ts"):
                body = render(diagnosis, occurrences=total, last_seen=last_seen)
                self._call("chat.update", {"channel": before.ref["channel"], "ts": before.ref["ts"], **body},
                           deadline)
            else:
                log.info("unchanged repeat not posted again",
                         extra={"sink": self.name, "investigation_id": diagnosis.investigation_id,
                                "first_investigation_id": before.investigation_id})
            self._remember(diagnosis, repeats.Posted(said, before.investigation_id, total, before.ref))
            return
        body = render(diagnosis, last_seen=last_seen)
        if self._uses_bot:
            answer = self._call("chat.postMessage", {"channel": self._channel, **body}, deadline)
            ref = {"channel": str(answer.get("channel") or self._channel), "ts": str(answer.get("ts") or "")}
        else:
            post(str(self._webhook_url), body, sink=self.name, deadline=deadline)
            ref = {}
        self._remember(diagnosis, repeats.Posted(said, diagnosis.investigation_id, diagnosis.occurrences, ref))

    def refresh(self, diagnosis: Diagnosis, occurrences_now: int, last_seen: str,
                deadline: float | None = None) -> bool:
        """Update the bot's message of this diagnosis with the incident's count now (it kept happening).

        Only a bot can edit; the record of what was posted keeps the count as of the post, so each
        refresh adds only what this investigation has seen since it was diagnosed.
        """
        before = repeats.recall(self._store, self.name, diagnosis) if self._store is not None else None
        if not (self._uses_bot and before and before.ref.get("ts") and before.digest == repeats.digest(diagnosis)):
            return False
        total = before.occurrences + max(0, occurrences_now - diagnosis.occurrences)
        body = render(diagnosis, occurrences=total, last_seen=last_seen)
        self._call("chat.update", {"channel": before.ref["channel"], "ts": before.ref["ts"], **body}, deadline)
        return True

    def _remember(self, diagnosis: Diagnosis, posted: repeats.Posted) -> None:
        if self._store is not None:
            repeats.remember(self._store, self.name, diagnosis, posted, self._ttl_s)

    def _call(self, method: str, body: dict[str, Any], deadline: float | None = None) -> dict[str, Any]:
        """A Slack Web API call: HTTP 200 with `ok: false` is still a failure, retryable or not."""
        headers = {"Authorization": f"Bearer {self._bot_token}", "Content-Type": "application/json; charset=utf-8"}
        answer = post(f"{self._api_url}/{method}", body, sink=self.name, headers=headers, deadline=deadline).json()
        if not isinstance(answer, dict) or not answer.get("ok"):
            error = str(answer.get("error") if isinstance(answer, dict) else "not JSON")
            raise DeliveryError(f"Slack {method} answered {error}", sink=self.name,
                                retryable=error in _RETRYABLE_API_ERRORS)
        return answer
