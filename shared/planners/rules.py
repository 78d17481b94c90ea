"""The `rules` planner: the analyzers that apply read the evidence; the strongest finding wins.

Deterministic and offline. Reads go through the Evidence, so they are tool calls the loop
checkpoints; re-running the analyzers on a resumed investigation replays them from the checkpoint.

The planner always answers: `not_found` when the object the trigger names does not exist (decided
before any analyzer reads, so no other object's failure stands in for it), a sweep when a person names
only a namespace, the ranked findings when there are some, else `healthy` or an `unknown` that says what
was checked.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace

from shared.analyzers import verdicts
from shared.analyzers.base import Analyzer, Evidence
from shared.analyzers.chain import roots_first
from shared.diagnosis import Finding

log = logging.getLogger(__name__)

FAMILY_BONUS = 0.04  # the analyzer of the trigger's own family wins a near tie


class StopReading(Exception):  # noqa: N818 - control flow, not an error
    """Raised by the loop's tool runner when this invocation's budget is spent."""


def analyze(analyzers: Mapping[str, Analyzer], evidence: Evidence) -> list[Finding]:
    """The findings for the incident, best first; never empty (a verdict when no failure is found).

    `StopReading` propagates so the loop can checkpoint and continue in a later invocation.
    """
    missing = verdicts.not_found(evidence)
    if missing is not None:
        return [missing]
    if verdicts.is_sweep(evidence):
        from shared.planners.sweep import sweep

        return [sweep(evidence, lambda sub: best(run_analyzers(analyzers, sub)[0]))]
    findings, checked = run_analyzers(analyzers, evidence)
    return findings or [verdicts.healthy_or_unknown(evidence, checked)]


def run_analyzers(analyzers: Mapping[str, Analyzer], evidence: Evidence) -> tuple[list[Finding], list[str]]:
    """Run every analyzer that handles the incident: findings ranked best first, and what was ruled out.

    An analyzer that crashes is logged and skipped: one bad analyzer must not cost the diagnosis.
    """
    incident = evidence.incident
    scored: list[tuple[float, int, Finding]] = []
    checked: list[str] = []
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
            checked.append(getattr(analyzer, "looks_for", name))
            continue
        if not finding.analyzer:
            finding = replace(finding, analyzer=name)
        bonus = FAMILY_BONUS if getattr(analyzer, "family", None) == incident.family else 0.0
        scored.append((finding.confidence + bonus, -order, finding))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return roots_first([finding for _, _, finding in scored]), checked


def best(findings: Sequence[Finding]) -> Finding | None:
    return findings[0] if findings else None
