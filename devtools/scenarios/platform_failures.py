"""Scenarios where the platform is the problem: scheduling, nodes, rollouts, services, jobs, HPAs, quotas, volumes."""

from __future__ import annotations

from devtools.scenarios.base import GPU_NODE, NODES, base_world
from devtools.scenarios.kube import container, crashloop, env, meta, running, terminated, ts, waiting
from devtools.scenarios.triggers import alert, ask, expected, pod_event
from devtools.scenarios.world import World


def _pending(w: World, ns: str, name: str, c: dict, message: str, replicas: int = 1, **kw) -> dict:
    w.deployment(ns, name, [c], replicas=replicas, revision=kw.pop("revision", 2), status=lambda i, p: {
        "phase": "Pending", "containers": [], "unschedulable": message}, **kw)
    return w.dump[ns]["pods"][-1]


def pending_insufficient_cpu():
    w = base_world("cpu")
    msg = ("0/5 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: true}, 4 Insufficient cpu. "
           "preemption: 0/5 nodes are available: 1 Preemption is not helpful for scheduling, 4 No preemption "
           "victims found for incoming pod.")
    pod = _pending(w, "shop", "ml-batch-scorer", container("scorer", "ghcr.io/acme/scorer:1.0.0", cpu="6",
                                                          memory="4Gi", limit_memory="8Gi"), msg)
    return w, pod_event(w, "shop", pod, "FailedScheduling", msg, count=30, first_min=45, last_min=1,
                        component="default-scheduler"), expected(
        "pending_insufficient_resources", ["cpu"], "It requests 6 CPUs; the general nodes have 4.")


def pending_taint_gpu():
    w = base_world("taint")
    msg = ("0/5 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: true}, 4 node(s) didn't match "
           "Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for "
           "scheduling.")
    pod = _pending(w, "shop", "image-embedder", container("embedder", "ghcr.io/acme/embedder:0.4.0"), msg,
                   spec_extra={"nodeSelector": {"nvidia.com/gpu.present": "true"}})
    return w, pod_event(w, "shop", pod, "FailedScheduling", msg, count=12, first_min=20, last_min=1,
                        component="default-scheduler"), expected(
        "pending_taint", ["nvidia.com/gpu"], "It selects the GPU node but does not tolerate its taint.")


def pending_node_selector_typo():
    w = base_world("selector")
    msg = ("0/5 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: true}, 4 node(s) didn't match "
           "Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for "
           "scheduling.")
    pod = _pending(w, "payments", "settlement", container("settlement", "ghcr.io/acme/settlement:3.3.0"), msg,
                   spec_extra={"nodeSelector": {"eks.amazonaws.com/nodegroup": "genral"}})
    return w, alert("KubePodNotReady", {"namespace": "payments", "pod": pod["metadata"]["name"]},
                    "Pod has been in a non-ready state for more than 15 minutes.", "Pending"), expected(
        "pending_node_selector", ["genral"], "nodeSelector has a typo: genral instead of general.")


def pending_unbound_pvc():
    w = base_world("pvc")
    msg = ("0/5 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/5 nodes are "
           "available: 5 Preemption is not helpful for scheduling.")
    c = container("postgres", "postgres:16.4", port=5432, mounts=[{"name": "data", "mountPath": "/var/lib/postgresql/data"}])
    vols = [{"name": "data", "persistentVolumeClaim": {"claimName": "data-analytics-pg-0"}}]
    w.statefulset("analytics", "analytics-pg", [c], status=lambda i, p: {"phase": "Pending", "containers": [],
                                                                         "unschedulable": msg}, volumes=vols)
    w.add_extra({"kind": "PersistentVolumeClaim", "metadata": meta("PersistentVolumeClaim", "data-analytics-pg-0",
                                                                    "analytics"),
                 "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "100Gi"}},
                          "storageClassName": "fast-ssd", "volumeMode": "Filesystem"}, "status": {"phase": "Pending"}})
    w.add_extra({"kind": "StorageClass", "metadata": meta("StorageClass", "gp3"), "provisioner": "ebs.csi.aws.com",
                 "volumeBindingMode": "WaitForFirstConsumer", "reclaimPolicy": "Delete"})
    w.event("analytics", "PersistentVolumeClaim", "data-analytics-pg-0", "ProvisioningFailed",
            'storageclass.storage.k8s.io "fast-ssd" not found', count=80, first_min=50, last_min=1,
            component="persistentvolume-controller")
    pod = w.dump["analytics"]["pods"][-1]
    return w, pod_event(w, "analytics", pod, "FailedScheduling", msg, count=25, first_min=50, last_min=1,
                        component="default-scheduler"), expected(
        "pending_unbound_pvc", ["data-analytics-pg-0", "fast-ssd"], "The StorageClass fast-ssd does not exist.")


def evicted_memory():
    w = base_world("evict")
    node = NODES[2]
    msg = ("The node was low on resource: memory. Threshold quantity: 100Mi, available: 61232Ki. Container "
           "session-cache was using 2971604Ki, request is 256Mi, has larger consumption of memory.")
    w.deployment("shop", "session-cache", [container("session-cache", "redis:7.2.5", port=6379, memory="256Mi",
                                                     limit_memory=None)], replicas=2, revision=3,
                 status=lambda i, p: {"phase": "Failed", "reason": "Evicted", "message": msg,
                                      "containers": [{"state": {"terminated": terminated(137, "ContainerStatusUnknown")},
                                                      "ready": False, "restartCount": 0}]} if i == 0 else {})
    pod = w.dump["shop"]["pods"][-2]
    pod["spec"]["nodeName"] = node
    return w, pod_event(w, "shop", pod, "Evicted", msg, host=node, count=1, first_min=8, last_min=8), expected(
        "evicted_node_pressure", ["memory", node], "session-cache has no memory limit and grew to 2.8Gi.")


def node_not_ready():
    w = base_world("nodedown")
    bad = NODES[3]
    node = next(n for n in w.nodes if n["metadata"]["name"] == bad)
    for cond in node["status"]["conditions"]:
        if cond["type"] == "Ready":
            cond.update(status="Unknown", reason="NodeStatusUnknown", message="Kubelet stopped posting node status.",
                        lastTransitionTime=ts(22), lastHeartbeatTime=ts(23))
    node["spec"]["taints"] = [{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAddded": ts(22)},
                              {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": ts(22)}]
    ev = w.event("", "Node", bad, "NodeNotReady", f"Node {bad} status is now: NodeNotReady", count=1, first_min=22,
                 last_min=22, component="node-controller")
    return w, ("event.json", ev), expected("node_not_ready", [bad], "The instance's kubelet stopped reporting.")


def node_disk_pressure():
    w = base_world("disk")
    bad = NODES[1]
    node = next(n for n in w.nodes if n["metadata"]["name"] == bad)
    for cond in node["status"]["conditions"]:
        if cond["type"] == "DiskPressure":
            cond.update(status="True", reason="KubeletHasDiskPressure", message="kubelet has disk pressure",
                        lastTransitionTime=ts(35))
    w.event("", "Node", bad, "EvictionThresholdMet", "Attempting to reclaim ephemeral-storage", count=14,
            first_min=35, last_min=2, component="kubelet", host=bad)
    return w, alert("KubeNodePressure", {"node": bad, "condition": "DiskPressure"}, "Node has an active condition",
                    f"{bad} has active Condition DiskPressure."), expected(
        "node_pressure", [bad, "disk"], "Container logs filled the root volume.")


def stuck_rollout_env_change():
    w = base_world("rollout")
    new = container("api", "ghcr.io/acme/accounts-api:4.1.0", env=[env("FEATURE_FLAGS_URL", "http://flags:8080"),
                                                                    env("DB_POOL_SIZE", "200")])
    old = container("api", "ghcr.io/acme/accounts-api:4.0.3", env=[env("FEATURE_FLAGS_URL", "http://flags:8080")])
    log = ("2025-06-03T10:29:12Z INFO accounts-api 4.1.0 starting\n2025-06-03T10:29:13Z ERROR "
           "pq: sorry, too many clients already\n2025-06-03T10:29:13Z FATAL could not initialize db pool\n")
    w.deployment("payments", "accounts-api", [new], replicas=3, pods=1, revision=22, old=[old], old_ready=3,
                 progress_deadline_exceeded=True, rollout_min=25, status=lambda i, p: {
                     "containers": [crashloop("api", p, "payments", 1, restarts=8)], "logs": {"api": log},
                     "previous": {"api": log}})
    return w, alert("KubeDeploymentRolloutStuck", {"namespace": "payments", "deployment": "accounts-api"},
                    "Deployment rollout is not progressing.",
                    "Rollout of deployment payments/accounts-api is not progressing for longer than 15 minutes."), \
        expected("stuck_rollout", ["4.1.0", "DB_POOL_SIZE"], "Revision 22 (4.1.0, DB_POOL_SIZE=200) exhausts "
                 "Postgres connections; the old pods keep serving.")


def service_selector_mismatch():
    w = base_world("svc")
    w.deployment("shop", "wishlist", [container("wishlist", "ghcr.io/acme/wishlist:1.0.4")], replicas=2, revision=2)
    w.service("shop", "wishlist-api", {"app.kubernetes.io/name": "wishlist-api"}, ready_ips=0)
    return w, ask("shop", workload="service/wishlist-api", question="wishlist-api returns 503 from the ingress, "
                  "pods look fine"), expected("service_no_endpoints", ["wishlist-api"],
                                              "The Service selects app.kubernetes.io/name=wishlist-api; the pods are "
                                              "labelled wishlist.")


def job_backoff_limit():
    w = base_world("job")
    ns, job = "payments", "invoice-export-29145870"
    log = ("Exporting invoices for 2025-06-02\nTraceback (most recent call last):\n  File \"/app/export.py\", line 88\n"
           "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: "
           "Access Denied\n")
    pods = []
    for i in range(3):
        name = f"{job}-{['xk2p7', 'lq9tz', 'm4w8h'][i]}"
        w.pod(ns, name, [container("export", "ghcr.io/acme/invoice-export:2.1.0", port=None)],
              labels={"job-name": job, "batch.kubernetes.io/job-name": job},
              owner=("Job", job, "batch/v1"), status={"phase": "Failed", "containers": [
                  {"state": {"terminated": terminated(1, "Error", minutes_ago=30 - i * 8)}, "ready": False,
                   "restartCount": 0}], "logs": {"export": log}})
        pods.append(name)
    w.add_extra({"kind": "Job", "metadata": meta("Job", job, ns, owner=("CronJob", "invoice-export", "batch/v1")),
                 "spec": {"backoffLimit": 2, "completions": 1, "parallelism": 1,
                          "template": {"spec": {"containers": [container("export", "ghcr.io/acme/invoice-export:2.1.0")]}}},
                 "status": {"failed": 3, "startTime": ts(40), "conditions": [
                     {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                      "message": "Job has reached the specified backoff limit", "lastTransitionTime": ts(12)}]}})
    ev = w.event(ns, "Job", job, "BackoffLimitExceeded", "Job has reached the specified backoff limit", count=1,
                 first_min=12, last_min=12, component="job-controller", api="batch/v1")
    return w, ("event.json", ev), expected("job_backoff_limit", ["AccessDenied"],
                                           "The export role lost s3:PutObject on the bucket.")


def hpa_missing_requests():
    w = base_world("hpa")
    c = container("search-web", "ghcr.io/acme/search-web:3.0.0")
    c["resources"] = {"limits": {"memory": "512Mi"}}
    c["resources"]["requests"] = {"memory": "256Mi"}
    w.deployment("shop", "search-web", [c], replicas=2, revision=4)
    w.add_extra({"kind": "HorizontalPodAutoscaler", "metadata": meta("HorizontalPodAutoscaler", "search-web", "shop"),
                 "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "search-web"},
                          "minReplicas": 2, "maxReplicas": 10,
                          "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                              "type": "Utilization", "averageUtilization": 70}}}]},
                 "status": {"currentReplicas": 2, "desiredReplicas": 0, "conditions": [
                     {"type": "AbleToScale", "status": "True", "reason": "SucceededGetScale",
                      "lastTransitionTime": ts(600)},
                     {"type": "ScalingActive", "status": "False", "reason": "FailedGetResourceMetric",
                      "message": "the HPA was unable to compute the replica count: failed to get cpu utilization: "
                                 "missing request for cpu in container search-web of Pod search-web",
                      "lastTransitionTime": ts(40)}]}})
    ev = w.event("shop", "HorizontalPodAutoscaler", "search-web", "FailedGetResourceMetric",
                 "failed to get cpu utilization: missing request for cpu in container search-web of Pod "
                 "search-web", count=160, first_min=40, last_min=0.5, component="horizontal-pod-autoscaler",
                 api="autoscaling/v2")
    return w, ("event.json", ev), expected("hpa_metrics_unavailable", ["cpu"],
                                           "The container dropped its cpu request in the last chart upgrade.")


def hpa_maxed_out():
    w = base_world("hpamax")
    w.deployment("shop", "storefront-api", [container("api", "ghcr.io/acme/storefront-api:9.9.1")], replicas=6, revision=40)
    w.add_extra({"kind": "HorizontalPodAutoscaler", "metadata": meta("HorizontalPodAutoscaler", "storefront-api", "shop"),
                 "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "storefront-api"},
                          "minReplicas": 2, "maxReplicas": 6},
                 "status": {"currentReplicas": 6, "desiredReplicas": 6, "conditions": [
                     {"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale", "lastTransitionTime": ts(90)},
                     {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound", "lastTransitionTime": ts(900)},
                     {"type": "ScalingLimited", "status": "True", "reason": "TooManyReplicas",
                      "message": "the desired replica count is more than the maximum replica count",
                      "lastTransitionTime": ts(45)}]}})
    return w, alert("KubeHpaMaxedOut", {"namespace": "shop", "horizontalpodautoscaler": "storefront-api"},
                    "HPA is running at max replicas", "HPA shop/storefront-api has been running at max replicas for "
                    "longer than 15 minutes."), expected("hpa_cannot_scale", ["maxReplicas"],
                                                         "Traffic doubled; the HPA is capped at 6.")


def quota_exceeded():
    w = base_world("quota")
    rs_msg = ('pods "reporting-{h}-" is forbidden: exceeded quota: analytics-compute, requested: limits.memory=2Gi, '
              'used: limits.memory=15Gi, limited: limits.memory=16Gi')
    w.deployment("analytics", "reporting", [container("reporting", "ghcr.io/acme/reporting:1.3.0", memory="1Gi",
                                                      limit_memory="2Gi")], replicas=3, pods=1, revision=5)
    rs = w.dump["analytics"]["replicasets"][-1]["metadata"]["name"]
    w.event("analytics", "ReplicaSet", rs, "FailedCreate", rs_msg.format(h=rs.rsplit("-", 1)[1]), count=31,
            first_min=50, last_min=1, component="replicaset-controller", api="apps/v1")
    return w, alert("KubeDeploymentReplicasMismatch", {"namespace": "analytics", "deployment": "reporting"},
                    "Deployment has not matched the expected number of replicas.",
                    "Deployment analytics/reporting has not matched the expected number of replicas for longer than "
                    "15 minutes."), expected("resource_quota_exceeded", ["analytics-compute"],
                                             "The namespace quota on limits.memory is used up.")


def failed_mount_missing_secret_volume():
    w = base_world("mount")
    c = container("webhook-relay", "ghcr.io/acme/webhook-relay:1.7.0", mounts=[{"name": "tls", "mountPath": "/tls",
                                                                               "readOnly": True}])
    vols = [{"name": "tls", "secret": {"secretName": "relay-tls", "defaultMode": 420}}]
    w.deployment("payments", "webhook-relay", [c], replicas=1, revision=2, volumes=vols, status=lambda i, p: {
        "phase": "Pending", "scheduled": True, "containers": [waiting("ContainerCreating", "")],
        "logs": {"webhook-relay": None}})
    pod = w.dump["payments"]["pods"][-1]
    w.event("payments", "Pod", pod["metadata"]["name"], "FailedMount", 'MountVolume.SetUp failed for volume "tls" : '
            'secret "relay-tls" not found', count=19, first_min=35, last_min=1, host=pod["spec"]["nodeName"])
    return w, pod_event(w, "payments", pod, "FailedMount", "Unable to attach or mount volumes: unmounted "
                        "volumes=[tls], unattached volumes=[tls kube-api-access]: timed out waiting for the condition",
                        count=15, first_min=33, last_min=1), expected(
        "failed_mount", ["relay-tls"], "cert-manager never issued relay-tls (its Certificate is failing).")


def crashloop_missing_env_ask():
    w = base_world("env-ask")
    log = ("ruby 3.3.1 | puma 6.4.2\n/app/config/initializers/sentry.rb:3: warning: SENTRY_DSN not set, errors will "
           "not be reported\nbundler: failed to load command: puma\nKeyError: key not found: \"SESSION_SECRET\"\n"
           "  /app/config/application.rb:31:in `fetch'\n")
    c = container("web", "ghcr.io/acme/account-web:12.0.0")
    w.deployment("shop", "account-web", [c], replicas=2, revision=18, status=lambda i, p: {
        "containers": [crashloop("web", p, "shop")], "logs": {"web": log}, "previous": {"web": log}})
    return w, ask("shop", workload="deployment/account-web", question="account-web keeps restarting after today's "
                  "release"), expected("crashloop_missing_env", ["SESSION_SECRET"],
                                       "Ruby ENV.fetch of SESSION_SECRET; the SENTRY_DSN warning is noise.")


__all__ = ["GPU_NODE", "running"]
