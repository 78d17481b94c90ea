"""The evicted analyzer: the kubelet evicted a workload's pods because their node ran low on memory or disk.

Each row is a workload with its pods as the API shows them after a node-pressure eviction (phase Failed,
reason Evicted, the kubelet's message), the class and strength the analyzer must give, and the facts (the
node, the resource it ran low on, the container that used most of it) a reader must see. Healthy pods and
pods that failed another way (OOMKilled, preempted) are not its.
"""

from __future__ import annotations

import pytest
from cluster_builders import EARLIER, container, deployment, evidence, incident, pod, replicaset

from shared.analyzers.evicted import ANALYZER

RS = "api-7c9f8d6b5"
POD = f"{RS}-x2k4q"
MEMORY = ("The node was low on resource: memory. Threshold quantity: 100Mi, available: 24644Ki. Container api was "
          "using 1543212Ki, request is 512Mi, has larger consumption of memory. ")
DISK = ("The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 8388608Ki. "
        "Container api was using 14Gi, request is 0, has larger consumption of ephemeral-storage. ")
BARE = "The node was low on resource: memory. "


def _evicted(name: str, message: str, node: str = "node-b") -> dict:
    return pod(name, containers=[container("api")], phase="Failed", node=node, owner=("ReplicaSet", RS),
               labels={"app": "api", "pod-template-hash": "7c9f8d6b5"}, statuses=[],
               status={"reason": "Evicted", "message": message})


def _evicted_at(name: str, message: str, finished: str) -> dict:
    """An evicted pod whose container's end (when the kubelet killed it) is known."""
    evicted = _evicted(name, message)
    evicted["status"]["containerStatuses"] = [{"name": "api", "ready": False, "restartCount": 0, "image": "x",
                                               "state": {"terminated": {"exitCode": 137, "reason": "Error",
                                                                        "finishedAt": finished}}}]
    return evicted


def _healthy(name: str) -> dict:
    return pod(name, containers=[container("api")], owner=("ReplicaSet", RS),
               labels={"app": "api", "pod-template-hash": "7c9f8d6b5"})


def _oomkilled(name: str) -> dict:
    status = {"name": "api", "ready": False, "restartCount": 3, "image": "x",
              "state": {"waiting": {"reason": "CrashLoopBackOff"}},
              "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled", "finishedAt": EARLIER}}}
    return pod(name, containers=[container("api")], owner=("ReplicaSet", RS),
               labels={"app": "api", "pod-template-hash": "7c9f8d6b5"}, statuses=[status])


WORKLOAD = [deployment("api", containers=[container("api")]), replicaset(RS, "api", 1, [container("api")])]
BY_POD = incident(object_name=POD, family="eviction", reason="Evicted")
BY_DEPLOYMENT = incident(object_kind="Deployment", object_name="api", pod=None, family="eviction",
                         workload_kind="Deployment", workload="api")

CASES = [
    pytest.param(
        BY_POD, [_evicted(POD, MEMORY)],
        "evicted_node_pressure", "STATE_SAYS", ["node node-b", "low on memory", "Container api was using 1543212Ki"],
        id="a pod evicted under memory pressure names the node, the resource and the container using most"),
    pytest.param(
        BY_POD, [_evicted(POD, DISK, node="node-c")],
        "evicted_node_pressure", "STATE_SAYS", ["node node-c", "low on ephemeral-storage", "using 14Gi"],
        id="a pod evicted under disk pressure names ephemeral-storage"),
    pytest.param(
        BY_POD, [_evicted(POD, BARE)],
        "evicted_node_pressure", "STATE_SAYS", ["node node-b", "low on memory"],
        id="an eviction message without a container still names the node and the resource"),
    pytest.param(
        BY_DEPLOYMENT, [*WORKLOAD, _healthy(f"{RS}-a1b2c"), _evicted(f"{RS}-d3e4f", MEMORY),
                        _evicted(f"{RS}-g5h6i", MEMORY)],
        "evicted_node_pressure", "STATE_SAYS", ["node node-b", "low on memory", "2 evicted pod(s)"],
        id="an alert on the deployment counts every evicted pod of the workload"),
    pytest.param(
        BY_POD, [_evicted(POD, MEMORY)],
        "evicted_node_pressure", "STATE_SAYS", ["against a request of 512Mi."],
        id="the container's request is quoted without the kubelet's trailing comma"),
    pytest.param(
        BY_DEPLOYMENT, [*WORKLOAD, _healthy(f"{RS}-a1b2c"), _healthy(f"{RS}-d3e4f")],
        None, None, [],
        id="a workload whose pods all run is healthy"),
    pytest.param(
        BY_DEPLOYMENT, [*WORKLOAD, _healthy(f"{RS}-a1b2c"), _healthy(f"{RS}-d3e4f"), _healthy(f"{RS}-j7k8l"),
                        _evicted(f"{RS}-d3e4f-old", MEMORY)],
        None, None, [],
        id="an old evicted pod of a workload whose replicas are all Ready again is settled history"),
    pytest.param(
        BY_DEPLOYMENT, [*WORKLOAD, _healthy(f"{RS}-a1b2c"), _healthy(f"{RS}-d3e4f"),
                        _evicted(f"{RS}-d3e4f-old", MEMORY)],
        "evicted_node_pressure", "STATE_SAYS", ["node node-b", "low on memory"],
        id="an evicted pod not yet replaced (two of three replicas Ready) is still the answer"),
    pytest.param(
        BY_DEPLOYMENT, [*WORKLOAD, _healthy(f"{RS}-a1b2c"), _healthy(f"{RS}-d3e4f"), _healthy(f"{RS}-j7k8l"),
                        _evicted_at(f"{RS}-d3e4f-new", MEMORY, "2025-05-14T08:31:00Z")],
        "evicted_node_pressure", "STATE_SAYS", ["node node-b", "low on memory"],
        id="an eviction nine minutes ago is the answer even though its replacement is already Ready"),
    pytest.param(
        BY_POD, [*WORKLOAD, _oomkilled(POD)],
        None, None, [],
        id="a container OOMKilled by its own limit is a different failure"),
    pytest.param(
        BY_POD, [pod(POD, containers=[container("api")], phase="Failed", statuses=[],
                     status={"reason": "Preempting", "message": "Preempted in order to admit critical pod"})],
        None, None, [],
        id="a pod preempted for a critical pod is a different failure"),
]


@pytest.mark.parametrize(("inc", "objects", "category", "strength", "mentions"), CASES)
def test_evictions_are_named_with_the_node_pressure(inc, objects, category, strength, mentions):
    finding = ANALYZER.conclude(evidence(inc, objects))
    if category is None:
        assert finding is None
        return
    assert finding is not None
    assert (finding.category, finding.strength) == (category, strength)
    text = f"{finding.summary} {finding.root_cause}"
    assert all(m in text for m in mentions), text
