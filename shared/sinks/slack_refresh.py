"""A repeat of an incident already diagnosed updates its Slack message (bot only), at most once a minute.

The router sees every repeat (coalesced into the open investigation), the specialist does not: so the
router asks for the refresh. It is best effort and bounded: one store round trip decides whether this
repeat may refresh (a claim that lapses after REFRESH_EVERY_S), the Slack call gets a short deadline,
and a failure is logged, never answered to the sender; with no bot configured it costs nothing.
"""

from __future__ import annotations

import logging
import time
from typing import Final

from shared.ports import KeyValueStore
from shared.settings import Settings

log = logging.getLogger(__name__)

REFRESH_EVERY_S: Final = 60
REFRESH_TIMEOUT_S: Final = 3.0


def refresh_on_repeat(store: KeyValueStore, settings: Settings, investigation_id: str, occurrences: int,
                      last_seen: str | None) -> bool:
    """True when the investigation's Slack message was updated with `occurrences`."""
    if not (settings.slack_bot_token and settings.slack_channel):
        return False
    from shared.state.keys import inv_key

    if not store.put_if_absent(inv_key(investigation_id, "slack_refresh"), "1", REFRESH_EVERY_S):
        return False
    try:
        from shared.diagnosis import Diagnosis
        from shared.sinks.slack import SlackSink
        from shared.state import checkpoints

        checkpoint = checkpoints.load(store, investigation_id) or {}
        if not checkpoint.get("diagnosis"):
            return False  # not diagnosed yet: the diagnosis, when it comes, carries the count
        sink = SlackSink(bot_token=settings.slack_bot_token, channel=settings.slack_channel,
                         api_url=settings.slack_api_url, store=store, memory_ttl_s=settings.memory_ttl_s)
        diagnosis = Diagnosis.from_dict(checkpoint["diagnosis"])
        return sink.refresh(diagnosis, occurrences, last_seen or diagnosis.finished_at,
                            deadline=time.monotonic() + REFRESH_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - a refresh is a courtesy: it never fails the intake
        log.warning("slack refresh failed: %s", exc, extra={"investigation_id": investigation_id})
        return False
