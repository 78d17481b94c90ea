"""`kubectl describe`-like structured views of pods and workloads, compact enough for a model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.analyzers.target import container_states, is_unhealthy, pod_condition
from shared.ports import Cluster
from shared.tools.core import event_time
from shared.tools.spec import ToolSpec

_NS_NAME = {"type": "object", "properties": {"namespace": {"type": "string"}, "name": {"type": "string"}},
            "required": ["namespace", "name"]}


def _env_sources(spec: Mapping[str, Any]) -> list[str]:
    """Env var names and where they come from; never a Secret's value."""
    out = []
    for e in spec.get("env") or []:
        source = e.get("valueFrom") or {}
        if ref := source.get("secretKeyRef"):
            out.append(f"{e.get('name')} <- secret {ref.get('name')}/{ref.get('key')}")
        elif ref := source.get("configMapKeyRef"):
            out.append(f"{e.get('name')} <- configmap {ref.get('name')}/{ref.get('key')}")
        elif source:
            out.append(f"{e.get('name')} <- {next(iter(source))}")
        else:
            out.append(f"{e.get('name')} (literal)")
    for ref in spec.get("envFrom") or []:
        kind = "secret" if "secretRef" in ref else "configmap"
        out.append(f"envFrom {kind} {(ref.get('secretRef') or ref.get('configMapRef') or {}).get('name')}")
    return out


def describe_pod_view(cluster: Cluster, namespace: str, name: str) -> dict[str, Any] | None:
    pod = cluster.get("pods", name, namespace)
    if pod is None:
        return None
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    containers = []
    for c in container_states(pod):
        containers.append({
            "name": c.name, "init": c.init, "image": c.spec.get("image"), "ready": c.ready, "restarts": c.restarts,
            "waiting": c.waiting_reason and {"reason": c.waiting_reason, "message": c.waiting_message},
            "terminated": c.terminated, "last_terminated": c.last_terminated,
            "command": c.spec.get("command"), "args": c.spec.get("args"), "ports": c.spec.get("ports"),
            "resources": c.spec.get("resources"), "env": _env_sources(c.spec),
            "mounts": [f"{m.get('name')} -> {m.get('mountPath')}" for m in c.spec.get("volumeMounts") or []],
            **{p: c.spec.get(p) for p in ("livenessProbe", "readinessProbe", "startupProbe") if c.spec.get(p)},
        })
    events = cluster.list("events", namespace, field_selector=f"involvedObject.name={name},involvedObject.kind=Pod")
    events.sort(key=event_time)
    return {
        "name": name, "namespace": namespace, "phase": status.get("phase"), "reason": status.get("reason"),
        "message": status.get("message"), "node": spec.get("nodeName"),
        "owner": [f"{r.get('kind')}/{r.get('name')}" for r in (pod.get("metadata") or {}).get("ownerReferences") or []],
        "conditions": {c.get("type"): c.get("status") for c in status.get("conditions") or []},
        "unschedulable": (pod_condition(pod, "PodScheduled") or {}).get("message"),
        "containers": containers,
        "volumes": [{k: v for k, v in vol.items() if k != "projected"} for vol in spec.get("volumes") or []
                    if "projected" not in vol],
        "node_selector": spec.get("nodeSelector"), "tolerations": spec.get("tolerations"),
        "events": [{"type": e.get("type"), "reason": e.get("reason"), "message": e.get("message"),
                    "count": e.get("count"), "last": event_time(e)} for e in events[-20:]],
    }


def _describe_pod(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    return describe_pod_view(cluster, args["namespace"], args["name"])


def _list_pods(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    pods = cluster.list("pods", args.get("namespace"), label_selector=args.get("label_selector"))
    if args.get("only_unhealthy"):
        pods = [p for p in pods if is_unhealthy(p)]
    rows = []
    for p in pods[:200]:
        states = container_states(p)
        rows.append({"name": p["metadata"]["name"], "namespace": p["metadata"].get("namespace"),
                     "phase": (p.get("status") or {}).get("phase"), "node": (p.get("spec") or {}).get("nodeName"),
                     "ready": f"{sum(c.ready for c in states if not c.init)}/{sum(not c.init for c in states)}",
                     "restarts": sum(c.restarts for c in states),
                     "waiting": sorted({c.waiting_reason for c in states if c.waiting_reason})})
    return rows


def _workload_status(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    out = []
    for kind in ("deployments", "statefulsets", "daemonsets", "jobs", "cronjobs"):
        for obj in cluster.list(kind, args.get("namespace")):
            spec, status = obj.get("spec") or {}, obj.get("status") or {}
            if args.get("name") and obj["metadata"]["name"] != args["name"]:
                continue
            out.append({"kind": obj.get("kind"), "name": obj["metadata"]["name"],
                        "namespace": obj["metadata"].get("namespace"), "desired": spec.get("replicas"),
                        "ready": status.get("readyReplicas", status.get("numberReady")),
                        "updated": status.get("updatedReplicas"), "available": status.get("availableReplicas"),
                        "paused": spec.get("paused"),
                        "conditions": [{k: c.get(k) for k in ("type", "status", "reason", "message")}
                                       for c in status.get("conditions") or []]})
    return out


DESCRIBE_POD = ToolSpec("describe_pod", "A pod as `kubectl describe pod` shows it: phase, conditions, every "
                        "container's state and last termination (exit code, reason), restarts, image, probes, "
                        "resources, env var names and their sources (never Secret values), volumes, node, events.",
                        _NS_NAME, _describe_pod)
LIST_PODS = ToolSpec("list_pods", "Pods of a namespace (or all) with phase, readiness, restarts and waiting reasons.",
                     {"type": "object", "properties": {"namespace": {"type": "string"},
                                                       "label_selector": {"type": "string"},
                                                       "only_unhealthy": {"type": "boolean", "default": False}}},
                     _list_pods)
WORKLOAD_STATUS = ToolSpec("workload_status", "Deployments, StatefulSets, DaemonSets, Jobs and CronJobs of a "
                           "namespace with desired/ready/updated counts and conditions (optionally one by name).",
                           {"type": "object", "properties": {"namespace": {"type": "string"},
                                                             "name": {"type": "string"}}},
                           _workload_status)
