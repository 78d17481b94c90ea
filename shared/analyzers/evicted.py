"""Evicted pods: the kubelet killed them because their node ran low on memory or disk."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import NamespacedAnalyzer, events_of, item, make_finding, name_of, ns_of, owner_hint
from shared.analyzers.kube_facts import latest_time, now_of, parse_time
from shared.analyzers.strength import Strength
from shared.analyzers.target import (
    SETTLED_MINUTES,
    container_states,
    is_serving,
    pods_of_workload,
    target_pods,
    target_workload,
)
from shared.diagnosis import Finding

_LOW = re.compile(r"low on resource: ([\w-]+)", re.I)
_USING = re.compile(r"Container ([\w-]+) was using ([^\s,]+),? (?:request|which exceeds its request) (?:is )?([^\s,]+)?",
                    re.I)


def _evicted(pod: dict[str, Any]) -> bool:
    status = pod.get("status") or {}
    return status.get("reason") == "Evicted" or "evict" in str(status.get("message", "")).lower()


def _replaced(evidence: Evidence, workload: dict[str, Any] | None, evicted: list[dict[str, Any]]) -> bool:
    """Evicted pods linger (phase Failed) after their replacements run. Once the workload has every replica
    it wants Ready and the last eviction is half an hour old, the evictions are history, not why it fails
    now; evictions that keep coming (a node still under pressure) are still the answer. A trigger naming
    the evicted pod itself is answered whatever its age: that eviction is what was asked about."""
    incident = evidence.incident
    if workload is None or any(name_of(p) == incident.pod for p in evicted):
        return False
    wanted = (workload.get("spec") or {}).get("replicas", 1)
    serving = [p for p in pods_of_workload(evidence, workload) if not _evicted(p) and is_serving(p)]
    if not isinstance(wanted, int) or len(serving) < max(wanted, 1):
        return False
    # When no eviction carries a time, the replacements' start bounds it: they came after.
    last = max(_times(evidence, evicted) or _starts(serving), default=None)
    now = now_of(evidence)
    return last is not None and now is not None and (now - last).total_seconds() >= SETTLED_MINUTES * 60


def _times(evidence: Evidence, pods: list[dict[str, Any]]) -> list[datetime]:
    """When each pod was evicted: its Evicted event, else its containers' end."""
    found = []
    for pod in pods:
        events = [e for e in events_of(evidence, pod) if e.get("reason") == "Evicted"]
        ends = [(c.last_exit or {}).get("finishedAt") for c in container_states(pod)]
        found += [t for t in [latest_time(events), *map(parse_time, ends)] if t is not None]
    return found


def _starts(pods: list[dict[str, Any]]) -> list[datetime]:
    return [t for p in pods for s in (p.get("status") or {}).get("containerStatuses") or []
            if (t := parse_time(((s.get("state") or {}).get("running") or {}).get("startedAt"))) is not None]


class EvictedAnalyzer(NamespacedAnalyzer):
    name = "evicted"
    family = "eviction"
    looks_for = "evictions (no evicted pod)"

    def conclude(self, evidence: Evidence) -> Finding | None:
        pods = target_pods(evidence)
        workload = target_workload(evidence)
        if workload is not None:
            pods = pods + [p for p in pods_of_workload(evidence, workload) if p not in pods]
        evicted = [p for p in pods if _evicted(p)]
        if not evicted or _replaced(evidence, workload, evicted):
            return None
        pod = evicted[0]
        ns, pod_name = ns_of(pod), name_of(pod)
        status = pod.get("status") or {}
        message = str(status.get("message", ""))
        node = (pod.get("spec") or {}).get("nodeName") or status.get("nominatedNodeName") or "its node"
        resource = (m.group(1) if (m := _LOW.search(message)) else "a resource")
        using = _USING.search(message)
        hog = f" Container {using.group(1)} was using {using.group(2)}" + (
            f" against a request of {using.group(3)}." if using and using.group(3) else ".") if using else ""
        target, workload_name = owner_hint(evidence, pod)
        return make_finding(
            "evicted_node_pressure",
            f"{workload_name}: pod {pod_name} was evicted: node {node} ran low on {resource}",
            f"The kubelet on node {node} evicted pod {pod_name} because the node was low on {resource} "
            f"({len(evicted)} evicted pod(s) of this workload).{hog}",
            [item(f"pod/{ns}/{pod_name} status", f"phase {status.get('phase')}, reason Evicted: {message}")],
            [f"Set {resource} requests/limits that match real usage for {target} so the scheduler accounts for "
             f"it, reduce what fills {resource} on {node} (logs, emptyDir, caches), or add node capacity.",
             "Delete the Failed evicted pods once fixed."],
            [f"kubectl describe node {node}", f"kubectl -n {ns} get pods --field-selector status.phase=Failed",
             f"kubectl -n {ns} delete pods --field-selector status.phase=Failed"],
            Strength.STATE_SAYS,
            self.name,
        )


ANALYZER: Final = EvictedAnalyzer()
