"""Every analyzer stays quiet on healthy workloads and on old, recovered trouble."""

import pytest

from shared.analyzers import ANALYZERS
from shared.cluster.memory import InMemoryCluster
from shared.evidence import direct_evidence
from shared.incident import Incident

HEALTHY = {"kind": "Pod", "apiVersion": "v1",
           "metadata": {"name": "web-7c9f8d6b5-x2k4q", "namespace": "shop", "labels": {"app": "web"}},
           "spec": {"nodeName": "n1", "containers": [{"name": "web", "image": "web:1",
                                                       "readinessProbe": {"httpGet": {"path": "/", "port": 80}}}]},
           "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True",
                                                         "lastTransitionTime": "2025-06-03T10:00:00Z"}],
                      "containerStatuses": [{"name": "web", "ready": True, "restartCount": 0,
                                             "state": {"running": {"startedAt": "2025-06-01T00:00:00Z"}}}]}}
RECOVERED = {**HEALTHY, "status": {**HEALTHY["status"], "containerStatuses": [
    {"name": "web", "ready": True, "restartCount": 1, "state": {"running": {"startedAt": "2025-06-01T00:00:00Z"}},
     "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled", "finishedAt": "2025-05-01T00:00:00Z"}}}]}}
NODE = {"kind": "Node", "apiVersion": "v1", "metadata": {"name": "n1"},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]}}


def _incident():
    return Incident("fp", "manual", "generic", "ManualRequest", "is web ok?", "c", "shop", "Pod",
                    "web-7c9f8d6b5-x2k4q", pod="web-7c9f8d6b5-x2k4q")


@pytest.mark.parametrize("name", sorted(ANALYZERS))
def test_a_healthy_pod_gives_no_finding(name):
    evidence = direct_evidence(_incident(), InMemoryCluster([HEALTHY, NODE]))
    assert ANALYZERS[name].conclude(evidence) is None


@pytest.mark.parametrize("name", sorted(ANALYZERS))
def test_an_old_oom_kill_of_a_pod_ready_for_days_gives_no_finding(name):
    evidence = direct_evidence(_incident(), InMemoryCluster([RECOVERED, NODE]))
    assert ANALYZERS[name].conclude(evidence) is None


def test_every_registered_analyzer_declares_its_family():
    assert all(getattr(a, "family", None) for a in ANALYZERS.values())


def test_a_recent_oom_kill_of_a_running_pod_is_still_found():
    recent = {**RECOVERED, "status": {**RECOVERED["status"], "containerStatuses": [
        {"name": "web", "ready": True, "restartCount": 9, "state": {"running": {"startedAt": "2025-06-03T09:58:00Z"}},
         "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled", "finishedAt": "2025-06-03T09:57:59Z"}}}]}}
    evidence = direct_evidence(_incident(), InMemoryCluster([recent, NODE]))
    assert ANALYZERS["oomkilled"].conclude(evidence).category == "oom_killed"


def _pulling(message, events=()):
    pod = {**HEALTHY, "status": {"phase": "Pending", "containerStatuses": [
        {"name": "web", "ready": False, "restartCount": 0,
         "state": {"waiting": {"reason": "ImagePullBackOff", "message": message}}}]}}
    return InMemoryCluster([pod, NODE, *events])


@pytest.mark.parametrize(
    ("message", "category", "confident"),
    [('Back-off pulling image "web:1"', "image_pull_not_found", False),
     ('failed to pull and unpack image "docker.io/library/web:1": failed to resolve reference: not found',
      "image_pull_not_found", True),
     ('failed to do request: Head "https://reg.example/v2/web/manifests/1": dial tcp: i/o timeout',
      "image_pull_registry_unreachable", True)],
    ids=["only a back-off left is a low-confidence not-found guess", "a not found is a confident not-found",
         "a dial timeout is an unreachable registry"],
)
def test_image_pulls_are_classified_from_what_the_kubelet_said(message, category, confident):
    finding = ANALYZERS["image_pull"].conclude(direct_evidence(_incident(), _pulling(message)))
    assert finding.category == category
    assert (finding.confidence >= 0.85) is confident


def test_a_binary_for_another_architecture_is_a_bad_entrypoint_not_a_bad_command():
    crashing = {**HEALTHY, "status": {"phase": "Running", "containerStatuses": [
        {"name": "web", "ready": False, "restartCount": 5,
         "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 1m20s"}},
         "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}}
    cluster = InMemoryCluster([crashing, NODE])
    cluster.add_log("shop", "web-7c9f8d6b5-x2k4q", "web", "exec /usr/local/bin/web: exec format error\n", previous=True)
    from shared.planners.rules import analyze

    (best, *_) = analyze(ANALYZERS, direct_evidence(_incident(), cluster))
    assert best.category == "run_container_error_bad_entrypoint"


def test_every_registered_analyzer_says_what_it_looks_for_so_unknown_can_say_what_was_ruled_out():
    assert all(getattr(a, "looks_for", "") for a in ANALYZERS.values())
