"""The cost analyzer's tools: the core Kubernetes reads, usage metrics, prices and AWS (all read-only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.cost.aws import AwsReader
from shared.cost.aws_tools import aws_tools
from shared.cost.metrics import NODE_USAGE, POD_USAGE
from shared.cost.prices import load_prices
from shared.tools.core import CORE_TOOLS
from shared.tools.spec import ToolSpec


def build_tools(settings: Any, environ: Mapping[str, str]) -> dict[str, ToolSpec]:
    """Every tool of the cost analyzer, the AWS ones bound to this environment's AWS configuration."""
    prices_file = getattr(settings, "prices_file", None)
    prices = ToolSpec(
        name="price_table",
        description="The prices savings are estimated with (bundled list prices, or the configured price file).",
        parameters={"type": "object", "properties": {}},
        run=lambda _cluster, _args: dict(load_prices(prices_file).table),
    )
    specs = (*CORE_TOOLS, POD_USAGE, NODE_USAGE, prices, *aws_tools(AwsReader(environ)))
    return {spec.name: spec for spec in specs}
