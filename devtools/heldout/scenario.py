"""A scenario: a built cluster, its trigger (event, alert or ask) and what a correct diagnosis says."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devtools.heldout.cluster import Cluster
from devtools.heldout.encoding import go_json, sorted_deep
from devtools.heldout.render import write_cluster, write_json


@dataclass(frozen=True)
class Scenario:
    name: str
    cluster: Cluster
    trigger_file: str  # event.json | alert.json | ask.json
    trigger: dict[str, Any]
    expected_class: str
    must_mention: tuple[str, ...]
    notes: str

    def write(self, out: Path) -> Path:
        """Render the snapshot and its trigger and expectation into `out/<name>`."""
        target = out / self.name
        write_cluster(self.cluster, target)
        if self.trigger_file == "event.json":
            (target / "event.json").write_text(go_json(self.trigger, sort_keys=True))
        else:
            write_json(target / self.trigger_file, self.trigger)
        write_json(
            target / "expected.json",
            {"class": self.expected_class, "must_mention": list(self.must_mention), "notes": self.notes},
        )
        return target


def event_trigger(event: dict[str, Any]) -> dict[str, Any]:
    """The Event as ApiServerSource delivers it: the object with kind/apiVersion, keys sorted."""
    return sorted_deep({"kind": "Event", "apiVersion": "v1", **event})


_RUNBOOK = "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/"
_PROM = "http://kps-prometheus.monitoring:9090"


def alert_trigger(
    c: Cluster,
    alertname: str,
    labels: dict[str, str],
    *,
    summary: str,
    description: str,
    expr: str,
    started: float,
    severity: str = "warning",
    fingerprint: str = "",
) -> dict[str, Any]:
    """A firing Alertmanager v4 webhook with one alert, labelled as kube-prometheus-stack emits it."""
    all_labels = dict(
        sorted(
            {
                "alertname": alertname,
                "cluster": c.cluster_name,
                "prometheus": "monitoring/kps-prometheus",
                "severity": severity,
                **labels,
            }.items()
        )
    )
    if "namespace" in labels and "job" not in labels and alertname.startswith("Kube"):
        all_labels = dict(
            sorted(
                {
                    **all_labels,
                    "job": "kube-state-metrics",
                    "service": "kps-kube-state-metrics",
                    "endpoint": "http",
                }.items()
            )
        )
    annotations = {
        "description": description,
        "runbook_url": _RUNBOOK + alertname.lower(),
        "summary": summary,
    }
    from urllib.parse import quote

    group = {"alertname": alertname, **({"namespace": labels["namespace"]} if "namespace" in labels else {})}
    group_key = (
        '{}/{severity=~"warning|critical"}:{' + ", ".join(f'{k}="{v}"' for k, v in group.items()) + "}"
    )
    return {
        "receiver": "kubetriage-webhook",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": all_labels,
                "annotations": annotations,
                "startsAt": c.clock.ago_ms(minutes=started),
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": f"{_PROM}/graph?g0.expr={quote(expr, safe='')}&g0.tab=1",
                "fingerprint": fingerprint or c.ids.hex(16),
            }
        ],
        "groupLabels": group,
        "commonLabels": all_labels,
        "commonAnnotations": annotations,
        "externalURL": "http://kps-alertmanager.monitoring:9093",
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
    }


def ask_trigger(namespace: str, *, pod: str = "", workload: str = "", question: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"namespace": namespace}
    for key, value in (("pod", pod), ("workload", workload), ("question", question)):
        if value:
            out[key] = value
    return out
