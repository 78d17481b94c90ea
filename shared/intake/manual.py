"""Manual requests (`io.kubetriage.diagnosis.requested`, a person with curl) into Incidents."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any, Final

from shared.errors import InvalidInput
from shared.incident import Incident
from shared.intake.fingerprint import fingerprint
from shared.intake.workload_names import workload_from_pod_name

CE_TYPE: Final = "io.kubetriage.diagnosis.requested"
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_KINDS: Final = {
    "deployment": "Deployment", "deploy": "Deployment", "statefulset": "StatefulSet", "sts": "StatefulSet",
    "daemonset": "DaemonSet", "ds": "DaemonSet", "job": "Job", "cronjob": "CronJob", "service": "Service",
    "svc": "Service", "node": "Node", "hpa": "HorizontalPodAutoscaler", "pvc": "PersistentVolumeClaim",
    "horizontalpodautoscaler": "HorizontalPodAutoscaler", "persistentvolumeclaim": "PersistentVolumeClaim",
}


def incident_from_request(data: Any, cluster: str) -> Incident:
    if not isinstance(data, Mapping):
        raise InvalidInput("data must be an object {namespace, pod?, workload?, question?, specialist?}")
    problems = []
    namespace = data.get("namespace")
    if not isinstance(namespace, str) or not _NAME.match(namespace):
        problems.append("namespace is required: a Kubernetes namespace name")
    pod = data.get("pod")
    if pod is not None and (not isinstance(pod, str) or not _NAME.match(pod)):
        problems.append("pod must be a pod name")
    workload_kind, workload = None, None
    raw_workload = data.get("workload")
    if raw_workload is not None:
        if not isinstance(raw_workload, str) or not raw_workload.strip():
            problems.append("workload must be 'kind/name' or a name")
        else:
            kind, _, name = raw_workload.strip().rpartition("/")
            workload_kind = _KINDS.get(kind.lower(), "Deployment" if not kind else None)
            workload = name
            if workload_kind is None:
                problems.append(f"workload kind {kind!r} is not one of {sorted(set(_KINDS.values()))}")
            if not _NAME.match(name):
                problems.append("workload name must be a Kubernetes name")
    question = data.get("question")
    if question is not None and not isinstance(question, str):
        problems.append("question must be a string")
    specialist = data.get("specialist")
    if specialist is not None and not isinstance(specialist, str):
        problems.append("specialist must be a string")
    if problems:
        raise InvalidInput(problems)
    if workload is None and pod:
        workload_kind, workload = workload_from_pod_name(pod)
    if pod:
        object_kind, object_name = "Pod", pod
    elif workload:
        object_kind, object_name = workload_kind or "Deployment", workload
    else:
        object_kind, object_name = "Namespace", namespace
    asked = hashlib.sha256((question or "").encode()).hexdigest()[:12]
    subject = f"{object_kind}/{object_name}?{asked}"
    return Incident(
        fingerprint=fingerprint(cluster, namespace, subject, None, "manual"),
        source="manual",
        family="generic",
        reason="ManualRequest",
        message=(question or f"diagnose {object_kind.lower()}/{object_name}")[:2000],
        cluster=cluster,
        namespace=namespace,
        object_kind=object_kind,
        object_name=object_name,
        pod=pod,
        workload_kind=workload_kind if workload else None,
        workload=workload,
        question=question,
        specialist=specialist,
    )
