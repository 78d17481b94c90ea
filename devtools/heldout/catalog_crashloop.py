"""Crash-looping containers: missing env, missing config file, app errors, bad commands, permissions, ports."""

# ruff: noqa: E501 -- log lines, image references and messages are verbatim fixture data.

from devtools.heldout import logs as L
from devtools.heldout.base import base_cluster
from devtools.heldout.events import crashloop_trail
from devtools.heldout.scenario import Scenario, alert_trigger, ask_trigger, event_trigger
from devtools.heldout.shapes import (
    configmap_volume,
    container,
    env_secret,
    env_value,
    http_probe,
    mount,
    port,
    resources,
)
from devtools.heldout.states import crashloop

_CRASHLOOP_EXPR = (
    'max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics",namespace=~".*",'
    'reason="CrashLoopBackOff"}[5m]) >= 1'
)


def crash_looping_alert(c, pod, container_name, started: float = 16):
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    return alert_trigger(
        c,
        "KubePodCrashLooping",
        {
            "namespace": ns,
            "pod": name,
            "container": container_name,
            "reason": "CrashLoopBackOff",
            "uid": pod["metadata"]["uid"],
        },
        summary="Pod is crash looping.",
        description=f'Pod {ns}/{name} ({container_name}) is in waiting state (reason: "CrashLoopBackOff") '
        f"on cluster {c.cluster_name}.",
        expr=_CRASHLOOP_EXPR,
        started=started,
    )


def missing_env_go() -> Scenario:
    c = base_cluster("crashloop-missing-env-go")
    c.namespace("orders", labels={"team": "fulfilment"})
    c.configmap(
        "orders",
        "order-router-config",
        {
            "ROUTER_HTTP_ADDR": ":8080",
            "ROUTER_LOG_LEVEL": "info",
            "ROUTER_WAREHOUSE_API": "http://warehouse-api.orders.svc",
        },
    )
    wl = c.deployment(
        "orders",
        "order-router",
        [
            container(
                "order-router",
                c.image("orders/order-router:1.7.0"),
                ports=[port(8080)],
                env_from=[{"configMapRef": {"name": "order-router-config"}}],
                env=[env_secret("ROUTER_DB_PASSWORD", "order-router-db", "password")],
                resources=resources("100m", "128Mi", memory_limit="256Mi"),
                readiness=http_probe("/readyz", "http"),
            )
        ],
        replicas=2,
        revision=12,
        runs=[
            {"order-router": crashloop(1, restarts=14)},
            {"order-router": crashloop(1, restarts=14, last_finished=3.1)},
        ],
        updated=64,
        previous=[
            container(
                "order-router",
                c.image("orders/order-router:1.6.4"),
                ports=[port(8080)],
                env_from=[{"configMapRef": {"name": "order-router-config"}}],
                resources=resources("100m", "128Mi", memory_limit="256Mi"),
            )
        ],
    )
    c.secret("orders", "order-router-db")
    c.service("orders", "order-router", {"app.kubernetes.io/name": "order-router"}, [("http", 80, "http")])
    bad = wl.pods[-1]
    text = L.lines(
        L.zap(
            c.clock,
            2.0,
            "info",
            "order-router/main.go:44",
            "starting order-router",
            version="1.7.0",
            commit="4be1f0c",
        ),
        L.zap(c.clock, 2.0, "info", "config/load.go:61", "loaded configuration from environment", keys=4),
        L.zap(
            c.clock,
            2.0,
            "fatal",
            "order-router/main.go:52",
            "invalid configuration",
            error='env: required environment variable "ROUTER_KAFKA_BROKERS" is not set',
            stacktrace="main.main\n\t/src/cmd/order-router/main.go:52\nruntime.main\n\t/usr/local/go/src/runtime/proc.go:283",
        ),
    )
    for pod in wl.pods[2:]:
        c.crash_log(pod, "order-router", text)
    trig = crashloop_trail(c, bad, "order-router", restarts=14)
    return Scenario(
        "crashloop-missing-env-go",
        c,
        "event.json",
        event_trigger(trig),
        "crashloop_missing_env",
        ("router_kafka_brokers",),
        "order-router 1.7.0 added a Kafka publisher that requires ROUTER_KAFKA_BROKERS; neither the "
        "Deployment nor the order-router-config ConfigMap sets it, so the new pods exit 1 at startup. "
        "The old 1.6.4 ReplicaSet still serves, but the trigger is a pod BackOff, so the class is the crash.",
    )


def missing_env_python() -> Scenario:
    c = base_cluster("crashloop-missing-env-python-alert")
    c.namespace("recsys", labels={"team": "ml"})
    wl = c.deployment(
        "recsys",
        "recommender",
        [
            container(
                "recommender",
                c.image("ml/recommender:2025.08.3"),
                ports=[port(8000)],
                command=["python", "-m", "recommender.serve"],
                env=[
                    env_value("MODEL_NAME", "two-tower-v5"),
                    env_value("FEATURE_STORE_URL", "http://feast.recsys.svc:6566"),
                ],
                resources=resources("1", "2Gi", memory_limit="3Gi"),
                readiness=http_probe("/health", "http", delay=10),
            )
        ],
        replicas=1,
        revision=31,
        updated=38,
        runs=[{"recommender": crashloop(1, restarts=11, last_finished=1.2, ran_for=0.1)}],
    )
    text = L.lines(
        L.pylog(c.clock, 1.3, "INFO", "recommender.serve", "loading settings"),
        "Traceback (most recent call last):",
        '  File "<frozen runpy>", line 198, in _run_module_as_main',
        '  File "<frozen runpy>", line 88, in _run_code',
        '  File "/app/recommender/serve.py", line 112, in <module>',
        "    main()",
        '  File "/app/recommender/serve.py", line 97, in main',
        "    settings = Settings.from_env()",
        '  File "/app/recommender/settings.py", line 41, in from_env',
        '    model_bucket=os.environ["MODEL_ARTIFACT_BUCKET"],',
        "                 ~~~~~~~~~~^^^^^^^^^^^^^^^^^^^^^^^^^",
        '  File "<frozen os>", line 714, in __getitem__',
        "KeyError: 'MODEL_ARTIFACT_BUCKET'",
    )
    c.crash_log(wl.pod, "recommender", text)
    crashloop_trail(c, wl.pod, "recommender", restarts=11, since=38)
    c.service("recsys", "recommender", {"app.kubernetes.io/name": "recommender"}, [("http", 80, "http")])
    return Scenario(
        "crashloop-missing-env-python-alert",
        c,
        "alert.json",
        crash_looping_alert(c, wl.pod, "recommender"),
        "crashloop_missing_env",
        ("model_artifact_bucket",),
        "The recommender reads MODEL_ARTIFACT_BUCKET with os.environ[...] at startup; the Deployment "
        "only sets MODEL_NAME and FEATURE_STORE_URL, so it dies with KeyError and crash-loops.",
    )


def missing_config_file_java() -> Scenario:
    c = base_cluster("crashloop-missing-config-file-spring")
    c.namespace("pricing", labels={"team": "pricing"})
    c.configmap("pricing", "pricing-rules", {"rules.yml": "discounts:\n  - code: BACK2SCHOOL\n    pct: 15\n"})
    wl = c.deployment(
        "pricing",
        "pricing-engine",
        [
            container(
                "pricing-engine",
                c.image("pricing/pricing-engine:5.2.0"),
                ports=[port(8080)],
                env=[
                    env_value("PRICING_RULES_PATH", "/etc/pricing/rules.yaml"),
                    env_value("SPRING_PROFILES_ACTIVE", "prod"),
                ],
                resources=resources("500m", "768Mi", memory_limit="1Gi"),
                mounts=[mount("rules", "/etc/pricing", read_only=True)],
                readiness=http_probe("/actuator/health/readiness", "http", delay=30),
            )
        ],
        volumes=[configmap_volume("rules", "pricing-rules")],
        replicas=2,
        revision=8,
        updated=55,
        runs=[
            {"pricing-engine": crashloop(1, restarts=9, ran_for=0.3)},
            {"pricing-engine": crashloop(1, restarts=9, last_finished=2.6, ran_for=0.3)},
        ],
    )
    s = L.spring
    text = L.lines(
        s(
            c.clock,
            2.4,
            "INFO",
            "c.e.pricing.PricingApplication",
            "Starting PricingApplication v5.2.0 using Java 21.0.7 with PID 1",
        ),
        s(
            c.clock,
            2.4,
            "INFO",
            "c.e.pricing.PricingApplication",
            'The following 1 profile is active: "prod"',
        ),
        s(
            c.clock,
            2.3,
            "WARN",
            "o.s.b.w.s.c.AnnotationConfigServletWebServerApplicationContext",
            "Exception encountered during context initialization - cancelling refresh attempt: "
            "org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'ruleBook'",
        ),
        s(c.clock, 2.3, "ERROR", "o.s.boot.SpringApplication", "Application run failed"),
        "org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'ruleBook' defined in class path resource [com/example/pricing/RulesConfig.class]: Failed to instantiate [com.example.pricing.RuleBook]: Factory method 'ruleBook' threw exception with message: /etc/pricing/rules.yaml (No such file or directory)",
        "\tat org.springframework.beans.factory.support.ConstructorResolver.instantiate(ConstructorResolver.java:657)",
        "\tat org.springframework.boot.SpringApplication.run(SpringApplication.java:1361)",
        "\tat com.example.pricing.PricingApplication.main(PricingApplication.java:12)",
        "Caused by: java.io.FileNotFoundException: /etc/pricing/rules.yaml (No such file or directory)",
        "\tat java.base/java.io.FileInputStream.open0(Native Method)",
        "\tat java.base/java.io.FileInputStream.<init>(FileInputStream.java:213)",
        "\tat com.example.pricing.RulesConfig.ruleBook(RulesConfig.java:38)",
        "\t... 21 common frames omitted",
    )
    for pod in wl.pods:
        c.crash_log(pod, "pricing-engine", text)
    trig = crashloop_trail(c, wl.pods[0], "pricing-engine", restarts=9, since=55)
    return Scenario(
        "crashloop-missing-config-file-spring",
        c,
        "event.json",
        event_trigger(trig),
        "crashloop_missing_config_file",
        ("/etc/pricing/rules.yaml", "rules.yml"),
        "pricing-engine 5.2.0 reads /etc/pricing/rules.yaml, but the pricing-rules ConfigMap mounted "
        "at /etc/pricing holds the key rules.yml, so the file does not exist and Spring fails to start.",
    )


def missing_config_file_nginx() -> Scenario:
    c = base_cluster("crashloop-missing-config-file-nginx-alert")
    c.configmap(
        "storefront",
        "edge-proxy-conf",
        {"default.conf": "include /etc/nginx/conf.d/upstreams.conf;\nserver { listen 8080; }\n"},
    )
    wl = c.deployment(
        "storefront",
        "edge-proxy",
        [
            container(
                "nginx",
                "docker.io/library/nginx:1.27.5-alpine",
                ports=[port(8080)],
                resources=resources("50m", "32Mi", memory_limit="64Mi"),
                mounts=[
                    mount("conf", "/etc/nginx/conf.d/default.conf", read_only=True, sub_path="default.conf")
                ],
            )
        ],
        volumes=[configmap_volume("conf", "edge-proxy-conf")],
        replicas=2,
        revision=5,
        updated=30,
        runs=[
            {"nginx": crashloop(1, restarts=8, ran_for=0.01)},
            {"nginx": crashloop(1, restarts=8, ran_for=0.01)},
        ],
    )
    t = c.clock.log_time(minutes=2.1).strftime("%Y/%m/%d %H:%M:%S")
    text = L.lines(
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        "10-listen-on-ipv6-by-default.sh: info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
        f'{t} [emerg] 1#1: open() "/etc/nginx/conf.d/upstreams.conf" failed (2: No such file or directory) in /etc/nginx/conf.d/default.conf:1',
        'nginx: [emerg] open() "/etc/nginx/conf.d/upstreams.conf" failed (2: No such file or directory) in /etc/nginx/conf.d/default.conf:1',
    )
    for pod in wl.pods:
        c.crash_log(pod, "nginx", text)
    crashloop_trail(c, wl.pods[0], "nginx", restarts=8, since=30)
    return Scenario(
        "crashloop-missing-config-file-nginx-alert",
        c,
        "alert.json",
        crash_looping_alert(c, wl.pods[0], "nginx", started=15),
        "crashloop_missing_config_file",
        ("/etc/nginx/conf.d/upstreams.conf",),
        "The edge-proxy default.conf includes /etc/nginx/conf.d/upstreams.conf, which no volume provides "
        "(only default.conf is mounted via subPath), so nginx exits with [emerg] at start. The "
        "'read-only file system' line from the entrypoint is harmless noise.",
    )


def app_error_rust() -> Scenario:
    c = base_cluster("crashloop-app-error-rust-migration")
    c.namespace("billing", labels={"team": "billing"})
    wl = c.deployment(
        "billing",
        "invoice-api",
        [
            container(
                "invoice-api",
                c.image("billing/invoice-api:0.42.0"),
                ports=[port(8080)],
                env=[
                    env_value("RUST_LOG", "info,sqlx=warn"),
                    env_secret("DATABASE_URL", "invoice-db", "url"),
                ],
                resources=resources("100m", "64Mi", memory_limit="128Mi"),
                readiness=http_probe("/health", "http"),
            )
        ],
        replicas=2,
        revision=19,
        updated=47,
        runs=[
            {"invoice-api": crashloop(101, restarts=12, ran_for=0.05)},
            {"invoice-api": crashloop(101, restarts=12, ran_for=0.05)},
        ],
    )
    c.secret("billing", "invoice-db")
    r = L.rust_tracing
    text = L.lines(
        r(c.clock, 2.2, "INFO", "invoice_api", "starting invoice-api v0.42.0"),
        r(c.clock, 2.2, "INFO", "invoice_api::db", "connected to postgres (pool size 10)"),
        r(
            c.clock,
            2.2,
            "INFO",
            "invoice_api::db",
            "running pending migrations: 20250828_add_tenant_to_invoices",
        ),
        "thread 'main' panicked at src/db/migrate.rs:57:10:",
        'called `Result::unwrap()` on an `Err` value: Migrate(Execute(Database(PgDatabaseError { severity: Error, code: "42703", message: "column \\"tenant_id\\" of relation \\"invoice_lines\\" does not exist", file: Some("tablecmds.c"), line: Some(12830), routine: Some("ATExecAlterColumnType") })))',
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
    )
    for pod in wl.pods:
        c.crash_log(pod, "invoice-api", text)
    trig = crashloop_trail(c, wl.pods[1], "invoice-api", restarts=12, since=47)
    return Scenario(
        "crashloop-app-error-rust-migration",
        c,
        "event.json",
        event_trigger(trig),
        "crashloop_app_error",
        ("tenant_id", "invoice_lines"),
        "invoice-api 0.42.0 runs a migration at startup that alters invoice_lines.tenant_id, a column "
        "the production schema lacks; the panic exits 101 and the pods crash-loop. Config is fine.",
    )


def app_error_node() -> Scenario:
    c = base_cluster("crashloop-app-error-node-alert")
    wl = c.deployment(
        "storefront",
        "feed-builder",
        [
            container(
                "feed-builder",
                c.image("storefront/feed-builder:3.0.1"),
                ports=[port(3000)],
                env=[env_value("NODE_ENV", "production"), env_value("FEED_LOCALES", "en-GB,de-DE,fr-FR")],
                resources=resources("100m", "192Mi", memory_limit="384Mi"),
            )
        ],
        replicas=1,
        revision=22,
        updated=33,
        runs=[{"feed-builder": crashloop(1, restarts=10, ran_for=0.4)}],
    )
    text = L.lines(
        L.pino(c.clock, 2.4, 30, "feed-builder starting", version="3.0.1", hostname="feed-builder"),
        L.pino(c.clock, 2.4, 30, "fetched catalog snapshot", products=18211, hostname="feed-builder"),
        "/app/dist/feeds/google.js:88",
        "    const [lang, region] = product.locale.split('-');",
        "                                          ^",
        "",
        "TypeError: Cannot read properties of undefined (reading 'split')",
        "    at buildItem (/app/dist/feeds/google.js:88:43)",
        "    at Array.map (<anonymous>)",
        "    at buildFeed (/app/dist/feeds/google.js:41:28)",
        "    at async main (/app/dist/index.js:27:5)",
        "",
        "Node.js v22.17.0",
    )
    c.crash_log(wl.pod, "feed-builder", text)
    crashloop_trail(c, wl.pod, "feed-builder", restarts=10, since=33)
    return Scenario(
        "crashloop-app-error-node-alert",
        c,
        "alert.json",
        crash_looping_alert(c, wl.pod, "feed-builder"),
        "crashloop_app_error",
        ("google.js:88",),
        "feed-builder 3.0.1 throws an unhandled TypeError in buildItem (google.js:88) when a product has "
        "no locale; a code bug, not configuration, so the pod exits 1 on every start.",
    )


def bad_command_celery() -> Scenario:
    c = base_cluster("crashloop-bad-command-celery")
    wl = c.deployment(
        "payments",
        "settlement-worker",
        [
            container(
                "worker",
                c.image("payments/settlement:2.9.0"),
                command=["celery"],
                args=["-A", "settlement.tasks", "wroker", "--loglevel=INFO", "--concurrency=4"],
                env=[env_secret("BROKER_URL", "settlement-broker", "url")],
                resources=resources("250m", "384Mi", memory_limit="512Mi"),
            )
        ],
        replicas=2,
        revision=14,
        updated=28,
        runs=[
            {"worker": crashloop(2, restarts=8, ran_for=0.02)},
            {"worker": crashloop(2, restarts=8, ran_for=0.02)},
        ],
    )
    c.secret("payments", "settlement-broker")
    text = L.lines(
        "Usage: celery [OPTIONS] COMMAND [ARGS]...",
        "Try 'celery --help' for help.",
        "",
        "Error: No such command 'wroker'.",
    )
    for pod in wl.pods:
        c.crash_log(pod, "worker", text)
    trig = crashloop_trail(c, wl.pods[0], "worker", restarts=8, since=28)
    return Scenario(
        "crashloop-bad-command-celery",
        c,
        "event.json",
        event_trigger(trig),
        "crashloop_bad_command",
        ("wroker",),
        "A typo in the Deployment args ('wroker' for 'worker') makes celery print its usage and exit 2 "
        "immediately; the image and config are fine.",
    )


def bad_command_go_flag() -> Scenario:
    c = base_cluster("crashloop-bad-command-go-flag-ask")
    c.namespace("platform", labels={"team": "platform"})
    wl = c.deployment(
        "platform",
        "webhook-relay",
        [
            container(
                "webhook-relay",
                c.image("platform/webhook-relay:1.3.0"),
                args=[
                    "--listen=:8080",
                    "--metrics-addr=:9090",
                    "--upstream=http://events-gateway.platform.svc",
                ],
                ports=[port(8080), port(9090, "metrics")],
                resources=resources("50m", "32Mi", memory_limit="64Mi"),
            )
        ],
        replicas=2,
        revision=6,
        updated=25,
        runs=[
            {"webhook-relay": crashloop(2, restarts=7, ran_for=0.01)},
            {"webhook-relay": crashloop(2, restarts=7)},
        ],
    )
    text = L.lines(
        "flag provided but not defined: -metrics-addr",
        "Usage of /webhook-relay:",
        "  -listen string",
        '    \taddress to serve webhooks on (default ":8080")',
        "  -metrics-listen string",
        '    \taddress to serve /metrics on (default ":9090")',
        "  -upstream string",
        "    \tURL events are forwarded to",
    )
    for pod in wl.pods:
        c.crash_log(pod, "webhook-relay", text)
    crashloop_trail(c, wl.pods[0], "webhook-relay", restarts=7, since=25)
    return Scenario(
        "crashloop-bad-command-go-flag-ask",
        c,
        "ask.json",
        ask_trigger(
            "platform",
            workload="webhook-relay",
            question="webhook-relay keeps restarting since this morning's deploy, why?",
        ),
        "crashloop_bad_command",
        ("-metrics-addr", "-metrics-listen"),
        "webhook-relay 1.3.0 renamed its --metrics-addr flag to --metrics-listen; the Deployment still "
        "passes --metrics-addr, so the Go flag parser exits 2 with 'flag provided but not defined'.",
    )


def permission_denied_python() -> Scenario:
    c = base_cluster("crashloop-permission-denied-readonly-fs")
    c.namespace("media", labels={"team": "content"})
    wl = c.deployment(
        "media",
        "thumbnailer",
        [
            container(
                "thumbnailer",
                c.image("media/thumbnailer:1.15.2"),
                ports=[port(8888)],
                env=[env_value("THUMBOR_TMP_DIR", "/var/cache/thumbor/tmp")],
                resources=resources("200m", "256Mi", memory_limit="512Mi"),
                security={
                    "runAsUser": 10001,
                    "runAsNonRoot": True,
                    "readOnlyRootFilesystem": True,
                    "allowPrivilegeEscalation": False,
                },
            )
        ],
        replicas=2,
        revision=9,
        updated=36,
        runs=[{"thumbnailer": crashloop(1, restarts=10)}, {"thumbnailer": crashloop(1, restarts=10)}],
    )
    text = L.lines(
        L.pylog(c.clock, 2.1, "INFO", "thumbor.server", "thumbor starting at 0.0.0.0:8888"),
        "Traceback (most recent call last):",
        '  File "/usr/local/bin/thumbor", line 8, in <module>',
        "    sys.exit(main())",
        '  File "/usr/local/lib/python3.12/site-packages/thumbor/server.py", line 181, in main',
        "    validate_config(config, server_parameters)",
        '  File "/usr/local/lib/python3.12/site-packages/thumbor/server.py", line 98, in validate_config',
        "    os.makedirs(config.TMP_DIR, exist_ok=True)",
        '  File "<frozen os>", line 225, in makedirs',
        "PermissionError: [Errno 13] Permission denied: '/var/cache/thumbor/tmp'",
    )
    for pod in wl.pods:
        c.crash_log(pod, "thumbnailer", text)
    trig = crashloop_trail(c, wl.pods[1], "thumbnailer", restarts=10, since=36)
    return Scenario(
        "crashloop-permission-denied-readonly-fs",
        c,
        "event.json",
        event_trigger(trig),
        "crashloop_permission_denied",
        ("/var/cache/thumbor/tmp", "readonlyrootfilesystem"),
        "The security hardening in revision 9 set readOnlyRootFilesystem and runAsUser 10001, but "
        "thumbor creates /var/cache/thumbor/tmp at startup; with no emptyDir there it gets EACCES.",
    )


def permission_denied_redis() -> Scenario:
    c = base_cluster("crashloop-permission-denied-redis-alert")
    c.namespace("cache", labels={"team": "platform"})
    wl = c.statefulset(
        "cache",
        "rate-limit-redis",
        [
            container(
                "redis",
                "docker.io/bitnami/redis:7.4.2-debian-12-r6",
                ports=[port(6379, "redis")],
                resources=resources("100m", "256Mi", memory_limit="512Mi"),
                mounts=[mount("data", "/bitnami/redis/data")],
                security={"runAsUser": 1001, "runAsNonRoot": True},
            )
        ],
        replicas=3,
        claim_size="10Gi",
        spec={"securityContext": {}},
        runs=[{}, {}, {"redis": crashloop(1, restarts=13, ran_for=0.02)}],
    )
    pod = wl.pods[2]
    text = L.lines(
        "redis 08:11:02.31 INFO  ==> ** Starting Redis setup **",
        "mkdir: cannot create directory '/bitnami/redis/data/appendonlydir': Permission denied",
        "redis 08:11:02.33 ERROR ==> Unable to create the data directory /bitnami/redis/data",
    )
    c.crash_log(pod, "redis", text)
    for healthy in wl.pods[:2]:
        c.log(healthy, "redis", "1:M 10 Sep 2025 01:10:11.214 * Ready to accept connections tcp\n")
    crashloop_trail(c, pod, "redis", restarts=13, since=58)
    return Scenario(
        "crashloop-permission-denied-redis-alert",
        c,
        "alert.json",
        crash_looping_alert(c, pod, "redis"),
        "crashloop_permission_denied",
        ("/bitnami/redis/data", "rate-limit-redis-2"),
        "rate-limit-redis-2 got a fresh volume after its node was replaced; the pod runs as uid 1001 "
        "with no fsGroup in its securityContext, so the root-owned ext4 volume is not writable.",
    )


def port_in_use_sidecar() -> Scenario:
    c = base_cluster("crashloop-port-in-use-sidecar")
    wl = c.deployment(
        "identity",
        "profile-api",
        [
            container(
                "profile-api",
                c.image("identity/profile-api:2.4.0"),
                ports=[port(8080), port(9090, "metrics")],
                resources=resources("100m", "128Mi", memory_limit="256Mi"),
            ),
            container(
                "otel-agent",
                "docker.io/otel/opentelemetry-collector-contrib:0.128.0",
                args=["--config=/conf/agent.yaml"],
                ports=[port(9090, "otel-metrics")],
                resources=resources("50m", "64Mi", memory_limit="128Mi"),
            ),
        ],
        replicas=2,
        revision=11,
        updated=42,
        runs=[
            {"profile-api": crashloop(1, restarts=11, ran_for=0.1)},
            {"profile-api": crashloop(1, restarts=11)},
        ],
    )
    text = L.lines(
        L.zap(c.clock, 2.0, "info", "profile-api/main.go:39", "starting", version="2.4.0"),
        L.zap(c.clock, 2.0, "info", "profile-api/main.go:71", "http server listening", addr=":8080"),
        L.zap(
            c.clock,
            2.0,
            "fatal",
            "metrics/server.go:28",
            "metrics server failed",
            error="listen tcp :9090: bind: address already in use",
        ),
    )
    for pod in wl.pods:
        c.crash_log(pod, "profile-api", text)
        c.log(
            pod,
            "otel-agent",
            L.lines(
                f"{c.clock.ago(minutes=42)}\tinfo\tservice@v0.128.0/service.go:199\tStarting otelcol-contrib...",
                f"{c.clock.ago(minutes=42)}\tinfo\tprometheusexporter@v0.128.0/prometheus.go:76\tStarting Prometheus exporter on 0.0.0.0:9090",
                f'{c.clock.ago(minutes=5)}\twarn\tbatchprocessor@v0.128.0/batch_processor.go:271\tSender failed\t{{"error": "rpc error: code = Unavailable"}}',
            ),
        )
    trig = crashloop_trail(c, wl.pods[0], "profile-api", restarts=11, since=42)
    return Scenario(
        "crashloop-port-in-use-sidecar",
        c,
        "event.json",
        event_trigger(trig),
        "crashloop_port_in_use",
        ("9090", "otel-agent"),
        "Revision 11 added an otel-agent sidecar whose Prometheus exporter binds 0.0.0.0:9090 in the same "
        "pod network namespace; profile-api's metrics server then fails with 'address already in use'. "
        "The sidecar's 'Sender failed' warning is a red herring.",
    )


def port_in_use_hostnetwork() -> Scenario:
    c = base_cluster("crashloop-port-in-use-hostnetwork-ask")
    c.namespace("observability", labels={"team": "platform"})
    node = sorted(c.nodes)[0]
    runs = {n: {"exporter": crashloop(1, restarts=16, ran_for=0.01)} for n in c.nodes}
    ds = c.daemonset(
        "observability",
        "gpu-dcgm-exporter",
        [
            container(
                "exporter",
                "nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04",
                args=["-a", ":9100"],
                ports=[port(9100, "metrics")],
                resources=resources("50m", "64Mi", memory_limit="256Mi"),
            )
        ],
        spec={"hostNetwork": True},
        runs=runs,
        priority_class="",
        created=0.9 * 60,
    )
    text = L.lines(
        f'time="{c.clock.ago(minutes=1.5)}" level=info msg="Starting dcgm-exporter" Version=4.2.3-4.1.3',
        f'time="{c.clock.ago(minutes=1.5)}" level=info msg="Pipeline starting"',
        f'time="{c.clock.ago(minutes=1.5)}" level=fatal msg="Failed to start server" err="listen tcp :9100: bind: address already in use"',
    )
    for pod in ds.pods:
        c.crash_log(pod, "exporter", text)
    target = next(p for p in ds.pods if p["spec"]["nodeName"] == node)
    crashloop_trail(c, target, "exporter", restarts=16, since=52)
    return Scenario(
        "crashloop-port-in-use-hostnetwork-ask",
        c,
        "ask.json",
        ask_trigger(
            "observability",
            workload="gpu-dcgm-exporter",
            question="the new dcgm exporter daemonset never becomes ready on any node",
        ),
        "crashloop_port_in_use",
        ("9100", "hostnetwork"),
        "The new DaemonSet runs with hostNetwork and listens on :9100, the port the node-exporter "
        "DaemonSet in monitoring already holds on every node, so each pod fails with address already in use.",
    )


def oom_java() -> Scenario:
    c = base_cluster("oom-killed-jvm-heap")
    wl = c.deployment(
        "storefront",
        "search-indexer",
        [
            container(
                "search-indexer",
                c.image("storefront/search-indexer:7.1.0"),
                ports=[port(8080)],
                env=[env_value("JAVA_TOOL_OPTIONS", "-Xms512m -Xmx1g -XX:+UseG1GC")],
                resources=resources("500m", "768Mi", memory_limit="768Mi"),
            )
        ],
        replicas=1,
        revision=17,
        updated=70,
        runs=[
            {"search-indexer": crashloop(137, restarts=6, reason="OOMKilled", ran_for=3.5, last_finished=3)}
        ],
    )
    s = L.spring
    text = L.lines(
        "Picked up JAVA_TOOL_OPTIONS: -Xms512m -Xmx1g -XX:+UseG1GC",
        s(
            c.clock,
            6.4,
            "INFO",
            "c.e.search.IndexerApplication",
            "Started IndexerApplication in 14.2 seconds",
        ),
        s(
            c.clock,
            5.9,
            "INFO",
            "c.e.search.BulkIndexer",
            "reindex: loading 2,418,330 documents",
            thread="indexer-1",
        ),
        s(
            c.clock,
            3.2,
            "INFO",
            "c.e.search.BulkIndexer",
            "reindex: 61% (1,476,112 documents)",
            thread="indexer-1",
        ),
    )
    c.crash_log(wl.pod, "search-indexer", text)
    trig = crashloop_trail(c, wl.pod, "search-indexer", restarts=6, since=70)
    return Scenario(
        "oom-killed-jvm-heap",
        c,
        "event.json",
        event_trigger(trig),
        "oom_killed",
        ("768mi", "-xmx1g"),
        "search-indexer's JVM is allowed a 1 GiB heap (-Xmx1g) inside a 768Mi memory limit; during a "
        "reindex the container is OOMKilled (exit 137) with no Java error in the log.",
    )


def oom_python() -> Scenario:
    c = base_cluster("oom-killed-pandas-alert")
    c.namespace("analytics", labels={"team": "data"})
    wl = c.deployment(
        "analytics",
        "report-api",
        [
            container(
                "report-api",
                c.image("data/report-api:1.12.0"),
                ports=[port(8000)],
                resources=resources("500m", "1Gi", memory_limit="2Gi"),
                readiness=http_probe("/health", "http"),
            )
        ],
        replicas=2,
        revision=40,
        updated=5 * 1440,
        runs=[{"report-api": crashloop(137, restarts=5, reason="OOMKilled", ran_for=8, last_finished=4)}, {}],
    )
    text = L.lines(
        L.pylog(c.clock, 12, "INFO", "uvicorn.error", "Application startup complete."),
        L.pylog(
            c.clock,
            6,
            "INFO",
            "report_api.exports",
            "export requested: tenant=acme-retail range=2023-01-01..2025-09-01 format=xlsx",
        ),
        L.pylog(c.clock, 5.5, "INFO", "report_api.exports", "loaded 9,812,004 rows into DataFrame"),
    )
    c.crash_log(wl.pod, "report-api", text)
    crashloop_trail(c, wl.pod, "report-api", restarts=5, since=50)
    return Scenario(
        "oom-killed-pandas-alert",
        c,
        "alert.json",
        crash_looping_alert(c, wl.pod, "report-api"),
        "oom_killed",
        ("oomkilled", "2gi"),
        "A tenant's multi-year export loads ~10M rows into pandas and the container exceeds its 2Gi "
        "memory limit; the last state is OOMKilled (137). The other replica is healthy.",
    )
