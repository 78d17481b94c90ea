"""The `rules` planner: every analyzer that handles the incident reads the evidence; the best wins.

Deterministic and offline. Reads go through the Evidence, so they are tool calls the loop
checkpoints; re-running the analyzers on a resumed investigation replays them from the checkpoint.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from shared.analyzers.base import Analyzer, Evidence
from shared.diagnosis import Finding

log = logging.getLogger(__name__)

FAMILY_BONUS = 0.04  # the analyzer of the trigger's own family wins a near tie


class StopReading(Exception):  # noqa: N818 - control flow, not an error
    """Raised by the loop's tool runner when this invocation's budget is spent."""


def analyze(analyzers: Mapping[str, Analyzer], evidence: Evidence) -> list[Finding]:
    """Run every analyzer that handles the incident; findings ranked best first.

    An analyzer that crashes is logged and skipped: one bad analyzer must not cost the diagnosis.
    `StopReading` propagates so the loop can checkpoint and continue in a later invocation.
    """
    incident = evidence.incident
    scored: list[tuple[float, int, Finding]] = []
    for order, (name, analyzer) in enumerate(analyzers.items()):
        try:
            if not analyzer.handles(incident):
                continue
            finding = analyzer.conclude(evidence)
        except StopReading:
            raise
        except Exception:  # noqa: BLE001 - isolate analyzer bugs
            log.exception("analyzer failed", extra={"analyzer": name})
            continue
        if finding is None:
            continue
        if not finding.analyzer:
            finding = _with_analyzer(finding, name)
        bonus = FAMILY_BONUS if getattr(analyzer, "family", None) == incident.family else 0.0
        scored.append((finding.confidence + bonus, -order, finding))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [finding for _, _, finding in scored]


def _with_analyzer(finding: Finding, name: str) -> Finding:
    from dataclasses import replace

    return replace(finding, analyzer=name)


def best(findings: Sequence[Finding]) -> Finding | None:
    return findings[0] if findings else None
