"""Alertmanager v4 webhooks into Incidents: one per firing alert."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from shared.errors import InvalidInput
from shared.incident import Incident
from shared.intake import Noise
from shared.intake.families import family_for_alert
from shared.intake.fingerprint import fingerprint, subject_of
from shared.intake.workload_names import workload_from_owner, workload_from_pod_name

CE_TYPE: Final = "io.kubetriage.alertmanager.webhook"

# label -> the workload kind it names, as kube-state-metrics / kube-prometheus label alerts.
_WORKLOAD_LABELS: Final = (
    ("deployment", "Deployment"),
    ("statefulset", "StatefulSet"),
    ("daemonset", "DaemonSet"),
    ("cronjob", "CronJob"),
    ("job_name", "Job"),
    ("horizontalpodautoscaler", "HorizontalPodAutoscaler"),
    ("service", "Service"),
    ("persistentvolumeclaim", "PersistentVolumeClaim"),
)


def looks_like_webhook(payload: Any) -> bool:
    return isinstance(payload, Mapping) and "alerts" in payload and (
        "version" in payload or "groupKey" in payload or "receiver" in payload
    )


def incidents_from_webhook(payload: Any, cluster: str) -> list[Incident | Noise]:
    """Every firing alert as an Incident; resolved ones as Noise. All shape problems at once."""
    if not isinstance(payload, Mapping):
        raise InvalidInput("an Alertmanager webhook must be a JSON object")
    problems = []
    if str(payload.get("version", "4")) != "4":
        problems.append(f"version must be \"4\", got {payload.get('version')!r}")
    alerts = payload.get("alerts")
    if not isinstance(alerts, list):
        problems.append("alerts must be a list")
        alerts = []
    for i, alert in enumerate(alerts):
        if not isinstance(alert, Mapping) or not isinstance(alert.get("labels"), Mapping):
            problems.append(f"alerts[{i}].labels must be an object")
        elif not alert["labels"].get("alertname"):
            problems.append(f"alerts[{i}].labels.alertname is required")
    if problems:
        raise InvalidInput(problems)
    return [_one(alert, payload, cluster) for alert in alerts]


def _one(alert: Mapping[str, Any], payload: Mapping[str, Any], cluster: str) -> Incident | Noise:
    labels = {str(k): str(v) for k, v in alert["labels"].items()}
    name = labels["alertname"]
    status = alert.get("status") or payload.get("status")
    if status != "firing":
        return Noise(f"alert {name} is {status}, not firing", "Alert", name)
    annotations = alert.get("annotations") or {}
    cluster = labels.get("cluster") or cluster
    namespace = labels.get("namespace") or labels.get("exported_namespace") or ""
    pod = labels.get("pod") or None
    container = labels.get("container") or None
    workload_kind = workload = None
    for label, kind in _WORKLOAD_LABELS:
        if labels.get(label):
            workload_kind, workload = workload_from_owner(kind, labels[label])
            break
    if workload is None and labels.get("workload"):
        workload_kind, workload = (labels.get("workload_type") or "Deployment").capitalize(), labels["workload"]
        workload_kind = {"Statefulset": "StatefulSet", "Daemonset": "DaemonSet"}.get(workload_kind, workload_kind)
    if workload is None and labels.get("created_by_kind") and labels.get("created_by_name"):
        workload_kind, workload = workload_from_owner(labels["created_by_kind"], labels["created_by_name"])
    if workload is None and pod:
        workload_kind, workload = workload_from_pod_name(pod)
    node = labels.get("node") or None
    if pod:
        object_kind, object_name = "Pod", pod
    elif workload_kind and workload:
        object_kind, object_name = workload_kind, workload
    elif node:
        object_kind, object_name = "Node", node
    elif labels.get("resourcequota"):
        object_kind, object_name = "ResourceQuota", labels["resourcequota"]
    else:
        object_kind, object_name = "Namespace" if namespace else "Cluster", namespace or cluster
    family = family_for_alert(name, labels)
    subject = subject_of(object_kind, object_name, workload_kind, workload)
    message = str(annotations.get("description") or annotations.get("summary") or name)
    dedupe = f"{alert.get('fingerprint', '')}|{alert.get('startsAt', '')}" if alert.get("fingerprint") else None
    return Incident(
        fingerprint=fingerprint(cluster, namespace, subject, container, family),
        source="alertmanager",
        family=family,
        reason=name,
        message=message[:2000],
        cluster=cluster,
        namespace=namespace,
        object_kind=object_kind,
        object_name=object_name,
        pod=pod,
        container=container,
        workload_kind=workload_kind,
        workload=workload,
        node=node,
        first_seen=alert.get("startsAt"),
        last_seen=alert.get("startsAt"),
        severity=labels.get("severity", "warning"),
        labels=labels,
        dedupe_key=dedupe,
    )
