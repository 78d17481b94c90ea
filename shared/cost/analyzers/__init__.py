"""The cost analyzer's knowledge: one analyzer per kind of waste or spend, one literal registry."""

from __future__ import annotations

from typing import Final

from shared.analyzers.base import Analyzer
from shared.cost.analyzers import overprovisioned

ANALYZERS: Final[dict[str, Analyzer]] = {
    "cost_overprovisioned": overprovisioned.ANALYZER,
}
