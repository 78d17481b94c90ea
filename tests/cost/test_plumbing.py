"""A cost question travels router -> cost_analyzer in-process, and the troubleshooter never sees it."""

import json

from shared.cluster.memory import InMemoryCluster
from shared.runtime import build_local
from shared.settings import Settings
from shared.stores.sqlite import SqliteStore
from tests.cost.cluster import node, pod, pod_metrics

ASK = "io.kubetriage.diagnosis.requested"


def _ask(router, emitter, data):
    headers = {"ce-specversion": "1.0", "ce-type": ASK, "ce-source": "/test", "ce-id": json.dumps(data)[:60],
               "content-type": "application/json"}
    reply = router.handle("/", headers, json.dumps(data).encode())
    emitter.drain()
    return reply


def _cluster():
    objects = [node("node-a")]
    for i in range(2):
        objects.append(pod("analytics", f"spark-history-7d9f8c6b5-{i}", cpu="2", memory="8Gi", owner="spark-history"))
        objects.append(pod_metrics("analytics", f"spark-history-7d9f8c6b5-{i}", cpu="40m", memory="700Mi"))
    return InMemoryCluster(objects)


def test_a_cost_question_is_answered_by_the_cost_analyzer(tmp_path):
    import io

    out = io.StringIO()
    settings = Settings(state_dir=str(tmp_path))
    router, emitter = build_local(settings, SqliteStore(str(tmp_path / "s.db")), stream=out, as_json=True,
                                  cluster=_cluster())
    reply = _ask(router, emitter, {"namespace": "analytics",
                                   "question": "what in namespace analytics is over-provisioned?"})
    assert reply.status == 202 and reply.body["accepted"][0]["specialist"] == "cost_analyzer"
    (diagnosis,) = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    assert diagnosis["specialist"] == "cost_analyzer"
    assert diagnosis["category"] == "cost_overprovisioned"
    assert "deploy/spark-history" in diagnosis["summary"]
    assert any("estimate; assumes" in r for r in diagnosis["recommendations"])


def test_a_specialist_nobody_deploys_falls_back_to_the_troubleshooter(tmp_path):
    import io

    settings = Settings(state_dir=str(tmp_path), specialists=("k8s_troubleshooter",))
    router, emitter = build_local(settings, SqliteStore(str(tmp_path / "s.db")), stream=io.StringIO(),
                                  as_json=True, cluster=_cluster())
    reply = _ask(router, emitter, {"namespace": "analytics", "question": "what is over-provisioned here?"})
    answer = reply.body["accepted"][0]
    assert answer["specialist"] == "k8s_troubleshooter" and "cost_analyzer is not deployed" in answer["why"]


def test_two_cost_alerts_about_the_whole_cluster_are_two_incidents():
    from devtools.scenarios.triggers import alert
    from shared.intake.http import webhook_from_http

    prints = set()
    for name in ("KubeCPUOvercommit", "KubeMemoryOvercommit", "AWSBudgetThresholdExceeded", "CostAnomaly"):
        _, payload = alert(name, {}, "summary", "description")
        (incident,) = webhook_from_http(json.dumps(payload).encode(), "c").items
        assert incident.family == "cost"
        prints.add(incident.fingerprint)
    assert len(prints) == 4
