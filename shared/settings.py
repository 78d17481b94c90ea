"""Settings read once from the environment, with defaults that work on a laptop."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from shared.errors import Forbidden, InvalidInput

REDIS_URL: Final = "REDIS_URL"
REDIS_PREFIX: Final = "KUBETRIAGE_REDIS_PREFIX"
ANTHROPIC_API_KEY: Final = "ANTHROPIC_API_KEY"
ANTHROPIC_BASE_URL: Final = "ANTHROPIC_BASE_URL"
SNAPSHOT: Final = "KUBETRIAGE_SNAPSHOT"
K_SINK: Final = "K_SINK"
SLACK_WEBHOOK_URL: Final = "SLACK_WEBHOOK_URL"
WEBHOOK_URL: Final = "KUBETRIAGE_WEBHOOK_URL"
WEBHOOK_SECRET: Final = "KUBETRIAGE_WEBHOOK_SECRET"
SLACK_BOT_TOKEN: Final = "SLACK_BOT_TOKEN"
SLACK_CHANNEL: Final = "KUBETRIAGE_SLACK_CHANNEL"
SLACK_API_URL: Final = "KUBETRIAGE_SLACK_API_URL"
OTLP_ENDPOINT: Final = "OTEL_EXPORTER_OTLP_ENDPOINT"
STATE_DIR: Final = "KUBETRIAGE_STATE_DIR"
CLUSTER_NAME: Final = "KUBETRIAGE_CLUSTER"
PLANNER: Final = "KUBETRIAGE_PLANNER"
SPECIALIST_MODEL: Final = "KUBETRIAGE_SPECIALIST_MODEL"
ROUTER_MODEL: Final = "KUBETRIAGE_ROUTER_MODEL"
MAX_STEPS: Final = "KUBETRIAGE_MAX_STEPS"
STEPS_PER_INVOCATION: Final = "KUBETRIAGE_STEPS_PER_INVOCATION"
INVOCATION_BUDGET_S: Final = "KUBETRIAGE_INVOCATION_BUDGET_S"
TOOL_TIMEOUT_S: Final = "KUBETRIAGE_TOOL_TIMEOUT_S"
COALESCE_WINDOW_S: Final = "KUBETRIAGE_COALESCE_WINDOW_S"
MEMORY_TTL_S: Final = "KUBETRIAGE_MEMORY_TTL_S"
TOKEN_BUDGET: Final = "KUBETRIAGE_TOKEN_BUDGET"
LEASE_TTL_S: Final = "KUBETRIAGE_LEASE_TTL_S"
ADMISSION_LIMIT: Final = "KUBETRIAGE_ADMISSION_LIMIT"
SPECIALIST_URLS: Final = "KUBETRIAGE_SPECIALIST_URLS"  # name=url,name=url (local multi-process mode)
BROKER_URL: Final = "KUBETRIAGE_BROKER_URL"
ALERTMANAGER_TOKEN: Final = "KUBETRIAGE_ALERTMANAGER_TOKEN"
CLOUDEVENTS_REQUIRE_TOKEN: Final = "KUBETRIAGE_CLOUDEVENTS_REQUIRE_TOKEN"  # the Broker's events too
KUBECONFIG_CONTEXT: Final = "KUBETRIAGE_KUBE_CONTEXT"
MODEL_SKIP_CONFIDENCE: Final = "KUBETRIAGE_MODEL_SKIP_CONFIDENCE"
MODEL_REQUESTS_PER_MIN: Final = "KUBETRIAGE_MODEL_REQUESTS_PER_MIN"  # shared by every replica (Redis)
MODEL_TOKENS_PER_MIN: Final = "KUBETRIAGE_MODEL_TOKENS_PER_MIN"
SPECIALISTS: Final = "KUBETRIAGE_SPECIALISTS"  # the specialists deployed here (default: every one)
PRICES_FILE: Final = "KUBETRIAGE_PRICES_FILE"  # the cost analyzer's price table, over the bundled one
OPENCOST_URL: Final = "KUBETRIAGE_OPENCOST_URL"  # an OpenCost or Kubecost service: real cost per workload
ALLOWED_REGISTRIES: Final = "KUBETRIAGE_ALLOWED_REGISTRIES"  # the security auditor's image allow-list
DOC_HOSTS: Final = "KUBETRIAGE_DOC_HOSTS"  # hosts (and their subdomains) a diagnosis may link to
DEFAULT_DOC_HOSTS: Final = ("kubernetes.io", "docs.aws.amazon.com", "cloud.google.com", "learn.microsoft.com",
                            "docs.docker.com", "helm.sh")


@dataclass(frozen=True)
class Settings:
    redis_url: str | None = None
    redis_prefix: str = "kubetriage:"  # every key under it: several installations (or test runs) share one Redis
    anthropic_api_key: str | None = None
    anthropic_base_url: str | None = None
    snapshot: str | None = None
    k_sink: str | None = None
    slack_webhook_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None  # HMAC-SHA256 signing key for the webhook sink
    slack_bot_token: str | None = None  # with slack_channel: post with chat.postMessage, update repeats
    slack_channel: str | None = None
    slack_api_url: str = "https://slack.com/api"
    otlp_endpoint: str | None = None
    state_dir: str = ".kubetriage"
    cluster_name: str = "default"
    planner: str = "auto"  # auto: claude with a key, rules without
    specialist_model: str = "claude-sonnet-4-6"
    router_model: str = "claude-haiku-4-5"
    max_steps: int = 24
    steps_per_invocation: int = 12
    invocation_budget_s: float = 240.0
    tool_timeout_s: float = 10.0
    coalesce_window_s: int = 600
    memory_ttl_s: int = 7 * 24 * 3600
    token_budget: int = 60_000
    lease_ttl_s: int = 300
    admission_limit: int = 600  # new investigations per minute per router
    specialist_urls: Mapping[str, str] | None = None
    broker_url: str | None = None
    alertmanager_token: str | None = None  # the router's one bearer token (webhooks, manual asks, reads)
    cloudevents_require_token: bool = False
    kube_context: str | None = None
    model_skip_confidence: float = 0.85
    doc_hosts: tuple[str, ...] = DEFAULT_DOC_HOSTS
    allowed_registries: tuple[str, ...] = ()  # empty: any registry; else images elsewhere are findings
    model_requests_per_min: int = 50
    model_tokens_per_min: int = 400_000
    specialists: tuple[str, ...] | None = None  # None: every registered specialist is deployed
    prices_file: str | None = None
    opencost_url: str | None = None

    @property
    def planner_name(self) -> str:
        if self.planner != "auto":
            return self.planner
        return "claude" if self.anthropic_api_key else "rules"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build Settings from an environment mapping; every bad value is reported at once."""
        problems: list[str] = []

        def text(name: str) -> str | None:
            value = environ.get(name, "").strip()
            return value or None

        def number(name: str, default: float, kind: type = int) -> float:
            raw = text(name)
            if raw is None:
                return default
            try:
                value = kind(raw)
            except ValueError:
                problems.append(f"{name} must be a {kind.__name__}, got {raw!r}")
                return default
            if value <= 0:
                problems.append(f"{name} must be positive, got {raw!r}")
                return default
            return value

        planner = text(PLANNER) or "auto"
        if planner not in ("auto", "rules", "claude"):
            problems.append(f"{PLANNER} must be auto, rules or claude, got {planner!r}")
        lock = (text(CLOUDEVENTS_REQUIRE_TOKEN) or "false").lower()
        if lock not in ("true", "false", "1", "0", "yes", "no"):
            problems.append(f"{CLOUDEVENTS_REQUIRE_TOKEN} must be true or false, got {lock!r}")
        urls = None
        if raw_urls := text(SPECIALIST_URLS):
            urls = {}
            for pair in raw_urls.split(","):
                name, sep, url = pair.partition("=")
                if not sep or not name.strip() or not url.strip():
                    problems.append(f"{SPECIALIST_URLS} entries must be name=url, got {pair!r}")
                    continue
                urls[name.strip()] = url.strip()
        settings = cls(
            redis_url=text(REDIS_URL),
            redis_prefix=text(REDIS_PREFIX) or "kubetriage:",
            anthropic_api_key=text(ANTHROPIC_API_KEY),
            anthropic_base_url=text(ANTHROPIC_BASE_URL),
            snapshot=text(SNAPSHOT),
            k_sink=text(K_SINK),
            slack_webhook_url=text(SLACK_WEBHOOK_URL),
            webhook_url=text(WEBHOOK_URL),
            webhook_secret=text(WEBHOOK_SECRET),
            slack_bot_token=text(SLACK_BOT_TOKEN),
            slack_channel=text(SLACK_CHANNEL),
            slack_api_url=text(SLACK_API_URL) or "https://slack.com/api",
            otlp_endpoint=text(OTLP_ENDPOINT),
            state_dir=text(STATE_DIR) or ".kubetriage",
            cluster_name=text(CLUSTER_NAME) or "default",
            planner=planner,
            specialist_model=text(SPECIALIST_MODEL) or "claude-sonnet-4-6",
            router_model=text(ROUTER_MODEL) or "claude-haiku-4-5",
            max_steps=int(number(MAX_STEPS, 24)),
            steps_per_invocation=int(number(STEPS_PER_INVOCATION, 12)),
            invocation_budget_s=float(number(INVOCATION_BUDGET_S, 240.0, float)),
            tool_timeout_s=float(number(TOOL_TIMEOUT_S, 10.0, float)),
            coalesce_window_s=int(number(COALESCE_WINDOW_S, 600)),
            memory_ttl_s=int(number(MEMORY_TTL_S, 7 * 24 * 3600)),
            token_budget=int(number(TOKEN_BUDGET, 60_000)),
            lease_ttl_s=int(number(LEASE_TTL_S, 300)),
            admission_limit=int(number(ADMISSION_LIMIT, 600)),
            specialist_urls=urls,
            broker_url=text(BROKER_URL),
            alertmanager_token=text(ALERTMANAGER_TOKEN),
            cloudevents_require_token=lock in ("true", "1", "yes"),
            kube_context=text(KUBECONFIG_CONTEXT),
            model_skip_confidence=float(number(MODEL_SKIP_CONFIDENCE, 0.85, float)),
            model_requests_per_min=int(number(MODEL_REQUESTS_PER_MIN, 50)),
            model_tokens_per_min=int(number(MODEL_TOKENS_PER_MIN, 400_000)),
            allowed_registries=tuple(r.strip().lower() for r in (text(ALLOWED_REGISTRIES) or "").split(",") if r.strip()),
            doc_hosts=tuple(h.strip().lower() for h in (text(DOC_HOSTS) or ",".join(DEFAULT_DOC_HOSTS)).split(",")
                            if h.strip()),
            specialists=tuple(n.strip() for n in text(SPECIALISTS).split(",") if n.strip())
            if text(SPECIALISTS) else None,
            prices_file=text(PRICES_FILE),
            opencost_url=text(OPENCOST_URL),
        )
        if settings.opencost_url:
            from shared.cost.allocation import endpoint  # the one place that says what the URL may be

            try:
                endpoint(settings.opencost_url)
            except (InvalidInput, Forbidden) as exc:
                problems.append(f"{OPENCOST_URL}: {exc}")
        if bool(settings.slack_bot_token) != bool(settings.slack_channel):
            problems.append(f"{SLACK_BOT_TOKEN} and {SLACK_CHANNEL} go together: set both or neither")
        if problems:
            raise InvalidInput(problems)
        return settings
