"""Alert label sets as kube-prometheus (and the kube-prometheus-stack chart) really produce them.

kube-state-metrics is scraped through kube-rbac-proxy with `honorLabels: true` and the target labels
`pod|service|endpoint|namespace` dropped, so a workload alert keeps `container="kube-rbac-proxy-main"`,
`instance` and `job="kube-state-metrics"`; the chart scrapes it directly and keeps the exporter's own
`pod`, `service`, `endpoint` and `container="kube-state-metrics"`. Kubelet volume stats carry the kubelet
target's `service="kubelet"`, `endpoint`, `metrics_path` and `node`; node-exporter's `instance` is the node.
"""

from __future__ import annotations

KSM = {"container": "kube-rbac-proxy-main", "instance": "10.244.1.7:8443", "job": "kube-state-metrics",
       "prometheus": "monitoring/k8s"}
KSM_CHART = {"container": "kube-state-metrics", "endpoint": "http", "instance": "10.244.0.12:8080",
             "job": "kube-state-metrics", "pod": "kps-kube-state-metrics-6d8d7b7d8-8xq2l",
             "service": "kps-kube-state-metrics", "prometheus": "monitoring/kps-prometheus"}
KUBELET = {"endpoint": "https-metrics", "instance": "10.0.1.5:10250", "job": "kubelet", "metrics_path": "/metrics",
           "node": "node-2", "service": "kubelet", "prometheus": "monitoring/k8s"}
NODE_EXPORTER = {"container": "kube-rbac-proxy", "endpoint": "https", "instance": "node-1", "job": "node-exporter",
                 "namespace": "monitoring", "pod": "node-exporter-x7k2p", "service": "node-exporter",
                 "prometheus": "monitoring/k8s"}

LABEL_SETS: dict[str, dict[str, str]] = {
    "KubePodCrashLooping": {**KSM, "alertname": "KubePodCrashLooping", "container": "checkout", "namespace": "shop",
                            "pod": "checkout-7d9f8b6c5d-x2x9k", "reason": "CrashLoopBackOff",
                            "uid": "0f3c2b1a-1111-2222-3333-444455556666", "severity": "warning"},
    "KubeDeploymentReplicasMismatch": {**KSM, "alertname": "KubeDeploymentReplicasMismatch", "deployment": "web",
                                       "namespace": "shop", "severity": "warning"},
    "KubeDeploymentReplicasMismatch (chart)": {**KSM_CHART, "alertname": "KubeDeploymentReplicasMismatch",
                                               "deployment": "web", "namespace": "shop", "severity": "warning"},
    "KubeStatefulSetReplicasMismatch": {**KSM, "alertname": "KubeStatefulSetReplicasMismatch",
                                        "statefulset": "postgres", "namespace": "db", "severity": "warning"},
    "KubeJobFailed": {**KSM, "alertname": "KubeJobFailed", "condition": "true", "job_name": "nightly-report-28391040",
                      "namespace": "batch", "severity": "warning"},
    "KubePersistentVolumeFillingUp": {**KUBELET, "alertname": "KubePersistentVolumeFillingUp", "namespace": "db",
                                      "persistentvolumeclaim": "data-postgres-0", "severity": "critical"},
    "KubeHpaMaxedOut": {**KSM, "alertname": "KubeHpaMaxedOut", "horizontalpodautoscaler": "api",
                        "namespace": "shop", "severity": "warning"},
    "KubeHpaReplicasMismatch (chart)": {**KSM_CHART, "alertname": "KubeHpaReplicasMismatch",
                                        "horizontalpodautoscaler": "api", "namespace": "shop", "severity": "warning"},
    "KubeNodeNotReady": {**KSM, "alertname": "KubeNodeNotReady", "condition": "Ready", "node": "node-3",
                         "status": "true", "severity": "warning"},
    "KubeContainerWaiting": {**KSM, "alertname": "KubeContainerWaiting", "container": "api", "namespace": "shop",
                             "pod": "api-5c9d7f6b8-q8w7x", "reason": "CreateContainerConfigError",
                             "severity": "warning"},
    "KubeQuotaExceeded": {**KSM, "alertname": "KubeQuotaExceeded", "namespace": "team-a", "resource": "pods",
                          "resourcequota": "compute", "severity": "warning"},
    "NodeFilesystemSpaceFillingUp": {**NODE_EXPORTER, "alertname": "NodeFilesystemSpaceFillingUp",
                                     "device": "/dev/sda1", "fstype": "ext4", "mountpoint": "/",
                                     "severity": "warning"},
    "TargetDown": {"alertname": "TargetDown", "job": "payments-metrics", "namespace": "shop", "service": "payments",
                   "severity": "warning", "prometheus": "monitoring/k8s"},
    "Watchdog": {"alertname": "Watchdog", "severity": "none", "prometheus": "monitoring/k8s"},
    "InfoInhibitor": {"alertname": "InfoInhibitor", "namespace": "shop", "severity": "none",
                      "prometheus": "monitoring/k8s"},
    "severity none": {**KSM, "alertname": "KubeDeploymentReplicasMismatch", "deployment": "web", "namespace": "shop",
                      "severity": "none"},
}


def webhook(*alerts: dict, status: str = "firing", receiver: str = "kubetriage") -> dict:
    """An Alertmanager v4 webhook payload around alerts (each a dict with labels, startsAt, fingerprint)."""
    return {"receiver": receiver, "status": status, "alerts": list(alerts), "groupLabels": {},
            "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://alertmanager:9093", "version": "4",
            "groupKey": "{}:{}", "truncatedAlerts": 0}


def alert(labels: dict, *, fingerprint: str = "a1b2c3d4e5f60718", starts_at: str = "2026-12-07T20:00:00Z",
          status: str = "firing") -> dict:
    ends = "0001-01-01T00:00:00Z" if status == "firing" else "2026-12-07T21:00:00Z"
    return {"status": status, "labels": dict(labels), "annotations": {"summary": labels["alertname"]},
            "startsAt": starts_at, "endsAt": ends, "generatorURL": "http://prometheus:9090/graph",
            "fingerprint": fingerprint}
