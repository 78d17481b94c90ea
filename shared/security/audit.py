"""A namespace's (or one workload's) security audit: every issue, what makes each dangerous here, ranked.

Danger is contextual: a privileged pod or a shell-able pod whose service account can read Secrets
is worse than one whose account can do nothing, so posture issues are raised a step when the
workload's own account holds a dangerous permission, and the diagnosis says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final

from shared.analyzers.strength import Strength
from shared.security.escalation import follow_create_pods
from shared.security.images import audit_images
from shared.security.issues import SecurityIssue, object_name, raise_severity
from shared.security.network import audit_network
from shared.security.posture import audit_pod_spec, is_by_design, workload_pod_spec
from shared.security.rbac import RbacGraph, audit_rbac, excused, is_system, subject_key

WORKLOAD_KINDS: Final = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod")
# The failure class a diagnosis takes from its most severe issue's check.
CATEGORY_OF: Final = {
    "cluster_admin_binding": "security_cluster_admin_binding",
    "wildcard_rbac": "security_rbac_overprivileged",
    "default_sa_bound": "security_rbac_overprivileged",
    "privileged": "security_privileged_workload",
    "added_capabilities": "security_privileged_workload",
    "hostnetwork": "security_host_access", "hostpid": "security_host_access", "hostipc": "security_host_access",
    "host_path": "security_host_access",
    "runs_as_root": "security_runs_as_root", "may_run_as_root": "security_runs_as_root",
    "privilege_escalation": "security_runs_as_root",
    "image_latest": "security_image_policy", "registry_not_allowed": "security_image_policy",
    "pull_policy_never": "security_image_policy",
    "no_default_deny": "security_network_unrestricted", "policy_allows_all": "security_network_unrestricted",
    "pods_without_policy": "security_network_unrestricted",
    "policy_violation": "security_policy_violation",  # a policy engine's rule the auditor has no check for
    # A path to more than one holds: pods started as a stronger account. (escalate, bind and impersonate stay
    # over-privilege: they come with wildcard roles far more often than alone, and the wildcard is the fix.)
    "create_pods_escalation": "security_rbac_escalation",
}
# At one severity and danger, what the check gives away: a privileged container is the whole node (its
# hostPath and host namespaces are parts of that), cluster-admin the whole cluster.
_GIVES_AWAY: Final = ("privileged", "cluster_admin_binding", "create_pods_escalation", "can_escalate_roles",
                      "can_bind_clusterroles", "can_impersonate_users", "added_capabilities", "host_path", "hostpid",
                      "hostnetwork", "hostipc", "wildcard_rbac", "runs_as_root")
# How strong each kind of evidence is: an object's own spec or binding read now says it (STATE_SAYS); a
# policy engine's word the auditor has no check of its own for is a report, not a reading; an escalation
# path is an inference about what could be done.
STRENGTH_OF: Final = {"policy_violation": Strength.LOG_SIGNAL, "create_pods_escalation": Strength.CONTEXT}
_RAISED_BY_ACCOUNT: Final = ("privileged", "host_path", "hostpid", "runs_as_root", "added_capabilities")
_RAISES_POSTURE: Final = ("create_pods_escalation", "can_get_secrets", "can_list_secrets", "can_create_pods_exec", "cluster_admin_binding",
                          "can_escalate_roles", "can_bind_clusterroles", "can_impersonate_users")


@dataclass(frozen=True)
class Audit:
    issues: tuple[SecurityIssue, ...]
    by_design: tuple[str, ...]  # privileged by design, said and not reported
    checked: tuple[str, ...]  # what was looked at, for an honest "nothing found"
    notes: tuple[str, ...] = ()  # grants that are the intended model (tenancy, known managed), said not reported


def category_of(issue: SecurityIssue) -> str:
    if issue.check in CATEGORY_OF:
        return CATEGORY_OF[issue.check]
    return "security_rbac_overprivileged" if issue.check.startswith("can_") else "security_misconfiguration"


def strength_of(issue: SecurityIssue) -> Strength:
    return STRENGTH_OF.get(issue.check, Strength.STATE_SAYS)


def audit(
    namespace: str | None,
    workloads: Sequence[Mapping[str, Any]],
    rbac: RbacGraph,
    policies: Sequence[Mapping[str, Any]] = (),
    pods: Sequence[Mapping[str, Any]] = (),
    allowed_registries: Iterable[str] = (),
    now: datetime | None = None,
    network: bool = True,
) -> Audit:
    scope = [namespace] if namespace else None
    rbac_issues = [follow_create_pods(rbac, i, now) if i.check == "can_create_pods" else i
                   for i in audit_rbac(rbac, scope, now)]
    dangerous = account_risks(rbac_issues)
    issues: list[SecurityIssue] = list(rbac_issues)
    by_design: list[str] = []
    for obj in workloads:
        kind = obj.get("kind") or "?"
        meta = obj.get("metadata") or {}
        owner = object_name(obj, kind)
        spec = workload_pod_spec(obj)
        if is_by_design(meta.get("namespace"), meta.get("name", ""), meta.get("labels") or {}):
            by_design.append(owner)
            continue
        account = subject_key("ServiceAccount", spec.get("serviceAccountName") or "default", meta.get("namespace"))
        found = audit_pod_spec(owner, spec) + audit_images(owner, spec, allowed_registries)
        issues += with_account_danger(found, dangerous.get(account), account)
    if namespace and network:
        issues += audit_network(namespace, pods, policies)
    notes = [why for subject in rbac.subjects() if not is_system(subject.split("/")[-1])
             and (scope is None or not subject.startswith("ServiceAccount/") or subject.split("/")[1] in scope)
             for why in excused(rbac, subject, now).values()]
    checked = (f"RBAC bindings of {len(rbac.subjects())} subjects", f"{len(workloads)} workloads against the Pod "
               "Security Standards", "image references", f"{len(policies)} network policies")
    return Audit(tuple(sorted(issues, key=rank_key)), tuple(by_design), checked, tuple(dict.fromkeys(notes)))


def rank_key(issue: SecurityIssue) -> tuple[int, bool, int, str]:
    """Most severe first; at one severity, what the workload's own account makes worse first, then what the
    check gives away (the whole node, the cluster) before its parts."""
    gives = _GIVES_AWAY.index(issue.check) if issue.check in _GIVES_AWAY else len(_GIVES_AWAY)
    return issue.rank, not issue.worse_here, gives, issue.object


def account_risks(rbac_issues: Iterable[SecurityIssue]) -> dict[str, SecurityIssue]:
    """Each subject's permission that makes a weakness of its workloads worse (read Secrets, exec, escalate)."""
    return {i.object: i for i in rbac_issues if i.check in _RAISES_POSTURE}


def with_account_danger(found: Iterable[SecurityIssue], risk: SecurityIssue | None,
                        account: str) -> list[SecurityIssue]:
    """Posture issues a step more severe, saying why, when the workload's account holds a dangerous permission."""
    if risk is None:
        return list(found)
    said = f"its service account {account} {risk.danger[0] if risk.danger else 'is bound to cluster-admin'}"
    return [replace(i, severity=raise_severity(i.severity), danger=(*i.danger, said), worse_here=True)
            if i.check in _RAISED_BY_ACCOUNT else i for i in found]
