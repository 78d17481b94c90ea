"""The chain analyzer: when the failing pod is only a symptom, name the broken thing behind it.

It walks (shared.analyzers.chain_walk) from the incident's pod, or from the Service it names, to the
first broken dependency, and reports the root's class with the path as `chain`, symptom first, root
last. Confidence is the root's own reading when every link was observed, and lower, said in the text,
when a link was inferred (a host only the env names while the failure names none).

Ranking rule (`roots_first`): a chain's root outranks a finding that is only a symptom (a crash with an
app error, a waiting init container, a failing readiness probe, a Service without endpoints), and
never a finding that is a root cause of its own (a missing env var, an OOM kill).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from shared.analyzers.base import Evidence
from shared.analyzers.chain_pods import Link, symptom_of, workload_state
from shared.analyzers.chain_reads import OutOfReads
from shared.analyzers.chain_walk import POD_SYMPTOMS, SYMPTOMS, Trail, Walk
from shared.analyzers.facts import NamespacedAnalyzer, item, make_finding
from shared.analyzers.target import target_pods, target_workload
from shared.diagnosis import ChainLink, Finding

INFERRED_FACTOR: Final = 0.75  # a chain with an inferred link is weaker than its root's own reading
MAX_CONFIDENCE: Final = 0.95
_ROLLED: Final = ("Deployment", "StatefulSet", "DaemonSet")  # an incident about one starts the chain there
STOPPED_CONFIDENCE: Final = 0.6  # the walk stopped (depth, reads) before it knew the path ended there


class ChainAnalyzer(NamespacedAnalyzer):
    name = "chain"
    family = "chain"
    looks_for = "a broken dependency behind the symptom (Service, endpoints, claim, node, Job)"

    def conclude(self, evidence: Evidence) -> Finding | None:
        from shared.analyzers.registry import ANALYZERS  # the registry holds this analyzer: import when used

        incident = evidence.incident
        walk = Walk(evidence, ANALYZERS)
        trail, symptom_class = None, "service_no_endpoints"
        try:
            if "Service" in (incident.object_kind, incident.workload_kind):
                name = incident.workload if incident.workload_kind == "Service" else incident.object_name
                trail = walk.from_service(incident.namespace, name or "")
            elif "Job" in (incident.object_kind, incident.workload_kind):
                name = incident.workload if incident.workload_kind == "Job" else incident.object_name
                trail, symptom_class = walk.from_job(incident.namespace, name or ""), "job_backoff_limit"
            else:
                for pod in target_pods(walk.ev)[:2]:
                    trail = walk.from_pod(pod)
                    if trail is not None:
                        symptom_class = symptom_of(pod).category  # type: ignore[union-attr]
                        break
                if trail is None:
                    return _own_root(walk, target_pods(walk.ev)[:1])
                workload = target_workload(walk.ev) if incident.object_kind in _ROLLED else None
                if trail is not None and workload is not None:
                    trail = replace(trail, links=(Link(_ref(workload), workload_state(workload)), *trail.links))
        except OutOfReads:
            return None
        if trail is None or len(trail.links) < 2:
            return None
        return chain_finding(trail, trail.category or symptom_class)


def _own_root(walk: Walk, pods: Sequence[dict[str, object]]) -> Finding | None:
    """The pod's own analyzer's finding, with the path to the object it names as the root (no new words)."""
    trail = walk.own_root(pods[0]) if pods else None  # type: ignore[arg-type]
    if trail is None or trail.root is None:
        return None
    return replace(trail.root, chain=tuple(ChainLink(link.object, link.observation) for link in trail.links))


def chain_finding(trail: Trail, category: str) -> Finding:
    links, root = trail.links, trail.root
    first, last = links[0], links[-1]
    # What the symptom depends on: the first Service or Job on the path (past the workload's own pod).
    dependency = next((link for link in links[1:] if link.object.split("/", 1)[0] in ("Service", "Job")), links[1])
    inferred = [link for link in links if not link.observed]
    about_root = f"{_subject(last)}: {last.observation}" + (
        f" ({root.summary})" if root and _is_stuck_on_leaf(links) else "")
    if dependency is last:
        summary = f"{_subject(first)} fails because of {about_root}"
    else:
        summary = f"{_subject(first)} fails because {_subject(dependency)} is broken; the root is {about_root}"
    cause = " ".join(f"{_subject(link)}: {link.observation.rstrip('.')}." for link in links)
    if root and not _is_stuck_on_leaf(links):
        cause += f" {root.root_cause}"
    if inferred:
        cause += (f" The link to {_subject(inferred[0])} is inferred, not observed: the failure names no host, and "
                  f"the container's configuration points there.")
    if trail.stopped:
        cause += f" The walk stopped early: {trail.stopped}."
    recommendations = list(root.recommendations if root else _recommend(last, first))
    if trail.category:  # the root lies in a dependency, not in the symptom's own configuration
        cause += f" {_subject(first)} only shows the symptom; it recovers once {_subject(last)} is fixed."
        recommendations.append(f"Do not restart or roll back {_subject(first)} for this: it fails because of "
                               f"{_subject(dependency)}, and recovers by itself once that works again.")
    commands = [*(root.commands if root else ()), *_commands(links)]
    confidence = min(trail.confidence, MAX_CONFIDENCE) * (INFERRED_FACTOR if inferred else 1.0)
    if trail.stopped:
        confidence = min(confidence, STOPPED_CONFIDENCE)
    finding = make_finding(
        category,
        summary,
        cause,
        [item(link.object, link.observation) for link in links] + list((root.evidence if root else ())[:3]),
        recommendations,
        list(dict.fromkeys(commands)),
        confidence,
        "chain",
    )
    return replace(finding, chain=tuple(ChainLink(link.object, link.observation) for link in links))


def _is_stuck_on_leaf(links: Sequence[Link]) -> bool:
    """The last link is an object a dependency pod is stuck on (its claim, node, ConfigMap), not the pod."""
    return links[-1].object.split("/", 1)[0] in ("PersistentVolumeClaim", "StorageClass", "Node", "ConfigMap",
                                                 "Secret")


def roots_first(findings: Sequence[Finding]) -> list[Finding]:
    """Findings with a chain's root put ahead of a symptom-only best finding (never ahead of a root)."""
    chained = [f for f in findings if f.chain]
    if not chained:
        return list(findings)
    rest = [f for f in findings if not f.chain]
    top = rest[0] if rest else None
    if top is not None and not explains(chained[0], top):
        return [*rest, *chained]
    return [chained[0], *rest, *chained[1:]]


def explains(chained: Finding, other: Finding) -> bool:
    """Whether the chain's root explains the other finding: it is that root's symptom, or the same class.

    A stuck rollout is explained by a broken dependency (a Service, a Job, a claim), not by a root that is
    the new pods' own symptom: a revision that points its pods at a name that does not exist is the rollout's.
    """
    if other.category in SYMPTOMS or other.category == chained.category:
        return True
    return other.category == "stuck_rollout" and chained.category not in POD_SYMPTOMS


def _ref(obj: dict[str, object]) -> str:
    meta = obj.get("metadata") or {}
    return f"{obj.get('kind')}/{meta.get('namespace')}/{meta.get('name')}"  # type: ignore[union-attr]


def _subject(link: Link) -> str:
    kind, _, rest = link.object.partition("/")
    return f"{kind} {rest}"


def _recommend(root: Link, first: Link) -> list[str]:
    kind = root.object.split("/", 1)[0]
    if kind == "Service" and "does not exist" in root.observation:
        return [f"Point {_subject(first)} at a Service that exists (fix the host name in its configuration), or "
                f"create the Service it expects: {root.observation}."]
    if kind == "Service":
        return [f"Fix {_subject(root)}: {root.observation} (align its selector with the pod labels)."]
    if kind in ("Deployment", "StatefulSet"):
        return [f"Scale {_subject(root)} back up (kubectl scale --replicas=N), or point the Service elsewhere."]
    return [f"Fix {_subject(root)}: {root.observation}."]


def _commands(links: Sequence[Link]) -> list[str]:
    out = []
    for link in links:
        parts = link.object.split("/")
        if parts[0] == "Service" and len(parts) == 3:
            out += [f"kubectl -n {parts[1]} get endpoints {parts[2]}", f"kubectl -n {parts[1]} describe service "
                    f"{parts[2]}"]
        elif parts[0] in ("Pod", "Job", "PersistentVolumeClaim") and len(parts) == 3:
            out.append(f"kubectl -n {parts[1]} describe {parts[0].lower()} {parts[2]}")
        elif parts[0] in ("Node", "StorageClass"):
            out.append(f"kubectl get {parts[0].lower()} {parts[1]}" if parts[0] == "StorageClass"
                       else f"kubectl describe node {parts[1]}")
    return out


ANALYZER: Final = ChainAnalyzer()
