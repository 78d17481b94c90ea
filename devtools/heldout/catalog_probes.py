"""Probe failures (liveness, readiness, startup) and pods the scheduler cannot place."""

# ruff: noqa: E501 -- probe and scheduler messages are verbatim fixture data.

from devtools.heldout import logs as L
from devtools.heldout.base import base_cluster
from devtools.heldout.events import crashloop_trail, probe_trail
from devtools.heldout.scenario import Scenario, alert_trigger, ask_trigger, event_trigger
from devtools.heldout.shapes import container, env_value, http_probe, mount, port, pvc_volume, resources
from devtools.heldout.states import crashloop, running

_NOT_READY_EXPR = ('sum by (namespace, pod, cluster) (max by (namespace, pod, cluster) (kube_pod_status_phase'
                   '{job="kube-state-metrics",namespace=~".*",phase=~"Pending|Unknown|Failed"}) * on (namespace, pod, '
                   'cluster) group_left (owner_kind) topk by (namespace, pod, cluster) (1, max by (namespace, pod, '
                   'owner_kind, cluster) (kube_pod_owner{owner_kind!="Job"}))) > 0')
_OTHERS = "1 node(s) had untolerated taint {dedicated: batch}, 1 node(s) were unschedulable"


def pod_not_ready_alert(c, pod, started: float = 3):
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    return alert_trigger(c, "KubePodNotReady", {"namespace": ns, "pod": name},
                         summary="Pod has been in a non-ready state for more than 15 minutes.",
                         description=f"Pod {ns}/{name} has been in a non-ready state for longer than 15 minutes on "
                                     f"cluster {c.cluster_name}.", expr=_NOT_READY_EXPR, started=started)


def liveness_wrong_path() -> Scenario:
    c = base_cluster("liveness-probe-wrong-path")
    wl = c.deployment("storefront", "reviews", [container(
        "reviews", c.image("storefront/reviews:8.2.0"), ports=[port(8080)],
        resources=resources("200m", "256Mi", memory_limit="512Mi"),
        liveness=http_probe("/health/live", "http", delay=15, period=10, failures=3),
        readiness=http_probe("/healthz", "http"))], replicas=2, revision=21, updated=48,
        runs=[{"reviews": running(0.6, restarts=9, last_exit=137, last_finished=0.7, last_ran_for=0.75)},
              {"reviews": running(2.1, restarts=9, last_exit=137, last_finished=2.2, last_ran_for=0.75)}])
    for pod in wl.pods:
        text = L.lines(L.pino(c.clock, 0.6, 30, "reviews listening", port=8080, hostname=pod["metadata"]["name"]),
                       L.pino(c.clock, 0.4, 30, "request completed", req={"method": "GET", "url": "/health/live"},
                              res={"statusCode": 404}, hostname=pod["metadata"]["name"]),
                       L.pino(c.clock, 0.3, 30, "request completed", req={"method": "GET", "url": "/healthz"},
                              res={"statusCode": 200}, hostname=pod["metadata"]["name"]))
        c.log(pod, "reviews", text, previous=text.replace("reviews listening", "reviews listening (previous)"))
    trig = probe_trail(c, wl.pods[0], "reviews", "Liveness", "HTTP probe failed with statuscode: 404", count=27,
                       since=47, kills=9)
    return Scenario("liveness-probe-wrong-path", c, "event.json", event_trigger(trig), "liveness_probe_failure",
                    ("/health/live", "404"),
                    "reviews 8.2.0 changed its liveness probe to /health/live, a route the app does not serve (it "
                    "answers /healthz); the probe gets 404 and the kubelet kills a healthy container every ~45s.")


def liveness_timeout_alert() -> Scenario:
    c = base_cluster("liveness-probe-timeout-gc-alert")
    wl = c.deployment("payments", "ledger", [container(
        "ledger", c.image("payments/ledger:11.0.3"), ports=[port(8080), port(8081, "management")],
        env=[env_value("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=80 -XX:+UseParallelGC")],
        resources=resources("1", "2Gi", memory_limit="2Gi"),
        liveness=http_probe("/actuator/health/liveness", "management", delay=60, timeout=1, period=10, failures=3))],
        replicas=2, revision=44, updated=7 * 1440,
        runs=[{"ledger": running(1.5, restarts=7, last_exit=143, last_finished=1.6, last_ran_for=6)}, {}])
    pod = wl.pods[0]
    ip = pod["status"]["podIP"]
    s = L.spring
    prev = L.lines(s(c.clock, 8, "INFO", "c.e.ledger.LedgerApplication", "Started LedgerApplication in 31.8 seconds"),
                   s(c.clock, 3.1, "INFO", "c.e.ledger.batch.Reconciler", "reconciling 1,204,117 entries for 2025-08", thread="recon-1"),
                   "[2025-09-21T02:59:10.114+0000][gc] GC(211) Pause Full (Ergonomics) 1797M->1764M(1843M) 4212.551ms",
                   "[2025-09-21T02:59:17.602+0000][gc] GC(212) Pause Full (Ergonomics) 1801M->1790M(1843M) 4630.004ms",
                   s(c.clock, 1.7, "INFO", "o.s.b.a.l.ConditionEvaluationReportLogger", "Commencing graceful shutdown. Waiting for active requests to complete", thread="SpringApplicationShutdownHook"))
    c.log(pod, "ledger", L.lines(s(c.clock, 1.0, "INFO", "c.e.ledger.LedgerApplication", "Started LedgerApplication in 30.2 seconds")), previous=prev)
    trig_alert = alert_trigger(c, "KubePodCrashLooping", {"namespace": "payments", "pod": pod["metadata"]["name"],
                                                          "container": "ledger", "reason": "CrashLoopBackOff", "uid": pod["metadata"]["uid"]},
                               summary="Pod is crash looping.",
                               description=f'Pod payments/{pod["metadata"]["name"]} (ledger) is in waiting state (reason: "CrashLoopBackOff") on cluster {c.cluster_name}.',
                               expr='max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics",namespace=~".*",reason="CrashLoopBackOff"}[5m]) >= 1',
                               started=20)
    probe_trail(c, pod, "ledger", "Liveness", f'Get "http://{ip}:8081/actuator/health/liveness": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
                count=21, since=55, kills=7)
    return Scenario("liveness-probe-timeout-gc-alert", c, "alert.json", trig_alert, "liveness_probe_failure",
                    ("/actuator/health/liveness", "timeoutseconds"),
                    "During the month-end reconciliation the ledger JVM spends seconds in full GC pauses, its liveness "
                    "probe (timeoutSeconds 1) times out three times, and the kubelet restarts it (exit 143). The "
                    "alert says crash looping, but the kills are the probe's.")


def readiness_wrong_port() -> Scenario:
    c = base_cluster("readiness-probe-wrong-port")
    c.namespace("search", labels={"team": "search"})
    wl = c.deployment("search", "autocomplete", [container(
        "autocomplete", c.image("search/autocomplete:3.1.0"), ports=[port(8080)],
        resources=resources("200m", "256Mi", memory_limit="512Mi"),
        readiness=http_probe("/ready", 8081, period=5))], replicas=3, revision=10, updated=38,
        runs=[{"autocomplete": running(37, ready=False)} for _ in range(3)])
    c.service("search", "autocomplete", {"app.kubernetes.io/name": "autocomplete"}, [("http", 80, "http")])
    for pod in wl.pods:
        c.log(pod, "autocomplete", L.lines(L.zap(c.clock, 37, "info", "autocomplete/main.go:61", "index loaded", terms=1822004),
                                           L.zap(c.clock, 37, "info", "autocomplete/main.go:77", "listening", addr=":8080")))
    ip = wl.pods[1]["status"]["podIP"]
    trig = probe_trail(c, wl.pods[1], "autocomplete", "Readiness",
                       f'Get "http://{ip}:8081/ready": dial tcp {ip}:8081: connect: connection refused', count=440, since=37)
    return Scenario("readiness-probe-wrong-port", c, "event.json", event_trigger(trig), "readiness_probe_failure",
                    ("8081",),
                    "The readiness probe of autocomplete targets port 8081 while the server listens on :8080, so no "
                    "pod ever becomes Ready and the Service has no ready endpoints; the containers never restart.")


def readiness_dependency_alert() -> Scenario:
    c = base_cluster("readiness-probe-dependency-alert")
    wl = c.deployment("storefront", "product-search", [container(
        "product-search", c.image("storefront/product-search:4.4.1"), ports=[port(8000)],
        command=["uvicorn", "search.app:app", "--host", "0.0.0.0", "--port", "8000"],
        resources=resources("250m", "384Mi", memory_limit="768Mi"), readiness=http_probe("/ready", "http", period=10))],
        replicas=2, revision=7, updated=6 * 1440,
        runs=[{"product-search": running(6 * 1440, ready=False)}, {"product-search": running(6 * 1440, ready=False)}])
    for pod in wl.pods:
        c.log(pod, "product-search", L.lines(
            L.pylog(c.clock, 24, "WARNING", "search.health", "readiness check failed: index alias 'products' points to products-v7, which does not exist"),
            f'INFO:     {pod["status"]["podIP"]}:48212 - "GET /ready HTTP/1.1" 503 Service Unavailable',
            L.pylog(c.clock, 1, "WARNING", "search.health", "readiness check failed: index alias 'products' points to products-v7, which does not exist")))
    probe_trail(c, wl.pods[0], "product-search", "Readiness", "HTTP probe failed with statuscode: 503", count=150, since=25)
    return Scenario("readiness-probe-dependency-alert", c, "alert.json", pod_not_ready_alert(c, wl.pods[0]),
                    "readiness_probe_failure", ("products-v7", "/ready"),
                    "product-search's /ready returns 503 since the nightly reindex moved the 'products' alias to "
                    "products-v7 and then failed, so the index does not exist; both pods are running but not Ready.")


def startup_too_short() -> Scenario:
    c = base_cluster("startup-probe-budget-too-short")
    c.namespace("claims", labels={"team": "insurance"})
    wl = c.deployment("claims", "claims-core", [container(
        "claims-core", c.image("insurance/claims-core:14.2.0"), ports=[port(8080)],
        env=[env_value("SPRING_PROFILES_ACTIVE", "prod,flyway")], resources=resources("1", "2Gi", memory_limit="3Gi"),
        startup=http_probe("/actuator/health/liveness", "http", period=5, failures=6),
        liveness=http_probe("/actuator/health/liveness", "http"))], replicas=2, revision=58, updated=50,
        runs=[{"claims-core": crashloop(143, restarts=8, ran_for=0.55)}, {"claims-core": crashloop(143, restarts=8, ran_for=0.55)}])
    s = L.spring
    text = L.lines(s(c.clock, 2.6, "INFO", "c.e.claims.ClaimsApplication", "Starting ClaimsApplication v14.2.0 using Java 21.0.7"),
                   s(c.clock, 2.5, "INFO", "o.f.core.internal.command.DbMigrate", "Migrating schema \"claims\" to version \"412 - backfill claim events\""),
                   s(c.clock, 2.1, "INFO", "o.f.core.internal.command.DbMigrate", "backfill claim events: 3,112,440 rows"),
                   s(c.clock, 2.05, "INFO", "o.s.b.w.e.tomcat.GracefulShutdown", "Commencing graceful shutdown. Waiting for active requests to complete", thread="SpringApplicationShutdownHook"))
    for pod in wl.pods:
        c.crash_log(pod, "claims-core", text)
    ip = wl.pods[0]["status"]["podIP"]
    trig = probe_trail(c, wl.pods[0], "claims-core", "Startup", f'Get "http://{ip}:8080/actuator/health/liveness": dial tcp {ip}:8080: connect: connection refused',
                       count=54, since=49, kills=9)
    crashloop_trail(c, wl.pods[0], "claims-core", restarts=8, since=49)
    return Scenario("startup-probe-budget-too-short", c, "event.json", event_trigger(trig), "startup_probe_failure",
                    ("startupprobe", "failurethreshold"),
                    "claims-core 14.2.0 runs a long Flyway backfill before Tomcat listens; its startupProbe allows "
                    "only 30s (failureThreshold 6 x periodSeconds 5), so the kubelet kills it mid-migration every time.")


def insufficient_memory() -> Scenario:
    c = base_cluster("pending-insufficient-memory")
    c.namespace("analytics", labels={"team": "data"})
    msg = f"0/5 nodes are available: {_OTHERS}, 3 Insufficient memory. preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod."
    wl = c.statefulset("analytics", "clickhouse", [container(
        "clickhouse", "docker.io/clickhouse/clickhouse-server:25.6.2", ports=[port(8123), port(9000, "native")],
        resources=resources("2", "24Gi", memory_limit="24Gi", cpu_limit="2"))], replicas=2,
        unbound_claims=(1,), unschedulable=msg, pod_created=12 * 1440)
    pod = wl.pods[1]
    trig = c.scheduler_event(pod, msg, count=19, first=49, last=1.2)
    c.event(pod, "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 node(s) had untolerated taint {dedicated: batch}, 1 Insufficient memory",
            type_="Normal", count=290, first=49, last=0.5, component="cluster-autoscaler", instance="")
    return Scenario("pending-insufficient-memory", c, "event.json", event_trigger(trig), "pending_insufficient_resources",
                    ("24gi", "insufficient memory"),
                    "clickhouse-1 was recreated with a 24Gi memory request after the memory bump; the general nodes "
                    "have ~14Gi allocatable and the autoscaler's node group uses the same instance type, so it stays Pending.")


def insufficient_gpu_alert() -> Scenario:
    c = base_cluster("pending-insufficient-gpu-alert")
    c.namespace("ml-serving", labels={"team": "ml"})
    msg = f"0/5 nodes are available: {_OTHERS}, 3 Insufficient nvidia.com/gpu. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling."
    wl = c.deployment("ml-serving", "embeddings", [container(
        "embeddings", "nvcr.io/nvidia/tritonserver:25.06-py3", ports=[port(8000)],
        resources=resources("4", "16Gi", memory_limit="16Gi", extra_limits={"nvidia.com/gpu": "1"}))], replicas=1,
        revision=1, updated=70, unschedulable=msg)
    c.scheduler_event(wl.pod, msg, count=23, first=59, last=2)
    return Scenario("pending-insufficient-gpu-alert", c, "alert.json", pod_not_ready_alert(c, wl.pod, started=44),
                    "pending_insufficient_resources", ("nvidia.com/gpu",),
                    "embeddings requests one nvidia.com/gpu but the cluster has no GPU node group, so the scheduler "
                    "reports Insufficient nvidia.com/gpu on every node; nothing is wrong with the image or config.")


def pending_taint() -> Scenario:
    c = base_cluster("pending-untolerated-taint")
    c.namespace("analytics", labels={"team": "data"})
    msg = "0/5 nodes are available: 1 node(s) had untolerated taint {dedicated: batch}, 1 node(s) were unschedulable, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling."
    wl = c.deployment("analytics", "spark-history", [container(
        "spark-history", "docker.io/apache/spark:3.5.6", args=["/opt/spark/sbin/start-history-server.sh"],
        ports=[port(18080)], resources=resources("500m", "2Gi", memory_limit="2Gi"))], replicas=1, revision=3,
        updated=30, unschedulable=msg, spec={"nodeSelector": {"node-pool": "batch"}})
    trig = c.scheduler_event(wl.pod, msg, count=12, first=29, last=1.1)
    return Scenario("pending-untolerated-taint", c, "event.json", event_trigger(trig), "pending_taint",
                    ("dedicated", "batch"),
                    "spark-history is pinned to node-pool=batch, but the only batch node carries the taint "
                    "dedicated=batch:NoSchedule and the pod has no matching toleration; the selector is right, the "
                    "toleration is missing.")


def pending_node_selector() -> Scenario:
    c = base_cluster("pending-node-selector-no-match")
    msg = "0/5 nodes are available: 1 node(s) had untolerated taint {dedicated: batch}, 1 node(s) were unschedulable, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling."
    wl = c.deployment("identity", "risk-engine", [container(
        "risk-engine", c.image("identity/risk-engine:2.0.0"), ports=[port(8080)],
        resources=resources("1", "4Gi", memory_limit="4Gi"))], replicas=2, revision=5, updated=26,
        unschedulable=msg, spec={"nodeSelector": {"node-pool": "highmem"}})
    trig = c.scheduler_event(wl.pods[0], msg, count=9, first=25, last=0.8)
    c.scheduler_event(wl.pods[1], msg, count=9, first=25, last=0.9)
    return Scenario("pending-node-selector-no-match", c, "event.json", event_trigger(trig), "pending_node_selector",
                    ("node-pool", "highmem"),
                    "risk-engine now selects nodeSelector node-pool=highmem, a node group that was planned but never "
                    "created; no node carries that label (the batch node's taint in the message is incidental).")


def unbound_pvc_storage_class() -> Scenario:
    c = base_cluster("pending-unbound-pvc-missing-storageclass")
    c.namespace("search", labels={"team": "search"})
    msg = "0/5 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling."
    wl = c.statefulset("search", "opensearch", [container(
        "opensearch", "docker.io/opensearchproject/opensearch:2.19.2", ports=[port(9200), port(9300, "transport")],
        resources=resources("1", "4Gi", memory_limit="4Gi"), mounts=[mount("data", "/usr/share/opensearch/data")])],
        replicas=3, claim_size="200Gi", storage_class="gp3-encrypted", unbound_claims=(0, 1, 2), unschedulable=msg)
    trig = c.scheduler_event(wl.pods[0], msg, count=8, first=49, last=4)
    pvc = next(o for o in c.extra["persistentvolumeclaims.json"] if o["metadata"]["name"] == "data-opensearch-0")
    c.event(pvc, "ProvisioningFailed", 'storageclass.storage.k8s.io "gp3-encrypted" not found', kind="PersistentVolumeClaim",
            count=196, first=49, last=0.3, component="persistentvolume-controller", instance="")
    return Scenario("pending-unbound-pvc-missing-storageclass", c, "event.json", event_trigger(trig), "pending_unbound_pvc",
                    ("gp3-encrypted", "data-opensearch-0"),
                    "The opensearch volumeClaimTemplates ask for storageClassName gp3-encrypted, which does not exist "
                    "(the classes are gp3 and gp2); the claims stay Pending and the pods unschedulable.")


def unbound_pvc_rwx_ask() -> Scenario:
    c = base_cluster("pending-unbound-pvc-rwx-ask")
    c.namespace("cms", labels={"team": "content"})
    msg = '0/5 nodes are available: 3 node(s) did not have enough free storage, 1 node(s) had untolerated taint {dedicated: batch}, 1 node(s) were unschedulable. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.'
    pvc = c.claim("cms", "shared-uploads", size="50Gi", bound=False, access="ReadWriteMany", created=33)
    wl = c.deployment("cms", "strapi", [container(
        "strapi", c.image("content/strapi:5.18.0"), ports=[port(1337)], resources=resources("250m", "512Mi", memory_limit="1Gi"),
        mounts=[mount("uploads", "/opt/app/public/uploads")])], replicas=2, revision=1, updated=33,
        volumes=[pvc_volume("uploads", "shared-uploads")], unschedulable=msg)
    c.scheduler_event(wl.pods[0], msg, count=15, first=32, last=1)
    c.event(pvc, "ProvisioningFailed", 'failed to provision volume with StorageClass "gp3": rpc error: code = InvalidArgument desc = Volume capabilities MULTI_NODE_MULTI_WRITER not supported. Only AccessModes[ReadWriteOnce] supported.',
            kind="PersistentVolumeClaim", count=14, first=32, last=1.5,
            component="ebs.csi.aws.com_ebs-csi-controller-6c9d7f8b9-x2k4q_8f1e3a52-1d0c-4e0b-9f55-0a4c2b7e6d13", instance="")
    return Scenario("pending-unbound-pvc-rwx-ask", c, "ask.json",
                    ask_trigger("cms", workload="strapi", question="strapi pods have been Pending for half an hour"),
                    "pending_unbound_pvc", ("shared-uploads", "readwritemany"),
                    "strapi mounts the PVC shared-uploads with accessModes ReadWriteMany on the EBS-backed gp3 class; "
                    "EBS supports only ReadWriteOnce, so provisioning fails and the claim stays Pending.")
