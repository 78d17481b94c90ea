"""A namespace's question about leftovers that never says "AWS" still reads the account's idle resources when
an AWS environment is configured (a moto server here), and names what it found; reads only."""

import re

import pytest

from shared.cost.analyzers import ANALYZERS
from shared.cost.planner import analyze
from tests.cost.cluster import evidence, incident, pod, pod_metrics
from tests.cost.moto_fixtures import moto  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow
READ = re.compile(r"^(Describe|Get|List)[A-Z]\w+$")

STATE = {
    "region": "eu-west-1",
    "instances": [{"name": "app-1", "type": "m5.xlarge"}],
    "volumes": [{"size_gb": 40, "type": "gp3", "attach_to": "app-1"},
                {"size_gb": 750, "type": "gp3", "tags": {"kubernetes.io/created-for/pvc/name": "data-qa-mysql-0",
                                                         "kubernetes.io/created-for/pvc/namespace": "qa"}}],
    "addresses": [{"associate_with": "app-1"}, {}],
}


def _busy_web():
    return [pod("web", "front-7d9f8c6b5-0", cpu="500m", memory="1Gi", owner="front"),
            pod_metrics("web", "front-7d9f8c6b5-0", cpu="400m", memory="800Mi")]


@pytest.mark.parametrize("question", [
    "The QA environment was torn down last month. What did it leave behind that we are still paying for?",
    "Anything orphaned we keep paying for?",
], ids=["leftovers of a teardown", "orphans we keep paying for"])
def test_a_leftovers_question_reads_the_account_without_saying_aws(moto, question):  # noqa: F811
    environ = moto.seed(STATE)
    (verdict, *_) = analyze(ANALYZERS, evidence(incident("web", question), _busy_web(), environ=environ))
    text = " ".join((verdict.summary, *(e.excerpt for e in verdict.evidence), *verdict.recommendations))
    assert verdict.category == "cost_idle_resources", verdict.summary
    assert "vol-" in text and "data-qa-mysql-0" in text and "Elastic IP" in text
    ops = moto.operations()
    assert ops and all(READ.match(op) for _, op in ops), ops
