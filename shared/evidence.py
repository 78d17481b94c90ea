"""Evidence: the analyzers' view of the cluster, where every read is a recorded tool call."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shared.incident import Incident
from shared.ports import Cluster
from shared.tools.core import CORE_TOOLS
from shared.tools.spec import ToolCall, ToolResult, call_key

RunTool = Callable[[ToolCall], ToolResult]


class RecordedEvidence:
    """Evidence whose reads go through `run_tool` (the executor, with its checkpointed results).

    A failed read reads as absent (None or []), and stays visible in `results` so the diagnosis can
    say what could not be read.
    """

    name = "evidence"

    def __init__(self, incident: Incident, run_tool: RunTool) -> None:
        self.incident = incident
        self._run_tool = run_tool
        self.results: dict[str, ToolResult] = {}

    def about(self, incident: Incident) -> RecordedEvidence:
        """The same reads (shared, recorded once) seen from another incident: a sweep's one workload."""
        other = RecordedEvidence(incident, self._run_tool)
        other.results = self.results
        return other

    def _read(self, tool: str, args: Mapping[str, Any]) -> Any:
        clean = {k: v for k, v in args.items() if v is not None}
        key = call_key(tool, clean)
        result = self.results.get(key)
        if result is None:
            result = self._run_tool(ToolCall(tool=tool, args=clean, call_id=key))
            self.results[key] = result
        return result.data if result.ok else None

    def read(self, tool: str, args: Mapping[str, Any] | None = None) -> Any:
        """Any other tool of the specialist's (metrics, cloud reads): its data, or None when it failed."""
        return self._read(tool, args or {})

    def failed(self, tool: str, args: Mapping[str, Any] | None = None) -> str | None:
        """Why that read failed (after it was made), or None when it succeeded or was never made."""
        result = self.results.get(call_key(tool, {k: v for k, v in (args or {}).items() if v is not None}))
        return result.error if result is not None and not result.ok else None

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        return self._read("get_resource", {"kind": kind, "name": name, "namespace": namespace})

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict[str, Any]]:
        args = {
            "kind": kind,
            "namespace": namespace,
            "label_selector": label_selector,
            "field_selector": field_selector,
        }
        return self._read("list_resources", args) or []

    def logs(
        self,
        namespace: str,
        pod: str,
        container: str,
        *,
        previous: bool = False,
        tail_lines: int | None = None,
        since_seconds: int | None = None,
    ) -> str | None:
        args = {
            "namespace": namespace,
            "pod": pod,
            "container": container,
            "previous": previous,
            "tail_lines": tail_lines,
            "since_seconds": since_seconds,
        }
        return self._read("pod_logs", args)

    def events_for(self, kind: str, name: str, namespace: str | None = None) -> list[dict[str, Any]]:
        return self._read("object_events", {"kind": kind, "name": name, "namespace": namespace}) or []


def run_directly(cluster: Cluster) -> RunTool:
    """A run_tool that calls the core tools on a cluster with no timeout or retry (tests, one-shots)."""
    specs = {spec.name: spec for spec in CORE_TOOLS}

    def run(call: ToolCall) -> ToolResult:
        try:
            data = specs[call.tool].run(cluster, call.args)
        except Exception as exc:  # noqa: BLE001 - a failed read is evidence too
            return ToolResult(call.tool, call.args, ok=False, error=f"{type(exc).__name__}: {exc}")
        return ToolResult(call.tool, call.args, ok=True, data=data)

    return run


def direct_evidence(incident: Incident, cluster: Cluster) -> RecordedEvidence:
    return RecordedEvidence(incident, run_directly(cluster))
