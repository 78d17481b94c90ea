"""What an audit is about: the object its trigger names (a binding, a workload), or the whole namespace.

An event about a binding, or a person asking about one workload, wants a verdict on that object: its
own findings are the answer (or its healthy or by-design verdict), and the rest of the namespace is
context, said as such. A bare namespace audit has no subject: its most severe finding heads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from shared.analyzers.kube_facts import parse_time
from shared.analyzers.strength import Strength
from shared.incident import Incident
from shared.security.audit import Audit
from shared.security.issues import SecurityIssue, object_name
from shared.security.posture import workload_pod_spec
from shared.security.rbac import RbacGraph, subject_key

_BINDINGS: Final = ("RoleBinding", "ClusterRoleBinding")
_ENDS: Final = (" ", ")", ";", ",")  # how a binding's name ends inside an issue's evidence


@dataclass(frozen=True)
class Subject:
    name: str  # Kind/namespace/name
    account: str | None = None  # a workload's ServiceAccount: what it can do is the workload's finding too

    @property
    def is_binding(self) -> bool:
        return self.name.split("/")[0] in _BINDINGS

    def owns(self, issue: SecurityIssue) -> bool:
        if self.is_binding:
            return any(f"{self.name}{end}" in issue.evidence for end in _ENDS)
        return issue.object in (self.name, self.account)

    def healthy(self, result: Audit) -> tuple[str, Strength]:
        """Why the subject is fine, and how strong that is (a by-design verdict is recognised from its name)."""
        if self.name in result.by_design:
            return (f"{self.name} is a node agent in a system namespace whose host access and privileges are its "
                    "job (networking, storage): by design, not a finding. ", Strength.LOG_SIGNAL)
        return f"No finding on {self.name}. ", Strength.STATE_SAYS


def trigger_subject(inc: Incident, graph: RbacGraph, workloads: Sequence[Mapping[str, Any]]) -> Subject | None:
    """The object the trigger names, when it is there to audit; None for a namespace audit."""
    if inc.object_kind in _BINDINGS:
        name = "/".join(p for p in (inc.object_kind, inc.namespace, inc.object_name) if p)
        present = any(object_name(b, k) == name for s in graph.subjects() for b, k in graph.bindings_of(s))
        return Subject(name) if present else None
    named = {(inc.workload_kind, inc.workload), ("Pod", inc.pod)} if inc.source == "manual" else {
        (inc.workload_kind, inc.workload)}  # a person may name a bare pod; an alert's pod is the Falco path's
    if inc.workload or inc.pod:
        for obj in workloads:
            meta = obj.get("metadata") or {}
            if (obj.get("kind"), meta.get("name")) in named and meta.get("name"):
                account = workload_pod_spec(obj).get("serviceAccountName") or "default"
                return Subject(object_name(obj), subject_key("ServiceAccount", account, meta.get("namespace")))
    return None


def now_from(stamps: Sequence[Any]) -> datetime | None:
    """The newest of the times seen (the incident's, the nodes' heartbeats): the cluster's now."""
    times = [t for t in (parse_time(s) for s in stamps) if t is not None]
    return max(times) if times else None
