"""Telemetry: one trace per incident from intake to sink, GenAI attributes, OTLP export on loopback."""

import json
import subprocess
import sys
from dataclasses import replace

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from devtools.http_capture import CaptureServer
from devtools.scenarios import render_suite
from shared.cli import request_for
from shared.cluster.snapshot import load_snapshot
from shared.runtime import build_local
from shared.settings import Settings
from shared.stores.sqlite import SqliteStore

EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="module", autouse=True)
def provider():
    current = trace.get_tracer_provider()
    if not isinstance(current, TracerProvider):
        current = TracerProvider()
        trace.set_tracer_provider(current)
    current.add_span_processor(SimpleSpanProcessor(EXPORTER))
    yield


def test_one_incident_is_one_trace_from_intake_through_tools_to_the_sink(tmp_path):
    (snapshot,) = render_suite(tmp_path / "s", ["oom-killed-jvm-heap"])
    EXPORTER.clear()
    with CaptureServer() as sink:
        settings = replace(Settings(), snapshot=str(snapshot), k_sink=sink.url, state_dir=str(tmp_path))
        router, emitter = build_local(settings, SqliteStore(str(tmp_path / "s.db")), cluster=load_snapshot(snapshot))
        body = (snapshot / "event.json").read_bytes()
        path, headers = request_for("event", body)
        parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        router.handle(path, {**headers, "ce-traceparent": parent}, body)
        emitter.drain()
    spans = EXPORTER.get_finished_spans()
    names = {s.name for s in spans}
    assert {"kubetriage.intake", "kubetriage.route", "kubetriage.investigation", "kubetriage.tool"} <= names
    assert {format(s.context.trace_id, "032x") for s in spans} == {"4bf92f3577b34da6a3ce929d0e0e4736"}
    tools = [s for s in spans if s.name == "kubetriage.tool"]
    assert all(s.attributes["kubetriage.tool"] for s in tools)
    (posted,) = sink.requests
    assert posted.headers["ce-traceparent"].split("-")[1] == "4bf92f3577b34da6a3ce929d0e0e4736"


def test_model_calls_carry_gen_ai_attributes(tmp_path):
    from devtools.messages_api import message, serve_messages_api, tool_use
    from shared.incident import Incident
    from shared.planners.claude import ClaudePlanner
    from shared.planners.model_client import ModelClient

    submit = {"category": "unknown", "summary": "s", "root_cause": "r", "confidence": 0.3}
    EXPORTER.clear()
    with serve_messages_api([message([tool_use("submit_diagnosis", submit, "t")], "tool_use",
                                     input_tokens=321, output_tokens=45)]) as api:
        planner = ClaudePlanner(client=ModelClient("k", api.url), model="claude-sonnet-4-6", tools=[],
                                token_budget=10_000)
        incident = Incident("fp", "manual", "generic", "ManualRequest", "m", "c", "ns", "Namespace", "ns")
        planner.step({}, incident, [], [], lambda c: None, None)
    (model_span,) = [s for s in EXPORTER.get_finished_spans() if s.name == "gen_ai.chat"]
    attrs = model_span.attributes
    assert attrs["gen_ai.request.model"] == "claude-sonnet-4-6" and attrs["gen_ai.system"] == "anthropic"
    assert attrs["gen_ai.usage.input_tokens"] == 321 and attrs["gen_ai.usage.output_tokens"] == 45
    assert tuple(attrs["gen_ai.response.finish_reasons"]) == ("tool_use",)


def test_spans_are_exported_over_otlp_when_an_endpoint_is_set():
    code = (
        "import sys\nfrom shared.telemetry import setup_telemetry, span\n"
        "assert setup_telemetry('kubetriage-test', sys.argv[1])\n"
        "with span('kubetriage.intake', **{'http.route': '/'}):\n    pass\n"
        "from opentelemetry import trace\ntrace.get_tracer_provider().force_flush()\n"
    )
    with CaptureServer() as collector:
        out = subprocess.run([sys.executable, "-c", code, collector.url], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
    assert any(r.path == "/v1/traces" for r in collector.requests)


def test_importing_the_router_path_loads_no_telemetry_sdk():
    code = ("import sys, shared.router, shared.telemetry\n"
            "print(json.dumps([m for m in sys.modules if m.startswith('opentelemetry.sdk')]))")
    out = subprocess.run([sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_tool_and_investigation_metrics_are_recorded(tmp_path):
    from opentelemetry import metrics
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader

    import shared.telemetry as telemetry

    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    telemetry._instruments.clear()
    original = metrics.get_meter
    metrics.get_meter = lambda name, *a, **k: provider.get_meter(name)  # the global provider may be set once only
    try:
        telemetry.record_tool_call("pod_logs", 12.5, ok=False)
        telemetry.record_investigation("completed", steps=7, tokens=1500)
    finally:
        metrics.get_meter = original
        telemetry._instruments.clear()
    names = {m.name: m for rm in reader.get_metrics_data().resource_metrics for sm in rm.scope_metrics
             for m in sm.metrics}
    assert {"kubetriage.tool.duration", "kubetriage.tool.errors", "kubetriage.investigations",
            "kubetriage.investigation.steps", "kubetriage.investigation.tokens"} <= set(names)
    point = names["kubetriage.tool.duration"].data.data_points[0]
    assert point.attributes["tool"] == "pod_logs" and point.sum == 12.5


ROUTER_EVENT = (
    "import json, sys, tempfile\n"
    "from shared.router import Router\nfrom shared.settings import Settings\n"
    "from shared.stores.sqlite import SqliteStore\nfrom tests.intake.test_intake_fuzz import EVENT, _body, _ce\n"
    "from tests.recording import RecordingEmitter\n"
    "router = Router(settings=Settings(), store=SqliteStore(tempfile.mkdtemp() + '/s.db'),\n"
    "                emitter=RecordingEmitter(), background_drain=False)\n"
    "extra = {'ce-traceparent': sys.argv[1]} if len(sys.argv) > 1 else {}\n"
    "reply = router.handle('/', _ce('dev.knative.apiserver.resource.add', **extra), _body(EVENT))\n"
    "(_, _, extensions), = router.emitter.events\n"
    "print(json.dumps({'status': reply.status, 'traceparent': extensions.get('traceparent'),\n"
    "                  'otel': 'opentelemetry.trace' in sys.modules}))\n"
)


def test_an_event_without_trace_context_costs_the_router_no_opentelemetry_import():
    out = subprocess.run([sys.executable, "-c", ROUTER_EVENT], capture_output=True, text=True, check=True)
    answer = json.loads(out.stdout.splitlines()[-1])
    assert answer["status"] == 202 and not answer["otel"] and not answer["traceparent"]


def test_an_event_with_trace_context_is_handed_off_in_the_same_trace():
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    out = subprocess.run([sys.executable, "-c", ROUTER_EVENT, parent], capture_output=True, text=True, check=True)
    answer = json.loads(out.stdout.splitlines()[-1])
    assert answer["status"] == 202 and answer["otel"]
    assert answer["traceparent"].split("-")[1] == "0af7651916cd43dd8448eb211c80319c"
