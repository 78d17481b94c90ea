"""The cost analyzer's cluster side through the real kubernetes client against the local API server:
metrics.k8s.io read as metrics-server serves it, and nothing but GET ever sent."""

import pytest

from devtools.kubeapi import serve_cluster
from shared.cluster.live import LiveCluster
from shared.cluster.memory import InMemoryCluster
from shared.cost.analyzers import ANALYZERS
from shared.cost.planner import analyze
from shared.cost.tools import build_tools
from shared.evidence import RecordedEvidence
from shared.settings import Settings
from shared.tools.spec import ToolResult
from tests.cost.cluster import incident, node, node_metrics, pod, pod_metrics, pv

pytestmark = pytest.mark.slow


def _objects():
    objects = [node("busy-1"), node("busy-2"), node("empty-1", instance_type="m6i.2xlarge", cpu="8", memory="32Gi"),
               pv("pvc-old", size="1Ti", phase="Released", claim=("analytics", "data-0"))]
    for i in range(4):
        name = f"api-7d9f8c6b5-{i}"
        objects += [pod("shop", name, cpu="2", memory="8Gi", owner="api", node=f"busy-{i % 2 + 1}"),
                    pod_metrics("shop", name, cpu="1600m", memory="7Gi")]
    for i in range(2):
        name = f"spark-7d9f8c6b5-{i}"
        objects += [pod("analytics", name, cpu="1", memory="4Gi", owner="spark", node="busy-1"),
                    pod_metrics("analytics", name, cpu="20m", memory="300Mi")]
    objects += [node_metrics("busy-1", cpu="3500m", memory="14Gi"), node_metrics("busy-2", cpu="3300m", memory="14Gi"),
                node_metrics("empty-1", cpu="150m", memory="1Gi")]
    return objects


@pytest.fixture()
def api(tmp_path):
    with serve_cluster(InMemoryCluster(_objects())) as server:
        server.kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
        yield server


def _evidence(inc, cluster):
    tools = build_tools(Settings(), {})

    def run(call):
        try:
            return ToolResult(call.tool, call.args, ok=True, data=tools[call.tool].run(cluster, call.args))
        except Exception as exc:  # noqa: BLE001 - a failed read is data
            return ToolResult(call.tool, call.args, ok=False, error=f"{type(exc).__name__}: {exc}")

    return RecordedEvidence(inc, run)


def test_a_cluster_wide_alert_finds_every_kind_of_cluster_waste_with_get_requests_only(api):
    cluster = LiveCluster.from_kubeconfig(str(api.kubeconfig))
    findings = analyze(ANALYZERS, _evidence(incident(reason="KubeCPUOvercommit"), cluster))
    assert [f.category for f in findings] == ["cost_overprovisioned", "cost_node_underutilized",
                                              "cost_released_volumes"]
    assert "deploy/spark" in findings[0].summary and "deploy/api" not in findings[0].summary
    assert {r["method"] for r in api.requests} == {"GET"}
    paths = {r["path"] for r in api.requests}
    assert {"/apis/metrics.k8s.io/v1beta1/pods", "/apis/metrics.k8s.io/v1beta1/nodes"} <= paths


def test_a_namespace_question_reads_that_namespaces_metrics(api):
    cluster = LiveCluster.from_kubeconfig(str(api.kubeconfig))
    (finding, *_) = analyze(ANALYZERS, _evidence(incident("analytics", "what is over-provisioned here?"), cluster))
    assert finding.category == "cost_overprovisioned"
    assert "/apis/metrics.k8s.io/v1beta1/namespaces/analytics/pods" in {r["path"] for r in api.requests}
    assert {r["method"] for r in api.requests} == {"GET"}


def test_a_cluster_without_metrics_server_is_said_so(tmp_path):
    with serve_cluster(InMemoryCluster([node("a"), pod("analytics", "s-7d9f8c6b5-0", cpu="1", memory="1Gi",
                                                        owner="s")])) as server:
        cluster = LiveCluster.from_kubeconfig(str(server.write_kubeconfig(tmp_path / "kubeconfig")))
        (verdict,) = analyze(ANALYZERS, _evidence(incident("analytics", "what is over-provisioned here?"), cluster))
    assert verdict.category == "unknown" and "metrics-server" in verdict.root_cause
