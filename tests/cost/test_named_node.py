"""An alert about one node is answered about that node: named, with why it is fine (already being removed,
cordoned, busy after all) or why it stays (scale-down disabled, a pod that blocks eviction)."""

import pytest

from shared.cost.analyzers import ANALYZERS
from shared.cost.planner import analyze
from tests.cost.cluster import evidence, incident, node, node_metrics, pod

QUIET = "spot-worker-7.eu-west-1.compute.internal"


def _node(name, *, unschedulable=False, taints=(), annotations=None, instance_type="c6i.4xlarge"):
    n = node(name, cpu="16", memory="32Gi", instance_type=instance_type)
    n["spec"] = {**({"unschedulable": True} if unschedulable else {}), **({"taints": list(taints)} if taints else {})}
    n["metadata"]["annotations"] = annotations or {}
    return n


def _cluster(quiet):
    objects = [node("busy-1"), node("busy-2"), quiet]
    objects += [pod("shop", f"api-7d9f8c6b5-{i}", cpu="2", memory="8Gi", owner="api", node=f"busy-{i % 2 + 1}")
                for i in range(4)]
    objects += [node_metrics("busy-1", cpu="3", memory="12Gi"), node_metrics("busy-2", cpu="3", memory="12Gi"),
                node_metrics(quiet["metadata"]["name"], cpu="150m", memory="900Mi")]
    return objects


def _alert(name=QUIET):
    return incident(reason="NodeLowUtilisation", labels={"alertname": "NodeLowUtilisation", "node": name,
                                                         "severity": "info"})


def _said(verdict):
    return " ".join((verdict.summary, verdict.root_cause, *(e.excerpt for e in verdict.evidence),
                     *verdict.recommendations))


@pytest.mark.parametrize("quiet, reason", [
    (_node(QUIET, unschedulable=True, taints=[{"key": "ToBeDeletedByClusterAutoscaler", "value": "1765152000",
                                               "effect": "NoSchedule"}]), "cluster autoscaler"),
    (_node(QUIET, taints=[{"key": "karpenter.sh/disrupted", "effect": "NoSchedule"}]), "Karpenter"),
    (_node(QUIET, unschedulable=True), "cordoned"),
], ids=["tainted ToBeDeletedByClusterAutoscaler: the autoscaler is removing it",
        "tainted karpenter.sh/disrupted: Karpenter is removing it",
        "cordoned by hand: it is being drained"])
def test_a_quiet_node_already_on_its_way_out_is_healthy_and_named(quiet, reason):
    (verdict, *_) = analyze(ANALYZERS, evidence(_alert(), _cluster(quiet)))
    assert verdict.category == "healthy"
    assert QUIET in verdict.summary and reason in _said(verdict)
    assert not verdict.summary.startswith("No cost waste")  # about the node, not the whole cluster


def test_a_named_node_that_is_busy_after_all_is_healthy_and_says_how_busy():
    busy = _node(QUIET)
    objects = _cluster(busy) + [pod("shop", f"batch-6c8d7b9f4-{i}", cpu="5", memory="10Gi", owner="batch",
                                    template_hash="6c8d7b9f4", node=QUIET) for i in range(2)]
    (verdict, *_) = analyze(ANALYZERS, evidence(_alert(), objects))
    assert verdict.category == "healthy" and QUIET in verdict.summary
    assert "62%" in _said(verdict)  # 10 of 16 CPU requested


def test_a_quiet_node_the_autoscaler_may_not_remove_is_reported_with_that_reason():
    pinned = _node(QUIET, annotations={"cluster-autoscaler.kubernetes.io/scale-down-disabled": "true"})
    (verdict, *_) = analyze(ANALYZERS, evidence(_alert(), _cluster(pinned)))
    assert verdict.category == "cost_node_underutilized" and QUIET in verdict.summary
    assert "scale-down-disabled" in _said(verdict)


def test_an_alert_naming_a_node_that_no_longer_exists_says_so():
    (verdict, *_) = analyze(ANALYZERS, evidence(_alert("gone-node-3"), _cluster(_node(QUIET))))
    assert verdict.category == "healthy" and "gone-node-3" in verdict.summary
    assert "no longer" in verdict.summary or "not found" in verdict.summary
