"""API-shaped object builders for the cluster-level analyzer tests (what `kubectl get -o json` prints)."""

from __future__ import annotations

import copy
from typing import Any

from shared.cluster.memory import InMemoryCluster
from shared.evidence import RecordedEvidence, direct_evidence
from shared.incident import Incident

NOW = "2025-05-14T08:40:00Z"
EARLIER = "2025-05-14T07:10:00Z"


def incident(
    *,
    namespace: str = "shop",
    object_kind: str = "Pod",
    object_name: str = "",
    family: str = "generic",
    reason: str = "ManualRequest",
    message: str = "",
    source: str = "apiserver",
    **extra: Any,
) -> Incident:
    pod = extra.pop("pod", object_name if object_kind == "Pod" else None)
    return Incident(
        fingerprint="fp-test",
        source=source,
        family=family,
        reason=reason,
        message=message,
        cluster="test",
        namespace=namespace,
        object_kind=object_kind,
        object_name=object_name,
        pod=pod,
        last_seen=extra.pop("last_seen", NOW),
        **extra,
    )


def evidence(
    inc: Incident, objects: list[dict[str, Any]], logs: dict[Any, str] | None = None
) -> RecordedEvidence:
    return direct_evidence(inc, InMemoryCluster(objects, logs=logs or {}))


def container(
    name: str = "app",
    image: str = "registry.example.com/shop/app:1.0.0",
    requests: dict[str, str] | None = None,
    limits: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    if requests:
        resources["requests"] = requests
    if limits:
        resources["limits"] = limits
    return {"name": name, "image": image, "resources": resources, **extra}


def pod(
    name: str,
    namespace: str = "shop",
    *,
    containers: list[dict[str, Any]] | None = None,
    phase: str = "Running",
    node: str | None = "node-a",
    labels: dict[str, str] | None = None,
    owner: tuple[str, str] | None = None,
    statuses: list[dict[str, Any]] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    created: str = EARLIER,
    spec: dict[str, Any] | None = None,
    status: dict[str, Any] | None = None,
) -> dict[str, Any]:
    conts = containers if containers is not None else [container()]
    meta: dict[str, Any] = {
        "name": name,
        "namespace": namespace,
        "labels": labels or {"app": name.split("-")[0]},
        "creationTimestamp": created,
        "uid": f"uid-{name}",
    }
    if owner:
        meta["ownerReferences"] = [
            {"apiVersion": "apps/v1", "kind": owner[0], "name": owner[1], "controller": True}
        ]
    pod_spec: dict[str, Any] = {"containers": conts, **(spec or {})}
    if node:
        pod_spec["nodeName"] = node
    if statuses is None:
        running = phase == "Running"
        statuses = (
            [
                {
                    "name": c["name"],
                    "ready": running,
                    "restartCount": 0,
                    "image": c["image"],
                    "state": {"running": {"startedAt": created}}
                    if running
                    else {"waiting": {"reason": "ContainerCreating"}},
                }
                for c in conts
            ]
            if node
            else []
        )
    pod_status: dict[str, Any] = {"phase": phase, "containerStatuses": statuses, **(status or {})}
    if conditions is not None:
        pod_status["conditions"] = conditions
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": pod_spec, "status": pod_status}


def waiting(
    name: str,
    reason: str,
    message: str = "",
    restarts: int = 0,
    last: dict[str, Any] | None = None,
    image: str = "registry.example.com/shop/app:1.0.0",
) -> dict[str, Any]:
    status: dict[str, Any] = {
        "name": name,
        "ready": False,
        "restartCount": restarts,
        "image": image,
        "state": {"waiting": {"reason": reason, "message": message}},
    }
    if last:
        status["lastState"] = {"terminated": last}
    return status


def cond(
    cond_type: str, status: str, reason: str = "", message: str = "", at: str = EARLIER
) -> dict[str, Any]:
    return {
        "type": cond_type,
        "status": status,
        "reason": reason,
        "message": message,
        "lastTransitionTime": at,
        "lastHeartbeatTime": NOW,
    }


def node(
    name: str,
    *,
    cpu: str = "4",
    memory: str = "16Gi",
    pods: str = "110",
    labels: dict[str, str] | None = None,
    taints: list[dict[str, str]] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    unschedulable: bool = False,
) -> dict[str, Any]:
    alloc = {"cpu": cpu, "memory": memory, "pods": pods, "ephemeral-storage": "100Gi"}
    spec: dict[str, Any] = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
        "spec": spec,
        "status": {
            "allocatable": alloc,
            "capacity": alloc,
            "conditions": conditions if conditions is not None else [cond("Ready", "True", "KubeletReady")],
        },
    }


def event(
    kind: str,
    name: str,
    reason: str,
    message: str,
    *,
    namespace: str | None = "shop",
    count: int = 1,
    first: str = EARLIER,
    last: str = NOW,
    type_: str = "Warning",
    component: str = "default-scheduler",
    field_path: str | None = None,
) -> dict[str, Any]:
    involved: dict[str, Any] = {"kind": kind, "name": name}
    if namespace:
        involved["namespace"] = namespace
    if field_path:
        involved["fieldPath"] = field_path
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": f"{name}.{abs(hash((reason, message))) % 10**12:x}",
            "namespace": namespace or "default",
            "creationTimestamp": first,
        },
        "involvedObject": involved,
        "reason": reason,
        "message": message,
        "count": count,
        "firstTimestamp": first,
        "lastTimestamp": last,
        "type": type_,
        "source": {"component": component},
    }


def template(containers: list[dict[str, Any]], labels: dict[str, str], **spec: Any) -> dict[str, Any]:
    return {"metadata": {"labels": labels}, "spec": {"containers": copy.deepcopy(containers), **spec}}


def deployment(
    name: str,
    namespace: str = "shop",
    *,
    containers: list[dict[str, Any]] | None = None,
    replicas: int = 3,
    conditions: list[dict[str, Any]] | None = None,
    status: dict[str, Any] | None = None,
    paused: bool = False,
    revision: int = 1,
) -> dict[str, Any]:
    labels = {"app": name}
    spec: dict[str, Any] = {
        "replicas": replicas,
        "selector": {"matchLabels": labels},
        "template": template(containers or [container(name)], labels),
    }
    if paused:
        spec["paused"] = True
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "generation": 2,
            "annotations": {"deployment.kubernetes.io/revision": str(revision)},
        },
        "spec": spec,
        "status": {
            "replicas": replicas,
            "readyReplicas": replicas,
            "availableReplicas": replicas,
            "updatedReplicas": replicas,
            "conditions": conditions or [],
            **(status or {}),
        },
    }


def replicaset(
    name: str,
    deploy: str,
    revision: int,
    containers: list[dict[str, Any]],
    *,
    namespace: str = "shop",
    replicas: int = 3,
    ready: int | None = None,
    pod_spec: dict[str, Any] | None = None,
) -> dict[str, Any]:
    labels = {"app": deploy, "pod-template-hash": name.rsplit("-", 1)[-1]}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": labels,
            "annotations": {"deployment.kubernetes.io/revision": str(revision)},
            "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "Deployment", "name": deploy, "controller": True}
            ],
            "creationTimestamp": EARLIER,
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": template(containers, labels, **(pod_spec or {})),
        },
        "status": {
            "replicas": replicas,
            "readyReplicas": replicas if ready is None else ready,
            "availableReplicas": replicas if ready is None else ready,
        },
    }


def obj(kind: str, name: str, namespace: str | None = "shop", api: str = "v1", **body: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta.update(body.pop("metadata", {}))
    return {"apiVersion": api, "kind": kind, "metadata": meta, **body}
