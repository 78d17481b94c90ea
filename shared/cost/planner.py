"""The cost analyzer's rules planner: every analyzer that applies reports; the trigger's own concern first.

Cost findings do not compete the way failure classes do: each says where money goes. The diagnosis is
the finding that answers the trigger (its words name it: a bill that jumped, an idle volume), else the
largest estimated saving; the other findings follow in its evidence and recommendations, so a person sees
every saving found. Nothing found is said as such, with what was checked and what could not be read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import replace

from shared.analyzers.base import Analyzer, Evidence, StopReading
from shared.analyzers.facts import item, make_finding
from shared.analyzers.strength import Strength
from shared.categories import HEALTHY, UNKNOWN
from shared.cost.analyzers.common import named_objects, trigger_text
from shared.cost.scope import CAN_READ, outside_source
from shared.diagnosis import Finding

log = logging.getLogger(__name__)
_MONTHLY = re.compile(r"~\$([\d,]+(?:\.\d+)?)/month")


def analyze(analyzers: Mapping[str, Analyzer], evidence: Evidence) -> list[Finding]:
    """The findings, the one that answers the trigger first; a `healthy` verdict when none."""
    incident = evidence.incident
    text = trigger_text(incident)
    elsewhere = outside_source(incident.question or incident.message or "")
    if elsewhere:  # nothing read here answers it: reading the cluster's waste would answer another question
        return [_no_source(evidence, elsewhere)]
    named = named_objects(incident)
    scored: list[tuple[tuple[bool, bool, float, int], Finding]] = []
    checked: list[str] = []
    unanswered: list[str] = []  # what the trigger asked about and could not be read
    answered = False  # an analyzer the trigger asked about read all it needed (and found nothing or something)
    results = getattr(evidence, "results", None)
    for order, (name, analyzer) in enumerate(analyzers.items()):
        answers = getattr(analyzer, "answers", None)
        asked = bool(answers is not None and answers.search(text))
        try:
            if not analyzer.handles(incident):
                continue
            before = set(results or ())
            finding = analyzer.conclude(evidence)
        except StopReading:
            raise
        except Exception:  # noqa: BLE001 - one bad analyzer must not cost the diagnosis
            log.exception("cost analyzer failed", extra={"analyzer": name})
            continue
        checked.append(getattr(analyzer, "looks_for", name))
        failed = [r for k, r in (results or {}).items() if k not in before and not r.ok]
        answered = answered or (asked and not failed)
        if finding is None:
            if asked and failed:
                unanswered.append(f"{getattr(analyzer, 'looks_for', name)} ({failed[0].tool}: {failed[0].error})")
            continue
        about_named = any(n in finding.summary for n in named)  # an alert about node X is answered about X
        scored.append(((about_named, asked, monthly_total(finding), -order), finding))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    findings = [f for _, f in scored]
    if not findings:
        # Unknown only when nothing the question asked about could be read; a part that was read answers it,
        # and the verdict says what could not be (weaker for it).
        return [_not_read(evidence, unanswered) if unanswered and not answered else _nothing_found(evidence, checked)]
    return [_with_others(findings[0], findings[1:]), *findings[1:]]


def monthly_total(finding: Finding) -> float:
    """The estimated monthly amounts a finding's recommendations name, added up."""
    return sum(float(m.group(1).replace(",", "")) for r in finding.recommendations for m in _MONTHLY.finditer(r))


def _with_others(top: Finding, others: list[Finding]) -> Finding:
    if not others:
        return top
    return replace(
        top,
        evidence=(*top.evidence, *(item(f"also found ({f.category})", f.summary) for f in others)),
        recommendations=(*top.recommendations, *(r for f in others for r in f.recommendations)),
        commands=tuple(dict.fromkeys((*top.commands, *(c for f in others for c in f.commands)))),
    )


def _allocation_sources(evidence: Evidence) -> list[str]:
    """The allocation data the analyzers read (`OpenCost allocation, last 7d`): a verdict says it was checked."""
    results = getattr(evidence, "results", None) or {}
    return list(dict.fromkeys(f"{r.data['source']}, {r.data['window']}" for r in results.values()
                              if r.tool == "cost_allocation" and r.ok and isinstance(r.data, dict)
                              and r.data.get("configured")))


def _unread(evidence: Evidence) -> list[str]:
    results = getattr(evidence, "results", None) or {}
    return [f"{r.tool}: {r.error}" for r in results.values() if not r.ok]


_ADVICE = (("(aws_", " For AWS: give the cost analyzer AWS credentials (IRSA or Pod Identity with "
             "ce:GetCostAndUsage, ec2:Describe*, elasticloadbalancing:Describe*)."),
           ("_usage:", " For usage: install metrics-server (kubectl top must work)."))


def _not_read(evidence: Evidence, unanswered: list[str]) -> Finding:
    """The trigger asked about something that could not be read: say so, never `healthy`."""
    where = f"namespace {evidence.incident.namespace}" if evidence.incident.namespace else "the cluster"
    return make_finding(
        UNKNOWN,
        f"Could not read what the question is about for {where}: " + unanswered[0].split(" (")[0],
        "The reads that would answer it failed, so nothing can be said either way: " + "; ".join(unanswered)
        + "." + "".join(advice for marker, advice in _ADVICE if any(marker in u for u in unanswered)),
        [item("could not read", u) for u in unanswered],
        ["Fix the access named above and ask again."],
        ["kubectl top nodes"], Strength.CONTEXT, "cost_planner", caveats=2)


def _no_source(evidence: Evidence, payee: str) -> Finding:
    """The question is about a bill nothing here reads: unknown, saying what is read and what is not."""
    where = f" for namespace {evidence.incident.namespace}" if evidence.incident.namespace else ""
    return make_finding(
        UNKNOWN,
        f"Cannot answer about {payee}{where}: the cost analyzer has no source for {payee}'s charges",
        f"The question is about {payee}, which the cost analyzer does not read. It reads {CAN_READ}. Nothing "
        f"it reads says what {payee} charges, so it gives no verdict rather than one about something else.",
        [item("cannot read", f"{payee} (its own billing console or usage API)"), item("can read", CAN_READ)],
        [f"Look at {payee}'s own billing or usage page for this; ask the cost analyzer about the cluster's "
         f"requests, nodes and volumes or the AWS bill."],
        [], Strength.CONTEXT, "cost_planner", caveats=2)


def _nothing_found(evidence: Evidence, checked: list[str]) -> Finding:
    incident = evidence.incident
    where = f"namespace {incident.namespace}" if incident.namespace else "the cluster"
    unread = _unread(evidence)
    sources = _allocation_sources(evidence)
    said = [item("checked", c) for c in checked] + [item("usage and cost from", s) for s in sources] + \
        [item("could not read", u) for u in unread]
    caveat = (" Some reads failed, so this is only as good as what could be read: "
              + "; ".join(unread[:3]) + ".") if unread else ""
    caveat = (f" Usage and cost over time from the {' and '.join(sources)}." if sources else "") + caveat
    return make_finding(
        HEALTHY,
        f"No cost waste or spend change found in {where}",
        f"Checked {len(checked)} kind(s) of waste and spend in {where} and found none above the thresholds."
        + caveat,
        said,
        ["Nothing to right-size now; look again when usage or the bill changes."],
        [f"kubectl top pods -n {incident.namespace}" if incident.namespace else "kubectl top nodes"],
        # Thresholds not crossed at one reading: the objects' state, with that caveat, and one more when a
        # read failed (what it would have shown is not known).
        Strength.STATE_SAYS, "cost_planner", caveats=2 if unread else 1,
    )
