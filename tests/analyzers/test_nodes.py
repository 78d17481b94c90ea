"""The nodes analyzer: a NotReady node or one under pressure; the node is the root only when it is the subject
or it is NotReady, pressure under a failing pod is context."""

from __future__ import annotations

import pytest
from cluster_builders import cond, evidence, incident, node, pod

from shared.analyzers.nodes import ANALYZER

NOT_READY = node("node-a", conditions=[cond("Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node "
                                            "status.")])
PRESSURE = node("node-a", conditions=[cond("Ready", "True", "KubeletReady"),
                                      cond("DiskPressure", "True", "KubeletHasDiskPressure", "disk 92% full")])
ABOUT_NODE = incident(object_kind="Node", object_name="node-a", pod=None, family="node", namespace="")
ABOUT_POD = incident(object_name="api-7c9f8d6b5-x2k4q", family="generic")


@pytest.mark.parametrize(
    ("inc", "the_node", "category", "strength"),
    [
        (ABOUT_NODE, NOT_READY, "node_not_ready", "STATE_SAYS"),
        (ABOUT_POD, NOT_READY, "node_not_ready", "STATE_SAYS"),
        (ABOUT_NODE, PRESSURE, "node_pressure", "STATE_SAYS"),
        (ABOUT_POD, PRESSURE, "node_pressure", "CONTEXT"),
        (ABOUT_POD, node("node-a"), None, None),
    ],
    ids=["a NotReady node named by the trigger", "the NotReady node under a failing pod",
         "disk pressure on the node the trigger names", "pressure under a failing pod is context, not the root",
         "a Ready node without pressure gives no finding"],
)
def test_node_conditions_are_named_with_their_strength(inc, the_node, category, strength):
    finding = ANALYZER.conclude(evidence(inc, [the_node, pod("api-7c9f8d6b5-x2k4q")]))
    if category is None:
        assert finding is None
        return
    assert (finding.category, finding.strength) == (category, strength)
    assert "node-a" in finding.summary
