"""Falco alerts as falcosidekick relays them to Alertmanager, in the shape the alert intake reads.

falcosidekick's Alertmanager output sends no `alertname`: the rule is in `rule`, `source` is `falco`,
and Falco's output fields arrive as labels with dots made underscores (`k8s.ns.name` becomes
`k8s_ns_name`). This names the alert after its rule and maps the fields to the labels the rest of
the intake reads (`namespace`, `pod`, `container`), so a Falco alert is a security incident about its pod.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

_FIELDS: Final = (("k8s_ns_name", "namespace"), ("k8s_pod_name", "pod"), ("container_name", "container"))


def is_falco(labels: Mapping[str, Any]) -> bool:
    return str(labels.get("source", "")).lower() == "falco" and isinstance(labels.get("rule"), str) and bool(
        labels["rule"])


def normalize(alert: Any) -> Any:
    """The alert with `alertname` and the object labels set from Falco's fields; anything else unchanged."""
    if not isinstance(alert, Mapping) or not isinstance(alert.get("labels"), Mapping) or not is_falco(alert["labels"]):
        return alert
    labels = dict(alert["labels"])
    labels.setdefault("alertname", f"Falco {labels['rule']}")
    labels.setdefault("category", "security")
    for falco_field, label in _FIELDS:
        if labels.get(falco_field) and not labels.get(label):
            labels[label] = labels[falco_field]
    return {**alert, "labels": labels}
