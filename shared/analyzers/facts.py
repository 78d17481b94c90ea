"""Small readers shared by analyzers: names, event messages, excerpts, findings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from shared.analyzers.base import Evidence
from shared.analyzers.strength import Strength, confidence_for, strength_of
from shared.diagnosis import EvidenceItem, Finding
from shared.incident import Incident
from shared.tools.spec import ToolCall

if TYPE_CHECKING:
    from shared.analyzers.target import ContainerState


def name_of(obj: Mapping[str, Any]) -> str:
    return (obj.get("metadata") or {}).get("name", "")


def ns_of(obj: Mapping[str, Any]) -> str:
    return (obj.get("metadata") or {}).get("namespace", "")


def ref(obj: Mapping[str, Any]) -> str:
    """`pod/shop/api-7c9-x2` style reference used in evidence sources."""
    kind = str(obj.get("kind", "")).lower()
    ns = ns_of(obj)
    return f"{kind}/{ns}/{name_of(obj)}" if ns else f"{kind}/{name_of(obj)}"


def events_of(evidence: Evidence, obj: Mapping[str, Any]) -> list[dict[str, Any]]:
    return evidence.events_for(str(obj.get("kind", "Pod")), name_of(obj), ns_of(obj) or None)


def warning_messages(events: Iterable[Mapping[str, Any]], *reasons: str) -> list[tuple[str, str]]:
    """(reason, message) of Warning events, newest last, optionally only some reasons."""
    out = []
    for e in events:
        if e.get("type", "Warning") != "Warning":
            continue
        if reasons and e.get("reason") not in reasons:
            continue
        out.append((str(e.get("reason", "")), str(e.get("message", ""))))
    return out


def short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def item(source: str, excerpt: str) -> EvidenceItem:
    return EvidenceItem(source, short(excerpt))


def make_finding(
    category: str,
    summary: str,
    root_cause: str,
    evidence: Iterable[EvidenceItem],
    recommendations: Iterable[str],
    commands: Iterable[str],
    strength: Strength | float,
    analyzer: str,
    *,
    confidence: float | None = None,
    corroborated: bool = False,
    caveats: int = 0,
    rules_out: Iterable[str] = (),
) -> Finding:
    """A Finding whose confidence follows from the strength of its evidence (a bare float still works)."""
    if isinstance(strength, Strength):
        named = strength
        value = confidence if confidence is not None else confidence_for(
            strength, corroborated=corroborated, caveats=caveats)
    else:
        named = strength_of(float(strength))
        value = float(strength) if confidence is None else confidence
    return Finding(
        category=category,
        summary=summary,
        root_cause=root_cause,
        evidence=tuple(evidence),
        recommendations=tuple(recommendations),
        commands=tuple(commands),
        confidence=round(min(max(value, 0.0), 0.99), 2),
        analyzer=analyzer,
        strength=named.name,
        rules_out=tuple(rules_out),
    )


def owner_hint(evidence: Evidence, pod: Mapping[str, Any]) -> tuple[str, str]:
    """(`deploy/api` style kubectl target, human description) for the pod's workload."""
    from shared.analyzers.target import workload_of

    found = workload_of(evidence, pod)
    if not found:
        return f"pod/{name_of(pod)}", f"pod {name_of(pod)}"
    kind, name, _ = found
    short_kind = {"Deployment": "deploy", "StatefulSet": "sts", "DaemonSet": "ds", "Job": "job",
                  "CronJob": "cronjob", "ReplicaSet": "rs"}.get(kind, kind.lower())
    return f"{short_kind}/{name}", f"{kind} {name}"


class NamespacedAnalyzer:
    """The broad gate most analyzers share: any incident in a namespace; no reads ahead of conclude."""

    def handles(self, incident: Incident) -> bool:
        return bool(incident.namespace)

    def first_tools(self, incident: Incident) -> list[ToolCall]:
        return []


class ContainerAnalyzer(NamespacedAnalyzer):
    """The skeleton most pod-level analyzers share: the incident's pods (most broken first) -> each container
    that `matches` -> `explain` it; the first explanation is the finding.

    A subclass says only what a failing container of its kind looks like and how to explain one.
    """

    max_pods = 3

    def matches(self, evidence: Evidence, pod: dict[str, Any], c: ContainerState) -> bool:
        raise NotImplementedError

    def explain(self, evidence: Evidence, pod: dict[str, Any], c: ContainerState) -> Finding | None:
        raise NotImplementedError

    def conclude(self, evidence: Evidence) -> Finding | None:
        from shared.analyzers.target import container_states, target_pods

        for pod in target_pods(evidence)[: self.max_pods]:
            for c in container_states(pod):
                if self.matches(evidence, pod, c) and (finding := self.explain(evidence, pod, c)) is not None:
                    return finding
        return None
