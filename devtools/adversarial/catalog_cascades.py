"""Cascades: the failing pod is a symptom; the root is one or two objects away. `category` is the root's class."""

# ruff: noqa: E501 -- log lines and messages are verbatim fixture data.

from devtools.adversarial.kit import (
    DAY,
    L,
    Scenario,
    add_taint,
    ask_trigger,
    base_cluster,
    controller_event,
    crash_app,
    crashloop_alert,
    event_trigger,
    healthy_app,
    name_of,
    node_of,
    pod_from,
    prom_alert,
    set_node_condition,
    without_pods,
)
from devtools.heldout.base import GENERAL_IPS, node_name
from devtools.heldout.events import config_error_trail, pull_failure_trail
from devtools.heldout.shapes import container, env_secret, env_value, http_probe, mount, port, resources
from devtools.heldout.states import Run, running, terminated, waiting

_PVC_MSG = "0/5 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling."
_RECREATE = {"type": "Recreate"}


def _unbound_statefulset(c, ns, name, image, port_no, storage_class):
    wl = c.statefulset(ns, name, [container(name, image, ports=[port(port_no, "tcp")],
                                            resources=resources("250m", "512Mi", memory_limit="1Gi"),
                                            mounts=[mount("data", "/data")])],
                       replicas=1, claim_size="10Gi", storage_class=storage_class, unbound_claims=(0,),
                       unschedulable=_PVC_MSG, pod_created=50)
    pod = wl.pods[0]
    c.scheduler_event(pod, _PVC_MSG, count=11, first=49, last=2.5)
    pvc = next(o for o in c.extra["persistentvolumeclaims.json"] if o["metadata"]["name"] == f"data-{name}-0")
    c.event(pvc, "ProvisioningFailed", f'storageclass.storage.k8s.io "{storage_class}" not found', kind="PersistentVolumeClaim",
            count=197, first=49, last=0.4, component="persistentvolume-controller", instance="")
    c.service(ns, name, {"app.kubernetes.io/name": name}, [("tcp", port_no, "tcp")])
    return wl


def redis_pvc_missing_storage_class() -> Scenario:
    c = base_cluster("cascade-pvc-missing-storageclass")
    c.namespace("shop", labels={"team": "shop"})
    _unbound_statefulset(c, "shop", "cart-redis", "docker.io/library/redis:7.4.2", 6379, "fast-ssd")
    ip = c.dump["shop"]["services"][-1]["spec"]["clusterIP"]
    text = L.lines(
        L.pino(c.clock, 1.6, 30, "cart-api starting", version="2.7.0", hostname="cart-api"),
        f"[ioredis] Unhandled error event: Error: connect ECONNREFUSED {ip}:6379",
        "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)",
        L.pino(c.clock, 1.5, 60, "cannot reach redis, giving up", err={"type": "Error", "message": f"connect ECONNREFUSED {ip}:6379", "code": "ECONNREFUSED"}, redis="redis://cart-redis:6379", hostname="cart-api"),
    )
    wl, trig = crash_app(c, "shop", "cart-api", "shop/cart-api:2.7.0", text, restarts=13, since=48, replicas=2,
                        env=[env_value("REDIS_URL", "redis://cart-redis:6379")])
    healthy_app(c, "shop", "shop-web", "shop/shop-web:9.1.0", replicas=3, up_since=4 * DAY)
    return Scenario(
        "cascade-pvc-missing-storageclass", c, "event.json", event_trigger(trig),
        "pending_unbound_pvc", ("fast-ssd",),
        "cart-api crash-loops on ECONNREFUSED to cart-redis:6379. The cart-redis Service has no endpoints because "
        "its only pod, cart-redis-0, is Pending on claim data-cart-redis-0, which asks for StorageClass fast-ssd; "
        "the cluster has gp3 and gp2 only. Fix the class, not cart-api.",
        chain=((f"Pod/shop/{name_of(wl.pod)}", "crash-loops: ECONNREFUSED cart-redis:6379"),
               ("Service/shop/cart-redis", "no endpoints"),
               ("Pod/shop/cart-redis-0", "Pending: unbound immediate PersistentVolumeClaims"),
               ("PersistentVolumeClaim/shop/data-cart-redis-0", "Pending: ProvisioningFailed"),
               ("StorageClass/fast-ssd", "does not exist")),
        group="cascade",
    )


def selector_mismatch() -> Scenario:
    c = base_cluster("cascade-service-selector-mismatch")
    c.namespace("fulfilment", labels={"team": "fulfilment"})
    healthy_app(c, "fulfilment", "inventory", "fulfilment/inventory:4.2.0", replicas=2, up_since=6 * DAY, service=False,
                log=[L.zap(c.clock, 2, "info", "http/server.go:51", "request", path="/healthz", status=200)])
    svc = c.service("fulfilment", "inventory", {"app": "inventory"}, [("http", 80, "http")], created=23,
                    labels={"app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "inventory-2.0.0"})
    ip = svc["spec"]["clusterIP"]
    orders = c.deployment("fulfilment", "orders", [container(
        "orders", c.image("fulfilment/orders:6.3.1"), ports=[port(8080)], env=[env_value("INVENTORY_URL", "http://inventory.fulfilment.svc")],
        resources=resources("200m", "256Mi", memory_limit="512Mi"), readiness=http_probe("/ready", "http"))],
        replicas=3, updated=5 * DAY, runs=[{"orders": running(22, ready=False, restarts=0)} for _ in range(3)])
    for pod in orders.pods:
        c.log(pod, "orders", L.lines(
            L.zap(c.clock, 22, "info", "cmd/orders/main.go:40", "serving", addr=":8080"),
            L.zap(c.clock, 0.3, "warn", "health/ready.go:33", "readiness: dependency check failed", dependency="inventory",
                  error=f'Get "http://inventory.fulfilment.svc/healthz": dial tcp {ip}:80: connect: connection refused'),
        ))
        c.event(pod, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=130, first=22, last=0.3,
                host=node_of(pod), field_path="spec.containers{orders}")
    alert = prom_alert(
        c, "KubeDeploymentReplicasMismatch", {"deployment": "orders", "namespace": "fulfilment"},
        summary="Deployment has not matched the expected number of replicas.",
        description="Deployment fulfilment/orders has not matched the expected number of replicas for longer than 15 minutes.",
        expr='(kube_deployment_spec_replicas{job="kube-state-metrics"} > kube_deployment_status_replicas_available{job="kube-state-metrics"}) and (changes(kube_deployment_status_replicas_updated{job="kube-state-metrics"}[10m]) == 0)',
        started=5, stack="kps")
    return Scenario(
        "cascade-service-selector-mismatch", c, "alert.json", alert,
        "service_no_endpoints", ("inventory", "selector"),
        "orders' readiness checks inventory; inventory's pods are healthy, but the Service inventory was recreated "
        "by the 2.0.0 chart 23 minutes ago with selector app=inventory while the pods carry "
        "app.kubernetes.io/name=inventory: it selects nothing, so orders gets connection refused and is not Ready.",
        chain=(("Deployment/fulfilment/orders", "0/3 available: readiness 503, inventory connection refused"),
               ("Service/fulfilment/inventory", "selector app=inventory matches no pod: no endpoints")),
        group="cascade",
    )


def dependency_insufficient_cpu() -> Scenario:
    c = base_cluster("cascade-dependency-insufficient-cpu")
    c.namespace("catalog", labels={"team": "catalog"})
    msg = "0/5 nodes are available: 1 node(s) had untolerated taint {dedicated: batch}, 1 node(s) were unschedulable, 3 Insufficient cpu. preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod."
    search = c.deployment("catalog", "search-api", [container(
        "search-api", c.image("catalog/search-api:3.3.0"), ports=[port(8080)], resources=resources("6", "2Gi", memory_limit="4Gi"),
        readiness=http_probe("/healthz", "http"))], replicas=2, revision=19, updated=31, strategy=_RECREATE, unschedulable=msg)
    for pod in search.pods:
        c.scheduler_event(pod, msg, count=14, first=30, last=1.8)
    c.event(search.pods[0], "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 node(s) had untolerated taint {dedicated: batch}, 1 max node group size reached",
            type_="Normal", count=180, first=30, last=0.6, component="cluster-autoscaler", instance="")
    svc = c.service("catalog", "search-api", {"app.kubernetes.io/name": "search-api"}, [("http", 8080, "http")])
    ip = svc["spec"]["clusterIP"]
    text = L.lines(
        L.logfmt(c.clock, 1.3, "info", "warming facet cache", upstream="http://search-api.catalog.svc:8080"),
        L.logfmt(c.clock, 1.2, "fatal", "warm-up failed", error=f'Get "http://search-api.catalog.svc:8080/v1/facets": dial tcp {ip}:8080: connect: connection refused'),
    )
    _, trig = crash_app(c, "catalog", "storefront-bff", "catalog/storefront-bff:1.19.0", text, restarts=10, since=29, replicas=2,
                        env=[env_value("SEARCH_URL", "http://search-api.catalog.svc:8080")])
    return Scenario(
        "cascade-dependency-insufficient-cpu", c, "event.json", event_trigger(trig),
        "pending_insufficient_resources", ("search-api", "insufficient cpu"),
        "storefront-bff dies warming its cache from search-api (connection refused). search-api 3.3.0 asks for 6 "
        "CPUs per pod (Recreate strategy, so the old pods are gone); no node has 6 free CPUs and the node group is "
        "at its max, so both pods are Pending and the Service has no endpoints.",
        chain=(("Deployment/catalog/storefront-bff", "crash-loops: connection refused search-api:8080"),
               ("Service/catalog/search-api", "no endpoints"),
               ("Pod/catalog/" + name_of(search.pod), "Pending: 3 Insufficient cpu (requests cpu 6)")),
        group="cascade",
    )


def node_disk_pressure_evictions() -> Scenario:
    c = base_cluster("cascade-node-disk-pressure-evicting")
    c.namespace("bi", labels={"team": "data"})
    node = node_name(GENERAL_IPS[2])
    other = node_name(GENERAL_IPS[0])
    set_node_condition(c, node, "DiskPressure", "True", "KubeletHasDiskPressure", "kubelet has disk pressure", 26)
    add_taint(c, node, "node.kubernetes.io/disk-pressure", "NoSchedule", 26)
    node_obj = c.nodes[node]["obj"]
    c.event(node_obj, "EvictionThresholdMet", "Attempting to reclaim ephemeral-storage", kind="Node", count=7, first=26, last=2, host=node)
    c.event(node_obj, "FreeDiskSpaceFailed", "Failed to garbage collect required amount of images. Attempted to free 12884901888 bytes, but only found 0 bytes eligible to free.",
            kind="Node", count=5, first=25, last=3, host=node)
    wl = c.deployment("bi", "report-worker", [container(
        "report-worker", c.image("data/report-worker:5.5.0"), env=[env_value("SCRATCH_DIR", "/tmp/reports")],
        resources=resources("500m", "1Gi", memory_limit="2Gi"))], replicas=1, updated=3 * DAY, nodes=[other],
        runs=[{"report-worker": running(2)}])
    for i, when in enumerate((24, 15, 6)):
        msg = (f"The node was low on resource: ephemeral-storage. Threshold quantity: 10486200Ki, available: {8124316 - 90000 * i}Ki. "
               f"Container report-worker was using {14512004 + 300000 * i}Ki, request is 0, has larger consumption of ephemeral-storage. ")
        pod = pod_from(c, wl, node=node, created=when + 8, phase="Failed", reason="Evicted", message=msg,
                       runs={"report-worker": terminated(137, when, ran_for=8, reason="ContainerStatusUnknown",
                                                         message="The container could not be located when the pod was terminated")})
        c.event(pod, "Evicted", msg, count=1, first=when, host=node)
    return Scenario(
        "cascade-node-disk-pressure-evicting", c, "ask.json",
        ask_trigger("bi", workload="report-worker", question="why does report-worker keep getting restarted?"),
        "evicted_node_pressure", (node, "ephemeral-storage"),
        f"report-worker pods were evicted three times in 25 minutes from {node}, which is under DiskPressure "
        "(ephemeral-storage below the eviction threshold, image GC cannot free anything). Each pod wrote ~14Gi of "
        "scratch to the node's disk with no ephemeral-storage request/limit; the current pod runs elsewhere.",
        chain=(("Pod/bi/report-worker (3 Failed)", "Evicted: the node was low on ephemeral-storage"),
               (f"Node/{node}", "DiskPressure True for 26 minutes")),
        group="cascade",
    )


def node_not_ready() -> Scenario:
    c = base_cluster("cascade-node-not-ready")
    c.namespace("risk", labels={"team": "risk"})
    node = node_name(GENERAL_IPS[1])
    wl = healthy_app(c, "risk", "risk-scorer", "risk/risk-scorer:2.0.3", replicas=2, up_since=5 * DAY,
                     log=[L.zap(c.clock, 6, "info", "score/handler.go:77", "scored", count=412)])
    healthy_app(c, "risk", "risk-admin", "risk/risk-admin:1.1.0", replicas=1, up_since=5 * DAY)
    for kind in ("MemoryPressure", "DiskPressure", "PIDPressure", "Ready"):
        set_node_condition(c, node, kind, "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.", 4)
    for cond in c.nodes[node]["obj"]["status"]["conditions"]:
        cond["lastHeartbeatTime"] = c.clock.ago(minutes=4.7)
    add_taint(c, node, "node.kubernetes.io/unreachable", "NoSchedule", 4)
    add_taint(c, node, "node.kubernetes.io/unreachable", "NoExecute", 3.9)
    c.event(c.nodes[node]["obj"], "NodeNotReady", f"Node {node} status is now: NodeNotReady", kind="Node", type_="Normal",
            count=1, first=4, component="node-controller")
    on_node = []
    for ns in list(c.dump):
        for pod in c.dump[ns].get("pods", []):
            if pod["spec"].get("nodeName") == node and pod["status"]["phase"] == "Running":
                for cond in pod["status"]["conditions"]:
                    if cond["type"] == "Ready":
                        cond.update(status="False", lastTransitionTime=c.clock.ago(minutes=4))
                c.event(pod, "NodeNotReady", "Node is not ready", count=1, first=4, component="node-controller")
                on_node.append(pod)
    affected = [p for p in wl.pods if p in on_node]
    assert affected, "risk-scorer must have a pod on the failing node"
    return Scenario(
        "cascade-node-not-ready", c, "ask.json",
        ask_trigger("risk", workload="risk-scorer", question="risk-scorer lost half its capacity, why?"),
        "node_not_ready", (node,),
        f"The kubelet on {node} stopped posting status 4 minutes ago (Ready Unknown, unreachable taints); the node "
        "controller marked its pods not Ready, so one of the two risk-scorer pods left the Service. Nothing is "
        "wrong with risk-scorer itself; its pods will be evicted after the 300s toleration.",
        chain=((f"Pod/risk/{name_of(affected[0])}", "Ready False: Node is not ready"),
               (f"Node/{node}", "Ready Unknown: Kubelet stopped posting node status")),
        group="cascade",
    )


def init_waits_for_failed_job() -> Scenario:
    c = base_cluster("cascade-init-waits-for-failed-job")
    c.namespace("subscriptions", labels={"team": "growth"})
    job_name = "subscriptions-migrate-118"
    mig = container("migrate", c.image("growth/subscriptions:11.8.0"), command=["alembic", "upgrade", "head"],
                    env=[env_secret("DATABASE_URL", "subscriptions-db", "url")], resources=resources("100m", "256Mi", memory_limit="256Mi"))
    job = c.job("subscriptions", job_name, [mig], attempts=[terminated(1, 27 - 2 * i, ran_for=0.3) for i in range(3)],
                backoff_limit=2, created=28, labels={"app.kubernetes.io/name": "subscriptions", "app.kubernetes.io/component": "migrations"})
    for pod in job.pods:
        c.log(pod, "migrate", L.lines(
            "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.",
            "INFO  [alembic.runtime.migration] Will assume transactional DDL.",
            "INFO  [alembic.runtime.migration] Running upgrade 117 -> 118, add tenant_id to invoices",
            "Traceback (most recent call last):",
            '  File "/usr/local/bin/alembic", line 8, in <module>',
            "    sys.exit(main())",
            '  File "/app/migrations/versions/118_add_tenant_id.py", line 19, in upgrade',
            '    op.add_column("invoices", sa.Column("tenant_id", sa.UUID(), nullable=True))',
            'sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateColumn) column "tenant_id" of relation "invoices" already exists',
            "",
            '[SQL: ALTER TABLE invoices ADD COLUMN tenant_id UUID]',
            "(Background on this error at: https://sqlalche.me/e/20/f405)",
        ))
    controller_event(c, job.obj, "Job", "BackoffLimitExceeded", "Job has reached the specified backoff limit", component="job-controller",
                     first=21, api_version="batch/v1")
    c.secret("subscriptions", "subscriptions-db")
    init = container("wait-for-migrations", "ghcr.io/groundnuty/k8s-wait-for:v2.0", args=["job-wr", job_name],
                     resources=resources("10m", "16Mi", memory_limit="32Mi"))
    wl = c.deployment("subscriptions", "subscriptions-api", [container(
        "subscriptions-api", c.image("growth/subscriptions:11.8.0"), ports=[port(8000)],
        env=[env_secret("DATABASE_URL", "subscriptions-db", "url")], resources=resources("250m", "512Mi", memory_limit="512Mi"),
        readiness=http_probe("/healthz", "http"))], init=[init], replicas=2, revision=118, updated=27,
        previous=[container("subscriptions-api", c.image("growth/subscriptions:11.7.2"), ports=[port(8000)],
                            resources=resources("250m", "512Mi", memory_limit="512Mi"))],
        runs=[{"wait-for-migrations": Run("running", since=26.5, ready=False), "subscriptions-api": waiting("PodInitializing")}])
    new_pod = wl.pods[-1]
    c.log(new_pod, "wait-for-migrations", L.lines(*(f"[{c.clock.ago(minutes=26 - i * 5)}] Waiting for job {job_name}..." for i in range(6))))
    return Scenario(
        "cascade-init-waits-for-failed-job", c, "ask.json",
        ask_trigger("subscriptions", workload="subscriptions-api", question="the new subscriptions-api pod is stuck in Init"),
        "job_backoff_limit", (job_name, "tenant_id"),
        "The new subscriptions-api pod's init container waits for Job subscriptions-migrate-118, which failed "
        "(BackoffLimitExceeded): migration 118 adds invoices.tenant_id, which already exists (DuplicateColumn). "
        "The init container will wait forever; fix the migration.",
        chain=((f"Pod/subscriptions/{name_of(new_pod)}", "Init:0/1, wait-for-migrations waiting for the Job"),
               (f"Job/subscriptions/{job_name}", "Failed: BackoffLimitExceeded, DuplicateColumn tenant_id")),
        group="cascade",
    )


def dependency_missing_configmap() -> Scenario:
    c = base_cluster("cascade-dependency-missing-configmap")
    c.namespace("helpdesk", labels={"team": "support"})
    store = c.deployment("helpdesk", "session-store", [container(
        "session-store", "docker.io/valkey/valkey:8.0.2", ports=[port(6379, "redis")],
        env_from=[{"configMapRef": {"name": "session-store-config"}}], resources=resources("100m", "256Mi", memory_limit="512Mi"))],
        replicas=1, revision=4, updated=34, strategy=_RECREATE,
        runs=[{"session-store": waiting("CreateContainerConfigError", 'configmap "session-store-config" not found', pulled=True)}])
    config_error_trail(c, store.pod, "session-store", 'configmap "session-store-config" not found', since=33)
    svc = c.service("helpdesk", "session-store", {"app.kubernetes.io/name": "session-store"}, [("redis", 6379, "redis")])
    ip = svc["spec"]["clusterIP"]
    t = c.clock.log_time(minutes=1.4).strftime("%Y-%m-%dT%H:%M:%S.%f")
    text = L.lines(
        f"I, [{t} #1]  INFO -- : Booting Puma 6.4.3 (ruby 3.3.5-p100) in production",
        f"W, [{t} #1]  WARN -- : SECRET_KEY_BASE_DUMMY is set; ignoring credentials.yml.enc",
        f"/usr/local/bundle/gems/redis-client-0.22.2/lib/redis_client/ruby_connection.rb:142:in `rescue in connect': Connection refused - connect(2) for {ip}:6379 (redis://session-store:6379) (RedisClient::CannotConnectError)",
        "\tfrom /usr/local/bundle/gems/redis-client-0.22.2/lib/redis_client/ruby_connection.rb:132:in `connect'",
        "\tfrom /app/config/initializers/session_store.rb:4:in `<main>'",
        "/usr/local/bundle/gems/redis-client-0.22.2/lib/redis_client/ruby_connection.rb:129:in `connect_nonblock': Connection refused - connect(2) for 172.20.0.0:6379 (Errno::ECONNREFUSED)".replace("172.20.0.0", ip),
    )
    _, trig = crash_app(c, "helpdesk", "helpdesk-web", "support/helpdesk-web:2025.36.1", text, restarts=11, since=33, replicas=2,
                        env=[env_value("REDIS_URL", "redis://session-store:6379"), env_value("RAILS_ENV", "production")])
    return Scenario(
        "cascade-dependency-missing-configmap", c, "event.json", event_trigger(trig),
        "create_container_config_missing_configmap", ("session-store-config",),
        "helpdesk-web crash-loops on ECONNREFUSED to session-store:6379. session-store's only pod cannot start: "
        "CreateContainerConfigError, configmap session-store-config not found (the Recreate rollout 34 minutes "
        "ago referenced a ConfigMap that was never applied).",
        chain=(("Deployment/helpdesk/helpdesk-web", "crash-loops: ECONNREFUSED session-store:6379"),
               ("Service/helpdesk/session-store", "no ready endpoints"),
               (f"Pod/helpdesk/{name_of(store.pod)}", "CreateContainerConfigError"),
               ("ConfigMap/helpdesk/session-store-config", "does not exist")),
        group="cascade",
    )


def dns_name_of_missing_service() -> Scenario:
    c = base_cluster("cascade-dns-nonexistent-service")
    healthy_app(c, "payments", "payments-gateway", "payments/payments-gateway:2.2.0", replicas=2, up_since=9 * DAY, port_no=8443)
    text = L.lines(
        L.zap(c.clock, 1.1, "info", "cmd/payouts/main.go:47", "starting payouts", version="3.0.0"),
        L.zap(c.clock, 1.1, "warn", "config/config.go:88", "PAYOUTS_BATCH_SIZE not set, using 500"),
        L.zap(c.clock, 1.0, "fatal", "cmd/payouts/main.go:73", "gateway health check failed",
              error='Get "https://payment-gateway.payments.svc.cluster.local:8443/health": dial tcp: lookup payment-gateway.payments.svc.cluster.local on 172.20.0.10:53: no such host'),
    )
    wl, _ = crash_app(c, "payments", "payouts", "payments/payouts:3.0.0", text, restarts=9, since=31, service_port=None,
                      env=[env_value("GATEWAY_URL", "https://payment-gateway.payments.svc.cluster.local:8443")])
    return Scenario(
        "cascade-dns-nonexistent-service", c, "alert.json",
        crashloop_alert(c, "payments", name_of(wl.pod), "payouts", stack="kp", started=14),
        "crashloop_app_error", ("payment-gateway", "payments-gateway"),
        "payouts 3.0.0 dials payment-gateway.payments.svc, a Service that does not exist (NXDOMAIN); the gateway's "
        "Service is payments-gateway and is healthy. The root is the GATEWAY_URL value in payouts' own spec, so "
        "the class is the app's configuration error; the diagnosis must name both names.",
        chain=(("Deployment/payments/payouts", "crash-loops: lookup payment-gateway... no such host"),
               ("Service/payments/payment-gateway", "does not exist (payments-gateway does)")),
        group="cascade",
    )


def rollout_new_rs_cannot_pull() -> Scenario:
    c = base_cluster("cascade-rollout-new-rs-image-pull")
    c.namespace("search", labels={"team": "search"})
    image = c.image("search/autocomplete:2.14.0")
    new = container("autocomplete", image, ports=[port(8080)], resources=resources("250m", "512Mi", memory_limit="512Mi"),
                    readiness=http_probe("/healthz", "http"))
    old = container("autocomplete", c.image("search/autocomplete:2.13.4"), ports=[port(8080)],
                    resources=resources("250m", "512Mi", memory_limit="512Mi"), readiness=http_probe("/healthz", "http"))
    wl = c.deployment("search", "autocomplete", [new], replicas=4, revision=22, updated=42, previous=[old],
                      runs=[{"autocomplete": waiting("ImagePullBackOff", f'Back-off pulling image "{image}"')}])
    pull_failure_trail(c, wl.pods[-1], "autocomplete",
                       f'rpc error: code = NotFound desc = failed to pull and unpack image "{image}": failed to resolve reference "{image}": {image}: not found',
                       since=41, count=12)
    c.service("search", "autocomplete", {"app.kubernetes.io/name": "autocomplete"}, [("http", 80, "http")])
    alert = prom_alert(
        c, "KubeDeploymentRolloutStuck", {"deployment": "autocomplete", "namespace": "search", "condition": "Progressing", "status": "false"},
        summary="Deployment rollout is not progressing.",
        description="Rollout of deployment search/autocomplete is not progressing for longer than 15 minutes.",
        expr='kube_deployment_status_condition{condition="Progressing", status="false",job="kube-state-metrics"} != 0',
        started=17, stack="kps")
    return Scenario(
        "cascade-rollout-new-rs-image-pull", c, "alert.json", alert,
        "image_pull_not_found", ("2.14.0",),
        "The rollout to revision 22 is stuck: the new ReplicaSet's pod cannot pull search/autocomplete:2.14.0 (not "
        "found in the registry; CI pushed only a release candidate) while the four 2.13.4 pods keep serving. "
        "The Deployment is the symptom, the image tag the root.",
        chain=(("Deployment/search/autocomplete", "Progressing False: ProgressDeadlineExceeded"),
               (f"ReplicaSet/search/{name_of(wl.replicasets[-1])}", "0/1 ready"),
               (f"Pod/search/{name_of(wl.pods[-1])}", "ImagePullBackOff: 2.14.0 not found")),
        group="cascade",
    )


def quota_blocks_dependency() -> Scenario:
    c = base_cluster("cascade-quota-blocks-dependency")
    c.namespace("cart", labels={"team": "shop"})
    c.quota("cart", "compute-quota", {"limits.cpu": "8", "limits.memory": "8Gi", "pods": "30"},
            {"limits.cpu": "6500m", "limits.memory": "7680Mi", "pods": "17"})
    cache = c.deployment("cart", "cart-cache", [container(
        "cart-cache", "docker.io/library/redis:7.4.2", ports=[port(6379, "redis")], resources=resources("250m", "1Gi", memory_limit="1Gi", cpu_limit="500m"))],
        replicas=1, revision=9, updated=27, strategy=_RECREATE)
    rs = cache.replicasets[-1]
    failure = (f'pods "{name_of(rs)}-x7kqz" is forbidden: exceeded quota: compute-quota, requested: limits.memory=1Gi, '
               "used: limits.memory=7680Mi, limited: limits.memory=8Gi")
    without_pods(c, cache, failure, since=26)
    controller_event(c, rs, "ReplicaSet", "FailedCreate", f"Error creating: {failure}", component="replicaset-controller",
                     count=19, first=26, last=1.2)
    c.service("cart", "cart-cache", {"app.kubernetes.io/name": "cart-cache"}, [("redis", 6379, "redis")])
    text = L.lines(
        L.pylog(c.clock, 1.0, "INFO", "checkout.app", "connecting to redis://cart-cache:6379/0"),
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.12/site-packages/redis/connection.py", line 357, in connect',
        "    sock = self.retry.call_with_retry(",
        "ConnectionRefusedError: [Errno 111] Connection refused",
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        '  File "/app/checkout/app.py", line 21, in <module>',
        "    cache.ping()",
        "redis.exceptions.ConnectionError: Error 111 connecting to cart-cache:6379. Connection refused.",
    )
    _, trig = crash_app(c, "cart", "checkout", "shop/checkout:8.0.4", text, restarts=10, since=25, replicas=2,
                        env=[env_value("CACHE_URL", "redis://cart-cache:6379/0")])
    return Scenario(
        "cascade-quota-blocks-dependency", c, "event.json", event_trigger(trig),
        "resource_quota_exceeded", ("compute-quota", "cart-cache"),
        "checkout crash-loops on connection refused to cart-cache:6379. cart-cache was redeployed (Recreate) 27 "
        "minutes ago and its ReplicaSet cannot create the pod: exceeded quota compute-quota (limits.memory "
        "7680Mi used of 8Gi, the pod asks 1Gi). No pod, no endpoints.",
        chain=(("Deployment/cart/checkout", "crash-loops: connection refused cart-cache:6379"),
               ("Service/cart/cart-cache", "no endpoints"),
               (f"ReplicaSet/cart/{name_of(rs)}", "FailedCreate: exceeded quota"),
               ("ResourceQuota/cart/compute-quota", "limits.memory 7680Mi/8Gi")),
        group="cascade",
    )


def keycloak_postgres_pvc() -> Scenario:
    c = base_cluster("cascade-keycloak-postgres-pvc")
    c.namespace("auth", labels={"team": "identity"})
    _unbound_statefulset(c, "auth", "keycloak-postgresql", "docker.io/bitnami/postgresql:16.6.0-debian-12-r2", 5432, "standard")
    t = c.clock.log_time(minutes=2.2).strftime("%Y-%m-%d %H:%M:%S,%f")[:-3]
    text = L.lines(
        "Updating the configuration and installing your custom providers, if any. Please wait.",
        f'{t} WARN  [io.quarkus.config] (build-16) Unrecognized configuration key "quarkus.http.cors" was provided; it will be ignored; verify that the dependency extension for this configuration is set or that you did not make a typo',
        f"{t} INFO  [org.keycloak.quarkus.runtime.hostname.DefaultHostnameProvider] (main) Hostname settings: Base URL: <unset>, Hostname: sso.example.com, Strict HTTPS: true",
        f"{t} WARN  [io.agroal.pool] (agroal-11) Datasource '<default>': Connection to keycloak-postgresql:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.",
        f"{t} ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] (main) ERROR: Failed to start server in (production) mode",
        f"{t} ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] (main) ERROR: Failed to obtain JDBC connection",
        f"{t} ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] (main) ERROR: Connection to keycloak-postgresql:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.",
        f"{t} ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] (main) ERROR: Connection refused",
        f"{t} ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] (main) For more details run the same command passing the '--verbose' option. Also you can use '--help' option to check the command usage.",
    )
    wl, _ = crash_app(c, "auth", "keycloak", "quay.io/keycloak/keycloak:26.1.4", text, restarts=9, since=48, ran_for=0.5,
                      args=["start", "--optimized"], memory_limit="1536Mi", memory_request="1Gi",
                      env=[env_value("KC_DB", "postgres"), env_value("KC_DB_URL_HOST", "keycloak-postgresql"),
                           env_secret("KC_DB_PASSWORD", "keycloak-postgresql", "password")])
    c.secret("auth", "keycloak-postgresql")
    return Scenario(
        "cascade-keycloak-postgres-pvc", c, "alert.json",
        crashloop_alert(c, "auth", name_of(wl.pod), "keycloak", stack="kps", started=31),
        "pending_unbound_pvc", ("standard", "data-keycloak-postgresql-0"),
        "keycloak cannot get a JDBC connection (keycloak-postgresql:5432 refused). The database pod "
        "keycloak-postgresql-0 is Pending: its claim data-keycloak-postgresql-0 asks for StorageClass "
        "standard (the chart's GKE default), which this EKS cluster does not have.",
        chain=((f"Pod/auth/{name_of(wl.pod)}", "crash-loops: connection to keycloak-postgresql:5432 refused"),
               ("Service/auth/keycloak-postgresql", "no endpoints"),
               ("Pod/auth/keycloak-postgresql-0", "Pending: unbound immediate PersistentVolumeClaims"),
               ("PersistentVolumeClaim/auth/data-keycloak-postgresql-0", "Pending"),
               ("StorageClass/standard", "does not exist")),
        group="cascade",
    )


def dependency_missing_secret_key() -> Scenario:
    c = base_cluster("cascade-dependency-missing-secret-key")
    c.namespace("sso", labels={"team": "identity"})
    c.secret("sso", "token-jwt")
    tok = c.deployment("sso", "token-service", [container(
        "token-service", c.image("identity/token-service:4.0.1"), ports=[port(8443, "https")],
        env=[env_secret("JWT_SIGNING_KEY", "token-jwt", "signing-key")], resources=resources("100m", "128Mi", memory_limit="256Mi"))],
        replicas=2, updated=40 * DAY,
        runs=[{"token-service": waiting("CreateContainerConfigError", "couldn't find key signing-key in Secret sso/token-jwt", pulled=True)}
              for _ in range(2)])
    for pod in tok.pods:
        config_error_trail(c, pod, "token-service", "couldn't find key signing-key in Secret sso/token-jwt", since=29)
    svc = c.service("sso", "token-service", {"app.kubernetes.io/name": "token-service"}, [("https", 443, "https")])
    ip = svc["spec"]["clusterIP"]
    gw = c.deployment("sso", "api-gateway", [container(
        "api-gateway", "docker.io/envoyproxy/envoy:v1.33.2", ports=[port(8080)], resources=resources("200m", "256Mi", memory_limit="512Mi"),
        readiness=http_probe("/ready", 9901))], replicas=2, updated=20 * DAY, runs=[{"api-gateway": running(12 * 60, ready=False)} for _ in range(2)])
    for pod in gw.pods:
        c.log(pod, "api-gateway", L.lines(
            f"[{c.clock.ago(minutes=0.5).replace('T', ' ').replace('Z', '.114')}][1][warning][upstream] [source/common/upstream/health_checker_impl.cc:338] health check failed for token-service.sso.svc.cluster.local:443 ({ip}:443): connection refused",
            f'[{c.clock.ago(minutes=0.4).replace("T", "T").replace("Z", ".201Z")}] "POST /oauth/token HTTP/1.1" 503 UH 0 19 0 - "10.42.11.5" "okhttp/4.12.0" "c1f6a7d2" "token-service.sso.svc.cluster.local:443" "-"',
        ))
        c.event(pod, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=170, first=28, last=0.4,
                host=node_of(pod), field_path="spec.containers{api-gateway}")
    return Scenario(
        "cascade-dependency-missing-secret-key", c, "ask.json",
        ask_trigger("sso", workload="api-gateway", question="api-gateway is returning 503s"),
        "create_container_config_missing_secret_key", ("signing-key", "token-jwt"),
        "api-gateway returns 503 UH (no healthy upstream) for token-service. Both token-service pods were "
        "recreated when their node was drained 30 minutes ago and cannot start: couldn't find key signing-key in "
        "Secret sso/token-jwt (the key was renamed during a rotation weeks ago and nobody restarted the pods).",
        chain=(("Deployment/sso/api-gateway", "not Ready: no healthy upstream token-service"),
               ("Service/sso/token-service", "no ready endpoints"),
               (f"Pod/sso/{name_of(tok.pod)}", "CreateContainerConfigError"),
               ("Secret/sso/token-jwt", "has no key signing-key")),
        group="cascade",
    )


def dependency_oom() -> Scenario:
    c = base_cluster("cascade-dependency-oom")
    c.namespace("pricing", labels={"team": "pricing"})
    s = L.spring
    text = L.lines(
        "Picked up JAVA_TOOL_OPTIONS: -Xms1g -Xmx1g",
        s(c.clock, 2.0, "INFO", "c.a.pricing.PriceEngineApplication", "Starting PriceEngineApplication v12.4.0 using Java 21.0.7 with PID 1"),
        s(c.clock, 1.6, "INFO", "c.a.pricing.rules.RuleLoader", "loading 184211 price rules into memory"),
    )
    eng, _ = crash_app(c, "pricing", "price-engine", "pricing/price-engine:12.4.0", text, exit_code=137, reason="OOMKilled",
                       ran_for=0.7, restarts=8, since=36, replicas=2, memory_limit="768Mi", memory_request="768Mi",
                       env=[env_value("JAVA_TOOL_OPTIONS", "-Xms1g -Xmx1g")])
    bff = c.deployment("pricing", "checkout-bff", [container(
        "checkout-bff", c.image("pricing/checkout-bff:3.1.0"), ports=[port(3000)], env=[env_value("PRICE_ENGINE_URL", "http://price-engine.pricing.svc")],
        resources=resources("100m", "128Mi", memory_limit="256Mi"), readiness=http_probe("/ready", "http"))],
        replicas=2, updated=8 * DAY, runs=[{"checkout-bff": running(3 * DAY, ready=False)} for _ in range(2)])
    for pod in bff.pods:
        c.log(pod, "checkout-bff", L.lines(
            L.pino(c.clock, 3 * DAY, 30, "checkout-bff listening", port=3000, hostname=name_of(pod)),
            L.pino(c.clock, 0.5, 50, "upstream request failed", upstream="price-engine", err={"type": "TimeoutError", "message": "The operation was aborted due to timeout"}, ms=5000, hostname=name_of(pod)),
            L.pino(c.clock, 0.4, 40, "readiness degraded: price-engine unavailable", hostname=name_of(pod)),
        ))
        c.event(pod, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=190, first=33, last=0.4,
                host=node_of(pod), field_path="spec.containers{checkout-bff}")
    return Scenario(
        "cascade-dependency-oom", c, "ask.json",
        ask_trigger("pricing", workload="checkout-bff", question="why is checkout-bff not ready?"),
        "oom_killed", ("price-engine", "768mi"),
        "checkout-bff is fine; its readiness fails because price-engine times out. price-engine 12.4.0 is "
        "OOMKilled on every start: -Xmx1g heap in a 768Mi container limit while loading 184k rules.",
        chain=(("Deployment/pricing/checkout-bff", "not Ready: price-engine timeouts"),
               ("Service/pricing/price-engine", "no ready endpoints"),
               (f"Pod/pricing/{name_of(eng.pod)}", "OOMKilled (exit 137), limit 768Mi, -Xmx1g")),
        group="cascade",
    )


SCENARIOS = {
    "cascade-pvc-missing-storageclass": redis_pvc_missing_storage_class,
    "cascade-service-selector-mismatch": selector_mismatch,
    "cascade-dependency-insufficient-cpu": dependency_insufficient_cpu,
    "cascade-node-disk-pressure-evicting": node_disk_pressure_evictions,
    "cascade-node-not-ready": node_not_ready,
    "cascade-init-waits-for-failed-job": init_waits_for_failed_job,
    "cascade-dependency-missing-configmap": dependency_missing_configmap,
    "cascade-dns-nonexistent-service": dns_name_of_missing_service,
    "cascade-rollout-new-rs-image-pull": rollout_new_rs_cannot_pull,
    "cascade-quota-blocks-dependency": quota_blocks_dependency,
    "cascade-keycloak-postgres-pvc": keycloak_postgres_pvc,
    "cascade-dependency-missing-secret-key": dependency_missing_secret_key,
    "cascade-dependency-oom": dependency_oom,
}
