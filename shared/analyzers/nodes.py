"""Node NotReady and node pressure: the node itself is the problem, not the pods on it."""

from __future__ import annotations

from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import events_of, item, make_finding, name_of
from shared.analyzers.kube_facts import condition
from shared.analyzers.strength import Strength
from shared.analyzers.target import target_pods
from shared.diagnosis import Finding
from shared.incident import Incident
from shared.tools.spec import ToolCall

_PRESSURES: Final = {"MemoryPressure": "memory", "DiskPressure": "disk", "PIDPressure": "PIDs"}
_NODE_EVENTS: Final = ("NodeNotReady", "EvictionThresholdMet", "FreeDiskSpaceFailed", "ImageGCFailed",
                       "NodeHasDiskPressure", "NodeHasInsufficientMemory", "NodeHasInsufficientPID", "SystemOOM",
                       "ContainerGCFailed", "Rebooted", "NodeNotSchedulable")


def candidate_nodes(evidence: Evidence) -> list[dict[str, Any]]:
    """The node the incident names, else the nodes of its pods."""
    incident = evidence.incident
    names = []
    if incident.object_kind == "Node":
        names.append(incident.object_name)
    if incident.node and incident.source == "alertmanager":
        names.append(incident.node)
    if not names:
        names = [(p.get("spec") or {}).get("nodeName") for p in target_pods(evidence)[:3]]
    nodes = []
    for name in dict.fromkeys(n for n in names if n):
        node = evidence.get("nodes", name)
        if node is not None:
            nodes.append(node)
    return nodes


class NodesAnalyzer:
    name = "nodes"
    family = "node"
    looks_for = "the node (Ready, no pressure)"

    def handles(self, incident: Incident) -> bool:
        return True

    def first_tools(self, incident: Incident) -> list[ToolCall]:
        return []

    def conclude(self, evidence: Evidence) -> Finding | None:
        about_node = evidence.incident.object_kind == "Node" or evidence.incident.family == "node"
        for node in candidate_nodes(evidence):
            node_name = name_of(node)
            ready = condition(node, "Ready")
            events = [e for e in events_of(evidence, {**node, "kind": "Node"}) if e.get("reason") in _NODE_EVENTS]
            ev_items = [item(f"events node/{node_name}", f"{e.get('reason')}: {e.get('message', '')}")
                        for e in events[-3:]]
            if ready is not None and ready.get("status") != "True":
                since = ready.get("lastTransitionTime", "?")
                why = ready.get("message") or ready.get("reason") or "no reason given"
                pods = [p for p in evidence.list("pods")
                        if (p.get("spec") or {}).get("nodeName") == node_name][:50]
                return make_finding(
                    "node_not_ready",
                    f"node {node_name} is NotReady since {since}",
                    f"Node {node_name} has been NotReady ({ready.get('status')}) since {since}: {why}. Its "
                    f"{len(pods)} pods cannot run or are being evicted and rescheduled.",
                    [item(f"node/{node_name} conditions", f"Ready={ready.get('status')} reason "
                          f"{ready.get('reason')}: {why}"), *ev_items],
                    [f"Check the kubelet and container runtime on {node_name} (journalctl -u kubelet, "
                     "containerd status), its network and its cloud instance health; cordon and drain it, or "
                     "replace it, if it does not recover."],
                    [f"kubectl describe node {node_name}", f"kubectl get pods -A --field-selector "
                     f"spec.nodeName={node_name}", f"kubectl cordon {node_name}",
                     f"kubectl drain {node_name} --ignore-daemonsets --delete-emptydir-data"],
                    Strength.STATE_SAYS,
                    self.name,
                    corroborated=about_node,
                )
            for cond_type, resource in _PRESSURES.items():
                cond = condition(node, cond_type)
                if cond is not None and cond.get("status") == "True":
                    return make_finding(
                        "node_pressure",
                        f"node {node_name} is under {resource} pressure ({cond_type})",
                        f"Node {node_name} reports {cond_type}=True since {cond.get('lastTransitionTime', '?')}: "
                        f"{cond.get('message') or cond.get('reason')}. The kubelet evicts pods and refuses new "
                        f"ones until {resource} is freed.",
                        [item(f"node/{node_name} conditions", f"{cond_type}=True {cond.get('reason', '')}: "
                              f"{cond.get('message', '')}"), *ev_items],
                        [f"Free {resource} on {node_name}: find the pods using most (kubectl top pods), "
                         f"clean images/logs for disk, set requests/limits, or add capacity."],
                        [f"kubectl describe node {node_name}", "kubectl top nodes",
                         f"kubectl get pods -A --field-selector spec.nodeName={node_name}"],
                        # Pressure on the node of a failing pod is context unless the trigger is the node.
                        Strength.STATE_SAYS if about_node else Strength.CONTEXT,
                        self.name,
                    )
        return None


ANALYZER: Final = NodesAnalyzer()
