"""Scenarios where one workload's pods fail: crash loops, OOM, image pulls, config, entrypoints, probes."""

from __future__ import annotations

from devtools.scenarios.base import base_world
from devtools.scenarios.kube import container, crashloop, env, http_probe, running, terminated, waiting
from devtools.scenarios.triggers import alert, ask, expected, pod_event
from devtools.scenarios.world import World

BACKOFF = "Back-off restarting failed container {c} in pod {p}_{ns}({u})"


def _crash(w: World, ns: str, name: str, c: dict, log: str, exit_code: int = 1, replicas: int = 2, **kw):
    pods = w.deployment(ns, name, [c], replicas=replicas, status=lambda i, p: {
        "containers": [crashloop(c["name"], p, ns, exit_code=exit_code)], "logs": {c["name"]: log},
        "previous": {c["name"]: log}}, **kw)
    return pods, w.dump[ns]["pods"][-replicas] if replicas else None


def _backoff(w: World, ns: str, pod: dict, c: str, count: int = 87):
    from devtools.scenarios.kube import uid

    name = pod["metadata"]["name"]
    return pod_event(w, ns, pod, "BackOff", BACKOFF.format(c=c, p=name, ns=ns, u=uid("Pod", ns, name)), c,
                     count=count, first_min=58, last_min=1)


def crashloop_missing_env_python():
    w = base_world("env-py")
    log = ("INFO:     Started server process [1]\nWARNING:  redis cache disabled: REDIS_URL empty, using memory\n"
           "Traceback (most recent call last):\n  File \"/app/main.py\", line 14, in <module>\n"
           "    settings = Settings()\n  File \"/app/settings.py\", line 9, in __init__\n"
           "    self.stripe_key = os.environ[\"STRIPE_API_KEY\"]\n  File \"<frozen os>\", line 679, in __getitem__\n"
           "KeyError: 'STRIPE_API_KEY'\n")
    c = container("checkout", "ghcr.io/acme/checkout:3.4.0", env=[env("LOG_LEVEL", "info"), env("DB_HOST", "pg.payments")])
    _, pod = _crash(w, "payments", "checkout", c, log, revision=12)
    return w, _backoff(w, "payments", pod, "checkout"), expected(
        "crashloop_missing_env", ["STRIPE_API_KEY"],
        "checkout 3.4.0 reads STRIPE_API_KEY at import; the Deployment never sets it. The REDIS_URL warning is a red herring.")


def crashloop_missing_env_go_alert():
    w = base_world("env-go")
    log = ('{"level":"info","ts":"2025-06-03T10:28:01.002Z","msg":"starting inventory-sync","version":"1.2.0"}\n'
           '{"level":"error","ts":"2025-06-03T10:28:01.003Z","msg":"metrics endpoint disabled"}\n'
           '{"level":"fatal","ts":"2025-06-03T10:28:01.004Z","msg":"invalid configuration","error":'
           '"envconfig.Process: assigning INVENTORY_API_TOKEN: required key INVENTORY_API_TOKEN missing value"}\n')
    c = container("inventory-sync", "ghcr.io/acme/inventory-sync:1.2.0", port=None)
    _, pod = _crash(w, "shop", "inventory-sync", c, log, replicas=1, revision=3)
    return w, alert("KubePodCrashLooping", {"namespace": "shop", "pod": pod["metadata"]["name"], "container":
                                            "inventory-sync", "job": "kube-state-metrics"},
                    "Pod is crash looping.", f"Pod shop/{pod['metadata']['name']} (inventory-sync) is in waiting "
                    "state (reason: \"CrashLoopBackOff\")."), expected(
        "crashloop_missing_env", ["INVENTORY_API_TOKEN"], "envconfig refuses to start without INVENTORY_API_TOKEN.")


def crashloop_missing_config_file_node():
    w = base_world("cfg-node")
    log = ("> notifier@2.0.1 start\n> node dist/server.js\n\nnode:internal/fs/utils:347\n    throw err;\n    ^\n\n"
           "Error: ENOENT: no such file or directory, open '/etc/notifier/channels.yaml'\n"
           "    at Object.openSync (node:fs:573:18)\n    at loadChannels (/app/dist/config.js:12:22) {\n"
           "  errno: -2,\n  syscall: 'open',\n  code: 'ENOENT',\n  path: '/etc/notifier/channels.yaml'\n}\n")
    c = container("notifier", "ghcr.io/acme/notifier:2.0.1", port=3000,
                  mounts=[{"name": "config", "mountPath": "/etc/notifier"}])
    vols = [{"name": "config", "configMap": {"name": "notifier-config", "defaultMode": 420}}]
    _, pod = _crash(w, "shop", "notifier", c, log, volumes=vols, revision=5)
    w.add_extra({"kind": "ConfigMap", "metadata": {"name": "notifier-config", "namespace": "shop"},
                 "data": {"channel.yaml": "slack: {}\n"}})
    return w, _backoff(w, "shop", pod, "notifier"), expected(
        "crashloop_missing_config_file", ["/etc/notifier/channels.yaml"],
        "The ConfigMap holds channel.yaml, the app opens channels.yaml under the mount.")


def crashloop_bad_command_flag():
    w = base_world("badflag")
    log = ("flag provided but not defined: -listen-addr\nUsage of /usr/local/bin/gateway:\n"
           "  -config string\n    \tpath to config (default \"/etc/gateway.yaml\")\n  -listen string\n"
           "    \taddress to listen on (default \":8080\")\n")
    c = container("gateway", "ghcr.io/acme/gateway:5.0.0", args=["-listen-addr=:8080", "-config=/etc/gateway.yaml"])
    _, pod = _crash(w, "shop", "gateway", c, log, exit_code=2, revision=8)
    return w, _backoff(w, "shop", pod, "gateway"), expected(
        "crashloop_bad_command", ["-listen-addr"], "gateway 5.0.0 renamed -listen-addr to -listen.")


def crashloop_permission_denied_volume():
    w = base_world("perm")
    log = ("2025-06-03 10:27:58,112 INFO exporter starting\n"
           "PermissionError: [Errno 13] Permission denied: '/var/lib/exporter/state.db'\n")
    c = container("report-exporter", "ghcr.io/acme/report-exporter:0.9.3", port=9100,
                  mounts=[{"name": "state", "mountPath": "/var/lib/exporter"}],
                  security={"runAsUser": 10001, "runAsNonRoot": True})
    vols = [{"name": "state", "persistentVolumeClaim": {"claimName": "exporter-state"}}]
    _, pod = _crash(w, "payments", "report-exporter", c, log, replicas=1, volumes=vols, revision=2)
    return w, _backoff(w, "payments", pod, "report-exporter"), expected(
        "crashloop_permission_denied", ["/var/lib/exporter/state.db"],
        "The volume is owned by root; the container runs as 10001 without fsGroup.")


def crashloop_port_in_use_sidecar():
    w = base_world("port")
    log = ("2025/06/03 10:28:10 loading routes\n2025/06/03 10:28:10 listen tcp :9090: bind: address already in use\n")
    app = container("search-api", "ghcr.io/acme/search-api:7.1.0", port=9090)
    side = container("metrics-proxy", "ghcr.io/acme/metrics-proxy:1.0.0", port=9090, port_name="metrics")
    w.deployment("shop", "search-api", [app, side], replicas=2, revision=11, status=lambda i, p: {
        "containers": [crashloop("search-api", p, "shop"), running()], "logs": {"search-api": log},
        "previous": {"search-api": log}})
    pod = w.dump["shop"]["pods"][-2]
    return w, _backoff(w, "shop", pod, "search-api"), expected(
        "crashloop_port_in_use", ["9090"], "The new metrics-proxy sidecar also binds 9090.")


def crashloop_app_error_java():
    w = base_world("java")
    log = ("  .   ____          _\n :: Spring Boot ::                (v3.2.5)\n"
           "2025-06-03T10:28:30.101Z  WARN 1 --- [main] o.h.e.j.e.i.JdbcEnvironmentInitiator : HHH000342: Could "
           "not obtain connection to query metadata\n"
           "2025-06-03T10:28:31.220Z ERROR 1 --- [main] o.s.boot.SpringApplication : Application run failed\n"
           "org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'flyway'\n"
           "\tat org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean(A.java:1)\n"
           "Caused by: org.flywaydb.core.api.exception.FlywayValidateException: Validation failed for migrations: "
           "Migration checksum mismatch for migration version 42\n")
    c = container("orders", "ghcr.io/acme/orders:9.0.2", memory="512Mi", limit_memory="1Gi")
    _, pod = _crash(w, "shop", "orders", c, log, revision=31)
    return w, _backoff(w, "shop", pod, "orders"), expected(
        "crashloop_app_error", ["checksum mismatch"], "A migration file was edited after being applied.")


def oom_killed_jvm():
    w = base_world("oom")
    log = ("2025-06-03 10:27:40 INFO  Loading catalog index (1.2M items)\n"
           "Exception in thread \"indexer\" java.lang.OutOfMemoryError: Java heap space\n")
    c = container("recommender", "ghcr.io/acme/recommender:4.4.0", memory="384Mi", limit_memory="512Mi")
    w.deployment("shop", "recommender", [c], replicas=2, revision=6, status=lambda i, p: {
        "containers": [{**crashloop("recommender", p, "shop", 137, "OOMKilled", restarts=9)}],
        "logs": {"recommender": log}, "previous": {"recommender": log}})
    pod = w.dump["shop"]["pods"][-2]
    return w, _backoff(w, "shop", pod, "recommender"), expected(
        "oom_killed", ["512Mi"], "The index no longer fits in the 512Mi limit.")


def oom_killed_alert_running():
    w = base_world("oom2")
    c = container("pdf-render", "ghcr.io/acme/pdf-render:2.2.0", memory="256Mi", limit_memory="300Mi")
    w.deployment("payments", "pdf-render", [c], replicas=1, revision=4, status=lambda i, p: {
        "containers": [running(started_min=3, restarts=23, last=terminated(137, "OOMKilled", minutes_ago=4, ran_s=300))]})
    pod = w.dump["payments"]["pods"][-1]["metadata"]["name"]
    return w, alert("KubePodCrashLooping", {"namespace": "payments", "pod": pod, "container": "pdf-render"},
                    "Pod is crash looping.", f"Pod payments/{pod} (pdf-render) is restarting 2.1 times / 10 minutes."), \
        expected("oom_killed", ["300Mi"], "Large PDFs push the renderer over its 300Mi limit.")


def image_pull_not_found_typo():
    w = base_world("img404")
    img = "123456789012.dkr.ecr.us-east-2.amazonaws.com/acme/cart:v3.9.0"
    msg = (f'Failed to pull image "{img}": rpc error: code = NotFound desc = failed to pull and unpack image '
           f'"{img}": failed to resolve reference "{img}": {img}: not found')
    c = container("cart", img)
    old = container("cart", "123456789012.dkr.ecr.us-east-2.amazonaws.com/acme/cart:3.8.2")
    w.deployment("shop", "cart", [c], replicas=2, revision=19, old=[old], old_ready=2, status=lambda i, p: {
        "containers": [waiting("ImagePullBackOff", f'Back-off pulling image "{img}"')], "logs": {"cart": None}})
    pod = w.dump["shop"]["pods"][-4]
    w.event("shop", "Pod", pod["metadata"]["name"], "Failed", msg, count=12, first_min=50, last_min=3,
            host=pod["spec"]["nodeName"], field_path="spec.containers{cart}")
    return w, pod_event(w, "shop", pod, "BackOff", f'Back-off pulling image "{img}"', "cart", count=210,
                        first_min=55, last_min=1), expected(
        "image_pull_not_found", ["v3.9.0"], "Tags are pushed without the v prefix; the last good image was 3.8.2.")


def image_pull_unauthorized_ghcr():
    w = base_world("img401")
    img = "ghcr.io/acme-private/fraud-score:2024.11.3"
    msg = (f'Failed to pull image "{img}": failed to pull and unpack image "{img}": failed to resolve reference '
           f'"{img}": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to '
           'https://ghcr.io/token?scope=repository%3Aacme-private%2Ffraud-score%3Apull&service=ghcr.io: 401 Unauthorized')
    w.deployment("payments", "fraud-score", [container("fraud-score", img)], replicas=1, revision=1, status=lambda i, p: {
        "containers": [waiting("ErrImagePull", msg)], "logs": {"fraud-score": None}})
    pod = w.dump["payments"]["pods"][-1]
    return w, alert("KubeContainerWaiting", {"namespace": "payments", "pod": pod["metadata"]["name"],
                                             "container": "fraud-score", "reason": "ErrImagePull"},
                    "Pod container waiting longer than 1 hour", "pod is waiting (reason ErrImagePull)"), expected(
        "image_pull_unauthorized", ["ghcr.io"], "The private package needs an imagePullSecret; none is set.")


def image_pull_registry_unreachable():
    w = base_world("imgnet")
    img = "harbor.internal.acme.io/platform/audit-log:1.4.0"
    msg = (f'Failed to pull image "{img}": failed to pull and unpack image "{img}": failed to resolve reference '
           f'"{img}": failed to do request: Head "https://harbor.internal.acme.io/v2/platform/audit-log/manifests/1.4.0": '
           'dial tcp: lookup harbor.internal.acme.io on 10.0.0.2:53: no such host')
    w.deployment("payments", "audit-log", [container("audit-log", img)], replicas=1, revision=2, status=lambda i, p: {
        "containers": [waiting("ImagePullBackOff", f'Back-off pulling image "{img}"')], "logs": {"audit-log": None}})
    pod = w.dump["payments"]["pods"][-1]
    return w, pod_event(w, "payments", pod, "Failed", msg, "audit-log", count=9, first_min=40, last_min=2), expected(
        "image_pull_registry_unreachable", ["harbor.internal.acme.io"], "The internal registry's DNS name does not "
        "resolve from the VPC.")


def missing_configmap_env():
    w = base_world("cm")
    c = container("pricing", "ghcr.io/acme/pricing:6.1.0", env_from=[{"configMapRef": {"name": "pricing-rules"}}])
    w.deployment("shop", "pricing", [c], replicas=2, revision=4, status=lambda i, p: {
        "containers": [waiting("CreateContainerConfigError", 'configmap "pricing-rules" not found')],
        "logs": {"pricing": None}})
    pod = w.dump["shop"]["pods"][-2]
    return w, pod_event(w, "shop", pod, "Failed", 'Error: configmap "pricing-rules" not found', "pricing",
                        count=44, first_min=30, last_min=1), expected(
        "create_container_config_missing_configmap", ["pricing-rules"], "The ConfigMap was renamed in the chart.")


def missing_secret():
    w = base_world("secret")
    c = container("payouts", "ghcr.io/acme/payouts:2.0.0", env=[env("BANK_API_KEY", secret=("bank-api", "key"))])
    w.deployment("payments", "payouts", [c], replicas=1, revision=1, status=lambda i, p: {
        "containers": [waiting("CreateContainerConfigError", 'secret "bank-api" not found')], "logs": {"payouts": None}})
    pod = w.dump["payments"]["pods"][-1]
    return w, alert("KubeContainerWaiting", {"namespace": "payments", "pod": pod["metadata"]["name"], "container":
                                             "payouts", "reason": "CreateContainerConfigError"},
                    "Pod container waiting longer than 1 hour", "waiting (reason CreateContainerConfigError)"), expected(
        "create_container_config_missing_secret", ["bank-api"], "The external-secrets sync never created bank-api.")


def missing_secret_key():
    w = base_world("secretkey")
    c = container("mailer", "ghcr.io/acme/mailer:1.1.0", env=[env("SMTP_PASSWORD", secret=("smtp", "password"))])
    w.add_extra({"kind": "Secret", "metadata": {"name": "smtp", "namespace": "shop"}, "type": "Opaque"})
    w.deployment("shop", "mailer", [c], replicas=1, revision=3, status=lambda i, p: {
        "containers": [waiting("CreateContainerConfigError", "couldn't find key password in Secret shop/smtp")],
        "logs": {"mailer": None}})
    pod = w.dump["shop"]["pods"][-1]
    return w, pod_event(w, "shop", pod, "Failed", "Error: couldn't find key password in Secret shop/smtp", "mailer",
                        count=20, first_min=25, last_min=1), expected(
        "create_container_config_missing_secret_key", ["password", "smtp"], "The Secret has smtp-password, not password.")


def bad_entrypoint():
    w = base_world("entry")
    msg = ('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create '
           'failed: unable to start container process: exec: "/app/bin/worker": stat /app/bin/worker: no such file '
           'or directory: unknown')
    c = container("worker", "ghcr.io/acme/thumbnailer:3.0.0", command=["/app/bin/worker"], port=None)
    w.deployment("shop", "thumbnailer", [c], replicas=1, revision=7, status=lambda i, p: {
        "containers": [{"state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2m40s"}},
                        "lastState": {"terminated": {**terminated(128, "StartError"), "message": msg}},
                        "ready": False, "restartCount": 6}], "logs": {"worker": ""}})
    pod = w.dump["shop"]["pods"][-1]
    return w, pod_event(w, "shop", pod, "Failed", f"Error: {msg}", "worker", count=6, first_min=12, last_min=1), \
        expected("run_container_error_bad_entrypoint", ["/app/bin/worker"], "The 3.0 image moved the binary to /usr/local/bin.")


def liveness_wrong_port():
    w = base_world("live")
    c = container("quotes", "ghcr.io/acme/quotes:1.9.0", port=8080, liveness=http_probe("/healthz", 8081, 15))
    log = "2025-06-03T10:29:01Z INFO quotes listening on :8080\n2025-06-03T10:29:40Z INFO shutting down on SIGTERM\n"
    w.deployment("shop", "quotes", [c], replicas=2, revision=5, status=lambda i, p: {
        "containers": [running(started_min=1, restarts=11, last=terminated(143, "Error", minutes_ago=1, ran_s=45))],
        "logs": {"quotes": log}, "previous": {"quotes": log}})
    pod = w.dump["shop"]["pods"][-2]
    name, node = pod["metadata"]["name"], pod["spec"]["nodeName"]
    w.event("shop", "Pod", name, "Killing", "Container quotes failed liveness probe, will be restarted", type_="Normal",
            count=11, first_min=55, last_min=1, host=node, field_path="spec.containers{quotes}")
    return w, pod_event(w, "shop", pod, "Unhealthy", 'Liveness probe failed: Get "http://10.0.2.87:8081/healthz": '
                        'dial tcp 10.0.2.87:8081: connect: connection refused', "quotes", count=33, first_min=55,
                        last_min=1), expected("liveness_probe_failure", ["8081"], "The probe targets 8081; the app "
                                              "listens on 8080.")


def readiness_404():
    w = base_world("ready")
    c = container("reviews", "ghcr.io/acme/reviews:2.5.0", readiness=http_probe("/health/ready", "http"))
    w.deployment("shop", "reviews", [c], replicas=2, revision=13, status=lambda i, p: {
        "containers": [running(started_min=40, ready=False)]})
    w.service("shop", "reviews", {"app.kubernetes.io/name": "reviews"})
    pod = w.dump["shop"]["pods"][-2]
    return w, alert("KubePodNotReady", {"namespace": "shop", "pod": pod["metadata"]["name"]},
                    "Pod has been in a non-ready state for more than 15 minutes.",
                    f"Pod shop/{pod['metadata']['name']} has been in a non-ready state for longer than 15 minutes."), \
        _readiness_expected(w, pod)


def _readiness_expected(w, pod):
    w.event("shop", "Pod", pod["metadata"]["name"], "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 404", count=240, first_min=40, last_min=0.5,
            host=pod["spec"]["nodeName"], field_path="spec.containers{reviews}")
    return expected("readiness_probe_failure", ["/health/ready"], "reviews 2.5 serves /readyz; the probe asks "
                    "/health/ready and gets 404.")


def startup_probe_too_short():
    w = base_world("startup")
    c = container("search-indexer", "ghcr.io/acme/search-indexer:8.0.0",
                  startup=http_probe("/started", "http", 0, failureThreshold=3, periodSeconds=5))
    log = ("[2025-06-03T10:29:00Z] warming index shards 1/12\n[2025-06-03T10:29:10Z] warming index shards 4/12\n")
    w.deployment("shop", "search-indexer", [c], replicas=1, revision=3, status=lambda i, p: {
        "containers": [running(started_min=0.2, restarts=17, last=terminated(137, "Error", minutes_ago=0.3, ran_s=16))],
        "logs": {"search-indexer": log}, "previous": {"search-indexer": log}})
    pod = w.dump["shop"]["pods"][-1]
    w.event("shop", "Pod", pod["metadata"]["name"], "Killing", "Container search-indexer failed startup probe, will "
            "be restarted", type_="Normal", count=17, first_min=58, last_min=0.3, host=pod["spec"]["nodeName"])
    return w, pod_event(w, "shop", pod, "Unhealthy", 'Startup probe failed: Get "http://10.0.1.77:8080/started": '
                        'dial tcp 10.0.1.77:8080: connect: connection refused', "search-indexer", count=51,
                        first_min=58, last_min=0.3), expected(
        "startup_probe_failure", ["/started"], "Warming takes ~60s; the startup probe allows 15s.")


def init_container_waits_for_db():
    w = base_world("init")
    init = [container("wait-for-db", "busybox:1.36", port=None, command=["sh", "-c", "until nc -z pg-main 5432; "
                                                                          "do echo waiting for pg-main; sleep 2; done"])]
    c = container("billing", "ghcr.io/acme/billing:5.5.5")
    log = "nc: bad address 'pg-main'\nwaiting for pg-main\n" * 20
    w.deployment("payments", "billing", [c], replicas=1, revision=8, init=init, status=lambda i, p: {
        "phase": "Pending", "scheduled": True, "init": [{"state": {"running": {"startedAt": "2025-06-03T09:40:00Z"}}, "ready": False,
                                      "restartCount": 0}],
        "containers": [waiting("PodInitializing", "")], "logs": {"wait-for-db": log, "billing": None}}, )
    return w, ask("payments", workload="deployment/billing", question="billing has been stuck in Init for an hour, "
                  "why?"), expected("init_container_failure", ["wait-for-db", "pg-main"],
                                    "The database Service was renamed to pg-primary; the init container waits forever.")
