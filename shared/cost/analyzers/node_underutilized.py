"""Nodes mostly empty: little requested and little used, paid for whole."""

from __future__ import annotations

import re
from typing import Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import item, make_finding
from shared.analyzers.quantities import format_bytes, format_cpu
from shared.analyzers.strength import Strength
from shared.cost.analyzers.common import allocation, basis, money, prices, read_tool
from shared.cost.prices import HOURS_PER_MONTH
from shared.cost.workloads import NodeLoad, node_loads, percent
from shared.diagnosis import Finding
from shared.incident import Incident
from shared.tools.spec import ToolCall

EMPTY_SHARE: Final = 0.25  # requested and used below this share of allocatable, cpu and memory both
MIN_NODES: Final = 2  # a one-node cluster has nothing to consolidate onto


def is_mostly_empty(node: NodeLoad) -> bool:
    if node.control_plane or node.unschedulable or not node.cpu_allocatable or not node.memory_allocatable:
        return False
    requested = max(node.cpu_requested / node.cpu_allocatable, node.memory_requested / node.memory_allocatable)
    if requested >= EMPTY_SHARE:
        return False
    if node.cpu_used is None or node.memory_used is None:
        return True  # requests alone decide placement: what the scheduler sees as free is free
    return max(node.cpu_used / node.cpu_allocatable, node.memory_used / node.memory_allocatable) < EMPTY_SHARE


class NodeUnderutilized:
    name = "cost_node_underutilized"
    looks_for = "nodes with under 25% of their CPU and memory requested and used"
    answers = re.compile(r"idle|under-?utili\w*|empty|capacity|nodes?\b", re.I)

    def handles(self, incident: Incident) -> bool:
        return not incident.namespace  # a cluster-wide concern: nodes are not one namespace's

    def first_tools(self, incident: Incident) -> list[ToolCall]:
        return [ToolCall("list_resources", {"kind": "nodes"}), ToolCall("node_usage", {})]

    def conclude(self, evidence: Evidence) -> Finding | None:
        nodes = evidence.list("nodes")
        if len(nodes) < MIN_NODES:
            return None
        loads = node_loads(nodes, evidence.list("pods"), read_tool(evidence, "node_usage"))
        empty = [n for n in loads if is_mostly_empty(n)]
        if not empty or len(empty) == len([n for n in loads if not n.control_plane]):
            return None  # every node empty is an idle cluster, not a node to remove
        table = prices(evidence)
        evidence_items, recs, commands = [], [], []
        total = 0.0
        for node in empty[:8]:
            used = ("" if node.cpu_used is None else
                    f"; uses {percent(node.cpu_used, node.cpu_allocatable)}% CPU / "
                    f"{percent(node.memory_used or 0.0, node.memory_allocatable)}% memory now")
            evidence_items.append(item(
                f"Node/{node.name} ({node.instance_type or 'unknown type'})",
                f"{node.pods} pod(s) ({node.daemon_pods} from DaemonSets) request "
                f"{format_cpu(round(node.cpu_requested, 2))} of {format_cpu(node.cpu_allocatable)} CPU and "
                f"{format_bytes(node.memory_requested)} of {format_bytes(node.memory_allocatable)} "
                f"({percent(node.cpu_requested, node.cpu_allocatable)}% / "
                f"{percent(node.memory_requested, node.memory_allocatable)}%)" + used))
            estimate = table.instance(node.instance_type)
            if estimate is not None:
                total += estimate.monthly_usd
                saving = f"saving {estimate.text()}"
            else:
                saving = f"no price for instance type {node.instance_type or 'unknown'} in {table.source}"
            recs.append(f"Node {node.name} is mostly empty: let the cluster autoscaler (or Karpenter "
                        f"consolidation) remove it, or drain it after checking its pods fit elsewhere; {saving}.")
            commands.append(f"kubectl describe node {node.name}")
        commands.append("kubectl top nodes")
        spent = allocation(evidence, "namespace", None)
        if spent is not None and spent.get("idle_cost"):  # what the capacity nobody requested really cost
            hours = float(spent.get("window_hours") or 0.0) or 168.0
            evidence_items.append(item(
                f"idle capacity ({basis(spent)})",
                f"{money(spent['idle_cost'])} of node capacity no pod requested over the window (about "
                f"{money(spent['idle_cost'] * HOURS_PER_MONTH / hours)}/month)"))
        return make_finding(
            "cost_node_underutilized",
            f"{len(empty)} of {len(loads)} node(s) are mostly empty"
            + (f" (about ${total:,.0f}/month, estimate)" if total else ""),
            "A node is billed whole whatever runs on it; these hold under a quarter of their capacity in requests "
            "and use, so their pods would fit on the other nodes.",
            evidence_items, recs, commands, Strength.STATE_SAYS, self.name, confidence=0.75)


ANALYZER: Final = NodeUnderutilized()
