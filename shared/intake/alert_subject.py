"""Which object an alert is about, from its labels, ignoring the labels of the scrape target.

Prometheus adds the target's labels to every series it scrapes: `job`, `instance`, `endpoint`,
`service`, `metrics_path`, and (kube-prometheus-stack) the exporter's `pod`, `container` and `namespace`.
kube-state-metrics and kubelet series carry them beside the labels that name the object (`deployment`,
`persistentvolumeclaim`, ...). Those target labels say who measured, never what is wrong, except for
alerts about the target itself (`TargetDown`), so they never pick the subject.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from shared.intake.workload_names import workload_from_owner, workload_from_pod_name

# Containers of exporters and their proxies: a series' `container` with one of these values is the
# scraper's (kube-rbac-proxy in front of kube-state-metrics / node-exporter), not the workload's.
EXPORTER_CONTAINERS: Final = frozenset({
    "kube-rbac-proxy", "kube-rbac-proxy-main", "kube-rbac-proxy-self", "kube-rbac-proxy-http",
    "kube-state-metrics", "node-exporter", "prometheus-node-exporter",
})
# Jobs whose series describe other objects: their own pod/container/namespace labels are the exporter's.
EXPORTER_JOBS: Final = ("kube-state-metrics", "node-exporter")
# Alerts whose subject is the scrape target itself: there `service`/`job` name what is wrong.
TARGET_ALERTS: Final = frozenset({"TargetDown"})

# The labels that name an object, most specific first; the value is the kind it names.
_OBJECT_LABELS: Final = (
    ("persistentvolumeclaim", "PersistentVolumeClaim"),
    ("horizontalpodautoscaler", "HorizontalPodAutoscaler"),
    ("job_name", "Job"),
    ("deployment", "Deployment"),
    ("statefulset", "StatefulSet"),
    ("daemonset", "DaemonSet"),
    ("cronjob", "CronJob"),
    ("poddisruptionbudget", "PodDisruptionBudget"),
    ("persistentvolume", "PersistentVolume"),
    ("resourcequota", "ResourceQuota"),
)
_NOT_WORKLOADS: Final = frozenset({"PersistentVolume", "ResourceQuota", "PodDisruptionBudget"})


@dataclass(frozen=True)
class Subject:
    namespace: str
    object_kind: str
    object_name: str
    pod: str | None
    container: str | None
    workload_kind: str | None
    workload: str | None
    node: str | None


def _is_exporter_job(job: str) -> bool:
    return any(job == name or job.endswith(f"-{name}") for name in EXPORTER_JOBS)


def subject_of_alert(alertname: str, labels: Mapping[str, str], cluster: str) -> Subject:
    """The object an alert names, its workload, namespace, pod, container and node."""
    job = labels.get("job", "")
    exporter = _is_exporter_job(job)
    node_exporter = job.endswith("node-exporter")
    namespace = labels.get("namespace") or labels.get("exported_namespace") or ""
    pod = labels.get("exported_pod") or labels.get("pod") or None
    container = labels.get("exported_container") or labels.get("container") or None
    if pod and exporter and ("kube-state-metrics" in pod or "node-exporter" in pod
                             or (labels.get("service") and pod.startswith(labels["service"]))):
        pod = None  # the exporter's own pod (the chart keeps the target's `pod` label)
    if container in EXPORTER_CONTAINERS or (container and container == job):
        container = None
    node = labels.get("node") or None
    if node_exporter:
        # node-exporter's `instance` is the node (kube-prometheus relabels it); its namespace and pod
        # are the exporter's DaemonSet's.
        node = node or labels.get("instance", "").rsplit(":", 1)[0] or None
        namespace, pod, container = "", None, None
    workload_kind = workload = None
    object_kind = object_name = None
    for label, kind in _OBJECT_LABELS:
        if labels.get(label):
            object_kind, object_name = kind, labels[label]
            if kind not in _NOT_WORKLOADS:
                # The Job itself, not its CronJob: a failed run is what the alert is about.
                workload_kind, workload = (kind, object_name) if kind == "Job" else workload_from_owner(
                    kind, object_name)
            break
    if object_kind is None and labels.get("workload"):
        kind = (labels.get("workload_type") or "Deployment").capitalize()
        workload_kind = {"Statefulset": "StatefulSet", "Daemonset": "DaemonSet"}.get(kind, kind)
        workload = labels["workload"]
    if object_kind is None and workload is None and labels.get("created_by_kind") and labels.get("created_by_name"):
        workload_kind, workload = workload_from_owner(labels["created_by_kind"], labels["created_by_name"])
    if pod and object_kind in (None, "Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job"):
        if workload is None:
            workload_kind, workload = workload_from_pod_name(pod)
        object_kind, object_name = "Pod", pod
    if object_kind is None and workload:
        object_kind, object_name = workload_kind or "Deployment", workload
    if object_kind is None and node:
        object_kind, object_name = "Node", node
    if object_kind is None and alertname in TARGET_ALERTS and labels.get("service"):
        object_kind, object_name = "Service", labels["service"]
        workload_kind, workload = "Service", labels["service"]
    if object_kind != "Pod":
        container = None  # a container only means something inside a pod
    if object_kind is None:
        object_kind, object_name = ("Namespace", namespace) if namespace else ("Cluster", cluster)
    return Subject(namespace, object_kind, object_name or "", pod, container,
                   workload_kind, workload, node)
