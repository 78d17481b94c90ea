"""Intake: every accepted form of input normalized into Incidents (or acknowledged Noise)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Noise:
    """Input acknowledged and dropped, with the reason a person can read."""

    reason: str
    kind: str = ""
    name: str = ""


@dataclass(frozen=True)
class Resolved:
    """An alert episode that ended: the router closes it, so the same alert firing again is new."""

    reason: str
    fingerprint: str  # the incident's (shared.intake.fingerprint)
    episode: str  # Alertmanager's fingerprint|startsAt
