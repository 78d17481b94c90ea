"""The AWS tools against a moto server (AWS_ENDPOINT_URL), Cost Explorer answers set through moto's own API;
and the operations moto recorded are reads, every one."""

import re

import pytest

from shared.cost.aws import AwsReader
from shared.cost.aws_tools import cost_by, ec2_by_type, idle_resources, old_snapshots
from shared.errors import Forbidden
from tests.cost.moto_fixtures import moto  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow
READ = re.compile(r"^(Describe|Get|List)[A-Z]\w+$")

STATE = {
    "region": "us-east-2",
    "instances": [{"name": "web-1", "type": "m5.large"}, {"name": "old-runner", "type": "m5.2xlarge",
                                                         "state": "stopped"}],
    "volumes": [{"size_gb": 500, "type": "gp3", "tags": {"kubernetes.io/created-for/pvc/name": "data-old-0"}},
                {"size_gb": 50, "type": "gp3", "attach_to": "web-1"},
                {"size_gb": 300, "type": "st1", "attach_to": "old-runner"}],
    "addresses": [{}, {"associate_with": "web-1"}],
    "load_balancers": [{"name": "old-alb"}, {"name": "live-alb", "targets": ["web-1"]}],
    "snapshots": [{"of_volume": 1}],
    "daily_cost": {"group_by": "SERVICE", "days": 7, "previous": {"EC2": 300.0, "S3": 20.0},
                   "current": {"EC2": 520.0, "S3": 21.0}},
}


def test_idle_resources_are_found_and_what_is_in_use_is_not(moto):  # noqa: F811
    reader = AwsReader(moto.seed(STATE))
    idle = idle_resources(reader, {})
    assert [(v["size_gb"], v["tags"]) for v in idle["unattached_volumes"]] == [
        (500, {"kubernetes.io/created-for/pvc/name": "data-old-0"})]
    assert len(idle["unassociated_elastic_ips"]) == 1
    assert [lb["name"] for lb in idle["idle_load_balancers"]] == ["old-alb"]
    (stopped,) = idle["stopped_instances"]
    assert stopped["name"] == "old-runner" and 300 in [v["size_gb"] for v in stopped["volumes"]]
    assert old_snapshots(reader, {"age_days": 90})["old_snapshots"] == []  # made today: not old
    assert [s["size_gb"] for s in old_snapshots(reader, {"age_days": 0})["old_snapshots"]] == [50]  # no AMI's
    ops = moto.operations()
    assert ops and all(method in ("GET", "POST") and READ.match(op) for method, op in ops), ops
    assert {"DescribeVolumes", "DescribeAddresses", "DescribeInstances", "DescribeSnapshots",
            "DescribeLoadBalancers", "DescribeTargetHealth"} <= {op for _, op in ops}


def test_cost_by_service_compares_the_last_window_with_the_one_before(moto):  # noqa: F811
    reader = AwsReader(moto.seed(STATE))
    report = cost_by(reader, {"group_by": "SERVICE", "days": 7})
    assert (report["previous_total"], report["current_total"]) == (2240.0, 3787.0)
    assert report["rows"][0] == {"key": "EC2", "previous": 2100.0, "current": 3640.0, "change": 1540.0}
    assert moto.operations() == [("POST", "GetCostAndUsage")]


def test_ec2_by_type_and_state(moto):  # noqa: F811
    reader = AwsReader(moto.seed(STATE))
    assert ec2_by_type(reader, {})["by_type"] == {"m5.large": {"running": 1}, "m5.2xlarge": {"stopped": 1}}


def test_a_mutating_operation_is_refused_before_anything_is_sent(moto):  # noqa: F811
    reader = AwsReader(moto.seed(STATE))
    with pytest.raises(Forbidden, match="only describe, get and list"):
        reader.call("ec2", "delete_volume", VolumeId="vol-1")
    assert moto.operations() == []


def test_without_an_aws_environment_nothing_is_read():
    with pytest.raises(Forbidden, match="not configured"):
        AwsReader({}).call("ec2", "describe_volumes")
