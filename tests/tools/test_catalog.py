"""Every tool of the catalog runs read-only on a real scenario snapshot and answers what it promises."""

import json

import pytest

from devtools.scenarios import render_suite
from shared.cluster.snapshot import load_snapshot
from shared.tools.catalog import TOOLS
from shared.tools.executor import ToolExecutor
from shared.tools.spec import ToolCall, to_claude_tool


@pytest.fixture(scope="module")
def clusters(tmp_path_factory):
    names = ["create-config-missing-secret-key", "pending-unbound-pvc-storageclass", "hpa-metrics-missing-cpu-request",
             "service-no-endpoints-selector-ask", "stuck-rollout-db-pool-alert", "node-not-ready-kubelet"]
    return {p.name: load_snapshot(p) for p in render_suite(tmp_path_factory.mktemp("s"), names)}


def _run(cluster, tool, **args):
    result = ToolExecutor(cluster, TOOLS).run(ToolCall(tool, args))
    assert result.ok, result.error
    json.dumps(result.data)  # JSON-able, checkpointable
    return result.data


def test_every_tool_has_a_schema_claude_accepts():
    for spec in TOOLS.values():
        tool = to_claude_tool(spec)
        assert tool["input_schema"]["type"] == "object" and tool["description"]


def test_describe_pod_shows_states_and_env_sources_but_no_secret_values(clusters):
    c = clusters["create-config-missing-secret-key"]
    pod = c.list("pods", "shop", label_selector="app.kubernetes.io/name=mailer")[0]["metadata"]["name"]
    view = _run(c, "describe_pod", namespace="shop", name=pod)
    (container,) = view["containers"]
    assert container["waiting"]["reason"] == "CreateContainerConfigError"
    assert container["env"] == ["SMTP_PASSWORD <- secret smtp/password"]
    assert view["events"] and view["node"]


def test_secret_keys_never_include_values(clusters):
    data = _run(clusters["create-config-missing-secret-key"], "secret_keys", namespace="shop", name="smtp")
    assert data["name"] == "smtp" and "data" not in data


def test_pvc_status_says_the_storage_class_is_missing(clusters):
    data = _run(clusters["pending-unbound-pvc-storageclass"], "pvc_status", namespace="analytics",
                name="data-analytics-pg-0")
    assert data["phase"] == "Pending" and data["storage_class"] == "fast-ssd"
    assert data["storage_class_exists"] is False


def test_hpa_status_shows_the_failing_condition(clusters):
    data = _run(clusters["hpa-metrics-missing-cpu-request"], "hpa_status", namespace="shop", name="search-web")
    assert {"type": "ScalingActive", "status": "False"}.items() <= data["conditions"][1].items()


def test_service_endpoints_shows_the_selector_matches_nothing(clusters):
    data = _run(clusters["service-no-endpoints-selector-ask"], "service_endpoints", namespace="shop",
                name="wishlist-api")
    assert data["matching_pods"] == [] and data["ready_addresses"] == 0


def test_rollout_history_names_what_changed(clusters):
    data = _run(clusters["stuck-rollout-db-pool-alert"], "rollout_history", namespace="payments", name="accounts-api")
    assert [r["revision"] for r in data["revisions"]] == [22, 21]
    assert "api.image" in data["changed_in_newest"] and "api.env" in data["changed_in_newest"]


def test_node_status_and_workload_status_and_lists(clusters):
    c = clusters["node-not-ready-kubelet"]
    node = next(n for n in c.list("nodes") if n["status"]["conditions"][-1]["status"] != "True")
    assert any(cond["status"] == "Unknown" for cond in _run(c, "node_status", name=node["metadata"]["name"])
               ["conditions"])
    assert _run(c, "workload_status", namespace="shop")
    assert _run(c, "list_pods", namespace="shop", only_unhealthy=False)
    assert _run(c, "list_events", namespace="kube-system")
    assert _run(c, "quota_status", namespace="shop") == {"resourcequotas": [], "limitranges": []}
    assert _run(c, "network_policies", namespace="shop") == [] and _run(c, "ingresses", namespace="shop") == []
