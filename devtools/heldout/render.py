"""Write a cluster as `kubectl cluster-info dump --all-namespaces --output-directory` does, plus extras."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from devtools.heldout.cluster import Cluster
from devtools.heldout.encoding import go_json, sorted_deep

DUMP_KINDS: Final = (
    ("events", "EventList", "v1"),
    ("replication-controllers", "ReplicationControllerList", "v1"),
    ("services", "ServiceList", "v1"),
    ("daemonsets", "DaemonSetList", "apps/v1"),
    ("deployments", "DeploymentList", "apps/v1"),
    ("replicasets", "ReplicaSetList", "apps/v1"),
    ("pods", "PodList", "v1"),
)
EVENT_TTL: Final = timedelta(hours=1)
_LOG_ERROR: Final = "Request log error: the server rejected our request for an unknown reason"


def write_cluster(cluster: Cluster, out: Path) -> None:
    """The dump files, the per-pod logs and `extra/` for `cluster` under `out`."""
    out.mkdir(parents=True, exist_ok=True)
    version = cluster.ids.list_version()
    nodes = [cluster.nodes[n]["obj"] for n in sorted(cluster.nodes)]
    _write(out / "nodes.json", _typed_list("NodeList", "v1", version, nodes))
    for ns in sorted(cluster.namespaces):
        kinds = cluster.dump[ns]
        for filename, list_kind, api in DUMP_KINDS:
            items = kinds.get(filename.replace("-", "_"), [])
            if filename == "events":
                items = [e for e in items if not _is_expired(e, cluster.clock.now)]
            _write(out / ns / f"{filename}.json", _typed_list(list_kind, api, version, _by_name(items)))
        for pod in _by_name(kinds.get("pods", [])):
            _write_pod_logs(cluster, pod, out / ns / pod["metadata"]["name"] / "logs.txt")
    extra = out / "extra"
    _write(
        extra / "namespaces.json", _plain_list([cluster.namespaces[n] for n in sorted(cluster.namespaces)])
    )
    _write(extra / "endpoints.json", _plain_list(_endpoints(cluster)))
    for filename in sorted(cluster.extra):
        items = sorted(
            cluster.extra[filename], key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
        )
        _write(extra / filename, _plain_list(items))
    for (ns, pod, container), text in sorted(cluster.previous_logs.items()):
        path = extra / "logs" / ns / pod / f"{container}.previous.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def write_json(path: Path, obj: Any, *, indent: int = 2, sort_keys: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(go_json(obj, indent=indent, sort_keys=sort_keys))


def _write(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(go_json(obj))


def _typed_list(kind: str, api: str, version: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": kind, "apiVersion": api, "metadata": {"resourceVersion": version}, "items": items}


def _plain_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return sorted_deep(
        {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}
    )


def _by_name(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda o: o["metadata"]["name"])


def _is_expired(event: dict[str, Any], now: datetime) -> bool:
    """The API server drops an Event one hour after its last update."""
    last = (
        event.get("lastTimestamp")
        or (event.get("series") or {}).get("lastObservedTime")
        or event["eventTime"]
    )
    when = datetime.strptime(last[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=now.tzinfo)
    return now - when > EVENT_TTL


def _write_pod_logs(cluster: Cluster, pod: dict[str, Any], path: Path) -> None:
    meta, spec = pod["metadata"], pod["spec"]
    statuses = {
        s["name"]: s
        for key in ("initContainerStatuses", "containerStatuses")
        for s in pod["status"].get(key, [])
    }
    parts = []
    for c in [*spec.get("initContainers", []), *spec["containers"]]:
        name = c["name"]
        ref = f"{meta['namespace']}/{meta['name']}"
        text = cluster.logs.get((meta["namespace"], meta["name"], name))
        status = statuses.get(name)
        if text is None and status is not None and _has_log(status):
            text = ""
        if text is None:
            # What kubectl writes when the kubelet has no log to give (never started, or unscheduled).
            text = f"{_LOG_ERROR} (get pods {meta['name']})\n"
        parts.append(
            f"==== START logs for container {name} of pod {ref} ====\n{text}"
            f"==== END logs for container {name} of pod {ref} ====\n"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts))


def _has_log(status: dict[str, Any]) -> bool:
    return "running" in status["state"] or "terminated" in status["state"] or bool(status["lastState"])


def _endpoints(cluster: Cluster) -> list[dict[str, Any]]:
    """The Endpoints the endpoints controller keeps for every Service with a selector."""
    out = []
    for ns in sorted(cluster.namespaces):
        pods = cluster.dump[ns].get("pods", [])
        for svc in _by_name(cluster.dump[ns].get("services", [])):
            selector = svc["spec"].get("selector")
            if not selector:
                continue
            ready, not_ready = [], []
            for pod in _by_name(pods):
                labels = pod["metadata"].get("labels", {})
                if any(labels.get(k) != v for k, v in selector.items()) or "podIP" not in pod["status"]:
                    continue
                if pod["status"]["phase"] in ("Succeeded", "Failed"):
                    continue
                address = {
                    "ip": pod["status"]["podIP"],
                    "nodeName": pod["spec"]["nodeName"],
                    "targetRef": {
                        "kind": "Pod",
                        "name": pod["metadata"]["name"],
                        "namespace": ns,
                        "uid": pod["metadata"]["uid"],
                    },
                }
                is_ready = any(
                    c["type"] == "Ready" and c["status"] == "True" for c in pod["status"]["conditions"]
                )
                (ready if is_ready else not_ready).append(address)
            meta = {k: v for k, v in svc["metadata"].items() if k in ("name", "namespace", "labels")}
            meta.update(
                uid=cluster.ids.uid(),
                resourceVersion=cluster.ids.resource_version(),
                creationTimestamp=svc["metadata"]["creationTimestamp"],
                annotations={
                    "endpoints.kubernetes.io/last-change-trigger-time": cluster.clock.ago(minutes=30)
                },
            )
            ep: dict[str, Any] = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta}
            if ready or not_ready:
                subset: dict[str, Any] = {}
                if ready:
                    subset["addresses"] = ready
                if not_ready:
                    subset["notReadyAddresses"] = not_ready
                subset["ports"] = [
                    {"name": p["name"], "port": _target_port(p, pods, selector), "protocol": "TCP"}
                    for p in svc["spec"]["ports"]
                ]
                ep["subsets"] = [subset]
            out.append(ep)
    return out


def _target_port(svc_port: dict[str, Any], pods: list[dict[str, Any]], selector: dict[str, str]) -> int:
    target = svc_port["targetPort"]
    if isinstance(target, int):
        return target
    for pod in pods:
        if all(pod["metadata"].get("labels", {}).get(k) == v for k, v in selector.items()):
            for c in pod["spec"]["containers"]:
                for p in c.get("ports", []):
                    if p.get("name") == target:
                        return int(p["containerPort"])
    return int(svc_port["port"])
