"""OpenCost and Kubecost allocation: read over HTTP from a local server speaking their format (GET only, never
through the API server's proxy, retried when busy), or from a snapshot; and the over-provisioning analyzer
using a week of it, saying where its numbers came from."""

import json

import pytest

from devtools.opencost_api import OpenCostServer, allocation, answer
from shared.cluster.memory import InMemoryCluster
from shared.cost.allocation import allocation_tool
from shared.cost.analyzers import ANALYZERS
from shared.cost.planner import analyze
from shared.cost.tools import build_tools
from shared.errors import Forbidden, InvalidInput
from shared.settings import Settings
from shared.tools.executor import ToolExecutor
from shared.tools.spec import ToolCall
from tests.cost.cluster import evidence, incident, pod, pod_metrics

WEEK = answer(
    allocation("analytics/deployment:spark-history", "analytics", "deployment", "spark-history",
               cpu=4.0, cpu_used=0.12, ram_gib=16.0, ram_used_gib=1.5),
    allocation("analytics/deployment:jupyterhub", "analytics", "deployment", "jupyterhub",
               cpu=0.5, cpu_used=0.35, ram_gib=2.0, ram_used_gib=1.4),
    allocation("shop/deployment:checkout", "shop", "deployment", "checkout", cpu=2.0, cpu_used=1.5, ram_gib=4.0,
               ram_used_gib=3.0, pv_cost=4.2),
    allocation("__idle__", "", None, None, cpu=6.0, cpu_used=0.0, ram_gib=20.0, ram_used_gib=0.0),
)


def _run(url, args, cluster=None):
    return build_tools(Settings(opencost_url=url), {})["cost_allocation"].run(cluster or InMemoryCluster([]), args)


def test_opencost_is_read_with_one_get_and_each_workload_costed_with_its_efficiency():
    with OpenCostServer(WEEK) as api:
        got = _run(api.url, {"aggregate": "controller", "namespace": "analytics"})
    assert api.requests == [("GET", "/allocation/compute", {"window": ["7d"], "aggregate": ["namespace,controller"],
                                                             "accumulate": ["true"], "includeIdle": ["true"]})]
    assert (got["source"], got["window"], got["configured"]) == ("OpenCost allocation", "last 7d", True)
    spark, jupyter = got["rows"]
    assert (spark["controller"], spark["kind"], spark["cpu_efficiency"]) == ("spark-history", "deployment", 0.03)
    assert spark["total_cost"] == pytest.approx(4 * 168 * 0.031611 + 16 * 168 * 0.004237, abs=0.01)
    assert spark["unused_cost"] == pytest.approx(4 * 168 * 0.031611 * 0.97 + 16 * 168 * 0.004237 * (1 - 1.5 / 16),
                                                 abs=0.01)
    assert jupyter["controller"] == "jupyterhub" and jupyter["total_efficiency"] > 0.65
    assert got["idle_cost"] == pytest.approx(6 * 168 * 0.031611 + 20 * 168 * 0.004237, abs=0.01)


def test_by_namespace_the_workloads_add_up_volumes_included():
    with OpenCostServer(WEEK) as api:
        got = _run(api.url, {"aggregate": "namespace"})
    assert [r["namespace"] for r in got["rows"]] == ["analytics", "shop"]
    shop = got["rows"][1]
    assert shop["pv_cost"] == 4.2 and shop["total_cost"] == pytest.approx(
        2 * 168 * 0.031611 + 4 * 168 * 0.004237 + 4.2, abs=0.01)
    assert got["total_cost"] == pytest.approx(sum(r["total_cost"] for r in got["rows"]), abs=0.02)


def test_kubecost_is_read_at_its_model_allocation_path():
    with OpenCostServer(WEEK) as api:
        got = _run(api.url + "/model", {"aggregate": "namespace"})
    assert [(m, p) for m, p, _ in api.requests] == [("GET", "/model/allocation")]
    assert got["source"] == "Kubecost allocation"


@pytest.mark.parametrize("path", ["/api/v1/namespaces/opencost/services/opencost:9003/proxy",
                                  "/api/v1/namespaces/opencost/services/http:opencost:9003/proxy/",
                                  "/api/v1/namespaces/opencost/services/opencost:9003/PROXY"],
                         ids=["the service proxy", "with a port name and a trailing slash", "in capitals"])
def test_the_api_servers_service_proxy_is_refused_before_any_request(path):
    with OpenCostServer(WEEK) as api:
        with pytest.raises(Forbidden, match="service proxy"):
            _run(api.url + path, {})
        with pytest.raises(InvalidInput, match="KUBETRIAGE_OPENCOST_URL"):
            Settings.from_env({"KUBETRIAGE_OPENCOST_URL": api.url + path})
    assert api.requests == []


@pytest.mark.parametrize("url", ["ftp://opencost.opencost:9003", "http://user:pw@opencost.opencost:9003",
                                 "opencost.opencost:9003"], ids=["not http", "credentials in it", "no scheme"])
def test_a_url_that_is_not_a_plain_service_address_is_refused_by_the_settings(url):
    with pytest.raises(InvalidInput, match="KUBETRIAGE_OPENCOST_URL"):
        Settings.from_env({"KUBETRIAGE_OPENCOST_URL": url})


def test_a_busy_allocation_api_is_retried_and_an_absent_one_is_a_failed_read():
    with OpenCostServer([503, WEEK]) as api:
        executor = ToolExecutor(InMemoryCluster([]), build_tools(Settings(opencost_url=api.url), {}), timeout_s=5)
        result = executor.run(ToolCall("cost_allocation", {"aggregate": "namespace"}))
    assert result.ok and result.attempts == 2 and len(api.requests) == 2
    with OpenCostServer(404) as api:
        executor = ToolExecutor(InMemoryCluster([]), build_tools(Settings(opencost_url=api.url), {}), timeout_s=5)
        missing = executor.run(ToolCall("cost_allocation", {}))
    assert not missing.ok and "404" in missing.error and len(api.requests) == 1  # not worth a retry


def test_a_hung_allocation_api_is_a_read_that_timed_out():
    with OpenCostServer(WEEK, delay_s=1.5) as api:
        executor = ToolExecutor(InMemoryCluster([]), build_tools(Settings(opencost_url=api.url), {}), timeout_s=0.3)
        result = executor.run(ToolCall("cost_allocation", {}))
    assert not result.ok and "timed out" in result.error


def test_a_service_address_is_taken_by_the_settings():
    url = "http://opencost.opencost.svc.cluster.local:9003"
    assert Settings.from_env({"KUBETRIAGE_OPENCOST_URL": url}).opencost_url == url


def test_no_allocation_api_is_an_answer_not_a_failure():
    got = allocation_tool(None).run(InMemoryCluster([]), {})
    assert got["configured"] is False and "KUBETRIAGE_OPENCOST_URL" in got["why"]


def test_a_snapshot_carries_the_allocation_for_offline_runs(tmp_path):
    from shared.cluster.snapshot import load_snapshot

    (tmp_path / "extra" / "opencost").mkdir(parents=True)
    (tmp_path / "extra" / "opencost" / "allocation.json").write_text(json.dumps(WEEK))
    got = allocation_tool(None).run(load_snapshot(tmp_path), {"aggregate": "controller", "namespace": "shop"})
    assert got["source"] == "OpenCost allocation" and [r["controller"] for r in got["rows"]] == ["checkout"]


def _analytics(now_cpu="20m", now_memory="300Mi"):
    objects = []
    for i in range(2):
        name = f"spark-history-7d9f8c6b5-{i}"
        objects += [pod("analytics", name, cpu="2", memory="8Gi", owner="spark-history"),
                    pod_metrics("analytics", name, cpu=now_cpu, memory=now_memory)]
    return objects


def _findings(url, objects):
    inc = incident("analytics", "what in namespace analytics is over-provisioned?")
    return analyze(ANALYZERS, evidence(inc, objects, opencost_url=url))


def test_the_weeks_allocation_prices_the_waste_and_the_diagnosis_says_where_the_number_came_from():
    with OpenCostServer(WEEK) as api:
        (finding, *_) = _findings(api.url, _analytics())
    assert finding.category == "cost_overprovisioned"
    assert "OpenCost allocation, last 7d" in finding.summary
    (rec,) = [r for r in finding.recommendations if "spark-history" in r]
    assert "OpenCost allocation, last 7d" in rec and "estimate" in rec
    assert any("on average over the last 7d" in e.excerpt for e in finding.evidence)


def test_a_workload_quiet_at_this_moment_but_busy_over_the_week_is_not_over_provisioned():
    busy_week = answer(allocation("analytics/deployment:spark-history", "analytics", "deployment", "spark-history",
                                  cpu=4.0, cpu_used=3.0, ram_gib=16.0, ram_used_gib=12.5))
    with OpenCostServer(busy_week) as api:
        (verdict,) = _findings(api.url, _analytics())
    (without_allocation, *_) = _findings(None, _analytics())
    assert verdict.category == "healthy" and "OpenCost allocation, last 7d" in verdict.root_cause
    assert without_allocation.category == "cost_overprovisioned"  # one quiet reading alone would have said so


def test_an_empty_nodes_finding_carries_what_the_idle_capacity_really_cost():
    from shared.cost.analyzers.node_underutilized import ANALYZER as NODES
    from tests.cost.cluster import node

    objects = [node("busy-1"), node("busy-2"), node("empty-1", instance_type="m6i.2xlarge", cpu="8", memory="32Gi")]
    objects += [pod("shop", f"api-7d9f8c6b5-{i}", cpu="2", memory="8Gi", owner="api", node=f"busy-{i % 2 + 1}")
                for i in range(4)]
    with OpenCostServer(WEEK) as api:
        finding = NODES.conclude(evidence(incident(reason="ClusterIdleCapacity"), objects, opencost_url=api.url))
    (idle,) = [e for e in finding.evidence if e.source == "idle capacity (OpenCost allocation, last 7d)"]
    week = 6 * 168 * 0.031611 + 20 * 168 * 0.004237
    assert f"${week:,.2f} of node capacity no pod requested" in idle.excerpt
    assert f"${week * 730 / 168:,.2f}/month" in idle.excerpt


def test_steps_of_a_window_add_their_costs_and_average_their_requests():
    from shared.cost.allocation import summarize

    day = {"start": "2026-12-06T00:00:00Z", "end": "2026-12-07T00:00:00Z"}
    next_day = {"start": "2026-12-07T00:00:00Z", "end": "2026-12-08T00:00:00Z"}

    def step(window, cpu_used):
        a = allocation("shop/deployment:checkout", "shop", "deployment", "checkout", cpu=2.0, cpu_used=cpu_used,
                       ram_gib=4.0, ram_used_gib=2.0, hours=24, start=window["start"], end=window["end"])
        return {a["name"]: a}

    got = summarize({"code": 200, "data": [step(day, 0.5), step(next_day, 1.5)]}, "OpenCost", "controller", None)
    (row,) = got["rows"]
    assert got["window_hours"] == 48.0
    assert (row["cpu_request"], row["cpu_used"], row["cpu_efficiency"]) == (2.0, 1.0, 0.5)
    assert row["cpu_cost"] == pytest.approx(2 * 48 * 0.031611, abs=0.001)


def test_an_answer_that_is_not_an_allocation_is_a_failed_read():
    from shared.errors import NotFound

    with OpenCostServer({"code": 500, "message": "Prometheus unreachable"}) as api, \
            pytest.raises(NotFound, match="Prometheus unreachable"):
        _run(api.url, {})
