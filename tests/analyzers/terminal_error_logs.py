"""Realistic log tails of dying containers, shared by the terminal-error and crashloop tables."""

# ruff: noqa: E501 -- log lines are verbatim fixture data.

SQLALCHEMY_AFTER_SENTRY_INFO = """\
2025-06-03 10:00:00,101 INFO [app.telemetry] tracing disabled (SENTRY_DSN not set)
2025-06-03 10:00:00,140 INFO [app.db] connecting to database
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/sqlalchemy/engine/base.py", line 145, in __init__
    self._dbapi_connection = engine.raw_connection()
                             ^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.11/site-packages/psycopg2/__init__.py", line 122, in connect
    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
psycopg2.OperationalError: connection to server at "orders-db" (10.96.14.7), port 5432 failed: Connection refused
\tIs the server running on that host and accepting TCP/IP connections?


The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/app/main.py", line 31, in <module>
    init_db()
  File "/app/db.py", line 12, in init_db
    with engine.connect() as conn:
         ^^^^^^^^^^^^^^^^
sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "orders-db" (10.96.14.7), port 5432 failed: Connection refused
\tIs the server running on that host and accepting TCP/IP connections?

(Background on this error at: https://sqlalche.me/e/20/e3q8)
"""

PORT_QUOTED_BEFORE_VALUE_ERROR = """\
Traceback (most recent call last):
  File "/app/server.py", line 8, in <module>
    PORT = int(os.environ["PORT"])
           ^^^^^^^^^^^^^^^^^^^^^^^
ValueError: invalid literal for int() with base 10: 'tcp://10.96.3.9:8080'
"""

KEYERROR_FROM_ENVIRON = """\
Traceback (most recent call last):
  File "/app/main.py", line 4, in <module>
    from app.settings import settings
  File "/app/app/settings.py", line 9, in <module>
    DATABASE_URL = os.environ["DATABASE_URL"]
                   ~~~~~~~~~~^^^^^^^^^^^^^^^^
  File "<frozen os>", line 679, in __getitem__
KeyError: 'DATABASE_URL'
"""

PYDANTIC_V2_MISSING = """\
2025-06-03 10:00:00 INFO loading settings (env_prefix='')
Traceback (most recent call last):
  File "/app/main.py", line 5, in <module>
    settings = Settings()
               ^^^^^^^^^^
  File "/usr/local/lib/python3.12/site-packages/pydantic_settings/main.py", line 84, in __init__
    super().__init__(
  File "/usr/local/lib/python3.12/site-packages/pydantic/main.py", line 171, in __init__
    self.__pydantic_validator__.validate_python(data, self_instance=self)
pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings
redis_url
  Field required [type=missing, input_value={'log_level': 'info'}, input_type=dict]
    For further information visit https://errors.pydantic.dev/2.6/v/missing
"""

PYDANTIC_V2_BAD_VALUE = """\
Traceback (most recent call last):
  File "/app/main.py", line 5, in <module>
    settings = Settings()
pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings
workers
  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='four', input_type=str]
    For further information visit https://errors.pydantic.dev/2.6/v/int_parsing
"""

PYDANTIC_V1_MISSING = """\
Traceback (most recent call last):
  File "/app/worker.py", line 12, in <module>
    config = AppConfig()
  File "pydantic/env_settings.py", line 39, in pydantic.env_settings.BaseSettings.__init__
  File "pydantic/main.py", line 341, in pydantic.main.BaseModel.__init__
pydantic.error_wrappers.ValidationError: 2 validation errors for AppConfig
api_key
  field required (type=value_error.missing)
broker_url
  field required (type=value_error.missing)
"""

MODULE_NOT_FOUND = """\
[2025-06-03 10:00:00 +0000] [1] [INFO] Starting gunicorn 21.2.0
[2025-06-03 10:00:00 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)
[2025-06-03 10:00:00 +0000] [7] [INFO] Booting worker with pid: 7
[2025-06-03 10:00:00 +0000] [7] [ERROR] Exception in worker process
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/gunicorn/arbiter.py", line 609, in spawn_worker
    worker.init_process()
  File "/app/app/db.py", line 3, in <module>
    import psycopg2
ModuleNotFoundError: No module named 'psycopg2'
[2025-06-03 10:00:00 +0000] [7] [INFO] Worker exiting (pid: 7)
[2025-06-03 10:00:01 +0000] [1] [ERROR] Worker (pid:7) exited with code 3
[2025-06-03 10:00:01 +0000] [1] [ERROR] Shutting down: Master
[2025-06-03 10:00:01 +0000] [1] [ERROR] Reason: Worker failed to boot.
"""

CHAINED_DURING_HANDLING = """\
Traceback (most recent call last):
  File "/app/config.py", line 14, in load
    return os.environ[name]
  File "<frozen os>", line 679, in __getitem__
KeyError: 'PAYMENTS_API_KEY'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/main.py", line 3, in <module>
    cfg = load_config()
  File "/app/config.py", line 16, in load
    raise ConfigError("cannot start without payments credentials")
app.config.ConfigError: cannot start without payments credentials
"""

UVICORN_LIFESPAN = """\
INFO:     Started server process [1]
INFO:     Waiting for application startup.
ERROR:    Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/starlette/routing.py", line 677, in lifespan
    async with self.lifespan_context(app) as maybe_state:
  File "/app/main.py", line 20, in lifespan
    await redis.ping()
  File "/usr/local/lib/python3.11/site-packages/redis/asyncio/connection.py", line 288, in connect
    raise ConnectionError(self._error_message(e))
redis.exceptions.ConnectionError: Error 111 connecting to redis-master:6379. Connection refused.

ERROR:    Application startup failed. Exiting.
"""

HANDLED_TRACEBACK_THEN_CRITICAL = """\
2025-06-03 10:00:00,001 ERROR [sync] fetch failed, retrying
Traceback (most recent call last):
  File "/app/sync.py", line 40, in fetch
    resp = session.get(url, timeout=5)
TimeoutError: timed out
2025-06-03 10:00:05,002 INFO [sync] retry 2/3 succeeded
2025-06-03 10:00:05,120 CRITICAL [sync] giving up: schema version 41 is newer than supported 40
"""

DJANGO_SECRET_KEY = """\
Traceback (most recent call last):
  File "/app/manage.py", line 22, in <module>
    main()
  File "/usr/local/lib/python3.11/site-packages/django/conf/__init__.py", line 93, in __getattr__
    raise ImproperlyConfigured("The SECRET_KEY setting must not be empty.")
django.core.exceptions.ImproperlyConfigured: The SECRET_KEY setting must not be empty.
"""

PYTHON_PERMISSION = """\
2025-06-03 10:00:00,001 INFO [store] opening state database
Traceback (most recent call last):
  File "/app/store.py", line 18, in open_db
    conn = sqlite3.connect(path)
  File "/usr/local/lib/python3.11/pathlib.py", line 1116, in mkdir
    os.mkdir(self, mode)
PermissionError: [Errno 13] Permission denied: '/var/lib/app/state'
"""

SPRING_CHAIN_TO_CONNECT = """\
2025-06-03T10:00:05.120Z  INFO 1 --- [           main] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Starting...
2025-06-03T10:00:06.402Z ERROR 1 --- [           main] o.s.boot.SpringApplication               : Application run failed

org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'flywayInitializer' defined in class path resource [org/springframework/boot/autoconfigure/flyway/FlywayAutoConfiguration$FlywayConfiguration.class]: Unable to obtain connection from database
\tat org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean(AbstractAutowireCapableBeanFactory.java:1786)
\tat org.springframework.beans.factory.support.AbstractBeanFactory.doGetBean(AbstractBeanFactory.java:326)
\tat org.springframework.boot.SpringApplication.run(SpringApplication.java:335)
\tat com.acme.orders.OrdersApplication.main(OrdersApplication.java:10)
Caused by: org.flywaydb.core.internal.exception.FlywaySqlException: Unable to obtain connection from database: Connection to orders-db:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.
\tat org.flywaydb.core.internal.jdbc.JdbcUtils.openConnection(JdbcUtils.java:60)
\t... 24 common frames omitted
Caused by: org.postgresql.util.PSQLException: Connection to orders-db:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.
\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:346)
\t... 31 common frames omitted
Caused by: java.net.ConnectException: Connection refused
\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)
\tat java.base/sun.nio.ch.Net.pollConnectNow(Net.java:672)
\t... 40 common frames omitted
"""

SPRING_PORT_BANNER = """\
2025-06-03T10:00:03.801Z  INFO 1 --- [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat initialized with port 8080 (http)
2025-06-03T10:00:04.222Z ERROR 1 --- [           main] o.s.b.d.LoggingFailureAnalysisReporter   :

***************************
APPLICATION FAILED TO START
***************************

Description:

Web server failed to start. Port 8080 was already in use.

Action:

Identify and stop the process that's listening on port 8080 or configure this application to listen on another port.

"""

SPRING_PLACEHOLDER = """\
2025-06-03T10:00:02.001Z  WARN 1 --- [           main] ConfigServletWebServerApplicationContext : Exception encountered during context initialization - cancelling refresh attempt
org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'stripeClient': Injection of autowired dependencies failed
\tat org.springframework.beans.factory.annotation.AutowiredAnnotationBeanPostProcessor.postProcessProperties(AutowiredAnnotationBeanPostProcessor.java:492)
Caused by: java.lang.IllegalArgumentException: Could not resolve placeholder 'STRIPE_API_KEY' in value "${STRIPE_API_KEY}"
\tat org.springframework.util.PropertyPlaceholderHelper.parseStringValue(PropertyPlaceholderHelper.java:180)
\t... 45 common frames omitted
"""

JAVA_OOM = """\
2025-06-03 10:14:55.201  INFO 1 --- [           main] c.a.reports.ExportService : exporting 1200000 rows
Exception in thread "main" java.lang.OutOfMemoryError: Java heap space
\tat java.base/java.util.Arrays.copyOf(Arrays.java:3512)
\tat java.base/java.util.ArrayList.grow(ArrayList.java:237)
\tat com.acme.reports.ExportService.collect(ExportService.java:88)
\tat com.acme.reports.Main.main(Main.java:21)
"""

JAVA_INIT_ERROR = """\
Exception in thread "main" java.lang.ExceptionInInitializerError
\tat com.acme.billing.Main.main(Main.java:12)
Caused by: java.lang.NumberFormatException: For input string: "ten"
\tat java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)
\tat java.base/java.lang.Integer.parseInt(Integer.java:668)
\tat com.acme.billing.Config.<clinit>(Config.java:9)
\t... 1 more
"""

JVM_HS_ERR = """\
2025-06-03 10:20:01.002  INFO 1 --- [           main] c.a.search.Indexer : opening rocksdb at /data/index
#
# A fatal error has been detected by the Java Runtime Environment:
#
#  SIGSEGV (0xb) at pc=0x00007f3c2a1b4e15, pid=1, tid=14
#
# JRE version: OpenJDK Runtime Environment Temurin-17.0.9+9 (17.0.9+9) (build 17.0.9+9)
# Java VM: OpenJDK 64-Bit Server VM Temurin-17.0.9+9 (17.0.9+9, mixed mode, sharing, tiered, compressed oops, compressed class space, parallel gc, linux-amd64)
# Problematic frame:
# C  [librocksdbjni1234.so+0x4e2e15]  rocksdb::DBImpl::Get(rocksdb::ReadOptions const&)+0x35
#
# Core dump will be written. Default location: /app/core
#
# An error report file with more information is saved as:
# /tmp/hs_err_pid1.log
#
# If you would like to submit a bug report, please visit:
#   https://github.com/adoptium/adoptium-support/issues
#
"""

JVM_BAD_OPTION = """\
Picked up JAVA_TOOL_OPTIONS: -XX:+UseCGroupMemoryLimitForHeap
Unrecognized VM option 'UseCGroupMemoryLimitForHeap'
Error: Could not create the Java Virtual Machine.
Error: A fatal exception has occurred. Program will exit.
"""

JAVA_MAIN_CLASS = """\
Error: Could not find or load main class com.acme.inventory.App
Caused by: java.lang.ClassNotFoundException: com.acme.inventory.App
"""

JAVA_NO_CLASS_DEF = """\
Exception in thread "main" java.lang.NoClassDefFoundError: org/slf4j/LoggerFactory
\tat com.acme.Main.<clinit>(Main.java:8)
Caused by: java.lang.ClassNotFoundException: org.slf4j.LoggerFactory
\tat java.base/jdk.internal.loader.BuiltinClassLoader.loadClass(BuiltinClassLoader.java:641)
\tat java.base/java.lang.ClassLoader.loadClass(ClassLoader.java:525)
\t... 1 more
"""

JAVA_UNKNOWN_HOST = """\
2025-06-03 10:00:01.500 ERROR 1 --- [           main] o.s.boot.SpringApplication : Application run failed
org.apache.kafka.common.KafkaException: Failed to construct kafka consumer
\tat org.apache.kafka.clients.consumer.KafkaConsumer.<init>(KafkaConsumer.java:830)
Caused by: org.apache.kafka.common.config.ConfigException: No resolvable bootstrap urls given in bootstrap.servers
\tat org.apache.kafka.clients.ClientUtils.parseAndValidateAddresses(ClientUtils.java:89)
\t... 12 common frames omitted
Caused by: java.net.UnknownHostException: kafka-0.kafka-headless
\tat java.base/java.net.InetAddress.getAllByName0(InetAddress.java:1534)
\t... 14 common frames omitted
"""

GO_NIL_AFTER_WARN = """\
time="2025-06-03T10:00:00Z" level=info msg="starting inventory-sync" version=2.3.1
time="2025-06-03T10:00:00Z" level=warn msg="LOG_FORMAT is not set, defaulting to text"
panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x8b4c2e]

goroutine 1 [running]:
github.com/acme/inventory-sync/internal/store.(*Client).Ping(0x0, {0xa3c9e8, 0xc0000a2000})
\t/src/internal/store/client.go:57 +0x2e
main.main()
\t/src/cmd/inventory-sync/main.go:44 +0x3c5
"""

GO_PANIC_DIAL = """\
{"level":"info","ts":1717408800.1,"caller":"cmd/main.go:31","msg":"connecting","dsn_host":"10.96.21.4"}
panic: failed to connect to database: dial tcp 10.96.21.4:5432: connect: connection refused

goroutine 1 [running]:
main.mustConnect({0xc00001e0f0, 0x3d})
\t/app/cmd/main.go:58 +0x1a5
main.main()
\t/app/cmd/main.go:33 +0x8d
"""

GO_FATAL_MAP = """\
2025/06/03 10:00:00 serving on :8080
fatal error: concurrent map writes

goroutine 42 [running]:
runtime.throw({0x9b1f7a?, 0x0?})
\t/usr/local/go/src/runtime/panic.go:1077 +0x5c fp=0xc00012fd40 sp=0xc00012fd10 pc=0x43a0dc
runtime.mapassign_faststr(0x8f2e40, 0xc000096180, {0xc0001a2010, 0x6})
\t/usr/local/go/src/runtime/map_faststr.go:211 +0x3f1 fp=0xc00012fdb0 sp=0xc00012fd40 pc=0x4147d1
main.(*cache).set(...)
\t/app/cache.go:31
main.handler({0xa36d10, 0xc0001c2000}, 0xc0001b8000)
\t/app/main.go:77 +0x1c5
"""

ZAP_FATAL_ENV = """\
{"level":"info","ts":"2025-06-03T10:00:00.001Z","caller":"app/main.go:22","msg":"starting order-router","version":"1.7.0"}
{"level":"warn","ts":"2025-06-03T10:00:00.002Z","caller":"app/config.go:41","msg":"ROUTER_TRACING_URL not set, tracing disabled"}
{"level":"fatal","ts":"2025-06-03T10:00:00.004Z","caller":"app/main.go:40","msg":"invalid configuration","error":"required key KAFKA_BROKERS missing value"}
"""

ZAP_NO_SUCH_HOST = """\
{"level":"info","ts":"2025-06-03T10:00:00.001Z","msg":"REDIS_ADDR=redis-cart:6379"}
{"level":"fatal","ts":"2025-06-03T10:00:00.950Z","caller":"cartservice/main.go:61","msg":"cannot connect to redis","error":"dial tcp: lookup redis-cart on 10.96.0.10:53: no such host"}
"""

LOGFMT_PERMISSION = """\
level=info ts=2025-06-03T10:00:00.001Z caller=main.go:61 msg="Starting Loki" version=2.9.4
level=warn ts=2025-06-03T10:00:00.002Z caller=config.go:88 msg="LOKI_CACHE_DIR is not set, using default"
level=error ts=2025-06-03T10:00:00.120Z caller=log.go:230 msg="error running loki" err="mkdir /var/loki/index: permission denied"
"""

COBRA_UNKNOWN_FLAG = """\
Error: unknown flag: --metrics-port
Usage:
  api-server [flags]

Flags:
  -h, --help                  help for api-server
      --metrics-addr string   address for metrics (default ":9090")
"""

GO_FLAG_UNDEFINED = """\
flag provided but not defined: -metrics-addr
Usage of /router:
  -metrics-listen string
    \tmetrics listen address (default ":9090")
  -v\tverbose
"""

KLOG_FATAL = """\
I0603 10:00:00.000000       1 main.go:40] Starting controller v0.14.2
W0603 10:00:00.000100       1 client_config.go:618] Neither --kubeconfig nor --master was specified.
F0603 10:00:00.000300       1 main.go:52] failed to load kubeconfig: stat /etc/kubernetes/kubeconfig: no such file or directory
"""

NODE_MISSING_MODULE = """\
node:internal/modules/cjs/loader:1080
  throw err;
  ^

Error: Cannot find module 'express'
Require stack:
- /app/server.js
    at Module._resolveFilename (node:internal/modules/cjs/loader:1077:15)
    at Module._load (node:internal/modules/cjs/loader:922:27)
    at Module.require (node:internal/modules/cjs/loader:1143:19)
    at require (node:internal/modules/cjs/helpers:110:18)
    at Object.<anonymous> (/app/server.js:1:17)
    at node:internal/main/run_main_module:23:47 {
  code: 'MODULE_NOT_FOUND',
  requireStack: [ '/app/server.js' ]
}

Node.js v18.19.0
"""

NODE_MISSING_ENTRY = """\
node:internal/modules/cjs/loader:1147
  throw err;
  ^

Error: Cannot find module '/app/dist/main.js'
    at Module._resolveFilename (node:internal/modules/cjs/loader:1144:15)
    at Module._load (node:internal/modules/cjs/loader:985:27)
    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:135:12)
    at node:internal/main/run_main_module:28:49 {
  code: 'MODULE_NOT_FOUND',
  requireStack: []
}

Node.js v20.11.0
"""

NODE_UNHANDLED_REJECTION = """\
> checkout@2.4.0 start
> node dist/index.js

{"level":30,"time":1717408800000,"pid":18,"hostname":"checkout-5f7","msg":"connecting to cache"}
node:internal/process/promises:289
            triggerUncaughtException(err, true /* fromPromise */);
            ^

[UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "Error: connect ECONNREFUSED 10.96.44.12:6379".] {
  code: 'ERR_UNHANDLED_REJECTION'
}

Node.js v18.19.1
"""

NODE_TYPEERROR_QUOTING_ENV = """\
/app/src/config.js:7
const port = parseInt(process.env.PORT.trim(), 10);
                                       ^

TypeError: Cannot read properties of undefined (reading 'trim')
    at Object.<anonymous> (/app/src/config.js:7:40)
    at Module._compile (node:internal/modules/cjs/loader:1256:14)
    at Module.load (node:internal/modules/cjs/loader:1119:32)
    at node:internal/main/run_main_module:23:47

Node.js v18.17.1
"""

NODE_EADDRINUSE = """\
node:events:497
      throw er; // Unhandled 'error' event
      ^

Error: listen EADDRINUSE: address already in use :::3000
    at Server.setupListenHandle [as _listen2] (node:net:1872:16)
    at listenInCluster (node:net:1920:12)
    at Server.listen (node:net:2008:7)
    at Object.<anonymous> (/app/index.js:42:8)
Emitted 'error' event on Server instance at:
    at emitErrorNT (node:net:1899:8)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21) {
  code: 'EADDRINUSE',
  errno: -98,
  syscall: 'listen',
  address: '::',
  port: 3000
}

Node.js v20.11.0
"""

PINO_FATAL = """\
{"level":30,"time":1717408800000,"pid":1,"hostname":"web-7d9","msg":"server starting"}
{"level":40,"time":1717408800001,"pid":1,"hostname":"web-7d9","msg":"STRIPE_WEBHOOK_URL is not set, webhooks disabled"}
{"level":60,"time":1717408800002,"pid":1,"hostname":"web-7d9","msg":"cannot start: missing env var STRIPE_SECRET"}
"""

NODE_ENOTFOUND = """\
Error: getaddrinfo ENOTFOUND mongo-0.mongo
    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26) {
  errno: -3008,
  code: 'ENOTFOUND',
  syscall: 'getaddrinfo',
  hostname: 'mongo-0.mongo'
}

Node.js v18.19.0
"""

RUST_PANIC_ENV = """\
2025-06-03T10:00:00.000000Z  INFO ledger: starting ledger v0.9.2
thread 'main' panicked at src/main.rs:21:10:
DATABASE_URL must be set: NotPresent
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
"""

RUST_PANIC_OLD_FORMAT = """\
thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: Os { code: 2, kind: NotFound, message: "No such file or directory" }', src/config.rs:14:50
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
"""

RUST_ANYHOW = """\
2025-06-03T10:00:00.123456Z  INFO indexer: binding listener
Error: failed to bind 0.0.0.0:9000

Caused by:
    Address already in use (os error 98)
"""

SHELL_EXEC_NOT_FOUND = """\
Running database migrations...
Migrations complete.
/docker-entrypoint.sh: line 17: exec: gunicorn: not found
"""

SHELL_EXEC_NO_SUCH_FILE = "exec /app/server: no such file or directory\n"

SHELL_PERMISSION = "/bin/sh: 1: /app/start.sh: Permission denied\n"

SHELL_PARAMETER = """\
+ echo 'starting sync'
starting sync
/entrypoint.sh: line 4: API_TOKEN: parameter not set
"""

SHARED_LIBRARY = "/app/bin/server: error while loading shared libraries: libssl.so.1.1: cannot open shared object file: No such file or directory\n"

NGINX_UPSTREAM = """\
/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration
/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh
10-listen-on-ipv6-by-default.sh: info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)
/docker-entrypoint.sh: Configuration complete; ready for start up
2025/06/03 10:00:00 [emerg] 1#1: host not found in upstream "orders-api:8080" in /etc/nginx/conf.d/default.conf:14
nginx: [emerg] host not found in upstream "orders-api:8080" in /etc/nginx/conf.d/default.conf:14
"""

NGINX_BIND = """\
2025/06/03 10:00:00 [emerg] 1#1: bind() to 0.0.0.0:80 failed (13: Permission denied)
nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)
"""

NGINX_DIRECTIVE = """\
/docker-entrypoint.sh: Configuration complete; ready for start up
2025/06/03 10:00:00 [emerg] 1#1: unknown directive "proxy_pas" in /etc/nginx/conf.d/default.conf:9
nginx: [emerg] unknown directive "proxy_pas" in /etc/nginx/conf.d/default.conf:9
"""

JSON_ERROR_AFTER_NOISY_INFO = """\
{"level":"info","msg":"tracing disabled (SENTRY_DSN not set)"}
{"level":"warn","msg":"LOG_FORMAT is not set, using json"}
{"level":"error","msg":"migration failed","error":"pq: relation \\"orders\\" does not exist"}
"""

GCP_SEVERITY = """\
{"severity":"INFO","message":"loading credentials"}
{"severity":"CRITICAL","message":"Failed to load credentials from /var/secrets/google/key.json: [Errno 2] No such file or directory: '/var/secrets/google/key.json'"}
"""

PYTHON_CRITICAL_AMQP = """\
2025-06-03 10:00:00,001 INFO [worker] connecting to broker
2025-06-03 10:00:01,002 CRITICAL [worker] cannot reach broker amqp://rabbitmq:5672: [Errno 111] Connection refused
"""

BARE_SYSTEM_EXIT = """\
2025-06-03 10:00:00 INFO starting summarizer
missing required environment variable: OPENAI_API_KEY
"""

GO_LOG_FATAL_UNLEVELED = """\
2025/06/03 10:00:00 starting metrics exporter
2025/06/03 10:00:00 listen tcp 0.0.0.0:9090: bind: address already in use
"""

RUBY_KEY_ERROR = """\
/app/config/boot.rb:7:in `fetch': key not found: "SESSION_SECRET" (KeyError)
\tfrom /app/config/boot.rb:7:in `<top (required)>'
\tfrom /app/config.ru:2:in `require_relative'
"""

BITNAMI_MKDIR = """\
redis 08:11:02.31 INFO  ==> ** Starting Redis setup **
mkdir: cannot create directory '/bitnami/redis/data/appendonlydir': Permission denied
redis 08:11:02.33 ERROR ==> Unable to create the data directory /bitnami/redis/data
"""

ENTRYPOINT_CHOWN_THEN_FATAL = """\
chown: changing ownership of '/data': Operation not permitted
{"level":"info","ts":"2025-06-03T10:00:00.001Z","msg":"starting ingester"}
{"level":"info","ts":"2025-06-03T10:00:00.002Z","msg":"replaying WAL","segments":12}
{"level":"fatal","ts":"2025-06-03T10:00:03.500Z","caller":"ingester/wal.go:210","msg":"WAL replay failed","error":"segment 000011: unexpected checksum"}
"""

JVM_METASPACE = """\
Picked up JAVA_TOOL_OPTIONS: -XX:MaxMetaspaceSize=128m -XX:+ExitOnOutOfMemoryError
2025-09-17T01:41:11.000Z  INFO 1 --- [           main] c.a.claims.ClaimsApplication             : Starting ClaimsApplication v9.1.0 using Java 17.0.15 with PID 1
2025-09-17T01:41:17.000Z  WARN 1 --- [           main] o.s.b.a.o.j.JpaBaseConfiguration$JpaWebConfiguration : spring.jpa.open-in-view is enabled by default.
Terminating due to java.lang.OutOfMemoryError: Metaspace
"""

NGINX_CERT = """\
/docker-entrypoint.sh: Configuration complete; ready for start up
2025/09/13 15:56:50 [warn] 1#1: the "listen ... http2" directive is deprecated, use the "http2" directive instead in /etc/nginx/conf.d/default.conf:3
2025/09/13 15:56:50 [emerg] 1#1: cannot load certificate "/etc/nginx/tls/tls.crt": BIO_new_file() failed (SSL: error:80000002:system library::No such file or directory:calling fopen(/etc/nginx/tls/tls.crt, r) error:10000080:BIO routines::no such file)
nginx: [emerg] cannot load certificate "/etc/nginx/tls/tls.crt": BIO_new_file() failed (SSL: error:80000002:system library::No such file or directory:calling fopen(/etc/nginx/tls/tls.crt, r) error:10000080:BIO routines::no such file)
"""

NGINX_MKDIR = """\
2025/10/20 13:42:19 [warn] 1#1: the "user" directive makes sense only if the master process runs with super-user privileges, ignored in /etc/nginx/nginx.conf:2
nginx: [warn] the "user" directive makes sense only if the master process runs with super-user privileges, ignored in /etc/nginx/nginx.conf:2
2025/10/20 13:42:19 [emerg] 1#1: mkdir() "/var/cache/nginx/client_temp" failed (13: Permission denied)
nginx: [emerg] mkdir() "/var/cache/nginx/client_temp" failed (13: Permission denied)"""

SERVICE_LINK_PORT = """\
2025-10-03 01:18:23,000 INFO [cms.boot] loading settings from environment
Traceback (most recent call last):
  File "/app/cms/wsgi.py", line 4, in <module>
    from cms.cache import settings
  File "/app/cms/cache/settings.py", line 9, in <module>
    REDIS_PORT = int(os.environ["REDIS_PORT"])
                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
ValueError: invalid literal for int() with base 10: 'tcp://172.20.163.220:6379'
"""

PINO_UPSTREAM_FIELD = """\
{"level":30,"time":1761033947000,"pid":1,"hostname":"checkout-bff-txkfpn7g8m-pmsg2","msg":"checkout-bff listening","port":3000}
{"level":50,"time":1761293117000,"pid":1,"hostname":"checkout-bff-txkfpn7g8m-pmsg2","msg":"upstream request failed","upstream":"price-engine","err":{"type":"TimeoutError","message":"The operation was aborted due to timeout"},"ms":5000}
{"level":40,"time":1761293123000,"pid":1,"hostname":"checkout-bff-txkfpn7g8m-pmsg2","msg":"readiness degraded: price-engine unavailable"}
"""

LOGFMT_ADDR_FIELD = """\
level=info ts=2025-06-03T10:00:00Z msg="starting cart service"
level=error ts=2025-06-03T10:00:05Z msg="cannot connect to cache" addr=cache-redis:6379 err="connection refused"
"""

STRUCTLOG_EXCEPTION_FIELD = (
    '{"level":"info","event":"booting","timestamp":"2025-06-03T10:00:00Z"}\n'
    '{"level":"critical","event":"startup failed","timestamp":"2025-06-03T10:00:01Z","exception":"Traceback (most '
    'recent call last):\\n  File \\"/app/main.py\\", line 3, in <module>\\n    key = os.environ[\\"API_KEY\\"]\\n'
    '  File \\"<frozen os>\\", line 679, in __getitem__\\nKeyError: \'API_KEY\'"}\n'
)
