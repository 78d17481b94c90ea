"""The probes analyzer: which probe fails, against the spec, and whether the probe is the root or a symptom."""

from __future__ import annotations

import pytest
from cluster_builders import EARLIER, NOW, cond, container, event, evidence, incident, node, pod

from shared.analyzers.probes import ANALYZER

POD = "web-7c9f8d6b5-x2k4q"


def _web(probe_kind: str, probe: dict, ready: bool, restarts: int = 0, ready_since: str = EARLIER) -> dict:
    spec = container("web", ports=[{"name": "http", "containerPort": 8080}], **{f"{probe_kind}Probe": probe})
    status = {"name": "web", "ready": ready, "restartCount": restarts, "image": spec["image"],
              "state": {"running": {"startedAt": EARLIER}}}
    if restarts:
        status["lastState"] = {"terminated": {"exitCode": 137, "reason": "Error", "finishedAt": EARLIER}}
    return pod(POD, containers=[spec], statuses=[status],
               conditions=[cond("Ready", "True" if ready else "False", at=ready_since)])


def _unhealthy(message: str, count: int = 30, last: str = NOW) -> dict:
    return event("Pod", POD, "Unhealthy", message, count=count, first=EARLIER, last=last, component="kubelet")


HTTP_9090 = {"httpGet": {"path": "/healthz", "port": 9090}}
HTTP_READY = {"httpGet": {"path": "/ready", "port": "http"}, "failureThreshold": 3}

CASES = [
    ([_web("liveness", HTTP_9090, False, restarts=6),
      _unhealthy('Liveness probe failed: Get "http://10.0.0.7:9090/healthz": dial tcp 10.0.0.7:9090: connect: '
                 "connection refused")],
     "liveness_probe_failure", "SCHEDULER_SAYS", ["9090", "8080"]),
    ([_web("readiness", HTTP_READY, False),
      _unhealthy("Readiness probe failed: HTTP probe failed with statuscode: 503")],
     "readiness_probe_failure", "SYMPTOM", ["503"]),
    ([_web("readiness", HTTP_READY, False),
      _unhealthy("Readiness probe failed: HTTP probe failed with statuscode: 404")],
     "readiness_probe_failure", "SCHEDULER_SAYS", ["404", "/ready"]),
    ([_web("readiness", HTTP_READY, True, ready_since=NOW),
      _unhealthy("Readiness probe failed: HTTP probe failed with statuscode: 503", count=5, last=EARLIER)],
     None, None, []),
    ([_web("readiness", HTTP_READY, True),
      _unhealthy("Readiness probe failed: dial tcp 10.0.0.7:8080: connect: connection refused", count=1)],
     None, None, []),
]


@pytest.mark.parametrize(
    ("objects", "category", "strength", "mentions"), CASES,
    ids=["a liveness probe on a port nothing declares is the root, named with the declared port",
         "a 503 from the health check is a symptom of what it checks",
         "a 404 on the probe path is the root",
         "failures before the pod went Ready again are history",
         "one failure below the threshold on a Ready pod is a blip"],
)
def test_probe_failures_are_named_with_their_strength(objects, category, strength, mentions):
    finding = ANALYZER.conclude(evidence(incident(object_name=POD, family="probe"), [*objects, node("node-a")]))
    if category is None:
        assert finding is None
        return
    assert (finding.category, finding.strength) == (category, strength)
    text = f"{finding.summary} {finding.root_cause}"
    assert all(m in text for m in mentions), text
