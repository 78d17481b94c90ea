"""ResourceQuota exceeded: the controller may not create pods because the namespace quota is used up."""

from __future__ import annotations

import re
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import NamespacedAnalyzer, events_of, item, make_finding, name_of, ns_of
from shared.analyzers.strength import Strength
from shared.analyzers.target import target_workload
from shared.cluster.selectors import matches_match_labels
from shared.diagnosis import Finding

_EXCEEDED = re.compile(r"exceeded quota: ([\w.-]+)(?:, requested: ([^,]+(?:,[^,:]+=[^,]+)*?), used: ([^,]+(?:,[^,:]+"
                       r"=[^,]+)*?), limited: ([^\s,]+(?:,[^\s,:]+=[^\s,]+)*))?", re.I)
_MUST_SPECIFY = re.compile(r"failed quota: ([\w.-]+): must specify ([\w.,\s]+)", re.I)


def _creators(evidence: Evidence) -> list[dict[str, Any]]:
    """Objects whose FailedCreate events matter: the incident's ReplicaSet/Job/StatefulSet, or the workload's RSs."""
    incident = evidence.incident
    ns = incident.namespace
    objs = []
    if incident.object_kind in ("ReplicaSet", "Job", "StatefulSet", "DaemonSet"):
        obj = evidence.get(incident.object_kind, incident.object_name, ns)
        if obj:
            objs.append(obj)
    workload = target_workload(evidence)
    if workload is not None and workload.get("kind") == "HorizontalPodAutoscaler":
        # An HPA that cannot reach its desired count: the quota blocks its scale target's controller.
        ref = (workload.get("spec") or {}).get("scaleTargetRef") or {}
        workload = evidence.get(ref.get("kind", "Deployment"), ref.get("name", ""), ns) if ref.get("name") else None
    if workload is not None:
        objs.append(workload)
        if workload.get("kind") == "Deployment":
            selector = (workload.get("spec") or {}).get("selector")
            objs += [rs for rs in evidence.list("replicasets", ns)
                     if matches_match_labels((rs.get("metadata") or {}).get("labels") or {}, selector)]
    return objs


class QuotaAnalyzer(NamespacedAnalyzer):
    name = "quota"
    family = "quota"
    looks_for = "resource quotas (no FailedCreate for quota)"

    def conclude(self, evidence: Evidence) -> Finding | None:
        if evidence.incident.family == "quota" and not evidence.incident.workload:
            objs = evidence.list("replicasets", evidence.incident.namespace)
        else:
            objs = _creators(evidence)
        for obj in objs:
            for e in reversed(events_of(evidence, obj)):
                if e.get("reason") != "FailedCreate":
                    continue
                message = str(e.get("message", ""))
                if m := _EXCEEDED.search(message):
                    return self._exceeded(obj, message, m)
                if m := _MUST_SPECIFY.search(message):
                    return self._must_specify(obj, message, m)
        return None

    def _exceeded(self, obj: dict[str, Any], message: str, m: re.Match[str]) -> Finding:
        ns, name = ns_of(obj), name_of(obj)
        quota, requested, used, limited = m.group(1), m.group(2), m.group(3), m.group(4)
        numbers = f" (requested {requested}, used {used}, limited {limited})" if limited else ""
        return make_finding(
            "resource_quota_exceeded",
            f"{obj.get('kind', '').lower()} {name} cannot create pods: ResourceQuota {quota} is exceeded",
            f"{obj.get('kind')} {name} fails to create pods because ResourceQuota {quota} in {ns} would be "
            f"exceeded{numbers}, so the workload runs fewer replicas than desired.",
            [item(f"events {obj.get('kind', '').lower()}/{ns}/{name}", message)],
            [f"Raise ResourceQuota {quota} in {ns}, lower the pods' requests/limits, or free quota by scaling "
             "down other workloads in the namespace."],
            [f"kubectl -n {ns} describe resourcequota {quota}", f"kubectl -n {ns} get pods -o wide",
             f"kubectl -n {ns} describe {obj.get('kind', 'rs').lower()} {name}"],
            Strength.SCHEDULER_SAYS,  # the controller's FailedCreate names the quota
            self.name,
            corroborated=bool(limited),
        )

    def _must_specify(self, obj: dict[str, Any], message: str, m: re.Match[str]) -> Finding:
        ns, name = ns_of(obj), name_of(obj)
        quota, what = m.group(1), m.group(2).strip()
        return make_finding(
            "resource_quota_exceeded",
            f"{obj.get('kind', '').lower()} {name} cannot create pods: quota {quota} requires {what}",
            f"ResourceQuota {quota} in {ns} covers {what}, so every pod must declare them; the pods of "
            f"{name} do not, and creation is forbidden.",
            [item(f"events {obj.get('kind', '').lower()}/{ns}/{name}", message)],
            [f"Set {what} on every container of the workload, or add a LimitRange in {ns} with defaults."],
            [f"kubectl -n {ns} describe resourcequota {quota}", f"kubectl -n {ns} get limitrange"],
            Strength.SCHEDULER_SAYS,
            self.name,
        )


ANALYZER: Final = QuotaAnalyzer()
