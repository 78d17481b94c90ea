"""Pods on a chain: is this pod only showing a symptom, how does it look, and what does it point at.

A symptom is a failure that says nothing about its own cause: a container that crash-loops, a container
running but never ready, an init container that keeps waiting. A stuck dependency pod, in turn, names the
object that keeps it stuck (its claim and StorageClass, its node, the ConfigMap it lacks): the leaves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.claims import unbound_claims
from shared.analyzers.kube_facts import clip, condition, name_of
from shared.analyzers.target import container_states, is_unhealthy, owner_of
from shared.diagnosis import Finding

if TYPE_CHECKING:
    from shared.analyzers import dependencies as deps

_MISSING: Final = re.compile(r"(configmap|secret) \"?([\w.-]+)\"? not found", re.I)
_MISSING_KEY: Final = re.compile(r"couldn't find key ([\w.-]+) in (Secret|ConfigMap) ([\w.-]+)/([\w.-]+)", re.I)
# Taints the node lifecycle controller puts on a node in trouble: the node is the root, not the taint.
_NODE_TAINTS: Final = {
    "node.kubernetes.io/disk-pressure": ("DiskPressure", "node_pressure"),
    "node.kubernetes.io/memory-pressure": ("MemoryPressure", "node_pressure"),
    "node.kubernetes.io/pid-pressure": ("PIDPressure", "node_pressure"),
    "node.kubernetes.io/not-ready": ("Ready", "node_not_ready"),
    "node.kubernetes.io/unreachable": ("Ready", "node_not_ready"),
}
_QUOTA: Final = re.compile(r"exceeded quota:? ([\w.-]+)", re.I)
_NODE_CLASSES: Final = ("node_not_ready", "node_pressure", "evicted_node_pressure")
# The pod's own failure, which a rollout may have brought: the revision that changed the template is said.
_OWN_FAILURES: Final = ("crashloop_", "image_pull_", "create_container_config_", "run_container_error_", "oom_killed",
                        "liveness_probe_failure", "readiness_probe_failure", "startup_probe_failure")


@dataclass(frozen=True)
class Link:
    """One object on a chain and what was observed there."""

    object: str  # Kind/ns/name, or Kind/name when cluster-scoped
    observation: str
    observed: bool = True  # False: inferred (e.g. from env), and the diagnosis says so


@dataclass(frozen=True)
class Symptom:
    container: str
    init: bool
    previous: bool  # read the previous instance's logs (it died) rather than the current one's
    spec: Mapping[str, Any]
    state: str  # "crash-loops (9 restarts, last exit 1)"
    category: str  # the symptom's own class, when nothing behind it is broken

    @property
    def tail(self) -> int:
        """The log tail the pod's own analyzer reads (crashloop 200, init/probes/jobs 100): one read, shared."""
        return 200 if self.category == "crashloop_app_error" and self.previous else 100

    def observation(self, named: deps.Named, failure: str = "") -> str:
        if named.line:
            return clip(f"{self.state}: “{named.line}”", 300)
        said = f": “{clip(failure, 160)}”" if failure else ""
        return clip(f"{self.state}{said}; {named.where} names {named.host}", 300)


def symptom_of(pod: Mapping[str, Any]) -> Symptom | None:
    """The pod's symptom-only failure, if it shows one: a waiting or failing init container first."""
    states = container_states(pod)
    for c in states:
        if not c.init:
            continue
        last = c.last_exit or {}
        failing = c.waiting_reason == "CrashLoopBackOff" or bool(last and last.get("exitCode", 0) != 0 and not c.ready)
        waiting = not c.ready and c.terminated is None and c.waiting_reason is None
        if failing or waiting:
            state = (f"init container {c.name} fails (exit {last.get('exitCode')}, {c.restarts} restarts)" if failing
                     else f"init container {c.name} keeps waiting")
            return Symptom(c.name, True, bool(failing), c.spec, state, "init_container_failure")
    for c in states:
        last = c.last_exit or {}
        if c.init or last.get("reason") == "OOMKilled":
            continue
        if c.waiting_reason == "CrashLoopBackOff" or (c.restarts and last.get("exitCode", 0) != 0 and not c.ready):
            state = f"crash-loops ({c.restarts} restarts, last exit {last.get('exitCode')})"
            return Symptom(c.name, False, True, c.spec, state, "crashloop_app_error")
    for c in states:
        ended = c.terminated or {}
        if not c.init and ended.get("exitCode") and ended.get("reason") != "OOMKilled":
            # restartPolicy Never (a Job's pod): it ran once and failed
            owner = owner_of(pod)
            return Symptom(c.name, False, False, c.spec, f"failed (exit {ended.get('exitCode')})",
                           "job_backoff_limit" if owner and owner[0] == "Job" else "crashloop_app_error")
    running = (pod.get("status") or {}).get("phase") == "Running"
    for c in states:
        if not c.init and running and not c.ready and c.terminated is None and c.waiting_reason is None:
            probe = "readinessProbe" in c.spec
            return Symptom(c.name, False, False, c.spec, "runs but is not ready" + (
                " (its readiness probe fails)" if probe else ""), "readiness_probe_failure" if probe else "unknown")
    return None


def workload_state(workload: Mapping[str, Any]) -> str:
    """`kubectl get deploy` words: ready of desired, and a condition that says it is stuck."""
    spec, status = workload.get("spec") or {}, workload.get("status") or {}
    said = f"{status.get('readyReplicas') or 0}/{spec.get('replicas', 1)} ready"
    stuck = condition(workload, "Progressing")
    if stuck and stuck.get("status") == "False":
        said += f"; {stuck.get('reason')}: {stuck.get('message', '')}"
    return clip(said, 300)


def readers_for(pod: Mapping[str, Any]) -> tuple[str, ...]:
    """The analyzers a pod's visible state points to, as `kubectl get pod`'s STATUS column would."""
    status = pod.get("status") or {}
    if status.get("reason") == "Evicted":
        return ("evicted", "nodes")
    if status.get("phase") == "Pending" and not (pod.get("spec") or {}).get("nodeName"):
        return ("scheduling",)
    states = container_states(pod)
    reasons = {c.waiting_reason for c in states if c.waiting_reason}
    out: list[str] = []
    if status.get("phase") == "Unknown" or (status.get("phase") == "Running" and not reasons):
        out.append("nodes")  # running but not ready, or lost: the node may be what is wrong
    if reasons & {"ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"}:
        out.append("image_pull")
    if reasons & {"CreateContainerConfigError", "CreateContainerError"}:
        out.append("container_config")
    if reasons & {"RunContainerError", "CreateContainerError", "StartError"}:
        out.append("run_container")
    if "ContainerCreating" in reasons:
        out.append("mounts")
    if any(c.init and not c.ready for c in states):
        out.append("init_container")
    if any((c.last_exit or {}).get("reason") == "OOMKilled" for c in states):
        out.append("oomkilled")
    if "CrashLoopBackOff" in reasons or any(c.restarts for c in states):
        out += ["oomkilled", "probes", "crashloop"]
    if any(not c.ready and not c.waiting_reason for c in states if not c.init):
        out.append("probes")
    return tuple(dict.fromkeys(out))


def pod_observation(pod: Mapping[str, Any], finding: Finding | None) -> str:
    """How the pod looks, in `kubectl get pod` words, and what its own analyzer said about it."""
    status = pod.get("status") or {}
    phase = status.get("phase", "?")
    said = phase
    scheduled = condition(pod, "PodScheduled")
    if status.get("reason") == "Evicted":
        said = f"Evicted: {status.get('message', '')}"
    elif phase == "Pending" and scheduled and scheduled.get("status") == "False":
        said = f"Pending, not scheduled: {scheduled.get('message') or scheduled.get('reason')}"
    else:
        waiting = next((c for c in container_states(pod) if c.waiting_reason), None)
        if waiting is not None:
            said = f"{phase}, container {waiting.name} {waiting.waiting_reason}"
        elif phase == "Running" and not all(c.ready for c in container_states(pod) if not c.init):
            said = "Running, not ready"
    if finding is not None:
        said += f" — {finding.summary}"
    return clip(said, 300)


def leaf_links(evidence: Evidence, pod: Mapping[str, Any], finding: Finding,
               own: bool = False) -> tuple[list[Link], str]:
    """The objects that keep a pod stuck, and the root's class (a pressured node, not its taint).

    `own`: the pod is the trigger's own, whose analyzer already names its revision; only other objects count.
    """
    ns, category = (pod.get("metadata") or {}).get("namespace", ""), finding.category
    links: list[Link] = []
    if category == "pending_unbound_pvc":
        for problem in unbound_claims(evidence, pod)[:1]:
            links.append(Link(f"PersistentVolumeClaim/{ns}/{problem.claim}", clip(problem.problem, 300)))
            if problem.storage_class and evidence.get("storageclasses", problem.storage_class) is None:
                links.append(Link(f"StorageClass/{problem.storage_class}", "does not exist"))
    elif category.startswith("create_container_config_missing"):
        for c in container_states(pod):
            message = c.waiting_message or ""
            if m := _MISSING_KEY.search(message):
                kind = "ConfigMap" if m.group(2).lower() == "configmap" else "Secret"
                links.append(Link(f"{kind}/{m.group(3)}/{m.group(4)}", f"has no key {m.group(1)}"))
                break
            if m := _MISSING.search(message):
                kind = "ConfigMap" if m.group(1).lower() == "configmap" else "Secret"
                links.append(Link(f"{kind}/{ns}/{m.group(2)}", "does not exist"))
                break
    elif category in _NODE_CLASSES:
        node = (pod.get("spec") or {}).get("nodeName")
        obj = evidence.get("nodes", node) if node else None
        link = _node_link(obj) if obj else None
        if link is not None:
            others = [p for p in evidence.list("pods") if (p.get("spec") or {}).get("nodeName") == node
                      and is_unhealthy(p)]
            link = Link(link.object, clip(f"{link.observation}; {len(others)} pods on it are failing", 300))
            links.append(link)
    elif category == "pending_taint":
        message = str((condition(pod, "PodScheduled") or {}).get("message") or "")
        for taint, (cond_type, root_class) in _NODE_TAINTS.items():
            if taint not in message:
                continue
            for node in evidence.list("nodes"):
                link = _node_link(node, cond_type)
                if link is not None:
                    links.append(link)
                    category = root_class
            break
    elif category.startswith(_OWN_FAILURES) and not own:
        link = revision_link(evidence, pod)
        links += [link] if link else []
    return links, category


def quota_links(finding: Finding, namespace: str) -> list[Link]:
    """The ResourceQuota a controller's FailedCreate names, from the quota finding's evidence."""
    if finding.category != "resource_quota_exceeded":
        return []
    for text in [finding.root_cause, *(e.excerpt for e in finding.evidence)]:
        if m := _QUOTA.search(text):
            return [Link(f"ResourceQuota/{namespace}/{m.group(1)}", clip(f"exceeded: {text[m.start():]}", 300))]
    return []


def revision_link(evidence: Evidence, pod: Mapping[str, Any]) -> Link | None:
    """The Deployment revision the failing pod belongs to, when it changed the template from the one before."""
    from shared.analyzers.rollout import template_changes

    ns = (pod.get("metadata") or {}).get("namespace", "")
    owner = owner_of(pod)
    rs = evidence.get("ReplicaSet", owner[1], ns) if owner and owner[0] == "ReplicaSet" else None
    deploy = owner_of(rs) if rs else None
    if rs is None or not deploy or deploy[0] != "Deployment":
        return None
    siblings = [r for r in evidence.list("replicasets", ns) if owner_of(r) == deploy]
    revision = _revision(rs)
    older = [r for r in siblings if 0 < _revision(r) < revision]
    if not older:
        return None
    previous = max(older, key=_revision)
    changes = template_changes((rs.get("spec") or {}).get("template") or {},
                               (previous.get("spec") or {}).get("template") or {})
    if not changes:
        return None
    return Link(f"Deployment/{ns}/{deploy[1]}", clip(f"revision {revision} (ReplicaSet {name_of(rs)}) changed from "
                                                     f"revision {_revision(previous)}: {'; '.join(changes[:4])}", 300))


def _revision(rs: Mapping[str, Any]) -> int:
    annotations = (rs.get("metadata") or {}).get("annotations") or {}
    try:
        return int(annotations.get("deployment.kubernetes.io/revision") or 0)
    except ValueError:
        return 0


def _node_link(node: Mapping[str, Any], only: str | None = None) -> Link | None:
    for cond_type in ([only] if only else ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]):
        cond = condition(node, cond_type) or {}
        bad = cond.get("status") != "True" if cond_type == "Ready" else cond.get("status") == "True"
        if cond and bad:
            return Link(f"Node/{name_of(node)}", clip(f"{cond_type}={cond.get('status')} since "
                        f"{cond.get('lastTransitionTime', '?')}: {cond.get('message') or cond.get('reason')}", 300))
    return None
