"""Routing by rules: which specialist investigates an incident, without a model where possible."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from shared.incident import Incident

SPECIALISTS: Final = ("k8s_troubleshooter", "cost_analyzer", "security_auditor")
_BY_FAMILY: Final = {"cost": "cost_analyzer", "security": "security_auditor"}
_QUESTION_RULES: Final = (
    (re.compile(r"\b(costs?|spend(ing)?|expensive|idle|over-?provision\w*|right-?siz\w*|waste|bills?|"
                r"budget|savings?|pay(ing|s)?|paid)\b", re.I),
     "cost_analyzer"),
    (re.compile(r"\b(secur|rbac|privileg|cve|vulnerab|exposed|compromis|root user|audit)", re.I),
     "security_auditor"),
    (re.compile(r"\b(crash|restart|pending|down|fail|error|oom|memory|cpu|image|pull|probe|ready|"
                r"schedul|rollout|deploy|node|evict|mount|volume|pvc|quota|hpa|scal|endpoint|service|"
                r"job|latency|timeout|5\d\d|broken|stuck|not working|slow)", re.I), "k8s_troubleshooter"),
)


@dataclass(frozen=True)
class Route:
    specialist: str
    why: str
    needs_model: bool = False


def route(incident: Incident) -> Route:
    if incident.specialist in SPECIALISTS:
        return Route(incident.specialist, "asked for explicitly")
    if incident.family in _BY_FAMILY:
        return Route(_BY_FAMILY[incident.family], f"{incident.family} incident")
    if incident.source != "manual":
        return Route("k8s_troubleshooter", f"{incident.family} failure of {incident.object_kind}")
    if incident.pod and not incident.question:
        return Route("k8s_troubleshooter", "a pod to diagnose")
    for pattern, specialist in _QUESTION_RULES:
        if incident.question and pattern.search(incident.question):
            return Route(specialist, f"question mentions {pattern.search(incident.question).group(0)!r}")
    if not incident.question:
        return Route("k8s_troubleshooter", "a workload to diagnose")
    return Route("k8s_troubleshooter", "no rule matched the question", needs_model=True)
