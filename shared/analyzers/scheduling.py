"""Pending pods the scheduler cannot place: resources, taints, node selectors, unbound PVCs.

The scheduler's FailedScheduling message (or the PodScheduled condition, which outlives expired
events) says why each node was rejected; the objects say which rejection matters. Nodes are
checked in the scheduler's own filter order (cordon, taints, selector/affinity, resource fit), so
the verdict is the first filter that leaves no node: no node carries the selected labels ->
pending_node_selector; every selected node is tainted -> pending_taint; the selected, tolerated
nodes are full -> pending_insufficient_resources. Unbound PVCs fail before any node is tried.
Strength: SCHEDULER_SAYS (corroborated) when the message and the objects agree, SCHEDULER_SAYS from the
message alone, STATE_SAYS from the objects alone, and STATE_SAYS with a caveat when they disagree (the
objects win: they are newer than the event). A claim or class that does not exist is OBJECT_MISSING.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.claims import ClaimProblem, unbound_claims
from shared.analyzers.kube_facts import (
    call,
    condition,
    event_item,
    events_with,
    name_of,
    parse_time,
    pod_first_tools,
    reference_now,
)
from shared.analyzers.placement import NodeFit, assess_nodes, near_labels
from shared.analyzers.quantities import format_quantity, parse_quantity, pod_requests
from shared.analyzers.scheduling_message import PVC, RESOURCES, SELECTOR, TAINT, parse_scheduling_message
from shared.analyzers.strength import Strength, confidence_for
from shared.analyzers.target import target_pods, workload_of
from shared.diagnosis import EvidenceItem, Finding
from shared.incident import Incident
from shared.tools.spec import ToolCall

GRACE_SECONDS: Final = 60  # a pod this young with no scheduler verdict is not stuck yet
CATEGORY: Final = {
    RESOURCES: "pending_insufficient_resources",
    TAINT: "pending_taint",
    SELECTOR: "pending_node_selector",
    PVC: "pending_unbound_pvc",
}


class SchedulingAnalyzer:
    name = "scheduling"
    family = "scheduling"
    looks_for = "scheduling (no pod unschedulable)"

    def handles(self, incident: Incident) -> bool:
        return bool(incident.namespace) and incident.object_kind != "Node"

    def first_tools(self, incident: Incident) -> list[ToolCall]:
        return [*pod_first_tools(incident), call("list_resources", kind="nodes")]

    def conclude(self, evidence: Evidence) -> Finding | None:
        pods = target_pods(evidence)
        pending = [p for p in pods if _is_unscheduled(p)]
        for pod in pending[:3]:
            finding = _diagnose(evidence, pod, len(pending))
            if finding is not None:
                return _with_scheduler_words(finding, pod)
        return None


def _with_scheduler_words(finding: Finding, pod: Mapping[str, Any]) -> Finding:
    """The scheduler's own message, quoted in the root cause: it is what a person greps for."""
    message = (condition(pod, "PodScheduled") or {}).get("message") or ""
    if not message:
        item = next((e for e in finding.evidence if "FailedScheduling" in e.excerpt or "nodes are available"
                     in e.excerpt), None)
        message = item.excerpt.split(": ", 1)[-1] if item else ""
    if not message or message[:60] in finding.root_cause:
        return finding
    from dataclasses import replace

    return replace(finding, root_cause=f"{finding.root_cause} The scheduler says: “{message[:300]}”")


def _is_unscheduled(pod: Mapping[str, Any]) -> bool:
    return (
        (pod.get("status") or {}).get("phase") == "Pending"
        and not (pod.get("spec") or {}).get("nodeName")
        and not (pod.get("metadata") or {}).get("deletionTimestamp")
    )


def _diagnose(evidence: Evidence, pod: Mapping[str, Any], pending: int) -> Finding | None:
    meta = pod.get("metadata") or {}
    ns, name = meta.get("namespace", ""), meta.get("name", "")
    events = events_with(evidence, "Pod", name, ns, ("FailedScheduling",))
    scheduled = condition(pod, "PodScheduled")
    message = events[-1].get("message", "") if events else ""
    if not message and scheduled and scheduled.get("status") == "False":
        message = scheduled.get("message") or ""
    now, created = reference_now(evidence), parse_time(meta.get("creationTimestamp"))
    if not message and now and created and (now - created).total_seconds() < GRACE_SECONDS:
        return None
    parsed = parse_scheduling_message(message) if message else None
    said = parsed.dominant if parsed else None
    items = [event_item(events[-1])] if events else []
    if not events and message:
        items.append(
            EvidenceItem(f"pod/{ns}/{name} status", f"PodScheduled=False Unschedulable: {message[:250]}")
        )
    # A WaitForFirstConsumer claim waits for scheduling, unless provisioning already failed for it.
    claims = [c for c in unbound_claims(evidence, pod)
              if not c.wait_for_first_consumer or said == PVC or c.event is not None]
    if claims:
        missing = any("does not exist" in c.problem for c in claims)
        strength = (Strength.OBJECT_MISSING if missing else Strength.SCHEDULER_SAYS) \
            if said in (PVC, None) and message else Strength.STATE_SAYS
        return _pvc_finding(ns, name, claims, items, strength)
    nodes = evidence.list("nodes")
    fits = assess_nodes(pod, nodes, evidence.list("pods")) if nodes else []
    found = _simulated_cause(fits) if fits else None
    cause = found or (said if said in CATEGORY else None)
    if cause is None:
        return None
    if found and said == found:
        strength, confidence = Strength.SCHEDULER_SAYS, confidence_for(Strength.SCHEDULER_SAYS, corroborated=True)
    elif found is None or said is None:
        strength = Strength.SCHEDULER_SAYS if found is None else Strength.STATE_SAYS
        confidence = confidence_for(strength)
    else:
        strength, confidence = Strength.STATE_SAYS, confidence_for(Strength.STATE_SAYS, caveats=1)
    ctx = _Context(ns, name, pod, fits, nodes, pending, items, confidence, message)
    ctx.strength = strength
    owner = workload_of(evidence, pod)
    ctx.workload = (owner[0], owner[1]) if owner else None
    return (
        {RESOURCES: _resources_finding, TAINT: _taint_finding, SELECTOR: _selector_finding}[cause](ctx)
        if cause != PVC
        else None
    )


def _simulated_cause(fits: list[NodeFit]) -> str | None:
    selected = [f for f in fits if not f.selector_misses]
    if not selected:
        return SELECTOR
    tolerated = [f for f in selected if not f.taints and not f.unschedulable]
    if not tolerated:
        return TAINT
    if not any(f.fits for f in tolerated):
        return RESOURCES
    return None


class _Context:
    def __init__(
        self,
        ns: str,
        name: str,
        pod: Mapping[str, Any],
        fits: list[NodeFit],
        nodes: list[Mapping[str, Any]],
        pending: int,
        items: list[EvidenceItem],
        confidence: float,
        message: str,
    ) -> None:
        self.ns, self.name, self.pod, self.fits, self.nodes = ns, name, pod, fits, nodes
        self.items, self.confidence, self.message = items, confidence, message
        self.workload: tuple[str, str] | None = None
        self.strength = Strength.SCHEDULER_SAYS
        self.others = f" ({pending} pods of this workload are Pending)" if pending > 1 else ""

    @property
    def describe(self) -> str:
        return f"kubectl -n {self.ns} describe pod {self.name}"

    def finding(
        self, category: str, summary: str, root_cause: str, recs: list[str], cmds: list[str]
    ) -> Finding:
        return Finding(
            category=category,
            summary=summary + self.others,
            root_cause=root_cause,
            evidence=tuple(self.items),
            recommendations=tuple(recs),
            commands=tuple([self.describe, *cmds]),
            confidence=self.confidence,
            analyzer="scheduling",
            strength=self.strength.name,
        )


def _resources_finding(ctx: _Context) -> Finding:
    wanted = pod_requests(ctx.pod.get("spec") or {})
    eligible = [f for f in ctx.fits if not f.selector_misses and not f.taints and not f.unschedulable]
    short = Counter(r for f in eligible for r in f.short)
    # The scheduler saw every pod's requests; a snapshot may miss some. When it names the resource, it wins.
    said = parse_scheduling_message(ctx.message).details(RESOURCES) if ctx.message else []
    resource = said[0] if said else short.most_common(1)[0][0] if short else _message_resource(ctx.message)
    request = wanted.get(resource, 1.0 if resource == "pods" else 0.0)
    need = format_quantity(resource, request)
    best = max(eligible, key=lambda f: f.free.get(resource, 0.0), default=None)
    if best is not None:
        free = format_quantity(resource, max(best.free.get(resource, 0.0), 0.0))
        where = f"the most free {resource} on any eligible node is {free} (node {best.node})"
        ctx.items.append(EvidenceItem(f"node/{best.node} allocatable", f"unrequested {resource}: {free}"))
    else:
        where = "no node has that much unrequested"
    names = {f.node for f in eligible}
    biggest = max((_allocatable(n, resource) for n in ctx.nodes if name_of(n) in names), default=0.0)
    if resource != "pods" and biggest and request > biggest:
        where += (
            f"; it is more than any eligible node's whole allocatable ({format_quantity(resource, biggest)})"
        )
    what = (
        "each eligible node is at its pod limit" if resource == "pods" else f"it requests {resource} {need}"
    )
    passing = f"; {len(eligible)} node(s) pass its taints and selectors" if eligible else ""
    target = f"{ctx.workload[0].lower()}/{ctx.workload[1]}" if ctx.workload else f"pod/{ctx.name}"
    fix = (
        f"Lower the {resource} request of {target} (now {need}) or free capacity by scaling down other workloads"
        if resource != "pods"
        else "Spread pods over more nodes or raise the kubelet's maxPods"
    )
    return ctx.finding(
        "pending_insufficient_resources",
        f"Pod {ctx.ns}/{ctx.name} is Pending: insufficient {resource} (requests {need})",
        f"Pod {ctx.name} cannot be scheduled: {what}, but {where}{passing}.",
        [fix, "Add nodes or let the cluster autoscaler grow the node group"],
        ["kubectl describe nodes | grep -A8 'Allocated resources'", "kubectl top nodes"],
    )


def _allocatable(node: Mapping[str, Any], resource: str) -> float:
    return parse_quantity(((node.get("status") or {}).get("allocatable") or {}).get(resource)) or 0.0


def _message_resource(message: str) -> str:
    details = parse_scheduling_message(message).details(RESOURCES) if message else []
    return details[0] if details else "cpu"


def _taint_finding(ctx: _Context) -> Finding:
    selected = [f for f in ctx.fits if not f.selector_misses] or ctx.fits
    taints = Counter(t for f in selected for t in f.taints)
    if any(f.unschedulable for f in selected):
        taints["node.kubernetes.io/unschedulable:NoSchedule"] += sum(f.unschedulable for f in selected)
    if not taints and ctx.message:
        taints.update(parse_scheduling_message(ctx.message).details(TAINT))
    taint = taints.most_common(1)[0][0] if taints else "unknown taint"
    key = taint.split("=")[0].split(":")[0]
    nodes = [f.node for f in selected if taint in f.taints][:5]
    value = taint.split("=", 1)[1].split(":")[0] if "=" in taint else ""
    effect = taint.rsplit(":", 1)[1] if ":" in taint else "NoSchedule"
    toleration = (
        f'{{key: "{key}", operator: "Equal", value: "{value}", effect: "{effect}"}}'
        if value
        else f'{{key: "{key}", operator: "Exists", effect: "{effect}"}}'
    )
    on = f" on node(s) {', '.join(nodes)}" if nodes else ""
    return ctx.finding(
        "pending_taint",
        f"Pod {ctx.ns}/{ctx.name} is Pending: no node it may use tolerates taint {taint}",
        f"Every node that matches pod {ctx.name}'s selectors carries taint {taint}{on}, and the pod has no "
        "matching toleration.",
        [
            f"If the pod belongs on those nodes, add the toleration {toleration} to its pod template",
            f"Otherwise remove the taint or add untainted nodes: kubectl taint nodes <node> {key}-",
        ],
        [f"kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints | grep {key}"],
    )


def _selector_finding(ctx: _Context) -> Finding:
    misses = Counter(m for f in ctx.fits for m in f.selector_misses)
    spec = ctx.pod.get("spec") or {}
    unmet = (
        [m for m, n in misses.items() if n == len(ctx.fits)]
        or list(misses)
        or [f"{k}={v}" for k, v in (spec.get("nodeSelector") or {}).items()]
    )
    label = unmet[0] if unmet else "its node selector"
    near = near_labels(label, ctx.nodes) if ctx.nodes else []
    hint = f"; nodes do have {', '.join(near)}" if near else ""
    ctx.items.append(
        EvidenceItem(
            f"pod/{ctx.ns}/{ctx.name} spec", f"nodeSelector/affinity requires {', '.join(unmet) or label}"
        )
    )
    return ctx.finding(
        "pending_node_selector",
        f"Pod {ctx.ns}/{ctx.name} is Pending: no node has label {label}",
        f"Pod {ctx.name} requires node label {label} (nodeSelector or required node affinity), which no node "
        f"carries{hint}.",
        [
            "Fix the pod template's nodeSelector/affinity to a label the nodes have"
            + (f" ({near[0]}?)" if near else ""),
            f"Or label the intended nodes: kubectl label node <node> {label}",
        ],
        ["kubectl get nodes --show-labels"],
    )


def _pvc_finding(
    ns: str, name: str, claims: list[ClaimProblem], items: list[EvidenceItem], strength: Strength
) -> Finding:
    first = claims[0]
    if first.event is not None:
        items.append(event_item(first.event))
    sc = f" (storage class {first.storage_class})" if first.storage_class else ""
    return Finding(
        category="pending_unbound_pvc",
        summary=f"Pod {ns}/{name} is Pending: PersistentVolumeClaim {first.claim}{sc} is not bound",
        root_cause=" ".join(f"{c.problem}." for c in claims),
        evidence=tuple(items),
        recommendations=(
            f"Make PVC {first.claim} bindable: create StorageClass {first.storage_class or '<class>'} "
            "or point the claim at an existing class (kubectl get storageclass), "
            "or create a matching PersistentVolume",
            "A PVC's storageClassName cannot change after creation: delete and recreate the claim",
        ),
        commands=(
            f"kubectl -n {ns} describe pvc {first.claim}",
            "kubectl get storageclass",
            "kubectl get pv",
        ),
        confidence=confidence_for(strength),
        analyzer="scheduling",
        strength=strength.name,
    )


ANALYZER = SchedulingAnalyzer()
