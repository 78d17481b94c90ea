"""Where a pod could run: node taints vs tolerations, node labels vs selector/affinity, free resources.

The checks follow the default scheduler's filters in their order (unschedulable, taints, node
affinity, resource fit), so a node's first failing check is the one the scheduler reports for it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.analyzers.kube_facts import labels_of, name_of
from shared.analyzers.quantities import parse_quantity, pod_requests

_BLOCKING_EFFECTS = ("NoSchedule", "NoExecute")


@dataclass(frozen=True)
class NodeFit:
    """Why one node can or cannot take the pod."""

    node: str
    unschedulable: bool
    taints: tuple[str, ...]  # untolerated, as key=value:effect
    selector_misses: tuple[str, ...]  # unmet nodeSelector / required affinity terms
    short: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # resource -> (request, free)
    free: Mapping[str, float] = field(default_factory=dict)

    @property
    def fits(self) -> bool:
        return not (self.unschedulable or self.taints or self.selector_misses or self.short)


def taint_text(taint: Mapping[str, Any]) -> str:
    value = taint.get("value")
    return f"{taint.get('key')}{'=' + value if value else ''}:{taint.get('effect')}"


def _tolerates(toleration: Mapping[str, Any], taint: Mapping[str, Any]) -> bool:
    if toleration.get("effect") and toleration.get("effect") != taint.get("effect"):
        return False
    if toleration.get("operator") == "Exists":
        return not toleration.get("key") or toleration.get("key") == taint.get("key")
    return toleration.get("key") == taint.get("key") and (toleration.get("value") or "") == (
        taint.get("value") or ""
    )


def untolerated_taints(node: Mapping[str, Any], pod_spec: Mapping[str, Any]) -> list[str]:
    tolerations = pod_spec.get("tolerations") or []
    return [
        taint_text(t)
        for t in (node.get("spec") or {}).get("taints") or []
        if t.get("effect") in _BLOCKING_EFFECTS and not any(_tolerates(tol, t) for tol in tolerations)
    ]


def _requirement_text(expr: Mapping[str, Any]) -> str:
    key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
    if op == "In":
        return f"{key}={values[0]}" if len(values) == 1 else f"{key} in ({','.join(values)})"
    if op == "NotIn":
        return f"{key} notin ({','.join(values)})"
    if op == "Exists":
        return str(key)
    if op == "DoesNotExist":
        return f"!{key}"
    return f"{key} {op} {','.join(values)}"


def _meets(labels: Mapping[str, str], expr: Mapping[str, Any]) -> bool:
    key, op, values = expr.get("key", ""), expr.get("operator"), expr.get("values") or []
    value = labels.get(key)
    if op == "In":
        return value in values
    if op == "NotIn":
        return value not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    number, bound = parse_quantity(value), parse_quantity(values[0] if values else None)
    if number is None or bound is None:
        return False
    return number > bound if op == "Gt" else number < bound


def selector_misses(node: Mapping[str, Any], pod_spec: Mapping[str, Any]) -> list[str]:
    """The pod's nodeSelector entries and required affinity terms this node does not meet."""
    labels = labels_of(node)
    misses = [f"{k}={v}" for k, v in (pod_spec.get("nodeSelector") or {}).items() if labels.get(k) != v]
    required = (
        ((pod_spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution"
        )
        or {}
    ).get("nodeSelectorTerms") or []
    term_misses = []
    for term in required:
        exprs = list(term.get("matchExpressions") or [])
        fields = [{**f, "key": "metadata.name"} for f in term.get("matchFields") or []]
        unmet = [_requirement_text(e) for e in exprs if not _meets(labels, e)]
        unmet += [_requirement_text(f) for f in fields if not _meets({"metadata.name": name_of(node)}, f)]
        if not unmet:
            term_misses = []
            break
        term_misses = term_misses if term_misses and len(term_misses) <= len(unmet) else unmet
    return misses + term_misses


def free_resources(node: Mapping[str, Any], pods_on_node: list[Mapping[str, Any]]) -> dict[str, float]:
    """Allocatable minus what the node's running pods request (`pods` counts pods)."""
    free = {
        k: v
        for k, raw in ((node.get("status") or {}).get("allocatable") or {}).items()
        if (v := parse_quantity(raw)) is not None
    }
    for other in pods_on_node:
        if (other.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            continue
        for key, amount in pod_requests(other.get("spec") or {}).items():
            free[key] = free.get(key, 0.0) - amount
        free["pods"] = free.get("pods", 0.0) - 1
    return free


def assess_nodes(
    pod: Mapping[str, Any], nodes: list[Mapping[str, Any]], all_pods: list[Mapping[str, Any]]
) -> list[NodeFit]:
    spec = pod.get("spec") or {}
    wanted = {**pod_requests(spec), "pods": 1.0}
    by_node: dict[str, list[Mapping[str, Any]]] = {}
    for other in all_pods:
        node_name = (other.get("spec") or {}).get("nodeName")
        if node_name:
            by_node.setdefault(node_name, []).append(other)
    fits = []
    for node in nodes:
        free = free_resources(node, by_node.get(name_of(node), []))
        short = {
            r: (amount, free.get(r, 0.0))
            for r, amount in wanted.items()
            if amount > 0 and free.get(r, 0.0) < amount
        }
        fits.append(
            NodeFit(
                node=name_of(node),
                unschedulable=bool((node.get("spec") or {}).get("unschedulable")),
                taints=tuple(untolerated_taints(node, spec)),
                selector_misses=tuple(selector_misses(node, spec)),
                short=short,
                free=free,
            )
        )
    return fits


def near_labels(requirement: str, nodes: list[Mapping[str, Any]]) -> list[str]:
    """Node labels that look like what a missed requirement meant (`disk-type=ssd` for `disktype=ssd`)."""
    key = requirement.lstrip("!").split("=")[0].split(" ")[0]
    present: dict[str, set[str]] = {}
    for node in nodes:
        for k, v in labels_of(node).items():
            present.setdefault(k, set()).add(v)
    close = difflib.get_close_matches(key, list(present), n=3, cutoff=0.75)
    if key in present and key not in close:
        close.insert(0, key)
    return [f"{k}={','.join(sorted(present[k]))}" for k in close]
