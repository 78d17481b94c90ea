"""A Service with no endpoints: its selector matches no pod, or no matching pod is ready."""

from __future__ import annotations

from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import NamespacedAnalyzer, item, make_finding, name_of, ns_of
from shared.analyzers.strength import Strength
from shared.analyzers.target import container_states, is_unhealthy
from shared.cluster.selectors import matches_match_labels
from shared.diagnosis import Finding
from shared.incident import Incident


def _services(evidence: Evidence) -> list[dict[str, Any]]:
    incident = evidence.incident
    ns = incident.namespace
    names = [incident.object_name] if incident.object_kind == "Service" else []
    names += [incident.labels.get("service", "")] if incident.labels.get("service") else []
    if incident.workload and not names:
        names.append(incident.workload)
    found = [s for n in dict.fromkeys(names) if n and (s := evidence.get("services", n, ns))]
    if not found and incident.source == "manual" and not incident.pod:
        found = [s for s in evidence.list("services", ns) if (s.get("spec") or {}).get("selector")]
    return found


def _is_own_service(incident: Incident) -> bool:
    """The Service was found by the name of the failing workload or pod itself, not named as the subject."""
    return incident.object_kind != "Service" and not incident.labels.get("service")


def _ready_addresses(evidence: Evidence, svc: dict[str, Any]) -> int | None:
    ep = evidence.get("endpoints", name_of(svc), ns_of(svc))
    if ep is None:
        return None
    return sum(len(s.get("addresses") or []) for s in ep.get("subsets") or [])


class ServiceAnalyzer(NamespacedAnalyzer):
    name = "service"
    family = "service"
    looks_for = "Services (endpoints present)"

    def conclude(self, evidence: Evidence) -> Finding | None:
        for svc in _services(evidence):
            selector = (svc.get("spec") or {}).get("selector") or {}
            if not selector:
                continue  # endpoints managed by hand: not ours to judge
            ns, name = ns_of(svc), name_of(svc)
            pods = evidence.list("pods", ns)
            matching = [p for p in pods if matches_match_labels((p.get("metadata") or {}).get("labels") or {},
                                                                {"matchLabels": selector})]
            ready = [p for p in matching if not is_unhealthy(p)]
            addresses = _ready_addresses(evidence, svc)
            if ready and addresses != 0:
                continue
            sel = ",".join(f"{k}={v}" for k, v in selector.items())
            ev = [item(f"service/{ns}/{name} spec", f"selector {sel}; endpoints ready: {addresses}")]
            if not matching:
                near = self._near(pods, selector)
                hint = (f" Pods that look intended carry {near}." if near else "")
                cause = f"Service {name} selects {sel}, but no pod in {ns} has those labels, so it has no endpoints.{hint}"
                recs = [f"Fix the selector of Service {name} (or the pod template labels) so they match{hint}"]
                if near:
                    ev.append(item(f"pods {ns}", f"nearest labels: {near}"))
                strength = Strength.OBJECT_MISSING  # no pod carries the selected labels
            else:
                why = sorted({c.waiting_reason or ("not ready" if not c.ready else "ok")
                              for p in matching for c in container_states(p) if not c.init})
                cause = (f"Service {name} selects {len(matching)} pod(s) ({sel}) but none is ready "
                         f"({', '.join(why)}), so it has no endpoints to send traffic to.")
                recs = [f"Fix why the pods behind {name} are not ready ({', '.join(why)})."]
                strength = Strength.SYMPTOM  # the pods behind it fail: their failure is the cause
                if _is_own_service(evidence.incident):
                    # The trigger is about these very pods: the empty Service is their consequence, not a cause.
                    cause += " The pods the incident is about are those pods: their own failure is the cause."
                    strength = Strength.CONTEXT
            return make_finding(
                "service_no_endpoints",
                f"service {name} has no ready endpoints (selector {sel})",
                cause,
                ev,
                recs,
                [f"kubectl -n {ns} get endpoints {name}", f"kubectl -n {ns} get pods -l {sel} --show-labels",
                 f"kubectl -n {ns} get pods --show-labels"],
                strength,
                self.name,
            )
        return None

    @staticmethod
    def _near(pods: list[dict[str, Any]], selector: dict[str, str]) -> str:
        """Labels of the pod that shares the most selector keys or values: what was probably meant."""
        best, score = None, 0
        for p in pods:
            labels = (p.get("metadata") or {}).get("labels") or {}
            s = sum(1 for k, v in selector.items() if k in labels) + sum(
                1 for v in selector.values() if any(v in str(lv) or str(lv) in v for lv in labels.values()))
            if s > score:
                best, score = labels, s
        if not best:
            return ""
        return ",".join(f"{k}={v}" for k, v in best.items() if k in selector or k in ("app", "app.kubernetes.io/name"))


ANALYZER: Final = ServiceAnalyzer()
