"""HTTP replies that follow Knative's delivery contract, and the mapping from our errors."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from shared.errors import (
    ClusterUnavailable,
    DeliveryError,
    InvalidInput,
    LeaseHeld,
    LeaseLost,
    OverAdmissionLimit,
    StoreError,
    Unauthorized,
)
from shared.redaction import redact

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    page: str | None = None  # an HTML page to send instead of the JSON body


def reply_for_error(exc: Exception) -> Reply:
    """400 never retried; 409/429 retried with Retry-After; 5xx for our failures (redelivered)."""
    if isinstance(exc, InvalidInput):
        return Reply(400, {"error": "invalid input", "problems": exc.problems})
    if isinstance(exc, Unauthorized):
        return Reply(401, {"error": str(exc)}, {"WWW-Authenticate": "Bearer"})
    if isinstance(exc, LeaseHeld):
        return Reply(
            409,
            {"error": "investigation in progress elsewhere", "investigation_id": exc.investigation_id},
            {"Retry-After": str(max(1, int(exc.retry_after_s)))},
        )
    if isinstance(exc, OverAdmissionLimit):
        return Reply(429, {"error": "over the admission limit"},
                     {"Retry-After": str(max(1, int(exc.retry_after_s)))})
    if isinstance(exc, LeaseLost):
        return Reply(409, {"error": str(exc)}, {"Retry-After": "1"})
    if isinstance(exc, StoreError):
        log.error("state store failed: %s", exc, extra={"error": redact(str(exc)), "cause": _cause(exc)})
        return Reply(503, {"error": "state store unavailable"}, {"Retry-After": "2"})
    if isinstance(exc, ClusterUnavailable):
        log.error("cluster unavailable: %s", exc)
        return Reply(503, {"error": "cluster unavailable", "detail": str(exc)}, {"Retry-After": "30"})
    if isinstance(exc, DeliveryError):
        log.error("hand-off failed to %s: %s", exc.sink, exc,
                  extra={"sink": exc.sink, "error": redact(str(exc)), "cause": _cause(exc)})
        return Reply(503, {"error": f"could not hand off to {exc.sink}", "detail": str(exc)},
                     {"Retry-After": "2"})
    log.exception("unexpected failure: %s: %s", type(exc).__name__, exc)
    return Reply(500, {"error": "internal error", "type": type(exc).__name__})


def _cause(exc: BaseException) -> str | None:
    """The exception under ours (a redis ConnectionError under a StoreError), as text."""
    under = exc.__cause__ or exc.__context__
    return redact(f"{type(under).__name__}: {under}") if under is not None else None
