"""Spend that rose, AWS resources left idle, the prices they are estimated with, and the planner's order."""

import json

import pytest

from shared.cost.analyzers.idle_resources import wasted
from shared.cost.analyzers.spend_increase import increase
from shared.cost.planner import analyze, monthly_total
from shared.cost.prices import BUNDLED, Prices, load_prices
from shared.diagnosis import Finding
from shared.errors import InvalidInput
from tests.cost.cluster import evidence, incident


def _report(before, now, rows=()):
    return {"previous_total": before, "current_total": now,
            "rows": [{"key": k, "previous": p, "current": c, "change": c - p} for k, p, c in rows]}


@pytest.mark.parametrize("report, rose", [
    (_report(2800, 4800, [("EC2", 2100, 4100), ("S3", 700, 700)]), True),
    (_report(2800, 2860, [("EC2", 2100, 2160)]), False),
    (_report(100, 140, [("EC2", 100, 140)]), False),
    (_report(0, 300, [("EC2", 0, 300)]), True),
    (_report(3000, 2500, [("EC2", 3000, 2500)]), False),
], ids=["+71% and +$2000: rose", "+2%: steady", "+40% but only $40: too small to report",
        "from nothing to $300: rose", "fell: not an increase"])
def test_when_spend_rose(report, rose):
    assert (increase(report) is not None) is rose


def test_the_groups_that_grew_come_largest_first():
    _, grew = increase(_report(1000, 2000, [("S3", 100, 150), ("EC2", 800, 1700), ("RDS", 100, 150)]))
    assert [r["key"] for r in grew] == ["EC2", "S3", "RDS"]


IDLE = {"region": "us-east-2", "snapshot_age_days": 90,
        "unattached_volumes": [{"id": "vol-1", "size_gb": 750, "type": "gp3",
                                "tags": {"kubernetes.io/created-for/pvc/name": "data-kafka-0",
                                         "kubernetes.io/created-for/pvc/namespace": "streaming"}}],
        "unassociated_elastic_ips": [{"public_ip": "3.14.1.1", "allocation_id": "eipalloc-1"}],
        "idle_load_balancers": [{"name": "old-alb", "type": "application", "target_groups": 1}],
        "stopped_instances": [{"id": "i-1", "name": "runner", "type": "m5.2xlarge",
                               "volumes": [{"id": "vol-2", "size_gb": 1000, "type": "gp3"}]}],
        "old_snapshots": [{"id": "snap-1", "size_gb": 200, "age_days": 400}]}


def test_every_idle_resource_is_priced_and_the_largest_comes_first():
    found = wasted(IDLE, Prices(BUNDLED))
    assert [round(e.monthly_usd, 2) for e, _, _, _ in found] == [80.0, 60.0, 16.43, 10.0, 3.65]
    assert found[1][1] == "EBS volume vol-1 (made for PVC streaming/data-kafka-0)"
    assert all("estimate; assumes" in e.text() for e, _, _, _ in found)
    assert found[0][3] == "aws ec2 describe-instances --instance-ids i-1 --region us-east-2"


def test_a_price_file_overrides_the_bundled_table(tmp_path):
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"volume_gb_month": {"gp3": 0.064}, "source": "our EDP rates"}))
    prices = load_prices(str(path))
    assert prices.volume("gp3", 100).text() == "~$6.40/month (estimate; assumes 100 GiB of gp3 at $0.064/GB-month, " \
                                               "our EDP rates)"
    assert prices.volume("io2", 100).monthly_usd == 12.5  # the rest stays bundled


def test_a_broken_price_file_is_refused_by_name(tmp_path):
    path = tmp_path / "prices.json"
    path.write_text("{not json")
    with pytest.raises(InvalidInput, match="prices.json"):
        load_prices(str(path))


class _Fixed:
    def __init__(self, name, finding, answers=None):
        import re

        self.name, self.looks_for, self._finding = name, f"{name} things", finding
        self.answers = re.compile(answers) if answers else None

    def handles(self, incident):
        return True

    def first_tools(self, incident):
        return []

    def conclude(self, evidence):
        return self._finding


def _finding(category, monthly):
    return Finding(category, f"{category} found", "why", recommendations=(f"do it: ~${monthly:,.2f}/month (estimate)",))


def test_the_finding_the_trigger_asks_about_comes_first_then_the_largest_saving():
    analyzers = {"big": _Fixed("big", _finding("cost_idle_resources", 900)),
                 "asked": _Fixed("asked", _finding("cost_spend_increase", 50), answers="bill"),
                 "small": _Fixed("small", _finding("cost_released_volumes", 20))}
    findings = analyze(analyzers, evidence(incident("default", "why did the bill jump?"), []))
    assert [f.category for f in findings] == ["cost_spend_increase", "cost_idle_resources", "cost_released_volumes"]
    top = findings[0]
    assert "do it: ~$900.00/month (estimate)" in top.recommendations  # the others follow in the one diagnosis
    assert monthly_total(top) == 970.0


def test_nothing_found_is_said_with_what_was_checked_and_what_could_not_be_read():
    analyzers = {"none": _Fixed("none", None)}
    ev = evidence(incident("batch", "anything wasted?"), [])
    ev.read("pod_usage", {"namespace": "batch"})  # fails: no metrics in this cluster
    (verdict,) = analyze(analyzers, ev)
    assert verdict.category == "healthy" and verdict.summary == "No cost waste or spend change found in namespace batch"
    assert "pod_usage" in verdict.root_cause and verdict.confidence == 0.58
    assert [e.excerpt for e in verdict.evidence][0] == "none things"
