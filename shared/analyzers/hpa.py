"""HorizontalPodAutoscalers that cannot read metrics or cannot scale."""

from __future__ import annotations

import re
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import NamespacedAnalyzer, events_of, item, make_finding, name_of, ns_of
from shared.analyzers.kube_facts import condition
from shared.analyzers.strength import Strength
from shared.diagnosis import Finding

_MISSING_REQUEST = re.compile(r"missing request for (\w+)(?: in container ([\w-]+))?", re.I)
_METRIC_EVENTS: Final = ("FailedGetResourceMetric", "FailedGetExternalMetric", "FailedGetPodsMetric",
                         "FailedGetObjectMetric", "FailedComputeMetricsReplicas")


def _hpas(evidence: Evidence) -> list[dict[str, Any]]:
    incident = evidence.incident
    ns = incident.namespace
    if incident.object_kind == "HorizontalPodAutoscaler":
        hpa = evidence.get("horizontalpodautoscalers", incident.object_name, ns)
        return [hpa] if hpa else []
    name = incident.labels.get("horizontalpodautoscaler")
    if name and (hpa := evidence.get("horizontalpodautoscalers", name, ns)):
        return [hpa]
    if incident.workload:
        return [h for h in evidence.list("horizontalpodautoscalers", ns)
                if ((h.get("spec") or {}).get("scaleTargetRef") or {}).get("name") == incident.workload]
    return []


class HpaAnalyzer(NamespacedAnalyzer):
    name = "hpa"
    family = "hpa"
    looks_for = "the HPA (scaling active, not limited)"

    def conclude(self, evidence: Evidence) -> Finding | None:
        for hpa in _hpas(evidence):
            found = self._one(evidence, hpa)
            if found:
                return found
        return None

    def _one(self, evidence: Evidence, hpa: dict[str, Any]) -> Finding | None:
        ns, name = ns_of(hpa), name_of(hpa)
        spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
        target = spec.get("scaleTargetRef") or {}
        target_ref = f"{target.get('kind', 'Deployment')}/{target.get('name')}"
        events = events_of(evidence, {**hpa, "kind": "HorizontalPodAutoscaler"})
        active, able, limited = condition(hpa, "ScalingActive"), condition(hpa, "AbleToScale"), condition(
            hpa, "ScalingLimited")
        metric_msgs = [str(e.get("message", "")) for e in events if e.get("reason") in _METRIC_EVENTS]
        cmds = [f"kubectl -n {ns} describe hpa {name}", "kubectl top pods -n " + ns,
                "kubectl -n kube-system get deploy metrics-server", "kubectl get apiservice v1beta1.metrics.k8s.io"]
        if able is not None and able.get("status") == "False":
            msg = able.get("message") or able.get("reason", "")
            missing = evidence.get(target.get("kind", "Deployment"), target.get("name", ""), ns) is None
            cause = (f"its scaleTargetRef {target_ref} does not exist" if missing else f"{msg}")
            return make_finding(
                "hpa_cannot_scale",
                f"hpa {name} cannot scale {target_ref}: {able.get('reason')}",
                f"HorizontalPodAutoscaler {name} cannot scale {target_ref}: {cause}.",
                [item(f"hpa/{ns}/{name} conditions", f"AbleToScale=False {able.get('reason')}: {msg}")],
                [f"Point scaleTargetRef of {name} at an existing workload (kind, name, apiVersion)"
                 if missing else f"Fix what blocks scaling of {target_ref}: {msg}"],
                cmds[:1] + [f"kubectl -n {ns} get {target.get('kind', 'deployment').lower()} {target.get('name')}"],
                Strength.OBJECT_MISSING if missing else Strength.STATE_SAYS,
                self.name,
            )
        if (active is not None and active.get("status") == "False") or metric_msgs:
            msg = (active or {}).get("message") or (metric_msgs[-1] if metric_msgs else "")
            all_text = "\n".join([msg, *metric_msgs])
            m = _MISSING_REQUEST.search(all_text)
            if m:
                why = (f"container {m.group(2)} of {target_ref} has no {m.group(1)} request, so utilization "
                       f"cannot be computed" if m.group(2) else f"a container of {target_ref} has no {m.group(1)} "
                       "request")
                fix = f"Set resources.requests.{m.group(1)} on every container of {target_ref}" + (
                    f" (container {m.group(2)})." if m.group(2) else ".")
            elif evidence.get("deployments", "metrics-server", "kube-system") is None and re.search(
                    r"metrics API|metrics\.k8s\.io|no metrics returned|unable to fetch metrics", all_text, re.I):
                why = "the resource metrics API has no provider: metrics-server is not installed in kube-system"
                fix = "Install metrics-server (or another resource metrics provider) in kube-system."
            else:
                why = f"the metrics it scales on are unavailable: {msg[:200]}"
                fix = ("Check metrics-server (or the external/custom metrics adapter) is running and serving "
                       "the metric the HPA asks for.")
            return make_finding(
                "hpa_metrics_unavailable",
                f"hpa {name} cannot read its metrics: {why}",
                f"HorizontalPodAutoscaler {name} for {target_ref} cannot compute a desired replica count: {why}.",
                [item(f"hpa/{ns}/{name} conditions", f"ScalingActive={(active or {}).get('status')}: {msg}"),
                 *[item(f"events hpa/{ns}/{name}", t) for t in metric_msgs[-1:]]],
                [fix],
                cmds,
                Strength.SCHEDULER_SAYS if m else Strength.STATE_SAYS,
                self.name,
            )
        current, desired = status.get("currentReplicas"), status.get("desiredReplicas")
        max_r = spec.get("maxReplicas")
        if limited is not None and limited.get("status") == "True" and current == max_r:
            return make_finding(
                "hpa_cannot_scale",
                f"hpa {name} is maxed out at maxReplicas {max_r}",
                f"HorizontalPodAutoscaler {name} wants more than maxReplicas {max_r} replicas of {target_ref} "
                f"(current {current}, desired {desired}, min {spec.get('minReplicas', 1)}): the load is above what "
                f"the HPA may scale to ({limited.get('message', '')}).",
                [item(f"hpa/{ns}/{name} conditions", f"ScalingLimited=True {limited.get('reason')}: "
                      f"{limited.get('message', '')}")],
                [f"Raise maxReplicas of {name} above {max_r} if the cluster has room, or reduce per-pod load "
                 f"(profile, cache, scale the dependency)."],
                [f"kubectl -n {ns} patch hpa {name} -p '{{\"spec\":{{\"maxReplicas\":{(max_r or 0) * 2}}}}}'",
                 *cmds[:2]],
                Strength.STATE_SAYS,
                self.name,
            )
        return None


ANALYZER: Final = HpaAnalyzer()
