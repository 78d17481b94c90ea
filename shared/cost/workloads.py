"""Requests against usage per workload and per node: the cluster side of where the money goes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from shared.analyzers.quantities import parse_quantity, pod_requests

GIB: Final = 1024.0**3
_SHORT: Final = {"Deployment": "deploy", "StatefulSet": "sts", "DaemonSet": "ds", "Job": "job", "ReplicaSet": "rs",
                 "CronJob": "cronjob"}


@dataclass
class Workload:
    kind: str
    name: str
    namespace: str
    pods: list[str] = field(default_factory=list)
    cpu_request: float = 0.0  # cores
    memory_request: float = 0.0  # bytes
    cpu_used: float = 0.0
    memory_used: float = 0.0
    measured_pods: int = 0

    @property
    def target(self) -> str:
        return f"{_SHORT.get(self.kind, self.kind.lower())}/{self.name}"


def owner_of(pod: Mapping[str, Any]) -> tuple[str, str]:
    """(kind, name) of the workload that runs a pod, from its ownerReferences alone."""
    meta = pod.get("metadata") or {}
    owners = meta.get("ownerReferences") or []
    if not owners:
        return "Pod", meta.get("name", "")
    kind, name = owners[0].get("kind", ""), owners[0].get("name", "")
    template_hash = (meta.get("labels") or {}).get("pod-template-hash")
    if kind == "ReplicaSet" and template_hash and name.endswith("-" + template_hash):
        return "Deployment", name[: -len(template_hash) - 1]
    return kind, name


def is_running(pod: Mapping[str, Any]) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Running", "Pending")


def workloads(pods: Iterable[Mapping[str, Any]], usage: Iterable[Mapping[str, Any]] | None) -> list[Workload]:
    """Running pods grouped by workload, their requests summed, and their usage where metrics have it."""
    used = {(u.get("namespace"), u.get("pod")): u for u in usage or ()}
    found: dict[tuple[str, str, str], Workload] = {}
    for pod in pods:
        if not is_running(pod):
            continue
        meta = pod.get("metadata") or {}
        ns = meta.get("namespace", "")
        kind, name = owner_of(pod)
        wl = found.setdefault((ns, kind, name), Workload(kind, name, ns))
        wl.pods.append(meta.get("name", ""))
        requests = pod_requests(pod.get("spec") or {})
        wl.cpu_request += requests.get("cpu", 0.0)
        wl.memory_request += requests.get("memory", 0.0)
        reading = used.get((ns, meta.get("name", "")))
        if reading is not None:
            wl.cpu_used += float(reading.get("cpu") or 0.0)
            wl.memory_used += float(reading.get("memory") or 0.0)
            wl.measured_pods += 1
    return sorted(found.values(), key=lambda w: (w.namespace, w.kind, w.name))


@dataclass
class NodeLoad:
    name: str
    instance_type: str
    cpu_allocatable: float
    memory_allocatable: float
    cpu_requested: float = 0.0
    memory_requested: float = 0.0
    pods: int = 0
    daemon_pods: int = 0
    cpu_used: float | None = None
    memory_used: float | None = None
    control_plane: bool = False
    unschedulable: bool = False


def node_loads(nodes: Iterable[Mapping[str, Any]], pods: Iterable[Mapping[str, Any]],
               usage: Iterable[Mapping[str, Any]] | None) -> list[NodeLoad]:
    """Each node's allocatable, what the pods on it request, and what it uses where metrics have it."""
    loads: dict[str, NodeLoad] = {}
    for node in nodes:
        meta = node.get("metadata") or {}
        labels = meta.get("labels") or {}
        alloc = (node.get("status") or {}).get("allocatable") or {}
        loads[meta.get("name", "")] = NodeLoad(
            name=meta.get("name", ""),
            instance_type=labels.get("node.kubernetes.io/instance-type") or labels.get("beta.kubernetes.io/instance-type")
            or "",
            cpu_allocatable=parse_quantity(alloc.get("cpu")) or 0.0,
            memory_allocatable=parse_quantity(alloc.get("memory")) or 0.0,
            control_plane=any(k.startswith("node-role.kubernetes.io/") and k.split("/", 1)[1] in ("control-plane",
                                                                                               "master")
                              for k in labels),
            unschedulable=bool((node.get("spec") or {}).get("unschedulable")),
        )
    for pod in pods:
        load = loads.get((pod.get("spec") or {}).get("nodeName", ""))
        if load is None or not is_running(pod):
            continue
        requests = pod_requests(pod.get("spec") or {})
        load.cpu_requested += requests.get("cpu", 0.0)
        load.memory_requested += requests.get("memory", 0.0)
        load.pods += 1
        load.daemon_pods += owner_of(pod)[0] == "DaemonSet"
    for reading in usage or ():
        load = loads.get(str(reading.get("node")))
        if load is not None:
            load.cpu_used = float(reading.get("cpu") or 0.0)
            load.memory_used = float(reading.get("memory") or 0.0)
    return sorted(loads.values(), key=lambda n: n.name)


def percent(part: float, whole: float) -> int:
    return round(100 * part / whole) if whole else 0
