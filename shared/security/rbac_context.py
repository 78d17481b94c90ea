"""RBAC read in context: what a grant really amounts to, and which grants are the intended model.

- A role allowing every verb on every resource in every API group is cluster-admin in all but name.
- A namespace's own RoleBinding of the built-in `edit`/`admin`/`view` ClusterRoles to people (Users,
  Groups) is how Kubernetes multi-tenancy is meant to work (the "user-facing roles"): not a finding. A
  ServiceAccount so bound is still judged (a pod holds its token).
- A long-standing cluster-admin binding to a Group kept by a GitOps tool is a known grant (see
  `is_known_managed_grant` for why it is noted rather than raised).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from shared.analyzers.kube_facts import parse_time

TENANCY_ROLES: Final = frozenset({"edit", "admin", "view"})  # the built-in user-facing ClusterRoles
PEOPLE: Final = frozenset({"User", "Group"})
# Labels and annotations Argo CD, Flux and kustomize set on what they apply.
GITOPS_MARKS: Final = ("argocd.argoproj.io/instance", "argocd.argoproj.io/tracking-id",
                       "kustomize.toolkit.fluxcd.io/name", "helm.toolkit.fluxcd.io/name")
GITOPS_MANAGERS: Final = ("argocd", "argo-cd", "flux", "fluxcd", "kustomize-controller")
KNOWN_AFTER_DAYS: Final = 30  # younger than this, a grant is news even from Git: review may have been rushed


def grants_everything(rule: Mapping[str, Any]) -> bool:
    """`*` verbs on `*` resources in `*` API groups: what cluster-admin's own rule says."""
    return all("*" in (rule.get(key) or []) for key in ("verbs", "resources", "apiGroups"))


def is_tenancy_grant(subject_kind: str, binding_kind: str, ref: Mapping[str, Any]) -> bool:
    """People given a built-in user-facing role inside one namespace: the tenancy model."""
    return (subject_kind in PEOPLE and binding_kind == "RoleBinding" and ref.get("kind") == "ClusterRole"
            and ref.get("name") in TENANCY_ROLES)


def is_gitops_managed(obj: Mapping[str, Any]) -> bool:
    meta = obj.get("metadata") or {}
    marks = {**(meta.get("annotations") or {}), **(meta.get("labels") or {})}
    manager = str(marks.get("app.kubernetes.io/managed-by", "")).lower()
    return manager in GITOPS_MANAGERS or any(k in marks for k in GITOPS_MARKS)


def age_days(obj: Mapping[str, Any], now: datetime | None) -> float | None:
    created = parse_time((obj.get("metadata") or {}).get("creationTimestamp"))
    return None if created is None or now is None else (now - created).total_seconds() / 86400


def is_known_managed_grant(subject_kind: str, binding_kind: str, binding: Mapping[str, Any],
                           now: datetime | None) -> bool:
    """A cluster-admin(-equivalent) binding to a Group, kept in Git by Argo CD or Flux, standing for a month.

    Why noted and not raised: who holds such a grant is decided in two reviewed places the auditor cannot
    see (the Git change that made it, the identity provider's group membership), and a break-glass or
    platform group is exactly the "where required" of CIS 5.1.1. Re-raising it at critical on every resync
    teaches people to ignore the auditor. It is still said, with lower confidence and the one thing to
    check (the group's members). A ServiceAccount is never excused (any pod running as it holds the
    token), nor a User, nor a grant younger than KNOWN_AFTER_DAYS or of unknown age (news even from Git).
    """
    age = age_days(binding, now)
    return (subject_kind == "Group" and binding_kind == "ClusterRoleBinding"
            and is_gitops_managed(binding) and age is not None and age >= KNOWN_AFTER_DAYS)
