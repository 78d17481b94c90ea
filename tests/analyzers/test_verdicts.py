"""Honest verdicts: `healthy` when the named object shows no failure now, `not_found` when it does not exist,
a namespace-only request sweeps the namespace, and `unknown` says what was checked.

Each case is a small cluster and a trigger as a person or Alertmanager sends it; the answer is the first
finding of the rules planner (what the diagnosis becomes).
"""

from __future__ import annotations

from typing import Any

import pytest
from cluster_builders import EARLIER, NOW, cond, container, deployment, event, evidence, incident, node, pod, waiting

from shared.analyzers import ANALYZERS
from shared.planners.rules import analyze

LONG_AGO = "2025-05-13T09:00:00Z"  # the day before NOW
HOUR_AGO = "2025-05-14T07:40:00Z"
READY = [cond("Ready", "True", at=LONG_AGO), cond("ContainersReady", "True", at=LONG_AGO)]


def _running(name: str, restarts: int = 0, last: dict[str, Any] | None = None, ns: str = "shop",
             app: str | None = None, ready: bool = True) -> dict[str, Any]:
    status: dict[str, Any] = {"name": app or name.split("-")[0], "ready": ready, "restartCount": restarts,
                              "image": "registry.example.com/shop/app:1.0.0",
                              "state": {"running": {"startedAt": LONG_AGO}}}
    if last:
        status["lastState"] = {"terminated": last}
    return pod(name, ns, containers=[container(app or name.split("-")[0])], statuses=[status], conditions=READY,
               created=LONG_AGO, owner=("ReplicaSet", name.rsplit("-", 1)[0]),
               labels={"app": app or name.split("-")[0]})


def _storefront(ns: str = "shop") -> list[dict[str, Any]]:
    pods = [_running(f"storefront-6d4cf56db6-{s}", ns=ns) for s in ("a1b2c", "d3f4g", "h5j6k")]
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": {"name": "storefront-6d4cf56db6", "namespace": ns, "labels": {"app": "storefront"},
                       "ownerReferences": [{"kind": "Deployment", "name": "storefront", "controller": True}]},
          "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "storefront"}}},
          "status": {"replicas": 3, "readyReplicas": 3, "availableReplicas": 3}}
    return [deployment("storefront", ns, conditions=[cond("Available", "True", "MinimumReplicasAvailable"),
                                                      cond("Progressing", "True", "NewReplicaSetAvailable")]),
            rs, *pods, node("node-a")]


def _crashlooping_checkout(ns: str = "payments") -> list[dict[str, Any]]:
    status = waiting("checkout", "CrashLoopBackOff", "back-off 5m0s restarting failed container", restarts=14,
                     last={"exitCode": 1, "reason": "Error", "finishedAt": NOW})
    crashing = pod("checkout-7f9c8d6b5-x2k4q", ns, containers=[container("checkout")], statuses=[status],
                   owner=("ReplicaSet", "checkout-7f9c8d6b5"), labels={"app": "checkout"},
                   conditions=[cond("Ready", "False", "ContainersNotReady")])
    return [deployment("checkout", ns, replicas=1, status={"readyReplicas": 0, "availableReplicas": 0}),
            crashing, node("node-a")]


CHECKOUT_LOG = ("Starting checkout service\n"
                "Traceback (most recent call last):\n"
                '  File "/app/main.py", line 3, in <module>\n'
                "    import stripe\n"
                "ModuleNotFoundError: No module named 'stripe'\n")


def _ask(ns: str, question: str, **kw: Any) -> Any:
    if "workload" in kw:
        kw.setdefault("object_kind", kw.get("workload_kind", "Deployment"))
        kw.setdefault("object_name", kw["workload"])
        kw.setdefault("workload_kind", "Deployment")
    kw.setdefault("object_kind", "Namespace")
    kw.setdefault("object_name", ns)
    return incident(namespace=ns, source="manual", reason="ManualRequest", message=question, question=question,
                    last_seen=None, **kw)


def _answer(inc: Any, objects: list[dict[str, Any]], logs: dict[Any, str] | None = None) -> Any:
    findings = analyze(ANALYZERS, evidence(inc, objects, logs))
    assert findings, "the rules planner always answers"
    return findings[0]


def _text(finding: Any) -> str:
    return " ".join([finding.summary, finding.root_cause, *finding.recommendations,
                     *(e.excerpt for e in finding.evidence)]).lower()


def test_a_healthy_deployment_with_an_old_readiness_blip_is_healthy_and_the_blip_is_history():
    objects = _storefront()
    objects.append(event("Pod", "storefront-6d4cf56db6-a1b2c", "Unhealthy",
                         "Readiness probe failed: Get \"http://10.0.0.7:8080/ready\": context deadline exceeded",
                         count=2, first=HOUR_AGO, last=HOUR_AGO, component="kubelet"))
    answer = _answer(_ask("shop", "is storefront healthy?", workload="storefront"), objects)
    assert answer.category == "healthy"
    assert "3/3" in answer.summary or "3 of 3" in _text(answer)
    assert "readiness" in _text(answer) and HOUR_AGO[:16].replace("T", " ") in _text(answer).replace("t", " ")
    assert answer.confidence >= 0.85


def test_a_running_ready_pod_with_one_old_restart_is_healthy_not_crash_looping():
    restarted = _running("api-5b6c7d8f9-q2w3e", restarts=1,
                         last={"exitCode": 1, "reason": "Error", "finishedAt": LONG_AGO})
    logs = {("shop", "api-5b6c7d8f9-q2w3e", "api", False):
            '{"level":"info","msg":"request served","status":200}\n'}
    answer = _answer(_ask("shop", "is api ok?", pod="api-5b6c7d8f9-q2w3e", object_kind="Pod",
                          object_name="api-5b6c7d8f9-q2w3e"), [restarted, node("node-a")], logs)
    assert answer.category == "healthy"
    assert "restart" in _text(answer)
    assert "request served" not in _text(answer)


def test_an_alert_for_an_hpa_that_does_not_exist_is_not_found_not_another_objects_crash_loop():
    objects = _crashlooping_checkout("payments")
    inc = incident(namespace="payments", source="alertmanager", family="hpa", reason="KubeHpaMaxedOut",
                   object_kind="HorizontalPodAutoscaler", object_name="checkout-hpa",
                   workload_kind="HorizontalPodAutoscaler", workload="checkout-hpa",
                   labels={"alertname": "KubeHpaMaxedOut", "horizontalpodautoscaler": "checkout-hpa",
                           "namespace": "payments"})
    answer = _answer(inc, objects, {("payments", "checkout-7f9c8d6b5-x2k4q", "checkout", True): CHECKOUT_LOG})
    assert answer.category == "not_found"
    assert "checkout-hpa" in answer.summary
    assert "horizontalpodautoscaler" in _text(answer)


def test_an_alert_for_a_pod_that_does_not_exist_is_not_found_and_names_what_is_near():
    objects = [*_storefront(), node("node-b")]
    inc = incident(namespace="shop", source="alertmanager", family="crashloop", reason="KubePodCrashLooping",
                   object_kind="Pod", object_name="storefrnt-6d4cf56db6-zzzzz", pod="storefrnt-6d4cf56db6-zzzzz",
                   workload_kind="Deployment", workload="storefrnt",
                   labels={"alertname": "KubePodCrashLooping", "pod": "storefrnt-6d4cf56db6-zzzzz"})
    answer = _answer(inc, objects)
    assert answer.category == "not_found"
    assert "storefrnt-6d4cf56db6-zzzzz" in answer.summary
    assert "storefront" in _text(answer)  # the similar name that does exist


def test_a_workload_asked_for_in_the_wrong_namespace_is_not_found_and_names_the_namespace_where_it_is():
    objects = _storefront(ns="web")
    answer = _answer(_ask("shop", "why is storefront down?", workload="storefront"), objects)
    assert answer.category == "not_found"
    assert "namespace web" in _text(answer)


def test_a_namespace_that_does_not_exist_is_not_found():
    objects = [*_storefront("shop"), {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}]
    answer = _answer(_ask("shopp", "what is wrong in shopp?"), objects)
    assert answer.category == "not_found"
    assert "shop" in _text(answer)


def test_a_namespace_sweep_names_the_crash_looping_workload_and_lists_the_others():
    objects = [*_crashlooping_checkout("payments"), *_storefront("payments")]
    pending = pod("ledger-5c6d7e8f9-m4n5p", "payments", node=None, phase="Pending", statuses=[],
                  owner=("ReplicaSet", "ledger-5c6d7e8f9"), labels={"app": "ledger"},
                  containers=[container("ledger", requests={"cpu": "64"})],
                  conditions=[cond("PodScheduled", "False", "Unschedulable",
                                   "0/1 nodes are available: 1 Insufficient cpu.")])
    objects += [pending, event("Pod", "ledger-5c6d7e8f9-m4n5p", "FailedScheduling",
                               "0/1 nodes are available: 1 Insufficient cpu.", namespace="payments", count=30)]
    logs = {("payments", "checkout-7f9c8d6b5-x2k4q", "checkout", True): CHECKOUT_LOG}
    answer = _answer(_ask("payments", "what is wrong in payments?"), objects, logs)
    assert answer.category.startswith("crashloop_") or answer.category == "pending_insufficient_resources"
    text = _text(answer)
    assert "checkout" in text and "ledger" in text  # the most severe is the diagnosis, the other is listed


def test_a_namespace_sweep_with_only_a_crash_loop_names_it():
    logs = {("payments", "checkout-7f9c8d6b5-x2k4q", "checkout", True): CHECKOUT_LOG}
    answer = _answer(_ask("payments", "what is wrong in payments?"),
                     [*_crashlooping_checkout("payments"), *_storefront("payments")], logs)
    assert answer.category.startswith("crashloop_")
    assert "checkout" in answer.summary


def test_a_namespace_sweep_of_a_healthy_namespace_is_healthy():
    answer = _answer(_ask("shop", "anything wrong in shop?"), _storefront("shop"))
    assert answer.category == "healthy"
    assert "storefront" in _text(answer)


def test_unknown_says_what_was_checked_and_what_was_ruled_out():
    stuck = pod("batch-5c6d7e8f9-m4n5p", "shop", phase="Pending", node="node-a", created=EARLIER,
                owner=("ReplicaSet", "batch-5c6d7e8f9"), labels={"app": "batch"},
                statuses=[waiting("batch", "ContainerCreating")])
    inc = incident(namespace="shop", object_kind="Pod", object_name="batch-5c6d7e8f9-m4n5p",
                   family="generic", reason="SomethingOdd", message="pod is stuck")
    answer = _answer(inc, [stuck, node("node-a")])
    assert answer.category == "unknown"
    text = _text(answer)
    assert "checked" in text and "ruled out" in text
    assert answer.confidence < 0.5


@pytest.mark.parametrize("name", ["storefront", "checkout"])
def test_a_failure_is_never_reported_as_healthy(name):
    logs = {("payments", "checkout-7f9c8d6b5-x2k4q", "checkout", True): CHECKOUT_LOG}
    objects = [*_crashlooping_checkout("payments"), *_storefront("payments")]
    answer = _answer(_ask("payments", f"is {name} ok?", workload=name), objects, logs)
    assert (answer.category == "healthy") is (name == "storefront")


def test_an_alert_for_a_pod_replaced_by_healthy_pods_is_not_found_and_says_what_runs_now():
    inc = incident(namespace="shop", source="alertmanager", family="crashloop", reason="KubePodCrashLooping",
                   object_kind="Pod", object_name="storefront-5b8c9d7f6-zzzzz", pod="storefront-5b8c9d7f6-zzzzz",
                   workload_kind="Deployment", workload="storefront")
    answer = _answer(inc, _storefront())
    assert answer.category == "not_found"
    assert "storefront-5b8c9d7f6-zzzzz" in answer.summary
    assert "ready" in _text(answer) and "storefront-6d4cf56db6-a1b2c" in _text(answer)


def test_a_pod_replaced_by_pods_that_fail_too_is_diagnosed_through_them():
    logs = {("payments", "checkout-7f9c8d6b5-x2k4q", "checkout", True): CHECKOUT_LOG}
    inc = incident(namespace="payments", source="alertmanager", family="crashloop", reason="KubePodCrashLooping",
                   object_kind="Pod", object_name="checkout-7f9c8d6b5-aaaaa", pod="checkout-7f9c8d6b5-aaaaa",
                   workload_kind="Deployment", workload="checkout")
    answer = _answer(inc, _crashlooping_checkout("payments"), logs)
    assert answer.category.startswith("crashloop_")


def test_a_job_that_failed_once_then_completed_is_healthy_and_the_failed_attempt_is_history():
    job = {"apiVersion": "batch/v1", "kind": "Job",
           "metadata": {"name": "export-29100", "namespace": "shop",
                        "ownerReferences": [{"kind": "CronJob", "name": "export", "controller": True}]},
           "spec": {"backoffLimit": 3, "selector": {"matchLabels": {"job-name": "export-29100"}}},
           "status": {"succeeded": 1, "failed": 1, "conditions": [cond("Complete", "True")]}}
    cron = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "export", "namespace": "shop"},
            "spec": {"schedule": "0 2 * * *", "jobTemplate": {"spec": {"template": {"spec": {}}}}}}
    failed = pod("export-29100-abcde", "shop", phase="Failed", owner=("Job", "export-29100"),
                 labels={"job-name": "export-29100"}, statuses=[
                     {"name": "app", "ready": False, "restartCount": 0,
                      "state": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": EARLIER}}}])
    done = pod("export-29100-fghij", "shop", phase="Succeeded", owner=("Job", "export-29100"),
               labels={"job-name": "export-29100"}, statuses=[
                   {"name": "app", "ready": False, "restartCount": 0,
                    "state": {"terminated": {"exitCode": 0, "reason": "Completed", "finishedAt": EARLIER}}}])
    answer = _answer(_ask("shop", "did the export fail?", workload="export", workload_kind="CronJob",
                          object_kind="CronJob"), [cron, job, failed, done, node("node-a")])
    assert answer.category == "healthy"
    assert "export" in answer.summary


def test_one_readiness_failure_below_the_threshold_on_a_ready_pod_is_a_blip():
    objects = _storefront()
    objects.append(event("Pod", "storefront-6d4cf56db6-a1b2c", "Unhealthy",
                         "Readiness probe failed: dial tcp 10.0.0.7:8080: connect: connection refused",
                         count=1, first=NOW, last=NOW, component="kubelet"))
    inc = incident(namespace="shop", object_kind="Pod", object_name="storefront-6d4cf56db6-a1b2c", family="probe",
                   reason="Unhealthy", message="Readiness probe failed")
    assert _answer(inc, objects).category == "healthy"
