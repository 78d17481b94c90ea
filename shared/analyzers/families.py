"""Which failure families an incident belongs to, so that only the analyzers that apply read anything.

From the trigger (the event reason's or alert's family, the kind of object it names) and, for pods, from
their state now: a container waiting in CrashLoopBackOff is a crash loop whatever the trigger said, a
Pending pod without a node is a scheduling failure. When nothing tells, every analyzer applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.target import container_states, target_pods

_BY_KIND: Final = {
    "Node": ("node",), "HorizontalPodAutoscaler": ("hpa",), "Job": ("job",), "CronJob": ("job",),
    "Service": ("service",), "PersistentVolumeClaim": ("scheduling", "mount"), "ResourceQuota": ("quota",),
    "ReplicaSet": ("quota", "rollout"), "Deployment": ("rollout", "quota"), "StatefulSet": ("rollout", "quota"),
    "DaemonSet": ("rollout",),
}
_WAITING: Final = {
    "CrashLoopBackOff": "crashloop", "ErrImagePull": "image_pull", "ImagePullBackOff": "image_pull",
    "InvalidImageName": "image_pull", "ErrImageNeverPull": "image_pull",
    "CreateContainerConfigError": "container_config", "CreateContainerError": "container_config",
    "RunContainerError": "run_container", "StartError": "run_container", "ContainerCannotRun": "run_container",
    "ContainerCreating": "mount",
}


def families_of(evidence: Evidence) -> set[str]:
    """The incident's families: from its trigger, the object it names, and its pods' state now."""
    incident = evidence.incident
    found = {incident.family} if incident.family not in ("generic", "") else set()
    found.update(_BY_KIND.get(incident.object_kind, ()))
    found.update(_BY_KIND.get(incident.workload_kind or "", ()))
    if incident.object_kind in ("Pod", "Namespace") or incident.pod or incident.workload_kind in _BY_KIND:
        for pod in target_pods(evidence)[:3]:
            found.update(pod_families(pod))
    return found


def pod_families(pod: Mapping[str, Any]) -> set[str]:
    """What a pod's state says is failing (nothing for a healthy pod)."""
    status, spec = pod.get("status") or {}, pod.get("spec") or {}
    found: set[str] = set()
    if status.get("reason") == "Evicted":
        found.add("eviction")
    if status.get("phase") == "Pending" and not spec.get("nodeName"):
        found.add("scheduling")
    for c in container_states(pod):
        last = c.last_exit or {}
        if c.init and (c.waiting_reason or (last and last.get("exitCode")) or (not c.ready and not c.terminated)):
            found.add("init_container")
        if c.waiting_reason in _WAITING:
            found.add(_WAITING[c.waiting_reason])
        if last.get("reason") == "OOMKilled":
            found.add("oom")
        if c.restarts and last.get("exitCode"):
            found.add("crashloop")
        if not c.init and not c.ready and status.get("phase") == "Running":
            found.add("probe")
    return found


def applicable(names: Iterable[str], families: set[str], registry: Mapping[str, tuple[str, ...]],
               always: Iterable[str] = ()) -> list[str]:
    """The analyzers (in registry order) that apply to these families; all of them when no family is known.

    An analyzer the registry does not know (a test's fake, a plugin) always applies.
    """
    names = list(names)
    known = {n for members in registry.values() for n in members} | set(always)
    wanted = {n for f in families for n in registry.get(f, ())}
    if not wanted:
        return names
    wanted |= set(always)
    return [n for n in names if n in wanted or n not in known]
