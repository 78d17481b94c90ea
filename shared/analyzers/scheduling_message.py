"""Reading a FailedScheduling message: `0/6 nodes are available: 3 Insufficient cpu, 2 node(s) had ...`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_HEAD: Final = re.compile(r"(\d+)/(\d+) nodes are available:?\s*(.*)", re.S)
_ITEM_SPLIT: Final = re.compile(r",\s*(?=\d+\s)")
_COUNTED: Final = re.compile(r"^(\d+)\s+(.*)$", re.S)
_INSUFFICIENT: Final = re.compile(r"Insufficient ([\w./-]+)", re.I)
_TAINT: Final = re.compile(r"\{([^:}]+):\s*([^}]*)\}")
_INFRA_TAINT_PREFIXES: Final = (
    "node-role.kubernetes.io/",
    "node.kubernetes.io/",
    "node.cloudprovider.kubernetes.io/",
)

RESOURCES, TAINT, SELECTOR, PVC, OTHER = "resources", "taint", "selector", "pvc", "other"


@dataclass(frozen=True)
class Reason:
    count: int | None
    text: str
    kind: str  # RESOURCES, TAINT, SELECTOR, PVC or OTHER
    detail: str = ""  # the resource name, or the taint key=value


@dataclass(frozen=True)
class SchedulingMessage:
    available: int | None
    total: int | None
    reasons: tuple[Reason, ...]

    def count(self, kind: str) -> int:
        return sum(r.count or 1 for r in self.reasons if r.kind == kind)

    def details(self, kind: str) -> list[str]:
        return [r.detail for r in self.reasons if r.kind == kind and r.detail]

    @property
    def dominant(self) -> str | None:
        """The cause whose fix would schedule the pod, as an SRE reads the message.

        Volume trouble fails before any node is tried. Nodes that are short of resources passed
        every placement rule (taints, selectors), so they are the pod's intended home: capacity is
        the cause even when other nodes are tainted. Otherwise a taint on nodes the selector led
        to beats the selector; control-plane and node-condition taints never count as intended.
        """
        if self.count(PVC):
            return PVC
        if self.count(RESOURCES):
            return RESOURCES
        user_taints = [d for d in self.details(TAINT) if not d.startswith(_INFRA_TAINT_PREFIXES)]
        if self.count(SELECTOR) and not user_taints:
            return SELECTOR
        if self.count(TAINT):
            return TAINT
        return OTHER if self.reasons else None


def _classify(text: str) -> tuple[str, str]:
    lowered = text.lower()
    if m := _INSUFFICIENT.search(text):
        return RESOURCES, m.group(1)
    if "too many pods" in lowered:
        return RESOURCES, "pods"
    if (
        "persistentvolumeclaim" in lowered
        or "persistent volumes" in lowered
        or "volume node affinity" in lowered
    ):
        return PVC, ""
    if "taint" in lowered:
        m = _TAINT.search(text)
        return TAINT, (f"{m.group(1).strip()}={m.group(2).strip()}".rstrip("=") if m else "")
    if "unschedulable" in lowered:
        return TAINT, "node.kubernetes.io/unschedulable"
    if "node affinity/selector" in lowered or "node selector" in lowered or "node affinity" in lowered:
        return SELECTOR, ""
    return OTHER, ""


def parse_scheduling_message(message: str) -> SchedulingMessage:
    """The per-node reasons of a scheduler message; the preemption tail is dropped."""
    body = re.split(r"\.?\s*preemption:", message, maxsplit=1)[0]
    head = _HEAD.search(body)
    available = total = None
    if head:
        available, total, body = int(head.group(1)), int(head.group(2)), head.group(3)
    reasons = []
    for item in _ITEM_SPLIT.split(body.strip().rstrip(".")):
        item = item.strip()
        if not item:
            continue
        counted = _COUNTED.match(item)
        count, text = (int(counted.group(1)), counted.group(2)) if counted else (None, item)
        kind, detail = _classify(text)
        reasons.append(Reason(count, text.strip(), kind, detail))
    return SchedulingMessage(available, total, tuple(reasons))
