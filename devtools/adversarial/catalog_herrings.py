"""Red herrings: old restarts, resolved warnings, a noisy neighbour, deprecation warnings, 404s in access logs."""

# ruff: noqa: E501 -- log lines and messages are verbatim fixture data.

from devtools.adversarial.kit import (
    DAY,
    L,
    Scenario,
    ask_trigger,
    base_cluster,
    crash_app,
    crashloop_alert,
    event_trigger,
    name_of,
    node_of,
)
from devtools.heldout.base import GENERAL_IPS, node_name
from devtools.heldout.shapes import container, env_secret, env_value, http_probe, port, resources
from devtools.heldout.states import running, terminated


def noisy_neighbour_oom() -> Scenario:
    """Asked about invoice-renderer (OOMKilled); pdf-legacy next to it crash-loops louder on a missing variable."""
    c = base_cluster("herring-noisy-neighbour-oom-ask")
    c.namespace("billing", labels={"team": "finance"})
    text = L.lines(
        L.pino(c.clock, 3.6, 30, "invoice-renderer listening", port=8080, hostname="invoice-renderer"),
        L.pino(c.clock, 3.5, 30, "rendering batch", batch="2025-09-inv-0412", invoices=250, hostname="invoice-renderer"),
        L.pino(c.clock, 3.3, 30, "launched chromium", pid=31, hostname="invoice-renderer"),
    )
    wl, _ = crash_app(c, "billing", "invoice-renderer", "finance/invoice-renderer:3.0.2", text, exit_code=137,
                      reason="OOMKilled", ran_for=0.9, restarts=7, since=38, memory_limit="512Mi",
                      env=[env_value("RENDER_CONCURRENCY", "8")])
    legacy = L.lines(
        L.pylog(c.clock, 1.0, "INFO", "pdf_legacy", "starting"),
        "Traceback (most recent call last):",
        '  File "/app/pdf_legacy/ftp.py", line 8, in <module>',
        '    PASSWORD = os.environ["LEGACY_FTP_PASSWORD"]',
        '  File "<frozen os>", line 714, in __getitem__',
        "KeyError: 'LEGACY_FTP_PASSWORD'",
    )
    crash_app(c, "billing", "pdf-legacy", "finance/pdf-legacy:0.3.1", legacy, restarts=40, since=59, service_port=None)
    return Scenario(
        "herring-noisy-neighbour-oom-ask", c, "ask.json",
        ask_trigger("billing", workload="invoice-renderer", question="invoice-renderer keeps restarting, why?"),
        "oom_killed", ("invoice-renderer", "512mi"),
        "invoice-renderer's container is OOMKilled (exit 137) while Chromium renders a 250-invoice batch with "
        "RENDER_CONCURRENCY=8 under a 512Mi limit. pdf-legacy in the same namespace crash-loops on a missing "
        "LEGACY_FTP_PASSWORD, louder and older, but it is not what was asked about.",
        group="red_herring",
    )


def resolved_disk_pressure_permission() -> Scenario:
    c = base_cluster("herring-resolved-disk-pressure-permission")
    c.namespace("docs", labels={"team": "devrel"})
    node = node_name(GENERAL_IPS[1])
    node_obj = c.nodes[node]["obj"]
    c.event(node_obj, "EvictionThresholdMet", "Attempting to reclaim ephemeral-storage", kind="Node", count=1, first=51, host=node)
    c.event(node_obj, "NodeHasDiskPressure", f"Node {node} status is now: NodeHasDiskPressure", kind="Node",
            type_="Normal", count=1, first=51, host=node)
    c.event(node_obj, "NodeHasNoDiskPressure", f"Node {node} status is now: NodeHasNoDiskPressure", kind="Node",
            type_="Normal", count=1, first=44, host=node)
    for cond in node_obj["status"]["conditions"]:
        if cond["type"] == "DiskPressure":
            cond["lastTransitionTime"] = c.clock.ago(minutes=44)
    t = c.clock.log_time(minutes=1.2).strftime("%Y/%m/%d %H:%M:%S")
    text = L.lines(
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
        f'{t} [warn] 1#1: the "user" directive makes sense only if the master process runs with super-user privileges, ignored in /etc/nginx/nginx.conf:2',
        'nginx: [warn] the "user" directive makes sense only if the master process runs with super-user privileges, ignored in /etc/nginx/nginx.conf:2',
        f'{t} [emerg] 1#1: mkdir() "/var/cache/nginx/client_temp" failed (13: Permission denied)',
        'nginx: [emerg] mkdir() "/var/cache/nginx/client_temp" failed (13: Permission denied)',
    )
    _, trig = crash_app(c, "docs", "docs-site", "docker.io/library/nginx:1.27.5", text, restarts=9, since=30, replicas=2,
                        nodes=[node], security={"allowPrivilegeEscalation": False, "runAsNonRoot": True, "runAsUser": 101})
    return Scenario(
        "herring-resolved-disk-pressure-permission", c, "event.json", event_trigger(trig),
        "crashloop_permission_denied", ("/var/cache/nginx",),
        "The node had DiskPressure 51 minutes ago, resolved 44 minutes ago (its events are still there); the "
        "docs-site pods on it crash because the stock nginx image runs as root-owned dirs and the pod now sets "
        "runAsUser 101: mkdir /var/cache/nginx/client_temp is denied. The disk pressure is history.",
        group="red_herring",
    )


def deprecation_warns_liveness_port() -> Scenario:
    c = base_cluster("herring-deprecation-warns-liveness-port")
    c.namespace("quotes", labels={"team": "pricing"})
    wl = c.deployment("quotes", "quote-service", [container(
        "quote-service", c.image("pricing/quote-service:5.0.0"), ports=[port(8080), port(8081, "management")],
        env=[env_value("MANAGEMENT_SERVER_PORT", "9090")], resources=resources("500m", "1Gi", memory_limit="1Gi"),
        readiness=http_probe("/actuator/health/readiness", "http", delay=20),
        liveness=http_probe("/actuator/health/liveness", "management", delay=60))], replicas=2, revision=17, updated=34,
        runs=[{"quote-service": running(0.9, restarts=6, last_exit=143, last_finished=1.0, last_ran_for=1.6)},
              {"quote-service": running(1.6, restarts=6, last_exit=143, last_finished=1.7, last_ran_for=1.6)}])
    s = L.spring
    for pod in wl.pods:
        c.log(pod, "quote-service", L.lines(
            s(c.clock, 0.9, "INFO", "c.a.quotes.QuoteApplication", "Starting QuoteApplication v5.0.0 using Java 21.0.7 with PID 1"),
            s(c.clock, 0.85, "WARN", "o.s.b.c.p.m.PropertiesMigrationListener", "The use of configuration keys that have been renamed was found in the environment: Property source 'systemEnvironment': Key: management.metrics.export.prometheus.enabled Replacement: management.prometheus.metrics.export.enabled"),
            s(c.clock, 0.85, "WARN", "o.h.orm.deprecation", "HHH90000025: PostgreSQLDialect does not need to be specified explicitly using 'hibernate.dialect' (remove the property setting and it will be selected by default)"),
            s(c.clock, 0.8, "INFO", "o.s.b.w.e.tomcat.TomcatWebServer", "Tomcat started on port 9090 (http) with context path '/'"),
            s(c.clock, 0.8, "INFO", "o.s.b.w.e.tomcat.TomcatWebServer", "Tomcat started on port 8080 (http) with context path '/'"),
            s(c.clock, 0.8, "INFO", "c.a.quotes.QuoteApplication", "Started QuoteApplication in 6.2 seconds (process running for 7.0)"),
        ), previous=L.lines(
            s(c.clock, 2.6, "INFO", "c.a.quotes.QuoteApplication", "Started QuoteApplication in 6.1 seconds (process running for 6.9)"),
            s(c.clock, 1.0, "INFO", "o.s.b.w.e.tomcat.GracefulShutdown", "Commencing graceful shutdown. Waiting for active requests to complete"),
            s(c.clock, 1.0, "INFO", "o.s.b.w.e.tomcat.GracefulShutdown", "Graceful shutdown complete"),
        ))
    pod = wl.pods[0]
    ip = pod["status"]["podIP"]
    trig = c.event(pod, "Unhealthy", f'Liveness probe failed: Get "http://{ip}:8081/actuator/health/liveness": dial tcp {ip}:8081: connect: connection refused',
                   count=19, first=32, last=1.1, host=node_of(pod), field_path="spec.containers{quote-service}")
    c.event(pod, "Killing", "Container quote-service failed liveness probe, will be restarted", type_="Normal", count=6,
            first=31, last=1.0, host=node_of(pod), field_path="spec.containers{quote-service}")
    return Scenario(
        "herring-deprecation-warns-liveness-port", c, "event.json", event_trigger(trig),
        "liveness_probe_failure", ("8081", "9090"),
        "5.0.0 moved the actuator to MANAGEMENT_SERVER_PORT=9090 (the log says so) but the livenessProbe still "
        "targets the 'management' port 8081, where nothing listens; the kubelet kills a healthy app every "
        "~90s (exit 143). The WARN lines are property deprecations and are harmless.",
        group="red_herring",
    )


def access_log_404_oom() -> Scenario:
    c = base_cluster("herring-404-access-log-oom")
    c.namespace("media", labels={"team": "content"})
    clock = c.clock
    text = L.lines(
        f"[{clock.log_time(minutes=2.9).strftime('%Y-%m-%d %H:%M:%S')} +0000] [1] [INFO] Starting gunicorn 23.0.0",
        L.nginx_access(clock, 2.7, "10.42.11.5", "GET /wp-login.php HTTP/1.1", 404, 153, "Mozilla/5.0 (compatible; zgrab/0.x)"),
        L.nginx_access(clock, 2.7, "10.42.11.5", "GET /.env HTTP/1.1", 404, 153, "Mozilla/5.0 (compatible; zgrab/0.x)"),
        L.nginx_access(clock, 2.6, "10.42.37.18", "POST /v1/thumbnails HTTP/1.1", 202, 61, "media-api/4.2"),
        L.nginx_access(clock, 2.5, "10.42.37.18", "POST /v1/thumbnails HTTP/1.1", 202, 61, "media-api/4.2"),
        L.pylog(clock, 2.4, "INFO", "thumbs.worker", "resizing upload 9f1c2e.tiff (14592x10944, 457 MB decoded)"),
    )
    wl, _ = crash_app(c, "media", "thumbnailer", "content/thumbnailer:1.6.0", text, exit_code=137, reason="OOMKilled",
                      ran_for=0.6, restarts=5, since=26, memory_limit="256Mi", memory_request="128Mi", replicas=2)
    return Scenario(
        "herring-404-access-log-oom", c, "alert.json",
        crashloop_alert(c, "media", name_of(wl.pod), "thumbnailer", stack="kp", started=8),
        "oom_killed", ("256mi",),
        "The 404s are scanners probing /wp-login.php and /.env. The container is OOMKilled (exit 137) decoding "
        "a 457 MB TIFF under a 256Mi memory limit.",
        group="red_herring",
    )


def old_backoff_readiness_path() -> Scenario:
    c = base_cluster("herring-old-backoff-readiness-path")
    c.namespace("accounts", labels={"team": "identity"})
    new = container("accounts", c.image("identity/accounts:8.0.0"), ports=[port(3000)],
                    env=[env_secret("DATABASE_URL", "accounts-db", "url")], resources=resources("200m", "256Mi", memory_limit="512Mi"),
                    readiness=http_probe("/health", "http", period=5))
    old = container("accounts", c.image("identity/accounts:7.9.3"), ports=[port(3000)],
                    env=[env_secret("DATABASE_URL", "accounts-db", "url")], resources=resources("200m", "256Mi", memory_limit="512Mi"),
                    readiness=http_probe("/health", "http", period=5))
    wl = c.deployment("accounts", "accounts", [new], replicas=3, revision=44, updated=36, previous=[old],
                      runs=[{"accounts": running(35, ready=False)}])
    c.secret("accounts", "accounts-db")
    old_pods, new_pod = wl.pods[:3], wl.pods[3]
    # Red herring: an old pod crashed three times 50 minutes ago during a database failover, fine since.
    c.event(old_pods[1], "BackOff", f"Back-off restarting failed container accounts in pod {name_of(old_pods[1])}_accounts({old_pods[1]['metadata']['uid']})",
            count=3, first=53, last=50, host=node_of(old_pods[1]), field_path="spec.containers{accounts}")
    c.log(new_pod, "accounts", L.lines(
        L.pino(c.clock, 34.9, 30, "Server listening at http://0.0.0.0:3000", hostname=name_of(new_pod)),
        L.pino(c.clock, 0.2, 30, "incoming request", req={"method": "GET", "url": "/health"}, hostname=name_of(new_pod)),
        L.pino(c.clock, 0.2, 30, "Route GET:/health not found", res={"statusCode": 404}, hostname=name_of(new_pod)),
        L.pino(c.clock, 0.1, 30, "incoming request", req={"method": "GET", "url": "/healthz"}, hostname=name_of(new_pod)),
        L.pino(c.clock, 0.1, 30, "request completed", res={"statusCode": 200}, hostname=name_of(new_pod)),
    ))
    c.event(new_pod, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 404", count=412, first=34.8,
            last=0.2, host=node_of(new_pod), field_path="spec.containers{accounts}")
    return Scenario(
        "herring-old-backoff-readiness-path", c, "ask.json",
        ask_trigger("accounts", workload="deployment/accounts", question="the accounts rollout has been stuck for half an hour"),
        "readiness_probe_failure", ("/health", "404"),
        "accounts 8.0.0 (Fastify rewrite) serves /healthz; the readinessProbe still asks /health and gets 404, so "
        "the new pod never becomes Ready and the rollout stalls with the 7.9.3 pods serving. The BackOff from 50 "
        "minutes ago on an old pod is a past database failover, not this.",
        group="red_herring",
    )


def noisy_namespace_job() -> Scenario:
    c = base_cluster("herring-job-among-old-failures-ask")
    c.namespace("finance", labels={"team": "finance"})
    job_c = container("reconcile", c.image("finance/ledger-reconcile:2.2.0"), command=["python", "-m", "reconcile"],
                      env=[env_secret("DATABASE_URL", "ledger-db", "url")], resources=resources("250m", "512Mi", memory_limit="512Mi"))
    failing = [terminated(1, 38 - 6 * i, ran_for=0.7) for i in range(4)]
    (job,) = c.cronjob("finance", "ledger-reconcile", "30 * * * *", [job_c], runs=[(40, failing)], backoff_limit=3)
    err = ('psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "ledger_entries_pkey"\n'
           "DETAIL:  Key (entry_id)=(7c1f9e1a-3d55-4b8e-b0a2-5d2f1e9c0b44) already exists.")
    for i, pod in enumerate(job.pods):
        at = 38.6 - 6 * i
        c.log(pod, "reconcile", L.lines(
            L.pylog(c.clock, at, "INFO", "reconcile", "reconciling the last hour of ledger entries"),
            L.pylog(c.clock, at, "WARNING", "reconcile", "STATEMENT_TIMEOUT not set, using 30s"),
            "Traceback (most recent call last):",
            '  File "/app/reconcile/__main__.py", line 40, in <module>',
            "    write_entries(conn, entries)",
            '  File "/app/reconcile/writer.py", line 88, in write_entries',
            "    cur.executemany(INSERT_SQL, rows)",
            err,
        ))
    c.secret("finance", "ledger-db")
    # Old noise: another CronJob whose run failed yesterday and succeeded the next hour.
    exp_c = container("export", c.image("finance/gl-export:1.0.4"), resources=resources("100m", "128Mi", memory_limit="256Mi"))
    c.cronjob("finance", "gl-export", "15 */6 * * *", [exp_c], runs=[(DAY, [terminated(2, DAY - 1, ran_for=0.5)]),
                                                                     (DAY - 60, [terminated(0, DAY - 62, ran_for=3)])], backoff_limit=0)
    return Scenario(
        "herring-job-among-old-failures-ask", c, "ask.json",
        ask_trigger("finance", workload="job/" + name_of(job.obj), question="the reconcile job failed, what happened?"),
        "job_backoff_limit", ("ledger-reconcile", "duplicate key"),
        "The hourly ledger-reconcile Job hit its backoffLimit (4 failed pods): every attempt dies on a unique "
        "violation on ledger_entries_pkey (the reconcile is not idempotent). The STATEMENT_TIMEOUT warning is "
        "a default, and gl-export's failure yesterday is history.",
        group="red_herring",
    )


SCENARIOS = {
    "herring-noisy-neighbour-oom-ask": noisy_neighbour_oom,
    "herring-resolved-disk-pressure-permission": resolved_disk_pressure_permission,
    "herring-deprecation-warns-liveness-port": deprecation_warns_liveness_port,
    "herring-404-access-log-oom": access_log_404_oom,
    "herring-old-backoff-readiness-path": old_backoff_readiness_path,
    "herring-job-among-old-failures-ask": noisy_namespace_job,
}
