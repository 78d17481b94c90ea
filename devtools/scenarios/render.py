"""Writing a World as `kubectl cluster-info dump --all-namespaces --output-directory` writes it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from devtools.scenarios.world import DUMP_KINDS, World

_LIST_KINDS = {"events": ("EventList", "v1"), "replication-controllers": ("ReplicationControllerList", "v1"),
               "services": ("ServiceList", "v1"), "daemonsets": ("DaemonSetList", "apps/v1"),
               "deployments": ("DeploymentList", "apps/v1"), "replicasets": ("ReplicaSetList", "apps/v1"),
               "pods": ("PodList", "v1")}
_API = {"Event": "v1", "Pod": "v1", "Node": "v1", "Namespace": "v1", "ConfigMap": "v1", "Secret": "v1",
        "Endpoints": "v1", "PersistentVolumeClaim": "v1", "PersistentVolume": "v1", "ResourceQuota": "v1",
        "LimitRange": "v1", "Service": "v1", "StatefulSet": "apps/v1", "Job": "batch/v1", "CronJob": "batch/v1",
        "HorizontalPodAutoscaler": "autoscaling/v2", "StorageClass": "storage.k8s.io/v1"}


def _go_json(obj: Any, *, sort: bool = False) -> str:
    # kubectl (Go's encoding/json) escapes <, > and & inside strings.
    text = json.dumps(obj, indent=4, sort_keys=sort, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def _typed_list(kind: str, items: list[dict[str, Any]], seed: str) -> dict[str, Any]:
    list_kind, api = _LIST_KINDS[kind]
    return {"kind": list_kind, "apiVersion": api, "metadata": {"resourceVersion": str(56_000_000 + len(seed) * 97)},
            "items": items}


def render_world(world: World, out: Path, trigger: tuple[str, Any], expected: dict[str, Any]) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    nodes = sorted(world.nodes, key=lambda o: o["metadata"]["name"])
    (out / "nodes.json").write_text(_go_json({"kind": "NodeList", "apiVersion": "v1",
                                              "metadata": {"resourceVersion": "56108210"}, "items": nodes}))
    for ns, kinds in sorted(world.dump.items()):
        ns_dir = out / ns
        ns_dir.mkdir()
        for kind in DUMP_KINDS:
            # The API server lists in key order (namespace/name); kubectl keeps that order.
            items = sorted(kinds.get(kind, []), key=lambda o: o["metadata"]["name"])
            (ns_dir / f"{kind}.json").write_text(_go_json(_typed_list(kind, items, ns)))
        for pod in kinds.get("pods", []):
            name = pod["metadata"]["name"]
            parts = []
            for container, text in world.logs.get((ns, name), []):
                parts.append(f"==== START logs for container {container} of pod {ns}/{name} ====\n")
                if text is None:
                    parts.append(f"Request log error: the server rejected our request for an unknown reason (get "
                                 f"pods {name})\n")
                else:
                    parts.append(text if text.endswith("\n") else text + "\n")
                parts.append(f"==== END logs for container {container} of pod {ns}/{name} ====\n")
            (ns_dir / name).mkdir()
            (ns_dir / name / "logs.txt").write_text("".join(parts))
    extra = out / "extra"
    for kind, items in sorted(world.extra.items()):
        extra.mkdir(exist_ok=True)
        body = {"apiVersion": "v1", "items": [{"apiVersion": _API.get(kind, "v1"), **i} for i in items],
                "kind": "List", "metadata": {"resourceVersion": ""}}
        (extra / f"{kind.lower()}s.json").write_text(_go_json(body, sort=True))
    for (ns, pod, container), text in sorted(world.previous.items()):
        path = extra / "logs" / ns / pod / f"{container}.previous.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if text.endswith("\n") else text + "\n")
    name, payload = trigger
    if name == "event.json":
        payload = {"apiVersion": "v1", "kind": "Event", **payload}
        (out / name).write_text(_go_json(payload, sort=True))
    else:
        (out / name).write_text(json.dumps(payload, indent=2) + "\n")
    (out / "expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    return out
