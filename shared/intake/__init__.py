"""Intake: every accepted form of input normalized into Incidents (or acknowledged Noise)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Noise:
    """Input acknowledged and dropped, with the reason a person can read."""

    reason: str
    kind: str = ""
    name: str = ""
