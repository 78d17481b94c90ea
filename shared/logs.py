"""Log lines a person can act on: one JSON object per line, every `extra=` field and the cause in it.

`setup_logging()` is called once by each function's edge (functions/*/main.py); the CLI keeps
Python's plain lines. Every text is redacted before it is written (a cause can quote a URL with a
password in it). `log_request` writes the one line per request: path, status, investigation id, ms.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Mapping
from typing import Any, Final

from shared.redaction import redact

# The attributes every LogRecord has: anything else on a record came from `extra=`.
_STANDARD: Final = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

log = logging.getLogger("kubetriage.request")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            line.setdefault("error", redact(f"{type(exc).__name__}: {exc}"))
            line["traceback"] = redact(self.formatException(record.exc_info))
        trace_id = _trace_id()
        if trace_id:
            line["trace_id"] = trace_id
        return json.dumps(line, default=str, ensure_ascii=False)


def _trace_id() -> str | None:
    otel = sys.modules.get("opentelemetry.trace")  # only when telemetry is loaded: no import for logs
    if otel is None:
        return None
    ctx = otel.get_current_span().get_span_context()
    return f"{ctx.trace_id:032x}" if ctx.is_valid else None


def setup_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for the root logger (once; a second call changes nothing)."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)


def log_request(path: str, status: int, body: Mapping[str, Any], started: float) -> None:
    """The one line per request: what came in, what it answered, which investigation(s), how long."""
    ids = [a.get("investigation_id") for a in body.get("accepted") or [] if isinstance(a, Mapping)]
    investigation = body.get("investigation_id") or (ids[0] if len(ids) == 1 else None)
    fields: dict[str, Any] = {"path": path, "status": status, "investigation_id": investigation,
                              "ms": round((time.monotonic() - started) * 1000, 1)}
    if len(ids) > 1:
        fields["investigation_ids"] = ids
    if status >= 400 and body.get("error"):
        fields["error"] = str(body.get("error"))
    log.info("request", extra=fields)
