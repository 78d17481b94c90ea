"""The cost analyzer's AWS tools, declared once: spend by dimension and window, waste, EC2 by type."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, Final

from shared.cost.aws import AwsReader, tags_of, windows
from shared.errors import InvalidInput
from shared.tools.spec import ToolSpec

_AMI_SNAPSHOT: Final = re.compile(r"Created by CreateImage|Auto-created snapshot for AMI|Copied for DestinationAmi")
_GROUPS: Final = ("SERVICE", "LINKED_ACCOUNT", "REGION", "USAGE_TYPE")
MAX_ITEMS: Final = 50


def _group_by(value: Any) -> dict[str, str]:
    text = str(value or "SERVICE")
    if text.startswith("TAG:") and 4 < len(text) <= 132:
        return {"Type": "TAG", "Key": text[4:]}
    if text not in _GROUPS:
        raise InvalidInput(f"group_by must be one of {', '.join(_GROUPS)} or TAG:<key>, got {text!r}")
    return {"Type": "DIMENSION", "Key": text}


def _days(value: Any, default: int, low: int, high: int, name: str) -> int:
    try:
        days = int(value if value is not None else default)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a whole number of days") from None
    if not low <= days <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}")
    return days


def cost_by(reader: AwsReader, args: Mapping[str, Any]) -> dict[str, Any]:
    """Cost per group in the last `days` and the `days` before, from one daily Cost Explorer query."""
    group = _group_by(args.get("group_by"))
    days = _days(args.get("days"), 7, 1, 45, "days")
    start, middle, end = windows(days)
    response = reader.call(
        "ce", "get_cost_and_usage", TimePeriod={"Start": start.isoformat(), "End": end.isoformat()},
        Granularity="DAILY", Metrics=["UnblendedCost"], GroupBy=[group])
    current: dict[str, float] = {}
    previous: dict[str, float] = {}
    unit = "USD"
    for day in response.get("ResultsByTime") or []:
        day_start = date.fromisoformat(str((day.get("TimePeriod") or {}).get("Start", end.isoformat()))[:10])
        bucket = current if day_start >= middle else previous
        for g in day.get("Groups") or []:
            key = "/".join(g.get("Keys") or ["(none)"])
            if group["Type"] == "TAG":  # Cost Explorer writes a tag group as `key$value`, untagged as `key$`
                key = key.split("$", 1)[-1] or f"(no {group['Key']} tag)"
            metric = (g.get("Metrics") or {}).get("UnblendedCost") or {}
            unit = metric.get("Unit", unit)
            bucket[key] = bucket.get(key, 0.0) + float(metric.get("Amount") or 0.0)
    keys = sorted(set(current) | set(previous), key=lambda k: -(current.get(k, 0.0) + previous.get(k, 0.0)))
    rows = [{"key": k, "current": round(current.get(k, 0.0), 2), "previous": round(previous.get(k, 0.0), 2),
             "change": round(current.get(k, 0.0) - previous.get(k, 0.0), 2)} for k in keys[:MAX_ITEMS]]
    return {"group_by": args.get("group_by") or "SERVICE", "days": days, "unit": unit,
            "previous_window": [start.isoformat(), middle.isoformat()],
            "current_window": [middle.isoformat(), end.isoformat()],
            "current_total": round(sum(current.values()), 2), "previous_total": round(sum(previous.values()), 2),
            "rows": rows}


def _age_days(when: Any) -> float | None:
    if isinstance(when, datetime):
        moment = when if when.tzinfo else when.replace(tzinfo=UTC)
        return round((datetime.now(UTC) - moment).total_seconds() / 86400, 1)
    return None


def old_snapshots(reader: AwsReader, args: Mapping[str, Any]) -> dict[str, Any]:
    """EBS snapshots this account owns older than `age_days`, the largest first (AMIs' own snapshots left out:
    they are kept with their image)."""
    age_limit = _days(args.get("age_days"), 90, 0, 3650, "age_days")
    snapshots = reader.pages("ec2", "describe_snapshots", "Snapshots", OwnerIds=["self"], MaxResults=1000)
    old = [{"id": s.get("SnapshotId"), "size_gb": s.get("VolumeSize"), "age_days": _age_days(s.get("StartTime")),
            "volume": s.get("VolumeId"), "description": str(s.get("Description") or "")[:120]}
           for s in snapshots if (_age_days(s.get("StartTime")) or 0.0) >= age_limit
           and not _AMI_SNAPSHOT.search(str(s.get("Description") or ""))]
    old.sort(key=lambda s: -(s["size_gb"] or 0))  # the costliest first, before the list is cut
    return {"old_snapshots": old[:MAX_ITEMS], "snapshot_age_days": age_limit, "region": reader.region}


def idle_resources(reader: AwsReader, args: Mapping[str, Any]) -> dict[str, Any]:
    """What is paid for and used by nothing: unattached volumes, free Elastic IPs, target-less load
    balancers, stopped instances' volumes."""
    volumes = reader.pages("ec2", "describe_volumes", "Volumes")
    by_id = {v.get("VolumeId"): v for v in volumes}
    unattached = [{"id": v.get("VolumeId"), "size_gb": v.get("Size"), "type": v.get("VolumeType"),
                   "age_days": _age_days(v.get("CreateTime")), "tags": tags_of(v)}
                  for v in volumes if v.get("State") == "available"]
    addresses = reader.call("ec2", "describe_addresses").get("Addresses") or []
    free_ips = [{"public_ip": a.get("PublicIp"), "allocation_id": a.get("AllocationId"), "tags": tags_of(a)}
                for a in addresses if not a.get("AssociationId") and not a.get("InstanceId")]
    stopped = []
    for reservation in reader.pages("ec2", "describe_instances", "Reservations",
                                    Filters=[{"Name": "instance-state-name", "Values": ["stopped"]}]):
        for inst in reservation.get("Instances") or []:
            vols = [by_id.get((m.get("Ebs") or {}).get("VolumeId")) for m in inst.get("BlockDeviceMappings") or []]
            stopped.append({"id": inst.get("InstanceId"), "type": inst.get("InstanceType"),
                            "name": tags_of(inst).get("Name", ""),
                            "volumes": [{"id": v.get("VolumeId"), "size_gb": v.get("Size"), "type": v.get("VolumeType")}
                                        for v in vols if v]})
    idle_lbs = []
    for lb in reader.pages("elbv2", "describe_load_balancers", "LoadBalancers", token="Marker", out_token="NextMarker"):
        groups = reader.call("elbv2", "describe_target_groups", LoadBalancerArn=lb["LoadBalancerArn"]) \
            .get("TargetGroups") or []
        healthy = 0
        for group in groups:
            health = reader.call("elbv2", "describe_target_health", TargetGroupArn=group["TargetGroupArn"])
            healthy += sum(1 for t in health.get("TargetHealthDescriptions") or []
                           if (t.get("TargetHealth") or {}).get("State") in ("healthy", "unused", "initial"))
        if healthy == 0:
            idle_lbs.append({"name": lb.get("LoadBalancerName"), "type": lb.get("Type", "application"),
                             "dns": lb.get("DNSName"), "target_groups": len(groups)})
    return {"unattached_volumes": unattached[:MAX_ITEMS], "unassociated_elastic_ips": free_ips[:MAX_ITEMS],
            "stopped_instances": stopped[:MAX_ITEMS], "idle_load_balancers": idle_lbs[:MAX_ITEMS],
            "region": reader.region}


def ec2_by_type(reader: AwsReader, args: Mapping[str, Any]) -> dict[str, Any]:
    """EC2 instance counts by type and state."""
    counts: dict[str, dict[str, int]] = {}
    for reservation in reader.pages("ec2", "describe_instances", "Reservations"):
        for inst in reservation.get("Instances") or []:
            state = (inst.get("State") or {}).get("Name", "unknown")
            by_state = counts.setdefault(inst.get("InstanceType", "unknown"), {})
            by_state[state] = by_state.get(state, 0) + 1
    return {"region": reader.region, "by_type": counts}


def aws_tools(reader: AwsReader) -> tuple[ToolSpec, ...]:
    """The AWS tools bound to one reader (built per function, boto3 still not imported)."""
    return (
        ToolSpec(
            name="aws_cost_by",
            description=("AWS cost (Cost Explorer, UnblendedCost) per SERVICE, LINKED_ACCOUNT, REGION, "
                         "USAGE_TYPE or TAG:<key> in the last `days` and the `days` before, with the change."),
            parameters={"type": "object", "properties": {
                "group_by": {"type": "string", "default": "SERVICE"},
                "days": {"type": "integer", "minimum": 1, "maximum": 45, "default": 7}}},
            run=lambda _cluster, args: cost_by(reader, args)),
        ToolSpec(
            name="aws_idle_resources",
            description=("AWS resources paid for and used by nothing: unattached EBS volumes, unassociated "
                         "Elastic IPs, load balancers with no healthy target, stopped instances' volumes."),
            parameters={"type": "object", "properties": {}},
            run=lambda _cluster, args: idle_resources(reader, args)),
        ToolSpec(
            name="aws_old_snapshots",
            description="EBS snapshots this account owns older than age_days, largest first (not AMIs' own).",
            parameters={"type": "object", "properties": {
                "age_days": {"type": "integer", "minimum": 0, "maximum": 3650, "default": 90}}},
            run=lambda _cluster, args: old_snapshots(reader, args)),
        ToolSpec(
            name="aws_ec2_by_type",
            description="EC2 instances counted by instance type and state.",
            parameters={"type": "object", "properties": {}},
            run=lambda _cluster, args: ec2_by_type(reader, args)),
    )
