"""Following the chain to the root: the failing pod is often only a symptom of a broken dependency.

Each case is a small cluster where a client fails because something it depends on is broken one or
two objects away (a Service with no ready backends, a claim that cannot bind, a node under pressure,
a failed Job, a missing ConfigMap), and red herrings where the dependency is healthy or unrelated.
The whole rules planner runs on it; the best finding must name the root's class and carry the path
it followed as `chain`, symptom first, root last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from cluster_builders import (
    EARLIER,
    cond,
    container,
    deployment,
    event,
    evidence,
    incident,
    node,
    obj,
    pod,
    replicaset,
    waiting,
)

from shared.analyzers import ANALYZERS
from shared.evaluation import readable_text
from shared.planners import rules

CLIENT = "cart-api-7c9d8-x2x4q"
NODES = [node("node-a"), node("node-b")]
NOT_READY = [cond("Ready", "False", "ContainersNotReady", "containers with unready status: [app]")]
READY = [cond("Ready", "True")]


# --- builders ---------------------------------------------------------------------------------


def env(name: str, value: str) -> dict[str, str]:
    return {"name": name, "value": value}


def crashing(name: str = CLIENT, ns: str = "shop", *, env_vars: list[dict[str, Any]] | None = None,
             labels: dict[str, str] | None = None, node_name: str = "node-a", exit_code: int = 1,
             reason: str = "Error") -> dict[str, Any]:
    """A pod whose only container crash-loops."""
    last = {"exitCode": exit_code, "reason": reason, "startedAt": "2025-05-14T08:38:40Z",
            "finishedAt": "2025-05-14T08:38:55Z"}
    return pod(name, ns, containers=[container("app", env=env_vars or [])], node=node_name,
               labels=labels or {"app": name.rsplit("-", 2)[0]},
               owner=("ReplicaSet", name.rsplit("-", 1)[0]),
               statuses=[waiting("app", "CrashLoopBackOff", "back-off 5m0s restarting failed container", restarts=9,
                                 last=last)],
               conditions=NOT_READY)


def running(name: str, ns: str = "shop", *, labels: dict[str, str], ready: bool = True, node_name: str = "node-a",
            ip: str = "10.244.1.20") -> dict[str, Any]:
    p = pod(name, ns, node=node_name, labels=labels, owner=("ReplicaSet", name.rsplit("-", 1)[0]),
            conditions=READY if ready else NOT_READY, status={"podIP": ip})
    p["status"]["containerStatuses"][0]["ready"] = ready
    return p


def pending(name: str, ns: str = "shop", *, labels: dict[str, str], claim: str | None = None,
            requests: dict[str, str] | None = None, message: str = "", owner: tuple[str, str] | None = None,
            spec: dict[str, Any] | None = None) -> dict[str, Any]:
    extra = dict(spec or {})
    if claim:
        extra["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]
    return pod(name, ns, node=None, phase="Pending", statuses=[], labels=labels,
               containers=[container(name.rsplit("-", 1)[0], requests=requests)],
               owner=owner or ("StatefulSet", name.rsplit("-", 1)[0]), spec=extra,
               conditions=[cond("PodScheduled", "False", "Unschedulable", message)])


def service(name: str, ns: str = "shop", *, selector: dict[str, str] | None, ip: str, port: int) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": "ClusterIP", "clusterIP": ip, "ports": [{"port": port, "targetPort": port,
                                                                             "protocol": "TCP"}]}
    if selector is not None:
        spec["selector"] = selector
    return obj("Service", name, ns, spec=spec)


def endpoints(name: str, ns: str = "shop", ready: tuple[str, ...] = (), not_ready: tuple[str, ...] = (),
              port: int = 80) -> dict[str, Any]:
    subset: dict[str, Any] = {"ports": [{"port": port, "protocol": "TCP"}]}
    if ready:
        subset["addresses"] = [{"ip": ip} for ip in ready]
    if not_ready:
        subset["notReadyAddresses"] = [{"ip": ip} for ip in not_ready]
    return obj("Endpoints", name, ns, subsets=[subset] if ready or not_ready else [])


def pvc(name: str, ns: str = "shop", storage_class: str | None = "standard") -> dict[str, Any]:
    spec: dict[str, Any] = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    return obj("PersistentVolumeClaim", name, ns, spec=spec, status={"phase": "Pending"})


def storage_class(name: str, provisioner: str = "ebs.csi.aws.com", default: bool = False) -> dict[str, Any]:
    annotations = {"storageclass.kubernetes.io/is-default-class": "true"} if default else {}
    return obj("StorageClass", name, None, api="storage.k8s.io/v1", provisioner=provisioner,
               volumeBindingMode="Immediate", metadata={"annotations": annotations})


def scheduling_failed(name: str, message: str, ns: str = "shop") -> dict[str, Any]:
    return event("Pod", name, "FailedScheduling", message, namespace=ns, count=30)


def client_service() -> list[dict[str, Any]]:
    """The client's own Service: it has no endpoints either, because the client is the one failing."""
    return [service("cart-api", selector={"app": "cart-api"}, ip="10.96.0.80", port=8080), endpoints("cart-api")]


def logs_of(pod_name: str, text: str, ns: str = "shop", container_name: str = "app",
            previous: bool = True) -> dict[Any, str]:
    return {(ns, pod_name, container_name, previous): text}


# --- the table ------------------------------------------------------------------------------------


@dataclass
class Case:
    objects: list[dict[str, Any]]
    logs: dict[Any, str]
    category: str
    chain: list[str]  # the objects of the chain, symptom first, root last; [] for no chain
    mentions: list[str] = field(default_factory=list)
    pod: str = CLIENT
    inc: dict[str, Any] = field(default_factory=dict)
    observed: bool = True  # every link observed (strong) or one inferred (weaker, said so)
    strong_root: bool = True  # the root's own reading is conclusive (not an unexplained crash)


def _redis_pvc_missing_storage_class() -> Case:
    return Case(
        [crashing(), *client_service(), *NODES,
         service("redis", selector={"app": "redis"}, ip="10.96.113.7", port=6379), endpoints("redis"),
         pending("redis-0", labels={"app": "redis"}, claim="data-redis-0",
                 message="0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: "
                         "0/2 nodes are available: 2 Preemption is not helpful for scheduling."),
         scheduling_failed("redis-0", "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims."),
         pvc("data-redis-0", storage_class="fast-ssd"), storage_class("standard", default=True),
         event("PersistentVolumeClaim", "data-redis-0", "ProvisioningFailed",
               'storageclass.storage.k8s.io "fast-ssd" not found', component="persistentvolume-controller")],
        logs_of(CLIENT, "info: listening on :8080\n[ioredis] Unhandled error event: Error: connect ECONNREFUSED "
                        "redis:6379\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\n"
                        "Error: Redis connection to redis:6379 failed - connect ECONNREFUSED 10.96.113.7:6379\n"),
        "pending_unbound_pvc",
        [f"Pod/shop/{CLIENT}", "Service/shop/redis", "Pod/shop/redis-0", "PersistentVolumeClaim/shop/data-redis-0",
         "StorageClass/fast-ssd"],
        ["fast-ssd", "redis"],
    )


def _selector_matches_nothing() -> Case:
    return Case(
        [crashing(), *client_service(), *NODES,
         service("postgres", selector={"app": "postgresql"}, ip="10.96.20.4", port=5432), endpoints("postgres"),
         running("postgres-0", labels={"app": "postgres"}, ip="10.244.1.9")],
        logs_of(CLIENT, 'time="2025-05-14T08:38:55Z" level=fatal msg="cannot open database" '
                        'error="dial tcp 10.96.20.4:5432: connect: connection refused"\n'),
        "service_no_endpoints",
        [f"Pod/shop/{CLIENT}", "Service/shop/postgres"],
        ["postgres", "app=postgresql"],
    )


def _dependency_pending_for_cpu() -> Case:
    return Case(
        [crashing(), *client_service(), *NODES,
         service("orders-db", selector={"app": "orders-db"}, ip="10.96.7.7", port=5432), endpoints("orders-db"),
         pending("orders-db-0", labels={"app": "orders-db"}, requests={"cpu": "8", "memory": "4Gi"},
                 message="0/2 nodes are available: 2 Insufficient cpu."),
         scheduling_failed("orders-db-0", "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are "
                                          "available: 2 No preemption victims found for incoming pod.")],
        logs_of(CLIENT, "Traceback (most recent call last):\n  File \"/app/main.py\", line 12, in <module>\n"
                        "    engine.connect()\npsycopg2.OperationalError: could not connect to server: Connection "
                        "refused\n\tIs the server running on host \"orders-db\" (10.96.7.7) and accepting\n\t"
                        "TCP/IP connections on port 5432?\n"),
        "pending_insufficient_resources",
        [f"Pod/shop/{CLIENT}", "Service/shop/orders-db", "Pod/shop/orders-db-0"],
        ["orders-db", "cpu"],
    )


def _dependency_node_disk_pressure() -> Case:
    pressured = node("node-b", conditions=[cond("Ready", "True", "KubeletReady"),
                                           cond("DiskPressure", "True", "KubeletHasDiskPressure",
                                                "kubelet has disk pressure")],
                     taints=[{"key": "node.kubernetes.io/disk-pressure", "effect": "NoSchedule"}])
    cp = node("cp-0", taints=[{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}])
    message = ("0/2 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
               "1 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }.")
    return Case(
        [crashing(node_name="node-b"), *client_service(), pressured, cp,
         service("sessions", selector={"app": "sessions"}, ip="10.96.9.9", port=6379), endpoints("sessions"),
         pending("sessions-5f7b9-k2x8d", labels={"app": "sessions"}, message=message,
                 owner=("ReplicaSet", "sessions-5f7b9")),
         scheduling_failed("sessions-5f7b9-k2x8d", message)],
        logs_of(CLIENT, "Traceback (most recent call last):\n  File \"/app/cache.py\", line 40, in get\n"
                        "redis.exceptions.ConnectionError: Error 111 connecting to sessions:6379. Connection refused.\n"),
        "node_pressure",
        [f"Pod/shop/{CLIENT}", "Service/shop/sessions", "Pod/shop/sessions-5f7b9-k2x8d", "Node/node-b"],
        ["node-b", "DiskPressure"],
    )


def _init_waits_for_failed_job() -> Case:
    init = container("wait-for-migrations", "ghcr.io/groundnuty/k8s-wait-for:v2.0", args=["job", "db-migrate"])
    client = pod(CLIENT, containers=[container("app")], phase="Pending", labels={"app": "cart-api"},
                 owner=("ReplicaSet", "cart-api-7c9d8"), spec={"initContainers": [init]},
                 statuses=[waiting("app", "PodInitializing")],
                 status={"initContainerStatuses": [{"name": "wait-for-migrations", "ready": False, "restartCount": 0,
                                                    "state": {"running": {"startedAt": EARLIER}}}]},
                 conditions=[cond("Initialized", "False", "ContainersNotInitialized")])
    job = obj("Job", "db-migrate", "shop", api="batch/v1", spec={"backoffLimit": 2},
              status={"failed": 3, "conditions": [cond("Failed", "True", "BackoffLimitExceeded",
                                                       "Job has reached the specified backoff limit")]})
    job_pod = pod("db-migrate-7xk2p", phase="Failed", labels={"job-name": "db-migrate"}, owner=("Job", "db-migrate"),
                  statuses=[{"name": "app", "ready": False, "restartCount": 0, "image": "x",
                             "state": {"terminated": {"exitCode": 1, "reason": "Error"}}}])
    return Case(
        [client, *client_service(), *NODES, job, job_pod],
        {**logs_of(CLIENT, "[2025-05-14 08:39:00] Waiting for job db-migrate...\n" * 5,
                   container_name="wait-for-migrations", previous=False),
         **logs_of("db-migrate-7xk2p", 'alembic.util.exc.CommandError: Can\'t locate revision identified by '
                                       "'4f2a9c1d'\n", previous=False)},
        "job_backoff_limit",
        [f"Pod/shop/{CLIENT}", "Job/shop/db-migrate"],
        ["db-migrate"],
    )


def _dependency_missing_configmap() -> Case:
    dep = pod("inventory-6d5f9-q8w2e", labels={"app": "inventory"}, owner=("ReplicaSet", "inventory-6d5f9"),
              containers=[container("inventory", envFrom=[{"configMapRef": {"name": "inventory-config"}}])],
              phase="Pending",
              statuses=[waiting("inventory", "CreateContainerConfigError", 'configmap "inventory-config" not found')],
              conditions=NOT_READY)
    return Case(
        [crashing(), *client_service(), *NODES, dep,
         service("inventory", selector={"app": "inventory"}, ip="10.96.30.3", port=8080), endpoints("inventory"),
         event("Pod", "inventory-6d5f9-q8w2e", "Failed", 'Error: configmap "inventory-config" not found',
               component="kubelet")],
        logs_of(CLIENT, "FetchError: request to http://inventory:8080/v1/stock failed, reason: connect ECONNREFUSED "
                        "10.96.30.3:8080\n    at ClientRequest.<anonymous> (/app/node_modules/node-fetch/lib/index.js:"
                        "1491:11)\n"),
        "create_container_config_missing_configmap",
        [f"Pod/shop/{CLIENT}", "Service/shop/inventory", "Pod/shop/inventory-6d5f9-q8w2e",
         "ConfigMap/shop/inventory-config"],
        ["inventory-config"],
    )


def _cross_namespace_oom() -> Case:
    dep = crashing("sessions-redis-0", "identity", labels={"app": "sessions-redis"}, exit_code=137,
                   reason="OOMKilled")
    dep["metadata"]["ownerReferences"][0]["kind"] = "StatefulSet"
    dep["metadata"]["ownerReferences"][0]["name"] = "sessions-redis"
    return Case(
        [crashing(env_vars=[env("REDIS_ADDR", "sessions-redis.identity.svc:6379")]), *client_service(), *NODES, dep,
         service("sessions-redis", "identity", selector={"app": "sessions-redis"}, ip="10.96.44.2", port=6379),
         endpoints("sessions-redis", "identity")],
        logs_of(CLIENT, 'level=info msg="starting cart-api"\nlevel=fatal msg="cannot reach session store" '
                        'error="dial tcp 10.96.44.2:6379: i/o timeout"\n'),
        "oom_killed",
        [f"Pod/shop/{CLIENT}", "Service/identity/sessions-redis", "Pod/identity/sessions-redis-0"],
        ["sessions-redis"],
    )


def _jdbc_env_only_image_pull() -> Case:
    dep = pod("orders-mysql-0", "data", labels={"app": "orders-mysql"}, owner=("StatefulSet", "orders-mysql"),
              containers=[container("mysql", "mysql:8.0.99")], phase="Pending",
              statuses=[waiting("mysql", "ImagePullBackOff", 'Back-off pulling image "mysql:8.0.99"',
                                image="mysql:8.0.99")], conditions=NOT_READY)
    url = "jdbc:mysql://orders-mysql.data.svc.cluster.local:3306/orders"
    return Case(
        [crashing(env_vars=[env("SPRING_DATASOURCE_URL", url)]), *client_service(), *NODES, dep,
         service("orders-mysql", "data", selector={"app": "orders-mysql"}, ip="10.96.55.5", port=3306),
         endpoints("orders-mysql", "data"),
         event("Pod", "orders-mysql-0", "Failed", 'Failed to pull image "mysql:8.0.99": rpc error: code = NotFound '
               'desc = failed to pull and unpack image "docker.io/library/mysql:8.0.99": docker.io/library/'
               "mysql:8.0.99: not found", namespace="data", component="kubelet")],
        logs_of(CLIENT, "2025-05-14 08:38:54.120 ERROR 1 --- [main] o.s.boot.SpringApplication : Application run "
                        "failed\norg.springframework.beans.factory.BeanCreationException: Error creating bean with "
                        "name 'dataSource'\nCaused by: java.net.ConnectException: Connection refused (Connection "
                        "refused)\n\tat java.base/sun.nio.ch.Net.connect0(Native Method)\n"),
        "image_pull_not_found",
        [f"Pod/shop/{CLIENT}", "Service/data/orders-mysql", "Pod/data/orders-mysql-0"],
        ["orders-mysql", "8.0.99"],
        observed=False,
    )


def _readiness_on_crashing_dependency() -> Case:
    client = running(CLIENT, labels={"app": "cart-api"}, ready=False)
    client["spec"]["containers"][0]["readinessProbe"] = {"httpGet": {"path": "/ready", "port": 8080}}
    return Case(
        [client, *client_service(), *NODES,
         event("Pod", CLIENT, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503",
               count=120, component="kubelet"),
         service("payments", selector={"app": "payments"}, ip="10.96.50.5", port=8080), endpoints("payments"),
         crashing("payments-6c4d-9zq7", labels={"app": "payments"})],
        {**logs_of(CLIENT, 'WARN readiness: upstream payments unavailable: Get "http://payments:8080/health": dial tcp '
                           "10.96.50.5:8080: connect: connection refused\n", previous=False),
         **logs_of("payments-6c4d-9zq7", "Traceback (most recent call last):\n  File \"/app/settings.py\", line 8\n"
                                          "KeyError: 'STRIPE_API_KEY'\n")},
        "crashloop_missing_env",
        [f"Pod/shop/{CLIENT}", "Service/shop/payments", "Pod/shop/payments-6c4d-9zq7"],
        ["STRIPE_API_KEY", "payments"],
    )


def _two_hops_to_a_missing_claim() -> Case:
    return Case(
        [crashing(), *client_service(), *NODES,
         service("api", selector={"app": "api"}, ip="10.96.60.6", port=8080), endpoints("api"),
         crashing("api-5d9c8-7hj2k", labels={"app": "api"}),
         service("db", selector={"app": "db"}, ip="10.96.61.1", port=5432), endpoints("db"),
         pending("db-0", labels={"app": "db"}, claim="data-db-0",
                 message='0/2 nodes are available: persistentvolumeclaim "data-db-0" not found.'),
         scheduling_failed("db-0", '0/2 nodes are available: persistentvolumeclaim "data-db-0" not found. '
                                   "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.")],
        {**logs_of(CLIENT, "Error: connect ECONNREFUSED 10.96.60.6:8080\n    at TCPConnectWrap.afterConnect\n"),
         **logs_of("api-5d9c8-7hj2k", 'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to '
                                      'server at "db" (10.96.61.1), port 5432 failed: Connection refused\n')},
        "pending_unbound_pvc",
        [f"Pod/shop/{CLIENT}", "Service/shop/api", "Pod/shop/api-5d9c8-7hj2k", "Service/shop/db", "Pod/shop/db-0",
         "PersistentVolumeClaim/shop/data-db-0"],
        ["data-db-0"],
    )


def _init_waits_for_service_without_pv() -> Case:
    init = container("wait-for-db", "busybox:1.36",
                     command=["sh", "-c", "until nc -z postgres 5432; do echo waiting for postgres; sleep 2; done"])
    client = pod(CLIENT, containers=[container("app")], phase="Pending", labels={"app": "cart-api"},
                 owner=("ReplicaSet", "cart-api-7c9d8"), spec={"initContainers": [init]},
                 statuses=[waiting("app", "PodInitializing")],
                 status={"initContainerStatuses": [{"name": "wait-for-db", "ready": False, "restartCount": 0,
                                                    "state": {"running": {"startedAt": EARLIER}}}]},
                 conditions=[cond("Initialized", "False", "ContainersNotInitialized")])
    return Case(
        [client, *client_service(), *NODES,
         service("postgres", selector={"app": "postgres"}, ip="10.96.70.7", port=5432), endpoints("postgres"),
         pending("postgres-0", labels={"app": "postgres"}, claim="data-postgres-0",
                 message="0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims."),
         pvc("data-postgres-0", storage_class="local-storage"),
         storage_class("local-storage", provisioner="kubernetes.io/no-provisioner"),
         event("PersistentVolumeClaim", "data-postgres-0", "FailedBinding",
               "no persistent volumes available for this claim and no storage class is set",
               component="persistentvolume-controller")],
        logs_of(CLIENT, "waiting for postgres\n" * 30, container_name="wait-for-db", previous=False),
        "pending_unbound_pvc",
        [f"Pod/shop/{CLIENT}", "Service/shop/postgres", "Pod/shop/postgres-0",
         "PersistentVolumeClaim/shop/data-postgres-0"],
        ["data-postgres-0"],
    )


def _dependency_scaled_to_zero() -> Case:
    search = obj("Deployment", "search", "shop", api="apps/v1",
                 spec={"replicas": 0, "selector": {"matchLabels": {"app": "search"}},
                       "template": {"metadata": {"labels": {"app": "search"}}, "spec": {"containers": [container()]}}},
                 status={"replicas": 0})
    return Case(
        [crashing(), *client_service(), *NODES, search,
         service("search", selector={"app": "search"}, ip="10.96.80.8", port=9200), endpoints("search")],
        logs_of(CLIENT, "requests.exceptions.ConnectionError: HTTPConnectionPool(host='search', port=9200): Max "
                        "retries exceeded with url: /products/_search (Caused by NewConnectionError('<urllib3."
                        "connection.HTTPConnection object at 0x7f3a>: Failed to establish a new connection: [Errno "
                        "111] Connection refused'))\n"),
        "service_no_endpoints",
        [f"Pod/shop/{CLIENT}", "Service/shop/search", "Deployment/shop/search"],
        ["search", "replicas"],
    )


def _short_name_across_namespaces() -> Case:
    return Case(
        [crashing(), *client_service(), *NODES,
         service("orders-db", "data", selector={"app": "orders-db"}, ip="10.96.90.9", port=5432),
         endpoints("orders-db", "data", ready=("10.244.2.7",)),
         running("orders-db-0", "data", labels={"app": "orders-db"})],
        logs_of(CLIENT, 'panic: dial tcp: lookup orders-db on 10.96.0.10:53: no such host\n\ngoroutine 1 [running]:\n'
                        "main.main()\n\t/src/main.go:31 +0x1d9\n"),
        "crashloop_app_error",
        [f"Pod/shop/{CLIENT}", "Service/shop/orders-db"],
        ["orders-db.data"],
    )


def _dependency_on_not_ready_node() -> Case:
    down = node("node-c", conditions=[cond("Ready", "Unknown", "NodeStatusUnknown",
                                           "Kubelet stopped posting node status.")])
    dep = running("catalog-mongo-0", labels={"app": "catalog-mongo"}, ready=False, node_name="node-c",
                  ip="10.244.2.15")
    return Case(
        [crashing(), *client_service(), *NODES, down, dep,
         service("catalog-mongo", selector={"app": "catalog-mongo"}, ip="10.96.99.1", port=27017),
         endpoints("catalog-mongo", not_ready=("10.244.2.15",))],
        logs_of(CLIENT, "MongoNetworkError: failed to connect to server [catalog-mongo:27017] on first connect "
                        "[Error: connect ETIMEDOUT 10.244.2.15:27017]\n"),
        "node_not_ready",
        [f"Pod/shop/{CLIENT}", "Service/shop/catalog-mongo", "Pod/shop/catalog-mongo-0", "Node/node-c"],
        ["node-c"],
    )


def _asked_about_a_service_whose_pods_cannot_bind() -> Case:
    return Case(
        [*NODES, service("cart-cache", selector={"app": "cart-cache"}, ip="10.96.11.1", port=6379),
         endpoints("cart-cache"),
         pending("cart-cache-0", labels={"app": "cart-cache"}, claim="data-cart-cache-0",
                 message="0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims."),
         pvc("data-cart-cache-0", storage_class="premium-rwo"), storage_class("standard", default=True),
         event("PersistentVolumeClaim", "data-cart-cache-0", "ProvisioningFailed",
               'storageclass.storage.k8s.io "premium-rwo" not found', component="persistentvolume-controller")],
        {},
        "pending_unbound_pvc",
        ["Service/shop/cart-cache", "Pod/shop/cart-cache-0", "PersistentVolumeClaim/shop/data-cart-cache-0",
         "StorageClass/premium-rwo"],
        ["premium-rwo"],
        inc={"object_kind": "Service", "object_name": "cart-cache", "source": "manual",
             "workload_kind": "Service", "workload": "cart-cache", "pod": None},
    )


# Red herrings: the dependency is healthy, unrelated, or not what killed the client.


def _healthy_dependency() -> Case:
    return Case(
        [crashing(), *client_service(), *NODES,
         service("redis", selector={"app": "redis"}, ip="10.96.113.7", port=6379),
         endpoints("redis", ready=("10.244.1.30",), port=6379),
         running("redis-0", labels={"app": "redis"}, ip="10.244.1.30")],
        logs_of(CLIENT, "Error: Redis connection to redis:6379 failed - connect ECONNREFUSED 10.96.113.7:6379\n"),
        "crashloop_app_error", [], ["ECONNREFUSED"],
    )


def _noisy_neighbour() -> Case:
    neighbour = crashing("batch-report-28f9c-zz1", "analytics", labels={"app": "batch-report"}, exit_code=137,
                         reason="OOMKilled")
    return Case(
        [crashing(), *client_service(), *NODES, neighbour],
        {**logs_of(CLIENT, "Traceback (most recent call last):\n  File \"/app/pricing.py\", line 88, in parse\n"
                           "ValueError: invalid literal for int() with base 10: 'N/A'\n"),
         **logs_of("batch-report-28f9c-zz1", "Killed\n", ns="analytics")},
        "crashloop_app_error", [], ["ValueError"],
    )


def _broken_dependency_not_what_killed_it() -> Case:
    return Case(
        [crashing(env_vars=[env("CACHE_URL", "redis://cache:6379/0")]), *client_service(), *NODES,
         service("cache", selector={"app": "cache"}, ip="10.96.12.12", port=6379), endpoints("cache"),
         pending("cache-0", labels={"app": "cache"}, requests={"cpu": "16"},
                 message="0/2 nodes are available: 2 Insufficient cpu.")],
        logs_of(CLIENT, "Traceback (most recent call last):\n  File \"/app/report.py\", line 20, in <module>\n"
                        "ZeroDivisionError: division by zero\n"),
        "crashloop_app_error", [], ["ZeroDivisionError"],
    )


def _external_endpoints_without_selector() -> Case:
    return Case(
        [crashing(), *client_service(), *NODES, service("legacy-db", selector=None, ip="10.96.13.13", port=5432),
         endpoints("legacy-db", ready=("192.168.10.5",), port=5432)],
        logs_of(CLIENT, "psycopg2.OperationalError: could not connect to server: Connection refused\n\tIs the server "
                        "running on host \"legacy-db\" (10.96.13.13) and accepting\n\tTCP/IP connections on port "
                        "5432?\n"),
        "crashloop_app_error", [], [],
    )


def _dependency_rollout_dropped_an_env_var() -> Case:
    new = [container("payments", "ghcr.io/acme/payments:2.4.0")]
    old = [container("payments", "ghcr.io/acme/payments:2.3.1", env=[env("STRIPE_API_KEY_FILE", "/secrets/key")])]
    dep = crashing("payments-7d9f6-n4k2z", labels={"app": "payments", "pod-template-hash": "7d9f6"})
    return Case(
        [crashing(), *client_service(), *NODES, dep,
         deployment("payments", containers=new, revision=5, replicas=1, status={"readyReplicas": 0}),
         replicaset("payments-7d9f6", "payments", 5, new, replicas=1, ready=0),
         replicaset("payments-5c8b7", "payments", 4, old, replicas=0, ready=0),
         service("payments", selector={"app": "payments"}, ip="10.96.50.5", port=8080), endpoints("payments")],
        {**logs_of(CLIENT, "upstream payments:8080 connect error: dial tcp 10.96.50.5:8080: connect: connection "
                           "refused\n"),
         **logs_of("payments-7d9f6-n4k2z", "Traceback (most recent call last):\n  File \"/app/settings.py\", "
                                           "line 8\nKeyError: 'STRIPE_API_KEY_FILE'\n")},
        "crashloop_missing_env",
        [f"Pod/shop/{CLIENT}", "Service/shop/payments", "Pod/shop/payments-7d9f6-n4k2z", "Deployment/shop/payments"],
        ["STRIPE_API_KEY_FILE", "revision 5"],
    )


def _client_deadline_exceeded_to_pending_dependency() -> Case:
    client = running(CLIENT, labels={"app": "cart-api"}, ready=False)
    client["spec"]["containers"][0]["readinessProbe"] = {"httpGet": {"path": "/healthz", "port": 8080}}
    return Case(
        [client, *client_service(), *NODES,
         service("inventory", selector={"app": "inventory"}, ip="10.96.31.3", port=8080), endpoints("inventory"),
         pending("inventory-0", labels={"app": "inventory"}, requests={"memory": "64Gi"},
                 message="0/2 nodes are available: 2 Insufficient memory."),
         scheduling_failed("inventory-0", "0/2 nodes are available: 2 Insufficient memory.")],
        logs_of(CLIENT, 'level=warn msg="stock lookup failed" err="Get \\"http://inventory.shop.svc.cluster.local:8080/'
                        'v1/stock\\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"\n',
                previous=False),
        "pending_insufficient_resources",
        [f"Pod/shop/{CLIENT}", "Service/shop/inventory", "Pod/shop/inventory-0"],
        ["memory"],
    )


def _dns_server_down() -> Case:
    coredns = crashing("coredns-5d78c9869d-abcde", "kube-system", labels={"k8s-app": "kube-dns"})
    return Case(
        [crashing(), *client_service(), *NODES, coredns,
         service("redis", selector={"app": "redis"}, ip="10.96.113.7", port=6379),
         endpoints("redis", ready=("10.244.1.30",), port=6379),
         running("redis-0", labels={"app": "redis"}, ip="10.244.1.30"),
         service("kube-dns", "kube-system", selector={"k8s-app": "kube-dns"}, ip="10.96.0.10", port=53),
         endpoints("kube-dns", "kube-system")],
        {**logs_of(CLIENT, "Error: getaddrinfo EAI_AGAIN redis\n    at GetAddrInfoReqWrap.onlookup [as oncomplete]\n"),
         **logs_of("coredns-5d78c9869d-abcde", "[FATAL] plugin/loop: Loop (127.0.0.1:34501 -> :53) detected for zone "
                                               '".", see https://coredns.io/plugins/loop#troubleshooting\n',
                   ns="kube-system")},
        "crashloop_app_error",
        [f"Pod/shop/{CLIENT}", "Service/kube-system/kube-dns", "Pod/kube-system/coredns-5d78c9869d-abcde"],
        ["coredns", "kube-dns"],
        strong_root=False,
    )


def _failed_job_whose_database_is_pending() -> Case:
    job = obj("Job", "db-migrate", "shop", api="batch/v1", spec={"backoffLimit": 1},
              status={"failed": 2, "conditions": [cond("Failed", "True", "BackoffLimitExceeded",
                                                       "Job has reached the specified backoff limit")]})
    job_pod = pod("db-migrate-7xk2p", phase="Failed", labels={"job-name": "db-migrate"}, owner=("Job", "db-migrate"),
                  statuses=[{"name": "app", "ready": False, "restartCount": 0, "image": "x",
                             "state": {"terminated": {"exitCode": 1, "reason": "Error"}}}])
    return Case(
        [job, job_pod, *NODES,
         service("postgres", selector={"app": "postgres"}, ip="10.96.70.7", port=5432), endpoints("postgres"),
         pending("postgres-0", labels={"app": "postgres"}, claim="data-postgres-0",
                 message="0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims."),
         pvc("data-postgres-0", storage_class="gp3-encrypted"), storage_class("gp2", default=True)],
        logs_of("db-migrate-7xk2p", "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not connect "
                                    'to server: Connection refused\n\tIs the server running on host "postgres" '
                                    "(10.96.70.7) and accepting\n\tTCP/IP connections on port 5432?\n",
                previous=False),
        "pending_unbound_pvc",
        ["Job/shop/db-migrate", "Pod/shop/db-migrate-7xk2p", "Service/shop/postgres", "Pod/shop/postgres-0",
         "PersistentVolumeClaim/shop/data-postgres-0", "StorageClass/gp3-encrypted"],
        ["gp3-encrypted"],
        pod="",
        inc={"object_kind": "Job", "object_name": "db-migrate", "workload_kind": "Job", "workload": "db-migrate",
             "pod": None, "family": "job", "reason": "KubeJobFailed", "source": "alertmanager"},
    )


def _dependency_cannot_create_pods_over_quota() -> Case:
    tmpl = [container("cache", "redis:7.4", limits={"memory": "1Gi"})]
    failure = ('pods "cache-6f9c7-x7kqz" is forbidden: exceeded quota: mem-quota, requested: limits.memory=1Gi, '
               "used: limits.memory=7680Mi, limited: limits.memory=8Gi")
    rs = replicaset("cache-6f9c7", "cache", 3, tmpl, replicas=1, ready=0)
    rs["metadata"]["labels"] = {"app": "cache"}
    rs["spec"]["selector"] = {"matchLabels": {"app": "cache"}}
    return Case(
        [crashing(), *client_service(), *NODES, rs,
         deployment("cache", containers=tmpl, replicas=1, revision=3, status={"readyReplicas": 0, "replicas": 0}),
         obj("ResourceQuota", "mem-quota", spec={"hard": {"limits.memory": "8Gi"}},
             status={"hard": {"limits.memory": "8Gi"}, "used": {"limits.memory": "7680Mi"}}),
         event("ReplicaSet", "cache-6f9c7", "FailedCreate", f"Error creating: {failure}",
               component="replicaset-controller", count=19),
         service("cache", selector={"app": "cache"}, ip="10.96.12.12", port=6379), endpoints("cache")],
        logs_of(CLIENT, "redis.exceptions.ConnectionError: Error 111 connecting to cache:6379. Connection refused.\n"),
        "resource_quota_exceeded",
        [f"Pod/shop/{CLIENT}", "Service/shop/cache", "Deployment/shop/cache", "ResourceQuota/shop/mem-quota"],
        ["mem-quota"],
    )


def _rollout_alert_on_pods_not_ready_behind_a_dependency() -> Case:
    case = _selector_matches_nothing()
    rs_new = replicaset("cart-api-7c9d8", "cart-api", 6, [container("app")], replicas=1, ready=0)
    rs_old = replicaset("cart-api-55d4b", "cart-api", 5, [container("app", "registry.example.com/shop/app:0.9")],
                        replicas=0, ready=0)
    deploy = deployment("cart-api", containers=[container("app")], replicas=1, revision=6,
                        status={"readyReplicas": 0, "availableReplicas": 0, "unavailableReplicas": 1},
                        conditions=[cond("Progressing", "False", "ProgressDeadlineExceeded",
                                         'ReplicaSet "cart-api-7c9d8" has timed out progressing.'),
                                    cond("Available", "False", "MinimumReplicasUnavailable")])
    case.objects += [rs_new, rs_old, deploy]
    case.chain = ["Deployment/shop/cart-api", *case.chain]
    case.pod = ""
    case.inc = {"object_kind": "Deployment", "object_name": "cart-api", "workload_kind": "Deployment",
                "workload": "cart-api", "pod": None, "reason": "KubeDeploymentRolloutStuck", "family": "rollout",
                "source": "alertmanager"}
    return case


def _own_claim_of_a_missing_storage_class() -> Case:
    return Case(
        [*NODES, pending("cart-redis-0", labels={"app": "cart-redis"}, claim="data-cart-redis-0",
                         message="0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims."),
         pvc("data-cart-redis-0", storage_class="fast-ssd"), storage_class("standard", default=True),
         event("PersistentVolumeClaim", "data-cart-redis-0", "ProvisioningFailed",
               'storageclass.storage.k8s.io "fast-ssd" not found', component="persistentvolume-controller")],
        {},
        "pending_unbound_pvc",
        ["Pod/shop/cart-redis-0", "PersistentVolumeClaim/shop/data-cart-redis-0", "StorageClass/fast-ssd"],
        ["fast-ssd"],
        pod="cart-redis-0",
        inc={"reason": "FailedScheduling", "family": "scheduling"},
    )


def _own_configmap_missing() -> Case:
    dep = pod("inventory-6d5f9-q8w2e", labels={"app": "inventory"}, owner=("ReplicaSet", "inventory-6d5f9"),
              containers=[container("inventory", envFrom=[{"configMapRef": {"name": "inventory-config"}}])],
              phase="Pending",
              statuses=[waiting("inventory", "CreateContainerConfigError", 'configmap "inventory-config" not found')],
              conditions=NOT_READY)
    return Case(
        [*NODES, dep, event("Pod", "inventory-6d5f9-q8w2e", "Failed", 'Error: configmap "inventory-config" not found',
                            component="kubelet")],
        {},
        "create_container_config_missing_configmap",
        ["Pod/shop/inventory-6d5f9-q8w2e", "ConfigMap/shop/inventory-config"],
        ["inventory-config"],
        pod="inventory-6d5f9-q8w2e",
        inc={"reason": "Failed", "family": "container_config"},
    )


def _own_node_not_ready_with_its_other_pods() -> Case:
    down = node("node-c", conditions=[cond("Ready", "Unknown", "NodeStatusUnknown",
                                           "Kubelet stopped posting node status.")])
    pods = [running(f"risk-scorer-5c7d9-{i}aaaa", labels={"app": "risk-scorer"}, ready=False, node_name="node-c",
                    ip=f"10.244.3.{i}") for i in range(1, 4)]
    return Case(
        [*NODES, down, *pods],
        {},
        "node_not_ready",
        ["Pod/shop/risk-scorer-5c7d9-1aaaa", "Node/node-c"],
        ["node-c", "3 pods"],
        pod="risk-scorer-5c7d9-1aaaa",
        inc={"reason": "NodeNotReady", "family": "node"},
    )


def _own_service_empty_because_it_crashes() -> Case:
    return Case(
        [crashing(), *client_service(), *NODES],
        logs_of(CLIENT, "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: "
                        "segmentation violation code=0x1 addr=0x0 pc=0x6b5f2a]\n\ngoroutine 1 [running]:\n"),
        "crashloop_app_error", [], ["nil pointer"],
        inc={"workload_kind": "Deployment", "workload": "cart-api"},
    )


CASES = {
    "a client refused by redis whose pod waits for a claim of a StorageClass that does not exist":
        _redis_pvc_missing_storage_class,
    "a client refused by a Service whose selector matches no pod": _selector_matches_nothing,
    "a client refused by a database whose pod is Pending for CPU": _dependency_pending_for_cpu,
    "a client refused by a cache whose pod cannot land because the node has DiskPressure":
        _dependency_node_disk_pressure,
    "an init container waiting on a Job that hit its backoff limit": _init_waits_for_failed_job,
    "a client refused by a service whose pods miss their ConfigMap": _dependency_missing_configmap,
    "a client timing out on a cross-namespace redis that is OOMKilled": _cross_namespace_oom,
    "a JDBC URL in env and a bare ConnectException: an inferred link to a database whose image is missing":
        _jdbc_env_only_image_pull,
    "a readiness probe failing because the upstream crash-loops on a missing env var":
        _readiness_on_crashing_dependency,
    "two hops: client to api to a database whose claim does not exist": _two_hops_to_a_missing_claim,
    "an init container waiting with nc for a database with no PersistentVolume": _init_waits_for_service_without_pv,
    "a client refused by a Service whose Deployment is scaled to zero": _dependency_scaled_to_zero,
    "a short Service name that only exists in another namespace": _short_name_across_namespaces,
    "a client timing out on a database whose node is NotReady": _dependency_on_not_ready_node,
    "a Service asked about whose pods wait for a claim of a missing StorageClass":
        _asked_about_a_service_whose_pods_cannot_bind,
    "a client refused by a dependency whose latest revision dropped an env var": _dependency_rollout_dropped_an_env_var,
    "a readiness probe failing on a timeout to a dependency Pending for memory":
        _client_deadline_exceeded_to_pending_dependency,
    "a name that does not resolve although its Service exists: the cluster DNS has no endpoints": _dns_server_down,
    "a failed Job whose database waits for a claim of a missing StorageClass": _failed_job_whose_database_is_pending,
    "a client refused by a cache whose Deployment cannot create pods over its quota":
        _dependency_cannot_create_pods_over_quota,
    "a stuck rollout whose new pods crash because their dependency selects nothing":
        _rollout_alert_on_pods_not_ready_behind_a_dependency,
    "a pod's own claim of a StorageClass that does not exist: Pod, claim, class": _own_claim_of_a_missing_storage_class,
    "a pod's own missing ConfigMap: Pod, ConfigMap": _own_configmap_missing,
    "a pod on a NotReady node, with the node's other failing pods counted": _own_node_not_ready_with_its_other_pods,
    "red herring: the dependency the log names is healthy": _healthy_dependency,
    "red herring: an unrelated OOMKilled neighbour on the same node": _noisy_neighbour,
    "red herring: a broken Service in env, but the crash is an unrelated error": _broken_dependency_not_what_killed_it,
    "red herring: a Service without selector (external endpoints) is not judged": _external_endpoints_without_selector,
    "red herring: the pod's own Service has no endpoints because the pod itself crashes":
        _own_service_empty_because_it_crashes,
}


def _run(case: Case) -> Any:
    kwargs = {"object_kind": "Pod", "object_name": case.pod, "reason": "BackOff", "family": "crashloop",
              **case.inc}
    ev = evidence(incident(**kwargs), case.objects, case.logs)
    return rules.analyze(ANALYZERS, ev), ev


def _chain_objects(finding: Any) -> list[str]:
    return [link.object for link in getattr(finding, "chain", ())]


@pytest.mark.parametrize("build", list(CASES.values()), ids=list(CASES))
def test_the_root_is_named_and_the_chain_leads_to_it(build):
    case = build()
    findings, _ = _run(case)
    assert findings, "no finding at all"
    top = findings[0]
    assert top.category == case.category, f"{top.category}: {top.summary}"
    assert _chain_objects(top) == case.chain
    text = readable_text(top.to_dict())
    assert all(m.lower() in text for m in case.mentions), [m for m in case.mentions if m.lower() not in text]


@pytest.mark.parametrize("build", [b for b in CASES.values() if b().chain], ids=[k for k, b in CASES.items()
                                                                                  if b().chain])
def test_confidence_says_how_much_of_the_chain_was_observed(build):
    case = build()
    top = _run(case)[0][0]
    every_link = [link.observation for link in top.chain]
    assert all(every_link), "every link says what was observed there"
    if case.observed and case.strong_root:
        assert top.confidence >= 0.85
    elif case.observed:  # the path is sure, the root's own reading (an unexplained crash) is not
        assert 0.6 <= top.confidence < 0.85
    else:
        assert top.confidence < 0.85
        assert "inferred" in top.root_cause.lower()


def test_a_chain_starts_at_the_symptom_and_never_repeats_an_object():
    for build in CASES.values():
        case = build()
        chain = _chain_objects(_run(case)[0][0])
        assert len(chain) == len(set(chain))


def test_no_link_ever_reads_secret_data():
    case = _jdbc_env_only_image_pull()
    case.objects.append(obj("Secret", "orders-db-credentials", "data", data={"password": "aHVudGVyMg=="}))
    findings, ev = _run(case)
    assert "aHVudGVyMg" not in repr(findings) and "hunter2" not in repr(findings)
    assert not [r for r in ev.results.values() if r.ok and "aHVudGVyMg" in repr(r.data)]



# --- the walk is bounded, and every read is a recorded, replayable tool call --------------------------


def _refused_by(svc_ip: str, port: int) -> str:
    return f"Error: connect ECONNREFUSED {svc_ip}:{port}\n    at TCPConnectWrap.afterConnect\n"


def _line_of_services(length: int) -> Case:
    """client -> s1 -> p1 -> s2 -> p2 ... -> s{length}, whose pod is Pending for CPU."""
    objects, logs = [crashing(), *client_service(), *NODES], logs_of(CLIENT, _refused_by("10.96.1.1", 8080))
    for i in range(1, length + 1):
        objects += [service(f"s{i}", selector={"app": f"s{i}"}, ip=f"10.96.1.{i}", port=8080), endpoints(f"s{i}")]
        if i < length:
            objects.append(crashing(f"s{i}-6b7c8-aaaa{i}", labels={"app": f"s{i}"}))
            logs.update(logs_of(f"s{i}-6b7c8-aaaa{i}", _refused_by(f"10.96.1.{i + 1}", 8080)))
        else:
            objects.append(pending(f"s{i}-0", labels={"app": f"s{i}"}, requests={"cpu": "64"},
                                   message="0/2 nodes are available: 2 Insufficient cpu."))
    return Case(objects, logs, "", [])


def test_a_walk_follows_at_most_three_dependency_hops_and_says_it_stopped():
    from shared.analyzers.chain_walk import MAX_DEPTH

    top = _run(_line_of_services(5))[0][0]
    services = [o for o in _chain_objects(top) if o.startswith("Service/")]
    assert services == [f"Service/shop/s{i}" for i in range(1, MAX_DEPTH + 1)]
    assert top.category == "crashloop_app_error" and "stopped early" in top.root_cause
    assert top.confidence < 0.85  # the root is a guess where the walk had to stop


def test_within_three_hops_the_walk_reaches_the_root():
    top = _run(_line_of_services(3))[0][0]
    assert top.category == "pending_insufficient_resources"
    assert _chain_objects(top)[-1] == "Pod/shop/s3-0"


def test_two_workloads_waiting_on_each_other_end_the_walk_without_repeating_an_object():
    a = crashing(labels={"app": "cart-api"})
    b = crashing("ledger-5c6d7-bbbbb", labels={"app": "ledger"})
    case = Case([a, b, *NODES, service("cart-api", selector={"app": "cart-api"}, ip="10.96.2.1", port=8080),
                 endpoints("cart-api"), service("ledger", selector={"app": "ledger"}, ip="10.96.2.2", port=8080),
                 endpoints("ledger")],
                {**logs_of(CLIENT, _refused_by("10.96.2.2", 8080)),
                 **logs_of("ledger-5c6d7-bbbbb", _refused_by("10.96.2.1", 8080))}, "", [])
    top = _run(case)[0][0]
    chain = _chain_objects(top)
    assert chain == [f"Pod/shop/{CLIENT}", "Service/shop/ledger", "Pod/shop/ledger-5c6d7-bbbbb"]
    assert top.category == "crashloop_app_error"


def test_the_walk_never_makes_more_reads_than_its_budget(monkeypatch):
    from shared.analyzers import chain, chain_reads

    for budget in (3, 8, chain_reads.READ_BUDGET):
        monkeypatch.setattr(chain_reads, "READ_BUDGET", budget)
        case = _line_of_services(3)
        ev = evidence(incident(object_name=CLIENT, reason="BackOff", family="crashloop"), case.objects, case.logs)
        finding = chain.ANALYZER.conclude(ev)
        assert len(ev.results) <= budget
        assert finding is None or finding.chain  # out of reads: no finding, or the part of the path it walked


def test_every_read_of_the_walk_is_a_recorded_tool_call_that_replays_to_the_same_finding():
    from shared.cluster.memory import InMemoryCluster
    from shared.evidence import RecordedEvidence, run_directly
    from shared.tools.spec import ToolResult

    case = _two_hops_to_a_missing_claim()
    inc = incident(object_name=CLIENT, reason="BackOff", family="crashloop")
    live = run_directly(InMemoryCluster(case.objects, logs=case.logs))
    recorded: dict[str, ToolResult] = {}

    def record(call):
        recorded[call.call_id] = live(call)
        return recorded[call.call_id]

    first = rules.analyze(ANALYZERS, RecordedEvidence(inc, record))[0]

    def replay_only(call):
        assert call.call_id in recorded, f"a read outside the recorded ones: {call.tool} {call.args}"
        return recorded[call.call_id]

    again = rules.analyze(ANALYZERS, RecordedEvidence(inc, replay_only))[0]
    assert again.to_dict() == first.to_dict() and first.chain


def test_an_investigation_resumed_step_by_step_reads_each_thing_once_and_keeps_the_chain(tmp_path):
    from collections import Counter

    from shared.cluster.memory import InMemoryCluster
    from shared.evidence import run_directly
    from shared.investigation import Investigator
    from shared.settings import Settings
    from shared.stores.sqlite import SqliteStore

    case = _redis_pvc_missing_storage_class()
    direct, calls = run_directly(InMemoryCluster(case.objects, logs=case.logs)), Counter()

    def run_tool(call):
        calls[call.key] += 1
        return direct(call)

    store = SqliteStore(str(tmp_path / "state.sqlite3"))
    inc = incident(object_name=CLIENT, reason="BackOff", family="crashloop")
    invocations = 0
    while invocations < 200:
        invocations += 1
        inv = Investigator(settings=Settings(steps_per_invocation=3), store=store, run_tool=run_tool,
                           analyzers=ANALYZERS)
        outcome = inv.advance("inv-chain", inc)
        if outcome.finished:
            break
    assert outcome.finished and invocations > 2
    assert max(calls.values()) == 1
    assert [link.object for link in outcome.diagnosis.chain] == case.chain
    assert outcome.diagnosis.to_dict()["chain"][-1] == {"object": "StorageClass/fast-ssd",
                                                         "observation": "does not exist"}


def test_a_claims_long_provisioning_error_keeps_its_cause_at_the_end():
    from shared.analyzers.claims import unbound_claims

    message = ('failed to provision volume with StorageClass "gp3": rpc error: code = Internal desc = Could not create '
               'volume "pvc-0b7c": could not create volume in EC2: operation error EC2: CreateVolume, https response '
               "error StatusCode: 403, RequestID: 3f1c9a2e-7b44-4d0e-9c61-0b8e5a2d4f17, api error "
               "UnauthorizedOperation: You are not authorized to perform this operation. User: arn:aws:sts::1:assumed-"
               "role/ebs-csi-controller/1 is not authorized to perform: ec2:CreateVolume on resource: arn:aws:ec2:eu-"
               "west-1:1:volume/* because no identity-based policy allows the ec2:CreateVolume action")
    stuck = pending("mongodb-2", labels={"app": "mongodb"}, claim="data-mongodb-2")
    ev = evidence(incident(object_name="mongodb-2"), [
        stuck, pvc("data-mongodb-2", storage_class="gp3"), storage_class("gp3"),
        event("PersistentVolumeClaim", "data-mongodb-2", "ProvisioningFailed", message, component="ebs.csi.aws.com")])
    problem = unbound_claims(ev, stuck)[0].problem
    assert "failed to provision volume" in problem and "not authorized to perform: ec2:CreateVolume" in problem
    assert len(problem) < 600
