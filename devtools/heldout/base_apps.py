"""The application half of the base cluster: healthy services, old restarts and unrelated warnings."""

# ruff: noqa: E501 -- log lines, image references and messages are verbatim fixture data.

from devtools.heldout import logs as L
from devtools.heldout.cluster import Cluster
from devtools.heldout.shapes import container, env_secret, env_value, http_probe, port, resources, tcp_probe
from devtools.heldout.states import running
from devtools.heldout.store import DAY


def add_storefront(c: Cluster) -> None:
    ns, clock = "storefront", c.clock
    web = c.deployment(
        ns,
        "web",
        [
            container(
                "web",
                c.image("storefront/web:4.12.0"),
                ports=[port(3000)],
                env=[env_value("NODE_ENV", "production")],
                resources=resources("200m", "256Mi", memory_limit="512Mi"),
                readiness=http_probe("/healthz", "http"),
                liveness=http_probe("/healthz", "http", delay=10),
            )
        ],
        replicas=3,
    )
    for pod in web.pods:
        c.log(
            pod,
            "web",
            L.lines(
                L.pino(clock, 3 * DAY, 30, "server listening", port=3000, hostname=pod["metadata"]["name"]),
                L.pino(
                    clock,
                    4,
                    30,
                    "request completed",
                    req={"method": "GET", "url": "/product/sku-88213"},
                    res={"statusCode": 200},
                    responseTime=41,
                    hostname=pod["metadata"]["name"],
                ),
                L.pino(
                    clock,
                    1,
                    40,
                    "upstream slow",
                    upstream="catalog-api",
                    ms=812,
                    hostname=pod["metadata"]["name"],
                ),
            ),
        )
    # Unrelated, long-standing: the node's resolv.conf has too many search domains.
    c.event(
        web.pods[0],
        "DNSConfigForming",
        "Search Line limits were exceeded, some search paths have been omitted, "
        "the applied search line is: storefront.svc.cluster.local svc.cluster.local cluster.local "
        "eu-west-1.compute.internal corp.example.internal ops.example.internal",
        count=412,
        first=6 * DAY,
        last=3,
        host=web.pods[0]["spec"]["nodeName"],
    )
    c.service(ns, "web", {"app.kubernetes.io/name": "web"}, [("http", 80, "http")])
    catalog = c.deployment(
        ns,
        "catalog-api",
        [
            container(
                "catalog-api",
                c.image("storefront/catalog-api:2.31.4"),
                ports=[port(8080), port(8081, "management")],
                env=[
                    env_value("SPRING_PROFILES_ACTIVE", "prod"),
                    env_value("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75"),
                ],
                resources=resources("500m", "1Gi", memory_limit="1536Mi"),
                readiness=http_probe("/actuator/health/readiness", "management", timeout=2, period=5),
                liveness=http_probe("/actuator/health/liveness", "management", delay=60, timeout=2),
            )
        ],
        replicas=2,
    )
    for pod in catalog.pods:
        c.log(
            pod,
            "catalog-api",
            L.lines(
                L.spring(
                    clock,
                    5 * DAY,
                    "INFO",
                    "c.e.catalog.CatalogApplication",
                    "Started CatalogApplication in 21.3 seconds (process running for 22.9)",
                ),
                L.spring(
                    clock,
                    24,
                    "WARN",
                    "o.h.e.j.s.SqlExceptionHelper",
                    "SQL Warning Code: 0, SQLState: 00000",
                    thread="http-nio-8080-exec-4",
                ),
                L.spring(
                    clock,
                    2,
                    "INFO",
                    "c.e.catalog.web.ProductController",
                    "served 1822 requests in the last 60s",
                    thread="scheduling-1",
                ),
            ),
        )
    # A readiness blip 25 minutes ago during a GC pause; the pod has been Ready since.
    c.event(
        catalog.pods[1],
        "Unhealthy",
        f'Readiness probe failed: Get "http://{catalog.pods[1]["status"]["podIP"]}:8081/actuator/health/readiness": '
        "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
        count=3,
        first=27,
        last=25,
        host=catalog.pods[1]["spec"]["nodeName"],
        field_path="spec.containers{catalog-api}",
    )
    c.service(ns, "catalog-api", {"app.kubernetes.io/name": "catalog-api"}, [("http", 80, "http")])
    cart = c.deployment(
        ns,
        "cart",
        [
            container(
                "cart",
                c.image("storefront/cart:1.8.2"),
                ports=[port(8080)],
                resources=resources("100m", "128Mi", memory_limit="256Mi"),
                env=[env_value("REDIS_ADDR", "sessions-redis.identity.svc:6379")],
                readiness=http_probe("/readyz", "http"),
                liveness=http_probe("/livez", "http"),
            )
        ],
        replicas=2,
    )
    for pod in cart.pods:
        c.log(
            pod,
            "cart",
            L.lines(
                L.zap(clock, 4 * DAY, "info", "cart/main.go:58", "listening", addr=":8080"),
                L.zap(
                    clock,
                    3,
                    "info",
                    "http/middleware.go:41",
                    "request",
                    method="POST",
                    path="/items",
                    status=201,
                    ms=7,
                ),
            ),
        )
    c.service(ns, "cart", {"app.kubernetes.io/name": "cart"}, [("http", 80, "http")])
    c.ingress(ns, "storefront", "shop.example.com", "web", 80)
    c.secret(ns, "catalog-db")
    c.configmap(ns, "web-config", {"CATALOG_URL": "http://catalog-api", "CART_URL": "http://cart"})


def add_payments(c: Cluster) -> None:
    ns, clock = "payments", c.clock
    api = c.deployment(
        ns,
        "payments-api",
        [
            container(
                "payments-api",
                c.image("payments/payments-api:3.4.1"),
                ports=[port(8080), port(9090, "metrics")],
                env=[env_value("LOG_FORMAT", "json"), env_secret("DB_PASSWORD", "payments-db", "password")],
                resources=resources("250m", "256Mi", memory_limit="512Mi"),
                readiness=http_probe("/ready", "http"),
                liveness=http_probe("/live", "http", delay=5),
            )
        ],
        replicas=3,
    )
    for pod in api.pods:
        c.log(
            pod,
            "payments-api",
            L.lines(
                L.zap(clock, 2 * DAY, "info", "server/server.go:88", "serving", addr=":8080"),
                L.zap(clock, 9, "warn", "psp/client.go:203", "psp call retried", attempt=2, provider="adyen"),
                L.zap(
                    clock,
                    1,
                    "info",
                    "server/server.go:140",
                    "request",
                    path="/v1/charges",
                    status=201,
                    ms=212,
                ),
            ),
        )
    c.service(ns, "payments-api", {"app.kubernetes.io/name": "payments-api"}, [("http", 80, "http")])
    # Recovered 40 minutes ago after a brief crash loop while the database failed over; an old BackOff remains.
    fraud = c.deployment(
        ns,
        "fraud-scorer",
        [
            container(
                "fraud-scorer",
                c.image("payments/fraud-scorer:0.19.3"),
                ports=[port(8000)],
                command=[
                    "gunicorn",
                    "scorer.app:app",
                    "-k",
                    "uvicorn.workers.UvicornWorker",
                    "-b",
                    "0.0.0.0:8000",
                ],
                resources=resources("500m", "768Mi", memory_limit="1Gi"),
                readiness=http_probe("/health", "http"),
            )
        ],
        replicas=2,
        runs=[
            {"fraud-scorer": running(41, restarts=4, last_exit=1, last_finished=41.2, last_ran_for=0.2)},
            {},
        ],
    )
    c.event(
        fraud.pods[0],
        "BackOff",
        f"Back-off restarting failed container fraud-scorer in pod {fraud.pods[0]['metadata']['name']}"
        f"_payments({fraud.pods[0]['metadata']['uid']})",
        count=6,
        first=52,
        last=42,
        host=fraud.pods[0]["spec"]["nodeName"],
        field_path="spec.containers{fraud-scorer}",
    )
    for i, pod in enumerate(fraud.pods):
        c.log(
            pod,
            "fraud-scorer",
            L.lines(
                f"[{clock.ago(minutes=41 if i == 0 else 6 * DAY).replace('T', ' ').replace('Z', ' +0000')}] [1] [INFO] Starting gunicorn 23.0.0",
                f"[{clock.ago(minutes=41 if i == 0 else 6 * DAY).replace('T', ' ').replace('Z', ' +0000')}] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)",
                L.pylog(clock, 3, "INFO", "scorer.model", "scored batch size=64 p95_ms=18"),
            ),
        )
    c.service(ns, "fraud-scorer", {"app.kubernetes.io/name": "fraud-scorer"}, [("http", 80, "http")])
    c.secret(ns, "payments-db")
    c.secret(ns, "psp-credentials")


def add_identity(c: Cluster) -> None:
    ns, clock = "identity", c.clock
    auth = c.deployment(
        ns,
        "auth",
        [
            container(
                "auth",
                c.image("identity/auth:1.22.0"),
                ports=[port(8443, "https")],
                env=[env_secret("JWT_SIGNING_KEY", "auth-jwt", "signing-key")],
                resources=resources("100m", "64Mi", memory_limit="128Mi"),
                readiness=tcp_probe("https"),
                liveness=tcp_probe("https", delay=10),
            )
        ],
        replicas=2,
        runs=[{"auth": running(3 * DAY, restarts=2, last_exit=101, last_finished=3 * DAY)}, {}],
    )
    for pod in auth.pods:
        c.log(
            pod,
            "auth",
            L.lines(
                L.rust_tracing(clock, 3 * DAY, "INFO", "auth::server", "listening on 0.0.0.0:8443"),
                L.rust_tracing(clock, 2, "INFO", "auth::token", "issued 311 tokens in the last minute"),
            ),
        )
    c.service(ns, "auth", {"app.kubernetes.io/name": "auth"}, [("https", 443, "https")])
    redis = c.statefulset(
        ns,
        "sessions-redis",
        [
            container(
                "redis",
                "docker.io/bitnami/redis:7.4.2-debian-12-r6",
                ports=[port(6379, "redis")],
                resources=resources("100m", "256Mi", memory_limit="512Mi"),
                liveness=tcp_probe("redis", delay=20),
            )
        ],
        replicas=3,
        claim_size="8Gi",
    )
    for pod in redis.pods:
        c.log(
            pod,
            "redis",
            L.lines(
                "1:C 02 Sep 2025 10:01:11.202 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
                "1:M 02 Sep 2025 10:01:11.214 * Ready to accept connections tcp",
            ),
        )
    c.service(ns, "sessions-redis", {"app.kubernetes.io/name": "sessions-redis"}, [("redis", 6379, "redis")])
    c.service(
        ns,
        "sessions-redis-headless",
        {"app.kubernetes.io/name": "sessions-redis"},
        [("redis", 6379, "redis")],
        headless=True,
    )
    c.secret(ns, "auth-jwt")
