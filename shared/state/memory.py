"""Long-term memory: past diagnoses by fingerprint and by workload, scoped per cluster/namespace."""

from __future__ import annotations

import json
import time
from typing import Any, Final

from shared.diagnosis import Diagnosis
from shared.incident import Incident
from shared.ports import KeyValueStore
from shared.redaction import redact_obj

KEEP: Final = 5


def _keys(incident: Incident) -> list[str]:
    keys = [f"mem:{incident.scope}:fp:{incident.fingerprint}"]
    if incident.workload_ref:
        keys.append(f"mem:{incident.scope}:wl:{incident.workload_ref}")
    return keys


def _entries(store: KeyValueStore, key: str) -> list[dict[str, Any]]:
    raw = store.get(key)
    return json.loads(raw) if raw else []


def _replayable(entry: dict[str, Any]) -> bool:
    """A diagnosis the output policy cut something from is never replayed nor shown to a model again."""
    return not entry.get("output_policy_failed")


def remember(store: KeyValueStore, incident: Incident, diagnosis: Diagnosis, ttl_s: float) -> None:
    """Keep the diagnosis (newest first, a few per key); remembering one twice keeps one copy.

    The entry records who wrote it (`produced_by`) and whether the output policy removed anything.
    """
    from shared.output_policy import failed

    entry = {**redact_obj(diagnosis.to_dict()), "remembered_at": time.time(), "output_policy_failed": failed(diagnosis.notes)}
    for key in _keys(incident):
        kept = [e for e in _entries(store, key) if e.get("investigation_id") != diagnosis.investigation_id]
        store.put(key, json.dumps([entry, *kept][:KEEP]), ttl_s)


def recall(store: KeyValueStore, incident: Incident, limit: int = 3) -> list[dict[str, Any]]:
    """Past diagnoses of this fingerprint first, then of this workload; never another scope's."""
    seen, found = set(), []
    for key in _keys(incident):
        for entry in _entries(store, key):
            if entry.get("investigation_id") in seen or not _replayable(entry):
                continue
            seen.add(entry.get("investigation_id"))
            found.append(entry)
    return found[:limit]


def last_for_fingerprint(store: KeyValueStore, incident: Incident, within_s: float) -> dict[str, Any] | None:
    entries = _entries(store, _keys(incident)[0])
    if entries and _replayable(entries[0]) and time.time() - float(entries[0].get("remembered_at", 0)) <= within_s:
        return entries[0]
    return None
