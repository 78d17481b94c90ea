"""Held-out cost cases: what a FinOps engineer or an SRE would be asked, and what they would answer.

Each case returns (cluster, trigger, expected). Usage shares are (cpu, memory) fractions of requests,
as metrics-server would read them mid-morning on a weekday.
"""

from __future__ import annotations

from typing import Any

from devtools.heldout_specialists.triggers import alert, ask, expected
from devtools.heldout_specialists.world import ECR, Cluster, add_node, base, move_pods, pods_of, service_account
from devtools.scenarios.kube import container, meta, ts, uid

COST = "cost_analyzer"
BASELINE = {  # a normal week, dollars per day by Cost Explorer's own service names
    "Amazon Elastic Compute Cloud - Compute": 612.4, "EC2 - Other": 88.1, "Amazon Relational Database Service": 214.0,
    "Amazon Simple Storage Service": 41.3, "Amazon Elastic Load Balancing": 19.8, "AmazonCloudWatch": 27.5,
    "Amazon Elastic Container Service for Kubernetes": 2.4, "AWS Key Management Service": 3.1}


def _fleet(c: Cluster, **state: Any) -> dict[str, Any]:
    """The AWS account behind the cluster: its nodes' instances and root volumes, the ingress load balancer."""
    nodes = [n["metadata"]["name"] for n in c.world.nodes]
    aws = {"region": "us-east-2",
           "instances": [{"name": n, "type": "m6i.2xlarge"} for n in nodes],
           "volumes": [{"size_gb": 80, "type": "gp3", "attach_to": n} for n in nodes],
           "addresses": [{"associate_with": nodes[0]}],
           "load_balancers": [{"name": "k8s-ingressn-ingressn-3c5e1f0a9b", "targets": nodes[:3]}]}
    for key, value in state.items():
        aws[key] = aws.get(key, []) + value if isinstance(value, list) else value
    c.aws = aws
    return aws


def _week(changes: dict[str, float], drift: float = 0.012) -> dict[str, Any]:
    previous = dict(BASELINE)
    current = {k: round(v * (1 + (drift if i % 2 else -drift)), 2) for i, (k, v) in enumerate(BASELINE.items())}
    current.update(changes)
    return {"group_by": "SERVICE", "days": 7, "previous": previous, "current": current}


def overprovisioned_pricing_api():
    c = base("hs-cost-pricing", extra_nodes=2)
    w = c.world
    w.deployment("risk-engine", "pricing-api", [container("pricing-api", f"{ECR}/risk/pricing-api:7.4.2", cpu="1500m",
                                                          memory="6Gi", limit_memory="6Gi")], replicas=6, revision=88)
    w.deployment("risk-engine", "quote-worker", [container("quote-worker", f"{ECR}/risk/quote-worker:7.4.2", cpu="500m",
                                                           memory="1Gi", limit_memory="1Gi")], replicas=3, revision=88)
    c.usage[("risk-engine", "pricing-api")] = (0.05, 0.12)  # ~75m and ~740Mi of 1.5 CPU / 6Gi
    c.usage[("risk-engine", "quote-worker")] = (0.71, 0.8)
    return c, ask("risk-engine", "Finance says risk-engine is our third most expensive namespace. What in it is "
                  "over-provisioned, and what would right-sizing save?", COST), expected(
        "cost_overprovisioned", ["pricing-api"],
        "positive: pricing-api requests 6 x 1.5 CPU / 6Gi and uses ~5% CPU and ~12% memory; quote-worker next to "
        "it uses 70-80% of its requests and must not be the answer")


def cpu_overcommit_feature_store():
    c = base("hs-cost-overcommit", extra_nodes=1)
    c.world.deployment("ml-platform", "feature-store", [container(
        "feature-store", f"{ECR}/ml/feature-store:0.19.0", cpu="2", memory="4Gi", limit_memory="4Gi")],
        replicas=8, revision=12)
    c.usage[("ml-platform", "feature-store")] = (0.04, 0.31)
    return c, alert({"alertname": "KubeCPUOvercommit", "severity": "warning"}, {
        "description": "Cluster payments-prod-use2 has overcommitted CPU resource requests for Pods by 6.74 CPU "
                       "shares and cannot tolerate node failure.",
        "summary": "Cluster has overcommitted CPU resource requests.",
        "runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubecpuovercommit"}), expected(
        "cost_overprovisioned", ["feature-store"],
        "positive: the overcommit is requests, not demand: feature-store asks 16 CPU (8 x 2) and uses ~0.6; the "
        "fix is right-sizing it, not adding a node")


def batch_requests_match_usage():
    c = base("hs-cost-etl", extra_nodes=2)
    w = c.world
    w.namespace("etl")
    job = "nightly-ledger-export-28891440"
    w.add_extra({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("CronJob", "nightly-ledger-export", "etl"),
                 "spec": {"schedule": "0 2 * * *", "concurrencyPolicy": "Forbid", "jobTemplate": {"spec": {
                     "parallelism": 4, "completions": 4, "backoffLimit": 2}}},
                 "status": {"active": [{"kind": "Job", "namespace": "etl", "name": job}], "lastScheduleTime": ts(95)}})
    w.add_extra({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta("Job", job, "etl", age_min=95, labels={
        "app.kubernetes.io/name": "nightly-ledger-export"}, owner=("CronJob", "nightly-ledger-export", "batch/v1")),
        "spec": {"parallelism": 4, "completions": 4, "backoffLimit": 2},
        "status": {"active": 4, "startTime": ts(95), "ready": 4}})
    spark = container("export", f"{ECR}/data/ledger-export:2.6.0", port=None, cpu="3", memory="12Gi",
                      limit_memory="12Gi", args=["--date=2025-06-02", "--partitions=256"])
    for i in range(4):
        name = f"{job}-{'bcdf'[i]}x{i}qz"
        w.pod("etl", name, [spark], labels={"app.kubernetes.io/name": "nightly-ledger-export", "job-name": job,
                                            "batch.kubernetes.io/job-name": job},
              owner=("Job", job, "batch/v1"), age_min=95, spec_extra={"restartPolicy": "Never"})
    w.deployment("etl", "airflow-scheduler", [container("scheduler", "apache/airflow:2.10.2", port=None, cpu="500m",
                                                        memory="1Gi", limit_memory="2Gi")], replicas=1, revision=6)
    c.usage[("etl", "nightly-ledger-export")] = (0.93, 0.88)
    c.usage[("etl", "airflow-scheduler")] = (0.68, 0.81)
    return c, ask("etl", "Namespace etl requests 12.5 cores and 49Gi every night. Is anything in it "
                  "over-provisioned?", COST), expected(
        "healthy", ["etl"],
        "look-alike: big requests, but the export Job's pods use 93% of their CPU and 88% of their memory; "
        "nothing to right-size")


def node_held_by_one_pod():
    c = base("hs-cost-idle-node")
    node = "ip-10-42-13-199.us-east-2.compute.internal"
    c.world.deployment("billing", "report-renderer", [container(
        "renderer", f"{ECR}/billing/report-renderer:2.1.0", cpu="250m", memory="512Mi", limit_memory="1Gi")],
        replicas=1, revision=4)
    add_node(c, node)
    move_pods(c, "billing", "report-renderer", node)
    for pod in pods_of(c.world, "billing", "report-renderer"):
        pod["metadata"]["annotations"] = {"cluster-autoscaler.kubernetes.io/safe-to-evict": "false"}
        pod["metadata"]["creationTimestamp"] = ts(60 * 24 * 11)
    c.usage[("billing", "report-renderer")] = (0.3, 0.5)
    return c, alert({"alertname": "KubeNodeUnderutilized", "severity": "info", "category": "cost", "node": node,
                     "instance_type": "m6i.2xlarge"}, {
        "summary": "Node has been mostly idle for 6 hours.",
        "description": f"Node {node} has used under 5% of its CPU and memory for 6h and its pods request 7% of "
                       "allocatable CPU."}), expected(
        "cost_node_underutilized", [node],
        "positive: an m6i.2xlarge runs only DaemonSets and one 250m pod whose safe-to-evict=false annotation "
        "keeps the autoscaler from removing the node for 11 days")


def node_draining_autoscaler():
    c = base("hs-cost-draining-node")
    node = "ip-10-42-12-231.us-east-2.compute.internal"
    add_node(c, node, unschedulable=True, taints=[
        {"key": "ToBeDeletedByClusterAutoscaler", "value": "1748946060", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": ts(3)}])
    c.world.event("", "Node", node, "ScaleDown", "marked the node as toBeDeleted/unschedulable", type_="Normal",
                  component="cluster-autoscaler", first_min=3, last_min=3, api="v1")
    c.world.event("", "Node", node, "NodeNotSchedulable", f"Node {node} status is now: NodeNotSchedulable",
                  type_="Normal", host=node, first_min=3, last_min=3)
    return c, alert({"alertname": "KubeNodeUnderutilized", "severity": "info", "category": "cost", "node": node,
                     "instance_type": "m6i.2xlarge"}, {
        "summary": "Node has been mostly idle for 6 hours.",
        "description": f"Node {node} has used under 5% of its CPU and memory for 6h and its pods request 2% of "
                       "allocatable CPU."}), expected(
        "healthy", [node],
        "look-alike: the node is empty because the cluster autoscaler is removing it (cordoned, "
        "ToBeDeletedByClusterAutoscaler taint, ScaleDown event 3 minutes ago); nothing to do about it")


def released_pvs_after_migration():
    c = base("hs-cost-released")
    w = c.world
    w.statefulset("analytics", "clickhouse-keeper", [container("keeper", "clickhouse/clickhouse-keeper:24.8", port=9181,
                                                               cpu="250m", memory="1Gi")], replicas=1)
    for name, claim, size, phase, age in (
            ("pvc-5b0e3c1f-7a42-4a3e-9d0b-2f6c1e8a9d41", "data-clickhouse-shard0-0", "1000Gi", "Released", 200),
            ("pvc-91c4d2e7-3b18-4c55-a6f9-0e7d5b2c4a13", "data-clickhouse-shard0-1", "1000Gi", "Released", 200),
            ("pvc-e27a9f40-5c6d-4b81-8e3a-7f1d0c9b6e25", "data-clickhouse-shard1-0", "1000Gi", "Released", 200),
            ("pvc-0d6f8b21-9e4c-4f07-b3d2-5a8c1e7f0b96", "data-clickhouse-keeper-0", "20Gi", "Bound", 300)):
        w.add_extra({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {
            **meta("PersistentVolume", name, age_min=60 * 24 * age, annotations={
                "pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com",
                "volume.kubernetes.io/provisioner-deletion-secret-name": "",
                "volume.kubernetes.io/provisioner-deletion-secret-namespace": ""}),
            "finalizers": ["kubernetes.io/pv-protection", "external-attacher/ebs-csi-aws-com"]},
            "spec": {"capacity": {"storage": size}, "accessModes": ["ReadWriteOnce"],
                     "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "analytics", "name": claim,
                                  "uid": uid("PersistentVolumeClaim", "analytics", claim), "apiVersion": "v1"},
                     "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "gp3-retain",
                     "volumeMode": "Filesystem",
                     "csi": {"driver": "ebs.csi.aws.com", "fsType": "ext4",
                             "volumeHandle": f"vol-0{uid(name).replace('-', '')[:16]}"},
                     "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{
                         "key": "topology.kubernetes.io/zone", "operator": "In", "values": ["us-east-2b"]}]}]}}},
            "status": {"phase": phase, **({"lastPhaseTransitionTime": ts(60 * 24 * 83)} if phase == "Released" else {})}})
    w.add_extra({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta(
        "PersistentVolumeClaim", "data-clickhouse-keeper-0", "analytics", age_min=60 * 24 * 300),
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "20Gi"}},
                 "storageClassName": "gp3-retain", "volumeName": "pvc-0d6f8b21-9e4c-4f07-b3d2-5a8c1e7f0b96",
                 "volumeMode": "Filesystem"},
        "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "20Gi"}}})
    w.add_extra({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta("StorageClass", "gp3-retain"),
                 "provisioner": "ebs.csi.aws.com", "parameters": {"type": "gp3", "encrypted": "true"},
                 "reclaimPolicy": "Retain", "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": True})
    return c, ask("analytics", "Our EBS bill keeps growing although analytics moved ClickHouse to the new cluster "
                  "last quarter. Are we paying for storage nobody uses?", COST), expected(
        "cost_released_volumes", ["pvc-5b0e3c1f-7a42-4a3e-9d0b-2f6c1e8a9d41"],
        "positive: three 1000Gi gp3 PVs Released 83 days ago with reclaim policy Retain (3 TB still billed); the "
        "keeper's 20Gi volume is Bound and in use")


def nat_data_processing_spike():
    c = base("hs-cost-nat")
    _fleet(c, daily_cost=_week({"EC2 - Other": 431.7}))
    return c, ask("storefront", "Why did our AWS bill jump this week?", COST), expected(
        "cost_spend_increase", ["EC2 - Other"],
        "positive: EC2 - Other (where NAT gateway data processing lands) went from $88/day to $432/day; "
        "every other service moved about 1%")


def budget_alert_cloudwatch():
    c = base("hs-cost-budget")
    _fleet(c, daily_cost=_week({"AmazonCloudWatch": 318.9}))
    return c, alert({"alertname": "AWSBudgetThresholdExceeded", "severity": "warning", "category": "budget",
                     "budget_name": "platform-prod-monthly", "threshold": "80%", "account_id": "418295730162"}, {
        "summary": "AWS budget platform-prod-monthly: forecasted spend is over 80% of $32,000.00",
        "description": "AWS Budgets: FORECASTED cost for platform-prod-monthly is $34,912.40, over the 80% "
                       "threshold of the $32,000.00 budget."}, prometheus=False), expected(
        "cost_spend_increase", ["CloudWatch"],
        "positive: the forecast jumped because AmazonCloudWatch went from $27.50/day to $319/day (log "
        "ingestion); compute and storage are flat")


def steady_bill():
    c = base("hs-cost-steady")
    _fleet(c, daily_cost=_week({}, drift=0.018))
    return c, ask("storefront", "Did anything in our AWS spend change this week? The invoice forecast looks higher "
                  "than last month.", COST), expected(
        "healthy", [],
        "look-alike: every service is within 2% of the week before; no change to explain and nothing idle in "
        "the account")


def idle_load_balancers():
    c = base("hs-cost-idle-lb")
    nodes = [n["metadata"]["name"] for n in c.world.nodes]
    _fleet(c, load_balancers=[{"name": "legacy-checkout-alb"}, {"name": "k8s-storefro-webprevi-7d1c2a9e4b"},
                              {"name": "k8s-orders-ordersap-51be0c7d2f", "targets": nodes[1:4]}])
    return c, ask("storefront", "What AWS resources are we paying for that nothing uses?", COST), expected(
        "cost_idle_resources", ["legacy-checkout-alb", "k8s-storefro-webprevi-7d1c2a9e4b"],
        "positive: two load balancers have no target at all (the pre-Kubernetes checkout ALB and a preview "
        "Ingress's ALB whose Ingress is gone); the other two serve traffic")


def orphaned_volumes_and_ips():
    c = base("hs-cost-orphans")
    tags = [{"kubernetes.io/created-for/pvc/name": f"data-staging-postgres-{i}",
             "kubernetes.io/created-for/pvc/namespace": "staging", "KubernetesCluster": "staging-use2",
             "ebs.csi.aws.com/cluster": "true"} for i in range(2)]
    _fleet(c, volumes=[{"size_gb": 500, "type": "gp3", "tags": tags[0]}, {"size_gb": 500, "type": "gp3", "tags": tags[1]},
                       {"size_gb": 2000, "type": "st1", "tags": {"Name": "staging-kafka-logs"}}],
           addresses=[{}, {}])
    return c, ask("storefront", "We decommissioned the staging cluster last month. Find what it left behind that we "
                  "still pay for.", COST), expected(
        "cost_idle_resources", ["vol-"],
        "positive: three unattached EBS volumes (2 x 500 GiB gp3 from staging's Postgres PVCs, a 2 TB st1) and "
        "two unassociated Elastic IPs; the diagnosis must name the volumes")


def right_sized_storefront():
    c = base("hs-cost-right-sized")
    return c, ask("storefront", "Where can we save money in namespace storefront?", COST), expected(
        "healthy", [],
        "healthy: web and cart use 60-80% of what they request, every node is busy; nothing to cut")


def aws_question_without_cloud_access():
    c = base("hs-cost-no-aws")
    return c, ask("storefront", "Why did our AWS bill jump this week?", COST), expected(
        "unknown", ["AWS"],
        "unknown: the snapshot carries no AWS state and the run has no AWS access; the honest answer says it "
        "could not read Cost Explorer, not 'healthy' and not a guess from the cluster")


def datadog_bill_question():
    c = base("hs-cost-datadog")
    return c, ask("storefront", "How much are we paying Datadog for the custom metrics storefront emits?", COST), expected(
        "unknown", [],
        "unknown: a third-party bill the analyzer has no source for; answering 'healthy' about the namespace's "
        "requests would be answering another question")


def memory_overcommit_jvm_indexer():
    c = base("hs-cost-memory", extra_nodes=1)
    service_account(c.world, "search", "catalog-indexer")
    c.world.deployment("search", "catalog-indexer", [container(
        "indexer", f"{ECR}/search/catalog-indexer:4.0.3", cpu="1", memory="12Gi", limit_memory="12Gi",
        env=[{"name": "JAVA_TOOL_OPTIONS", "value": "-XX:MaxRAMPercentage=75"}])], replicas=6, revision=31)
    c.usage[("search", "catalog-indexer")] = (0.22, 0.13)
    return c, alert({"alertname": "KubeMemoryOvercommit", "severity": "warning"}, {
        "description": "Cluster payments-prod-use2 has overcommitted memory resource requests for Pods by "
                       "4.12G bytes and cannot tolerate node failure.",
        "summary": "Cluster has overcommitted memory resource requests.",
        "runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubememoryovercommit"}), expected(
        "cost_overprovisioned", ["catalog-indexer"],
        "positive: catalog-indexer requests 72Gi (6 x 12Gi) and its JVMs use ~1.6Gi each; the overcommit is "
        "its requests")


CASES = {
    "cost-overprovisioned-pricing-api-ask": overprovisioned_pricing_api,
    "cost-cpu-overcommit-feature-store-alert": cpu_overcommit_feature_store,
    "cost-lookalike-batch-requests-match-usage-ask": batch_requests_match_usage,
    "cost-node-held-by-safe-to-evict-pod-alert": node_held_by_one_pod,
    "cost-lookalike-node-draining-by-autoscaler-alert": node_draining_autoscaler,
    "cost-released-pvs-after-migration-ask": released_pvs_after_migration,
    "cost-nat-data-processing-spike-ask": nat_data_processing_spike,
    "cost-budget-alert-cloudwatch-logs": budget_alert_cloudwatch,
    "cost-lookalike-steady-bill-ask": steady_bill,
    "cost-idle-load-balancers-ask": idle_load_balancers,
    "cost-orphaned-volumes-and-ips-ask": orphaned_volumes_and_ips,
    "cost-healthy-right-sized-storefront-ask": right_sized_storefront,
    "cost-unknown-aws-question-without-cloud-ask": aws_question_without_cloud_access,
    "cost-unknown-datadog-bill-ask": datadog_bill_question,
    "cost-memory-overcommit-jvm-indexer-alert": memory_overcommit_jvm_indexer,
}
