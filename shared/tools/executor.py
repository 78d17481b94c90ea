"""The tool executor: timeout, retries on transient failures, every failure returned as data."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Final

from shared.errors import Forbidden, NotFound, TransientError
from shared.ports import Cluster
from shared.redaction import redact, redact_obj
from shared.tools.arguments import check_values
from shared.tools.spec import ToolCall, ToolResult, ToolSpec

log = logging.getLogger(__name__)

MAX_BACKOFF_S: Final = 4.0
_TYPES: Final = {"string": str, "integer": int, "boolean": bool, "number": (int, float), "object": dict,
                 "array": list}


def check_args(spec: ToolSpec, args: Mapping[str, Any]) -> list[str]:
    """What is wrong with the arguments, against the spec's schema (required keys and types)."""
    schema = spec.parameters
    props = schema.get("properties", {})
    problems = [f"missing required argument {name!r}" for name in schema.get("required", []) if name not in args]
    for name, value in args.items():
        if name not in props:
            problems.append(f"unknown argument {name!r} (expected one of {', '.join(sorted(props))})")
            continue
        expected = _TYPES.get(props[name].get("type", ""))
        if expected and (not isinstance(value, expected) or (expected is int and isinstance(value, bool))):
            problems.append(f"argument {name!r} must be {props[name]['type']}, got {type(value).__name__}")
    return problems


class ToolExecutor:
    def __init__(self, cluster: Cluster, tools: Mapping[str, ToolSpec], timeout_s: float = 10.0,
                 max_attempts: int = 3) -> None:
        self._cluster = cluster
        self._tools = tools
        self._timeout_s = timeout_s
        self._max_attempts = max_attempts
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tool")

    def run(self, call: ToolCall, deadline: float | None = None) -> ToolResult:
        """Run one tool; `deadline` (time.monotonic()) bounds each attempt's timeout and the retries."""
        started = time.monotonic()
        spec = self._tools.get(call.tool)
        if spec is None:
            return self._fail(call, f"unknown tool {call.tool!r}; tools: {', '.join(sorted(self._tools))}", started)
        problems = check_args(spec, call.args) or check_values(call.tool, call.args)
        if problems:
            return self._fail(call, "bad arguments: " + "; ".join(problems), started)
        import tenacity

        attempts = 0

        def once() -> object:
            nonlocal attempts
            attempts += 1
            timeout = self._timeout_s if deadline is None else max(0.1, min(self._timeout_s, deadline - time.monotonic()))
            return self._pool.submit(spec.run, self._cluster, call.args).result(timeout=timeout)

        def stop(state: tenacity.RetryCallState) -> bool:
            out_of_time = deadline is not None and time.monotonic() + wait(state) >= deadline
            return state.attempt_number >= self._max_attempts or out_of_time

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            hinted = getattr(exc, "retry_after_s", None)
            return min(MAX_BACKOFF_S, hinted if hinted is not None else 0.2 * 2 ** (state.attempt_number - 1))

        retrying = tenacity.Retrying(retry=tenacity.retry_if_exception_type(TransientError),
                                     stop=stop, wait=wait, reraise=True)
        try:
            data = retrying(once)
        except FutureTimeout:
            return self._fail(call, f"timed out after {self._timeout_s:g}s", started, attempts)
        except TransientError as exc:
            return self._fail(call, f"gave up after {attempts} attempts: {exc}", started, attempts)
        except (Forbidden, NotFound) as exc:
            return self._fail(call, f"{type(exc).__name__}: {exc}", started, attempts)
        except Exception as exc:  # noqa: BLE001 - a tool's failure is a result, never a crash
            return self._fail(call, f"{type(exc).__name__}: {exc}", started, attempts)
        ms = (time.monotonic() - started) * 1000
        log.debug("tool finished", extra={"tool": call.tool, "ms": round(ms, 1)})
        # Redacted here, once, so every reader (analyzers, the model, the checkpoint, spans) sees the same safe data.
        return ToolResult(call.tool, redact_obj(dict(call.args)), ok=True, data=redact_obj(data), ms=ms,
                          attempts=attempts)

    @staticmethod
    def _fail(call: ToolCall, error: str, started: float, attempts: int = 0) -> ToolResult:
        ms = (time.monotonic() - started) * 1000
        return ToolResult(call.tool, redact_obj(dict(call.args)), ok=False, error=redact(error), ms=ms,
                          attempts=attempts)
