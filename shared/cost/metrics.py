"""Tools for resource usage from metrics.k8s.io (or a snapshot's extra/metrics/), as kubectl top reads it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from shared.analyzers.quantities import parse_quantity
from shared.cluster.names import check_namespace
from shared.errors import NotFound
from shared.ports import Cluster
from shared.tools.spec import ToolSpec

_NS: Final = {"type": "string", "description": "namespace; omit for every namespace"}


def _readings(cluster: Cluster, kind: str, namespace: str | None) -> list[dict[str, Any]]:
    read = getattr(cluster, "metrics", None)
    found = read(kind, namespace) if read is not None else None
    if found is None:
        raise NotFound(f"no metrics.k8s.io {kind} readings: metrics-server is not installed or not serving")
    return found


def _pod_usage(cluster: Cluster, args: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per pod: cpu cores and memory bytes now, summed over its containers."""
    namespace = args.get("namespace")
    check_namespace(namespace)
    out = []
    for reading in _readings(cluster, "pods", namespace):
        meta = reading.get("metadata") or {}
        cpu = mem = 0.0
        for container in reading.get("containers") or []:
            usage = container.get("usage") or {}
            cpu += parse_quantity(usage.get("cpu")) or 0.0
            mem += parse_quantity(usage.get("memory")) or 0.0
        out.append({"namespace": meta.get("namespace", ""), "pod": meta.get("name", ""), "cpu": round(cpu, 4),
                    "memory": int(mem), "window": reading.get("window", "")})
    return out


def _node_usage(cluster: Cluster, args: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for reading in _readings(cluster, "nodes", None):
        usage = reading.get("usage") or {}
        out.append({"node": (reading.get("metadata") or {}).get("name", ""),
                    "cpu": round(parse_quantity(usage.get("cpu")) or 0.0, 4),
                    "memory": int(parse_quantity(usage.get("memory")) or 0.0)})
    return out


POD_USAGE = ToolSpec(
    name="pod_usage",
    description="CPU (cores) and memory (bytes) each pod uses now, from metrics.k8s.io (kubectl top pods).",
    parameters={"type": "object", "properties": {"namespace": _NS}},
    run=_pod_usage,
)
NODE_USAGE = ToolSpec(
    name="node_usage",
    description="CPU (cores) and memory (bytes) each node uses now, from metrics.k8s.io (kubectl top nodes).",
    parameters={"type": "object", "properties": {}},
    run=_node_usage,
)
