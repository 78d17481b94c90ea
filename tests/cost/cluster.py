"""Small API-shaped objects for the cost analyzer's tests: pods with requests, their metrics, nodes."""

from __future__ import annotations

from typing import Any


def pod(ns: str, name: str, *, cpu: str, memory: str, node: str = "node-a", owner: str | None = None,
        template_hash: str = "7d9f8c6b5", phase: str = "Running", kind: str = "ReplicaSet") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": ns, "labels": {}}
    if owner:
        rs = f"{owner}-{template_hash}" if kind == "ReplicaSet" else owner
        meta["ownerReferences"] = [{"kind": kind, "name": rs, "apiVersion": "apps/v1", "controller": True}]
        if kind == "ReplicaSet":
            meta["labels"]["pod-template-hash"] = template_hash
    return {"kind": "Pod", "apiVersion": "v1", "metadata": meta,
            "spec": {"nodeName": node, "containers": [{"name": "app", "image": "x",
                                                        "resources": {"requests": {"cpu": cpu, "memory": memory}}}]},
            "status": {"phase": phase}}


def pod_metrics(ns: str, name: str, *, cpu: str, memory: str) -> dict[str, Any]:
    return {"kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": {"name": name, "namespace": ns}, "timestamp": "2026-12-07T22:00:00Z", "window": "30s",
            "containers": [{"name": "app", "usage": {"cpu": cpu, "memory": memory}}]}


def node(name: str, *, cpu: str = "4", memory: str = "16Gi", instance_type: str = "m5.xlarge") -> dict[str, Any]:
    return {"kind": "Node", "apiVersion": "v1",
            "metadata": {"name": name, "labels": {"node.kubernetes.io/instance-type": instance_type}},
            "spec": {}, "status": {"allocatable": {"cpu": cpu, "memory": memory, "pods": "58"},
                                   "conditions": [{"type": "Ready", "status": "True"}]}}


def node_metrics(name: str, *, cpu: str, memory: str) -> dict[str, Any]:
    return {"kind": "NodeMetrics", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {"name": name},
            "timestamp": "2026-12-07T22:00:00Z", "window": "20s", "usage": {"cpu": cpu, "memory": memory}}


def incident(namespace: str = "", question: str | None = None, reason: str = "ManualRequest", labels=None):
    from shared.incident import Incident

    source = "manual" if question is not None else "alertmanager"
    return Incident("fp", source, "cost", reason, question or reason, "c", namespace,
                    "Namespace" if namespace else "Cluster", namespace or "cluster", question=question,
                    labels=labels or {})


def evidence(inc, objects, environ=None, prices_file=None, opencost_url=None):
    """Recorded evidence over in-memory objects, read through the cost analyzer's own tools."""
    from shared.cluster.memory import InMemoryCluster
    from shared.cost.tools import build_tools
    from shared.evidence import RecordedEvidence
    from shared.settings import Settings
    from shared.tools.spec import ToolResult

    cluster = InMemoryCluster(objects)
    tools = build_tools(Settings(prices_file=prices_file, opencost_url=opencost_url), environ or {})

    def run(call):
        try:
            return ToolResult(call.tool, call.args, ok=True, data=tools[call.tool].run(cluster, call.args))
        except Exception as exc:  # noqa: BLE001 - a failed read is data, as in the executor
            return ToolResult(call.tool, call.args, ok=False, error=f"{type(exc).__name__}: {exc}")

    return RecordedEvidence(inc, run)


def pv(name: str, *, size: str, phase: str, claim=None, storage_class: str = "gp3", reclaim: str = "Retain"):
    spec = {"capacity": {"storage": size}, "storageClassName": storage_class,
            "persistentVolumeReclaimPolicy": reclaim, "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": f"vol-{name}"}}
    if claim:
        spec["claimRef"] = {"namespace": claim[0], "name": claim[1]}
    return {"kind": "PersistentVolume", "apiVersion": "v1", "metadata": {"name": name}, "spec": spec,
            "status": {"phase": phase}}


def storage_class(name: str, volume_type: str):
    return {"kind": "StorageClass", "apiVersion": "storage.k8s.io/v1", "metadata": {"name": name},
            "provisioner": "ebs.csi.aws.com", "parameters": {"type": volume_type}}
