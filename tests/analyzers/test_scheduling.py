"""The scheduling analyzer names why a Pending pod cannot be placed, checked against the nodes."""

from __future__ import annotations

from typing import Any

import pytest
from cluster_builders import NOW, cond, container, event, evidence, incident, node, obj, pod

from shared.analyzers.scheduling import ANALYZER
from shared.analyzers.scheduling_message import parse_scheduling_message

GPU_TAINT = {"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}
PENDING = [cond("PodScheduled", "False", "Unschedulable", "0/5 nodes are available")]


def _pending(name: str = "web-5d8f7-abcde", **kw: Any) -> dict[str, Any]:
    kw.setdefault("containers", [container("web", requests={"cpu": "2", "memory": "1Gi"})])
    return pod(name, node=None, phase="Pending", statuses=[], **kw)


def _busy(name: str, node_name: str, cpu: str) -> dict[str, Any]:
    return pod(name, "other", node=node_name, containers=[container("x", requests={"cpu": cpu})])


def _failed_scheduling(message: str, name: str = "web-5d8f7-abcde") -> dict[str, Any]:
    return event("Pod", name, "FailedScheduling", message, count=42)


def _workers(label: dict[str, str] | None = None) -> list[dict[str, Any]]:
    return [node(f"worker-{i}", labels=label) for i in range(3)]


def _case_insufficient_with_tainted_gpu_nodes() -> list[dict[str, Any]]:
    return [
        _pending(),
        *_workers(),
        *[_busy(f"batch-{i}", f"worker-{i}", "3500m") for i in range(3)],
        node("gpu-0", taints=[GPU_TAINT]),
        node("gpu-1", taints=[GPU_TAINT]),
        _failed_scheduling(
            "0/5 nodes are available: 3 Insufficient cpu, 2 node(s) had untolerated taint "
            "{nvidia.com/gpu: present}. preemption: 0/5 nodes are available: 3 No preemption victims "
            "found for incoming pod, 2 Preemption is not helpful for scheduling."
        ),
    ]


def _case_selected_nodes_all_tainted() -> list[dict[str, Any]]:
    return [
        _pending(spec={"nodeSelector": {"accelerator": "a100"}}),
        *_workers(),
        node("gpu-0", labels={"accelerator": "a100"}, taints=[GPU_TAINT]),
        node("gpu-1", labels={"accelerator": "a100"}, taints=[GPU_TAINT]),
        _failed_scheduling(
            "0/5 nodes are available: 2 node(s) had untolerated taint {nvidia.com/gpu: present}, "
            "3 node(s) didn't match Pod's node affinity/selector."
        ),
    ]


def _case_selector_typo() -> list[dict[str, Any]]:
    cp = node("cp-0", taints=[{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}])
    return [
        _pending(spec={"nodeSelector": {"disktype": "ssd"}}),
        *_workers({"disk-type": "ssd"}),
        cp,
        _failed_scheduling(
            "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
            "3 node(s) didn't match Pod's node affinity/selector."
        ),
    ]


def _case_affinity_without_event() -> list[dict[str, Any]]:
    affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["eu-west-1c"]}]}
    ]}}}
    zoned = [node(f"worker-{z}", labels={"topology.kubernetes.io/zone": f"eu-west-1{z}"}) for z in "ab"]
    return [_pending(spec={"affinity": affinity}, conditions=PENDING), *zoned]


def _case_old_taint_format_all_nodes() -> list[dict[str, Any]]:
    batch = {"key": "dedicated", "value": "batch", "effect": "NoSchedule"}
    return [
        _pending(),
        *[node(f"batch-{i}", taints=[batch]) for i in range(3)],
        _failed_scheduling(
            "0/3 nodes are available: 3 node(s) had taint {dedicated: batch}, that the pod didn't tolerate."
        ),
    ]


def _case_missing_storage_class() -> list[dict[str, Any]]:
    claim = obj("PersistentVolumeClaim", "data-db-0", spec={"storageClassName": "fast-ssd",
                "resources": {"requests": {"storage": "20Gi"}}}, status={"phase": "Pending"})
    pvc_event = event("PersistentVolumeClaim", "data-db-0", "ProvisioningFailed",
                      'storageclass.storage.k8s.io "fast-ssd" not found', component="persistentvolume-controller")
    volumes = [{"name": "data", "persistentVolumeClaim": {"claimName": "data-db-0"}}]
    return [
        _pending("db-0", spec={"volumes": volumes}),
        *_workers(),
        claim,
        pvc_event,
        obj("StorageClass", "gp3", None, provisioner="ebs.csi.aws.com"),
        _failed_scheduling(
            "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 "
            "nodes are available: 3 Preemption is not helpful for scheduling.", "db-0"
        ),
    ]


def _case_wait_for_first_consumer_but_no_memory() -> list[dict[str, Any]]:
    claim = obj("PersistentVolumeClaim", "cache", spec={"storageClassName": "local"}, status={"phase": "Pending"})
    local = obj("StorageClass", "local", None, provisioner="rancher.io/local-path",
                volumeBindingMode="WaitForFirstConsumer")
    spec = {"volumes": [{"name": "c", "persistentVolumeClaim": {"claimName": "cache"}}]}
    big = [container("web", requests={"cpu": "100m", "memory": "24Gi"})]
    return [
        _pending(containers=big, spec=spec),
        *_workers(),
        claim,
        local,
        _failed_scheduling("0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available"),
    ]


def _case_too_many_pods() -> list[dict[str, Any]]:
    return [
        _pending(containers=[container("web")]),
        node("tiny-0", pods="1"),
        _busy("filler", "tiny-0", "10m"),
        _failed_scheduling("0/1 nodes are available: 1 Too many pods."),
    ]


POSITIVE = [
    (_case_insufficient_with_tainted_gpu_nodes, "pending_insufficient_resources", ["cpu", "500m", "2"], ("SCHEDULER_SAYS", True)),
    (_case_selected_nodes_all_tainted, "pending_taint", ["nvidia.com/gpu=present:NoSchedule", "gpu-0"], ("SCHEDULER_SAYS", True)),
    (_case_selector_typo, "pending_node_selector", ["disktype=ssd", "disk-type=ssd"], ("SCHEDULER_SAYS", True)),
    (_case_affinity_without_event, "pending_node_selector", ["topology.kubernetes.io/zone=eu-west-1c"], ("STATE_SAYS", True)),
    (_case_old_taint_format_all_nodes, "pending_taint", ["dedicated=batch:NoSchedule"], ("SCHEDULER_SAYS", True)),
    (_case_missing_storage_class, "pending_unbound_pvc", ["data-db-0", "fast-ssd"], ("OBJECT_MISSING", True)),
    (_case_wait_for_first_consumer_but_no_memory, "pending_insufficient_resources", ["memory", "24Gi"], ("SCHEDULER_SAYS", True)),
    (_case_too_many_pods, "pending_insufficient_resources", ["pods"], ("SCHEDULER_SAYS", True)),
]


@pytest.mark.parametrize(
    ("build", "category", "mentions", "strength"),
    POSITIVE,
    ids=[
        "full untainted nodes beat dedicated gpu nodes: capacity is the cause",
        "the only nodes the selector picks are tainted: the taint is the cause",
        "a label no node has is named with the node label it probably meant",
        "required zone affinity no node meets is found from the objects without an event",
        "the pre-1.25 taint message is read the same way",
        "an unbound claim names the claim and its missing storage class",
        "a wait-for-first-consumer claim does not hide a memory shortage",
        "a node at its pod limit reads as insufficient pods",
    ],
)
def test_names_the_dominant_cause(build, category, mentions, strength):
    objects = build()
    name = next(o["metadata"]["name"] for o in objects if o["kind"] == "Pod" and o["status"]["phase"] == "Pending")
    finding = ANALYZER.conclude(evidence(incident(object_name=name, family="scheduling"), objects))
    assert finding is not None
    assert finding.category == category
    text = " ".join([finding.summary, finding.root_cause, *finding.recommendations, *finding.commands])
    for word in mentions:
        assert word in text
    named, conclusive = strength
    assert finding.strength == named  # the scheduler's message (and the objects agreeing), or the objects alone
    assert (finding.confidence >= 0.85) is conclusive


def _young_pod_without_verdict() -> list[dict[str, Any]]:
    return [_pending(created="2025-05-14T08:39:58Z", spec={"nodeSelector": {"nope": "x"}}), *_workers()]


def _running_pod_with_old_event() -> list[dict[str, Any]]:
    return [
        pod("web-5d8f7-abcde", node="worker-0"),
        *_workers(),
        _failed_scheduling("0/3 nodes are available: 3 Insufficient cpu."),
    ]


def _pending_but_bound_to_a_node() -> list[dict[str, Any]]:
    return [pod("web-5d8f7-abcde", phase="Pending", node="worker-0"), *_workers()]


@pytest.mark.parametrize(
    "build",
    [_young_pod_without_verdict, _running_pod_with_old_event, _pending_but_bound_to_a_node],
    ids=[
        "a pod pending for two seconds with no scheduler verdict is not stuck",
        "an old FailedScheduling event on a pod now running is history",
        "a pending pod already bound to a node is not a scheduling problem",
    ],
)
def test_stays_silent(build):
    assert ANALYZER.conclude(evidence(incident(object_name="web-5d8f7-abcde", last_seen=NOW), build())) is None


@pytest.mark.parametrize(
    ("message", "dominant"),
    [
        ("0/6 nodes are available: 3 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}, "
         "1 node(s) didn't match Pod's node affinity/selector.", "resources"),
        ("0/3 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod "
         "didn't tolerate, 2 node(s) didn't match node selector.", "selector"),
        ("0/4 nodes are available: 2 node(s) had untolerated taint {team: data}, 2 node(s) didn't match "
         "Pod's node affinity/selector.", "taint"),
        ("0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind.", "pvc"),
        ("0/2 nodes are available: 2 node(s) were unschedulable.", "taint"),
    ],
    ids=[
        "insufficiency wins over taints and selectors",
        "a control-plane taint does not outvote a selector miss",
        "a team taint next to selector misses is the taint",
        "no persistent volume to bind is a claim problem",
        "cordoned nodes read as a taint",
    ],
)
def test_reads_scheduler_messages(message, dominant):
    assert parse_scheduling_message(message).dominant == dominant
