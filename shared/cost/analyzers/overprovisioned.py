"""Over-provisioned workloads: requests far above what the pods use (capacity paid for and idle).

Usage comes from a week of OpenCost or Kubecost allocation where one is reachable (average request and usage,
and what the workload really cost), else from one metrics-server reading priced with the price table; the
diagnosis says which. A workload the allocation shows busy over the week is not reported, whatever one quiet
reading says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import item, make_finding
from shared.analyzers.quantities import format_bytes, format_cpu
from shared.analyzers.strength import Strength
from shared.cost.analyzers.common import allocation, basis, money, namespace_scope, prices, read_tool
from shared.cost.prices import HOURS_PER_MONTH, Estimate, Prices
from shared.cost.workloads import GIB, Workload, percent, workloads
from shared.diagnosis import Finding
from shared.incident import Incident
from shared.tools.spec import ToolCall

USED_SHARE: Final = 0.35  # at most this share of a request used: over-provisioned
HEADROOM: Final = 1.5  # suggested request = usage x this (one reading is not a week's peak)
MIN_CPU_WASTE: Final = 0.25  # cores
MIN_MEMORY_WASTE: Final = 512 * 1024**2  # bytes
MIN_CPU_FLOOR: Final = 0.05
MIN_MEMORY_FLOOR: Final = 64 * 1024**2


def _suggest(wl: Workload) -> tuple[float, float]:
    """(cpu, memory) requests worth keeping for the whole workload: usage plus headroom, never above now."""
    pods = max(len(wl.pods), 1)
    cpu = min(wl.cpu_request, max(wl.cpu_used * HEADROOM, MIN_CPU_FLOOR * pods))
    memory = min(wl.memory_request, max(wl.memory_used * HEADROOM, MIN_MEMORY_FLOOR * pods))
    return cpu, memory


def over_provisioned(wl: Workload) -> tuple[float, float] | None:
    """(cpu waste, memory waste) when the workload is measured and requests far above its use, else None."""
    if wl.measured_pods < len(wl.pods) or not wl.pods:
        return None  # a pod without a reading could be the busy one
    cpu, memory = _suggest(wl)
    cpu_waste = wl.cpu_request - cpu if wl.cpu_used <= USED_SHARE * wl.cpu_request else 0.0
    mem_waste = wl.memory_request - memory if wl.memory_used <= USED_SHARE * wl.memory_request else 0.0
    cpu_waste = cpu_waste if cpu_waste >= MIN_CPU_WASTE else 0.0
    mem_waste = mem_waste if mem_waste >= MIN_MEMORY_WASTE else 0.0
    return (cpu_waste, mem_waste) if cpu_waste or mem_waste else None


class OverProvisioned:
    name = "cost_overprovisioned"
    looks_for = "workloads whose requests are far above their usage (metrics.k8s.io)"
    # `requests` as a word only: a manual request's reason (`ManualRequest`) is not a question about requests,
    # while an alert name (`KubeCPUOvercommit`) still says overcommit inside it.
    answers = re.compile(r"over-?provision\w*|right-?siz\w*|overcommit\w*|\brequests?\b|\breserv\w*", re.I)

    def handles(self, incident: Incident) -> bool:
        return True

    def first_tools(self, incident: Incident) -> list[ToolCall]:
        ns = namespace_scope(incident)
        return [ToolCall("list_resources", {"kind": "pods", **({"namespace": ns} if ns else {})}),
                ToolCall("pod_usage", {"namespace": ns} if ns else {})]

    def conclude(self, evidence: Evidence) -> Finding | None:
        ns = namespace_scope(evidence.incident)
        usage = read_tool(evidence, "pod_usage", namespace=ns)
        spent = allocation(evidence, "controller", ns)
        if usage is None and spent is None:
            return None
        weeks = {(r["namespace"], r["kind"], r["controller"]): r for r in (spent or {}).get("rows") or ()}
        table = prices(evidence)
        wasted = []
        for wl in workloads(evidence.list("pods", ns), usage):
            row = weeks.get((wl.namespace, wl.kind.lower(), wl.name))
            if row is not None:  # the week's averages, not this moment's reading
                wl = replace(wl, cpu_request=row["cpu_request"], cpu_used=row["cpu_used"],
                             memory_request=row["ram_request"], memory_used=row["ram_used"], measured_pods=len(wl.pods))
            waste = over_provisioned(wl)
            if waste is not None:
                estimate = _from_allocation(row, waste, spent) if row is not None and spent else \
                    table.requests(waste[0], waste[1] / GIB)
                wasted.append((estimate, wl, waste, row))
        if not wasted:
            return None
        wasted.sort(key=lambda w: -w[0].monthly_usd)
        return self._finding(ns, wasted, spent, table, evidence)

    def _finding(self, ns: str | None, wasted: list[tuple[Estimate, Workload, tuple[float, float], Any]],
                 spent: Mapping[str, Any] | None, table: Prices, evidence: Evidence) -> Finding:
        total = sum(e.monthly_usd for e, _, _, _ in wasted)
        top = wasted[0][1]
        where = f"namespace {ns}" if ns else "the cluster"
        sources = list(dict.fromkeys(basis(spent) if row is not None and spent else table.source
                                     for _, _, _, row in wasted))
        evidence_items, recs, commands = [], [], []
        for estimate, wl, (cpu_waste, mem_waste), row in wasted[:8]:
            cpu, memory = _suggest(wl)
            when = f"on average over the {spent['window']}" if row is not None and spent else "now"
            evidence_items.append(item(
                f"{wl.target} in {wl.namespace} ({len(wl.pods)} pod(s))",
                f"requests {format_cpu(round(wl.cpu_request, 3))} CPU / {format_bytes(wl.memory_request)}, uses "
                f"{format_cpu(round(wl.cpu_used, 3))} / {format_bytes(wl.memory_used)} {when} "
                f"({percent(wl.cpu_used, wl.cpu_request)}% / {percent(wl.memory_used, wl.memory_request)}%)"
                + (f"; cost {money(row['total_cost'])} over the window ({basis(spent)})"
                   if row is not None and spent else "")))
            per_pod = max(len(wl.pods), 1)
            confirm = ("" if row is not None and spent else
                       " Confirm the peak over a week first (one metrics-server reading is not a peak).")
            recs.append(
                f"Right-size {wl.target} in {wl.namespace}: requests of about {format_cpu(round(cpu / per_pod, 2))} "
                f"CPU / {format_bytes(memory / per_pod)} per pod (usage x{HEADROOM:g}) would free "
                f"{format_cpu(round(cpu_waste, 2))} CPU / {format_bytes(mem_waste)}: saving "
                f"{estimate.text()}.{confirm}")
            commands.append(f"kubectl -n {wl.namespace} top pods")
            commands.append(f"kubectl -n {wl.namespace} describe {wl.target}")
        return make_finding(
            "cost_overprovisioned",
            f"{len(wasted)} workload(s) in {where} request far more than they use; {top.target} in "
            f"{top.namespace} the most (about ${total:,.0f}/month of requested capacity idle, estimate from "
            f"{' and '.join(sources)})",
            f"Requests reserve node capacity whether or not it is used: {top.target} requests "
            f"{format_cpu(round(top.cpu_request, 3))} CPU / {format_bytes(top.memory_request)} and uses "
            f"{percent(top.cpu_used, top.cpu_request)}% / {percent(top.memory_used, top.memory_request)}% of it, "
            f"so the nodes that hold these requests are paid for and idle." + _namespace_cost(evidence, ns, spent),
            evidence_items, recs, list(dict.fromkeys(commands)), Strength.STATE_SAYS, self.name,
            caveats=0 if wasted[0][3] is not None and spent else 1)  # one reading is not a week's peak


def _from_allocation(row: Mapping[str, Any], waste: tuple[float, float], spent: Mapping[str, Any]) -> Estimate:
    """The saving as the share of the workload's real CPU and memory cost its freed requests are, per month."""
    cpu = row["cpu_cost"] * waste[0] / row["cpu_request"] if row["cpu_request"] else 0.0
    memory = row["ram_cost"] * waste[1] / row["ram_request"] if row["ram_request"] else 0.0
    hours = float(spent.get("window_hours") or 0.0) or 168.0
    return Estimate((cpu + memory) * HOURS_PER_MONTH / hours,
                    f"its cost in the {basis(spent)} ({money(row['total_cost'])} over the window), scaled to a month")


def _namespace_cost(evidence: Evidence, ns: str | None, spent: Mapping[str, Any] | None) -> str:
    if not ns or spent is None:
        return ""
    by_namespace = allocation(evidence, "namespace", ns)
    row = next(iter((by_namespace or {}).get("rows") or ()), None)
    if row is None:
        return ""
    efficiency = row.get("total_efficiency")
    return (f" Namespace {ns} cost {money(row['total_cost'])} over the {spent['window']}"
            + (f" at {round(100 * efficiency)}% efficiency (usage/request)" if efficiency is not None else "")
            + f" ({spent['source']}).")


ANALYZER: Final = OverProvisioned()
