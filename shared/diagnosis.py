"""The Diagnosis (the ARCHITECTURE contract) and the Finding an analyzer produces."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("completed", "partial", "failed")


@dataclass(frozen=True)
class EvidenceItem:
    source: str  # e.g. "pod/shop/api-7c9-x2 status", "logs shop/api-7c9-x2/api (previous)"
    excerpt: str


@dataclass(frozen=True)
class ChainLink:
    """One object on the path from the symptom to the root cause, and what was observed there."""

    object: str  # "Kind/namespace/name", or "Kind/name" for cluster-scoped objects
    observation: str


def _chain(data: Mapping[str, Any]) -> tuple[ChainLink, ...]:
    return tuple(ChainLink(str(c["object"]), str(c["observation"])) for c in data.get("chain") or ())


@dataclass(frozen=True)
class Finding:
    """What one analyzer concluded: a failure class with its evidence and a confidence (0-1)."""

    category: str
    summary: str
    root_cause: str
    evidence: tuple[EvidenceItem, ...] = ()
    recommendations: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    confidence: float = 0.5
    analyzer: str = ""
    strength: str = ""  # a shared.analyzers.strength.Strength name: what kind of evidence this rests on
    rules_out: tuple[str, ...] = ()  # what this finding's evidence excludes (said when it is the answer)
    chain: tuple[ChainLink, ...] = ()  # symptom first, root last; empty when the symptom is the root

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(
            category=data["category"],
            summary=data["summary"],
            root_cause=data["root_cause"],
            evidence=tuple(EvidenceItem(**e) for e in data.get("evidence", ())),
            recommendations=tuple(data.get("recommendations", ())),
            commands=tuple(data.get("commands", ())),
            confidence=float(data.get("confidence", 0.5)),
            analyzer=data.get("analyzer", ""),
            strength=str(data.get("strength") or ""),
            rules_out=tuple(data.get("rules_out", ())),
            chain=_chain(data),
        )


@dataclass(frozen=True)
class Tokens:
    input: int = 0
    output: int = 0
    cache_read: int = 0
    cache_write: int = 0

    def __add__(self, other: Tokens) -> Tokens:
        return Tokens(
            self.input + other.input,
            self.output + other.output,
            self.cache_read + other.cache_read,
            self.cache_write + other.cache_write,
        )


@dataclass(frozen=True)
class Diagnosis:
    investigation_id: str
    incident: Mapping[str, Any]
    specialist: str
    status: str
    summary: str
    root_cause: str
    category: str
    evidence: tuple[EvidenceItem, ...]
    recommendations: tuple[str, ...]
    commands: tuple[str, ...]
    confidence: float
    planner: str
    steps: int
    tool_calls: int
    tokens: Tokens
    occurrences: int
    started_at: str
    finished_at: str
    degraded: bool = False
    notes: tuple[str, ...] = field(default=())
    chain: tuple[ChainLink, ...] = ()  # optional in the contract: absent from the JSON when empty
    produced_by: str = ""  # who wrote the text: the model (`claude:<model>`), `rules`, or `memory`

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["incident"] = dict(self.incident)
        data["evidence"] = [asdict(e) for e in self.evidence]
        data["recommendations"] = list(self.recommendations)
        data["commands"] = list(self.commands)
        data["notes"] = list(self.notes)
        data.pop("chain")
        if self.chain:
            data["chain"] = [asdict(link) for link in self.chain]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Diagnosis:
        tokens = data.get("tokens") or {}
        return cls(
            investigation_id=data["investigation_id"],
            incident=dict(data.get("incident") or {}),
            specialist=data["specialist"],
            status=data["status"],
            summary=data["summary"],
            root_cause=data["root_cause"],
            category=data["category"],
            evidence=tuple(EvidenceItem(**e) for e in data.get("evidence", ())),
            recommendations=tuple(data.get("recommendations", ())),
            commands=tuple(data.get("commands", ())),
            confidence=float(data["confidence"]),
            planner=data["planner"],
            steps=int(data["steps"]),
            tool_calls=int(data["tool_calls"]),
            tokens=Tokens(**{k: int(v) for k, v in tokens.items() if k in Tokens.__dataclass_fields__}),
            occurrences=int(data.get("occurrences", 1)),
            started_at=data["started_at"],
            finished_at=data["finished_at"],
            degraded=bool(data.get("degraded", False)),
            notes=tuple(data.get("notes", ())),
            chain=_chain(data),
            produced_by=str(data.get("produced_by", "")),
        )
