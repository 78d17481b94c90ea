"""Network policies: namespaces with no default deny, pods no policy selects, policies that allow everything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.security.issues import SecurityIssue, object_name


def _selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    wanted = selector.get("matchLabels") or {}
    if not all(labels.get(k) == v for k, v in wanted.items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if (op == "In" and labels.get(key) not in values) or (op == "NotIn" and labels.get(key) in values) or (
                op == "Exists" and key not in labels) or (op == "DoesNotExist" and key in labels):
            return False
    return True


def _is_default_deny(policy: Mapping[str, Any]) -> bool:
    spec = policy.get("spec") or {}
    types = spec.get("policyTypes") or ["Ingress"]
    return not (spec.get("podSelector") or {}) and "Ingress" in types and not spec.get("ingress")


def _allows_all(policy: Mapping[str, Any]) -> bool:
    return any(rule == {} or rule.get("from") == [] for rule in (policy.get("spec") or {}).get("ingress") or [])


def audit_network(namespace: str, pods: Sequence[Mapping[str, Any]], policies: Sequence[Mapping[str, Any]],
                  ) -> list[SecurityIssue]:
    issues = []
    if not any(_is_default_deny(p) for p in policies):
        issues.append(SecurityIssue(
            "no_default_deny", "medium", f"Namespace/{namespace}",
            f"no NetworkPolicy in {namespace} denies ingress by default ({len(policies)} policies)",
            "CIS 5.3.2 (all namespaces have NetworkPolicies defined)",
            f"Add a default-deny NetworkPolicy (podSelector {{}}, policyTypes [Ingress]) in {namespace}, then allow "
            "what each workload needs"))
    for policy in policies:
        if _allows_all(policy):
            issues.append(SecurityIssue(
                "policy_allows_all", "medium", object_name(policy, "NetworkPolicy"),
                "an ingress rule with no `from` admits traffic from every pod and address",
                "CIS 5.3.2", "Name the namespaces and pods allowed in each ingress rule"))
    selected_nothing = [p for p in pods if not any(
        _selects((pol.get("spec") or {}).get("podSelector") or {}, (p.get("metadata") or {}).get("labels") or {})
        for pol in policies)]
    if policies and selected_nothing:
        names = ", ".join(sorted((p.get("metadata") or {}).get("name", "?") for p in selected_nothing)[:10])
        issues.append(SecurityIssue(
            "pods_without_policy", "low", f"Namespace/{namespace}", f"no NetworkPolicy selects: {names}",
            "CIS 5.3.2", "Cover these pods with a policy (a default deny does it)"))
    return issues
