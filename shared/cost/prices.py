"""Prices the savings are estimated with: a small bundled table, overridable by a JSON file.

On-demand list prices in USD (us-east-1, Linux), rounded; a saving is always said as an estimate with
the price it assumed, because the bill (discounts, Savings Plans, Spot, region) is not known here.
The override file (KUBETRIAGE_PRICES_FILE) has the same shape as BUNDLED; its entries replace ours.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from shared.errors import InvalidInput

HOURS_PER_MONTH: Final = 730.0
BUNDLED: Final[dict[str, Any]] = {
    "source": "bundled on-demand list prices, us-east-1",
    "instance_hourly": {
        "t3.micro": 0.0104, "t3.small": 0.0208, "t3.medium": 0.0416, "t3.large": 0.0832, "t3.xlarge": 0.1664,
        "t3.2xlarge": 0.3328, "m5.large": 0.096, "m5.xlarge": 0.192, "m5.2xlarge": 0.384, "m5.4xlarge": 0.768,
        "m6i.large": 0.096, "m6i.xlarge": 0.192, "m6i.2xlarge": 0.384, "m6i.4xlarge": 0.768,
        "m7g.large": 0.0816, "m7g.xlarge": 0.1632, "c5.large": 0.085, "c5.xlarge": 0.17, "c5.2xlarge": 0.34,
        "c6i.large": 0.085, "c6i.xlarge": 0.17, "r5.large": 0.126, "r5.xlarge": 0.252, "r5.2xlarge": 0.504,
        "r6i.large": 0.126, "r6i.xlarge": 0.252, "g4dn.xlarge": 0.526,
    },
    "volume_gb_month": {"gp2": 0.10, "gp3": 0.08, "io1": 0.125, "io2": 0.125, "st1": 0.045, "sc1": 0.015,
                        "standard": 0.05},
    "snapshot_gb_month": 0.05,
    "elastic_ip_hourly": 0.005,
    "load_balancer_hourly": {"application": 0.0225, "network": 0.0225, "gateway": 0.0125, "classic": 0.025},
    # Per requested unit, for a workload's share of a node (OpenCost's default cloud prices).
    "cpu_core_hourly": 0.031611,
    "memory_gib_hourly": 0.004237,
}


@dataclass(frozen=True)
class Estimate:
    """A monthly amount and the price it rests on, said together."""

    monthly_usd: float
    assumed: str

    def text(self) -> str:
        return f"~${self.monthly_usd:,.2f}/month (estimate; assumes {self.assumed})"


@dataclass(frozen=True)
class Prices:
    table: Mapping[str, Any]

    @property
    def source(self) -> str:
        return str(self.table.get("source", "a price file"))

    def instance(self, instance_type: str) -> Estimate | None:
        hourly = (self.table.get("instance_hourly") or {}).get(instance_type)
        if hourly is None:
            return None
        return Estimate(hourly * HOURS_PER_MONTH, f"{instance_type} at ${hourly}/hour, {self.source}")

    def volume(self, volume_type: str, size_gb: float) -> Estimate:
        table = self.table.get("volume_gb_month") or {}
        known = volume_type in table
        per_gb = table.get(volume_type, table.get("gp2", 0.10))
        name = volume_type if known else f"{volume_type or 'unknown type'} (priced as gp2)"
        return Estimate(per_gb * size_gb, f"{size_gb:g} GiB of {name} at ${per_gb}/GB-month, {self.source}")

    def snapshot(self, size_gb: float) -> Estimate:
        per_gb = float(self.table.get("snapshot_gb_month", 0.05))
        return Estimate(per_gb * size_gb, f"{size_gb:g} GiB of snapshot at ${per_gb}/GB-month (full size; "
                        f"incremental snapshots bill less), {self.source}")

    def elastic_ip(self) -> Estimate:
        hourly = float(self.table.get("elastic_ip_hourly", 0.005))
        return Estimate(hourly * HOURS_PER_MONTH, f"an idle Elastic IP at ${hourly}/hour, {self.source}")

    def load_balancer(self, kind: str) -> Estimate:
        hourly = (self.table.get("load_balancer_hourly") or {}).get(kind, 0.0225)
        return Estimate(hourly * HOURS_PER_MONTH, f"a {kind} load balancer at ${hourly}/hour before LCUs, "
                        f"{self.source}")

    def requests(self, cpu_cores: float, memory_gib: float) -> Estimate:
        cpu, mem = float(self.table["cpu_core_hourly"]), float(self.table["memory_gib_hourly"])
        monthly = (cpu_cores * cpu + memory_gib * mem) * HOURS_PER_MONTH
        return Estimate(monthly, f"${cpu}/core-hour and ${mem}/GiB-hour of requested capacity, {self.source}")


def load_prices(path: str | None) -> Prices:
    """The bundled table, with the file's entries over it when a file is given."""
    if not path:
        return Prices(BUNDLED)
    try:
        override = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"price file {path}: not a readable JSON file ({exc})") from None
    if not isinstance(override, dict):
        raise InvalidInput(f"price file {path}: expected a JSON object like the bundled table")
    merged: dict[str, Any] = dict(BUNDLED)
    for key, value in override.items():
        merged[key] = {**BUNDLED[key], **value} if isinstance(BUNDLED.get(key), dict) and isinstance(value, dict) \
            else value
    merged.setdefault("source", f"prices from {path}")
    if "source" not in override:
        merged["source"] = f"prices from {path} over the bundled table"
    return Prices(merged)
