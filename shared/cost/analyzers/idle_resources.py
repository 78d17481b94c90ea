"""AWS resources paid for and used by nothing: unattached volumes, free Elastic IPs, idle load balancers,
stopped instances' volumes, old snapshots."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import item, make_finding
from shared.analyzers.strength import Strength
from shared.cost.analyzers.common import asks, is_about_aws, prices, read_tool
from shared.cost.prices import Estimate, Prices
from shared.diagnosis import Finding
from shared.incident import Incident
from shared.tools.spec import ToolCall

SNAPSHOT_AGE_DAYS: Final = 90


def _kubernetes_tag(tags: Mapping[str, str]) -> str:
    """The PVC an EBS CSI volume was made for, when its tags say (a hint where it came from)."""
    claim = tags.get("kubernetes.io/created-for/pvc/name")
    ns = tags.get("kubernetes.io/created-for/pvc/namespace")
    return f" (made for PVC {ns}/{claim})" if claim else ""


def wasted(idle: Mapping[str, Any], table: Prices) -> list[tuple[Estimate, str, str, str]]:
    """(estimate, what, why, confirm) for every idle resource the read found."""
    out = []
    region = idle.get("region", "")
    for v in idle.get("unattached_volumes") or []:
        out.append((table.volume(str(v.get("type") or ""), float(v.get("size_gb") or 0)),
                    f"EBS volume {v.get('id')}{_kubernetes_tag(v.get('tags') or {})}",
                    "is attached to nothing (state available)",
                    f"aws ec2 describe-volumes --volume-ids {v.get('id')} --region {region}"))
    for a in idle.get("unassociated_elastic_ips") or []:
        out.append((table.elastic_ip(), f"Elastic IP {a.get('public_ip')} ({a.get('allocation_id')})",
                    "is associated with nothing",
                    f"aws ec2 describe-addresses --allocation-ids {a.get('allocation_id')} --region {region}"))
    for lb in idle.get("idle_load_balancers") or []:
        out.append((table.load_balancer(str(lb.get("type") or "application")),
                    f"{lb.get('type', 'application')} load balancer {lb.get('name')}",
                    f"has no healthy target in its {lb.get('target_groups', 0)} target group(s)",
                    f"aws elbv2 describe-load-balancers --names {lb.get('name')} --region {region}"))
    for inst in idle.get("stopped_instances") or []:
        for v in inst.get("volumes") or []:
            name = f" ({inst.get('name')})" if inst.get("name") else ""
            out.append((table.volume(str(v.get("type") or ""), float(v.get("size_gb") or 0)),
                        f"EBS volume {v.get('id')} of stopped instance {inst.get('id')}{name}",
                        "is billed while the instance is stopped",
                        f"aws ec2 describe-instances --instance-ids {inst.get('id')} --region {region}"))
    for s in idle.get("old_snapshots") or []:
        out.append((table.snapshot(float(s.get("size_gb") or 0)), f"EBS snapshot {s.get('id')}",
                    f"is {s.get('age_days')} days old (limit {idle.get('snapshot_age_days')})",
                    f"aws ec2 describe-snapshots --snapshot-ids {s.get('id')} --region {region}"))
    return sorted(out, key=lambda w: -w[0].monthly_usd)


class IdleResources:
    name = "cost_idle_resources"
    looks_for = "idle AWS resources (unattached EBS volumes, free Elastic IPs, target-less load balancers, " \
                "stopped instances' volumes, snapshots older than 90 days)"
    # Leftovers and waste, however a person puts it: such a question reads the account whether or not it
    # says "AWS" (what an environment left behind is in the cloud, not in the namespace that asks).
    answers = re.compile(r"\b(idle|unused|orphan\w*|unattached|waste\w*|wasting|forgotten|left ?overs?|"
                         r"left (?:behind|around|running)|leaves? (?:behind|around)|still (?:pay\w*|billed|charged|"
                         r"costs?|costing)|keep (?:paying|being billed)|(?:nothing|nobody|no one) uses|not used|"
                         r"no longer (?:used|needed)|decommission\w*|torn down|tear ?down|dangling|abandon\w*|"
                         r"lying around|clean ?up)\b", re.I)

    def handles(self, incident: Incident) -> bool:
        return is_about_aws(incident) or asks(self.answers, incident)

    def first_tools(self, incident: Incident) -> list[ToolCall]:
        return [ToolCall("aws_idle_resources", {}), ToolCall("aws_old_snapshots", {"age_days": SNAPSHOT_AGE_DAYS})]

    def conclude(self, evidence: Evidence) -> Finding | None:
        idle = read_tool(evidence, "aws_idle_resources")
        if not isinstance(idle, dict):
            return None
        snapshots = read_tool(evidence, "aws_old_snapshots", age_days=SNAPSHOT_AGE_DAYS)
        if isinstance(snapshots, dict):  # a failed snapshot read leaves the rest of the answer standing
            idle = {**idle, **snapshots}
        found = wasted(idle, prices(evidence))
        if not found:
            return None
        total = sum(e.monthly_usd for e, _, _, _ in found)
        evidence_items = [item(what, why) for _, what, why, _ in found[:12]]
        recs = [f"{what} {why}: {estimate.text()}. Confirm nothing uses it, then snapshot (volumes) or release "
                f"and delete it in the console." for estimate, what, why, _ in found[:12]]
        commands = list(dict.fromkeys(c for _, _, _, c in found[:12]))
        return make_finding(
            "cost_idle_resources",
            f"{len(found)} idle AWS resource(s) in {idle.get('region')} are billed and used by nothing "
            f"(about ${total:,.0f}/month, estimate); the largest: {found[0][1]}",
            "Resources outlive what they were made for: a volume whose instance or claim is gone, an address "
            "or load balancer left behind by a deleted Service, a stopped instance's disks, old snapshots. Each "
            "bills until deleted.",
            evidence_items, recs, commands, Strength.STATE_SAYS, self.name)


ANALYZER: Final = IdleResources()
