"""Old EBS snapshots made in moto, aged there, and found through the tool and the analyzer with reads only.

moto stamps a snapshot with the moment it is made and has no API to change it; the scenario state's
`age_days` sets the start time on moto's own model (its server runs in this process: shared/cost/aws_state.py).
"""

import re

import pytest

from shared.cost.analyzers import ANALYZERS
from shared.cost.aws import AwsReader
from shared.cost.aws_tools import old_snapshots
from shared.cost.planner import analyze
from tests.cost.cluster import evidence, incident
from tests.cost.moto_fixtures import moto  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow
READ = re.compile(r"^(Describe|Get|List)[A-Z]\w+$")

STATE = {
    "region": "us-east-2",
    "instances": [{"name": "db-1", "type": "r5.large"}],
    "volumes": [{"size_gb": 500, "type": "gp3", "attach_to": "db-1"}, {"size_gb": 80, "type": "gp3",
                                                                       "attach_to": "db-1"}],
    "snapshots": [{"of_volume": 0, "age_days": 400, "description": "nightly backup of db-1 data"},
                  {"of_volume": 1, "age_days": 20, "description": "nightly backup of db-1 logs"},
                  {"of_volume": 0, "age_days": 300, "description": "Created by CreateImage(i-0abc) for ami-0def"}],
}


def test_a_snapshot_aged_in_moto_is_old_and_a_recent_one_or_an_amis_is_not(moto):  # noqa: F811
    reader = AwsReader(moto.seed(STATE))
    found = old_snapshots(reader, {"age_days": 90})["old_snapshots"]
    assert [(s["size_gb"], s["description"]) for s in found] == [(500, "nightly backup of db-1 data")]
    assert 399 <= found[0]["age_days"] <= 401
    assert moto.operations() == [("POST", "DescribeSnapshots")]


def test_the_analyzer_prices_the_old_snapshot_it_read_from_moto(moto):  # noqa: F811
    environ = moto.seed(STATE)
    inc = incident("", "are we still paying for old EBS snapshots?")
    (finding, *_) = analyze(ANALYZERS, evidence(inc, [], environ=environ))
    (old,) = old_snapshots(AwsReader(environ), {"age_days": 90})["old_snapshots"]
    text = " ".join((finding.summary, finding.root_cause, *finding.recommendations, *finding.commands))
    assert finding.category == "cost_idle_resources"
    assert old["id"] in text and "~$25.00/month (estimate" in text  # 500 GiB at $0.05/GB-month
    assert text.count("snap-") == text.count(old["id"])  # the 20-day and the AMI's snapshots are not waste
    ops = moto.operations()
    assert ops and all(READ.match(op) for _, op in ops), ops
