"""The bill went up: which service, account or tag grew between the last window and the one before."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import item, make_finding
from shared.analyzers.strength import Strength
from shared.cost.analyzers.common import MONEY_WORDS, asks, is_about_aws, money, read_tool, trigger_text
from shared.diagnosis import Finding
from shared.incident import Incident
from shared.tools.spec import ToolCall

WINDOW_DAYS: Final = 7
MIN_INCREASE_SHARE: Final = 0.10  # of the previous window's total
MIN_INCREASE_USD: Final = 50.0
_TAG = re.compile(r"\btag[:= ]+([A-Za-z0-9_.:/=+@-]{1,64})", re.I)


def increase(report: Mapping[str, Any]) -> tuple[float, list[Mapping[str, Any]]] | None:
    """(total change, the rows that grew, largest first) when spend rose past both thresholds."""
    before, now = float(report.get("previous_total") or 0.0), float(report.get("current_total") or 0.0)
    change = now - before
    if change < MIN_INCREASE_USD or change < MIN_INCREASE_SHARE * before:
        return None
    grew = sorted((r for r in report.get("rows") or [] if float(r.get("change") or 0) > 0),
                  key=lambda r: -float(r.get("change") or 0))
    return change, grew


class SpendIncrease:
    name = "cost_spend_increase"
    looks_for = f"AWS spend by service over the last {WINDOW_DAYS} days against the {WINDOW_DAYS} before"
    answers = re.compile(r"\b(jump\w*|increas\w*|spik\w*|went up|go(?:ne|es)? up|grew|grow\w*|rise|rising|"
                         r"higher|doubl\w*|tripl\w*|budget|anomal\w*|bill|changed?)\b", re.I)

    def handles(self, incident: Incident) -> bool:
        # Spend that changed is read from the bill, named or not ("our costs doubled"); a change in requests
        # without a word about money is the cluster's own (over-provisioning), not the bill's.
        return is_about_aws(incident) or (asks(self.answers, incident) and bool(MONEY_WORDS.search(
            trigger_text(incident))))

    def _group(self, incident: Incident) -> str:
        m = _TAG.search(trigger_text(incident))
        return f"TAG:{m.group(1)}" if m else "SERVICE"

    def first_tools(self, incident: Incident) -> list[ToolCall]:
        return [ToolCall("aws_cost_by", {"group_by": self._group(incident), "days": WINDOW_DAYS})]

    def conclude(self, evidence: Evidence) -> Finding | None:
        group = self._group(evidence.incident)
        report = read_tool(evidence, "aws_cost_by", group_by=group, days=WINDOW_DAYS)
        if not isinstance(report, dict):
            return None
        found = increase(report)
        if found is None:
            return None
        change, grew = found
        before, now = float(report["previous_total"]), float(report["current_total"])
        unit = report.get("unit", "USD")
        share = f"{round(100 * change / before)}%" if before else "from nothing"
        top = grew[0] if grew else {"key": "(no single group)", "change": change}
        dimension = group.split(":", 1)[1] if group.startswith("TAG:") else group.lower().replace("_", " ")
        evidence_items = [item(f"Cost Explorer, {dimension} {r['key']}",
                               f"{money(float(r['previous']))} -> {money(float(r['current']))} ({unit}), "
                               f"{'+' if float(r['change']) >= 0 else ''}{money(float(r['change']))}")
                          for r in grew[:6]]
        evidence_items.insert(0, item("Cost Explorer total (UnblendedCost)",
                                      f"{report['previous_window'][0]}..{report['previous_window'][1]}: "
                                      f"{money(before)}; {report['current_window'][0]}..{report['current_window'][1]}"
                                      f": {money(now)}"))
        recs = [f"{top['key']} grew by {money(float(top['change']))} in {WINDOW_DAYS} days "
                f"(~${float(top['change']) * 30 / WINDOW_DAYS:,.2f}/month at this rate, estimate; assumes the "
                f"last {WINDOW_DAYS} days' Cost Explorer unblended cost continues): find what changed in it "
                f"(new instances, volumes, data transfer) in Cost Explorer, grouped by usage type."]
        recs += [f"Also grew: {r['key']} by {money(float(r['change']))}." for r in grew[1:4]]
        commands = [f"aws ce get-cost-and-usage --time-period Start={report['previous_window'][0]},"
                    f"End={report['current_window'][1]} --granularity DAILY --metrics UnblendedCost "
                    f"--group-by Type=DIMENSION,Key=USAGE_TYPE"]
        return make_finding(
            "cost_spend_increase",
            f"AWS spend rose {share} in the last {WINDOW_DAYS} days ({money(before)} -> {money(now)}), "
            f"mostly {top['key']} (+{money(float(top['change']))})",
            f"Cost Explorer's daily unblended cost by {dimension}: {top['key']} accounts for "
            f"{round(100 * float(top['change']) / change) if change else 0}% of the increase.",
            evidence_items, recs, commands, Strength.STATE_SAYS, self.name)


ANALYZER: Final = SpendIncrease()
