"""INFO and WARN lines that name variables or files before the real crash: the terminal error is the cause."""

# ruff: noqa: E501 -- log lines and messages are verbatim fixture data.

from devtools.adversarial.kit import (
    L,
    Scenario,
    ask_trigger,
    base_cluster,
    crash_app,
    crashloop_alert,
    event_trigger,
    healthy_app,
    name_of,
)
from devtools.heldout.shapes import env_configmap, env_secret, env_value


def _gunicorn(c, at, pid, level, msg):
    t = c.clock.log_time(minutes=at)
    return f"[{t.strftime('%Y-%m-%d %H:%M:%S')} +0000] [{pid}] [{level}] {msg}"


def sentry_dsn_then_sqlalchemy() -> Scenario:
    """The issue's first case: `tracing disabled (SENTRY_DSN not set)` then a SQLAlchemy OperationalError."""
    c = base_cluster("infowarn-sentry-dsn-then-sqlalchemy")
    c.namespace("orders", labels={"team": "fulfilment"})
    host = "orders-prod.cluster-cq8x2lkz1k9a.eu-west-1.rds.amazonaws.com"
    err = (f'connection to server at "{host}" (10.60.12.44), port 5432 failed: Connection timed out\n'
           "\tIs the server running on that host and accepting TCP/IP connections?")
    text = L.lines(
        L.pylog(c.clock, 2.3, "INFO", "orders.telemetry", "tracing disabled (SENTRY_DSN not set)"),
        L.pylog(c.clock, 2.3, "INFO", "orders.main", "starting orders-service 2.3.0 (workers=4)"),
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.12/site-packages/sqlalchemy/engine/base.py", line 146, in __init__',
        "    self._dbapi_connection = engine.raw_connection()",
        '  File "/usr/local/lib/python3.12/site-packages/psycopg2/__init__.py", line 122, in connect',
        "    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)",
        f"psycopg2.OperationalError: {err}",
        "",
        "The above exception was the direct cause of the following exception:",
        "",
        "Traceback (most recent call last):",
        '  File "/app/orders/main.py", line 31, in <module>',
        "    Base.metadata.create_all(engine)",
        '  File "/usr/local/lib/python3.12/site-packages/sqlalchemy/sql/schema.py", line 5868, in create_all',
        "    bind._run_ddl_visitor(",
        f"sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) {err}",
        "",
        "(Background on this error at: https://sqlalche.me/e/20/e3q8)",
    )
    _, trig = crash_app(c, "orders", "orders-service", "orders/orders-service:2.3.0", text, restarts=13,
                        env=[env_value("LOG_LEVEL", "info"), env_secret("DATABASE_URL", "orders-db", "url")])
    c.secret("orders", "orders-db")
    return Scenario(
        "infowarn-sentry-dsn-then-sqlalchemy", c, "event.json", event_trigger(trig),
        "crashloop_app_error", (host,),
        "The INFO line about SENTRY_DSN is a feature switched off, not an error. The process dies because the "
        "RDS endpoint times out on port 5432 (sqlalchemy OperationalError): a database outside the cluster "
        "that it cannot reach (security group / network), not a missing variable.",
        group="dying_words",
    )


def log_format_warn_then_nil_panic() -> Scenario:
    c = base_cluster("infowarn-logfmt-log-format-go-nil-panic")
    c.namespace("shipping", labels={"team": "fulfilment"})
    lf = L.logfmt
    text = L.lines(
        lf(c.clock, 1.6, "warning", "LOG_FORMAT is not set, defaulting to logfmt"),
        lf(c.clock, 1.6, "info", "starting shipping-quotes", version="1.14.2", commit="9c1e0aa"),
        lf(c.clock, 1.6, "info", "loaded carriers", count="3", carriers="dhl,ups,postnl"),
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x9b2c4e]",
        "",
        "goroutine 1 [running]:",
        "github.com/acme/shipping-quotes/internal/carrier.(*Registry).Rate(0x0, {0xc0001a4000, 0x3})",
        "\t/src/internal/carrier/registry.go:88 +0x2e",
        "main.run({0xc00012e000, 0x1a})",
        "\t/src/cmd/shipping-quotes/main.go:64 +0x3c5",
        "main.main()",
        "\t/src/cmd/shipping-quotes/main.go:29 +0x25",
    )
    wl, _ = crash_app(c, "shipping", "shipping-quotes", "shipping/shipping-quotes:1.14.2", text, exit_code=2,
                      restarts=8, since=25, replicas=2, env=[env_value("CARRIERS", "dhl,ups,postnl")])
    return Scenario(
        "infowarn-logfmt-log-format-go-nil-panic", c, "alert.json",
        crashloop_alert(c, "shipping", name_of(wl.pods[1]), "shipping-quotes", stack="kp", started=9),
        "crashloop_app_error", ("nil pointer",),
        "The warning about LOG_FORMAT is survived (it defaults). shipping-quotes 1.14.2 panics with a nil "
        "pointer dereference in carrier.(*Registry).Rate (registry.go:88): a bug in the new release; roll back.",
        group="dying_words",
    )


def service_link_port_value_error() -> Scenario:
    """`REDIS_PORT = int(os.environ["REDIS_PORT"])` quoted in a traceback ending in ValueError."""
    c = base_cluster("infowarn-redis-port-service-link")
    c.namespace("content", labels={"team": "content"})
    healthy_app(c, "content", "redis", "docker.io/library/redis:7.4.2", replicas=1, port_no=6379, service=False)
    svc = c.service("content", "redis", {"app.kubernetes.io/name": "redis"}, [("redis", 6379, 6379)])
    ip = svc["spec"]["clusterIP"]
    text = L.lines(
        L.pylog(c.clock, 1.2, "INFO", "cms.boot", "loading settings from environment"),
        "Traceback (most recent call last):",
        '  File "/app/cms/wsgi.py", line 4, in <module>',
        "    from cms.cache import settings",
        '  File "/app/cms/cache/settings.py", line 9, in <module>',
        '    REDIS_PORT = int(os.environ["REDIS_PORT"])',
        "                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        f"ValueError: invalid literal for int() with base 10: 'tcp://{ip}:6379'",
    )
    wl, _ = crash_app(c, "content", "cms", "content/cms:6.0.0", text, restarts=10, since=30,
                      env=[env_value("REDIS_HOST", "redis")])
    return Scenario(
        "infowarn-redis-port-service-link", c, "ask.json",
        ask_trigger("content", workload="cms", question="cms keeps restarting after today's deploy"),
        "crashloop_app_error", ("redis_port", "tcp://"),
        "REDIS_PORT is not missing: Kubernetes injects REDIS_PORT=tcp://<clusterIP>:6379 for the Service "
        "named redis (enableServiceLinks), and int() fails on it. The source line quoted in the traceback is "
        "not the error; the ValueError is. Fix: set REDIS_PORT=6379 explicitly or enableServiceLinks: false.",
        group="dying_words",
    )


def jvm_exception_in_initializer() -> Scenario:
    c = base_cluster("infowarn-jvm-exception-in-initializer")
    c.namespace("fx", labels={"team": "treasury"})
    c.configmap("fx", "fx-rates-config", {"FX_CACHE_TTL_SECONDS": "30s", "FX_PROVIDER": "ecb"})
    s = L.spring
    text = L.lines(
        "Picked up JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75",
        s(c.clock, 3.1, "INFO", "com.acme.fx.FxApplication", "Starting FxApplication v3.7.0 using Java 21.0.7 with PID 1"),
        s(c.clock, 3.1, "WARN", "com.acme.fx.kafka.KafkaSetup", "KAFKA_SASL_JAAS_CONFIG is not set; SASL authentication disabled"),
        'Exception in thread "main" java.lang.ExceptionInInitializerError',
        "\tat com.acme.fx.RateCache.<init>(RateCache.java:22)",
        "\tat com.acme.fx.FxApplication.main(FxApplication.java:15)",
        'Caused by: java.lang.NumberFormatException: For input string: "30s"',
        "\tat java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)",
        "\tat java.base/java.lang.Long.parseLong(Long.java:711)",
        "\tat java.base/java.lang.Long.parseLong(Long.java:836)",
        "\tat com.acme.fx.Settings.<clinit>(Settings.java:31)",
        "\t... 2 more",
    )
    _, trig = crash_app(c, "fx", "fx-rates", "treasury/fx-rates:3.7.0", text, restarts=15, since=50,
                        env=[env_configmap("FX_CACHE_TTL_SECONDS", "fx-rates-config", "FX_CACHE_TTL_SECONDS")])
    return Scenario(
        "infowarn-jvm-exception-in-initializer", c, "event.json", event_trigger(trig),
        "crashloop_app_error", ("numberformatexception", "30s"),
        "The fatal error is ExceptionInInitializerError caused by NumberFormatException: the ConfigMap sets "
        "FX_CACHE_TTL_SECONDS=\"30s\" where the code parses a long. The WARN about KAFKA_SASL_JAAS_CONFIG is "
        "survived. Not a missing variable: a value of the wrong form.",
        group="dying_words",
    )


def jvm_metaspace() -> Scenario:
    c = base_cluster("infowarn-jvm-metaspace")
    c.namespace("claims", labels={"team": "insurance"})
    s = L.spring
    text = L.lines(
        "Picked up JAVA_TOOL_OPTIONS: -XX:MaxMetaspaceSize=128m -XX:+ExitOnOutOfMemoryError",
        s(c.clock, 4.2, "INFO", "c.a.claims.ClaimsApplication", "Starting ClaimsApplication v9.1.0 using Java 17.0.15 with PID 1"),
        s(c.clock, 4.1, "WARN", "o.s.b.a.o.j.JpaBaseConfiguration$JpaWebConfiguration", "spring.jpa.open-in-view is enabled by default. Therefore, database queries may be performed during view rendering. Explicitly configure spring.jpa.open-in-view to disable this warning"),
        s(c.clock, 3.9, "INFO", "o.h.e.t.j.p.i.JtaPlatformInitiator", "HHH000489: No JTA platform available (set 'hibernate.transaction.jta.platform' to enable JTA platform integration)"),
        "Terminating due to java.lang.OutOfMemoryError: Metaspace",
    )
    wl, _ = crash_app(c, "claims", "claims-api", "insurance/claims-api:9.1.0", text, exit_code=3, restarts=7, since=40,
                      ran_for=0.6, memory_limit="2Gi",
                      env=[env_value("JAVA_TOOL_OPTIONS", "-XX:MaxMetaspaceSize=128m -XX:+ExitOnOutOfMemoryError")])
    return Scenario(
        "infowarn-jvm-metaspace", c, "alert.json",
        crashloop_alert(c, "claims", name_of(wl.pod), "claims-api", stack="kps", started=21),
        "crashloop_app_error", ("metaspace", "maxmetaspacesize"),
        "The JVM exits (code 3, reason Error, not OOMKilled) on java.lang.OutOfMemoryError: Metaspace: "
        "-XX:MaxMetaspaceSize=128m is too small for 9.1.0's classes. The container limit (2Gi) is not the "
        "problem; raising it would not help. Fix: raise MaxMetaspaceSize.",
        group="dying_words",
    )


def node_cannot_find_module() -> Scenario:
    c = base_cluster("infowarn-node-cannot-find-module")
    c.namespace("web", labels={"team": "frontend"})
    text = L.lines(
        L.pino(c.clock, 1.1, 40, "OTEL_EXPORTER_OTLP_ENDPOINT not set, tracing disabled", hostname="landing"),
        "node:internal/modules/cjs/loader:1228",
        "  throw err;",
        "  ^",
        "",
        "Error: Cannot find module 'express'",
        "Require stack:",
        "- /app/server.js",
        "    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)",
        "    at Module._load (node:internal/modules/cjs/loader:1051:27)",
        "    at Module.require (node:internal/modules/cjs/loader:1311:19)",
        "    at require (node:internal/modules/helpers:179:18)",
        "    at Object.<anonymous> (/app/server.js:3:17)",
        "    at Module._compile (node:internal/modules/cjs/loader:1469:14)",
        "    at Module._extensions..js (node:internal/modules/cjs/loader:1548:10)",
        "    at Module.load (node:internal/modules/cjs/loader:1288:32)",
        "    at Module._load (node:internal/modules/cjs/loader:1104:12)",
        "    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:174:12) {",
        "  code: 'MODULE_NOT_FOUND',",
        "  requireStack: [ '/app/server.js' ]",
        "}",
        "",
        "Node.js v20.18.1",
    )
    _, trig = crash_app(c, "web", "landing", "frontend/landing:2025.9.1", text, restarts=11, since=35, replicas=2,
                        command=["node", "-r", "./tracing.js", "server.js"], env=[env_value("NODE_ENV", "production")])
    return Scenario(
        "infowarn-node-cannot-find-module", c, "event.json", event_trigger(trig),
        "crashloop_app_error", ("express",),
        "The image was built with `npm ci --omit=dev` and express sits in devDependencies, so require('express') "
        "fails with MODULE_NOT_FOUND. The command and entrypoint are fine (node starts and runs tracing.js): a "
        "missing dependency in the image, not a bad command.",
        group="dying_words",
    )


def pydantic_missing_setting() -> Scenario:
    c = base_cluster("infowarn-pydantic-settings-missing")
    c.namespace("billing", labels={"team": "finance"})
    text = L.lines(
        L.pylog(c.clock, 0.9, "INFO", "billing.telemetry", "OTEL_SDK_DISABLED=true, skipping tracing"),
        L.pylog(c.clock, 0.9, "WARNING", "billing.ratelimit", "REDIS_URL not set, falling back to in-memory rate limiter"),
        "Traceback (most recent call last):",
        '  File "/app/billing/app.py", line 12, in <module>',
        "    settings = get_settings()",
        '  File "/app/billing/config.py", line 40, in get_settings',
        "    return Settings()",
        '  File "/usr/local/lib/python3.12/site-packages/pydantic_settings/main.py", line 171, in __init__',
        "    super().__init__(",
        '  File "/usr/local/lib/python3.12/site-packages/pydantic/main.py", line 214, in __init__',
        "    validated_self = self.__pydantic_validator__.validate_python(data, self_instance=self)",
        "pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings",
        "stripe_api_key",
        "  Field required [type=missing, input_value={'database_url': 'postgre...', 'log_level': 'info'}, input_type=dict]",
        "    For further information visit https://errors.pydantic.dev/2.9/v/missing",
    )
    wl, _ = crash_app(c, "billing", "invoicing", "finance/invoicing:4.4.0", text, restarts=9, since=28,
                      env=[env_value("LOG_LEVEL", "info"), env_secret("DATABASE_URL", "invoicing-db", "url")])
    c.secret("billing", "invoicing-db")
    return Scenario(
        "infowarn-pydantic-settings-missing", c, "alert.json",
        crashloop_alert(c, "billing", name_of(wl.pod), "invoicing", stack="kps", started=12),
        "crashloop_missing_env", ("stripe_api_key",),
        "pydantic-settings fails validation: the required field stripe_api_key (env STRIPE_API_KEY) is not set "
        "on the container. That IS a missing environment variable. REDIS_URL and OTEL lines are warnings "
        "the process survives.",
        group="dying_words",
    )


def rust_panic_index() -> Scenario:
    c = base_cluster("infowarn-rust-panic-index")
    c.namespace("clickstream", labels={"team": "data"})
    r = L.rust_tracing
    text = L.lines(
        r(c.clock, 0.8, "WARN", "ingest::config", 'KAFKA_CONSUMER_GROUP not set, using default "ingest"'),
        r(c.clock, 0.8, "INFO", "ingest", "consuming from topic clickstream (partitions 0-11)"),
        "thread 'tokio-runtime-worker' panicked at src/decode/avro.rs:211:33:",
        "index out of bounds: the len is 0 but the index is 0",
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
    )
    _, trig = crash_app(c, "clickstream", "ingest", "data/ingest:0.31.0", text, exit_code=101, restarts=18, since=55,
                        ran_for=0.4, replicas=3, service_port=None,
                        env=[env_value("KAFKA_BROKERS", "kafka.streaming.svc:9092")])
    return Scenario(
        "infowarn-rust-panic-index", c, "event.json", event_trigger(trig),
        "crashloop_app_error", ("index out of bounds",),
        "The Rust consumer panics decoding a record (index out of bounds in src/decode/avro.rs:211): a bug, "
        "probably an empty/poison record. KAFKA_CONSUMER_GROUP is defaulted and RUST_BACKTRACE is a hint in "
        "the panic message, neither is missing configuration.",
        group="dying_words",
    )


def django_chained_improperly_configured() -> Scenario:
    c = base_cluster("infowarn-django-chained-missing-secret-key")
    c.namespace("portal", labels={"team": "customer"})
    text = L.lines(
        "WARNING:portal.settings:REDIS_URL not set, falling back to local-memory cache",
        "Traceback (most recent call last):",
        '  File "/app/portal/settings.py", line 22, in <module>',
        '    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]',
        "                 ~~~~~~~~~~^^^^^^^^^^^^^^^^^^^^^",
        '  File "<frozen os>", line 714, in __getitem__',
        "KeyError: 'DJANGO_SECRET_KEY'",
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        '  File "/app/manage.py", line 22, in <module>',
        "    main()",
        '  File "/usr/local/lib/python3.12/site-packages/django/conf/__init__.py", line 81, in __getattr__',
        "    self._setup(name)",
        '  File "/app/portal/settings.py", line 24, in <module>',
        '    raise ImproperlyConfigured("Set the DJANGO_SECRET_KEY environment variable")',
        "django.core.exceptions.ImproperlyConfigured: Set the DJANGO_SECRET_KEY environment variable",
    )
    wl, _ = crash_app(c, "portal", "portal-web", "customer/portal-web:12.0.1", text, restarts=6, since=20,
                      command=["python", "manage.py", "migrate", "--noinput"],
                      env=[env_value("DJANGO_SETTINGS_MODULE", "portal.settings"), env_secret("DATABASE_URL", "portal-db", "url")])
    c.secret("portal", "portal-db")
    return Scenario(
        "infowarn-django-chained-missing-secret-key", c, "ask.json",
        ask_trigger("portal", pod=name_of(wl.pod), question="portal-web won't start"),
        "crashloop_missing_env", ("django_secret_key",),
        "A chained traceback: KeyError 'DJANGO_SECRET_KEY', then during its handling ImproperlyConfigured naming "
        "the same variable. The Deployment sets DJANGO_SETTINGS_MODULE and DATABASE_URL but not "
        "DJANGO_SECRET_KEY. REDIS_URL is only a warning.",
        group="dying_words",
    )


def gunicorn_worker_failed_to_boot() -> Scenario:
    c = base_cluster("infowarn-gunicorn-worker-failed-to-boot")
    c.namespace("inventory", labels={"team": "fulfilment"})
    g = _gunicorn
    text = L.lines(
        g(c, 1.4, 1, "INFO", "Starting gunicorn 23.0.0"),
        g(c, 1.4, 1, "INFO", "Listening at: http://0.0.0.0:8000 (1)"),
        g(c, 1.4, 1, "INFO", "Using worker: sync"),
        g(c, 1.4, 7, "INFO", "Booting worker with pid: 7"),
        g(c, 1.4, 7, "ERROR", "Exception in worker process"),
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.12/site-packages/gunicorn/arbiter.py", line 608, in spawn_worker',
        "    worker.init_process()",
        '  File "/usr/local/lib/python3.12/site-packages/gunicorn/workers/base.py", line 135, in init_process',
        "    self.load_wsgi()",
        '  File "/app/inventory/wsgi.py", line 5, in <module>',
        "    from inventory.db import engine",
        '  File "/app/inventory/db.py", line 3, in <module>',
        "    import psycopg2",
        "ModuleNotFoundError: No module named 'psycopg2'",
        g(c, 1.4, 7, "INFO", "Worker exiting (pid: 7)"),
        g(c, 1.3, 1, "ERROR", "Worker (pid:7) exited with code 3"),
        g(c, 1.3, 1, "ERROR", "Shutting down: Master"),
        g(c, 1.3, 1, "ERROR", "Reason: Worker failed to boot."),
    )
    _, trig = crash_app(c, "inventory", "stock-api", "fulfilment/stock-api:2.0.0", text, exit_code=3, restarts=12,
                        since=48, command=["gunicorn", "inventory.wsgi:app", "-b", "0.0.0.0:8000"])
    return Scenario(
        "infowarn-gunicorn-worker-failed-to-boot", c, "event.json", event_trigger(trig),
        "crashloop_app_error", ("psycopg2",),
        "The last line ('Reason: Worker failed to boot.') is the effect; the cause is ModuleNotFoundError: "
        "No module named 'psycopg2' in the 2.0.0 image (the slim base dropped libpq / the wheel). Not a bad "
        "command: gunicorn started.",
        group="dying_words",
    )


def nginx_warn_then_emerg_cert() -> Scenario:
    c = base_cluster("infowarn-nginx-deprecated-then-emerg-cert")
    c.namespace("edge", labels={"team": "platform"})
    t = c.clock.log_time(minutes=0.9).strftime("%Y/%m/%d %H:%M:%S")
    text = L.lines(
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
        f'{t} [warn] 1#1: the "listen ... http2" directive is deprecated, use the "http2" directive instead in /etc/nginx/conf.d/default.conf:3',
        f'{t} [emerg] 1#1: cannot load certificate "/etc/nginx/tls/tls.crt": BIO_new_file() failed (SSL: error:80000002:system library::No such file or directory:calling fopen(/etc/nginx/tls/tls.crt, r) error:10000080:BIO routines::no such file)',
        'nginx: [emerg] cannot load certificate "/etc/nginx/tls/tls.crt": BIO_new_file() failed (SSL: error:80000002:system library::No such file or directory:calling fopen(/etc/nginx/tls/tls.crt, r) error:10000080:BIO routines::no such file)',
    )
    _, trig = crash_app(c, "edge", "edge-proxy", "docker.io/library/nginx:1.27.5", text, restarts=10, since=33, replicas=2)
    return Scenario(
        "infowarn-nginx-deprecated-then-emerg-cert", c, "event.json", event_trigger(trig),
        "crashloop_missing_config_file", ("/etc/nginx/tls/tls.crt",),
        "nginx's [warn] about the http2 directive is survived; the [emerg] is fatal: the certificate file "
        "/etc/nginx/tls/tls.crt does not exist because no TLS secret is mounted at /etc/nginx/tls.",
        group="dying_words",
    )


SCENARIOS = {
    "infowarn-sentry-dsn-then-sqlalchemy": sentry_dsn_then_sqlalchemy,
    "infowarn-logfmt-log-format-go-nil-panic": log_format_warn_then_nil_panic,
    "infowarn-redis-port-service-link": service_link_port_value_error,
    "infowarn-jvm-exception-in-initializer": jvm_exception_in_initializer,
    "infowarn-jvm-metaspace": jvm_metaspace,
    "infowarn-node-cannot-find-module": node_cannot_find_module,
    "infowarn-pydantic-settings-missing": pydantic_missing_setting,
    "infowarn-rust-panic-index": rust_panic_index,
    "infowarn-django-chained-missing-secret-key": django_chained_improperly_configured,
    "infowarn-gunicorn-worker-failed-to-boot": gunicorn_worker_failed_to_boot,
    "infowarn-nginx-deprecated-then-emerg-cert": nginx_warn_then_emerg_cert,
}
