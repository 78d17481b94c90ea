"""The rollout analyzer: a new revision that never becomes available, named with what changed; the rollout is
the diagnosis when the trigger is about it, context when the trigger is one failing pod."""

from __future__ import annotations

import pytest
from cluster_builders import cond, container, deployment, evidence, incident, pod, replicaset, waiting

from shared.analyzers.rollout import ANALYZER

OLD = [container("api", image="registry.example.com/shop/api:1.4.2")]
NEW = [container("api", image="registry.example.com/shop/api:1.5.0")]


def _objects(progressing: str = "ProgressDeadlineExceeded") -> list[dict]:
    new_pod = pod("api-5f6g7h8j9k-abcde", containers=NEW, owner=("ReplicaSet", "api-5f6g7h8j9k"),
                  labels={"app": "api", "pod-template-hash": "5f6g7h8j9k"},
                  statuses=[waiting("api", "CrashLoopBackOff", restarts=7, last={"exitCode": 1})])
    return [deployment("api", containers=NEW, revision=2, status={"availableReplicas": 3, "updatedReplicas": 1},
                       conditions=[cond("Progressing", "False", progressing)]),
            replicaset("api-4b5c6d7f8", "api", 1, OLD), replicaset("api-5f6g7h8j9k", "api", 2, NEW, replicas=1, ready=0),
            new_pod]


@pytest.mark.parametrize(
    ("inc", "strength"),
    [
        (incident(object_kind="Deployment", object_name="api", pod=None, family="rollout", source="alertmanager",
                  workload_kind="Deployment", workload="api"), "STATE_SAYS"),
        (incident(object_name="api-5f6g7h8j9k-abcde", family="crashloop", workload_kind="Deployment",
                  workload="api"), "CONTEXT"),
    ],
    ids=["a rollout alert: the stuck rollout is the diagnosis, with what changed",
         "one crash-looping pod of the new revision: the rollout is only context"],
)
def test_a_stuck_rollout_names_the_change_and_its_strength(inc, strength):
    finding = ANALYZER.conclude(evidence(inc, _objects()))
    assert finding.category == "stuck_rollout" and finding.strength == strength
    assert "1.4.2 → registry.example.com/shop/api:1.5.0" in finding.root_cause + " ".join(
        e.excerpt for e in finding.evidence)


def test_a_deployment_whose_new_revision_is_available_gives_no_finding():
    objects = [deployment("api", containers=NEW, revision=2,
                          conditions=[cond("Progressing", "True", "NewReplicaSetAvailable")]),
               replicaset("api-4b5c6d7f8", "api", 1, OLD, replicas=0, ready=0),
               replicaset("api-5f6g7h8j9k", "api", 2, NEW)]
    inc = incident(object_kind="Deployment", object_name="api", pod=None, family="rollout",
                   workload_kind="Deployment", workload="api")
    assert ANALYZER.conclude(evidence(inc, objects)) is None
