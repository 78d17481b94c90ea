"""The cost analyzer's tools: Kubernetes objects and events, usage metrics, prices and AWS (all read-only).

No pod logs: where money goes is not in them, and a model that is not offered them reads less cluster text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.cost.allocation import allocation_tool
from shared.cost.aws import AwsReader
from shared.cost.aws_tools import aws_tools
from shared.cost.metrics import NODE_USAGE, POD_USAGE
from shared.cost.prices import load_prices
from shared.tools.core import GET_RESOURCE, LIST_RESOURCES, OBJECT_EVENTS
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
    specs = (GET_RESOURCE, LIST_RESOURCES, OBJECT_EVENTS, POD_USAGE, NODE_USAGE, prices, *aws_tools(AwsReader(environ)),
             allocation_tool(getattr(settings, "opencost_url", None)))
    return {spec.name: spec for spec in specs}
