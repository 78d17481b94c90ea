"""ToolSpec, ToolCall and ToolResult: a tool declared once for Claude and for the rules planner."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.ports import Cluster


@dataclass(frozen=True)
class ToolSpec:
    """A read-only tool: its name, description, JSON schema and how it runs.

    `run(cluster, args)` returns JSON-able data: API-shaped objects (trimmed of noise such as
    managedFields) or log text. The executor compacts and redacts what a model reads.
    """

    name: str
    description: str
    parameters: Mapping[str, Any]
    run: Callable[[Cluster, Mapping[str, Any]], Any]


def to_claude_tool(spec: ToolSpec) -> dict[str, Any]:
    """Render a ToolSpec in the Messages API's tool format."""
    return {"name": spec.name, "description": spec.description, "input_schema": dict(spec.parameters)}


@dataclass(frozen=True)
class ToolCall:
    tool: str
    args: Mapping[str, Any] = field(default_factory=dict)
    call_id: str = ""  # the model's tool_use id, or a digest of tool+args for the rules planner

    @property
    def key(self) -> str:
        """Stable identity of what the call asks, whoever asked it."""
        return call_key(self.tool, self.args)


def call_key(tool: str, args: Mapping[str, Any]) -> str:
    canonical = json.dumps({"tool": tool, "args": args}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class ToolResult:
    """What a tool call gave back. Failures are data (`ok` False, `error` says why), never raised."""

    tool: str
    args: Mapping[str, Any]
    ok: bool
    data: Any = None
    error: str | None = None
    ms: float = 0.0
    attempts: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "args": dict(self.args),
            "ok": self.ok,
            "data": self.data,
            "error": self.error,
            "ms": round(self.ms, 2),
            "attempts": self.attempts,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ToolResult:
        return cls(
            tool=data["tool"],
            args=dict(data.get("args") or {}),
            ok=bool(data["ok"]),
            data=data.get("data"),
            error=data.get("error"),
            ms=float(data.get("ms", 0.0)),
            attempts=int(data.get("attempts", 1)),
        )
