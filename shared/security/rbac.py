"""RBAC as a graph: who can do what, through which bindings and (aggregated) roles.

A subject (ServiceAccount, User, Group) is bound by RoleBindings and ClusterRoleBindings to Roles
and ClusterRoles; a ClusterRole with an aggregationRule holds the rules of every ClusterRole its
selectors match. `grants` answers "can this subject do this verb on this resource here, and through
what?", which is what an auditor needs to say why something is dangerous.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from shared.security.issues import SecurityIssue, object_name
from shared.security.rbac_context import age_days, grants_everything, is_known_managed_grant, is_tenancy_grant

SYSTEM_PREFIXES: Final = ("system:",)  # the control plane's own subjects and roles: by design
# What lets an account take over more than its own work (CIS 5.1.x; the Kubernetes RBAC good practices).
DANGEROUS: Final[tuple[tuple[str, str, str, str], ...]] = (
    # (verb, resource, what it means, severity)
    ("get", "secrets", "read Secrets", "high"),
    ("list", "secrets", "list (and so read) every Secret", "high"),
    ("create", "pods/exec", "open a shell in pods", "high"),
    ("create", "pods", "create pods (and so run as any account in the namespace, mount any Secret)", "medium"),
    ("escalate", "roles", "grant itself permissions it lacks (escalate)", "critical"),
    ("bind", "clusterroles", "bind any ClusterRole, cluster-admin included", "critical"),
    ("impersonate", "users", "act as any user", "critical"),
)


@dataclass(frozen=True)
class Grant:
    binding: str  # Kind/ns/name of the binding
    role: str  # Kind/ns/name of the role
    namespace: str | None  # None: cluster-wide (a ClusterRoleBinding)
    rule: Mapping[str, Any]


def subject_key(kind: str, name: str, namespace: str | None = None) -> str:
    return f"{kind}/{namespace}/{name}" if kind == "ServiceAccount" else f"{kind}/{name}"


class RbacGraph:
    def __init__(self, roles: Sequence[dict], cluster_roles: Sequence[dict], bindings: Sequence[dict],
                 cluster_bindings: Sequence[dict]) -> None:
        self._cluster_roles = {(r.get("metadata") or {}).get("name"): r for r in cluster_roles}
        self._roles = {((r.get("metadata") or {}).get("namespace"), (r.get("metadata") or {}).get("name")): r
                       for r in roles}
        self._edges: dict[str, list[tuple[dict, str]]] = {}  # subject -> [(binding, kind)]
        for kind, items in (("ClusterRoleBinding", cluster_bindings), ("RoleBinding", bindings)):
            for binding in items:
                ns = (binding.get("metadata") or {}).get("namespace")
                for subject in binding.get("subjects") or []:
                    key = subject_key(subject.get("kind", ""), subject.get("name", ""), subject.get("namespace") or ns)
                    self._edges.setdefault(key, []).append((binding, kind))

    def subjects(self) -> list[str]:
        return sorted(self._edges)

    def bindings_of(self, subject: str) -> list[tuple[dict, str]]:
        return list(self._edges.get(subject, []))

    def rules_of_role(self, ref: Mapping[str, Any], namespace: str | None) -> tuple[str, list[dict]]:
        """A roleRef's name and its rules (aggregated ClusterRoles expanded)."""
        name = ref.get("name", "")
        if ref.get("kind") == "ClusterRole":
            role = self._cluster_roles.get(name)
            return f"ClusterRole/{name}", self._cluster_rules(role, set()) if role else []
        role = self._roles.get((namespace, name))
        return f"Role/{namespace}/{name}", list((role or {}).get("rules") or [])

    def grants(self, subject: str) -> list[Grant]:
        found = []
        for binding, kind in self._edges.get(subject, []):
            ns = (binding.get("metadata") or {}).get("namespace") if kind == "RoleBinding" else None
            role, rules = self.rules_of_role(binding.get("roleRef") or {}, ns)
            found += [Grant(object_name(binding, kind), role, ns, rule) for rule in rules]
        return found

    def can(self, subject: str, verb: str, resource: str, namespace: str | None = None) -> list[Grant]:
        """The grants that allow `verb` on `resource` ("pods/exec" for a subresource) in `namespace`."""
        return [g for g in self.grants(subject)
                if (g.namespace is None or namespace is None or g.namespace == namespace) and _allows(g.rule, verb,
                                                                                                      resource)]

    def _cluster_rules(self, role: dict, seen: set[str]) -> list[dict]:
        name = (role.get("metadata") or {}).get("name", "")
        if name in seen:
            return []
        seen.add(name)
        rules = list(role.get("rules") or [])
        for selector in (role.get("aggregationRule") or {}).get("clusterRoleSelectors") or []:
            wanted = selector.get("matchLabels") or {}
            for other in self._cluster_roles.values():
                labels = (other.get("metadata") or {}).get("labels") or {}
                if other is not role and wanted and all(labels.get(k) == v for k, v in wanted.items()):
                    rules += self._cluster_rules(other, seen)
        return rules


_GROUP_OF: Final = {"roles": "rbac.authorization.k8s.io", "clusterroles": "rbac.authorization.k8s.io"}


def _allows(rule: Mapping[str, Any], verb: str, resource: str) -> bool:
    if rule.get("nonResourceURLs"):
        return False
    verbs = rule.get("verbs") or []
    resources = rule.get("resources") or []
    groups = rule.get("apiGroups") or [""]
    group = _GROUP_OF.get(resource, "")  # pods, pods/exec, secrets, users: the core group
    return ("*" in verbs or verb in verbs) and ("*" in resources or resource in resources) and (
        "*" in groups or group in groups)


def bindings_of(namespace: str, account: str) -> str:
    """A read-only command listing every binding that names a service account (`auth can-i --as` would
    impersonate it: the output policy refuses that, and so would a reader's RBAC)."""
    return f"kubectl get rolebindings,clusterrolebindings -A -o wide | grep {namespace}/{account}"


def is_system(name: str) -> bool:
    return name.startswith(SYSTEM_PREFIXES)


def audit_rbac(graph: RbacGraph, namespaces: Iterable[str] | None = None,
               now: datetime | None = None) -> list[SecurityIssue]:
    """Bindings to cluster-admin (or its equal), wildcards, accounts that can read Secrets, exec, create pods
    or escalate; the intended model (tenancy, known managed grants) excused."""
    scope = set(namespaces) if namespaces is not None else None
    issues: list[SecurityIssue] = []
    for subject in graph.subjects():
        kind, _, rest = subject.partition("/")
        ns = rest.split("/")[0] if kind == "ServiceAccount" else None
        if is_system(rest) or (scope is not None and ns not in scope and ns is not None):
            continue
        issues += subject_issues(graph, subject, now)
    return issues


def excused(graph: RbacGraph, subject: str, now: datetime | None) -> dict[str, str]:
    """The subject's bindings that are the intended model, each with why (not findings; said as notes)."""
    kind = subject.partition("/")[0]
    found = {}
    for binding, binding_kind in graph.bindings_of(subject):
        ref = binding.get("roleRef") or {}
        name = object_name(binding, binding_kind)
        if is_tenancy_grant(kind, binding_kind, ref):
            found[name] = (f"{name} gives {subject} the built-in ClusterRole/{ref.get('name')} inside namespace "
                           f"{(binding.get('metadata') or {}).get('namespace')} only: the per-namespace tenancy model")
        elif _is_cluster_admin(graph, binding, binding_kind) and is_known_managed_grant(kind, binding_kind, binding,
                                                                                        now):
            age = age_days(binding, now) or 0
            found[name] = (f"{name} binds {subject} to cluster-admin, kept in Git by a GitOps tool for {age:.0f} days: "
                           f"a known, managed grant (review who is in {subject} with the identity provider)")
    return found


def _is_cluster_admin(graph: RbacGraph, binding: Mapping[str, Any], binding_kind: str) -> bool:
    """Bound to cluster-admin by name, or cluster-wide to a ClusterRole that allows everything (the same power)."""
    ref = binding.get("roleRef") or {}
    if ref.get("kind") != "ClusterRole":
        return False
    if ref.get("name") == "cluster-admin":
        return True
    return binding_kind == "ClusterRoleBinding" and any(grants_everything(r) for r in graph.rules_of_role(ref, None)[1])


def subject_issues(graph: RbacGraph, subject: str, now: datetime | None = None) -> list[SecurityIssue]:
    """What one subject's bindings allow that an auditor reports (its excused bindings count for nothing)."""
    kind, _, rest = subject.partition("/")
    skip = excused(graph, subject, now)
    issues: list[SecurityIssue] = []
    admin_roles: set[str] = set()
    for binding, binding_kind in graph.bindings_of(subject):
        name = object_name(binding, binding_kind)
        if name in skip or not _is_cluster_admin(graph, binding, binding_kind):
            continue
        ref = binding.get("roleRef") or {}
        role = f"ClusterRole/{ref.get('name')}"
        admin_roles.add(role)
        alias = ("" if ref.get("name") == "cluster-admin" else
                 ", which allows * on * in every API group: cluster-admin in all but name")
        issues.append(SecurityIssue(
            "cluster_admin_binding", "critical", subject, f"{name} binds {subject} to {role}{alias}",
            "CIS Kubernetes Benchmark 5.1.1 (cluster-admin only where required)",
            f"Replace {name} with a Role granting only what {subject} needs"))
    grants = [g for g in graph.grants(subject) if g.binding not in skip]
    for grant in grants:
        wildcard = "*" in (grant.rule.get("verbs") or []) and "*" in (grant.rule.get("resources") or [])
        if wildcard and grant.role not in admin_roles:
            issues.append(SecurityIssue(
                "wildcard_rbac", "high", subject, f"{grant.role} (via {grant.binding}) allows verbs * on *",
                "CIS Kubernetes Benchmark 5.1.3 (minimize wildcard use in Roles and ClusterRoles)",
                f"List the verbs and resources {subject} needs in {grant.role}"))
    for verb, resource, meaning, severity in DANGEROUS:
        allowed = [g for g in graph.can(subject, verb, resource) if g.binding not in skip]
        if allowed and not admin_roles:
            where = "cluster-wide" if any(g.namespace is None for g in allowed) else f"in {allowed[0].namespace}"
            issues.append(SecurityIssue(
                f"can_{verb}_{resource.replace('/', '_')}", severity, subject,
                f"{subject} can {verb} {resource} {where} through {allowed[0].role} ({allowed[0].binding})",
                "CIS Kubernetes Benchmark 5.1.2-5.1.8 (least privilege)",
                f"Remove {verb} on {resource} from {allowed[0].role} unless {subject} needs to {meaning}",
                (f"can {meaning}",)))
    if kind == "ServiceAccount" and rest.endswith("/default") and grants:
        issues.append(SecurityIssue(
            "default_sa_bound", "medium", subject, f"{subject} has bindings: every pod without its own "
            "service account in the namespace gets them", "CIS Kubernetes Benchmark 5.1.5 (default service "
            "accounts are not actively used)", f"Give the workloads their own ServiceAccount and unbind {subject}"))
    return issues
