"""The Messages API client: the real anthropic SDK, bounded retries, a shared circuit breaker."""

from __future__ import annotations

import logging
import time
from typing import Any, Final, Protocol

from shared import faults
from shared.errors import KubetriageError

log = logging.getLogger(__name__)


class ModelUnavailable(KubetriageError):  # noqa: N818 - reads as a state the loop falls back from
    """The model could not answer (retries spent, breaker open, or a request it refuses)."""


class Breaker(Protocol):
    def allow(self) -> bool: ...

    def record_success(self) -> None: ...

    def record_failure(self) -> None: ...


MIN_ATTEMPT_S: Final = 1.0  # an attempt with less time than this could not get an answer back
_RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504, 529})


class ModelClient:
    def __init__(self, api_key: str, base_url: str | None = None, breaker: Breaker | None = None,
                 timeout_s: float = 60.0, max_attempts: int = 4, budget: Any = None) -> None:
        import anthropic

        self._anthropic = anthropic
        self._client = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout_s)
        self._breaker = breaker
        self._budget = budget  # shared.state.model_budget.ModelBudget: every attempt is a request it counts
        self._max_attempts = max_attempts
        self._timeout_s = timeout_s

    def create(self, deadline: float | None = None, **kwargs: Any) -> dict[str, Any]:
        """One Messages API call as a plain dict; retried on 429/5xx/529/connection errors until the deadline.

        `deadline` (time.monotonic()) bounds everything: each attempt's timeout is what is left of it
        (at most the client's own), and a retry whose wait (Retry-After included) would end past it is
        not made. A 4xx other than 408/409/429 is our request's fault and is not retried; it too raises
        ModelUnavailable, so the investigation finishes with the rules planner either way.
        """
        if self._breaker is not None and not self._breaker.allow():
            raise ModelUnavailable("circuit breaker open: the model API failed repeatedly")
        errors = self._anthropic
        attempt = 0
        while True:
            attempt += 1
            timeout = self._timeout_s if deadline is None else min(self._timeout_s, deadline - time.monotonic())
            if timeout < MIN_ATTEMPT_S:
                raise ModelUnavailable(f"no time left before the invocation's deadline (attempt {attempt})")
            reservation = self._reserve(kwargs)
            try:
                message = self._client.messages.create(**kwargs, timeout=timeout)
            except (errors.APIConnectionError, errors.APITimeoutError) as exc:
                reason, retry_after = f"{type(exc).__name__}", None
            except errors.APIStatusError as exc:
                reason = f"HTTP {exc.status_code}"
                if exc.status_code not in _RETRYABLE_STATUS:
                    raise ModelUnavailable(f"the model API refused the request ({reason})") from None
                retry_after = _retry_after(exc.response.headers.get("retry-after"))
            else:
                faults.hit(faults.INSIDE_MODEL_CALL)
                if self._breaker is not None:
                    self._breaker.record_success()
                answer = message.model_dump()
                if reservation is not None:
                    from shared.state.model_budget import used_tokens

                    self._budget.settle(reservation, used_tokens(answer))
                return answer
            if self._breaker is not None:
                self._breaker.record_failure()
            wait = retry_after if retry_after is not None else min(8.0, 0.5 * 2 ** (attempt - 1))
            out_of_time = deadline is not None and time.monotonic() + wait + MIN_ATTEMPT_S >= deadline
            if attempt >= self._max_attempts or out_of_time:
                raise ModelUnavailable(f"the model API kept failing ({reason}) after {attempt} attempts")
            log.info("model call retry", extra={"attempt": attempt, "reason": reason, "wait_s": wait})
            time.sleep(wait)


    def _reserve(self, request: dict[str, Any]) -> Any:
        """One request of the shared budget, or ModelUnavailable saying the model was skipped for budget."""
        if self._budget is None:
            return None
        from shared.state.model_budget import OverModelBudget, estimate_tokens

        try:
            return self._budget.reserve(estimate_tokens(request))
        except OverModelBudget as exc:
            log.info("model skipped for budget", extra={"limit": exc.limit, "what": exc.what})
            raise ModelUnavailable(str(exc)) from None


def _retry_after(value: str | None) -> float | None:
    try:
        return min(30.0, max(0.0, float(value))) if value else None
    except ValueError:
        return None
