"""Each path out goes through redaction: tool results (what analyzers, the model and the checkpoint read),
log records (message, arguments, traceback) and span exceptions."""

import io
import logging

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared.cluster.memory import InMemoryCluster
from shared.redaction import logs as redaction_logs
from shared.tools.catalog import TOOLS
from shared.tools.compaction import render_for_model
from shared.tools.executor import ToolExecutor
from shared.tools.spec import ToolCall

INLINE = "Inl1nePassw0rd-paths"
POD = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "api-0", "namespace": "shop"},
       "spec": {"containers": [{"name": "api", "image": "ghcr.io/acme/api:1.0",
                                "args": ["--db-password", INLINE, "--port", "8080"],
                                "env": [{"name": "DB_PASSWORD", "value": INLINE}, {"name": "PORT", "value": "8080"}]}]},
       "status": {"phase": "Running"}}


def test_a_tool_result_is_redacted_once_for_every_reader_and_keeps_the_names():
    executor = ToolExecutor(InMemoryCluster([POD]), TOOLS)
    result = executor.run(ToolCall("get_resource", {"kind": "pods", "name": "api-0", "namespace": "shop"}))
    container = result.data["spec"]["containers"][0]
    assert container["env"] == [{"name": "DB_PASSWORD", "value": "[REDACTED:password]"},
                                {"name": "PORT", "value": "8080"}]
    assert container["args"] == ["--db-password", "[REDACTED:cli_secret]", "--port", "8080"]
    assert INLINE not in str(result.to_dict()) and INLINE not in render_for_model(result)
    assert POD["spec"]["containers"][0]["env"][0]["value"] == INLINE  # the cluster's own object is not changed


def test_a_failed_tool_call_keeps_no_secret_in_its_error_or_arguments():
    executor = ToolExecutor(InMemoryCluster([POD]), TOOLS)
    result = executor.run(ToolCall("get_resource", {"kind": "pods", "name": f"password={INLINE}"}))
    assert INLINE not in str(result.to_dict())


@pytest.fixture
def captured():
    redaction_logs.install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s %(error)s"))
    logger = logging.getLogger("tests.redaction.paths")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.removeHandler(handler)


def test_a_log_record_loses_the_secret_in_its_message_arguments_and_traceback(captured):
    logger, stream = captured
    try:
        raise RuntimeError(f"connect postgres://app:{INLINE}@db:5432 failed")
    except RuntimeError:
        logger.exception("could not connect with password=%s", INLINE, extra={"error": "n/a"})
    text = stream.getvalue()
    assert INLINE not in text
    assert "could not connect with password=[REDACTED:password]" in text
    assert "RuntimeError: connect postgres://app:[REDACTED:url_password]@db:5432 failed" in text


def test_installing_twice_wraps_the_record_factory_once():
    redaction_logs.install()
    factory = logging.getLogRecordFactory()
    redaction_logs.install()
    assert logging.getLogRecordFactory() is factory


def test_a_span_records_an_exception_without_its_secret():
    from shared.telemetry import span

    exporter = InMemorySpanExporter()
    current = trace.get_tracer_provider()
    if not isinstance(current, TracerProvider):
        current = TracerProvider()
        trace.set_tracer_provider(current)
    current.add_span_processor(SimpleSpanProcessor(exporter))
    with pytest.raises(ValueError), span("kubetriage.test", **{"kubetriage.note": f"token={INLINE}"}):
        raise ValueError(f"bad header Authorization: Bearer {INLINE}")
    (finished,) = [s for s in exporter.get_finished_spans() if s.name == "kubetriage.test"]
    text = f"{dict(finished.attributes)} {finished.status.description} " + " ".join(
        str(dict(e.attributes)) for e in finished.events)
    assert INLINE not in text and "exception" in text and "[REDACTED:" in text


def test_only_the_free_text_fields_of_an_incident_are_redacted_and_a_clean_one_is_the_same_object():
    from shared.incident import Incident
    from shared.redaction import redact_fields

    clean = Incident(fingerprint="f" * 40, source="alertmanager", family="crashloop", reason="KubePodCrashLooping",
                     message="api crash-looping", cluster="c", namespace="shop", object_kind="Pod", object_name="api-0",
                     labels={"alertname": "KubePodCrashLooping"})
    assert redact_fields(clean, ("message", "question", "labels")) is clean
    dirty = Incident(**{**clean.to_dict(), "message": f"last line: password={INLINE}",
                        "question": f"why? token={INLINE}", "labels": {"dsn": f"postgres://u:{INLINE}@db/x"}})
    out = redact_fields(dirty, ("message", "question", "labels"))
    assert INLINE not in str(out.to_dict()) and out.object_name == "api-0"
