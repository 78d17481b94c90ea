"""End to end: secrets planted in logs, env, args, ConfigMaps, annotations, a Secret, events and alerts never
reach a model request, a sink payload, a log line, a span or any key or value in the store.

The whole path runs (router, intake, coalescing, hand-off, troubleshooter, tools, analyzers, planner,
sinks) against a rendered snapshot, once with the rules planner and once with a scripted Claude that
reads everything it can through the tools and echoes all of it back in its diagnosis.
"""

from __future__ import annotations

import base64
import json
import logging
import sqlite3
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from devtools.http_capture import CaptureServer
from devtools.messages_api import message, serve_messages_api, tool_use
from devtools.scenarios.base import base_world
from devtools.scenarios.kube import container, crashloop, env, meta
from devtools.scenarios.render import render_world
from devtools.scenarios.triggers import alert, expected, pod_event
from shared.cli import request_for
from shared.cluster.snapshot import load_snapshot
from shared.runtime import build_local
from shared.settings import Settings
from tests.store_fixtures import REDIS_URL, redis_listening, remove_keys

NS, APP = "payments", "api"
# Every value is unique and shaped like the real thing; the names say where each one is planted.
PLANTED: dict[str, str] = {
    "log: postgres URL password": "PgL0gPass-7741e2e",
    "log: stripe key": "sk_live_51e2eLogStripeKey0000aaaa",
    "log: vault token": "hvs.CAESIe2eVaultTokenFromLogs00001",
    "previous log: github token": "ghp_e2ePreviousLogGithubToken000000000001",
    "env: DB_PASSWORD inline": "EnvInl1ne-S3cret-9921",
    "env: token under an innocent name": "sk_live_51e2eEnvUnderInnocentName0000",
    "env: random value under an innocent name": "Qm9vS2V5e2eRand0mValue77ZzXx",
    "args: --db-password": "ArgP4ss-e2e-5531",
    "args: --token=": "ArgT0ken-e2e-8812xyz",
    "configmap: DB_PASSWORD": "CmP4ss-e2e-3310",
    "configmap: embedded properties": "CmEmb3dded-e2e-4410",
    "annotation: secret-named key": "AnnT0ken-e2e-6621",
    "annotation: last-applied env value": "LastAppl1ed-e2e-7732",
    "secret: data (base64)": base64.b64encode(b"SecretData-e2e-1199").decode(),
    "secret: data (decoded)": "SecretData-e2e-1199",
    "event: URL password": "EvtP4ss-e2e-2231",
    "trigger event: redis password": "TrigP4ss-e2e-9901",
    "alert: bearer token in description": "AlertBearer0e2eTokenValue42",
    "alert: password in summary": "AlertSumm4ry-e2e-5511",
}
P = PLANTED

EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="module", autouse=True)
def spans():
    current = trace.get_tracer_provider()
    if not isinstance(current, TracerProvider):
        current = TracerProvider()
        trace.set_tracer_provider(current)
    current.add_span_processor(SimpleSpanProcessor(EXPORTER))
    yield


def _world(trigger: str) -> tuple[Any, tuple[str, Any], str]:
    w = base_world("redaction-e2e")
    log = (f"2024-05-01T10:00:00Z INFO connecting to postgres://api:{P['log: postgres URL password']}@pg.payments:5432/api\n"
           f"2024-05-01T10:00:01Z DEBUG stripe client ready with {P['log: stripe key']}\n"
           f"2024-05-01T10:00:01Z DEBUG vault: X-Vault-Token: {P['log: vault token']}\n"
           "2024-05-01T10:00:02Z ERROR Traceback (most recent call last):\n"
           "  File \"/app/main.py\", line 14, in <module>\n    settings = Settings()\n"
           "KeyError: 'REDIS_HOST'\n")
    previous = log + f"git clone https://{P['previous log: github token']}@github.com/acme/api.git\n"
    c = container(APP, "ghcr.io/acme/api:2.1.0",
                  env=[env("DB_PASSWORD", P["env: DB_PASSWORD inline"]), env("LOG_LEVEL", "info"),
                       env("PAYMENTS_PROVIDER", P["env: token under an innocent name"]),
                       env("UPSTREAM_ID", P["env: random value under an innocent name"]),
                       env("API_KEY", secret=("stripe", "api-key"))],
                  env_from=[{"configMapRef": {"name": "api-config"}}],
                  args=["--db-password", P["args: --db-password"], f"--token={P['args: --token=']}", "--port", "8080"])
    pods = w.deployment(NS, APP, [c], replicas=1, status=lambda i, p: {
        "containers": [crashloop(APP, p, NS)], "logs": {APP: log}, "previous": {APP: previous}})
    pod = pods[0]
    deployment = w.dump[NS]["deployments"][-1]
    applied = json.loads(json.dumps(deployment))
    applied["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = P["annotation: last-applied env value"]
    for obj in (deployment, w.dump[NS]["pods"][-1]):
        obj["metadata"].setdefault("annotations", {}).update({
            "acme.io/api-token": P["annotation: secret-named key"],
            "kubectl.kubernetes.io/last-applied-configuration": json.dumps(applied)})
    w.add_extra({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("ConfigMap", "api-config", NS), "data": {
        "DB_PASSWORD": P["configmap: DB_PASSWORD"], "LOG_FORMAT": "json",
        "application.properties": f"server.port=8080\nspring.datasource.password={P['configmap: embedded properties']}\n"}})
    w.add_extra({"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": meta("Secret", "stripe", NS),
                 "data": {"api-key": P["secret: data (base64)"]}})
    w.event(NS, "Pod", pod, "Failed",
            f"Error: dial tcp: postgres://app:{P['event: URL password']}@db:5432: connect: connection refused")
    if trigger == "event":
        chosen = pod_event(w, NS, w.dump[NS]["pods"][-1], "BackOff",
                           f"Back-off restarting failed container {APP} in pod {pod} (last error: dial "
                           f"redis://:{P['trigger event: redis password']}@redis:6379)", APP, count=12)
    else:
        chosen = alert("KubePodCrashLooping", {"namespace": NS, "pod": pod, "container": APP},
                       f"api crash-looping; password={P['alert: password in summary']}",
                       f"last line: Authorization: Bearer {P['alert: bearer token in description']}")
    return w, chosen, pod


def _script(pod: str):
    """A model that reads everything it can, then submits a diagnosis echoing every byte it was shown."""
    reads = [("get_resource", {"kind": "deployments", "name": APP, "namespace": NS}),
             ("get_resource", {"kind": "pods", "name": pod, "namespace": NS}),
             ("get_resource", {"kind": "configmaps", "name": "api-config", "namespace": NS}),
             ("get_resource", {"kind": "secrets", "name": "stripe", "namespace": NS}),
             ("list_resources", {"kind": "configmaps", "namespace": NS}),
             ("list_resources", {"kind": "replicasets", "namespace": NS}),
             ("pod_logs", {"namespace": NS, "pod": pod, "container": APP}),
             ("pod_logs", {"namespace": NS, "pod": pod, "container": APP, "previous": True}),
             ("describe_pod", {"namespace": NS, "name": pod}),
             ("rollout_history", {"namespace": NS, "name": APP}),
             ("list_events", {"namespace": NS}),
             ("object_events", {"kind": "pods", "name": pod, "namespace": NS})]

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        if len(body["messages"]) == 1:
            return message([tool_use(name, args, f"tu_{i}") for i, (name, args) in enumerate(reads)], "tool_use")
        seen = json.dumps(body["messages"])
        chunks = [seen[i:i + 2000] for i in range(0, len(seen), 2000)]
        return message([tool_use("submit_diagnosis", {
            "category": "crashloop_app_error", "summary": "echo: " + seen[:300], "root_cause": seen[:4000],
            "evidence": [{"source": "echo", "excerpt": c} for c in chunks], "recommendations": chunks[:5],
            "commands": [seen[-500:]], "confidence": 0.5}, "tu_submit")], "tool_use")

    return answer


def _store(kind: str, tmp_path: Path):
    """The store, how to read all of it as text, how to clean up."""
    if kind == "sqlite":
        from shared.stores.sqlite import SqliteStore

        path = tmp_path / "state.sqlite3"
        return SqliteStore(str(path)), lambda: _sqlite_text(path), lambda: None
    if not redis_listening():
        pytest.skip(f"no Redis at {REDIS_URL}")
    from shared.stores.redis import RedisStore

    prefix = f"test:redaction-e2e:{uuid.uuid4().hex}:"
    return RedisStore(REDIS_URL, prefix=prefix), lambda: _redis_text(prefix), lambda: remove_keys(prefix)


def _sqlite_text(path: Path) -> str:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
        rows = [row for t in tables for row in db.execute(f"select * from {t}")]  # noqa: S608 - our own file
    return "\n".join(repr(r) for r in rows) + "\n" + path.read_bytes().decode("latin-1")


def _redis_text(prefix: str) -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    out = []
    for key in client.scan_iter(match=f"{prefix}*", count=500):
        kind = client.type(key).decode()
        read = {"string": client.get, "hash": client.hgetall, "set": client.smembers,
                "list": lambda k: client.lrange(k, 0, -1), "zset": lambda k: client.zrange(k, 0, -1, withscores=True)}
        out.append(f"{key!r} {read.get(kind, lambda k: b'')(key)!r}")
    client.close()
    return "\n".join(out)


def _leaks(where: str, text: str) -> list[str]:
    return [f"{name} in {where}" for name, value in PLANTED.items() if value in text]


def _log_text(records: list[logging.LogRecord]) -> str:
    standard = set(vars(logging.makeLogRecord({})))
    lines = []
    for r in records:
        extras = {k: v for k, v in vars(r).items() if k not in standard}
        lines.append(f"{r.getMessage()} {r.exc_text or ''} {r.stack_info or ''} {extras!r}")
    return "\n".join(lines)


def _span_text() -> str:
    out = []
    for s in EXPORTER.get_finished_spans():
        out.append(f"{s.name} {dict(s.attributes or {})!r} {s.status.description!r}")
        out += [f"{e.name} {dict(e.attributes or {})!r}" for e in s.events]
    return "\n".join(out)


@pytest.mark.parametrize(("planner", "store_kind", "trigger"), [
    ("rules", "sqlite", "event"), ("rules", "redis", "alert"),
    ("claude", "sqlite", "alert"), ("claude", "redis", "event"),
], ids=["rules planner, embedded store, event trigger", "rules planner, Redis, alert trigger",
        "scripted Claude echoing everything, embedded store, alert trigger",
        "scripted Claude echoing everything, Redis, event trigger"])
def test_no_planted_secret_leaves_through_any_path(planner, store_kind, trigger, tmp_path, caplog):
    world, chosen, pod = _world(trigger)
    snapshot = render_world(world, tmp_path / "snapshot", chosen, expected("unknown", [], "planted secrets"))
    store, store_text, cleanup = _store(store_kind, tmp_path)
    EXPORTER.clear()
    caplog.set_level(logging.DEBUG)
    kind = "event" if trigger == "event" else "alert"
    body = (snapshot / f"{kind}.json").read_bytes()
    try:
        with CaptureServer() as sinks, serve_messages_api(_script(pod)) as api:
            settings = replace(Settings(), snapshot=str(snapshot), state_dir=str(tmp_path), k_sink=sinks.url + "ksink",
                               slack_webhook_url=sinks.url + "slack", webhook_url=sinks.url + "hook",
                               anthropic_api_key="test-key" if planner == "claude" else None,
                               anthropic_base_url=api.url, model_skip_confidence=1.01)
            router, emitter = build_local(settings, store, cluster=load_snapshot(snapshot))
            path, headers = request_for(kind, body)
            reply = router.handle(path, headers, body)
            emitter.drain()
        stored = store_text()
    finally:
        cleanup()
    planted_in_input = [n for n, v in PLANTED.items() if v in body.decode() or any(
        v in p.read_text(errors="replace") for p in snapshot.rglob("*.json") if p.is_file())]
    assert reply.status == 202 and len(sinks.requests) == 3  # the path really ran, to every sink
    assert len(planted_in_input) >= 12  # and the secrets really were in what it read
    if planner == "claude":
        assert len(api.requests) == 2 and "tool_result" in json.dumps(api.requests[1])
        seen = json.dumps(api.requests[1])
        # Names stay: the model can still say DB_PASSWORD is set inline in the Deployment.
        assert "DB_PASSWORD" in seen and "[REDACTED:password]" in seen and "--db-password" in seen
    leaks = (_leaks("model requests", json.dumps(api.requests))
             + _leaks("sink payloads", "\n".join(r.body.decode() for r in sinks.requests))
             + _leaks("log records", _log_text(caplog.records))
             + _leaks("log text", caplog.text)
             + _leaks("span attributes and events", _span_text())
             + _leaks("the store", stored))
    assert leaks == []
