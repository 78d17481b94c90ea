"""Create pods is an escalation path: a new pod may run as any ServiceAccount of its namespace.

So an account that can create pods holds, in effect, the powers of the strongest account it can put in
a pod's spec. The auditor names that account and rates the path by what it could reach; this is an
inference (nobody has done it), so it is said as one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from shared.security.issues import SEVERITIES, SecurityIssue
from shared.security.rbac import Grant, RbacGraph, is_system, subject_issues

_WRITES: Final = frozenset({"*", "create", "update", "patch", "delete", "deletecollection", "escalate", "bind",
                            "impersonate"})


def follow_create_pods(graph: RbacGraph, issue: SecurityIssue, now: datetime | None = None) -> SecurityIssue:
    """A `can_create_pods` issue turned into the escalation it opens, when a stronger account is in reach."""
    subject = issue.object
    grants = graph.can(subject, "create", "pods")
    spaces = {g.namespace for g in grants}
    reachable = [s for s in graph.subjects() if s.startswith("ServiceAccount/") and s != subject
                 and not is_system(s.split("/")[-1])
                 and (None in spaces or s.split("/")[1] in spaces)]
    ranked = sorted((_power(graph, s, now), s) for s in reachable)
    if not ranked or ranked[0][0][0] >= len(SEVERITIES):
        return issue  # no account to borrow that can do more than read
    (worst, _, _), target = ranked[0]
    severity = SEVERITIES[worst]
    found = subject_issues(graph, target, now)
    mine = graph.grants(target)
    powers = "; ".join(i.evidence for i in found[:2]) or _described(
        sorted(mine, key=lambda g: not (_WRITES & set(g.rule.get("verbs") or []))))
    where = "in any namespace" if None in spaces else f"in {', '.join(sorted(s for s in spaces if s))}"
    return SecurityIssue(
        "create_pods_escalation", severity, subject,
        f"{subject} can create pods {where} through {grants[0].role} ({grants[0].binding}); a pod it starts may "
        f"run as {target}, the most powerful account in reach: {powers}",
        "CIS Kubernetes Benchmark 5.1.4 (minimize access to create pods)",
        f"Remove create on pods from {grants[0].role}, or keep {target} out of the namespaces {subject} can create "
        "pods in", (f"can run a pod as {target}",), worse_here=True)


def _power(graph: RbacGraph, subject: str, now: datetime | None) -> tuple[int, int, int]:
    """A severity index, lower is stronger: its worst finding; writing cluster-wide is high, in a namespace
    medium; reading only is nothing to borrow. Ties: more cluster-wide grants, then more grants."""
    grants = graph.grants(subject)
    writes = [g for g in grants if _WRITES & set(g.rule.get("verbs") or [])]
    levels = [i.rank for i in subject_issues(graph, subject, now)]
    levels += [SEVERITIES.index("high" if g.namespace is None else "medium") for g in writes]
    return min(levels, default=len(SEVERITIES)), -sum(g.namespace is None for g in grants), -len(grants)


def _described(grants: list[Grant]) -> str:
    said = [f"{','.join(g.rule.get('verbs') or [])} {','.join(g.rule.get('resources') or [])} "
            f"{'cluster-wide' if g.namespace is None else 'in ' + g.namespace} through {g.role}" for g in grants[:3]]
    return "; ".join(said)
