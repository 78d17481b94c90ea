"""The cost suite (devtools/cost_scenarios) end to end: router, cost analyzer, AWS in a moto server per scenario."""

import json

import pytest

from devtools.cost_scenarios import SCENARIOS, render_suite
from shared.evaluation import evaluate_scenario
from shared.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return {p.name: p for p in render_suite(tmp_path_factory.mktemp("cost"))}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_cost_analyzer_answers_each_scenario(suite, name):
    pytest.importorskip("moto.server", reason="moto[server] is the dev extra")
    result = evaluate_scenario(Settings(), suite[name])
    assert result["error"] is None
    assert (result["found"], result["missing"]) == (result["expected"], []), result


def test_at_least_a_dozen_scenarios_with_look_alikes_that_must_not_be_reported(suite):
    classes = [json.loads((p / "expected.json").read_text())["class"] for p in suite.values()]
    assert len(classes) >= 12 and classes.count("healthy") >= 4
    assert {"cost_overprovisioned", "cost_idle_resources", "cost_spend_increase", "cost_released_volumes",
            "cost_node_underutilized"} <= set(classes)


def test_each_scenario_carries_metrics_as_kubectl_get_raw_writes_them(suite):
    for path in suite.values():
        pods = json.loads((path / "extra" / "metrics" / "pods.json").read_text())
        nodes = json.loads((path / "extra" / "metrics" / "nodes.json").read_text())
        assert (pods["kind"], nodes["kind"]) == ("PodMetricsList", "NodeMetricsList")
        assert all("kind" not in item for item in pods["items"])  # the raw list's items carry no kind


def test_the_snapshot_loader_reads_the_metrics(suite):
    from shared.cluster.snapshot import load_snapshot

    cluster = load_snapshot(suite["cost-overprovisioned-analytics-ask"])
    readings = cluster.metrics("pods", "analytics")
    assert readings and all(r["metadata"]["namespace"] == "analytics" for r in readings)
    assert len(cluster.metrics("nodes")) == 4


def test_a_week_of_opencost_allocation_is_carried_as_the_api_writes_it_and_loaded_as_a_document(suite):
    from shared.cluster.snapshot import load_snapshot

    with_week = [p for p in suite.values() if (p / "extra" / "opencost" / "allocation.json").exists()]
    assert len(with_week) >= 3
    for path in with_week:
        answer = json.loads((path / "extra" / "opencost" / "allocation.json").read_text())
        (week,) = answer["data"]
        assert answer["code"] == 200 and "__idle__" in week
        assert all(a["properties"]["namespace"] == key.split("/")[0] for key, a in week.items() if "/" in key)
        assert load_snapshot(path).documents["opencost/allocation.json"] == answer
