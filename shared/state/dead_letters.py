"""Dead letters: a diagnosis a sink has not taken, kept (redacted) until it gets through or expires.

`kubetriage list --status undelivered` shows them; a later successful post clears the record.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Final

from shared.ports import KeyValueStore

DEAD_LETTER_TTL_S: Final = 14 * 24 * 3600
INDEX_KEY: Final = "deadletters:index"


def _key(investigation_id: str, sink: str) -> str:
    return f"deadletter:{investigation_id}:{sink}"


def record(store: KeyValueStore, investigation_id: str, sink: str, error: str, payload: dict[str, Any]) -> None:
    entry = {"investigation_id": investigation_id, "sink": sink, "error": error,
             "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "payload": payload}
    store.put(_key(investigation_id, sink), json.dumps(entry), DEAD_LETTER_TTL_S)
    _add_to_index(store, f"{investigation_id}\t{sink}")


def clear(store: KeyValueStore, investigation_id: str, sink: str) -> None:
    store.delete(_key(investigation_id, sink))


def undelivered(store: KeyValueStore) -> list[dict[str, Any]]:
    """Every dead letter still held, the most recent first."""
    found = []
    for member in _index(store):
        investigation_id, _, sink = member.partition("\t")
        raw = store.get(_key(investigation_id, sink))
        if raw:
            found.append(json.loads(raw))
    return sorted(found, key=lambda e: e["at"], reverse=True)


def _index(store: KeyValueStore) -> list[str]:
    raw = store.get(INDEX_KEY)
    return json.loads(raw) if raw else []


def _add_to_index(store: KeyValueStore, member: str) -> None:
    # A small read-modify-write list: dead letters are rare, and a lost index entry only hides a
    # record from `list` (the record itself stays and the sink is retried by the platform).
    members = [m for m in _index(store) if m != member][-999:] + [member]
    store.put(INDEX_KEY, json.dumps(members), DEAD_LETTER_TTL_S)
