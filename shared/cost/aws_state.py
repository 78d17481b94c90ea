"""A scenario's AWS, stood up in a moto server on loopback: evaluation and tests only (moto is a dev extra).

A scenario that needs AWS carries `extra/aws.json`; `kubetriage eval` starts a moto server for it, creates
what the file lists through boto3 (the moto server is the only AWS it talks to), queues the Cost Explorer
answer through moto's own API (`/moto-api/static/ce/cost-and-usage-results`), and hands the specialist an
environment whose `AWS_ENDPOINT_URL` points there. The file:

    {"region": "us-east-2",
     "instances": [{"name": "ci-runner-old", "type": "m5.2xlarge", "state": "stopped"}],
     "volumes": [{"size_gb": 500, "type": "gp3", "tags": {...}, "attach_to": "<instance name>"?}],
     "addresses": [{"associate_with": "<instance name>"?}],
     "load_balancers": [{"name": "old-shop-alb", "targets": ["<instance name>", ...]}],
     "snapshots": [{"of_volume": 0, "age_days": 400, "description": "..."?}],
     "daily_cost": {"group_by": "SERVICE", "days": 7, "previous": {"Amazon EC2": 410.5}, "current": {...}}}

A snapshot's `age_days` backdates its start time (moto has no API for it; see `_backdate`).
`daily_cost` gives each group's cost per day in each window; the dates are laid out relative to today so
the specialist's own window (the last `days` days and the ones before) finds them.
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from shared.cost.aws import windows
from shared.errors import InvalidInput

_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on a free loopback port for the duration; its URL."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:  # the dev extra is not installed
        raise InvalidInput(f"a scenario with extra/aws.json needs moto[server] (pip install -e '.[dev]'): {exc}") \
            from None
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        import requests

        # moto keeps its state per process, not per server: start each server from nothing.
        requests.post(f"{url}/moto-api/reset", timeout=10).raise_for_status()
        yield url
    finally:
        server.stop()


def environ_for(endpoint: str, region: str) -> dict[str, str]:
    return {"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": region, **_KEYS}


def cost_results(daily: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The Cost Explorer answer for the specialist's query, one ResultsByTime entry per day."""
    days = int(daily.get("days", 7))
    start, middle, _ = windows(days)
    out = []
    for offset in range(2 * days):
        day = start + timedelta(days=offset)
        amounts = (daily.get("current") if day >= middle else daily.get("previous")) or {}
        out.append({"TimePeriod": {"Start": day.isoformat(), "End": (day + timedelta(days=1)).isoformat()},
                    "Total": {},
                    "Groups": [{"Keys": [key], "Metrics": {"UnblendedCost": {"Amount": f"{float(v):.4f}", "Unit": "USD"}}}
                               for key, v in sorted(amounts.items())],
                    "Estimated": day >= middle})
    return [{"ResultsByTime": out, "DimensionValueAttributes": [], "GroupDefinitions": [
        {"Type": "TAG" if str(daily.get("group_by", "")).startswith("TAG:") else "DIMENSION",
         "Key": str(daily.get("group_by", "SERVICE")).removeprefix("TAG:")}]}]


def seed(endpoint: str, state: Mapping[str, Any]) -> None:
    """Create the state's resources in the moto server at `endpoint` (setup, so writes are fine here)."""
    import boto3
    import requests

    region = state.get("region", "us-east-1")
    session = boto3.session.Session(region_name=region, aws_access_key_id="testing",
                                    aws_secret_access_key="testing")
    ec2 = session.client("ec2", endpoint_url=endpoint)
    zone = f"{region}a"
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instances: dict[str, str] = {}
    for spec in state.get("instances") or []:
        tags = [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": spec["name"]}]}]
        made = ec2.run_instances(ImageId=image, InstanceType=spec.get("type", "m5.large"), MinCount=1, MaxCount=1,
                                 Placement={"AvailabilityZone": zone}, TagSpecifications=tags)
        instances[spec["name"]] = made["Instances"][0]["InstanceId"]
    volumes = []
    for i, spec in enumerate(state.get("volumes") or []):
        tags = [{"Key": k, "Value": v} for k, v in (spec.get("tags") or {}).items()]
        extra = {"TagSpecifications": [{"ResourceType": "volume", "Tags": tags}]} if tags else {}
        vol = ec2.create_volume(Size=int(spec["size_gb"]), AvailabilityZone=zone,
                                VolumeType=spec.get("type", "gp3"), **extra)
        volumes.append(vol["VolumeId"])
        if spec.get("attach_to"):
            ec2.attach_volume(VolumeId=vol["VolumeId"], InstanceId=instances[spec["attach_to"]],
                              Device=f"/dev/sd{'fghijklmnop'[i % 11]}")
    for spec in state.get("instances") or []:  # stopped once its volumes are attached
        if spec.get("state") == "stopped":
            ec2.stop_instances(InstanceIds=[instances[spec["name"]]])
    for spec in state.get("addresses") or []:
        address = ec2.allocate_address(Domain="vpc")
        if spec.get("associate_with"):
            ec2.associate_address(AllocationId=address["AllocationId"], InstanceId=instances[spec["associate_with"]])
    for spec in state.get("snapshots") or []:
        made = ec2.create_snapshot(VolumeId=volumes[int(spec["of_volume"])], Description=spec.get("description", ""))
        if spec.get("age_days"):
            _backdate(region, made["SnapshotId"], float(spec["age_days"]))
    if state.get("load_balancers"):
        elb = session.client("elbv2", endpoint_url=endpoint)
        subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
        vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        for spec in state["load_balancers"]:
            lb = elb.create_load_balancer(Name=spec["name"], Subnets=subnets, Type=spec.get("type", "application"))
            group = elb.create_target_group(Name=f"{spec['name'][:28]}-tg", Protocol="HTTP", Port=80, VpcId=vpc,
                                            TargetType="instance")["TargetGroups"][0]
            elb.create_listener(LoadBalancerArn=lb["LoadBalancers"][0]["LoadBalancerArn"], Protocol="HTTP", Port=80,
                                DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}])
            targets = [{"Id": instances[n], "Port": 80} for n in spec.get("targets") or []]
            if targets:
                elb.register_targets(TargetGroupArn=group["TargetGroupArn"], Targets=targets)
    if state.get("daily_cost"):
        answer = requests.post(f"{endpoint}/moto-api/static/ce/cost-and-usage-results", timeout=10,
                               json={"results": cost_results(state["daily_cost"])})
        answer.raise_for_status()


def _backdate(region: str, snapshot_id: str, days: float) -> None:
    """Make a snapshot `days` old. moto stamps the moment it is made and no AWS call changes a snapshot's
    start time, so it is set on moto's own model: the server (`moto_server`) runs in this process."""
    from datetime import UTC, datetime

    from moto.backends import get_backend
    from moto.core import DEFAULT_ACCOUNT_ID

    snapshots = get_backend("ec2")[DEFAULT_ACCOUNT_ID][region].snapshots
    if snapshot_id not in snapshots:
        raise InvalidInput(f"snapshot age_days needs the in-process moto server; {snapshot_id} is not in it")
    # moto keeps naive UTC times (moto.core.utils.utcnow)
    snapshots[snapshot_id].start_time = (datetime.now(UTC) - timedelta(days=days)).replace(tzinfo=None)


@contextlib.contextmanager
def scenario_aws(scenario: Path) -> Iterator[dict[str, str] | None]:
    """The environment for a scenario's specialist: a seeded moto server when it has extra/aws.json, else None."""
    path = Path(scenario) / "extra" / "aws.json"
    if not path.exists():
        yield None
        return
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise InvalidInput(f"{path}: not JSON ({exc})") from None
    with moto_server() as endpoint:
        seed(endpoint, state)
        yield environ_for(endpoint, state.get("region", "us-east-1"))
