"""Alerts labelled as kube-prometheus and kube-prometheus-stack really label them (scrape labels included)."""

# ruff: noqa: E501 -- log lines and messages are verbatim fixture data.

from devtools.adversarial.kit import (
    L,
    Scenario,
    add_taint,
    backdate,
    base_cluster,
    controller_event,
    crash_app,
    healthy_app,
    ksm_pod,
    name_of,
    prom_alert,
    set_node_condition,
)
from devtools.heldout.base import CORDONED_IP, node_name
from devtools.heldout.events import config_error_trail
from devtools.heldout.shapes import container, env_secret, env_value, mount, port, pvc_volume, resources
from devtools.heldout.states import terminated, waiting

_JOB_FAILED_EXPR = 'kube_job_failed{job="kube-state-metrics"} > 0'


def _job_failed_alert(c, ns, job, *, stack):
    return prom_alert(
        c, "KubeJobFailed", {"namespace": ns, "job_name": job, "condition": "true"},
        summary="Job failed to complete.",
        description=f"Job {ns}/{job} failed to complete. Removing failed job after investigation should clear this alert.",
        expr=_JOB_FAILED_EXPR, started=12, stack=stack, scrape_pod=ksm_pod(c) if stack == "kps" else "")


def job_failed_kube_prometheus() -> Scenario:
    """kube-prometheus: ksm behind kube-rbac-proxy, so container="kube-rbac-proxy-main" is the scraper's."""
    c = base_cluster("alert-kubejobfailed-kube-prometheus")
    c.namespace("registry", labels={"team": "platform"})
    healthy_app(c, "registry", "docker-registry", "docker.io/library/registry:2.8.3", replicas=2, port_no=5000, up_since=20 * 1440, probe_path="/")
    gc = container("garbage-collector", "docker.io/library/registry:2.8.3",
                   command=["/bin/registry", "garbage-collect", "--delete-untagged=true", "/etc/docker/registry/config.yml"],
                   env=[env_value("REGISTRY_STORAGE", "s3"), env_value("REGISTRY_STORAGE_S3_BUCKET", "acme-registry-blobs")],
                   resources=resources("100m", "128Mi", memory_limit="512Mi"))
    (job,) = c.cronjob("registry", "registry-garbage-collector", "0 3 * * *", [gc],
                       runs=[(50, [terminated(1, 49 - 3 * i, ran_for=0.8) for i in range(3)])], backoff_limit=2)
    for i, pod in enumerate(job.pods):
        t = c.clock.ago(minutes=49.5 - 3 * i)
        c.log(pod, "garbage-collector", L.lines(
            f'time="{t}" level=info msg="Starting upload purge in 47m0s" go.version=go1.20.8 instance.id=5f0a9c2e-1b7e-4c36-9d0e-2a4f7c1d8e33 service=registry version=2.8.3',
            f'time="{t}" level=warning msg="No HTTP secret provided - generated random secret. This may cause problems with uploads if multiple registries are behind a load-balancer."',
            "failed to garbage collect: failed to mark: s3aws: AccessDenied: Access Denied",
            "\tstatus code: 403, request id: 8XK2QG1V4M9TDW5E, host id: b1+Zxq5m3K0vT3pQm2Zl8c4yYf9s6nR5aW0uJ7hD2eE=",
        ))
    controller_event(c, job.obj, "Job", "BackoffLimitExceeded", "Job has reached the specified backoff limit", component="job-controller",
                     first=43, api_version="batch/v1")
    jname = name_of(job.obj)
    return Scenario(
        "alert-kubejobfailed-kube-prometheus", c, "alert.json", _job_failed_alert(c, "registry", jname, stack="kp"),
        "job_backoff_limit", (jname, "accessdenied"),
        "KubeJobFailed from kube-prometheus: the labels carry the Job (job_name, namespace) and the scraper's own "
        "identity (job=kube-state-metrics, container=kube-rbac-proxy-main, endpoint=https-main, instance ...:8443), "
        "which are not the failing workload. The registry garbage-collect Job failed 3 times: S3 AccessDenied on "
        "the blobs bucket.",
        group="alert_labels",
    )


def job_failed_kps_pod_label() -> Scenario:
    """kube-prometheus-stack: the series has no pod, so the kube-state-metrics pod's name is the `pod` label."""
    c = base_cluster("alert-kubejobfailed-kps-ksm-pod-label")
    c.namespace("db-ops", labels={"team": "platform"})
    vac = container("vacuum", "docker.io/library/postgres:16.6", command=["vacuumdb", "--all", "--analyze-in-stages"],
                    env=[env_value("PGHOST", "orders-pg.orders.svc"), env_value("PGUSER", "maintenance"),
                         env_secret("PGPASSWORD", "pg-maintenance", "password")],
                    resources=resources("50m", "64Mi", memory_limit="128Mi"))
    (job,) = c.cronjob("db-ops", "nightly-vacuum", "30 1 * * *", [vac],
                       runs=[(35, [terminated(1, 34 - 2 * i, ran_for=0.05) for i in range(2)])], backoff_limit=1)
    for pod in job.pods:
        c.log(pod, "vacuum", 'vacuumdb: error: connection to server at "orders-pg.orders.svc" (172.20.61.18), port 5432 failed: FATAL:  password authentication failed for user "maintenance"\n')
    c.secret("db-ops", "pg-maintenance")
    jname = name_of(job.obj)
    return Scenario(
        "alert-kubejobfailed-kps-ksm-pod-label", c, "alert.json", _job_failed_alert(c, "db-ops", jname, stack="kps"),
        "job_backoff_limit", (jname, "password authentication failed"),
        "KubeJobFailed from kube-prometheus-stack: pod= and container= name the kube-state-metrics pod in "
        "monitoring (healthy), not the Job. The nightly-vacuum Job failed twice: password authentication failed "
        "for user maintenance (the pg-maintenance Secret is stale).",
        group="alert_labels",
    )


def hpa_mismatch_quota() -> Scenario:
    c = base_cluster("alert-kubehpareplicasmismatch-quota")
    c.namespace("events", labels={"team": "data"})
    wl = healthy_app(c, "events", "ingest-worker", "data/ingest-worker:3.8.2", replicas=6, up_since=2 * 1440, service=False,
                     log=[L.zap(c.clock, 1, "info", "consumer/loop.go:90", "batch committed", lag=184211, partition=3)])
    rs = wl.replicasets[-1]
    failure = (f'pods "{name_of(rs)}-m4xbq" is forbidden: exceeded quota: events-quota, requested: requests.cpu=500m, '
               "used: requests.cpu=6, limited: requests.cpu=6")
    for obj in (wl.obj, rs):
        obj["spec"]["replicas"] = 12
    rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = "12"
    rs["status"]["conditions"] = [{"lastTransitionTime": c.clock.ago(minutes=28), "message": failure, "reason": "FailedCreate",
                                   "status": "True", "type": "ReplicaFailure"}]
    wl.obj["status"]["unavailableReplicas"] = 6
    wl.obj["status"]["conditions"].append({"type": "ReplicaFailure", "status": "True", "lastUpdateTime": c.clock.ago(minutes=28),
                                           "lastTransitionTime": c.clock.ago(minutes=28), "reason": "FailedCreate", "message": failure})
    for cont in wl.obj["spec"]["template"]["spec"]["containers"] + rs["spec"]["template"]["spec"]["containers"]:
        cont["resources"] = {"limits": {"memory": "512Mi"}, "requests": {"cpu": "500m", "memory": "256Mi"}}
    for pod in wl.pods:
        for cont in pod["spec"]["containers"]:
            cont["resources"] = {"limits": {"memory": "512Mi"}, "requests": {"cpu": "500m", "memory": "256Mi"}}
    controller_event(c, rs, "ReplicaSet", "FailedCreate", f"Error creating: {failure}", component="replicaset-controller",
                     count=24, first=28, last=0.9)
    c.quota("events", "events-quota", {"requests.cpu": "6", "requests.memory": "24Gi"}, {"requests.cpu": "6", "requests.memory": "3Gi"})
    c.hpa("events", "ingest-worker", "ingest-worker", min_replicas=4, max_replicas=16, current=6, desired=12, cpu_current=141, conditions=[
        ("AbleToScale", "True", "SucceededRescale", "the HPA controller was able to update the target scale to 12"),
        ("ScalingActive", "True", "ValidMetricFound", "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)"),
        ("ScalingLimited", "False", "DesiredWithinRange", "the desired count is within the acceptable range")])
    alert = prom_alert(
        c, "KubeHpaReplicasMismatch", {"horizontalpodautoscaler": "ingest-worker", "namespace": "events"},
        summary="HPA has not matched desired number of replicas.",
        description="HPA events/ingest-worker has not matched the desired number of replicas for longer than 15 minutes.",
        expr='(kube_horizontalpodautoscaler_status_desired_replicas{job="kube-state-metrics"} != kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"}) and changes(kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"}[15m]) == 0',
        started=11, stack="kps", scrape_pod=ksm_pod(c))
    return Scenario(
        "alert-kubehpareplicasmismatch-quota", c, "alert.json", alert,
        "resource_quota_exceeded", ("events-quota",),
        "The HPA works (it asked for 12 replicas at 141% CPU); the ReplicaSet cannot create pods 7-12 because the "
        "namespace ResourceQuota events-quota caps requests.cpu at 6 and 6 pods x 500m already use it all.",
        chain=(("HorizontalPodAutoscaler/events/ingest-worker", "desired 12, current 6"),
               (f"ReplicaSet/events/{name_of(rs)}", "FailedCreate: exceeded quota"),
               ("ResourceQuota/events/events-quota", "requests.cpu 6/6")),
        group="alert_labels",
    )


def crashloop_kube_prometheus_permission() -> Scenario:
    c = base_cluster("alert-kubepodcrashlooping-kp-permission")
    c.namespace("warehouse", labels={"team": "fulfilment"})
    c.claim("warehouse", "wms-postgresql-data", size="50Gi", created=35)
    b = c.clock.log_time(minutes=1.6).strftime("%H:%M:%S.%f")[:11]
    text = L.lines(
        f"postgresql {b} INFO  ==> ",
        f"postgresql {b} INFO  ==> Welcome to the Bitnami postgresql container",
        f"postgresql {b} INFO  ==> ** Starting PostgreSQL setup **",
        f"postgresql {b} INFO  ==> Validating settings in POSTGRESQL_* env vars..",
        f"postgresql {b} WARN  ==> You set the environment variable POSTGRESQL_REPLICATION_MODE=master, but POSTGRESQL_REPLICATION_USER is not set; replication is disabled",
        f"postgresql {b} INFO  ==> Loading custom pre-init scripts...",
        f"postgresql {b} INFO  ==> Initializing PostgreSQL database...",
        "mkdir: cannot create directory '/bitnami/postgresql/data': Permission denied",
    )
    wl, _ = crash_app(c, "warehouse", "wms-postgresql", "docker.io/bitnami/postgresql:16.6.0-debian-12-r2", text, restarts=11,
                      since=34, service_port=None, security={"runAsNonRoot": True, "runAsUser": 1001},
                      volumes=[pvc_volume("data", "wms-postgresql-data")], mounts=[mount("data", "/bitnami/postgresql")],
                      env=[env_value("POSTGRESQL_REPLICATION_MODE", "master"), env_secret("POSTGRESQL_PASSWORD", "wms-postgresql", "password")])
    c.secret("warehouse", "wms-postgresql")
    alert = prom_alert(
        c, "KubePodCrashLooping", {"namespace": "warehouse", "pod": name_of(wl.pod), "container": "wms-postgresql", "reason": "CrashLoopBackOff", "uid": wl.pod["metadata"]["uid"]},
        summary="Pod is crash looping.",
        description=f'Pod warehouse/{name_of(wl.pod)} (wms-postgresql) is in waiting state (reason: "CrashLoopBackOff").',
        expr='max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", job="kube-state-metrics"}[5m]) >= 1',
        started=18, stack="kp")
    return Scenario(
        "alert-kubepodcrashlooping-kp-permission", c, "alert.json", alert,
        "crashloop_permission_denied", ("/bitnami/postgresql",),
        "Postgres runs as UID 1001 on a fresh EBS volume owned by root and the pod sets no fsGroup, so the Bitnami "
        "entrypoint cannot create /bitnami/postgresql/data. The replication WARN is survived. (The alert's "
        "container label is the real container here because the series carries its own.)",
        group="alert_labels",
    )


def container_waiting_missing_secret() -> Scenario:
    c = base_cluster("alert-kubecontainerwaiting-missing-secret")
    c.namespace("crm", labels={"team": "sales"})
    wl = c.deployment("crm", "lead-sync", [container(
        "lead-sync", c.image("sales/lead-sync:1.2.0"), env=[env_value("SF_INSTANCE", "acme.my.salesforce.com"),
                                                           env_secret("SF_CLIENT_SECRET", "salesforce-oauth", "client-secret")],
        resources=resources("100m", "128Mi", memory_limit="256Mi"))], replicas=1, revision=2, updated=70,
        runs=[{"lead-sync": waiting("CreateContainerConfigError", 'secret "salesforce-oauth" not found', pulled=True)}])
    config_error_trail(c, wl.pod, "lead-sync", 'secret "salesforce-oauth" not found', since=58)
    c.secret("crm", "salesforce-oauth-v2")
    alert = prom_alert(
        c, "KubeContainerWaiting", {"namespace": "crm", "pod": name_of(wl.pod), "container": "lead-sync", "reason": "CreateContainerConfigError"},
        summary="Pod container waiting longer than 1 hour",
        description=f"pod/{name_of(wl.pod)} in namespace crm on container lead-sync has been in waiting state for longer than 1 hour. (reason: \"CreateContainerConfigError\").",
        expr='kube_pod_container_status_waiting_reason{reason!="CrashLoopBackOff", job="kube-state-metrics"} > 0',
        started=2, stack="kps", scrape_pod=ksm_pod(c))
    return Scenario(
        "alert-kubecontainerwaiting-missing-secret", c, "alert.json", alert,
        "create_container_config_missing_secret", ("salesforce-oauth",),
        "lead-sync references Secret salesforce-oauth, which does not exist (salesforce-oauth-v2 does). The alert's "
        "`pod` label is the series' own pod here; service/endpoint/instance are kube-state-metrics'.",
        group="alert_labels",
    )


def statefulset_mismatch_csi_iam() -> Scenario:
    """KubeStatefulSetReplicasMismatch; the new replica's claim cannot be provisioned (CSI driver's IAM role)."""
    c = base_cluster("alert-kubestatefulsetreplicasmismatch-csi-iam")
    c.namespace("catalog-db", labels={"team": "catalog"})
    msg = 'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded'
    wl = c.statefulset("catalog-db", "mongodb", [container(
        "mongodb", "docker.io/bitnami/mongodb:8.0.4-debian-12-r0", ports=[port(27017, "mongodb")],
        resources=resources("500m", "2Gi", memory_limit="2Gi"), mounts=[mount("data", "/bitnami/mongodb")])],
        replicas=3, claim_size="100Gi", unbound_claims=(2,), unschedulable=msg, pod_created=40 * 1440)
    pod = wl.pods[2]
    backdate(c, pod, 28)
    c.scheduler_event(pod, msg, count=6, first=27, last=3)
    pvc = next(o for o in c.extra["persistentvolumeclaims.json"] if o["metadata"]["name"] == "data-mongodb-2")
    pvc["metadata"]["creationTimestamp"] = c.clock.ago(minutes=28)
    ctrl = next(name_of(p) for p in c.dump["kube-system"]["pods"] if name_of(p).startswith("ebs-csi-controller-"))
    err = (f'failed to provision volume with StorageClass "gp3": rpc error: code = Internal desc = Could not create volume '
           f'"pvc-{pvc["metadata"]["uid"]}": could not create volume in EC2: operation error EC2: CreateVolume, https response '
           "error StatusCode: 403, RequestID: 3f1c9a2e-7b44-4d0e-9c61-0b8e5a2d4f17, api error UnauthorizedOperation: You are "
           "not authorized to perform this operation. User: arn:aws:sts::418273645509:assumed-role/prod-euw1-ebs-csi-controller/"
           "1759912345678901234 is not authorized to perform: ec2:CreateVolume on resource: arn:aws:ec2:eu-west-1:418273645509:volume/* "
           "because no identity-based policy allows the ec2:CreateVolume action")
    c.event(pvc, "ProvisioningFailed", err, kind="PersistentVolumeClaim", count=14, first=27, last=1.5,
            component=f"ebs.csi.aws.com_{ctrl}_5d0c1f7e-3a9b-4c2d-8e61-7f4a2b9c0d13", instance="")
    c.event(pvc, "WaitForFirstConsumer", "waiting for first consumer to be created before binding", kind="PersistentVolumeClaim",
            type_="Normal", count=1, first=28, component="persistentvolume-controller", instance="")
    c.service("catalog-db", "mongodb-headless", {"app.kubernetes.io/name": "mongodb"}, [("mongodb", 27017, "mongodb")], headless=True)
    alert = prom_alert(
        c, "KubeStatefulSetReplicasMismatch", {"statefulset": "mongodb", "namespace": "catalog-db"},
        summary="StatefulSet has not matched the expected number of replicas.",
        description="StatefulSet catalog-db/mongodb has not matched the expected number of replicas for longer than 15 minutes.",
        expr='(kube_statefulset_status_replicas_ready{job="kube-state-metrics"} != kube_statefulset_replicas{job="kube-state-metrics"}) and (changes(kube_statefulset_status_replicas_updated{job="kube-state-metrics"}[10m]) == 0)',
        started=9, stack="kp")
    return Scenario(
        "alert-kubestatefulsetreplicasmismatch-csi-iam", c, "alert.json", alert,
        "pending_unbound_pvc", ("data-mongodb-2", "createvolume"),
        "mongodb was scaled to 3 replicas 28 minutes ago; mongodb-2 waits for its claim data-mongodb-2, which the "
        "EBS CSI driver cannot provision: its IAM role is not allowed ec2:CreateVolume (403 UnauthorizedOperation). "
        "The two existing replicas are fine; the StorageClass exists. Fix the controller's IAM policy.",
        chain=(("StatefulSet/catalog-db/mongodb", "2/3 ready"),
               ("Pod/catalog-db/mongodb-2", "Pending: VolumeBinding timed out"),
               ("PersistentVolumeClaim/catalog-db/data-mongodb-2", "ProvisioningFailed: UnauthorizedOperation ec2:CreateVolume")),
        group="alert_labels",
    )


def daemonset_stuck_node_pleg() -> Scenario:
    """KubeDaemonSetRolloutStuck for aws-node; the root is one node whose kubelet reports PLEG not healthy."""
    c = base_cluster("alert-kubedaemonsetrolloutstuck-node-pleg")
    node = node_name(CORDONED_IP)
    pleg = "container runtime is down, PLEG is not healthy: pleg was last seen active 3m12.482109223s ago; threshold is 3m0s"
    set_node_condition(c, node, "Ready", "False", "KubeletNotReady", pleg, 22)
    add_taint(c, node, "node.kubernetes.io/not-ready", "NoSchedule", 22)
    add_taint(c, node, "node.kubernetes.io/not-ready", "NoExecute", 22)
    c.event(c.nodes[node]["obj"], "NodeNotReady", f"Node {node} status is now: NodeNotReady", kind="Node", type_="Normal",
            count=1, first=22, host=node)
    for ns in list(c.dump):
        for ds in c.dump[ns].get("daemonsets", []):
            mine = [p for p in c.dump[ns]["pods"] if p["spec"].get("nodeName") == node
                    and p["metadata"]["name"].startswith(ds["metadata"]["name"] + "-")]
            for pod in mine:
                for cond in pod["status"]["conditions"]:
                    if cond["type"] in ("Ready", "ContainersReady"):
                        cond.update(status="False", lastTransitionTime=c.clock.ago(minutes=22))
                for st in pod["status"].get("containerStatuses", []):
                    st["ready"] = False
            if mine:
                st = ds["status"]
                st["numberReady"] -= len(mine)
                st["numberAvailable"] -= len(mine)
                st["numberUnavailable"] = st.get("numberUnavailable", 0) + len(mine)
    alert = prom_alert(
        c, "KubeDaemonSetRolloutStuck", {"daemonset": "aws-node", "namespace": "kube-system"},
        summary="DaemonSet rollout is stuck.",
        description="DaemonSet kube-system/aws-node has not finished or progressed for at least 15m.",
        expr='((kube_daemonset_status_current_number_scheduled{job="kube-state-metrics"} != kube_daemonset_status_desired_number_scheduled{job="kube-state-metrics"}) or (kube_daemonset_status_number_available{job="kube-state-metrics"} != kube_daemonset_status_desired_number_scheduled{job="kube-state-metrics"}))',
        started=5, stack="kps", scrape_pod=ksm_pod(c))
    return Scenario(
        "alert-kubedaemonsetrolloutstuck-node-pleg", c, "alert.json", alert,
        "node_not_ready", (node, "pleg"),
        f"aws-node (and every other DaemonSet) has one pod unavailable, all on {node}: the node is NotReady for 22 "
        "minutes, its kubelet reporting 'PLEG is not healthy' (container runtime hung). The DaemonSet is the symptom; "
        "the node is the root. It was already cordoned for the AMI rotation, so only DaemonSet pods run there.",
        chain=(("DaemonSet/kube-system/aws-node", "1 pod unavailable"),
               (f"Node/{node}", "Ready False: PLEG is not healthy")),
        group="alert_labels",
    )


SCENARIOS = {
    "alert-kubejobfailed-kube-prometheus": job_failed_kube_prometheus,
    "alert-kubejobfailed-kps-ksm-pod-label": job_failed_kps_pod_label,
    "alert-kubehpareplicasmismatch-quota": hpa_mismatch_quota,
    "alert-kubepodcrashlooping-kp-permission": crashloop_kube_prometheus_permission,
    "alert-kubecontainerwaiting-missing-secret": container_waiting_missing_secret,
    "alert-kubestatefulsetreplicasmismatch-csi-iam": statefulset_mismatch_csi_iam,
    "alert-kubedaemonsetrolloutstuck-node-pleg": daemonset_stuck_node_pleg,
}
