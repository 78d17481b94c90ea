"""What every cost analyzer reads the same way: the scope, the prices, the trigger's words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.cost.prices import BUNDLED, Prices
from shared.incident import Incident

# Words that make a trigger about AWS spend rather than the cluster's own requests.
AWS_WORDS: Final = re.compile(r"\b(aws|bill|budget|invoice|ebs|snapshots?|elastic ip|eip|load balancers?|elb|alb|"
                              r"nlb|ec2|cost ?anomal\w*|spend|account)\b", re.I)


# Words that make a trigger about money at all: "what went up" asks about spend only next to one of these.
MONEY_WORDS: Final = re.compile(r"\b(costs?|costing|spend\w*|pay\w*|paid|money|bills?|billed|billing|charg\w*|"
                                r"expens\w*|pric\w*|dollars?|invoices?|budgets?)\b|\$\d", re.I)


def trigger_text(incident: Incident) -> str:
    labels = " ".join(f"{k}={v}" for k, v in incident.labels.items())
    return " ".join(filter(None, (incident.reason, incident.message, incident.question, labels)))


# Alert labels that name one object (kube-prometheus, node-exporter and FinOps rules spell them so).
_OBJECT_LABELS: Final = ("node", "nodename", "kubernetes_node", "persistentvolume", "volume_id", "load_balancer")


def named_objects(incident: Incident) -> tuple[str, ...]:
    """The objects a trigger names by label (a node-idle alert's `node`): its answer must be about them."""
    return tuple(v for k in _OBJECT_LABELS if (v := str(incident.labels.get(k) or "").strip()))


def namespace_scope(incident: Incident) -> str | None:
    """The namespace a trigger is about, or None for the whole cluster (overcommit alerts, AWS questions)."""
    return incident.namespace or None


def is_about_aws(incident: Incident) -> bool:
    """AWS reads serve cluster-wide triggers and ones that speak of the bill, never one namespace's question."""
    return not incident.namespace or bool(AWS_WORDS.search(trigger_text(incident)))


def asks(pattern: re.Pattern[str] | None, incident: Incident) -> bool:
    """The trigger's words ask what `pattern` (an analyzer's `answers`) answers."""
    return pattern is not None and bool(pattern.search(trigger_text(incident)))


def prices(evidence: Evidence) -> Prices:
    read = getattr(evidence, "read", None)
    table: Any = read("price_table") if read is not None else None
    return Prices(table if isinstance(table, dict) else BUNDLED)


def read_tool(evidence: Evidence, tool: str, **args: Any) -> Any:
    """A specialist tool's data through the evidence (recorded like every read), None when it failed."""
    read = getattr(evidence, "read", None)
    return read(tool, args) if read is not None else None


def failure(evidence: Evidence, tool: str, **args: Any) -> str | None:
    why = getattr(evidence, "failed", None)
    return why(tool, args) if why is not None else None


def money(amount: float) -> str:
    return f"${amount:,.2f}"


def allocation(evidence: Evidence, aggregate: str, namespace: str | None) -> dict[str, Any] | None:
    """What OpenCost or Kubecost says the scope cost over its window, or None when no allocation API is there."""
    data = read_tool(evidence, "cost_allocation", aggregate=aggregate, **({"namespace": namespace} if namespace else {}))
    return data if isinstance(data, dict) and data.get("configured") else None


def basis(spent: Mapping[str, Any]) -> str:
    """Where an allocation's numbers come from, as a person reads it: `OpenCost allocation, last 7d`."""
    return f"{spent.get('source')}, {spent.get('window')}"
