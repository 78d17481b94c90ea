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
from shared.analyzers.base import Analyzer, Evidence, StopReading
from shared.analyzers.chain import explains, roots_first
from shared.analyzers.facts import item
from shared.analyzers.strength import CONCLUSIVE, CONFIDENCE, CONTESTED, Strength, is_conclusive, strength
from shared.diagnosis import Finding

log = logging.getLogger(__name__)

__all__ = ["StopReading", "analyze", "best", "is_conclusive", "run_analyzers", "strength"]  # StopReading and the
# gate live beside what they are about (the Evidence protocol, the strengths): every specialist uses them.


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
    """Run the analyzers of the incident's failure families: findings ranked best first, and what was ruled out.

    An analyzer that crashes is logged and skipped: one bad analyzer must not cost the diagnosis.
    """
    incident = evidence.incident
    scored: list[tuple[tuple[Strength, bool, float, int], Finding]] = []
    checked: list[str] = []
    from shared.analyzers.families import applicable, families_of
    from shared.analyzers.registry import FAMILIES, POD_LEVEL

    chosen = applicable(analyzers, families_of(evidence), FAMILIES, POD_LEVEL)
    for order, (name, analyzer) in enumerate((n, analyzers[n]) for n in chosen):
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
        finding = _capped(finding)
        own_family = getattr(analyzer, "family", None) == incident.family
        scored.append(((strength(finding), own_family, finding.confidence, -order), finding))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    return _contest(_behind_rollouts(roots_first([finding for _, finding in scored]))), checked


def _behind_rollouts(ranked: list[Finding]) -> list[Finding]:
    """A stuck rollout is the symptom of what its new pods fail on: a root found behind them comes first."""
    if not ranked or ranked[0].category != "stuck_rollout":
        return ranked
    root = next((f for f in ranked[1:] if f.chain and strength(f) >= CONCLUSIVE), None)
    return ranked if root is None else [root, *(f for f in ranked if f is not root)]


def _capped(finding: Finding) -> Finding:
    """A chain that reports a Service without endpoints but ends at a workload that wants pods and has none,
    with no reason why, has not explained its root: a symptom, however sure it sounds. (Ending at the Service
    itself, or at a workload someone scaled to zero, is an explanation.)"""
    root = finding.chain[-1] if finding.chain else None
    explained = root is not None and (root.object.startswith("Service/") or "scaled to 0" in root.observation)
    if root is not None and finding.category == "service_no_endpoints" and not explained and \
            strength(finding) > Strength.SYMPTOM:
        return replace(finding, strength=Strength.SYMPTOM.name,
                       confidence=min(finding.confidence, CONFIDENCE[Strength.SYMPTOM]))
    return finding


def _contest(ranked: list[Finding]) -> list[Finding]:
    """The ranking rule's last step: a best finding with an equally strong rival of another class is contested.

    Stronger evidence wins outright; at equal strength the trigger's own family wins the tie, but neither
    can be trusted at face value: the winner's confidence drops (below the model gate) and it says so.
    """
    if len(ranked) < 2:
        return ranked
    top, rival = ranked[0], ranked[1]
    if rival.category == top.category or strength(rival) < strength(top):
        return ranked
    if top.chain and explains(top, rival):
        return ranked  # the chain explains the rival: it is the symptom of the root the chain found
    contested = replace(
        top,
        confidence=round(max(top.confidence - CONTESTED, 0.05), 2),
        evidence=(*top.evidence, item(f"competing finding ({rival.analyzer})",
                                      f"{rival.category} is as strongly supported: {rival.summary}")),
    )
    return [contested, *ranked[1:]]


def best(findings: Sequence[Finding]) -> Finding | None:
    return findings[0] if findings else None
