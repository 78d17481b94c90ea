"""Whether a node is already on its way out, and what keeps an empty one from being removed.

The cluster autoscaler taints a node it is removing `ToBeDeletedByClusterAutoscaler` (and a candidate
`DeletionCandidateOfClusterAutoscaler`) and cordons it; Karpenter taints one it disrupts `karpenter.sh/disrupted`
(`karpenter.sh/disruption=disrupting` before v1). An empty node the autoscaler may not remove says so:
`cluster-autoscaler.kubernetes.io/scale-down-disabled=true` or `karpenter.sh/do-not-disrupt=true` on the node,
a pod on it annotated `cluster-autoscaler.kubernetes.io/safe-to-evict=false` or `karpenter.sh/do-not-disrupt`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from shared.analyzers.facts import name_of

_BEING_REMOVED: Final = (
    ("ToBeDeletedByClusterAutoscaler", "the cluster autoscaler is removing it (taint ToBeDeletedByClusterAutoscaler)"),
    ("karpenter.sh/disrupted", "Karpenter is removing it (taint karpenter.sh/disrupted)"),
    ("karpenter.sh/disruption", "Karpenter is removing it (taint karpenter.sh/disruption)"),
)
_CANDIDATE: Final = ("DeletionCandidateOfClusterAutoscaler",
                     "the cluster autoscaler has marked it for scale-down (taint DeletionCandidateOfClusterAutoscaler)")
SCALE_DOWN_DISABLED: Final = "cluster-autoscaler.kubernetes.io/scale-down-disabled"
SAFE_TO_EVICT: Final = "cluster-autoscaler.kubernetes.io/safe-to-evict"
DO_NOT_DISRUPT: Final = "karpenter.sh/do-not-disrupt"


def _taints(node: Mapping[str, Any]) -> list[str]:
    return [str(t.get("key") or "") for t in (node.get("spec") or {}).get("taints") or []]


def being_removed(node: Mapping[str, Any]) -> str | None:
    """Why the node is already going away (an autoscaler's taint), or why it is empty on purpose (cordoned)."""
    taints = _taints(node)
    for key, why in (*_BEING_REMOVED, _CANDIDATE):
        if key in taints:
            return why
    if (node.get("spec") or {}).get("unschedulable"):
        return "it is cordoned (unschedulable): someone or something is draining it"
    return None


def kept_by(node: Mapping[str, Any], pods: Iterable[Mapping[str, Any]]) -> list[str]:
    """What stops the autoscaler from removing this node, each said as a person would check it."""
    annotations = (node.get("metadata") or {}).get("annotations") or {}
    out = []
    if str(annotations.get(SCALE_DOWN_DISABLED, "")).lower() == "true":
        out.append(f"the node is annotated {SCALE_DOWN_DISABLED}=true: the cluster autoscaler never removes it")
    if str(annotations.get(DO_NOT_DISRUPT, "")).lower() == "true":
        out.append(f"the node is annotated {DO_NOT_DISRUPT}=true: Karpenter never consolidates it")
    name = name_of(node)
    for pod in pods:
        if (pod.get("spec") or {}).get("nodeName") != name:
            continue
        pod_notes = (pod.get("metadata") or {}).get("annotations") or {}
        where = f"pod {(pod.get('metadata') or {}).get('namespace')}/{name_of(pod)}"
        if str(pod_notes.get(SAFE_TO_EVICT, "")).lower() == "false":
            out.append(f"{where} is annotated {SAFE_TO_EVICT}=false: the autoscaler will not evict it to remove "
                       "the node")
        if str(pod_notes.get(DO_NOT_DISRUPT, "")).lower() == "true":
            out.append(f"{where} is annotated {DO_NOT_DISRUPT}=true: Karpenter will not disrupt its node")
    return out
