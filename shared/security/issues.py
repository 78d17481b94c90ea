"""One security finding: what is wrong, where, how bad, which rule it breaks, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

SEVERITIES: Final = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class SecurityIssue:
    check: str  # e.g. "privileged", "cluster_admin_binding", "image_latest"
    severity: str  # one of SEVERITIES
    object: str  # Kind/namespace/name
    evidence: str  # the field and value that show it, e.g. "spec.containers[app].securityContext.privileged: true"
    rule: str  # the standard it breaks: "Pod Security Standards baseline: Privileged Containers; CIS 5.2.1"
    fix: str  # text, never executed
    danger: tuple[str, ...] = field(default=())  # what makes it worse here (the pod's account can read Secrets)
    worse_here: bool = False  # raised for what the workload's own account can do: ranks first among its severity

    @property
    def rank(self) -> int:
        return SEVERITIES.index(self.severity)


def raise_severity(severity: str, steps: int = 1) -> str:
    return SEVERITIES[max(0, SEVERITIES.index(severity) - steps)]


def object_name(obj: dict, kind: str | None = None) -> str:
    meta = obj.get("metadata") or {}
    parts = [kind or obj.get("kind") or "?", meta.get("namespace"), meta.get("name")]
    return "/".join(str(p) for p in parts if p)
