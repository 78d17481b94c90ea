"""The cost analyzer's confidences follow the named strength of what each finding rests on
(shared/analyzers/strength.py), never a hand-set float: a cloud or API object's own state is STATE_SAYS and
passes the model gate; one metrics-server reading is a caveat and does not; a failed read lowers a verdict."""

import pytest

from shared.analyzers.strength import CONFIDENCE, Strength, confidence_for, is_conclusive, strength
from shared.cost.analyzers import ANALYZERS
from shared.cost.analyzers.idle_resources import ANALYZER as IDLE
from shared.cost.analyzers.spend_increase import ANALYZER as SPEND
from shared.cost.planner import analyze
from shared.settings import Settings
from tests.cost.cluster import evidence, incident, node, node_metrics, pod, pod_metrics, pv

GATE = Settings().model_skip_confidence


def _derived(finding):
    """The confidence is its strength's, give or take corroboration and caveats."""
    named = strength(finding)
    return any(finding.confidence == confidence_for(named, corroborated=c, caveats=k)
               for c in (False, True) for k in range(4))


class _Reads:
    """Evidence whose AWS reads answer from a dict (the moto-backed path is tested in test_*_moto)."""

    def __init__(self, inc, answers):
        self.incident, self.answers, self.results = inc, answers, {}

    def read(self, tool, args=None):
        return self.answers.get(tool)

    def failed(self, tool, args=None):
        return None

    def list(self, kind, namespace=None, **_):
        return []


IDLE_READ = {"region": "eu-west-1", "unattached_volumes": [{"id": "vol-9", "size_gb": 300, "type": "gp3"}]}
SPEND_READ = {"previous_total": 1000.0, "current_total": 1900.0, "previous_window": ["a", "b"],
              "current_window": ["b", "c"], "rows": [{"key": "EC2", "previous": 700, "current": 1600, "change": 900}]}


def _over_provisioned():
    objects = [pod("shop", f"api-7d9f8c6b5-{i}", cpu="2", memory="4Gi", owner="api") for i in range(3)]
    return objects + [pod_metrics("shop", f"api-7d9f8c6b5-{i}", cpu="40m", memory="300Mi") for i in range(3)]


def _empty_node():
    objects = [node("busy-1"), node("busy-2"), node("empty-1", instance_type="m6i.2xlarge", cpu="8", memory="32Gi")]
    objects += [pod("shop", f"api-7d9f8c6b5-{i}", cpu="2", memory="8Gi", owner="api", node=f"busy-{i % 2 + 1}")
                for i in range(4)]
    return objects + [node_metrics("empty-1", cpu="100m", memory="1Gi"), node_metrics("busy-1", cpu="3", memory="9Gi"),
                      node_metrics("busy-2", cpu="3", memory="9Gi")]


def test_a_cloud_objects_own_state_is_state_says_and_passes_the_gate():
    idle = IDLE.conclude(_Reads(incident("", "anything idle in AWS?"), {"aws_idle_resources": IDLE_READ}))
    spend = SPEND.conclude(_Reads(incident("", "why did the AWS bill jump?"), {"aws_cost_by": SPEND_READ}))
    released = analyze(ANALYZERS, evidence(incident(""), [pv("old", size="100Gi", phase="Released",
                                                              claim=("a", "b"))]))[0]
    for finding in (idle, spend, released):
        assert strength(finding) == Strength.STATE_SAYS and _derived(finding), finding.category
        assert is_conclusive(finding, GATE), finding.category


@pytest.mark.parametrize("objects, trigger, category", [
    (_over_provisioned(), incident("shop", "is shop over-provisioned?"), "cost_overprovisioned"),
    (_empty_node(), incident(reason="ClusterIdleCapacity"), "cost_node_underutilized"),
], ids=["requests against one usage reading", "a node's load at one reading"])
def test_one_metrics_reading_is_a_caveat_below_the_gate(objects, trigger, category):
    (finding, *_) = analyze(ANALYZERS, evidence(trigger, objects))
    assert finding.category == category and _derived(finding)
    assert finding.confidence < GATE and not is_conclusive(finding, GATE)  # a week's peak would tell; ask the model


def test_nothing_found_is_no_stronger_than_what_it_read_and_a_failed_read_lowers_it():
    measured = [pod("shop", "api-7d9f8c6b5-0", cpu="500m", memory="1Gi", owner="api"),
                pod_metrics("shop", "api-7d9f8c6b5-0", cpu="400m", memory="800Mi")]
    question = "Where can shop save money?"
    (read,) = analyze(ANALYZERS, evidence(incident("shop", question), measured))
    (unread,) = analyze(ANALYZERS, evidence(incident("shop", question), measured[:1]))
    assert read.category == unread.category == "healthy"
    assert _derived(read) and _derived(unread)
    assert unread.confidence < read.confidence < CONFIDENCE[Strength.STATE_SAYS]


def test_an_unknown_is_never_confident():
    (verdict,) = analyze(ANALYZERS, evidence(incident("shop", "How much does Sentry cost us for shop?"), []))
    assert verdict.category == "unknown" and verdict.confidence <= 0.3


def test_a_weeks_allocation_is_no_caveat_and_passes_the_gate():
    """Over-provisioning judged on a week of OpenCost averages is the state itself, not one reading."""
    from devtools.opencost_api import OpenCostServer
    from tests.cost.test_allocation import WEEK, _analytics, _findings

    with OpenCostServer(WEEK) as api:
        (week, *_) = _findings(api.url, _analytics())
    (one_reading, *_) = _findings(None, _analytics())
    assert week.category == one_reading.category == "cost_overprovisioned"
    assert _derived(week) and is_conclusive(week, GATE)
    assert one_reading.confidence < week.confidence
