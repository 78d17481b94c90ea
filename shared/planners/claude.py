"""The `claude` planner: one Messages API call per loop step, tools run by the executor, state in the checkpoint.

The session (messages, tool results by tool_use id, token counts) is a JSON-able dict the loop saves
after every step; a resumed step never re-runs a tool whose result is already recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from shared.categories import UNKNOWN
from shared.diagnosis import EvidenceItem, Finding
from shared.incident import Incident
from shared.planners.model_client import ModelClient
from shared.planners.prompts import TROUBLESHOOTER, Brief, opening_message, untrusted
from shared.tools.spec import ToolCall, ToolResult, ToolSpec, to_claude_tool

log = logging.getLogger(__name__)

NUDGE: Final = "Call submit_diagnosis now with the root cause you have established (be brief)."


@dataclass(frozen=True)
class StepOutcome:
    done: bool
    finding: Finding | None = None
    budget_exhausted: bool = False


class ClaudePlanner:
    def __init__(self, *, client: ModelClient, model: str, tools: Sequence[ToolSpec], token_budget: int,
                 max_tokens: int = 2048, brief: Brief = TROUBLESHOOTER) -> None:
        self.name = f"claude:{model}"
        self._brief = brief  # whose prompt, classes and rules: the specialist's (shared/specialists.py)
        self._system = brief.system()
        self._client = client
        self._model = model
        self._token_budget = token_budget
        self._max_tokens = max_tokens
        rendered = [to_claude_tool(t) for t in tools] + [brief.submit_tool()]
        rendered[-1] = {**rendered[-1], "cache_control": {"type": "ephemeral"}}
        self._tools = rendered
        self._tool_names = {t.name for t in tools}

    def step(self, session: dict[str, Any], incident: Incident, findings: Sequence[Finding],
             prior: Sequence[Mapping[str, Any]], run_tool: Callable[[ToolCall], ToolResult],
             render: Callable[[ToolResult], str] | None, *, deadline: float | None = None) -> StepOutcome:
        best = findings[0] if findings else None
        messages = session.setdefault("messages", [])
        tokens = session.setdefault("tokens", {"input": 0, "output": 0, "cache_read": 0, "cache_write": 0})
        results = session.setdefault("tool_results", {})
        if not messages:
            messages.append({"role": "user", "content": opening_message(incident, findings, prior)})
        if _pending_tool_uses(messages):  # a previous invocation died between the model and its tools
            messages.append(self._tool_results(messages[-1], results, run_tool, render))
            return StepOutcome(done=False)
        if tokens["input"] + tokens["output"] >= self._token_budget:
            return StepOutcome(done=True, finding=best, budget_exhausted=True)
        from shared.telemetry import model_call_attributes, span

        with span("gen_ai.chat", **{"gen_ai.request.model": self._model, "gen_ai.system": "anthropic",
                                    "gen_ai.operation.name": "chat"}) as current:
            response = self._client.create(
                deadline=deadline, model=self._model, max_tokens=self._max_tokens, tools=self._tools, messages=messages,
                system=[{"type": "text", "text": self._system, "cache_control": {"type": "ephemeral"}}],
            )
            current.set_attributes(model_call_attributes(self._model, response))
        usage = response.get("usage") or {}
        tokens["input"] += int(usage.get("input_tokens") or 0)
        tokens["output"] += int(usage.get("output_tokens") or 0)
        tokens["cache_read"] += int(usage.get("cache_read_input_tokens") or 0)
        tokens["cache_write"] += int(usage.get("cache_creation_input_tokens") or 0)
        session["calls"] = int(session.get("calls", 0)) + 1
        content = [_clean_block(b) for b in response.get("content") or []]
        stop = response.get("stop_reason")
        if stop == "max_tokens":
            # Cut off mid-answer: a tool_use may be cut off too. Its input is incomplete, so it is not run,
            # and the API refuses a tool_use sent back without its tool_result: keep only the text.
            content = [b for b in content if b.get("type") != "tool_use"] or [{"type": "text", "text": "(cut off)"}]
        messages.append({"role": "assistant", "content": content})
        submitted = next((b for b in content if b.get("type") == "tool_use" and b.get("name") == "submit_diagnosis"),
                         None)
        if submitted is not None:
            return StepOutcome(done=True, finding=_finding(submitted.get("input") or {}, best, self._brief))
        if stop == "tool_use":
            messages.append(self._tool_results(messages[-1], results, run_tool, render))
            return StepOutcome(done=False)
        if stop == "pause_turn":
            return StepOutcome(done=False)  # the API wants the same turn continued
        if stop in ("end_turn", "max_tokens", "stop_sequence") and not session.get("nudged"):
            session["nudged"] = True
            messages.append({"role": "user", "content": NUDGE})
            return StepOutcome(done=False)
        log.info("model stopped without a diagnosis", extra={"stop_reason": stop})
        return StepOutcome(done=True, finding=best)  # refusal, a second end_turn, or an unknown reason

    def _tool_results(self, assistant: Mapping[str, Any], results: dict[str, Any],
                      run_tool: Callable[[ToolCall], ToolResult],
                      render: Callable[[ToolResult], str] | None) -> dict[str, Any]:
        blocks = []
        for block in assistant.get("content") or []:
            if block.get("type") != "tool_use":
                continue
            use_id, name = block["id"], block.get("name", "")
            if use_id not in results:
                args = block.get("input") if isinstance(block.get("input"), dict) else {}
                results[use_id] = run_tool(ToolCall(tool=name, args=args, call_id=use_id)).to_dict()
            result = ToolResult.from_dict(results[use_id])
            text = render(result) if render else str(result.data if result.ok else result.error)
            blocks.append({"type": "tool_result", "tool_use_id": use_id, "content": untrusted(name, text),
                           **({"is_error": True} if not result.ok else {})})
        return {"role": "user", "content": blocks}


def _pending_tool_uses(messages: list[dict[str, Any]]) -> bool:
    last = messages[-1] if messages else {}
    return last.get("role") == "assistant" and any(
        b.get("type") == "tool_use" and b.get("name") != "submit_diagnosis" for b in last.get("content") or [])


def _clean_block(block: Mapping[str, Any]) -> dict[str, Any]:
    """An assistant block as the API accepts it back (no None fields the SDK dumped)."""
    keep = {"text": ("type", "text"), "tool_use": ("type", "id", "name", "input"),
            "thinking": ("type", "thinking", "signature")}.get(block.get("type", ""))
    return {k: block[k] for k in keep if k in block} if keep else dict(block)


def _finding(data: Mapping[str, Any], best: Finding | None, brief: Brief = TROUBLESHOOTER) -> Finding:
    category = str(data.get("category") or UNKNOWN)
    if not brief.accepts(category):  # another specialist's class, or an invented one
        category = UNKNOWN
    try:
        confidence = min(1.0, max(0.0, float(data.get("confidence", 0.5))))
    except (TypeError, ValueError):
        confidence = 0.5
    evidence = tuple(EvidenceItem(str(e.get("source", "model")), str(e.get("excerpt", "")))
                     for e in data.get("evidence") or [] if isinstance(e, Mapping))
    return Finding(
        category=category,
        summary=str(data.get("summary") or (best.summary if best else "")),
        root_cause=str(data.get("root_cause") or (best.root_cause if best else "")),
        evidence=evidence or (best.evidence if best else ()),
        recommendations=tuple(str(r) for r in data.get("recommendations") or ()),
        commands=tuple(str(c) for c in data.get("commands") or ()),
        confidence=confidence,
        analyzer="claude",
        # The model agreeing with the walk's root keeps the path that leads there.
        chain=best.chain if best is not None and best.category == category else (),
    )
