"""Compact read-only views a model asks for: rollout history, node status, events, configmap keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.cluster.selectors import matches_match_labels
from shared.ports import Cluster
from shared.tools.core import event_time
from shared.tools.spec import ToolSpec

_NS_NAME = {
    "type": "object",
    "properties": {"namespace": {"type": "string"}, "name": {"type": "string"}},
    "required": ["namespace", "name"],
}


def _template_summary(template: Mapping[str, Any]) -> dict[str, Any]:
    spec = template.get("spec") or {}
    return {
        c.get("name"): {
            "image": c.get("image"),
            "command": c.get("command"),
            "args": c.get("args"),
            "env": sorted(e.get("name", "") for e in c.get("env") or []),
            "envFrom": [next(iter(ref.values())).get("name") if isinstance(ref, dict) and ref else ref
                        for ref in c.get("envFrom") or []],
            "resources": c.get("resources"),
        }
        for c in (spec.get("containers") or [])
    }


def _rollout_history(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    deploy = cluster.get("deployments", args["name"], args["namespace"])
    if deploy is None:
        return None
    selector = (deploy.get("spec") or {}).get("selector")
    revisions = []
    for rs in cluster.list("replicasets", args["namespace"]):
        labels = (rs.get("metadata") or {}).get("labels") or {}
        if not matches_match_labels(labels, selector):
            continue
        annotations = (rs.get("metadata") or {}).get("annotations") or {}
        revisions.append({
            "replicaset": rs["metadata"]["name"],
            "revision": int(annotations.get("deployment.kubernetes.io/revision", 0)),
            "replicas": (rs.get("status") or {}).get("replicas", 0),
            "ready": (rs.get("status") or {}).get("readyReplicas", 0),
            "containers": _template_summary((rs.get("spec") or {}).get("template") or {}),
        })
    revisions.sort(key=lambda r: r["revision"], reverse=True)
    changes = {}
    if len(revisions) >= 2:
        new, old = revisions[0]["containers"], revisions[1]["containers"]
        for name in new:
            for field, value in (new.get(name) or {}).items():
                before = (old.get(name) or {}).get(field)
                if before != value:
                    changes[f"{name}.{field}"] = {"before": before, "after": value}
    return {"conditions": (deploy.get("status") or {}).get("conditions"), "revisions": revisions,
            "changed_in_newest": changes}


def _node_status(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    node = cluster.get("nodes", args["name"])
    if node is None:
        return None
    pods = [p for p in cluster.list("pods") if (p.get("spec") or {}).get("nodeName") == args["name"]]
    return {
        "conditions": [{k: c.get(k) for k in ("type", "status", "reason", "message", "lastTransitionTime")}
                       for c in (node.get("status") or {}).get("conditions") or []],
        "taints": (node.get("spec") or {}).get("taints"),
        "unschedulable": (node.get("spec") or {}).get("unschedulable", False),
        "allocatable": (node.get("status") or {}).get("allocatable"),
        "labels": (node.get("metadata") or {}).get("labels"),
        "pods": [f"{p['metadata'].get('namespace')}/{p['metadata']['name']} {p.get('status', {}).get('phase')}"
                 for p in pods][:60],
    }


def _list_events(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    events = cluster.list("events", args.get("namespace"))
    if args.get("warnings_only", True):
        events = [e for e in events if e.get("type") == "Warning"]
    events.sort(key=event_time, reverse=True)
    return [
        {"object": f"{(e.get('involvedObject') or {}).get('kind')}/{(e.get('involvedObject') or {}).get('name')}",
         "reason": e.get("reason"), "message": e.get("message"), "count": e.get("count"), "last": event_time(e)}
        for e in events[: int(args.get("limit") or 40)]
    ]


def _configmap_keys(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    cm = cluster.get("configmaps", args["name"], args["namespace"])
    if cm is None:
        return None
    return {"name": args["name"], "keys": sorted((cm.get("data") or {}) | (cm.get("binaryData") or {}))}


ROLLOUT_HISTORY = ToolSpec("rollout_history", "A Deployment's ReplicaSets by revision with images, env names, "
                           "args and resources, and what changed in the newest revision.", _NS_NAME,
                           _rollout_history)
NODE_STATUS = ToolSpec("node_status", "A node's conditions, taints, allocatable resources, labels and pods.",
                       {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
                       _node_status)
LIST_EVENTS = ToolSpec("list_events", "Recent events of a namespace (or the cluster), newest first.",
                       {"type": "object", "properties": {
                           "namespace": {"type": "string"},
                           "warnings_only": {"type": "boolean", "default": True},
                           "limit": {"type": "integer", "minimum": 1, "maximum": 200}}},
                       _list_events)
CONFIGMAP_KEYS = ToolSpec("configmap_keys", "The keys (never the values) of a ConfigMap.", _NS_NAME,
                          _configmap_keys)
