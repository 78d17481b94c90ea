"""OOMKilled: the container went over its memory limit (or the node ran out) and the kernel killed it."""

from __future__ import annotations

import re
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import ContainerAnalyzer, events_of, item, make_finding, name_of, ns_of, owner_hint
from shared.analyzers.kube_facts import now_of
from shared.analyzers.strength import Strength
from shared.analyzers.target import ContainerState, is_settled
from shared.diagnosis import Finding

_HEAP = re.compile(r"(OutOfMemoryError[^\n]*|JavaScript heap out of memory|MemoryError|"
                   r"fatal error: runtime: out of memory|Cannot allocate memory|-Xmx\S+)", re.I)


class OOMKilledAnalyzer(ContainerAnalyzer):
    name = "oomkilled"
    family = "oom"
    looks_for = "OOM kills (no container OOMKilled)"

    def matches(self, evidence: Evidence, pod: dict[str, Any], c: ContainerState) -> bool:
        return (c.last_exit or {}).get("reason") == "OOMKilled" and not is_settled(c, pod, now_of(evidence))

    def explain(self, evidence: Evidence, pod: dict[str, Any], c: ContainerState) -> Finding | None:
        last = c.last_exit or {}
        ns, pod_name = ns_of(pod), name_of(pod)
        limits = (c.spec.get("resources") or {}).get("limits") or {}
        requests = (c.spec.get("resources") or {}).get("requests") or {}
        limit = limits.get("memory")
        target, workload = owner_hint(evidence, pod)
        ev = [item(f"pod/{ns}/{pod_name} status",
                   f"container {c.name}: last terminated OOMKilled (exit {last.get('exitCode', 137)}), "
                   f"restarts {c.restarts}, memory limit {limit or 'none'}")]
        log = evidence.logs(ns, pod_name, c.name, previous=True, tail_lines=200) or ""
        heap = _HEAP.findall(log)
        if heap:
            ev.append(item(f"logs {ns}/{pod_name}/{c.name} (previous)", heap[-1]))
        for e in events_of(evidence, pod):
            if e.get("reason") in ("OOMKilling", "SystemOOM"):
                ev.append(item(f"events pod/{ns}/{pod_name}", str(e.get("message", ""))))
        if limit:
            cause = (f"The {c.name} container of {pod_name} uses more memory than its limit of {limit} "
                     f"and the kernel OOM-kills it (exit 137), {c.restarts} times so far.")
            fix = (f"Raise the memory limit of {c.name} above {limit} on {target} (and the request to "
                   f"match the real working set), or find what grows the memory (leak, cache, batch size).")
        else:
            cause = (f"The {c.name} container of {pod_name} has no memory limit and was OOM-killed when "
                     f"its node ran out of memory; it competes with every other pod there.")
            fix = f"Set a memory request and limit on {c.name} in {target} that fits its real usage."
        if heap:
            cause += f" The runtime reported “{heap[-1][:120]}” before dying."
        return make_finding(
            "oom_killed",
            f"{workload}: container {c.name} is OOMKilled (memory limit {limit or 'none'})",
            cause,
            ev,
            [fix, "If it is a JVM/Node process, size its heap (-Xmx / --max-old-space-size) below "
             "the container limit."],
            [f"kubectl -n {ns} describe pod {pod_name}",
             f"kubectl -n {ns} top pod {pod_name} --containers",
             f"kubectl -n {ns} set resources {target} -c {c.name} --limits=memory=<more than {limit or 'now'}>"
             + (f" --requests=memory={requests.get('memory')}" if requests.get("memory") else "")],
            Strength.STATE_SAYS,  # the kernel's verdict is in the container status
            self.name,
            corroborated=bool(heap) or any("OOM" in e.excerpt for e in ev[1:]),
        )


ANALYZER: Final = OOMKilledAnalyzer()
