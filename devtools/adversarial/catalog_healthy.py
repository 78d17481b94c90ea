"""Healthy workloads with scary-looking history: old probe blips, settled restarts, warnings survived."""

# ruff: noqa: E501 -- log lines and messages are verbatim fixture data.

import json

from devtools.adversarial.kit import (
    DAY,
    L,
    Scenario,
    ask_trigger,
    backdate,
    base_cluster,
    event_trigger,
    healthy_app,
    name_of,
    node_of,
)
from devtools.heldout.shapes import container, env_value, port, resources, tcp_probe
from devtools.heldout.stateful import succeeded_attempt
from devtools.heldout.states import running, terminated


def _json_line(c, at, **fields):
    t = c.clock.log_time(minutes=at)
    return json.dumps({"time": t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z", **fields},
                      separators=(",", ":"))


def storefront_old_probe_blip() -> Scenario:
    """The issue's case: 3/3 Ready for days, one Unhealthy (count 2) from almost an hour ago."""
    c = base_cluster("healthy-storefront-old-unhealthy-ask")
    c.namespace("shop", labels={"team": "shop"})
    wl = healthy_app(c, "shop", "storefront", "shop/storefront:7.3.2", replicas=3, port_no=3000,
                     probe_path="/api/health", up_since=3 * DAY,
                     log=[L.pino(c.clock, 3 * DAY, 30, "storefront listening", port=3000),
                          L.pino(c.clock, 2, 30, "request completed", req={"method": "GET", "url": "/"}, res={"statusCode": 200}, responseTime=23),
                          L.pino(c.clock, 1, 30, "request completed", req={"method": "GET", "url": "/cart"}, res={"statusCode": 200}, responseTime=31)])
    pod = wl.pods[1]
    c.event(pod, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=2, first=58, last=57.5,
            host=node_of(pod), field_path="spec.containers{storefront}")
    return Scenario(
        "healthy-storefront-old-unhealthy-ask", c, "ask.json",
        ask_trigger("shop", workload="storefront", question="is storefront healthy?"),
        "healthy", ("storefront",),
        "storefront has 3/3 pods Running and Ready for three days, no restarts. The only Warning is a readiness "
        "probe 503 seen twice almost an hour ago; the pod has been Ready since. History, not a failure.",
        group="healthy",
    )


def old_restart_info_json() -> Scenario:
    """A Running, Ready pod with one restart two days ago; its logs are JSON info lines with status 200."""
    c = base_cluster("healthy-pod-old-restart-json-info-ask")
    c.namespace("ledger", labels={"team": "finance"})
    lines = [_json_line(c, 2 * DAY, level="info", msg="listening", addr=":8080")]
    lines += [_json_line(c, m, level="info", msg="request served", method="GET", path="/v1/accounts/balance", status=200, duration_ms=d)
              for m, d in ((6, 12), (3, 9), (1, 14), (0.5, 11))]
    wl = healthy_app(c, "ledger", "ledger-api", "finance/ledger-api:2.9.0", replicas=2, up_since=6 * DAY, log=lines,
                     runs=[{"ledger-api": running(2 * DAY, restarts=1, last_exit=2, last_finished=2 * DAY, last_ran_for=4 * DAY)}, {}])
    pod = wl.pods[0]
    return Scenario(
        "healthy-pod-old-restart-json-info-ask", c, "ask.json",
        ask_trigger("ledger", pod=name_of(pod), question=f"{name_of(pod)} has a restart, is it crash-looping?"),
        "healthy", (name_of(pod),),
        "The pod restarted once two days ago (exit 2) and has been Running and Ready since; the current log is "
        'JSON info lines ({"level":"info","msg":"request served","status":200}). Nothing is failing now.',
        group="healthy",
    )


def settled_oom() -> Scenario:
    """OOMKilled once five hours ago, running since with no further restart."""
    c = base_cluster("healthy-settled-oom-ask")
    c.namespace("search", labels={"team": "search"})
    healthy_app(c, "search", "indexer", "search/indexer:4.0.7", replicas=2, up_since=4 * DAY,
                     runs=[{"indexer": running(300, restarts=1, last_exit=137, last_reason="OOMKilled", last_finished=300, last_ran_for=3 * DAY)}, {}],
                     log=[L.pylog(c.clock, 300, "INFO", "indexer.main", "indexer 4.0.7 starting, batch_size=500"),
                          L.pylog(c.clock, 12, "INFO", "indexer.bulk", "indexed 500 documents in 1.8s (rss=612MiB)"),
                          L.pylog(c.clock, 2, "INFO", "indexer.bulk", "indexed 500 documents in 1.7s (rss=598MiB)")])
    return Scenario(
        "healthy-settled-oom-ask", c, "ask.json",
        ask_trigger("search", workload="indexer", question="indexer got OOMKilled this morning, is it still broken?"),
        "healthy", ("indexer",),
        "One indexer pod was OOMKilled five hours ago and has run since without a restart; the other never "
        "restarted. The OOM is history (worth watching the memory limit, not a current failure).",
        group="healthy",
    )


def startup_readiness_blip() -> Scenario:
    """A rollout 8 minutes ago; one readiness failure while the new pod was still starting."""
    c = base_cluster("healthy-startup-readiness-blip-event")
    c.namespace("catalog", labels={"team": "catalog"})
    wl = healthy_app(c, "catalog", "product-api", "catalog/product-api:1.41.0", replicas=3, up_since=8,
                     log=[L.zap(c.clock, 7.9, "info", "cmd/main.go:61", "connecting to postgres", host="catalog-pg.catalog.svc"),
                          L.zap(c.clock, 7.4, "info", "cmd/main.go:88", "http server listening", addr=":8080"),
                          L.zap(c.clock, 1, "info", "api/handler.go:140", "request", path="/v1/products/88213", status=200, ms=6)])
    pod = wl.pods[0]
    ip = pod["status"]["podIP"]
    trig = c.event(pod, "Unhealthy", f'Readiness probe failed: Get "http://{ip}:8080/healthz": dial tcp {ip}:8080: connect: connection refused',
                   count=1, first=7.6, host=node_of(pod), field_path="spec.containers{product-api}")
    return Scenario(
        "healthy-startup-readiness-blip-event", c, "event.json", event_trigger(trig),
        "healthy", ("product-api",),
        "The readiness probe ran once before the new pod listened (connection refused 7 minutes ago); the pod "
        "became Ready seconds later and all 3 replicas are Ready with no restarts. A startup blip.",
        group="healthy",
    )


def job_retried_succeeded() -> Scenario:
    """Last night's export failed its first attempt (a scary traceback) and succeeded on the retry."""
    c = base_cluster("healthy-job-retried-succeeded-ask")
    c.namespace("analytics", labels={"team": "data"})
    job_c = container("export", c.image("data/nightly-export:3.2.1"), command=["python", "-m", "export.run"],
                      env=[env_value("EXPORT_BUCKET", "s3://acme-analytics-exports")], resources=resources("500m", "1Gi", memory_limit="2Gi"))
    (job,) = c.cronjob("analytics", "nightly-export", "0 2 * * *", [job_c],
                       runs=[(7 * 60, [terminated(1, 7 * 60 - 3, ran_for=2.5), succeeded_attempt(6 * 60 + 40, ran_for=18)])],
                       backoff_limit=3)
    failed, ok = job.pods
    c.log(failed, "export", L.lines(
        L.pylog(c.clock, 7 * 60 - 0.5, "INFO", "export.run", "exporting orders since 2025-09-01T00:00:00Z"),
        "Traceback (most recent call last):",
        '  File "/app/export/run.py", line 77, in <module>',
        "    main()",
        '  File "/app/export/run.py", line 58, in main',
        "    for chunk in cursor.fetchmany(50000):",
        "psycopg2.OperationalError: server closed the connection unexpectedly",
        "\tThis probably means the server terminated abnormally",
        "\tbefore or while processing the request.",
    ))
    c.log(ok, "export", L.lines(
        L.pylog(c.clock, 6 * 60 + 58, "INFO", "export.run", "exporting orders since 2025-09-01T00:00:00Z"),
        L.pylog(c.clock, 6 * 60 + 41, "INFO", "export.run", "wrote 1204332 rows to s3://acme-analytics-exports/orders/dt=2025-09-01/"),
        L.pylog(c.clock, 6 * 60 + 40.5, "INFO", "export.run", "done"),
    ))
    healthy_app(c, "analytics", "superset", "data/superset:4.1.2", replicas=1, port_no=8088, probe_path="/health")
    return Scenario(
        "healthy-job-retried-succeeded-ask", c, "ask.json",
        ask_trigger("analytics", workload="cronjob/nightly-export", question="did last night's nightly-export fail?"),
        "healthy", ("nightly-export",),
        "The Job's first pod died on a dropped Postgres connection, the retry (within backoffLimit 3) exported "
        "every row and the Job is Complete. The traceback is from the attempt that was retried.",
        group="healthy",
    )


def kafka_deprecation_warnings() -> Scenario:
    """A 3-broker Kafka StatefulSet whose logs are full of deprecation WARNs; every broker is Ready."""
    c = base_cluster("healthy-kafka-deprecation-warns-ask")
    c.namespace("streaming", labels={"team": "platform"})
    wl = c.statefulset("streaming", "kafka", [container(
        "kafka", "docker.io/bitnami/kafka:3.9.0-debian-12-r4", ports=[port(9092, "client"), port(9093, "controller")],
        resources=resources("1", "4Gi", memory_limit="4Gi"), readiness=tcp_probe("client", delay=10))],
        replicas=3, claim_size="100Gi")
    for i, pod in enumerate(wl.pods):
        t = c.clock.log_time(minutes=12 * DAY).strftime("%Y-%m-%d %H:%M:%S,%f")[:-3]
        n = c.clock.log_time(minutes=4).strftime("%Y-%m-%d %H:%M:%S,%f")[:-3]
        c.log(pod, "kafka", L.lines(
            f"[{t}] WARN The configuration 'log.message.format.version' is deprecated and will be removed in Apache Kafka 4.0 (kafka.server.KafkaConfig)",
            f"[{t}] WARN [BrokerServer id={i}] inter.broker.protocol.version is deprecated in KRaft mode, use metadata.version instead (kafka.server.BrokerServer)",
            f"[{t}] INFO [KafkaRaftServer nodeId={i}] Kafka Server started (kafka.server.KafkaRaftServer)",
            f"[{n}] WARN [SocketServer listenerType=BROKER, nodeId={i}] Unexpected error from /10.42.37.91 (channelId=10.42.60.{40 + i}:9092-10.42.37.91:51322-7); closing connection (org.apache.kafka.common.network.Selector)",
            f"[{n}] INFO [GroupCoordinator {i}]: Stabilized group order-events generation 214 (__consumer_offsets-31) with 6 members (kafka.coordinator.group.GroupCoordinator)",
        ))
    c.service("streaming", "kafka", {"app.kubernetes.io/name": "kafka"}, [("tcp-client", 9092, "client")])
    return Scenario(
        "healthy-kafka-deprecation-warns-ask", c, "ask.json",
        ask_trigger("streaming", workload="statefulset/kafka", question="kafka logs are full of warnings, is the cluster ok?"),
        "healthy", ("kafka",),
        "All 3 brokers are Running and Ready for 12 days with no restarts; the WARNs are config deprecations "
        "and one client connection closed by a scanner. Nothing is failing.",
        group="healthy",
    )


def survived_traceback() -> Scenario:
    """A worker whose log holds a traceback it survived two days ago and retry warnings that succeeded."""
    c = base_cluster("healthy-survived-traceback-ask")
    c.namespace("notify", labels={"team": "growth"})
    lines = [
        L.pylog(c.clock, 5 * DAY, "INFO", "sender.main", "email-sender 1.12.3 started, SMTP_HOST=smtp.sendgrid.net"),
        L.pylog(c.clock, 2 * DAY, "ERROR", "sender.smtp", "send failed, will retry"),
        "Traceback (most recent call last):",
        '  File "/app/sender/smtp.py", line 64, in send',
        "    conn = smtplib.SMTP(self.host, 587, timeout=10)",
        "TimeoutError: timed out",
        L.pylog(c.clock, 2 * DAY - 0.5, "WARNING", "sender.smtp", "retrying SMTP connection to smtp.sendgrid.net:587 (attempt 2/5)"),
        L.pylog(c.clock, 2 * DAY - 1, "INFO", "sender.smtp", "connected to smtp.sendgrid.net:587"),
        L.pylog(c.clock, 3, "INFO", "sender.worker", "sent batch size=200 errors=0 failed=0"),
        L.pylog(c.clock, 1, "INFO", "sender.worker", "sent batch size=200 errors=0 failed=0"),
    ]
    wl = healthy_app(c, "notify", "email-sender", "growth/email-sender:1.12.3", replicas=1, up_since=5 * DAY, log=lines, service=False)
    pod = wl.pods[0]
    backdate(c, pod, 5 * DAY)
    return Scenario(
        "healthy-survived-traceback-ask", c, "ask.json",
        ask_trigger("notify", pod=name_of(pod), question="email-sender logs show a Traceback, is it broken?"),
        "healthy", ("email-sender",),
        "The traceback is a SMTP timeout two days ago that the worker retried successfully; it never "
        "restarted, is Ready, and its latest lines report batches sent with errors=0.",
        group="healthy",
    )


SCENARIOS = {
    "healthy-storefront-old-unhealthy-ask": storefront_old_probe_blip,
    "healthy-pod-old-restart-json-info-ask": old_restart_info_json,
    "healthy-settled-oom-ask": settled_oom,
    "healthy-startup-readiness-blip-event": startup_readiness_blip,
    "healthy-job-retried-succeeded-ask": job_retried_succeeded,
    "healthy-kafka-deprecation-warns-ask": kafka_deprecation_warnings,
    "healthy-survived-traceback-ask": survived_traceback,
}
