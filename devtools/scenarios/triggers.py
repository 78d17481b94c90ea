"""Trigger payloads: the Event ApiServerSource delivers, the webhook Alertmanager posts, a person's ask."""

from __future__ import annotations

from typing import Any

from devtools.scenarios.kube import safe, ts
from devtools.scenarios.world import World


def event_trigger(event: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "event.json", event


def pod_event(w: World, ns: str, pod: dict[str, Any] | str, reason: str, message: str, container: str | None = None,
              **kw: Any) -> tuple[str, dict[str, Any]]:
    name = pod if isinstance(pod, str) else pod["metadata"]["name"]
    host = kw.pop("host", None)
    if host is None and isinstance(pod, dict):
        host = pod["spec"].get("nodeName")
    field = f"spec.containers{{{container}}}" if container else None
    component = kw.pop("component", "kubelet" if reason not in ("FailedScheduling",) else "default-scheduler")
    return event_trigger(w.event(ns, "Pod", name, reason, message, host=host, field_path=field,
                                 component=component, **kw))


def alert(name: str, labels: dict[str, str], summary: str, description: str, minutes_ago: float = 15,
          severity: str = "warning") -> tuple[str, dict[str, Any]]:
    all_labels = {"alertname": name, "cluster": "shop-prod-use2", "prometheus": "monitoring/kps-prometheus",
                  "severity": severity, **labels}
    body = {
        "receiver": "kubetriage-webhook", "status": "firing",
        "alerts": [{"status": "firing", "labels": all_labels,
                    "annotations": {"summary": summary, "description": description,
                                    "runbook_url": f"https://runbooks.prometheus-operator.dev/runbooks/kubernetes/{name.lower()}"},
                    "startsAt": ts(minutes_ago).replace("Z", ".482Z"), "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "http://kps-prometheus.monitoring:9090/graph?g0.expr=...",
                    "fingerprint": safe(name + str(sorted(labels.items())), 16)}],
        "groupLabels": {"alertname": name, "namespace": labels.get("namespace", "")},
        "commonLabels": all_labels, "commonAnnotations": {"summary": summary, "description": description},
        "externalURL": "http://kps-alertmanager.monitoring:9093", "version": "4",
        "groupKey": f'{{}}/{{severity=~"warning|critical"}}:{{alertname="{name}"}}', "truncatedAlerts": 0,
    }
    return "alert.json", body


def ask(namespace: str, **fields: str) -> tuple[str, dict[str, Any]]:
    return "ask.json", {"namespace": namespace, **fields}


def expected(cls: str, must: list[str], notes: str) -> dict[str, Any]:
    return {"class": cls, "must_mention": must, "notes": notes}
