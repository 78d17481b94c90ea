"""Nodes mostly empty: little requested and little used, paid for whole."""

from __future__ import annotations

import re
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import item, make_finding, name_of
from shared.analyzers.quantities import format_bytes, format_cpu
from shared.analyzers.strength import Strength
from shared.categories import HEALTHY
from shared.cost.analyzers.common import allocation, basis, money, named_objects, prices, read_tool
from shared.cost.node_removal import being_removed, kept_by
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
        pods = evidence.list("pods")
        loads = node_loads(nodes, pods, read_tool(evidence, "node_usage"))
        named = list(named_objects(evidence.incident))
        fine = _named_node_is_fine(named, nodes, loads) if named else None
        if fine is not None:
            return fine
        if len(nodes) < MIN_NODES:
            return None
        leaving = {name_of(n) for n in nodes if being_removed(n)}
        empty = [n for n in loads if is_mostly_empty(n) and n.name not in leaving]
        if not empty or len(empty) == len([n for n in loads if not n.control_plane]):
            return None  # every node empty is an idle cluster, not a node to remove
        empty.sort(key=lambda n: n.name not in named)  # the node an alert names first
        by_name = {name_of(n): n for n in nodes}
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
            blockers = kept_by(by_name.get(node.name) or {}, pods)
            evidence_items += [item(f"Node/{node.name} kept", b) for b in blockers]
            recs.append(f"Node {node.name} is mostly empty: let the cluster autoscaler (or Karpenter "
                        f"consolidation) remove it, or drain it after checking its pods fit elsewhere; {saving}."
                        + (f" It stays because {'; '.join(blockers)}: remove that if nothing needs it."
                           if blockers else ""))
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
            f"{len(empty)} of {len(loads)} node(s) are mostly empty, {empty[0].name}"
            + (f" (kept: {kept[0]})" if (kept := kept_by(by_name.get(empty[0].name) or {}, pods)) else "")
            + (f" (about ${total:,.0f}/month, estimate)" if total else ""),
            "A node is billed whole whatever runs on it; these hold under a quarter of their capacity in requests "
            "and use, so their pods would fit on the other nodes.",
            evidence_items, recs, commands, Strength.STATE_SAYS, self.name,
            caveats=1)  # one reading of its load


def _named_node_is_fine(named: list[str], nodes: list[dict[str, Any]], loads: list[NodeLoad]) -> Finding | None:
    """A `healthy` answer about the node an alert names, with why: gone, already being removed, or busy."""
    by_name = {name_of(n): n for n in nodes}
    load = {n.name: n for n in loads}
    name = named[0]
    node = by_name.get(name)
    if node is None:
        if not nodes:
            return None  # the nodes could not be read: nothing is known about it
        why = f"Node {name} no longer exists: it was removed, so it is no longer billed"
        facts = [item(f"Node/{name}", "not found among the cluster's nodes now")]
    elif (reason := being_removed(node)) is not None:
        why = f"Node {name} is idle because {reason}"
        facts = [item(f"Node/{name}", reason)]
    elif not is_mostly_empty(load[name]):
        n = load[name]
        used = "" if n.cpu_used is None else (f"; uses {percent(n.cpu_used, n.cpu_allocatable)}% CPU / "
                                              f"{percent(n.memory_used or 0.0, n.memory_allocatable)}% memory now")
        why = (f"Node {name} is not idle now: its pods request {percent(n.cpu_requested, n.cpu_allocatable)}% CPU "
               f"/ {percent(n.memory_requested, n.memory_allocatable)}% memory of it{used}")
        facts = [item(f"Node/{name}", f"{n.pods} pod(s) placed on it{used}")]
    else:
        return None  # idle and staying: the finding below says so
    return make_finding(
        HEALTHY, why,
        f"{why}. An idle node is worth acting on only when it stays; this one needs nothing done about its cost"
        " now. If the alert keeps firing for it, look at what keeps it.",
        facts, [f"Nothing to remove for node {name}; if it is still there and idle in an hour, look again."],
        [f"kubectl describe node {name}", "kubectl get nodes -o wide"], Strength.STATE_SAYS, "cost_node_underutilized",
        caveats=1)


ANALYZER: Final = NodeUnderutilized()
