"""The crashloop analyzer's class follows the terminal error of the instance that died.

Each case is a crash-looping pod built with the cluster builders, its previous log, and the class and
facts a person reading the diagnosis must see. Running, Ready pods with old restarts are not crash loops.
"""

# ruff: noqa: E501 -- log lines are verbatim fixture data.

import pytest
import terminal_error_logs as logs
from cluster_builders import (
    EARLIER,
    NOW,
    cond,
    container,
    deployment,
    evidence,
    incident,
    pod,
    replicaset,
    waiting,
)

from shared.analyzers.crashloop import ANALYZER

POD = "api-7c9f8d6b5-x2k4q"
FINISHED = "2025-05-14T08:38:30Z"


def _crashing(log: str, code: int = 1, spec_extra: dict | None = None, message: str = ""):
    c = container("api", **(spec_extra or {}))
    last = {"exitCode": code, "reason": "Error", "startedAt": "2025-05-14T08:38:29Z", "finishedAt": FINISHED}
    if message:
        last["message"] = message
    objects = [
        deployment("api", containers=[c]),
        replicaset("api-7c9f8d6b5", "api", 3, [c]),
        pod(POD, containers=[c], owner=("ReplicaSet", "api-7c9f8d6b5"),
            statuses=[waiting("api", "CrashLoopBackOff", "back-off 5m0s restarting failed container", restarts=14, last=last)]),
    ]
    inc = incident(object_name=POD, family="crashloop", reason="BackOff")
    return evidence(inc, objects, {("shop", POD, "api", True): log})


def _text(finding) -> str:
    return " ".join([finding.summary, finding.root_cause, *finding.recommendations, *finding.commands]).lower()


CASES = [
    pytest.param(logs.SQLALCHEMY_AFTER_SENTRY_INFO, 1, "crashloop_app_error", ["orders-db:5432"],
                 id="an INFO line naming SENTRY_DSN before a database OperationalError is an app error naming the database"),
    pytest.param(logs.GO_NIL_AFTER_WARN, 2, "crashloop_app_error", ["nil pointer dereference", "client.go:57"],
                 id="a warning naming LOG_FORMAT before a nil pointer panic is an app error at the panic's frame"),
    pytest.param(logs.PORT_QUOTED_BEFORE_VALUE_ERROR, 1, "crashloop_app_error", ["ValueError"],
                 id="os.environ PORT quoted in a traceback ending in ValueError is an app error"),
    pytest.param(logs.NODE_MISSING_MODULE, 1, "crashloop_app_error", ["express"],
                 id="node Cannot find module express is a missing dependency named as an app error, not a bad command"),
    pytest.param(logs.NODE_UNHANDLED_REJECTION, 1, "crashloop_app_error", ["10.96.44.12:6379"],
                 id="a refused connection is an app error naming the host and port"),
    pytest.param(logs.JVM_HS_ERR, 134, "crashloop_app_error", ["SIGSEGV"],
                 id="a JVM fatal error is reported as the SIGSEGV, not as a banner line"),
    pytest.param(logs.JAVA_OOM, 1, "crashloop_app_error", ["OutOfMemoryError"],
                 id="a java heap OutOfMemoryError is reported as itself, not as a stack frame"),
    pytest.param(logs.KEYERROR_FROM_ENVIRON, 1, "crashloop_missing_env", ["DATABASE_URL"],
                 id="a KeyError from os.environ is a missing env var"),
    pytest.param(logs.PYDANTIC_V2_MISSING, 1, "crashloop_missing_env", ["REDIS_URL"],
                 id="a pydantic settings field required is a missing env var"),
    pytest.param(logs.CHAINED_DURING_HANDLING, 1, "crashloop_missing_env", ["PAYMENTS_API_KEY"],
                 id="an exception raised while handling a missing os.environ key is that missing env var"),
    pytest.param(logs.RUST_PANIC_ENV, 101, "crashloop_missing_env", ["DATABASE_URL"],
                 id="a rust panic on a variable that must be set is a missing env var"),
    pytest.param(logs.ZAP_FATAL_ENV, 1, "crashloop_missing_env", ["KAFKA_BROKERS"],
                 id="a zap fatal required key is a missing env var while the warn line is not"),
    pytest.param(logs.SPRING_PORT_BANNER, 1, "crashloop_port_in_use", ["8080"],
                 id="spring's failed-to-start banner about port 8080 is a port in use"),
    pytest.param(logs.NGINX_UPSTREAM, 1, "crashloop_app_error", ["orders-api:8080"],
                 id="nginx host not found in upstream is an app error naming the upstream"),
    pytest.param(logs.SHELL_EXEC_NOT_FOUND, 127, "crashloop_bad_command", ["gunicorn"],
                 id="an entrypoint exec of a missing program is a bad command"),
    pytest.param(logs.JVM_BAD_OPTION, 1, "crashloop_bad_command", ["UseCGroupMemoryLimitForHeap"],
                 id="an unrecognized JVM option is a bad command"),
    pytest.param(logs.NODE_MISSING_ENTRY, 1, "crashloop_bad_command", ["/app/dist/main.js"],
                 id="node Cannot find module of its own entry point is a bad command"),
    pytest.param(logs.MODULE_NOT_FOUND, 3, "crashloop_app_error", ["psycopg2"],
                 id="a python ModuleNotFoundError is an app error naming the module"),
    pytest.param(logs.SHELL_PERMISSION, 126, "crashloop_permission_denied", ["/app/start.sh"],
                 id="a script the shell may not execute is permission denied"),
    pytest.param(logs.JSON_ERROR_AFTER_NOISY_INFO, 1, "crashloop_app_error", ["relation \"orders\" does not exist"],
                 id="json info and warn lines naming variables lose to the error line the process died on"),
    pytest.param(logs.KLOG_FATAL, 255, "crashloop_missing_config_file", ["/etc/kubernetes/kubeconfig"],
                 id="a klog fatal line about a missing kubeconfig is a missing config file"),
    pytest.param(logs.JAVA_UNKNOWN_HOST, 1, "crashloop_app_error", ["kafka-0.kafka-headless"],
                 id="a java UnknownHostException is an app error naming the host"),
    pytest.param(logs.JVM_METASPACE, 3, "crashloop_app_error", ["OutOfMemoryError: Metaspace", "-XX:MaxMetaspaceSize=128m"],
                 id="a JVM out of Metaspace is an app error naming the MaxMetaspaceSize it was given"),
    pytest.param(logs.SERVICE_LINK_PORT, 1, "crashloop_app_error", ["REDIS_PORT", "tcp://172.20.163.220:6379", "enableServiceLinks"],
                 id="a service link value breaking int() is an app error naming the variable and the link"),
    pytest.param(logs.NGINX_CERT, 1, "crashloop_missing_config_file", ["/etc/nginx/tls/tls.crt"],
                 id="nginx unable to load its certificate file is a missing config file"),
    pytest.param(logs.NGINX_MKDIR, 1, "crashloop_permission_denied", ["/var/cache/nginx/client_temp"],
                 id="nginx unable to create its cache directory is permission denied"),
]


@pytest.mark.parametrize(("log", "code", "category", "mentions"), CASES)
def test_the_class_follows_the_terminal_error(log, code, category, mentions):
    finding = ANALYZER.conclude(_crashing(log, code))
    assert finding is not None and finding.category == category, finding and (finding.category, finding.summary)
    for fact in mentions:
        assert fact.lower() in _text(finding), (fact, finding.root_cause)


@pytest.mark.parametrize(
    ("log", "strong"),
    [(logs.KEYERROR_FROM_ENVIRON, True), (logs.SPRING_PORT_BANNER, True),
     (logs.GO_NIL_AFTER_WARN, False), (logs.JSON_ERROR_AFTER_NOISY_INFO, False), (logs.BARE_SYSTEM_EXIT, False)],
    ids=["a clear terminal error explained by a missing variable is strong",
         "a clear terminal error explained by a port in use is strong",
         "an unexplained panic is not strong", "an unexplained error line is not strong",
         "a bare last line that names a variable is only a guess, not strong"],
)
def test_confidence_is_strong_only_for_a_clear_explained_terminal_error(log, strong):
    finding = ANALYZER.conclude(_crashing(log))
    assert (finding.confidence >= 0.85) is strong, finding.confidence


def test_an_info_line_is_never_quoted_as_the_error():
    log = '{"level":"info","msg":"request served","status":200}\n' * 5
    finding = ANALYZER.conclude(_crashing(log))
    assert finding is not None and "request served" not in _text(finding)
    assert all("request served" not in e.excerpt for e in finding.evidence)


def _running_ready(restarts: int, finished: str, started: str, log: str):
    c = container("api")
    status = {"name": "api", "ready": True, "restartCount": restarts, "image": c["image"],
              "state": {"running": {"startedAt": started}},
              "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": finished}}}
    objects = [deployment("api", containers=[c]),
               pod(POD, containers=[c], statuses=[status], conditions=[cond("Ready", "True", at=started)])]
    inc = incident(object_name=POD, family="generic", reason="ManualRequest", message="is api healthy?")
    return evidence(inc, objects, {("shop", POD, "api", True): log, ("shop", POD, "api", False): log})


@pytest.mark.parametrize(
    ("restarts", "finished", "started"),
    [(1, EARLIER, "2025-05-14T07:11:00Z"), (1, "2025-05-14T08:20:00Z", "2025-05-14T08:20:05Z"),
     (2, "2025-05-14T07:40:00Z", "2025-05-14T07:40:05Z")],
    ids=["one restart long ago", "one restart twenty minutes ago, ready since",
         "two restarts an hour ago, ready since"],
)
def test_a_running_ready_pod_with_old_restarts_is_not_a_crash_loop(restarts, finished, started):
    log = '{"level":"info","msg":"request served","status":200}\n'
    assert ANALYZER.conclude(_running_ready(restarts, finished, started, log)) is None


@pytest.mark.parametrize("restarts", [9, 1], ids=["flapping nine times", "a single crash two minutes ago"])
def test_a_ready_pod_whose_last_crash_is_minutes_old_is_still_reported(restarts):
    ev = _running_ready(restarts, "2025-05-14T08:38:00Z", "2025-05-14T08:38:10Z", logs.GO_NIL_AFTER_WARN)
    finding = ANALYZER.conclude(ev)
    assert finding is not None and finding.category == "crashloop_app_error"


def test_the_termination_message_is_read_when_the_log_is_empty():
    finding = ANALYZER.conclude(_crashing("", message="panic: open /etc/app/config.yaml: no such file or directory"))
    assert finding.category == "crashloop_missing_config_file" and "/etc/app/config.yaml" in finding.root_cause
    assert NOW  # the builders' clock: the crash finished 90 s before the incident
