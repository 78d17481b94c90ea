"""Alertmanager v4 webhooks into Incidents: one per firing alert."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from shared.errors import InvalidInput
from shared.incident import Incident
from shared.intake import Noise, Resolved, falco
from shared.intake.alert_subject import subject_of_alert
from shared.intake.families import family_for_alert
from shared.intake.fingerprint import fingerprint, subject_of

CE_TYPE: Final = "io.kubetriage.alertmanager.webhook"

# Alerts that never mean a failure: Alertmanager's heartbeat and kube-prometheus' inhibition helper.
NOISE_ALERTS: Final = frozenset({"Watchdog", "InfoInhibitor", "DeadMansSwitch"})


def looks_like_webhook(payload: Any) -> bool:
    return isinstance(payload, Mapping) and "alerts" in payload and (
        "version" in payload or "groupKey" in payload or "receiver" in payload
    )


def incidents_from_webhook(payload: Any, cluster: str) -> list[Incident | Noise | Resolved]:
    """Every firing alert as an Incident; resolved ones as Noise. All shape problems at once."""
    if not isinstance(payload, Mapping):
        raise InvalidInput("an Alertmanager webhook must be a JSON object")
    problems = []
    if payload.get("status") is not None and not isinstance(payload["status"], str):
        problems.append("status must be a string")
    if str(payload.get("version", "4")) != "4":
        problems.append(f"version must be \"4\", got {payload.get('version')!r}")
    alerts = payload.get("alerts")
    if isinstance(alerts, list):
        alerts = [falco.normalize(a) for a in alerts]  # falcosidekick sends no alertname
    if not isinstance(alerts, list):
        problems.append("alerts must be a list")
        alerts = []
    for i, alert in enumerate(alerts):
        if not isinstance(alert, Mapping) or not isinstance(alert.get("labels"), Mapping):
            problems.append(f"alerts[{i}].labels must be an object")
        else:
            if not alert["labels"].get("alertname") or not isinstance(alert["labels"]["alertname"], str):
                problems.append(f"alerts[{i}].labels.alertname is required (a string)")
            problems += [f"alerts[{i}].labels.{k} must be a string" for k, v in alert["labels"].items()
                         if not isinstance(v, str)]
            if alert.get("annotations") is not None and not isinstance(alert["annotations"], Mapping):
                problems.append(f"alerts[{i}].annotations must be an object")
            problems += [f"alerts[{i}].{name} must be a string" for name in ("status", "startsAt", "endsAt",
                                                                              "fingerprint", "generatorURL")
                         if alert.get(name) is not None and not isinstance(alert[name], str)]
    if problems:
        raise InvalidInput(problems)
    return [_one(alert, payload, cluster) for alert in alerts]


def _one(alert: Mapping[str, Any], payload: Mapping[str, Any], cluster: str) -> Incident | Noise | Resolved:
    labels = {str(k): str(v) for k, v in alert["labels"].items()}
    name = labels["alertname"]
    status = alert.get("status") or payload.get("status")
    if name in NOISE_ALERTS:
        return Noise(f"alert {name} is a heartbeat/inhibition helper, not a failure", "Alert", name)
    if labels.get("severity") == "none":
        return Noise(f"alert {name} has severity none", "Alert", name)
    annotations = alert.get("annotations") or {}
    cluster = labels.get("cluster") or cluster
    where = subject_of_alert(name, labels, cluster)
    family = family_for_alert(name, labels)
    subject = subject_of(where.object_kind, where.object_name, where.workload_kind, where.workload)
    if family == "cost" and where.object_kind in ("Cluster", "Namespace"):
        # A cost alert names no object: a CPU overcommit and a budget alert are two questions, not one.
        subject = f"{subject}/{name}"
    print_ = fingerprint(cluster, where.namespace, subject, where.container, family)
    dedupe = f"{alert.get('fingerprint', '')}|{alert.get('startsAt', '')}" if alert.get("fingerprint") else None
    if status != "firing":
        if status == "resolved" and dedupe:
            return Resolved(f"alert {name} resolved", print_, dedupe)
        return Noise(f"alert {name} is {status}, not firing", "Alert", name)
    message = str(annotations.get("description") or annotations.get("summary") or name)
    return Incident(
        fingerprint=print_,
        source="alertmanager",
        family=family,
        reason=name,
        message=message[:2000],
        cluster=cluster,
        namespace=where.namespace,
        object_kind=where.object_kind,
        object_name=where.object_name,
        pod=where.pod,
        container=where.container,
        workload_kind=where.workload_kind,
        workload=where.workload,
        node=where.node,
        first_seen=alert.get("startsAt"),
        last_seen=alert.get("startsAt"),
        severity=labels.get("severity", "warning"),
        labels=labels,
        dedupe_key=dedupe,
    )
