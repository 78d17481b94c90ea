"""Namespace sweeps: a manual request that names only a namespace ("what is wrong in payments?")."""

# ruff: noqa: E501 -- log lines and messages are verbatim fixture data.

from devtools.adversarial.kit import (
    DAY,
    L,
    Scenario,
    ask_trigger,
    backdate,
    base_cluster,
    crash_app,
    healthy_app,
    name_of,
    node_of,
)
from devtools.heldout.events import pull_failure_trail
from devtools.heldout.shapes import container, env_secret, env_value, http_probe, port, resources
from devtools.heldout.states import running, terminated, waiting


def payments_checkout_crashloop() -> Scenario:
    """The issue's case: "what is wrong in payments?" while checkout crash-loops among healthy services."""
    c = base_cluster("sweep-payments-one-crashloop")
    text = L.lines(
        L.zap(c.clock, 1.2, "info", "cmd/checkout/main.go:38", "starting checkout", version="5.9.0"),
        L.zap(c.clock, 1.2, "warn", "telemetry/otel.go:21", "OTEL_EXPORTER_OTLP_ENDPOINT not set, traces dropped"),
        L.zap(c.clock, 1.2, "fatal", "cmd/checkout/main.go:44", "loading configuration",
              error="envconfig.Process: required key STRIPE_WEBHOOK_SECRET missing value"),
    )
    crash_app(c, "payments", "checkout", "payments/checkout:5.9.0", text, restarts=12, since=41, replicas=2,
              env=[env_secret("STRIPE_API_KEY", "psp-credentials", "stripe-api-key"), env_value("PAYMENTS_API_URL", "http://payments-api")])
    return Scenario(
        "sweep-payments-one-crashloop", c, "ask.json",
        ask_trigger("payments", question="what is wrong in payments?"),
        "crashloop_missing_env", ("checkout", "stripe_webhook_secret"),
        "In payments, checkout 5.9.0 crash-loops: envconfig requires STRIPE_WEBHOOK_SECRET, which the Deployment "
        "does not set. payments-api is healthy; fraud-scorer crash-looped about 45 minutes ago during a database "
        "failover and has run since (history).",
        group="sweep",
    )


def two_failures_of_different_severity() -> Scenario:
    c = base_cluster("sweep-two-failures-severity")
    c.namespace("logistics", labels={"team": "fulfilment"})
    image = "ghcr.io/acme-logistics/route-planner:1.4.0"
    rp = c.deployment("logistics", "route-planner", [container(
        "route-planner", image, ports=[port(8080)], resources=resources("500m", "512Mi", memory_limit="1Gi"),
        readiness=http_probe("/healthz", "http"))], replicas=2, revision=6, updated=52, strategy={"type": "Recreate"},
        runs=[{"route-planner": waiting("ImagePullBackOff", f'Back-off pulling image "{image}"')} for _ in range(2)])
    err = (f'failed to pull and unpack image "{image}": failed to resolve reference "{image}": failed to authorize: failed to '
           "fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aacme-logistics%2Froute-planner%3Apull&service=ghcr.io: 401 Unauthorized")
    for pod in rp.pods:
        pull_failure_trail(c, pod, "route-planner", f"rpc error: code = Unknown desc = {err}", since=51, count=15)
    c.service("logistics", "route-planner", {"app.kubernetes.io/name": "route-planner"}, [("http", 80, "http")])
    lp = healthy_app(c, "logistics", "label-printer", "fulfilment/label-printer:2.0.9", replicas=3, up_since=7 * DAY,
                     runs=[{"label-printer": running(7 * DAY, ready=False)}, {}, {}],
                     log=[L.pylog(c.clock, 2, "WARNING", "printer.zebra", "printer zt410-dock3 did not answer within 2s, retrying")])
    flaky = lp.pods[0]
    c.event(flaky, "Unhealthy", "Readiness probe failed: Get \"http://{}:8080/healthz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)".format(flaky["status"]["podIP"]),
            count=9, first=40, last=0.8, host=node_of(flaky), field_path="spec.containers{label-printer}")
    return Scenario(
        "sweep-two-failures-severity", c, "ask.json",
        ask_trigger("logistics", question="anything broken in logistics?"),
        "image_pull_unauthorized", ("route-planner",),
        "Two failures: route-planner is fully down (0/2; ghcr.io answers 401 for a private image and the pods have "
        "no imagePullSecret) and one of three label-printer pods is intermittently not Ready (slow printer). The "
        "most severe is route-planner; label-printer belongs in the list of others.",
        group="sweep",
    )


def healthy_namespace() -> Scenario:
    c = base_cluster("sweep-healthy-identity")
    for pod in c.dump["identity"]["pods"]:
        backdate(c, pod, 10 * DAY)
    return Scenario(
        "sweep-healthy-identity", c, "ask.json",
        ask_trigger("identity", question="anything wrong in identity?"),
        "healthy", ("identity",),
        "identity runs auth (2/2 Ready; one pod restarted twice three days ago) and the sessions-redis "
        "StatefulSet (3/3 Ready). Nothing is failing now; the old restarts are history.",
        group="sweep",
    )


def cronjob_failed_among_healthy() -> Scenario:
    c = base_cluster("sweep-reports-cronjob-failed")
    c.namespace("reports", labels={"team": "data"})
    healthy_app(c, "reports", "report-api", "data/report-api:2.2.0", replicas=2, up_since=5 * DAY)
    healthy_app(c, "reports", "report-ui", "data/report-ui:2.2.0", replicas=2, up_since=5 * DAY, port_no=3000)
    job_c = container("digest", c.image("data/weekly-digest:1.3.0"), command=["python", "-m", "digest.send"],
                      env=[env_value("SMTP_HOST", "smtp.office365.com"), env_secret("SMTP_PASSWORD", "digest-smtp", "password")],
                      resources=resources("100m", "256Mi", memory_limit="256Mi"))
    (job,) = c.cronjob("reports", "weekly-digest", "0 6 * * 1", [job_c],
                       runs=[(45, [terminated(1, 44 - 4 * i, ran_for=0.5) for i in range(3)])], backoff_limit=2)
    for i, pod in enumerate(job.pods):
        c.log(pod, "digest", L.lines(
            L.pylog(c.clock, 44.4 - 4 * i, "INFO", "digest.send", "rendering digest for 312 subscribers"),
            "Traceback (most recent call last):",
            '  File "/app/digest/send.py", line 61, in <module>',
            "    server.login(SMTP_USER, SMTP_PASSWORD)",
            '  File "/usr/local/lib/python3.12/smtplib.py", line 750, in login',
            "    raise last_exception",
            "smtplib.SMTPAuthenticationError: (535, b'5.7.139 Authentication unsuccessful, basic authentication is disabled.')",
        ))
    c.secret("reports", "digest-smtp")
    return Scenario(
        "sweep-reports-cronjob-failed", c, "ask.json",
        ask_trigger("reports", question="what is wrong in reports?"),
        "job_backoff_limit", ("weekly-digest",),
        f"The only failure in reports: Job {name_of(job.obj)} of CronJob weekly-digest failed (BackoffLimitExceeded, "
        "3 attempts): Office 365 rejects SMTP basic authentication (535 5.7.139). report-api and report-ui are healthy.",
        group="sweep",
    )


SCENARIOS = {
    "sweep-payments-one-crashloop": payments_checkout_crashloop,
    "sweep-two-failures-severity": two_failures_of_different_severity,
    "sweep-healthy-identity": healthy_namespace,
    "sweep-reports-cronjob-failed": cronjob_failed_among_healthy,
}
