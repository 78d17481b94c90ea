"""The realistic base every scenario starts from: 5 nodes, a full kube-system, ingress, monitoring, 3 apps."""

import hashlib
from datetime import UTC, datetime, timedelta

from devtools.heldout.base_apps import add_identity, add_payments, add_storefront
from devtools.heldout.base_system import add_ingress_and_monitoring, add_kube_system
from devtools.heldout.cluster import Cluster
from devtools.heldout.store import DAY

_EPOCH = datetime(2025, 9, 1, 2, 0, tzinfo=UTC)
GENERAL_IPS = ("10.42.11.87", "10.42.37.142", "10.42.60.23")
BATCH_IP = "10.42.44.201"
CORDONED_IP = "10.42.18.9"


def node_name(ip: str) -> str:
    return f"ip-{ip.replace('.', '-')}.eu-west-1.compute.internal"


def base_cluster(name: str, *, apps: bool = True, before_workloads: object = None) -> Cluster:
    """The base cluster for scenario `name` (its seed and its fixed `now`).

    `before_workloads`, a callable taking the Cluster, may add or change nodes before pods are placed.
    """
    offset = int(hashlib.sha256(name.encode()).hexdigest(), 16) % (60 * 24 * 60)
    now = _EPOCH + timedelta(minutes=offset, seconds=offset % 53)
    c = Cluster(name, now, registry="418273645509.dkr.ecr.eu-west-1.amazonaws.com", cluster_name="prod-euw1")
    for ip, zone in zip(GENERAL_IPS, ("eu-west-1a", "eu-west-1b", "eu-west-1c"), strict=True):
        c.node(ip, zone=zone, created=34 * DAY)
    c.node(
        BATCH_IP,
        zone="eu-west-1b",
        instance_type="r6i.2xlarge",
        nodegroup="ng-batch",
        cpu=8,
        memory_gi=64,
        taints=[{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}],
        labels={"node-pool": "batch"},
        created=12 * DAY,
    )
    # Cordoned this morning for the AMI rotation; still running its DaemonSet pods.
    c.node(
        CORDONED_IP,
        zone="eu-west-1a",
        created=61 * DAY,
        unschedulable=True,
        taints=[
            {
                "key": "node.kubernetes.io/unschedulable",
                "effect": "NoSchedule",
                "timeAdded": c.clock.ago(hours=5),
            }
        ],
    )
    if callable(before_workloads):
        before_workloads(c)
    for ns, created in (
        ("default", 400 * DAY),
        ("kube-system", 400 * DAY),
        ("kube-public", 400 * DAY),
        ("kube-node-lease", 400 * DAY),
        ("ingress-nginx", 380 * DAY),
        ("monitoring", 380 * DAY),
    ):
        c.namespace(ns, created=created)
    c.service(
        "default",
        "kubernetes",
        None,
        [("https", 443, 443)],
        labels={"component": "apiserver", "provider": "kubernetes"},
        created=400 * DAY,
    )
    for sc, default in (("gp3", True), ("gp2", False)):
        c.storage_class(sc, default=default)
    add_kube_system(c)
    add_ingress_and_monitoring(c)
    if apps:
        for ns, team in (("storefront", "shop"), ("payments", "payments"), ("identity", "identity")):
            c.namespace(ns, created=300 * DAY, labels={"team": team})
        add_storefront(c)
        add_payments(c)
        add_identity(c)
    return c
