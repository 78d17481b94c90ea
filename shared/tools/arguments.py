"""The values a tool's arguments may take: names are names, kinds are known, selectors are selectors.

Checked by the executor before a tool runs, so a model (or a planted instruction it followed) gets an
error result naming the argument, and no request is made. The backends check again on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from shared.cluster.names import (
    BadName,
    check_container,
    check_event_kind,
    check_name,
    check_namespace,
    check_selector,
    resource_of,
)

# The resource a tool's `name` argument names, where the tool fixes it.
_NAME_OF: Final[dict[str, str]] = {
    "describe_pod": "pods", "configmap_keys": "configmaps", "secret_keys": "secrets",
    "pvc_status": "persistentvolumeclaims", "service_endpoints": "services", "hpa_status": "horizontalpodautoscalers",
    "rollout_history": "deployments", "node_status": "nodes", "workload_status": "deployments",
}


def _name_resource(tool: str, args: Mapping[str, Any]) -> str:
    if tool in _NAME_OF:
        return _NAME_OF[tool]
    kind = args.get("kind")
    if tool == "object_events" and isinstance(kind, str) and kind[:1].isupper():
        try:
            return resource_of(kind)
        except BadName:
            return "events"  # a CRD's object: a DNS subdomain, as for most kinds
    return resource_of(kind) if kind is not None else "pods"


_CHECKS: Final[dict[str, Callable[[str, Mapping[str, Any], Any], object]]] = {
    "kind": lambda tool, args, v: check_event_kind(v) if tool == "object_events" else resource_of(v),
    "namespace": lambda tool, args, v: check_namespace(v),
    "name": lambda tool, args, v: check_name(_name_resource(tool, args), v),
    "pod": lambda tool, args, v: check_name("pods", v, "pod"),
    "container": lambda tool, args, v: check_container(v),
    "label_selector": lambda tool, args, v: check_selector(v, "label_selector"),
    "field_selector": lambda tool, args, v: check_selector(v, "field_selector"),
}


def check_values(tool: str, args: Mapping[str, Any]) -> list[str]:
    """What is wrong with the values of the arguments (every problem, each naming its argument)."""
    problems = []
    for name, check in _CHECKS.items():
        if name in args:
            try:
                check(tool, args, args[name])
            except BadName as exc:
                problems.append(str(exc))
    if tool == "object_events" and "kind" in args and not problems:
        try:
            if resource_of(args["kind"]) == "secrets":
                problems.append("argument 'kind': events of Secrets are not read (Secrets are metadata only)")
        except BadName:
            pass
    return problems
