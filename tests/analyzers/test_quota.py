"""The quota analyzer: a controller that may not create pods because the namespace quota is used up."""

from __future__ import annotations

import pytest
from cluster_builders import container, deployment, event, evidence, incident, obj, replicaset

from shared.analyzers.quota import ANALYZER

EXCEEDED = ('Error creating: pods "api-7c9f8d6b5-abcde" is forbidden: exceeded quota: compute-quota, '
            "requested: limits.memory=1Gi, used: limits.memory=7680Mi, limited: limits.memory=8Gi")
MUST = 'Error creating: pods "api-7c9f8d6b5-abcde" is forbidden: failed quota: compute-quota: must specify limits.cpu'


def _objects(message: str) -> list[dict]:
    return [deployment("api", status={"readyReplicas": 0, "availableReplicas": 0}),
            replicaset("api-7c9f8d6b5", "api", 1, [container("api")], ready=0),
            event("ReplicaSet", "api-7c9f8d6b5", "FailedCreate", message, component="replicaset-controller")]


HPA = obj("HorizontalPodAutoscaler", "api", api="autoscaling/v2",
          spec={"scaleTargetRef": {"kind": "Deployment", "name": "api"}, "maxReplicas": 12},
          status={"currentReplicas": 6, "desiredReplicas": 12})


@pytest.mark.parametrize(
    ("inc", "objects", "strength", "mention"),
    [
        (incident(object_kind="Deployment", object_name="api", pod=None, family="rollout",
                  workload_kind="Deployment", workload="api"), _objects(EXCEEDED), "SCHEDULER_SAYS", "8Gi"),
        (incident(object_kind="Deployment", object_name="api", pod=None, family="rollout",
                  workload_kind="Deployment", workload="api"), _objects(MUST), "SCHEDULER_SAYS", "limits.cpu"),
        (incident(object_kind="HorizontalPodAutoscaler", object_name="api", pod=None, family="hpa",
                  workload_kind="HorizontalPodAutoscaler", workload="api"), [HPA, *_objects(EXCEEDED)],
         "SCHEDULER_SAYS", "compute-quota"),
    ],
    ids=["an exceeded quota is named with its numbers", "a quota that requires limits names what to set",
         "an HPA short of its replicas is followed to its scale target's quota"],
)
def test_the_controllers_failed_create_names_the_quota(inc, objects, strength, mention):
    finding = ANALYZER.conclude(evidence(inc, objects))
    assert finding is not None and finding.category == "resource_quota_exceeded"
    assert finding.strength == strength
    assert mention in f"{finding.summary} {finding.root_cause} {' '.join(finding.recommendations)}"


def test_no_failed_create_gives_no_finding():
    inc = incident(object_kind="Deployment", object_name="api", pod=None, family="rollout",
                   workload_kind="Deployment", workload="api")
    assert ANALYZER.conclude(evidence(inc, _objects(EXCEEDED)[:2])) is None
