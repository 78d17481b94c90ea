"""What an incident is about: its pods, their owning workload, their containers' states."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.analyzers.base import Evidence
from shared.cluster.selectors import matches_match_labels

SETTLED_MINUTES = 30  # Ready this long after a failure, and the failure is history
_WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet")


@dataclass(frozen=True)
class ContainerState:
    """One container's status, flattened: what an SRE reads first in `kubectl describe pod`."""

    name: str
    init: bool
    ready: bool
    restarts: int
    waiting_reason: str | None
    waiting_message: str | None
    terminated: Mapping[str, Any] | None  # current state.terminated
    last_terminated: Mapping[str, Any] | None  # lastState.terminated
    spec: Mapping[str, Any]

    @property
    def last_exit(self) -> Mapping[str, Any] | None:
        return self.terminated or self.last_terminated


def is_settled(c: ContainerState, pod: Mapping[str, Any], evidence_now: Any = None,
               minutes: float = SETTLED_MINUTES) -> bool:
    """Ready and running for a while: an old restart of such a container is history, not the incident.

    "A while" is measured against the newest time the pod itself shows (conditions, container starts),
    since a snapshot has no wall clock.
    """
    from shared.analyzers.kube_facts import parse_time

    running = ((pod.get("status") or {}).get("containerStatuses") or [])
    started = next((parse_time((s.get("state") or {}).get("running", {}).get("startedAt"))
                    for s in running if s.get("name") == c.name), None)
    if not c.ready or c.waiting_reason or started is None:
        return False
    stamps = [parse_time(cond.get("lastTransitionTime")) for cond in (pod.get("status") or {}).get("conditions") or []]
    stamps += [parse_time(evidence_now)] if isinstance(evidence_now, str) else []
    stamps += [evidence_now] if isinstance(evidence_now, datetime) else []
    newest = max([t for t in stamps if t is not None] + [started])
    return (newest - started).total_seconds() >= minutes * 60 and not _recently_terminated(c, newest, minutes)


def _recently_terminated(c: ContainerState, newest: Any, minutes: float) -> bool:
    from shared.analyzers.kube_facts import parse_time

    finished = parse_time((c.last_terminated or {}).get("finishedAt"))
    return finished is not None and (newest - finished).total_seconds() < minutes * 60


def container_states(pod: Mapping[str, Any]) -> list[ContainerState]:
    """Init containers first, then app containers, each joined with its spec."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    out = []
    for init, specs_key, status_key in (
        (True, "initContainers", "initContainerStatuses"),
        (False, "containers", "containerStatuses"),
    ):
        statuses = {s.get("name"): s for s in status.get(status_key) or []}
        for cspec in spec.get(specs_key) or []:
            s = statuses.get(cspec.get("name"), {})
            state = s.get("state") or {}
            waiting = state.get("waiting") or {}
            out.append(
                ContainerState(
                    name=cspec.get("name", ""),
                    init=init,
                    ready=bool(s.get("ready")),
                    restarts=int(s.get("restartCount") or 0),
                    waiting_reason=waiting.get("reason"),
                    waiting_message=waiting.get("message"),
                    terminated=state.get("terminated"),
                    last_terminated=(s.get("lastState") or {}).get("terminated"),
                    spec=cspec,
                )
            )
    return out


def pod_condition(pod: Mapping[str, Any], cond_type: str) -> Mapping[str, Any] | None:
    for cond in (pod.get("status") or {}).get("conditions") or []:
        if cond.get("type") == cond_type:
            return cond
    return None


def owner_of(obj: Mapping[str, Any]) -> tuple[str, str] | None:
    """The controlling owner's (kind, name), if any."""
    refs = (obj.get("metadata") or {}).get("ownerReferences") or []
    for ref in refs:
        if ref.get("controller"):
            return ref.get("kind", ""), ref.get("name", "")
    return (refs[0].get("kind", ""), refs[0].get("name", "")) if refs else None


def workload_of(evidence: Evidence, pod: Mapping[str, Any]) -> tuple[str, str, dict[str, Any] | None] | None:
    """The top workload that owns the pod: ReplicaSet -> Deployment, Job -> CronJob."""
    namespace = (pod.get("metadata") or {}).get("namespace")
    owner = owner_of(pod)
    if owner is None:
        return None
    kind, name = owner
    obj = evidence.get(kind, name, namespace) if kind in _WORKLOAD_KINDS else None
    if obj is not None and kind in ("ReplicaSet", "Job"):
        parent = owner_of(obj)
        if parent and parent[0] in ("Deployment", "CronJob"):
            parent_obj = evidence.get(parent[0], parent[1], namespace)
            if parent_obj is not None:
                return parent[0], parent[1], parent_obj
    return kind, name, obj


def pods_of_workload(evidence: Evidence, workload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Pods selected by a workload's selector in its namespace."""
    namespace = (workload.get("metadata") or {}).get("namespace")
    spec = workload.get("spec") or {}
    selector = spec.get("selector")
    if workload.get("kind") == "CronJob":
        selector = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("selector")
    pods = evidence.list("pods", namespace)
    if selector:
        return [p for p in pods if matches_match_labels(_labels(p), selector)]
    name = (workload.get("metadata") or {}).get("name", "")
    return [p for p in pods if (p.get("metadata") or {}).get("name", "").startswith(name + "-")]


def _labels(obj: Mapping[str, Any]) -> Mapping[str, str]:
    return (obj.get("metadata") or {}).get("labels") or {}


def is_unhealthy(pod: Mapping[str, Any]) -> bool:
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Pending", "Failed", "Unknown"):
        return True
    return any(
        not c.ready or c.waiting_reason for c in container_states(pod) if not c.init
    ) or any(c.init and c.waiting_reason for c in container_states(pod))


def is_serving(pod: Mapping[str, Any]) -> bool:
    """Running and Ready (its Ready condition, or every container ready where the condition is absent)."""
    if (pod.get("status") or {}).get("phase") != "Running" or (pod.get("metadata") or {}).get("deletionTimestamp"):
        return False
    ready = pod_condition(pod, "Ready")
    if ready is not None:
        return ready.get("status") == "True"
    states = [c for c in container_states(pod) if not c.init]
    return bool(states) and all(c.ready for c in states)


def _badness(pod: Mapping[str, Any]) -> tuple[int, int]:
    states = container_states(pod)
    return (1 if is_unhealthy(pod) else 0, sum(c.restarts for c in states))


def target_pods(evidence: Evidence) -> list[dict[str, Any]]:
    """The pods the incident is about, the most broken first.

    The named pod when it still exists; otherwise (replaced, or the alert names only a workload)
    the pods of the workload.
    """
    incident = evidence.incident
    ns = incident.namespace
    if incident.pod:
        pod = evidence.get("pods", incident.pod, ns)
        if pod is not None:
            return [pod]
    workload = target_workload(evidence)
    if workload is not None:
        pods = pods_of_workload(evidence, workload)
        return sorted(pods, key=_badness, reverse=True)
    if incident.object_kind == "Pod" and incident.object_name:
        # A replacement pod of the same controller shares the name's prefix.
        prefix = incident.object_name.rsplit("-", 1)[0] + "-"
        pods = [p for p in evidence.list("pods", ns) if p["metadata"]["name"].startswith(prefix)]
        return sorted(pods, key=_badness, reverse=True)
    return []


def target_workload(evidence: Evidence) -> dict[str, Any] | None:
    """The workload object the incident names or implies, if it exists."""
    incident = evidence.incident
    ns = incident.namespace
    if incident.workload_kind and incident.workload:
        obj = evidence.get(incident.workload_kind, incident.workload, ns)
        if obj is not None:
            return obj
    if incident.object_kind in _WORKLOAD_KINDS and incident.object_name:
        obj = evidence.get(incident.object_kind, incident.object_name, ns)
        if obj is not None:
            return obj
    if incident.pod:
        pod = evidence.get("pods", incident.pod, ns)
        if pod is not None:
            found = workload_of(evidence, pod)
            if found and found[2] is not None:
                return found[2]
    if incident.workload:
        for kind in ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"):
            obj = evidence.get(kind, incident.workload, ns)
            if obj is not None:
                return obj
    return None


def iter_container_specs(pod_spec: Mapping[str, Any]) -> Iterator[tuple[bool, Mapping[str, Any]]]:
    for cspec in pod_spec.get("initContainers") or []:
        yield True, cspec
    for cspec in pod_spec.get("containers") or []:
        yield False, cspec
