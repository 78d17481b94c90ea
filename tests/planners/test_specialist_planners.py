"""Each specialist's Claude path is its own: the real anthropic SDK against the local Messages API server,
the real kubernetes client against the local API server, the whole path (router, specialist, sink).

The model is told who it is by the specialist that calls it (the registry's brief): the cost analyst gets the
cost prompt, the cost classes and the cost tools; the auditor the security ones. What it submits in its own
classes is the diagnosis; nothing it reads mutates anything.
"""

import json
from dataclasses import replace

import pytest

from devtools.kubeapi import serve_cluster
from devtools.messages_api import message, serve_messages_api, tool_use
from shared.categories import K8S_CATEGORIES
from shared.cli import diagnose
from shared.cluster.live import LiveCluster
from shared.cluster.memory import InMemoryCluster
from shared.settings import Settings
from tests.cost.cluster import node, node_metrics, pod, pod_metrics

pytestmark = pytest.mark.slow

COST_TOOLS = {"pod_usage", "node_usage", "price_table", "aws_cost_by", "aws_idle_resources", "aws_old_snapshots",
              "aws_ec2_by_type"}
TROUBLESHOOTER_ONLY = {"pod_logs", "rollout_history", "hpa_status", "quota_status", "service_endpoints"}


def _specialist_turns(script):
    """A scripted model for the specialist; the router's one-word question (if asked) gets no answer."""
    turns = list(script)

    def answer(body):
        if not any(t.get("name") == "submit_diagnosis" for t in body.get("tools") or []):
            return message([{"type": "text", "text": "unsure"}])
        return turns.pop(0) if turns else message([{"type": "text", "text": "(script exhausted)"}])

    return answer


def _settings(url):
    # Every finding goes to the model (the gate closed): this is the model's path being tested.
    return replace(Settings(), anthropic_api_key="test-key", anthropic_base_url=url, model_skip_confidence=1.01)


def _ask(namespace, question):
    return json.dumps({"namespace": namespace, "question": question}).encode()


def _offered(api):
    bodies = [b for b in api.requests if any(t.get("name") == "submit_diagnosis" for t in b.get("tools") or [])]
    assert bodies, "the specialist never asked the model"
    first = bodies[0]
    tools = {t["name"] for t in first["tools"]}
    submit = next(t for t in first["tools"] if t["name"] == "submit_diagnosis")
    return bodies, first["system"][0]["text"], tools, set(submit["input_schema"]["properties"]["category"]["enum"])


def _model_tool_calls(bodies):
    return [b["name"] for body in bodies for m in body["messages"] if m["role"] == "assistant"
            for b in m["content"] if b.get("type") == "tool_use" and b["name"] != "submit_diagnosis"]


def _analytics():
    objects = [node("node-a"), node_metrics("node-a", cpu="900m", memory="4Gi")]
    for i in range(2):
        name = f"spark-history-7d9f8c6b5-{i}"
        objects += [pod("analytics", name, cpu="2", memory="8Gi", owner="spark-history"),
                    pod_metrics("analytics", name, cpu="40m", memory="700Mi")]
    return InMemoryCluster(objects)


def test_a_cost_question_with_the_claude_planner_gets_the_cost_prompt_classes_and_tools(tmp_path):
    submit = {"category": "cost_overprovisioned", "confidence": 0.8,
              "summary": "deploy/spark-history in analytics requests 4 CPU / 16Gi and uses 2% / 9% of it",
              "root_cause": "Requests far above usage reserve node capacity nobody uses (estimate ~$150/month).",
              "recommendations": ["Right-size deploy/spark-history to about 100m CPU / 1Gi per pod (estimate)."],
              "commands": ["kubectl -n analytics top pods"]}
    script = [message([tool_use("pod_usage", {"namespace": "analytics"}, "tu_1")], "tool_use"),
              message([tool_use("submit_diagnosis", submit, "tu_2")], "tool_use")]
    with serve_cluster(_analytics()) as kube, serve_messages_api(_specialist_turns(script)) as api:
        cluster = LiveCluster.from_kubeconfig(str(kube.write_kubeconfig(tmp_path / "kubeconfig")))
        (d,), _ = diagnose(_settings(api.url), None, "ask",
                           _ask("analytics", "what in namespace analytics is over-provisioned?"), cluster=cluster)
    bodies, system, tools, classes = _offered(api)
    assert d["specialist"] == "cost_analyzer" and d["planner"].startswith("claude:")
    assert d["category"] == "cost_overprovisioned" and "spark-history" in d["summary"]
    assert "troubleshooter" not in system.lower() and "cost" in system.lower()
    assert "cost_overprovisioned" in system and "crashloop_app_error" not in system
    assert {"cost_overprovisioned", "cost_spend_increase", "cost_idle_resources", "healthy", "unknown"} <= classes
    assert not classes & set(K8S_CATEGORIES)
    assert tools >= COST_TOOLS and not tools & TROUBLESHOOTER_ONLY
    assert _model_tool_calls(bodies) == ["pod_usage"]
    assert kube.requests and {r["method"] for r in kube.requests} == {"GET"}
    assert "/apis/metrics.k8s.io/v1beta1/namespaces/analytics/pods" in {r["path"] for r in kube.requests}


def _payments():
    pod_spec = {"serviceAccountName": "ledger", "containers": [{"name": "ledger", "image": "ghcr.io/acme/ledger:2.1.0",
                                                                "securityContext": {"runAsUser": 0}}]}
    return InMemoryCluster([
        {"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "payments"}},
        {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "ledger-0", "namespace": "payments"},
         "spec": pod_spec, "status": {"phase": "Running"}},
        {"kind": "ServiceAccount", "apiVersion": "v1", "metadata": {"name": "ledger", "namespace": "payments"}},
        {"kind": "Role", "apiVersion": "rbac.authorization.k8s.io/v1",
         "metadata": {"name": "secret-reader", "namespace": "payments"},
         "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]},
        {"kind": "RoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1",
         "metadata": {"name": "ledger-secrets", "namespace": "payments"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "secret-reader"},
         "subjects": [{"kind": "ServiceAccount", "name": "ledger", "namespace": "payments"}]},
    ])


def test_an_audit_with_the_claude_planner_gets_the_auditors_prompt_classes_and_tools(tmp_path):
    submit = {"category": "security_runs_as_root", "confidence": 0.85,
              "summary": "Pod/payments/ledger-0 runs as root and its account ledger can read Secrets",
              "root_cause": "runAsUser: 0 breaks Pod Security Standards restricted (Running as Non-root).",
              "recommendations": ["Set runAsNonRoot: true and a non-zero runAsUser on ledger."],
              "commands": ["kubectl -n payments get pod ledger-0 -o yaml"]}
    script = [message([tool_use("list_resources", {"kind": "rolebindings", "namespace": "payments"}, "tu_1")],
                      "tool_use"),
              message([tool_use("submit_diagnosis", submit, "tu_2")], "tool_use")]
    with serve_cluster(_payments()) as kube, serve_messages_api(_specialist_turns(script)) as api:
        cluster = LiveCluster.from_kubeconfig(str(kube.write_kubeconfig(tmp_path / "kubeconfig")))
        (d,), _ = diagnose(_settings(api.url), None, "ask", _ask("payments", "audit namespace payments"),
                           cluster=cluster)
    bodies, system, tools, classes = _offered(api)
    assert d["specialist"] == "security_auditor" and d["planner"].startswith("claude:")
    assert d["category"] == "security_runs_as_root" and "ledger" in d["summary"]
    assert "troubleshooter" not in system.lower() and "security" in system.lower()
    assert "security_runs_as_root" in system and "crashloop_app_error" not in system
    assert {"security_runs_as_root", "security_rbac_overprivileged", "security_cluster_admin_binding",
            "healthy", "unknown"} <= classes
    assert not classes & set(K8S_CATEGORIES)
    assert {"list_resources", "get_resource"} <= tools and not tools & (COST_TOOLS | TROUBLESHOOTER_ONLY)
    assert _model_tool_calls(bodies) == ["list_resources"]
    assert kube.requests and {r["method"] for r in kube.requests} == {"GET"}
    assert not [r for r in kube.requests if "/secrets" in r["path"]]
