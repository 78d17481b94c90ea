"""The registry keyed by failure family: an incident's families come from its trigger and its pods' state,
and only the analyzers of those families read anything."""

from __future__ import annotations

import pytest
from cluster_builders import container, evidence, incident, node, pod, waiting

from shared.analyzers import ANALYZERS, FAMILIES, POD_LEVEL
from shared.analyzers.families import applicable, families_of, pod_families


def _with(status, **kw):
    return pod("api-7c9f8d6b5-x2k4q", statuses=[status], containers=[container("api")], **kw)


@pytest.mark.parametrize(
    ("the_pod", "families"),
    [
        (_with(waiting("api", "CrashLoopBackOff", restarts=5, last={"exitCode": 1})), {"crashloop", "probe"}),
        (_with(waiting("api", "ImagePullBackOff"), phase="Pending"), {"image_pull"}),
        (_with(waiting("api", "CreateContainerConfigError"), phase="Pending"), {"container_config"}),
        (_with(waiting("api", "CrashLoopBackOff", restarts=3, last={"exitCode": 137, "reason": "OOMKilled"})),
         {"crashloop", "oom", "probe"}),
        (pod("api-7c9f8d6b5-x2k4q", phase="Pending", node=None, statuses=[]), {"scheduling"}),
        (pod("api-7c9f8d6b5-x2k4q"), set()),
    ],
    ids=["a crash loop (a liveness kill looks the same, so probes apply too)", "an image pull back-off", "a missing ConfigMap or Secret", "an OOM kill in a crash loop",
         "an unscheduled pod", "a healthy pod belongs to no failure family"],
)
def test_a_pods_state_names_its_failure_families(the_pod, families):
    assert pod_families(the_pod) == families


def test_only_the_analyzers_of_the_incidents_families_run():
    stuck = _with(waiting("api", "ImagePullBackOff"), phase="Pending")
    ev = evidence(incident(object_name="api-7c9f8d6b5-x2k4q", family="generic"), [stuck, node("node-a")])
    chosen = applicable(ANALYZERS, families_of(ev), FAMILIES, POD_LEVEL)
    assert "image_pull" in chosen and "nodes" in chosen
    assert not {"crashloop", "scheduling", "hpa", "jobs", "service", "quota"} & set(chosen)


def test_when_nothing_tells_the_family_every_analyzer_applies():
    ev = evidence(incident(object_kind="Pod", object_name="ghost", family="generic"), [node("node-a")])
    assert applicable(ANALYZERS, families_of(ev), FAMILIES, POD_LEVEL) == list(ANALYZERS)


def test_every_family_names_only_registered_analyzers_and_every_analyzer_has_a_family():
    named = {n for members in FAMILIES.values() for n in members} | set(POD_LEVEL)
    assert named <= set(ANALYZERS)
    assert set(ANALYZERS) <= named
