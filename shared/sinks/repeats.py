"""What a person-facing sink already posted for an incident, so a repeat updates or stays quiet.

A failure that persists starts new investigations (a later coalescing window, a re-fired alert); when
their diagnosis says the same thing, people should not be paged with it again. The record is keyed
by the incident's cluster and fingerprint, per sink, and expires with the memory of past diagnoses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from shared.diagnosis import Diagnosis
from shared.ports import KeyValueStore


@dataclass(frozen=True)
class Posted:
    digest: str  # what the diagnosis said: a repeat with another digest is news and is posted
    investigation_id: str
    occurrences: int  # over every investigation of this incident the sink has seen
    ref: Mapping[str, str] = field(default_factory=dict)  # e.g. Slack's channel and message ts


def digest(diagnosis: Diagnosis) -> str:
    said = [diagnosis.category, diagnosis.status, diagnosis.summary, diagnosis.root_cause]
    return hashlib.sha256("\n".join(said).encode()).hexdigest()[:24]


def _key(sink: str, diagnosis: Diagnosis) -> str:
    inc = diagnosis.incident
    incident = inc.get("fingerprint") or diagnosis.investigation_id
    return f"posted:{sink}:{inc.get('cluster') or 'default'}:{incident}"


def recall(store: KeyValueStore, sink: str, diagnosis: Diagnosis) -> Posted | None:
    raw = store.get(_key(sink, diagnosis))
    if not raw:
        return None
    data = json.loads(raw)
    return Posted(data["digest"], data["investigation_id"], int(data["occurrences"]), dict(data.get("ref") or {}))


def remember(store: KeyValueStore, sink: str, diagnosis: Diagnosis, posted: Posted, ttl_s: float) -> None:
    record = {**asdict(posted), "ref": dict(posted.ref)}
    store.put(_key(sink, diagnosis), json.dumps(record), ttl_s)
