"""Reading what a container depends on from its own words: failure lines, env values, init waits."""

from __future__ import annotations

import pytest

from shared.analyzers.dependencies import (
    HOW_DNS,
    HOW_REFUSED,
    HOW_TIMEOUT,
    failure_in_log,
    hosts_in_env,
    hosts_in_log,
    service_of_host,
    waits_of,
)

LOGS = [
    ("[ioredis] Unhandled error event: Error: connect ECONNREFUSED redis:6379", "redis", 6379, HOW_REFUSED),
    ("dial tcp: lookup orders-db on 10.96.0.10:53: no such host", "orders-db", None, HOW_DNS),
    ('psycopg2.OperationalError: could not connect to server: Connection refused\n\tIs the server running on host '
     '"postgres" (10.96.0.5) and accepting\n\tTCP/IP connections on port 5432?', "postgres", 5432, HOW_REFUSED),
    ('level=fatal msg="cannot reach session store" error="dial tcp 10.96.44.2:6379: i/o timeout"', "10.96.44.2", 6379,
     HOW_TIMEOUT),
    ("redis.exceptions.ConnectionError: Error 111 connecting to sessions:6379. Connection refused.", "sessions", 6379,
     HOW_REFUSED),
    ("requests.exceptions.ConnectionError: HTTPConnectionPool(host='search', port=9200): Max retries exceeded",
     "search", 9200, None),
    ("(2003, \"Can't connect to MySQL server on 'mysql-primary.db.svc.cluster.local' ([Errno 111] Connection "
     "refused)\")", "mysql-primary.db.svc.cluster.local", None, HOW_REFUSED),
    ('sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "db" (10.96.61.1), port '
     "5432 failed: Connection refused", "db", 5432, HOW_REFUSED),
    ("MongoNetworkError: failed to connect to server [catalog-mongo:27017] on first connect", "catalog-mongo", 27017,
     None),
    ("Error: getaddrinfo ENOTFOUND payments-api", "payments-api", None, HOW_DNS),
    ("nc: bad address 'pg-main'", "pg-main", None, HOW_DNS),
    ("Caused by: org.postgresql.util.PSQLException: Connection to orders-db.data.svc:5432 refused.",
     "orders-db.data.svc", 5432, HOW_REFUSED),
]


@pytest.mark.parametrize(("log", "host", "port", "how"), LOGS, ids=[f"{c[1]} from {c[0][:40]}" for c in LOGS])
def test_the_host_a_connection_failure_names_is_read(log, host, port, how):
    named = hosts_in_log(log)
    assert named and named[0].host == host
    assert port is None or named[0].port == port
    assert how is None or named[0].how == how


@pytest.mark.parametrize("log", [
    "INFO listening on 0.0.0.0:8080\nINFO connected to redis:6379",
    "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\t"
    "/src/main.go:31 +0x1d9",
    '2025-05-14T08:38:55Z ERROR at Foo.bar(Foo.java:42) NullPointerException',
    "ZeroDivisionError: division by zero",
], ids=["a successful connection is no failure", "a Go frame is not a host", "a Java frame is not a host",
        "an app error names no host"])
def test_lines_that_are_not_connection_failures_name_no_dependency(log):
    assert hosts_in_log(log) == []


def test_a_bare_connection_failure_is_seen_even_without_a_host():
    found = failure_in_log("Caused by: java.net.ConnectException: Connection refused (Connection refused)\n")
    assert found is not None and found[0] == HOW_REFUSED


def test_env_names_hosts_by_value_without_ever_quoting_the_value():
    env = [{"name": "DATABASE_URL", "value": "postgres://app:s3cr3t@orders-db:5432/orders"},
           {"name": "REDIS_ADDR", "value": "sessions-redis.identity.svc:6379"},
           {"name": "DB_HOST", "value": "legacy-db"},
           {"name": "LOG_LEVEL", "value": "info"},
           {"name": "SPRING_DATASOURCE_URL", "value": "jdbc:mysql://orders-mysql.data.svc.cluster.local:3306/x"}]
    named = hosts_in_env(env)
    assert [(n.host, n.port) for n in named] == [("orders-db", 5432), ("sessions-redis.identity.svc", 6379),
                                                 ("legacy-db", None), ("orders-mysql.data.svc.cluster.local", 3306)]
    assert "s3cr3t" not in repr(named)


@pytest.mark.parametrize(("spec", "expected"), [
    ({"name": "w", "args": ["job", "db-migrate"]}, [("db-migrate", True)]),
    ({"name": "w", "command": ["kubectl", "wait", "--for=condition=complete", "job/seed-data", "--timeout=600s"]},
     [("seed-data", True)]),
    ({"name": "w", "command": ["sh", "-c", "until nc -z postgres 5432; do sleep 2; done"]}, [("postgres", False)]),
    ({"name": "w", "command": ["sh", "-c", "until nslookup mydb.db.svc.cluster.local; do sleep 2; done"]},
     [("mydb.db.svc.cluster.local", False)]),
    ({"name": "w", "command": ["sh", "-c", "until pg_isready -h orders-db -p 5432; do sleep 1; done"]},
     [("orders-db", False)]),
    ({"name": "w", "args": ["wait-for-it.sh", "rabbitmq:5672", "--", "echo", "up"]}, [("rabbitmq", False)]),
], ids=["k8s-wait-for a job", "kubectl wait for a job", "nc -z", "nslookup", "pg_isready", "wait-for-it"])
def test_what_an_init_container_waits_for(spec, expected):
    assert [(n.host, n.job) for n in waits_of(spec)][:1] == expected


@pytest.mark.parametrize(("host", "expected"), [
    ("redis", ("shop", "redis")),
    ("orders-db.data", ("data", "orders-db")),
    ("orders-db.data.svc", ("data", "orders-db")),
    ("orders-db.data.svc.cluster.local", ("data", "orders-db")),
    ("redis-0.redis.cache.svc.cluster.local", ("cache", "redis")),
    ("api.stripe.com", None),
    ("10.96.0.5", None),
])
def test_cluster_dns_names_resolve_to_a_service(host, expected):
    assert service_of_host(host, "shop") == expected
