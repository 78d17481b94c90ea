"""Released PersistentVolumes still billed, and nodes mostly empty."""

import pytest

from shared.cost.analyzers.node_underutilized import ANALYZER as NODES
from shared.cost.analyzers.node_underutilized import is_mostly_empty
from shared.cost.analyzers.released_volumes import ANALYZER as VOLUMES
from shared.cost.workloads import NodeLoad
from tests.cost.cluster import evidence, incident, node, pod, pv, storage_class

GI = 1024**3


@pytest.mark.parametrize("volumes, reported", [
    ([pv("a", size="1Ti", phase="Released", claim=("analytics", "data-0"))], ["a"]),
    ([pv("a", size="1Ti", phase="Bound", claim=("analytics", "data-0"))], []),
    ([pv("a", size="100Gi", phase="Available")], []),
    ([pv("a", size="100Gi", phase="Available", claim=("analytics", "reserved"))], []),
    ([pv("a", size="1Ti", phase="Released", claim=("payments", "data-0"))], []),
], ids=["a Released volume is billed and unused", "a Bound volume is in use",
        "an Available volume nobody claims belongs to no namespace", "an Available volume reserved for a claim is not reported",
        "a Released volume of another namespace is out of this question's scope"])
def test_which_volumes_are_reported(volumes, reported):
    finding = VOLUMES.conclude(evidence(incident("analytics", "unused volumes?"), volumes))
    names = [e.source.split("/", 1)[1] for e in finding.evidence] if finding else []
    assert names == reported


def test_a_cluster_wide_trigger_reports_an_available_volume_nobody_claims():
    finding = VOLUMES.conclude(evidence(incident(reason="CostAnomaly"), [pv("a", size="100Gi", phase="Available")]))
    assert finding.category == "cost_released_volumes" and "phase Available" in finding.evidence[0].excerpt


def test_the_volume_is_priced_by_its_storage_class_type():
    objects = [storage_class("io2-db", "io2"), pv("db", size="500Gi", phase="Released", claim=("a", "d"),
                                                  storage_class="io2-db")]
    finding = VOLUMES.conclude(evidence(incident(), objects))
    assert "~$62.50/month (estimate; assumes 500 GiB of io2 at $0.125/GB-month" in finding.recommendations[0]
    assert finding.commands == ("kubectl get pv db -o wide", "kubectl describe pv db")


def _load(cpu_req, mem_req_gi, cpu_used=None, mem_used_gi=None, **kw):
    return NodeLoad("n", "m5.xlarge", 4.0, 16 * GI, cpu_requested=cpu_req, memory_requested=mem_req_gi * GI,
                    cpu_used=cpu_used, memory_used=None if mem_used_gi is None else mem_used_gi * GI, **kw)


@pytest.mark.parametrize("load, empty", [
    (_load(0.2, 0.5, 0.3, 1.5), True),
    (_load(2.5, 4, 1.0, 3), False),
    (_load(0.2, 6, 0.3, 2), False),  # memory requested: pods would not fit elsewhere so easily
    (_load(0.2, 0.5, 2.5, 1), False),  # little requested, much used (BestEffort pods)
    (_load(0.2, 0.5), True),  # no metrics: requests decide placement
    (_load(0.2, 0.5, 0.3, 1.5, control_plane=True), False),
], ids=["5% requested and 8% used: mostly empty", "60% requested: busy", "memory requested: not empty",
        "used though not requested: not empty", "no metrics, little requested: mostly empty",
        "a control-plane node is never reported"])
def test_when_a_node_is_mostly_empty(load, empty):
    assert is_mostly_empty(load) is empty


def test_a_cluster_wide_trigger_names_the_empty_node_and_its_instance_price():
    objects = [node("busy-1"), node("busy-2"), node("empty-1", instance_type="m6i.2xlarge", cpu="8", memory="32Gi")]
    objects += [pod("shop", f"api-7d9f8c6b5-{i}", cpu="2", memory="8Gi", owner="api", node=f"busy-{i % 2 + 1}")
                for i in range(4)]
    finding = NODES.conclude(evidence(incident(reason="ClusterIdleCapacity"), objects))
    assert finding.category == "cost_node_underutilized" and "1 of 3 node(s)" in finding.summary
    assert "empty-1" in finding.recommendations[0] and "m6i.2xlarge at $0.384/hour" in finding.recommendations[0]


def test_an_idle_cluster_is_not_a_node_to_remove():
    objects = [node("a"), node("b")]
    assert NODES.conclude(evidence(incident(reason="ClusterIdleCapacity"), objects)) is None


def test_a_namespace_question_is_not_about_nodes():
    assert not NODES.handles(incident("analytics", "over-provisioned?"))
