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
