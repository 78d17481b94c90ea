"""RBAC objects from ApiServerSource (mode Resource on rbac.authorization.k8s.io): a binding is a security event.

A new or changed RoleBinding or ClusterRoleBinding is what an attacker (or a hurried colleague) does to
keep access: each becomes a security incident about that binding, critical when it grants
cluster-admin. The control plane's own bindings (`system:` names) churn by design and are noise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from shared.errors import InvalidInput
from shared.incident import Incident
from shared.intake import Noise
from shared.intake.fingerprint import fingerprint

BINDING_KINDS: Final = frozenset({"RoleBinding", "ClusterRoleBinding"})
_POWERFUL: Final = frozenset({"cluster-admin", "admin"})


def incident_from_binding(ce_type: str, data: Mapping[str, Any], cluster: str) -> Incident | Noise:
    kind = str(data.get("kind"))
    meta = data.get("metadata") if isinstance(data.get("metadata"), Mapping) else {}
    name, namespace = str(meta.get("name") or ""), str(meta.get("namespace") or "")
    ref = data.get("roleRef") if isinstance(data.get("roleRef"), Mapping) else {}
    role_name = ref.get("name") if isinstance(ref.get("name"), str) else ""
    problems = [f"data.{f} is required" for f, v in (("metadata.name", name), ("roleRef.name", role_name)) if not v]
    version = meta.get("resourceVersion")
    if version is not None and not isinstance(version, str):
        problems.append("data.metadata.resourceVersion must be a string")
    if problems:
        raise InvalidInput(problems)
    if ce_type.endswith(".delete"):
        return Noise(f"{kind} {name} was deleted: access removed, nothing to audit", kind, name)
    if name.startswith("system:"):
        return Noise(f"{kind} {name} belongs to the control plane", kind, name)
    raw_subjects = data.get("subjects")
    subjects = [s for s in raw_subjects if isinstance(s, Mapping)] if isinstance(raw_subjects, list) else []
    who = ", ".join(f"{s.get('kind')}/{s.get('namespace') + '/' if s.get('namespace') else ''}{s.get('name')}"
                    for s in subjects) or "no subjects"
    role = f"{ref.get('kind')}/{role_name}"
    print_ = fingerprint(cluster, namespace, f"{kind}/{name}", None, "security")
    return Incident(
        fingerprint=print_,
        source="apiserver",
        family="security",
        reason="BindingChanged",
        message=f"{kind} {name} binds {who} to {role}",
        cluster=cluster,
        namespace=namespace,
        object_kind=kind,
        object_name=name,
        first_seen=meta.get("creationTimestamp"),
        last_seen=meta.get("creationTimestamp"),
        severity="critical" if role_name in _POWERFUL else "warning",
        # One version of a binding is one episode: the source's re-list on restart (an `add` per binding) and its
        # resyncs join the investigation long after the window; a change (a new resourceVersion) is news.
        dedupe_key=f"binding|{print_}|{version}" if version else None,
    )
