"""The cost analyzer's knowledge: one analyzer per kind of waste or spend, one literal registry."""

from __future__ import annotations

from typing import Final

from shared.analyzers.base import Analyzer
from shared.cost.analyzers import idle_resources, node_underutilized, overprovisioned, released_volumes, spend_increase

ANALYZERS: Final[dict[str, Analyzer]] = {
    "cost_spend_increase": spend_increase.ANALYZER,
    "cost_idle_resources": idle_resources.ANALYZER,
    "cost_overprovisioned": overprovisioned.ANALYZER,
    "cost_released_volumes": released_volumes.ANALYZER,
    "cost_node_underutilized": node_underutilized.ANALYZER,
}
