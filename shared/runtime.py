"""Wiring: the router and specialists built from Settings (the only place adapters are chosen)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, TextIO

from shared.events import HttpEmitter, InProcessEmitter
from shared.ports import EventEmitter, KeyValueStore
from shared.router import Router
from shared.settings import Settings

if TYPE_CHECKING:  # the router's cold start must not load the specialist side (analyzers, tools)
    from shared.specialist import Specialist

log = logging.getLogger(__name__)

K8S_TROUBLESHOOTER = "k8s_troubleshooter"


def open_state(settings: Settings) -> KeyValueStore:
    from shared.stores import open_store

    return open_store(settings)


def build_router(settings: Settings, store: KeyValueStore, emitter: EventEmitter | None = None) -> Router:
    from shared.redaction.logs import install as redact_log_records
    from shared.telemetry import setup_telemetry

    redact_log_records()
    setup_telemetry("kubetriage-router", settings.otlp_endpoint)
    if emitter is None:
        emitter = HttpEmitter(settings.broker_url, settings.specialist_urls, "/kubetriage/router")
    from shared.specialists import deployed

    classify = _fast_model(settings, store) if settings.anthropic_api_key else None
    return Router(settings=settings, store=store, emitter=emitter, classify=classify,
                  deployed=deployed(settings.specialists))


def build_specialist(
    settings: Settings,
    store: KeyValueStore,
    *,
    name: str = K8S_TROUBLESHOOTER,
    emitter: EventEmitter | None = None,
    stream: TextIO | None = None,
    as_json: bool = False,
    cluster: Any = None,
    environ: dict[str, str] | None = None,
) -> Specialist:
    from shared.cluster.factory import open_cluster
    from shared.investigation import Investigator
    from shared.redaction.logs import install as redact_log_records
    from shared.sinks import open_sinks
    from shared.specialist import Specialist
    from shared.specialists import load_parts
    from shared.telemetry import setup_telemetry
    from shared.tools.compaction import render_for_model
    from shared.tools.executor import ToolExecutor

    setup_telemetry(f"kubetriage-{name}", settings.otlp_endpoint)
    redact_log_records()
    parts = load_parts(name, settings, environ)  # this specialist's analyzers and tools, no other's
    cluster = cluster if cluster is not None else open_cluster(settings, environ)
    executor = ToolExecutor(cluster, tools=parts.tools, timeout_s=settings.tool_timeout_s)
    investigator = Investigator(
        settings=settings,
        store=store,
        run_tool=executor.run,
        analyzers=parts.analyzers,
        specialist=name,
        model_planner=_model_planner(settings, store, list(parts.tools.values()), parts.brief),
        render=render_for_model,
        **({"analyze": parts.analyze} if parts.analyze else {}),
    )
    if emitter is None:
        self_url = (settings.specialist_urls or {}).get(name)
        emitter = HttpEmitter(settings.broker_url, {name: self_url} if self_url else None,
                              f"/kubetriage/{name}")
    return Specialist(
        name=name,
        store=store,
        investigator=investigator,
        sinks=open_sinks(settings, stream, as_json=as_json, store=store),
        emitter=emitter,
        memory_ttl_s=settings.memory_ttl_s,
    )


def build_local(
    settings: Settings, store: KeyValueStore, *, stream: TextIO | None = None, as_json: bool = False,
    cluster: Any = None, environ: dict[str, str] | None = None,
) -> tuple[Router, InProcessEmitter]:
    """Router and every deployed specialist in one process, handing events over in-process (laptop, CLI).

    Each specialist is built on its first event, so a run that only needs the troubleshooter never
    loads the others' analyzers and tools.
    """
    from shared.specialists import deployed

    emitter = InProcessEmitter()
    for name in deployed(settings.specialists):
        emitter.handlers[name] = _built_on_first_use(
            lambda name=name: build_specialist(settings, store, name=name, emitter=emitter, stream=stream,
                                               as_json=as_json, cluster=cluster, environ=environ))
    return build_router(settings, store, emitter), emitter


def _built_on_first_use(build: Any) -> Any:
    built: list[Any] = []

    def handle(*args: Any, **kwargs: Any) -> Any:
        if not built:
            built.append(build())
        return built[0].handle(*args, **kwargs)

    return handle


def _model_planner(settings: Settings, store: KeyValueStore, tools: list[Any], brief: Any = None) -> Any:
    """The Claude planner with the specialist's own tools and brief (prompt, classes), when the planner is claude."""
    if settings.planner_name != "claude":
        return None
    from shared.planners.claude import ClaudePlanner
    from shared.planners.model_client import ModelClient
    from shared.planners.prompts import TROUBLESHOOTER
    from shared.state.breaker import Breaker

    client = ModelClient(
        api_key=settings.anthropic_api_key or "",
        base_url=settings.anthropic_base_url,
        breaker=Breaker(store, "anthropic"),
        budget=model_budget(settings, store),
    )
    return ClaudePlanner(client=client, model=settings.specialist_model, tools=tools,
                         token_budget=settings.token_budget, brief=brief or TROUBLESHOOTER)


# The router answers within seconds (Alertmanager and the Broker wait on it): its one model question
# gets this much, and a model that does not answer in time leaves the choice to the rules.
ROUTER_MODEL_BUDGET_S = 8.0


def model_budget(settings: Settings, store: KeyValueStore) -> Any:
    """The one budget of model requests and tokens per minute every replica and function shares."""
    from shared.state.model_budget import ModelBudget

    return ModelBudget(store, settings.model_requests_per_min, settings.model_tokens_per_min)


def _fast_model(settings: Settings, store: KeyValueStore) -> Any:
    """The router's classifier: one client (and one breaker) for every question, built at first use."""
    import threading
    import time

    lock = threading.Lock()
    client: list[Any] = []

    def classify(question: str) -> str | None:
        from shared.planners.model_client import ModelClient
        from shared.planners.router_model import classify_request
        from shared.routing import SPECIALISTS
        from shared.state.breaker import Breaker

        deadline = time.monotonic() + ROUTER_MODEL_BUDGET_S
        with lock:
            if not client:
                client.append(ModelClient(api_key=settings.anthropic_api_key or "",
                                          base_url=settings.anthropic_base_url,
                                          breaker=Breaker(store, "anthropic-router"),
                                          timeout_s=ROUTER_MODEL_BUDGET_S, max_attempts=2,
                                          budget=model_budget(settings, store)))
        return classify_request(client[0], settings.router_model, question, SPECIALISTS, deadline=deadline)

    return classify
