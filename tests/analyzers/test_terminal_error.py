"""The terminal error of a dying container, found by structure the way an SRE reads a log tail.

Each case is a realistic log tail (the previous instance's last lines). The table says which runtime
wrote it, the kind of the terminal error, a piece of its text, and which known signal it IS or is
directly caused by (None: the error is real but no known signal explains it).
"""

# ruff: noqa: E501 -- log lines are verbatim fixture data.

import time

import pytest
from terminal_error_logs import (
    BARE_SYSTEM_EXIT,
    BITNAMI_MKDIR,
    CHAINED_DURING_HANDLING,
    COBRA_UNKNOWN_FLAG,
    DJANGO_SECRET_KEY,
    ENTRYPOINT_CHOWN_THEN_FATAL,
    GCP_SEVERITY,
    GO_FATAL_MAP,
    GO_FLAG_UNDEFINED,
    GO_LOG_FATAL_UNLEVELED,
    GO_NIL_AFTER_WARN,
    GO_PANIC_DIAL,
    HANDLED_TRACEBACK_THEN_CRITICAL,
    JAVA_INIT_ERROR,
    JAVA_MAIN_CLASS,
    JAVA_NO_CLASS_DEF,
    JAVA_OOM,
    JAVA_UNKNOWN_HOST,
    JSON_ERROR_AFTER_NOISY_INFO,
    JVM_BAD_OPTION,
    JVM_HS_ERR,
    JVM_METASPACE,
    KEYERROR_FROM_ENVIRON,
    KLOG_FATAL,
    LOGFMT_ADDR_FIELD,
    LOGFMT_PERMISSION,
    MODULE_NOT_FOUND,
    NGINX_BIND,
    NGINX_CERT,
    NGINX_DIRECTIVE,
    NGINX_MKDIR,
    NGINX_UPSTREAM,
    NODE_EADDRINUSE,
    NODE_ENOTFOUND,
    NODE_MISSING_ENTRY,
    NODE_MISSING_MODULE,
    NODE_TYPEERROR_QUOTING_ENV,
    NODE_UNHANDLED_REJECTION,
    PINO_FATAL,
    PINO_UPSTREAM_FIELD,
    PORT_QUOTED_BEFORE_VALUE_ERROR,
    PYDANTIC_V1_MISSING,
    PYDANTIC_V2_BAD_VALUE,
    PYDANTIC_V2_MISSING,
    PYTHON_CRITICAL_AMQP,
    PYTHON_PERMISSION,
    RUBY_KEY_ERROR,
    RUST_ANYHOW,
    RUST_PANIC_ENV,
    RUST_PANIC_OLD_FORMAT,
    SERVICE_LINK_PORT,
    SHARED_LIBRARY,
    SHELL_EXEC_NO_SUCH_FILE,
    SHELL_EXEC_NOT_FOUND,
    SHELL_PARAMETER,
    SHELL_PERMISSION,
    SPRING_CHAIN_TO_CONNECT,
    SPRING_PLACEHOLDER,
    SPRING_PORT_BANNER,
    SQLALCHEMY_AFTER_SENTRY_INFO,
    STRUCTLOG_EXCEPTION_FIELD,
    UVICORN_LIFESPAN,
    ZAP_FATAL_ENV,
    ZAP_NO_SUCH_HOST,
)

from shared.analyzers.terminal_error import find_terminal_error

CASES = [
    # Python
    pytest.param(SQLALCHEMY_AFTER_SENTRY_INFO, "python", "OperationalError", "sqlalchemy.exc.OperationalError", "host_unreachable", "orders-db:5432",
                 id="an INFO line naming SENTRY_DSN before a SQLAlchemy OperationalError is not the cause; the unreachable database is"),
    pytest.param(PORT_QUOTED_BEFORE_VALUE_ERROR, "python", "ValueError", "invalid literal for int()", None, None,
                 id="a source line quoting os.environ PORT inside a traceback is not the cause of its ValueError"),
    pytest.param(KEYERROR_FROM_ENVIRON, "python", "KeyError", "KeyError: 'DATABASE_URL'", "missing_env", "DATABASE_URL",
                 id="a KeyError raised by os.environ is a missing environment variable"),
    pytest.param(PYDANTIC_V2_MISSING, "python", "ValidationError", "1 validation error for Settings", "missing_env", "REDIS_URL",
                 id="a pydantic settings field that is required and missing is a missing environment variable"),
    pytest.param(PYDANTIC_V2_BAD_VALUE, "python", "ValidationError", "1 validation error for Settings", None, None,
                 id="a pydantic field with a bad value is a validation error, not a missing variable"),
    pytest.param(PYDANTIC_V1_MISSING, "python", "ValidationError", "2 validation errors for AppConfig", "missing_env", "API_KEY",
                 id="pydantic v1 field required lines name the first missing setting"),
    pytest.param(MODULE_NOT_FOUND, "python", "ModuleNotFoundError", "No module named 'psycopg2'", "missing_module", "psycopg2",
                 id="gunicorn's shutdown lines after a ModuleNotFoundError are epilogue, the missing module is the cause"),
    pytest.param(CHAINED_DURING_HANDLING, "python", "ConfigError", "cannot start without payments credentials", "missing_env", "PAYMENTS_API_KEY",
                 id="a chained exception raised while handling a KeyError from os.environ is caused by that missing variable"),
    pytest.param(UVICORN_LIFESPAN, "python", "ConnectionError", "Error 111 connecting to redis-master:6379", "host_unreachable", "redis-master:6379",
                 id="uvicorn's Application startup failed after a redis ConnectionError is epilogue, the redis host is the cause"),
    pytest.param(HANDLED_TRACEBACK_THEN_CRITICAL, "text", "CRITICAL", "giving up: schema version 41", None, None,
                 id="a handled traceback the process survived loses to the CRITICAL line it died on"),
    pytest.param(DJANGO_SECRET_KEY, "python", "ImproperlyConfigured", "The SECRET_KEY setting must not be empty", "missing_env", "SECRET_KEY",
                 id="django ImproperlyConfigured about an empty SECRET_KEY is a missing setting"),
    pytest.param(PYTHON_PERMISSION, "python", "PermissionError", "Permission denied: '/var/lib/app/state'", "permission_denied", "/var/lib/app/state",
                 id="a python PermissionError names the path it may not use"),
    pytest.param(PYTHON_CRITICAL_AMQP, "text", "CRITICAL", "cannot reach broker", "host_unreachable", "rabbitmq:5672",
                 id="a CRITICAL python log line naming a broker URL that refuses is an unreachable host"),
    pytest.param(BARE_SYSTEM_EXIT, "text", "error", "missing required environment variable: OPENAI_API_KEY", "missing_env", "OPENAI_API_KEY",
                 id="an unleveled last line from SystemExit is read as the dying words"),
    # Java / Spring / JVM
    pytest.param(SPRING_CHAIN_TO_CONNECT, "java", "ConnectException", "Caused by: java.net.ConnectException: Connection refused", "host_unreachable", "orders-db:5432",
                 id="spring's last Caused by is the terminal error and the PSQLException above it names the host"),
    pytest.param(SPRING_PORT_BANNER, "java", "APPLICATION FAILED TO START", "Web server failed to start. Port 8080 was already in use.", "port_in_use", "8080",
                 id="spring's APPLICATION FAILED TO START banner gives its description as the terminal error"),
    pytest.param(SPRING_PLACEHOLDER, "java", "IllegalArgumentException", "Could not resolve placeholder 'STRIPE_API_KEY'", "missing_env", "STRIPE_API_KEY",
                 id="an unresolvable spring placeholder is a missing environment variable"),
    pytest.param(JAVA_OOM, "java", "OutOfMemoryError", "java.lang.OutOfMemoryError: Java heap space", None, None,
                 id="a JVM OutOfMemoryError is the terminal error, not one of its stack frames"),
    pytest.param(JAVA_INIT_ERROR, "java", "NumberFormatException", 'For input string: "ten"', None, None,
                 id="an ExceptionInInitializerError is explained by its Caused by"),
    pytest.param(JVM_HS_ERR, "java", "SIGSEGV", "A fatal error has been detected by the Java Runtime Environment", None, None,
                 id="a JVM fatal error report is one SIGSEGV, not the lines of its banner"),
    pytest.param(JVM_BAD_OPTION, "java", "Unrecognized VM option", "Unrecognized VM option 'UseCGroupMemoryLimitForHeap'", "bad_flag", "UseCGroupMemoryLimitForHeap",
                 id="the JVM launcher's could-not-create lines are epilogue to an unrecognized VM option"),
    pytest.param(JAVA_MAIN_CLASS, "java", "ClassNotFoundException", "Could not find or load main class com.acme.inventory.App", "bad_command", "com.acme.inventory.App",
                 id="a main class that cannot be loaded is a bad command"),
    pytest.param(JAVA_NO_CLASS_DEF, "java", "ClassNotFoundException", "Caused by: java.lang.ClassNotFoundException: org.slf4j.LoggerFactory", "missing_module", "org.slf4j.LoggerFactory",
                 id="a NoClassDefFoundError caused by a missing library class is a missing dependency"),
    pytest.param(JAVA_UNKNOWN_HOST, "java", "UnknownHostException", "java.net.UnknownHostException: kafka-0.kafka-headless", "host_unreachable", "kafka-0.kafka-headless",
                 id="a kafka UnknownHostException names the host that does not resolve"),
    pytest.param(JVM_METASPACE, "java", "OutOfMemoryError", "java.lang.OutOfMemoryError: Metaspace", None, None,
                 id="ExitOnOutOfMemoryError's Terminating due to OutOfMemoryError Metaspace is the terminal error"),
    # Go
    pytest.param(GO_NIL_AFTER_WARN, "go", "panic", "panic: runtime error: invalid memory address or nil pointer dereference", None, None,
                 id="a logrus warning that LOG_FORMAT is not set before a nil pointer panic is not the cause"),
    pytest.param(GO_PANIC_DIAL, "go", "panic", "dial tcp 10.96.21.4:5432: connect: connection refused", "host_unreachable", "10.96.21.4:5432",
                 id="a go panic on a refused dial names the host and port"),
    pytest.param(GO_FATAL_MAP, "go", "fatal error", "fatal error: concurrent map writes", None, None,
                 id="a go runtime fatal error is terminal"),
    pytest.param(ZAP_FATAL_ENV, "json", "fatal", "required key KAFKA_BROKERS missing value", "missing_env", "KAFKA_BROKERS",
                 id="a zap fatal line names the missing key while the warn line about tracing is survived"),
    pytest.param(ZAP_NO_SUCH_HOST, "json", "fatal", "lookup redis-cart", "host_unreachable", "redis-cart",
                 id="a zap fatal line with a DNS failure names the host that does not resolve"),
    pytest.param(LOGFMT_PERMISSION, "logfmt", "error", "mkdir /var/loki/index: permission denied", "permission_denied", "/var/loki/index",
                 id="a logfmt error line is terminal while the warn line naming a variable is survived"),
    pytest.param(COBRA_UNKNOWN_FLAG, "go", "Error", "unknown flag: --metrics-port", "bad_flag", "--metrics-port",
                 id="a cobra unknown flag is terminal even with usage text after it"),
    pytest.param(GO_FLAG_UNDEFINED, "go", "bad flag", "flag provided but not defined: -metrics-addr", "bad_flag", "-metrics-addr",
                 id="a go flag error is terminal even with the usage text after it"),
    pytest.param(KLOG_FATAL, "go", "fatal", "failed to load kubeconfig", "missing_file", "/etc/kubernetes/kubeconfig",
                 id="a klog F line is fatal and a stat of a missing file is its cause"),
    pytest.param(GO_LOG_FATAL_UNLEVELED, "text", "error", "bind: address already in use", "port_in_use", "9090",
                 id="an unleveled go log.Fatal line at the end is read as the dying words"),
    # Node
    pytest.param(NODE_MISSING_MODULE, "node", "Error", "Error: Cannot find module 'express'", "missing_module", "express",
                 id="node Cannot find module of a package is a missing dependency, not a bad command"),
    pytest.param(NODE_MISSING_ENTRY, "node", "Error", "Error: Cannot find module '/app/dist/main.js'", "bad_command", "/app/dist/main.js",
                 id="node Cannot find module of the entry point itself is a bad command"),
    pytest.param(NODE_UNHANDLED_REJECTION, "node", "UnhandledPromiseRejection", "ECONNREFUSED 10.96.44.12:6379", "host_unreachable", "10.96.44.12:6379",
                 id="an unhandled promise rejection names the refused host and port"),
    pytest.param(NODE_TYPEERROR_QUOTING_ENV, "node", "TypeError", "Cannot read properties of undefined (reading 'trim')", None, None,
                 id="a node source line quoting process.env above a TypeError is not the cause"),
    pytest.param(NODE_EADDRINUSE, "node", "Error", "listen EADDRINUSE: address already in use :::3000", "port_in_use", "3000",
                 id="node's unhandled error event EADDRINUSE is a port in use"),
    pytest.param(PINO_FATAL, "json", "fatal", "missing env var STRIPE_SECRET", "missing_env", "STRIPE_SECRET",
                 id="a pino level 60 line is fatal while the level 40 warning naming another variable is survived"),
    pytest.param(NODE_ENOTFOUND, "node", "Error", "getaddrinfo ENOTFOUND mongo-0.mongo", "host_unreachable", "mongo-0.mongo",
                 id="node getaddrinfo ENOTFOUND names the host that does not resolve"),
    # Rust
    pytest.param(RUST_PANIC_ENV, "rust", "panic", "DATABASE_URL must be set", "missing_env", "DATABASE_URL",
                 id="a rust panic message names the missing variable while the RUST_BACKTRACE note is not one"),
    pytest.param(RUST_PANIC_OLD_FORMAT, "rust", "panic", "No such file or directory", None, None,
                 id="an old-format rust panic is terminal and a NotFound without a path is unexplained"),
    pytest.param(RUST_ANYHOW, "rust", "Error", "failed to bind 0.0.0.0:9000", "port_in_use", "9000",
                 id="an anyhow error returned from main is explained by its Caused by list"),
    pytest.param(RUBY_KEY_ERROR, "ruby", "KeyError", 'key not found: "SESSION_SECRET"', "missing_env", "SESSION_SECRET",
                 id="a ruby ENV.fetch KeyError is a missing environment variable"),
    # Shell
    pytest.param(SHELL_EXEC_NOT_FOUND, "shell", "not found", "exec: gunicorn: not found", "bad_command", "gunicorn",
                 id="an entrypoint exec of a missing program is a bad command"),
    pytest.param(SHELL_EXEC_NO_SUCH_FILE, "shell", "not found", "exec /app/server: no such file or directory", "bad_command", "/app/server",
                 id="the runtime's exec of a missing binary is a bad command"),
    pytest.param(SHELL_PERMISSION, "shell", "permission denied", "/app/start.sh: Permission denied", "permission_denied", "/app/start.sh",
                 id="a shell that may not execute its script is permission denied"),
    pytest.param(SHELL_PARAMETER, "shell", "parameter not set", "API_TOKEN: parameter not set", "missing_env", "API_TOKEN",
                 id="set -u on an unset parameter is a missing environment variable"),
    pytest.param(SHARED_LIBRARY, "shell", "shared library", "libssl.so.1.1: cannot open shared object file", "missing_module", "libssl.so.1.1",
                 id="a missing shared library is a missing dependency, not a missing config file"),
    pytest.param(BITNAMI_MKDIR, "text", "ERROR", "Unable to create the data directory", "permission_denied", "/bitnami/redis/data/appendonlydir",
                 id="a script's ERROR record is directly caused by the mkdir complaint printed just before it"),
    pytest.param(ENTRYPOINT_CHOWN_THEN_FATAL, "json", "fatal", "WAL replay failed", None, None,
                 id="an entrypoint's chown complaint the process survived is not the cause of a later fatal record"),
    # nginx
    pytest.param(NGINX_UPSTREAM, "nginx", "emerg", 'host not found in upstream "orders-api:8080"', "host_unreachable", "orders-api:8080",
                 id="nginx emerg host not found in upstream names the host while the read-only info line is not the cause"),
    pytest.param(NGINX_BIND, "nginx", "emerg", "bind() to 0.0.0.0:80 failed (13: Permission denied)", "permission_denied", "80",
                 id="nginx emerg bind permission denied names the port"),
    pytest.param(NGINX_DIRECTIVE, "nginx", "emerg", 'unknown directive "proxy_pas"', None, None,
                 id="nginx emerg on a config typo is terminal and unexplained by any known signal"),
    pytest.param(NGINX_CERT, "nginx", "emerg", 'nginx: [emerg] cannot load certificate "/etc/nginx/tls/tls.crt"', "missing_file", "/etc/nginx/tls/tls.crt",
                 id="nginx emerg cannot load a certificate that does not exist is a missing file after a survived warn"),
    pytest.param(NGINX_MKDIR, "nginx", "emerg", 'nginx: [emerg] mkdir() "/var/cache/nginx/client_temp" failed', "permission_denied", "/var/cache/nginx/client_temp",
                 id="nginx emerg mkdir permission denied names the directory"),
    pytest.param(SERVICE_LINK_PORT, "python", "ValueError", "'tcp://172.20.163.220:6379'", None, None,
                 id="a service link value in REDIS_PORT quoted by a traceback ending in ValueError is not a missing variable"),
    # JSON and logfmt traps
    pytest.param(JSON_ERROR_AFTER_NOISY_INFO, "json", "error", 'migration failed: pq: relation "orders" does not exist', None, None,
                 id="json info and warn lines naming variables are never the cause of a later error line"),
    pytest.param(PINO_UPSTREAM_FIELD, "json", "error", "upstream request failed: The operation was aborted due to timeout (upstream=price-engine)", None, None,
                 id="a pino error record keeps the upstream it names and its nested err message"),
    pytest.param(LOGFMT_ADDR_FIELD, "logfmt", "error", "cannot connect to cache: connection refused", "host_unreachable", "cache-redis:6379",
                 id="a logfmt error record names the refused host in its addr field"),
    pytest.param(STRUCTLOG_EXCEPTION_FIELD, "json", "critical", "startup failed: KeyError: 'API_KEY'", "missing_env", "API_KEY",
                 id="a traceback carried in a json record's exception field is read for its last exception"),
    pytest.param(GCP_SEVERITY, "json", "critical", "Failed to load credentials", "missing_file", "/var/secrets/google/key.json",
                 id="a cloud logging severity CRITICAL line is terminal and names the missing file"),
]


@pytest.mark.parametrize(("log", "runtime", "kind", "text", "signal", "fact"), CASES)
def test_the_terminal_error_is_found_by_structure(log, runtime, kind, text, signal, fact):
    found = find_terminal_error(log)
    assert found is not None
    assert (found.runtime, found.kind) == (runtime, kind)
    assert text in found.text or text in "\n".join(found.excerpt)
    if signal is None:
        assert found.signal is None, found.signal
    else:
        assert found.signal is not None, found
        assert (found.signal.kind, found.signal.fact) == (signal, fact)


QUIET = [
    pytest.param('{"level":"info","msg":"request served","status":200,"path":"/api/cart"}\n' * 3,
                 id="json info lines about served requests hold no error"),
    pytest.param("WARNING: REDIS_URL not set, caching disabled\nINFO listening on :8080\nINFO shutting down on SIGTERM\n",
                 id="a warning the process survived and a clean shutdown hold no error"),
    pytest.param("level=debug msg=\"config loaded\" file=/etc/app/config.yaml\nlevel=info msg=\"ready\"\n",
                 id="logfmt debug and info lines hold no error"),
    pytest.param("", id="an empty log holds no error"),
]


@pytest.mark.parametrize("log", QUIET)
def test_a_log_without_an_error_has_no_terminal_error(log):
    assert find_terminal_error(log) is None


@pytest.mark.parametrize(
    ("log", "certain"),
    [(GO_NIL_AFTER_WARN, True), (ZAP_FATAL_ENV, True), (SPRING_CHAIN_TO_CONNECT, True),
     (BARE_SYSTEM_EXIT, False), (GO_LOG_FATAL_UNLEVELED, False)],
    ids=["a go panic is certain", "a fatal-level json line is certain", "a java exception block is certain",
         "an unleveled last line is a guess", "an unleveled go log line is a guess"],
)
def test_a_structural_error_is_certain_and_a_bare_last_line_is_a_guess(log, certain):
    assert find_terminal_error(log).certain is certain


@pytest.mark.parametrize(
    ("log", "frame"),
    [(GO_NIL_AFTER_WARN, "/src/internal/store/client.go:57"),
     (GO_FATAL_MAP, "/app/cache.go:31"),
     (JAVA_INIT_ERROR, "NumberFormatException.java:67"),
     (NODE_TYPEERROR_QUOTING_ENV, "/app/src/config.js:7"),
     (PORT_QUOTED_BEFORE_VALUE_ERROR, "/app/server.py:8"),
     (RUST_PANIC_ENV, "src/main.rs:21:10")],
    ids=["go names the first frame of the panicking goroutine", "go skips the runtime's own frames",
         "java names the first frame of the root cause", "node names the first frame after the error",
         "python names the last frame before the exception", "rust names the panic location"],
)
def test_the_terminal_error_says_where_it_was_raised(log, frame):
    assert find_terminal_error(log).frame == frame


@pytest.mark.parametrize(
    ("log", "source"),
    [(SERVICE_LINK_PORT, 'REDIS_PORT = int(os.environ["REDIS_PORT"])'),
     (NODE_TYPEERROR_QUOTING_ENV, "const port = parseInt(process.env.PORT.trim(), 10);"),
     (GO_NIL_AFTER_WARN, None)],
    ids=["python keeps the raising source line as context", "node keeps the line its caret points at",
         "a go panic quotes no source"],
)
def test_the_raising_source_line_is_context_not_cause(log, source):
    found = find_terminal_error(log)
    assert found.source == source
    assert found.signal is None


def test_a_chained_cause_is_quoted_in_the_excerpt():
    found = find_terminal_error(SQLALCHEMY_AFTER_SENTRY_INFO)
    excerpt = "\n".join(found.excerpt)
    assert "psycopg2.OperationalError" in excerpt and "SENTRY_DSN" not in excerpt


def test_pydantic_field_lines_are_part_of_the_excerpt():
    excerpt = "\n".join(find_terminal_error(PYDANTIC_V2_BAD_VALUE).excerpt)
    assert "workers" in excerpt and "Input should be a valid integer" in excerpt


def test_the_excerpt_stays_short():
    found = find_terminal_error(SPRING_CHAIN_TO_CONNECT)
    assert 1 <= len(found.excerpt) <= 8 and all(len(line) <= 500 for line in found.excerpt)


LONG = 200_000


@pytest.mark.parametrize(
    "log",
    [
        "/app/dist/bundle.js:1\n" + "var a=function(){return process.env.X};" * (LONG // 40) + "\n    ^\n\n"
        "TypeError: Cannot read properties of undefined (reading 'map')\n    at /app/dist/bundle.js:1:88231\n",
        '{"level":"error","msg":"payload rejected","body":"' + "A" * LONG + '"}\n',
        "ERROR " + "/" * LONG + "\n",
        "panic: " + "a:" * (LONG // 2) + " connection refused\n",
        "x" * LONG + "\n" + "Traceback (most recent call last):\n" + '  File "' + "/a" * (LONG // 2) + '", line 1\nValueError: ' + "9" * LONG + "\n",
    ],
    ids=["a 200 KB minified source line quoted by node", "a 200 KB json line", "a 200 KB line of slashes",
         "a 200 KB go panic message", "200 KB lines around a traceback"],
)
def test_a_200_kb_line_is_read_in_milliseconds(log):
    # The best of three runs, so a busy machine's pauses are not read as backtracking (which costs seconds).
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        found = find_terminal_error(log)
        timings.append(time.perf_counter() - started)
    assert found is not None
    assert min(timings) < 0.1, f"{min(timings) * 1000:.0f} ms"


def _patterns():
    import re

    from shared.analyzers import app_error_hints, error_blocks, logsignals, terminal_error

    def walk(value):
        if isinstance(value, re.Pattern):
            yield value
        elif isinstance(value, tuple | list):
            for inner in value:
                yield from walk(inner)

    found = {}
    for module in (logsignals, error_blocks, terminal_error, app_error_hints):
        for name, value in vars(module).items():
            for pattern in walk(value):
                found.setdefault(pattern.pattern, (f"{module.__name__.rsplit('.', 1)[-1]}.{name}", pattern))
    return list(found.values())


RUNS = ["/" * 2000, "9" * 2000, "x" * 2000, "A_" * 1000, "a." * 1000, "a:" * 1000, " " * 1999 + "x", '"' * 2000,
        "ab()" * 500]


@pytest.mark.parametrize(("name", "pattern"), _patterns(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_pattern_backtracks_on_a_long_run_of_one_character_class(name, pattern):
    worst = 0.0
    for text in RUNS:
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            pattern.search(text)
            timings.append(time.perf_counter() - started)
        worst = max(worst, min(timings))
    assert worst < 0.01, f"{name}: {worst * 1000:.1f} ms on a 2000-character run"


def test_a_peer_url_field_is_kept_without_its_password():
    log = '{"level":"error","msg":"db down","url":"postgres://app:s3cret@db:5432/x","error":"connection refused"}\n'
    found = find_terminal_error(log)
    assert "s3cret" not in found.text and "postgres://db:5432/x" in found.text
    assert (found.signal.kind, found.signal.fact) == ("host_unreachable", "db:5432")
