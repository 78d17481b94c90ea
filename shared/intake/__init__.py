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
    episode: str  # Alertmanager's fingerprint|startsAt, or a policy violation's (shared.intake.policy_events)
    # How long late copies of the firing still join the closed episode; None: the router's default (an hour,
    # for Alertmanager's HA replicas). A policy report has one writer whose versions arrive in order: 0.
    margin_s: float | None = None
