"""The hpa analyzer: metrics it cannot read, a target it cannot scale, a ceiling it sits at."""

from __future__ import annotations

import pytest
from cluster_builders import cond, deployment, event, evidence, incident, obj

from shared.analyzers.hpa import ANALYZER


def _hpa(conditions: list, current: int = 2, desired: int = 2, target: str = "api") -> dict:
    return obj("HorizontalPodAutoscaler", "api", api="autoscaling/v2",
               spec={"scaleTargetRef": {"kind": "Deployment", "name": target, "apiVersion": "apps/v1"},
                     "minReplicas": 2, "maxReplicas": 4},
               status={"currentReplicas": current, "desiredReplicas": desired, "conditions": conditions})


CASES = [
    ([_hpa([cond("AbleToScale", "True"), cond("ScalingActive", "False", "FailedGetResourceMetric",
                                            "the HPA was unable to compute the replica count: failed to get cpu "
                                            "utilization: missing request for cpu in container api")]),
      deployment("api")], "hpa_metrics_unavailable", "SCHEDULER_SAYS", "cpu"),
    ([_hpa([cond("AbleToScale", "False", "FailedGetScale", "deployments/scale.apps \"apii\" not found")],
           target="apii")], "hpa_cannot_scale", "OBJECT_MISSING", "apii"),
    ([_hpa([cond("AbleToScale", "True"), cond("ScalingActive", "True"),
            cond("ScalingLimited", "True", "TooManyReplicas", "the desired replica count is more than the maximum")],
           current=4, desired=4), deployment("api", replicas=4)], "hpa_cannot_scale", "STATE_SAYS", "maxReplicas 4"),
    ([_hpa([cond("AbleToScale", "True"), cond("ScalingActive", "True")]), deployment("api", replicas=2)],
     None, None, ""),
]


@pytest.mark.parametrize(
    ("objects", "category", "strength", "mention"), CASES,
    ids=["a container without a cpu request leaves the HPA without utilization",
         "a scale target that does not exist is an object missing",
         "an HPA at maxReplicas cannot scale further",
         "an HPA that scales normally gives no finding"],
)
def test_hpa_failures_are_named_with_their_strength(objects, category, strength, mention):
    inc = incident(object_kind="HorizontalPodAutoscaler", object_name="api", pod=None, family="hpa",
                   source="alertmanager", workload_kind="HorizontalPodAutoscaler", workload="api")
    objects = [*objects, event("HorizontalPodAutoscaler", "api", "Normal", "ok", type_="Normal")]
    finding = ANALYZER.conclude(evidence(inc, objects))
    if category is None:
        assert finding is None
        return
    assert (finding.category, finding.strength) == (category, strength)
    assert mention in f"{finding.summary} {finding.root_cause} {' '.join(finding.recommendations)}"
