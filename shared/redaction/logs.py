"""Log lines redacted where they are made: the message, its arguments and the traceback of every record.

Installed once per process by the runtime (`install()`), as a LogRecord factory, so every handler and
formatter, ours or a platform's, only ever sees redacted text. Fields passed with `extra=` are set on the
record after the factory runs; call sites redact those themselves (`extra={"error": redact(str(exc))}`).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from shared.redaction.text import redact_text

_installed = False


def install() -> None:
    """Wrap the current LogRecord factory (idempotent)."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            _redact_record(record)
        except Exception:  # noqa: BLE001 - a log line must never break the work it reports
            pass
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def _redact_record(record: logging.LogRecord) -> None:
    message = record.getMessage()
    safe = redact_text(message)
    if safe != message or record.args:
        record.msg, record.args = safe, None
    if record.exc_info and record.exc_info[1] is not None:
        # Formatters print exc_text when it is set; the exception object itself (whose message may hold
        # a secret) is dropped so no handler formats it raw.
        record.exc_text = redact_text("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        record.exc_info = None
    if record.stack_info:
        record.stack_info = redact_text(record.stack_info)
