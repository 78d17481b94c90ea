"""The four reads every analyzer builds on: get, list, pod logs, events of an object."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from shared.cluster.kinds import resource_for_kind
from shared.cluster.memory import refuse_secret_data
from shared.ports import Cluster
from shared.tools.spec import ToolSpec
from shared.tools.trim import trim_object

MAX_LOG_LINES: Final = 400

_KIND = {"type": "string", "description": "resource kind or plural name, e.g. pods, deployments, nodes"}
_NS = {"type": "string", "description": "namespace; omit for cluster-scoped kinds"}


def _secrets_as_metadata(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    if resource_for_kind(kind) == "secrets":
        obj.pop("data", None)
        obj.pop("stringData", None)
    return obj


def _get(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    kind = args["kind"]
    obj = cluster.get(kind, args["name"], args.get("namespace"))
    return None if obj is None else _secrets_as_metadata(kind, trim_object(obj))


def _list(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    kind = args["kind"]
    items = cluster.list(
        kind,
        args.get("namespace"),
        label_selector=args.get("label_selector"),
        field_selector=args.get("field_selector"),
    )
    return [_secrets_as_metadata(kind, trim_object(o)) for o in items]


def _logs(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    tail = min(int(args.get("tail_lines") or MAX_LOG_LINES), MAX_LOG_LINES)
    return cluster.logs(
        args["namespace"],
        args["pod"],
        args["container"],
        previous=bool(args.get("previous", False)),
        tail_lines=tail,
        since_seconds=args.get("since_seconds"),
    )


def _events(cluster: Cluster, args: Mapping[str, Any]) -> Any:
    refuse = resource_for_kind(args["kind"])
    if refuse == "secrets":
        refuse_secret_data(refuse)
    from shared.cluster.kinds import kind_for_resource

    kind = kind_for_resource(args["kind"])
    selector = f"involvedObject.name={args['name']},involvedObject.kind={kind}"
    events = cluster.list("events", args.get("namespace"), field_selector=selector)
    events.sort(key=event_time)
    return [trim_object(e) for e in events]


def event_time(event: Mapping[str, Any]) -> str:
    """The latest time an Event says it happened (ISO strings sort in time order)."""
    series = event.get("series") or {}
    return (
        event.get("lastTimestamp")
        or series.get("lastObservedTime")
        or event.get("eventTime")
        or event.get("firstTimestamp")
        or (event.get("metadata") or {}).get("creationTimestamp")
        or ""
    )


GET_RESOURCE = ToolSpec(
    name="get_resource",
    description="Get one Kubernetes object as JSON (Secrets: metadata and key names only).",
    parameters={
        "type": "object",
        "properties": {"kind": _KIND, "name": {"type": "string"}, "namespace": _NS},
        "required": ["kind", "name"],
    },
    run=_get,
)
LIST_RESOURCES = ToolSpec(
    name="list_resources",
    description="List Kubernetes objects of one kind, optionally by namespace, label or field selector.",
    parameters={
        "type": "object",
        "properties": {
            "kind": _KIND,
            "namespace": _NS,
            "label_selector": {"type": "string", "description": "e.g. app=web,tier!=db"},
            "field_selector": {"type": "string", "description": "e.g. status.phase=Pending"},
        },
        "required": ["kind"],
    },
    run=_list,
)
POD_LOGS = ToolSpec(
    name="pod_logs",
    description=(
        "Logs of one container of a pod; previous=true for the instance that last terminated "
        "(what a crash-looping container printed before it died)."
    ),
    parameters={
        "type": "object",
        "properties": {
            "namespace": {"type": "string"},
            "pod": {"type": "string"},
            "container": {"type": "string"},
            "previous": {"type": "boolean", "default": False},
            "tail_lines": {"type": "integer", "minimum": 1, "maximum": MAX_LOG_LINES},
            "since_seconds": {"type": "integer", "minimum": 1},
        },
        "required": ["namespace", "pod", "container"],
    },
    run=_logs,
)
OBJECT_EVENTS = ToolSpec(
    name="object_events",
    description="Events about one object (pod, node, deployment, ...), oldest first.",
    parameters={
        "type": "object",
        "properties": {"kind": _KIND, "name": {"type": "string"}, "namespace": _NS},
        "required": ["kind", "name"],
    },
    run=_events,
)

CORE_TOOLS: Final[tuple[ToolSpec, ...]] = (GET_RESOURCE, LIST_RESOURCES, POD_LOGS, OBJECT_EVENTS)
