"""Reading a dying container's last words, across runtimes and log formats."""

import pytest

from shared.analyzers.logsignals import classify, last_error_line

CASES = [
    ('{"level":"fatal","msg":"config","error":"required key WALLET_SERVICE_URL missing value"}',
     "crashloop_missing_env", "WALLET_SERVICE_URL"),
    ("Traceback (most recent call last):\n  File \"app.py\", line 3\nKeyError: 'DATABASE_URL'",
     "crashloop_missing_env", "DATABASE_URL"),
    ('KeyError: key not found: "SESSION_SECRET"', "crashloop_missing_env", "SESSION_SECRET"),
    ("Error: environment variable JWT_SECRET is not set", "crashloop_missing_env", "JWT_SECRET"),
    ("/entrypoint.sh: line 4: API_TOKEN: parameter not set", "crashloop_missing_env", "API_TOKEN"),
    ("Caused by: java.lang.IllegalArgumentException: Could not resolve placeholder 'payments.url' in value",
     "crashloop_missing_env", "payments.url"),
    ("panic: open /etc/app/config.yaml: no such file or directory", "crashloop_missing_config_file",
     "/etc/app/config.yaml"),
    ("Error: ENOENT: no such file or directory, open '/srv/settings.json'", "crashloop_missing_config_file",
     "/srv/settings.json"),
    ("FileNotFoundError: [Errno 2] No such file or directory: '/config/app.toml'", "crashloop_missing_config_file",
     "/config/app.toml"),
    ("java.io.FileNotFoundException: /opt/app/application.yml (No such file or directory)",
     "crashloop_missing_config_file", "/opt/app/application.yml"),
    ("mkdir /data/cache: permission denied", "crashloop_permission_denied", "/data/cache"),
    ("PermissionError: [Errno 13] Permission denied: '/var/lib/app/state.db'", "crashloop_permission_denied",
     "/var/lib/app/state.db"),
    ("listen tcp :80: bind: permission denied", "crashloop_permission_denied", "80"),
    ("Error: listen EADDRINUSE: address already in use :::3000", "crashloop_port_in_use", "3000"),
    ("2025/06/03 listen tcp 0.0.0.0:9090: bind: address already in use", "crashloop_port_in_use", "9090"),
    ("Web server failed to start. Port 8080 was already in use.", "crashloop_port_in_use", "8080"),
    ("flag provided but not defined: -listen-addr", "crashloop_bad_command", "-listen-addr"),
    ("error: unrecognized arguments: --workers=4", "crashloop_bad_command", "--workers=4"),
    ("/bin/sh: gunicorn: not found", "crashloop_bad_command", "gunicorn"),
    ('Error: unknown command "serve" for "app"', "crashloop_bad_command", "serve"),
    ("/bin/sh: 1: gunicorn: not found", "crashloop_bad_command", "gunicorn"),
    ("usage: main.py [-h]\nmain.py: error: unrecognized arguments: --workers 4", "crashloop_bad_command",
     "--workers 4"),
    ("python: can't open file '/app/mian.py': [Errno 2] No such file or directory", "crashloop_bad_command",
     "/app/mian.py"),
    ('nginx: [emerg] open() "/etc/nginx/conf.d/app.conf" failed (2: No such file or directory)',
     "crashloop_missing_config_file", "/etc/nginx/conf.d/app.conf"),
    ("panic: open config/settings.toml: no such file or directory", "crashloop_missing_config_file",
     "config/settings.toml"),
]


@pytest.mark.parametrize(("log", "category", "fact"), CASES, ids=[f"{c[1]}: {c[2]}" for c in CASES])
def test_the_known_failure_and_its_fact_are_read_from_the_log(log, category, fact):
    signal = classify(log)
    assert signal is not None and signal.category == category and signal.fact == fact


@pytest.mark.parametrize(
    "log",
    ["java.sql.SQLException: Access denied for user 'app'@'10.0.1.5'",
     "ERROR: permission denied for table invoices",
     "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation",
     "INFO server started\nINFO ready"],
    ids=["a database login denial is not a file permission", "a SQL grant is not a file permission",
         "a cloud API denial is not a file permission", "a healthy log names nothing"],
)
def test_lookalikes_are_not_mistaken_for_known_failures(log):
    assert classify(log) is None


def test_the_last_fatal_line_wins_over_an_earlier_red_herring():
    log = ("WARN cache: REDIS_URL empty, using memory\nINFO connecting\n"
           "FATAL open /etc/svc/tls.crt: no such file or directory\n")
    assert classify(log).category == "crashloop_missing_config_file"


def test_the_quoted_crash_line_is_the_cause_not_the_stack_frames():
    log = ("Exception in thread main\n\tat a.b.C.run(C.java:1)\n"
           "Caused by: org.postgresql.util.PSQLException: Connection refused\n\tat x.y(Z.java:2)\n")
    assert last_error_line(log).startswith("Caused by: org.postgresql")


def test_a_json_escaped_variable_name_is_still_read():
    line = '{"level":"fatal","error":"env: required environment variable \\"ROUTER_KAFKA_BROKERS\\" is not set"}'
    signal = classify(line)
    assert signal.category == "crashloop_missing_env" and signal.fact == "ROUTER_KAFKA_BROKERS"


def test_the_latest_line_wins_across_kinds_of_signal():
    log = ("info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)\n"
           'nginx: [emerg] open() "/etc/nginx/conf.d/upstreams.conf" failed (2: No such file or directory)\n')
    assert classify(log).category == "crashloop_missing_config_file"


@pytest.mark.parametrize(
    ("log", "error", "frame"),
    [("TypeError: x is undefined\n    at build (/app/dist/feeds/google.js:88:43)\n    at main (/app/i.js:2:1)",
      "TypeError: x is undefined", "/app/dist/feeds/google.js:88"),
     ("java.lang.IllegalStateException: boom\n\tat com.acme.Rules.load(Rules.java:38)",
      "java.lang.IllegalStateException: boom", "Rules.java:38"),
     ('Traceback (most recent call last):\n  File "/app/jobs/sync.py", line 41, in run\n    x()\nValueError: bad',
      "ValueError: bad", "/app/jobs/sync.py:41")],
    ids=["node names the first frame after the error", "java names the first frame",
         "python names the last frame before the exception"],
)
def test_the_top_frame_locates_an_application_error(log, error, frame):
    from shared.analyzers.logsignals import top_frame

    assert top_frame(log, error) == frame


def test_a_usage_text_gives_the_flags_the_program_accepts():
    from shared.analyzers.crashloop import accepted_flags

    log = "flag provided but not defined: -metrics-addr\nUsage of /router:\n  -metrics-listen string\n  -v\tverbose\n"
    assert accepted_flags(log) == ["-metrics-listen", "-v"]


@pytest.mark.parametrize(
    ("log", "quoted"),
    [('2025-10-19 06:23:51,000 WARNING [reconcile] STATEMENT_TIMEOUT not set, using 30s\n'
      'Traceback (most recent call last):\n  File "/app/reconcile/writer.py", line 88, in write_entries\n'
      '    cur.executemany(INSERT_SQL, rows)\n'
      'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "ledger_entries_pkey"\n'
      'DETAIL:  Key (entry_id)=(7c1f9e1a) already exists.\n',
      'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "ledger_entries_pkey"'),
     ("2025-09-29 21:23:08,000 WARNING [search.health] readiness check failed: alias 'products' points to "
      "products-v7, which does not exist\nINFO:     10.42.37.185:48212 - \"GET /ready HTTP/1.1\" 503\n",
      "2025-09-29 21:23:08,000 WARNING [search.health] readiness check failed: alias 'products' points to "
      "products-v7, which does not exist")],
    ids=["a job's terminal exception is quoted, not a warning or its DETAIL line",
         "a living process's warning about its health is quoted when it logged no error"],
)
def test_the_quoted_line_is_the_terminal_error_or_else_the_last_failure_it_mentions(log, quoted):
    assert last_error_line(log) == quoted
