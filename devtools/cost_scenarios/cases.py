"""The cost scenarios: where the money goes, what changed, what is wasted, and look-alikes that are not."""

from __future__ import annotations

from typing import Any

from devtools.cost_scenarios.world import CostWorld, busy_world, deploy, empty_node, persistent_volume, storage_classes
from devtools.scenarios.triggers import alert, ask, expected

Scenario = tuple[CostWorld, tuple[str, Any], dict[str, Any]]
EC2 = "Amazon Elastic Compute Cloud - Compute"
FLAT = {EC2: 412.0, "EC2 - Other": 61.0, "Amazon Elastic Container Service for Kubernetes": 2.4,
        "Amazon Simple Storage Service": 18.3, "Amazon Relational Database Service": 96.0,
        "Elastic Load Balancing": 9.1}


def _daily(current: dict[str, float] | None = None, previous: dict[str, float] | None = None,
           group_by: str = "SERVICE") -> dict[str, Any]:
    return {"group_by": group_by, "days": 7, "previous": previous or FLAT, "current": {**(previous or FLAT), **(current or {})}}


def _aws(**state: Any) -> dict[str, Any]:
    return {"region": "us-east-2", **state}


def overprovisioned_analytics_ask() -> Scenario:
    cw = busy_world("cost-overprov-analytics")
    deploy(cw, "analytics", "spark-history", replicas=2, cpu="2", memory="8Gi", used=(0.03, 0.12))
    deploy(cw, "analytics", "superset", replicas=2, cpu="1", memory="4Gi", used=(0.08, 0.2))
    deploy(cw, "analytics", "jupyterhub", replicas=1, cpu="500m", memory="2Gi", used=(0.55, 0.6))
    return cw, ask("analytics", question="what in namespace analytics is over-provisioned?"), expected(
        "cost_overprovisioned", ["spark-history", "superset", "estimate"],
        "Two analytics Deployments request 2 CPU / 8Gi and 1 CPU / 4Gi per pod and use a few percent; "
        "jupyterhub uses most of its requests and must not be listed.")


def batch_matches_usage_ask() -> Scenario:
    cw = busy_world("cost-batch-match")
    deploy(cw, "batch", "etl-worker", replicas=6, cpu="2", memory="4Gi", used=(0.86, 0.81))
    deploy(cw, "batch", "report-renderer", replicas=2, cpu="1", memory="3Gi", used=(0.72, 0.9))
    deploy(cw, "analytics", "spark-history", replicas=2, cpu="2", memory="8Gi", used=(0.03, 0.12))
    return cw, ask("batch", question="is anything in namespace batch over-provisioned?"), expected(
        "healthy", ["namespace batch"],
        "Look-alike: batch asks for a lot and uses it (80-90%). The waste next door (analytics) is not this "
        "question's namespace.")


def cpu_overcommit_idle_requests() -> Scenario:
    cw = busy_world("cost-cpu-overcommit")
    deploy(cw, "ml", "feature-store", replicas=3, cpu="3", memory="6Gi", used=(0.04, 0.3))
    deploy(cw, "ml", "model-gateway", replicas=2, cpu="250m", memory="512Mi", used=(0.7, 0.7))
    return cw, alert("KubeCPUOvercommit", {}, "Cluster has overcommitted CPU resource requests.",
                     "Cluster has overcommitted CPU resource requests for Pods by 2.1 CPU shares and cannot "
                     "tolerate node failure.", minutes_ago=40), expected(
        "cost_overprovisioned", ["feature-store", "estimate"],
        "The overcommit is requests, not use: ml/feature-store reserves 9 CPU and uses 4% of it.")


def memory_overcommit_real_demand() -> Scenario:
    cw = busy_world("cost-mem-overcommit-real")
    deploy(cw, "cache", "session-cache", replicas=4, cpu="500m", memory="6Gi", used=(0.5, 0.92))
    return cw, alert("KubeMemoryOvercommit", {}, "Cluster has overcommitted memory resource requests.",
                     "Cluster has overcommitted memory resource requests for Pods by 3.2G bytes and cannot "
                     "tolerate node failure.", minutes_ago=25), expected(
        "healthy", ["checked"],
        "Look-alike: the memory is requested and used (session-cache at 92%); no waste to report, the cluster "
        "needs the capacity.")


def released_volumes_ask() -> Scenario:
    cw = busy_world("cost-released-pv")
    storage_classes(cw)
    deploy(cw, "analytics", "superset", replicas=1, cpu="500m", memory="1Gi")
    persistent_volume(cw, "pvc-3f1c2a9e-7b4d-4c1e-9a2f-5e8d7c6b5a41", size="1Ti", phase="Released",
                      claim=("analytics", "data-clickhouse-0"), volume_id="vol-0a8f3c2e9d1b47a6f")
    persistent_volume(cw, "pvc-8d2e4f6a-1b3c-4d5e-8f9a-0b1c2d3e4f5a", size="500Gi", phase="Released",
                      claim=("analytics", "data-clickhouse-1"), storage_class="io2-db",
                      volume_id="vol-07c1d2e3f4a5b6c7d")
    persistent_volume(cw, "pvc-5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", size="50Gi", phase="Bound",
                      claim=("analytics", "superset-home"), volume_id="vol-0e1f2a3b4c5d6e7f8")
    return cw, ask("analytics", question="are we still paying for volumes nobody uses in analytics?"), expected(
        "cost_released_volumes", ["pvc-3f1c2a9e", "pvc-8d2e4f6a", "Released", "estimate"],
        "ClickHouse was removed; its Retain PVs stayed Released with 1Ti gp3 and 500Gi io2 behind them.")


def bound_volumes_ask() -> Scenario:
    cw = busy_world("cost-bound-pv")
    storage_classes(cw)
    persistent_volume(cw, "pvc-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", size="200Gi", phase="Bound",
                      claim=("payments", "data-ledger-db-0"), volume_id="vol-0b2c3d4e5f6a7b8c9")
    persistent_volume(cw, "pvc-9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f", size="200Gi", phase="Bound",
                      claim=("payments", "data-ledger-db-1"), volume_id="vol-0c3d4e5f6a7b8c9d0")
    return cw, ask("payments", question="are we paying for unused volumes in payments?"), expected(
        "healthy", ["namespace payments"], "Look-alike: every volume in payments is Bound and in use.")


def node_mostly_empty_alert() -> Scenario:
    cw = busy_world("cost-empty-node")
    empty_node(cw, "ip-10-0-5-88.us-east-2.compute.internal")
    return cw, alert("ClusterIdleCapacity", {"category": "cost"}, "Cluster CPU requests are under 40% of "
                     "allocatable", "CPU requests have been under 40% of allocatable for 6h.", minutes_ago=90), \
        expected("cost_node_underutilized", ["ip-10-0-5-88", "m6i.2xlarge", "estimate"],
                 "An m6i.2xlarge the autoscaler kept runs only DaemonSet pods.")


def aws_bill_jump_ask() -> Scenario:
    cw = busy_world("cost-bill-jump")
    cw.aws = _aws(instances=[{"name": "eks-general-1", "type": "m6i.xlarge"}],
                  volumes=[{"size_gb": 100, "type": "gp3", "attach_to": "eks-general-1"},
                           {"size_gb": 20, "type": "gp3"}],
                  daily_cost=_daily({EC2: 688.0}))
    return cw, ask("default", question="why did our AWS bill jump this week?"), expected(
        "cost_spend_increase", [EC2, "estimate"],
        "EC2 compute went from ~$412 to ~$688 a day; a small unattached volume is found too but is not the "
        "answer to the question.")


def budget_alert_data_transfer() -> Scenario:
    cw = busy_world("cost-budget-nat")
    cw.aws = _aws(daily_cost=_daily({"EC2 - Other": 188.0}))
    return cw, alert("AWSBudgetThresholdExceeded", {"budget_name": "shop-prod-monthly", "threshold": "80",
                                                    "source": "aws-budgets-sns-adapter"},
                     "Actual spend exceeded 80% of budget shop-prod-monthly",
                     "AWS Budgets: actual cost $9,412 is over 80% of the $11,000 monthly budget.",
                     minutes_ago=55), expected(
        "cost_spend_increase", ["EC2 - Other"],
        "A relayed AWS budget alert: EC2 - Other (NAT gateway data transfer) tripled.")


def steady_bill_ask() -> Scenario:
    cw = busy_world("cost-steady-bill")
    cw.aws = _aws(daily_cost=_daily({EC2: 419.0, "Amazon Simple Storage Service": 18.9}))
    return cw, ask("default", question="did our AWS bill go up this week?"), expected(
        "healthy", ["checked"], "Look-alike: spend moved under 2%, nothing idle.")


def idle_aws_resources_ask() -> Scenario:
    cw = busy_world("cost-idle-aws")
    cw.aws = _aws(
        instances=[{"name": "eks-general-1", "type": "m6i.xlarge"}],
        volumes=[{"size_gb": 750, "type": "gp3", "tags": {
            "kubernetes.io/created-for/pvc/name": "data-kafka-old-0",
            "kubernetes.io/created-for/pvc/namespace": "streaming", "ebs.csi.aws.com/cluster": "true"}},
            {"size_gb": 100, "type": "gp3", "attach_to": "eks-general-1"}],
        addresses=[{}, {"associate_with": "eks-general-1"}],
        daily_cost=_daily())
    return cw, ask("default", question="what AWS resources are idle or orphaned?"), expected(
        "cost_idle_resources", ["data-kafka-old-0", "Elastic IP", "estimate"],
        "A 750 GiB volume left by a deleted Kafka claim, and an Elastic IP on nothing; the attached volume and "
        "the associated address are in use.")


def anomaly_orphaned_load_balancer() -> Scenario:
    cw = busy_world("cost-anomaly-alb")
    cw.aws = _aws(instances=[{"name": "eks-general-1", "type": "m6i.xlarge"}],
                  load_balancers=[{"name": "shop-legacy-alb"}, {"name": "shop-live-alb", "targets": ["eks-general-1"]}],
                  addresses=[{}], daily_cost=_daily({"Elastic Load Balancing": 9.9}))
    return cw, alert("CostAnomaly", {"category": "cost", "anomaly_service": "Elastic Load Balancing"},
                     "AWS Cost Anomaly Detection: Elastic Load Balancing", "Cost anomaly of $25 detected in "
                     "Elastic Load Balancing.", minutes_ago=120), expected(
        "cost_idle_resources", ["shop-legacy-alb", "load balancer"],
        "The anomaly is small and spend is flat; what is wasted is a load balancer left with no targets.")


def stopped_instances_ask() -> Scenario:
    cw = busy_world("cost-stopped")
    cw.aws = _aws(instances=[{"name": "build-runner-old", "type": "m5.2xlarge", "state": "stopped"},
                             {"name": "eks-general-1", "type": "m6i.xlarge"}],
                  volumes=[{"size_gb": 1000, "type": "gp3", "attach_to": "build-runner-old"}],
                  daily_cost=_daily())
    return cw, ask("default", question="what are we paying for in AWS that nothing uses?"), expected(
        "cost_idle_resources", ["build-runner-old", "stopped", "estimate"],
        "A stopped build runner keeps a 1000 GiB volume, billed while it is stopped.")


def aws_all_in_use_ask() -> Scenario:
    cw = busy_world("cost-aws-in-use")
    cw.aws = _aws(instances=[{"name": "eks-general-1", "type": "m6i.xlarge"}],
                  volumes=[{"size_gb": 100, "type": "gp3", "attach_to": "eks-general-1"}],
                  addresses=[{"associate_with": "eks-general-1"}],
                  load_balancers=[{"name": "shop-live-alb", "targets": ["eks-general-1"]}],
                  daily_cost=_daily())
    return cw, ask("default", question="is anything idle in our AWS account?"), expected(
        "healthy", ["checked"], "Look-alike: the volume is attached, the address associated, the ALB has a target.")


def spend_by_team_tag_ask() -> Scenario:
    cw = busy_world("cost-team-tag")
    previous = {"team$checkout": 120.0, "team$data-platform": 210.0, "team$": 80.0}
    cw.aws = _aws(daily_cost=_daily(current={"team$checkout": 124.0, "team$data-platform": 455.0, "team$": 81.0},
                                    previous=previous, group_by="TAG:team"))
    return cw, ask("default", question="whose AWS spend went up this week, by tag team?"), expected(
        "cost_spend_increase", ["data-platform"], "Spend by the team tag: data-platform more than doubled.")


def old_snapshots_ask() -> Scenario:
    cw = busy_world("cost-old-snapshots")
    cw.aws = _aws(instances=[{"name": "ledger-db-1", "type": "r5.large"}],
                  volumes=[{"size_gb": 2000, "type": "gp3", "attach_to": "ledger-db-1"},
                           {"size_gb": 100, "type": "gp3", "attach_to": "ledger-db-1"}],
                  snapshots=[{"of_volume": 0, "age_days": 540, "description": "pre-migration copy of ledger-db-1 data"},
                             {"of_volume": 1, "age_days": 6, "description": "daily backup of ledger-db-1 logs"},
                             {"of_volume": 0, "age_days": 400,
                              "description": "Created by CreateImage(i-0a1b2c3d) for ami-0f1e2d3c from vol-0"}],
                  daily_cost=_daily())
    return cw, ask("default", question="are we still paying for old EBS snapshots?"), expected(
        "cost_idle_resources", ["snapshot", "540", "estimate"],
        "A 2000 GiB pre-migration snapshot from a year and a half ago; last week's backup is recent and the "
        "AMI's own snapshot is kept with its image.")


def overprovisioned_opencost_ask() -> Scenario:
    cw = busy_world("cost-opencost-data")
    deploy(cw, "data", "airflow-worker", replicas=3, cpu="2", memory="8Gi", used=(0.06, 0.18))
    deploy(cw, "data", "trino-coordinator", replicas=1, cpu="4", memory="16Gi", used=(0.1, 0.25))
    deploy(cw, "data", "dbt-docs", replicas=1, cpu="250m", memory="512Mi", used=(0.6, 0.7))
    cw.week = {}  # OpenCost runs in this cluster; the week looks like this moment's reading
    return cw, ask("data", question="what in namespace data reserves more than it uses, and what does it cost us?"), \
        expected("cost_overprovisioned", ["airflow-worker", "trino-coordinator", "OpenCost allocation, last 7d",
                                          "estimate"],
                 "OpenCost is installed: the week's averages show airflow-worker and trino-coordinator using a few "
                 "percent of their requests; the saving is priced from their real cost, and the diagnosis says so.")


def reporting_quiet_now_busy_week_ask() -> Scenario:
    cw = busy_world("cost-opencost-reporting")
    deploy(cw, "reporting", "report-api", replicas=3, cpu="2", memory="6Gi", used=(0.04, 0.2))
    cw.week = {("reporting", "report-api"): (0.71, 0.83)}
    return cw, ask("reporting", question="is anything in namespace reporting over-provisioned?"), expected(
        "healthy", ["namespace reporting", "OpenCost allocation, last 7d"],
        "Look-alike: the metrics-server reading was taken at night (4% CPU); the week's OpenCost allocation shows "
        "report-api using 71% / 83% of its requests. Not over-provisioned.")


def cpu_overcommit_opencost_alert() -> Scenario:
    cw = busy_world("cost-opencost-overcommit")
    deploy(cw, "ml", "feature-store", replicas=3, cpu="3", memory="6Gi", used=(0.05, 0.3))
    deploy(cw, "ml", "embedding-batch", replicas=2, cpu="2", memory="8Gi", used=(0.03, 0.1))
    cw.week = {("ml", "embedding-batch"): (0.8, 0.75)}
    return cw, alert("KubeCPUOvercommit", {}, "Cluster has overcommitted CPU resource requests.",
                     "Cluster has overcommitted CPU resource requests for Pods by 1.6 CPU shares and cannot "
                     "tolerate node failure.", minutes_ago=30), expected(
        "cost_overprovisioned", ["feature-store", "OpenCost allocation, last 7d", "estimate"],
        "feature-store reserves 9 CPU and uses 5% over the week; embedding-batch is idle at this reading but "
        "busy over the week (80%) and must not be listed.")
