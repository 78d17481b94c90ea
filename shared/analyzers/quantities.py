"""Kubernetes resource quantities (`500m`, `1.5Gi`, `2G`, `1e3`) as numbers, and back to text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

_QUANTITY: Final = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-zA-Z]*)\s*$")
_SUFFIX: Final[dict[str, float]] = {
    "": 1.0,
    "n": 1e-9,
    "u": 1e-6,
    "m": 1e-3,
    "k": 1e3,
    "K": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "P": 1e15,
    "E": 1e18,
    "Ki": 2.0**10,
    "Mi": 2.0**20,
    "Gi": 2.0**30,
    "Ti": 2.0**40,
    "Pi": 2.0**50,
    "Ei": 2.0**60,
}
_BINARY: Final = (
    ("Ei", 2.0**60),
    ("Pi", 2.0**50),
    ("Ti", 2.0**40),
    ("Gi", 2.0**30),
    ("Mi", 2.0**20),
    ("Ki", 2.0**10),
)
CPU_LIKE: Final = frozenset({"cpu", "requests.cpu", "limits.cpu"})


def parse_quantity(value: Any) -> float | None:
    """A quantity in base units (cores for cpu, bytes for memory); None when it does not parse."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    match = _QUANTITY.match(str(value))
    if not match or match.group(2) not in _SUFFIX:
        return None
    return float(match.group(1)) * _SUFFIX[match.group(2)]


def format_cpu(cores: float) -> str:
    """Cores as kubectl would write them: `250m`, `2`, `1.5`."""
    if abs(cores - round(cores)) < 1e-9:
        return str(round(cores))
    return f"{round(cores * 1000)}m"


def format_bytes(amount: float) -> str:
    """Bytes in the largest binary unit that keeps a short number: `512Mi`, `1.5Gi`."""
    for suffix, size in _BINARY:
        if abs(amount) >= size:
            return f"{round(amount / size, 2):g}{suffix}"
    return f"{amount:g}"


def format_quantity(resource: str, amount: float) -> str:
    if resource in CPU_LIKE or resource.endswith(".cpu"):
        return format_cpu(amount)
    if "memory" in resource or "storage" in resource:
        return format_bytes(amount)
    return f"{amount:g}"


def sum_resources(items: list[Mapping[str, Any]]) -> dict[str, float]:
    """Add up resource maps (`{"cpu": "500m", "memory": "1Gi"}`) key by key."""
    total: dict[str, float] = {}
    for item in items:
        for key, raw in (item or {}).items():
            amount = parse_quantity(raw)
            if amount is not None:
                total[key] = total.get(key, 0.0) + amount
    return total


def pod_requests(pod_spec: Mapping[str, Any]) -> dict[str, float]:
    """What the scheduler charges a pod: max(sum of app containers, largest init) plus overhead.

    A container with limits and no requests is charged its limits (the API server defaults
    requests to limits).
    """

    def requests(container: Mapping[str, Any]) -> Mapping[str, Any]:
        resources = container.get("resources") or {}
        return {**(resources.get("limits") or {}), **(resources.get("requests") or {})}

    total = sum_resources([requests(c) for c in pod_spec.get("containers") or []])
    for init in pod_spec.get("initContainers") or []:
        for key, amount in sum_resources([requests(init)]).items():
            total[key] = max(total.get(key, 0.0), amount)
    for key, amount in sum_resources([pod_spec.get("overhead") or {}]).items():
        total[key] = total.get(key, 0.0) + amount
    return total
