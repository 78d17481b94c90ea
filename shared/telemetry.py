"""OpenTelemetry for kubetriage: spans, GenAI attributes, metrics, trace context through CloudEvents.

Only the light opentelemetry-api is imported on the hot path; the SDK and the OTLP exporters load in
`setup_telemetry`, and only when an endpoint is configured. Telemetry never breaks the work it
observes: every helper swallows its own errors.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)
_configured = False


def setup_telemetry(service_name: str, otlp_endpoint: str | None) -> bool:
    """Install the SDK with OTLP/HTTP export when an endpoint is set; True when it did."""
    global _configured
    if _configured or not otlp_endpoint:
        return False
    try:
        from opentelemetry import metrics, trace
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        base = otlp_endpoint.rstrip("/")
        resource = Resource.create({"service.name": service_name})
        provider = TracerProvider(resource=resource)
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{base}/v1/traces")))
        trace.set_tracer_provider(provider)
        reader = PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=f"{base}/v1/metrics"))
        metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=[reader]))
        _configured = True
        return True
    except Exception:  # noqa: BLE001 - no telemetry is better than no diagnosis
        log.exception("telemetry setup failed")
        return False


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        from shared.redaction import redact

        return redact(value)[:4000]
    return value


class _SafeSpan:
    """A span whose attribute setters cannot raise."""

    def __init__(self, span: Any) -> None:
        self._span = span

    def set_attributes(self, attributes: Mapping[str, Any]) -> None:
        try:
            if self._span is None or not self._span.is_recording():  # no exporter: skip the redaction, on every event
                return
            self._span.set_attributes({k: _redact(v) for k, v in attributes.items() if v is not None})
        except Exception:  # noqa: BLE001
            pass

    def set_attribute(self, key: str, value: Any) -> None:
        self.set_attributes({key: value})


def _tracing_loaded() -> bool:
    """Whether anything could have installed a tracer provider: nobody can without importing the API.

    Until then a span with no incoming context is the API's no-op (an invalid span, nothing to
    propagate), so the router's cold path need not import opentelemetry to get it (about 10 ms).
    """
    return "opentelemetry.trace" in sys.modules


@contextmanager
def span(name: str, context: Any = None, **attributes: Any) -> Iterator[_SafeSpan]:
    """A span around some work; errors of the work propagate, errors of telemetry never do."""
    if context is None and not _tracing_loaded():
        yield _SafeSpan(None)
        return
    try:
        from opentelemetry import trace

        # The SDK would record the exception and its message raw; we record a redacted copy ourselves.
        cm = trace.get_tracer("kubetriage").start_as_current_span(name, context=context, record_exception=False,
                                                                  set_status_on_exception=False)
        current = cm.__enter__()
    except Exception:  # noqa: BLE001
        yield _SafeSpan(None)
        return
    safe = _SafeSpan(current)
    safe.set_attributes(attributes)
    try:
        yield safe
    except BaseException as exc:
        try:
            _record_exception(current, exc)
        finally:
            cm.__exit__(type(exc), exc, exc.__traceback__)
        raise
    else:
        cm.__exit__(None, None, None)


def _record_exception(current: Any, exc: BaseException) -> None:
    try:
        import traceback

        from opentelemetry.trace import Status, StatusCode

        from shared.redaction import redact

        stack = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        current.record_exception(exc, attributes={"exception.message": redact(str(exc)),
                                                  "exception.stacktrace": redact(stack)})
        current.set_status(Status(StatusCode.ERROR, redact(f"{type(exc).__name__}: {exc}")))
    except Exception:  # noqa: BLE001
        pass


def extract_context(traceparent: str | None, tracestate: str | None = None) -> Any:
    """The trace context a CloudEvent's distributed-tracing extension carries (None when absent)."""
    if not traceparent:
        return None
    try:
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        carrier = {"traceparent": traceparent, **({"tracestate": tracestate} if tracestate else {})}
        return TraceContextTextMapPropagator().extract(carrier)
    except Exception:  # noqa: BLE001
        return None


def inject_context() -> dict[str, str]:
    """traceparent/tracestate of the current span, for the next CloudEvent."""
    if not _tracing_loaded():  # no span can be current: nothing to propagate
        return {}
    try:
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        carrier: dict[str, str] = {}
        TraceContextTextMapPropagator().inject(carrier)
        return carrier
    except Exception:  # noqa: BLE001
        return {}


def model_call_attributes(model: str, response: Mapping[str, Any]) -> dict[str, Any]:
    """GenAI semantic-convention attributes of one Messages API call."""
    usage = response.get("usage") or {}
    return {
        "gen_ai.system": "anthropic",
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": model,
        "gen_ai.response.model": response.get("model"),
        "gen_ai.response.id": response.get("id"),
        "gen_ai.response.finish_reasons": [str(response.get("stop_reason"))],
        "gen_ai.usage.input_tokens": usage.get("input_tokens"),
        "gen_ai.usage.output_tokens": usage.get("output_tokens"),
        "gen_ai.usage.cache_read_input_tokens": usage.get("cache_read_input_tokens"),
        "gen_ai.usage.cache_creation_input_tokens": usage.get("cache_creation_input_tokens"),
    }


_instruments: dict[str, Any] = {}


def _instrument(kind: str, name: str, unit: str, description: str) -> Any:
    if name not in _instruments:
        from opentelemetry import metrics

        meter = metrics.get_meter("kubetriage")
        make = {"histogram": meter.create_histogram, "counter": meter.create_counter}[kind]
        _instruments[name] = make(name, unit=unit, description=description)
    return _instruments[name]


def record_tool_call(tool: str, ms: float, ok: bool) -> None:
    try:
        _instrument("histogram", "kubetriage.tool.duration", "ms", "tool call latency").record(ms, {"tool": tool})
        if not ok:
            _instrument("counter", "kubetriage.tool.errors", "1", "failed tool calls").add(1, {"tool": tool})
    except Exception:  # noqa: BLE001
        pass


def record_investigation(outcome: str, steps: int, tokens: int) -> None:
    try:
        _instrument("counter", "kubetriage.investigations", "1", "investigations by outcome").add(
            1, {"outcome": outcome})
        _instrument("histogram", "kubetriage.investigation.steps", "1", "loop iterations per investigation").record(
            steps, {"outcome": outcome})
        _instrument("histogram", "kubetriage.investigation.tokens", "1", "model tokens per investigation").record(
            tokens, {"outcome": outcome})
    except Exception:  # noqa: BLE001
        pass
