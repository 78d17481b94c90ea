"""The cost suite's cluster: the bundled base world, kept busy, with metrics.k8s.io readings and AWS state.

Every running pod gets a PodMetrics reading: by default it uses a healthy share of what it requests
(60% CPU, 70% memory); a scenario names the workloads that use less (or more). Nodes get NodeMetrics
that add up their pods' readings plus the system's own share. AWS state is `extra/aws.json`
(shared/cost/aws_state.py), stood up in a moto server when the scenario is evaluated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from devtools.scenarios.base import NODES, base_world
from devtools.scenarios.kube import container, meta, ts
from devtools.scenarios.render import render_world
from devtools.scenarios.world import World
from shared.analyzers.quantities import format_bytes, parse_quantity, pod_requests
from shared.cost.workloads import owner_of

DEFAULT_SHARE = (0.6, 0.7)
SYSTEM_CPU, SYSTEM_MEMORY = 0.12, 900 * 1024**2  # kubelet, containerd and the OS on every node


@dataclass
class CostWorld:
    world: World
    usage: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)  # (ns, workload) -> shares
    aws: dict[str, Any] | None = None
    no_metrics: bool = False
    # A week of OpenCost allocation (extra/opencost/allocation.json): (ns, workload) -> the week's average
    # usage shares where they differ from the metrics reading; None: no allocation API in this cluster.
    week: dict[tuple[str, str], tuple[float, float]] | None = None


def busy_world(seed: str) -> CostWorld:
    """The base world with the shop's real load on every general node (no node is mostly empty)."""
    w = base_world(seed, gpu_node=False)
    w.deployment("shop", "search", [container("search", "ghcr.io/acme/search:7.4.2", cpu="1500m", memory="5Gi",
                                              limit_memory="6Gi")], replicas=len(NODES), revision=31)
    w.deployment("shop", "checkout", [container("checkout", "ghcr.io/acme/checkout:3.9.0", cpu="500m",
                                                memory="1Gi", limit_memory="1536Mi")], replicas=4, revision=52)
    return CostWorld(w)


def deploy(cw: CostWorld, ns: str, name: str, *, replicas: int, cpu: str, memory: str,
           used: tuple[float, float] = DEFAULT_SHARE, image: str | None = None) -> None:
    cw.world.deployment(ns, name, [container(name, image or f"ghcr.io/acme/{name}:1.0.0", cpu=cpu, memory=memory,
                                             limit_memory=None)], replicas=replicas, revision=4)
    cw.usage[(ns, name)] = used


def empty_node(cw: CostWorld, name: str, instance_type: str = "m6i.2xlarge") -> None:
    """A node the autoscaler kept: only its DaemonSet pods run there."""
    w = cw.world
    w.node(name, cpu="8", memory="31792Mi", labels={"eks.amazonaws.com/nodegroup": "general",
                                                     "node.kubernetes.io/instance-type": instance_type})
    for ds, image in (("aws-node", "602401143452.dkr.ecr.us-east-2.amazonaws.com/amazon-k8s-cni:v1.18.3"),
                      ("kube-proxy", "602401143452.dkr.ecr.us-east-2.amazonaws.com/eks/kube-proxy:v1.30.3")):
        w.pod("kube-system", f"{ds}-{name[3:8]}", [container(ds, image, port=None)],
              labels={"app.kubernetes.io/name": ds}, owner=("DaemonSet", ds, "apps/v1"), node=name)


def persistent_volume(cw: CostWorld, name: str, *, size: str, phase: str, claim: tuple[str, str] | None,
                      storage_class: str = "gp3", volume_id: str, reclaim: str = "Retain",
                      age_days: float = 90) -> None:
    spec: dict[str, Any] = {
        "accessModes": ["ReadWriteOnce"], "capacity": {"storage": size}, "persistentVolumeReclaimPolicy": reclaim,
        "storageClassName": storage_class, "volumeMode": "Filesystem",
        "csi": {"driver": "ebs.csi.aws.com", "fsType": "ext4", "volumeHandle": volume_id,
                "volumeAttributes": {"storage.kubernetes.io/csiProvisionerIdentity": "1733212345678-8081-ebs.csi.aws.com"}},
    }
    if claim:
        spec["claimRef"] = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "namespace": claim[0],
                            "name": claim[1], "uid": f"{hash(claim) & 0xffffffff:08x}-1c2d-4e5f-8a9b-0c1d2e3f4a5b"}
    cw.world.add_extra({"apiVersion": "v1", "kind": "PersistentVolume",
                        "metadata": {**meta("PersistentVolume", name, age_min=60 * 24 * age_days),
                                     "annotations": {"pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com"},
                                     "finalizers": ["kubernetes.io/pv-protection"]},
                        "spec": spec, "status": {"phase": phase, "lastPhaseTransitionTime": ts(60 * 24 * 20)}})


def storage_classes(cw: CostWorld) -> None:
    for name, kind in (("gp3", "gp3"), ("io2-db", "io2")):
        cw.world.add_extra({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                            "metadata": meta("StorageClass", name), "provisioner": "ebs.csi.aws.com",
                            "parameters": {"type": kind}, "reclaimPolicy": "Delete",
                            "volumeBindingMode": "WaitForFirstConsumer"})


def _metrics(cw: CostWorld) -> tuple[dict[str, Any], dict[str, Any]]:
    pods, per_node = [], {n["metadata"]["name"]: [SYSTEM_CPU, float(SYSTEM_MEMORY)] for n in cw.world.nodes}
    for ns, kinds in sorted(cw.world.dump.items()):
        for pod in kinds.get("pods", []):
            if pod["status"].get("phase") != "Running":
                continue
            cpu_share, mem_share = cw.usage.get((ns, owner_of(pod)[1]), DEFAULT_SHARE)
            containers = []
            for c in pod["spec"]["containers"]:
                req = pod_requests({"containers": [c]})
                cpu, mem = req.get("cpu", 0.05) * cpu_share, req.get("memory", 64 * 1024**2) * mem_share
                containers.append({"name": c["name"], "usage": {"cpu": f"{max(int(cpu * 1e9), 1000)}n",
                                                               "memory": f"{int(mem / 1024)}Ki"}})
                node = per_node.get(pod["spec"].get("nodeName", ""))
                if node is not None:
                    node[0] += cpu
                    node[1] += mem
            pods.append({"metadata": {"name": pod["metadata"]["name"], "namespace": ns,
                                      "creationTimestamp": ts(0), "labels": pod["metadata"].get("labels", {})},
                         "timestamp": ts(0.5), "window": "18.233s", "containers": containers})
    nodes = [{"metadata": {"name": name, "creationTimestamp": ts(0),
                           "labels": next(n["metadata"]["labels"] for n in cw.world.nodes if n["metadata"]["name"] == name)},
              "timestamp": ts(0.3), "window": "20.047s",
              "usage": {"cpu": f"{int(cpu * 1e9)}n", "memory": f"{int(mem / 1024)}Ki"}}
             for name, (cpu, mem) in sorted(per_node.items())]
    return ({"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": pods},
            {"kind": "NodeMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": nodes})


def render(cw: CostWorld, out: Path, trigger: tuple[str, Any], expected: dict[str, Any]) -> Path:
    path = render_world(cw.world, out, trigger, expected)
    if not cw.no_metrics:
        metrics = path / "extra" / "metrics"
        metrics.mkdir(parents=True, exist_ok=True)
        pods, nodes = _metrics(cw)
        (metrics / "pods.json").write_text(json.dumps(pods, indent=4) + "\n")
        (metrics / "nodes.json").write_text(json.dumps(nodes, indent=4) + "\n")
    if cw.week is not None:
        (path / "extra" / "opencost").mkdir(parents=True, exist_ok=True)
        (path / "extra" / "opencost" / "allocation.json").write_text(json.dumps(_allocation(cw), indent=2) + "\n")
    if cw.aws is not None:
        (path / "extra").mkdir(exist_ok=True)
        (path / "extra" / "aws.json").write_text(json.dumps(cw.aws, indent=2) + "\n")
    return path


# OpenCost's default prices (per core-hour, per GiB-hour): what an allocation of a cluster without a cloud
# integration is priced at; the week the allocation covers ends at the start of the current hour.
_CPU_HOURLY, _GIB_HOURLY, _WEEK_H = 0.031611, 0.004237, 168.0


def _allocation(cw: CostWorld) -> dict[str, Any]:
    """The week as OpenCost's `/allocation/compute?window=7d&aggregate=namespace,controller` would report it:
    per workload its requests, its average usage (`cw.week`, else the metrics shares), their cost and
    efficiency; the node capacity no pod requested as `__idle__`."""
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    window = {"start": (end - timedelta(hours=_WEEK_H)).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "end": end.strftime("%Y-%m-%dT%H:%M:%SZ")}
    groups: dict[tuple[str, str, str], list[float]] = {}
    for ns, kinds in sorted(cw.world.dump.items()):
        for pod in kinds.get("pods", []):
            if pod["status"].get("phase") != "Running":
                continue
            kind, name = owner_of(pod)
            cpu_share, mem_share = (cw.week or {}).get((ns, name)) or cw.usage.get((ns, name), DEFAULT_SHARE)
            req = pod_requests(pod["spec"])
            cpu, mem = req.get("cpu", 0.0), req.get("memory", 0.0)
            g = groups.setdefault((ns, kind.lower(), name), [0.0, 0.0, 0.0, 0.0])
            g[0] += cpu
            g[1] += cpu * cpu_share
            g[2] += mem
            g[3] += mem * mem_share
    allocations: dict[str, Any] = {}
    for (ns, kind, name), (cpu, cpu_used, mem, mem_used) in groups.items():
        key = f"{ns}/{kind}:{name}"
        allocations[key] = _entry(key, {"cluster": "default-cluster", "namespace": ns, "controller": name,
                                        "controllerKind": kind}, window, cpu, cpu_used, mem, mem_used)
    capacity_cpu = sum(parse_quantity(n["status"]["allocatable"]["cpu"]) or 0.0 for n in cw.world.nodes)
    capacity_mem = sum(parse_quantity(n["status"]["allocatable"]["memory"]) or 0.0 for n in cw.world.nodes)
    requested_cpu, requested_mem = sum(g[0] for g in groups.values()), sum(g[2] for g in groups.values())
    allocations["__idle__"] = _entry("__idle__", {"cluster": "default-cluster"}, window,
                                     max(capacity_cpu - requested_cpu, 0.0), 0.0,
                                     max(capacity_mem - requested_mem, 0.0), 0.0)
    return {"code": 200, "data": [allocations]}


def _entry(key: str, props: dict[str, str], window: dict[str, str], cpu: float, cpu_used: float, mem: float,
           mem_used: float) -> dict[str, Any]:
    cpu_cost, ram_cost = cpu * _WEEK_H * _CPU_HOURLY, mem / 1024**3 * _WEEK_H * _GIB_HOURLY
    cpu_eff, ram_eff = (cpu_used / cpu if cpu else 0.0), (mem_used / mem if mem else 0.0)
    total = cpu_cost + ram_cost
    return {"name": key, "properties": props, "window": window, "start": window["start"], "end": window["end"],
            "minutes": _WEEK_H * 60, "cpuCores": round(cpu, 5), "cpuCoreRequestAverage": round(cpu, 5),
            "cpuCoreUsageAverage": round(cpu_used, 5), "cpuCoreHours": round(cpu * _WEEK_H, 5),
            "cpuCost": round(cpu_cost, 5), "cpuCostAdjustment": 0, "cpuCostIdle": 0, "cpuEfficiency": round(cpu_eff, 5),
            "gpuCount": 0, "gpuHours": 0, "gpuCost": 0, "gpuCostAdjustment": 0, "gpuEfficiency": 0,
            "networkTransferBytes": 0, "networkReceiveBytes": 0, "networkCost": 0, "networkCostAdjustment": 0,
            "loadBalancerCost": 0, "loadBalancerCostAdjustment": 0, "pvBytes": 0, "pvByteHours": 0, "pvCost": 0,
            "pvs": None, "pvCostAdjustment": 0, "ramBytes": round(mem), "ramByteRequestAverage": round(mem),
            "ramByteUsageAverage": round(mem_used), "ramByteHours": round(mem * _WEEK_H),
            "ramCost": round(ram_cost, 5), "ramCostAdjustment": 0, "ramCostIdle": 0, "ramEfficiency": round(ram_eff, 5),
            "externalCost": 0, "sharedCost": 0, "totalCost": round(total, 5),
            "totalEfficiency": round((cpu_eff * cpu_cost + ram_eff * ram_cost) / total, 5) if total else 0,
            "lbAllocations": None}


__all__ = ["CostWorld", "busy_world", "deploy", "empty_node", "format_bytes", "parse_quantity", "persistent_volume",
           "render", "storage_classes"]
