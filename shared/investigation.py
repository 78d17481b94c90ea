"""The specialist's bounded investigation loop: analyzers first, then (optionally) the model.

Every tool call and every model step is checkpointed under the investigation's lease, so an
invocation that runs out of budget (or dies) leaves a state the next invocation resumes from
without running a finished tool again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from shared import faults
from shared.analyzers.base import Analyzer, StopReading
from shared.analyzers.strength import is_conclusive
from shared.diagnosis import Diagnosis, Finding, Tokens
from shared.errors import InvalidInput, LeaseLost, StoreError
from shared.evidence import RecordedEvidence
from shared.incident import Incident
from shared.output_policy import screen_checkpoint, screen_incident
from shared.ports import KeyValueStore
from shared.redaction import redact, redact_obj
from shared.settings import Settings
from shared.state import checkpoints, coalescing, leases, memory
from shared.tools.spec import ToolCall, ToolResult

log = logging.getLogger(__name__)

CHECKPOINT_TTL_S: Final = 7 * 24 * 3600
DELIVERY_RESERVE_S: Final = 30.0  # of the invocation's budget, kept for posting the diagnosis
BUDGET_EXHAUSTED: Final = "the investigation's step budget is exhausted; no more reads"


def _troubleshooters(analyzers: Mapping[str, Analyzer], evidence: Any) -> list[Finding]:
    from shared.planners.rules import analyze

    return analyze(analyzers, evidence)


@dataclass(frozen=True)
class Outcome:
    """What one invocation achieved: a diagnosis, or progress to continue from."""

    finished: bool
    diagnosis: Diagnosis | None = None
    steps: int = 0


@dataclass
class Investigator:
    """Runs investigations for one specialist against one cluster and store."""

    settings: Settings
    store: KeyValueStore
    run_tool: Callable[[ToolCall], ToolResult]  # the executor: never raises
    analyzers: Mapping[str, Analyzer]
    specialist: str = "k8s_troubleshooter"
    model_planner: Any = None  # shared.planners.claude.ClaudePlanner when the planner is claude
    render: Callable[[ToolResult], str] | None = None
    # The rules planner's entry point (each specialist brings its own; shared/specialists.py). The default,
    # the troubleshooter's, is imported when first used: the other specialists never load it.
    analyze: Callable[..., list[Finding]] = _troubleshooters
    clock: Callable[[], float] = time.monotonic

    def advance(self, investigation_id: str, incident: Incident | None = None, *,
                deliver: Callable[[Diagnosis, leases.Lease, float], None] | None = None) -> Outcome:
        """Take a lease for this invocation, advance the investigation within its budgets, save.

        `deliver` runs once the diagnosis is saved, while the lease is still held (so no other
        invocation can post it at the same time), with the lease and this invocation's deadline.
        Raises LeaseHeld when another invocation holds the lease (the edge answers 409), and lets
        every store or lease failure through (the edge answers 5xx/409; the redelivery resumes).
        """
        deadline = self.clock() + self.settings.invocation_budget_s
        # A holder per invocation, never per process: two requests on two threads are two holders.
        lease = leases.acquire(self.store, investigation_id, leases.new_holder(), self.settings.lease_ttl_s)
        try:
            cp = checkpoints.load(self.store, investigation_id)
            if cp is None:
                cp = self._new_checkpoint(investigation_id, incident)
            run = _Run(self, cp, lease, deadline)
            if cp.get("diagnosis") is None:
                diagnosis = run.investigate()
                if diagnosis is None:
                    run.save()
                    return Outcome(finished=False, steps=run.steps_now)
                cp["diagnosis"] = redact_obj(diagnosis.to_dict())  # the store, memory and sinks read this copy
                # Finished: replay is over, so the raw reads and the transcript are dropped; what stays
                # is the diagnosis and the counts (state per investigation stays small).
                cp["results"] = {}
                cp["session"] = {"tokens": (cp.get("session") or {}).get("tokens")}
                cp["findings"] = (cp.get("findings") or [])[:3]
                run.save()
            diagnosis = Diagnosis.from_dict(cp["diagnosis"])
            if deliver is not None:
                deliver(diagnosis, lease, deadline)
            return Outcome(finished=True, diagnosis=diagnosis, steps=run.steps_now)
        finally:
            try:
                leases.release(self.store, lease)
            except StoreError as exc:  # the lease expires on its own; the invocation's own error wins
                log.warning("could not release the lease: %s", exc, extra={"investigation_id": investigation_id})

    def _new_checkpoint(self, investigation_id: str, incident: Incident | None) -> dict[str, Any]:
        if incident is None:
            incident = coalescing.load_incident(self.store, investigation_id)
        if incident is None:
            raise InvalidInput(f"unknown investigation {investigation_id!r}: no incident stored for it")
        return {
            "investigation_id": investigation_id,
            "incident": redact_obj(incident.to_dict()),
            "specialist": self.specialist,
            "started_at": _now_iso(),
            "steps": 0,
            "tool_calls": 0,
            "results": {},
            "findings": None,
            "session": {},
            "model_done": False,
            "exhausted": False,
            "degraded": False,
            "notes": [],
        }


class _Run:
    """One invocation's pass over a checkpoint."""

    def __init__(self, inv: Investigator, cp: dict[str, Any], lease: leases.Lease, deadline: float) -> None:
        self.inv = inv
        self.cp = cp
        self.lease = lease
        self.steps_now = 0
        self.deadline = deadline
        self.incident = Incident.from_dict(cp["incident"])
        # A store or lease failure met inside an analyzer's read: kept here, because the analyzers'
        # crash guard (or an analyzer's own `except`) must not turn it into a different diagnosis.
        self.broken: BaseException | None = None

    def save(self) -> None:
        if self.broken is not None:
            raise self.broken
        try:
            checkpoints.save(self.inv.store, self.lease, self.cp, CHECKPOINT_TTL_S)
            # Each step ends with the lease extended: a long investigation keeps it, a dead one loses it.
            leases.renew_or_stop(self.inv.store, self.lease, self.inv.settings.lease_ttl_s)
        except (StoreError, LeaseLost) as exc:
            self.broken = exc
            raise

    def _invocation_spent(self) -> bool:
        settings = self.inv.settings
        # Stop reading early enough that the delivery (under the same deadline) still has its time.
        reserve = min(DELIVERY_RESERVE_S, settings.invocation_budget_s * 0.2)
        return self.steps_now >= settings.steps_per_invocation or self.inv.clock() >= self.deadline - reserve

    def _total_spent(self) -> bool:
        return self.cp["steps"] >= self.inv.settings.max_steps

    def _read(self, call: ToolCall) -> ToolResult:
        """The analyzers' reads: replayed from the checkpoint, else run and checkpointed."""
        if self.broken is not None:
            raise self.broken
        key = call.call_id or call.key
        done = self.cp["results"].get(key)
        if done is not None:
            return ToolResult.from_dict(done)
        if self._total_spent():
            self.cp["exhausted"] = True
            return ToolResult(call.tool, call.args, ok=False, error=BUDGET_EXHAUSTED)
        if self._invocation_spent():
            raise StopReading
        try:
            if not leases.is_current(self.inv.store, self.lease):  # fenced out: read nothing more
                raise LeaseLost(self.lease.investigation_id)
        except (StoreError, LeaseLost) as exc:
            self.broken = exc
            raise
        result = _traced(self.inv.run_tool, call, self.deadline)
        try:
            faults.hit(faults.AFTER_TOOL_BEFORE_SAVE)
        except StoreError as exc:
            self.broken = exc
            raise
        self.cp["results"][key] = result.to_dict()
        self.cp["steps"] += 1
        self.cp["tool_calls"] += 1
        self.steps_now += 1
        self.save()
        return result

    def _model_tool(self, call: ToolCall) -> ToolResult:
        result = _traced(self.inv.run_tool, call, self.deadline)
        faults.hit(faults.AFTER_TOOL_BEFORE_SAVE)
        self.cp["tool_calls"] += 1
        return result

    def investigate(self) -> Diagnosis | None:
        if self.cp["findings"] is None:
            evidence = RecordedEvidence(self.incident, self._read)
            try:
                findings = self.inv.analyze(self.inv.analyzers, evidence)
            except StopReading:
                if self.broken is not None:
                    raise self.broken from None
                return None
            if self.broken is not None:  # swallowed by an analyzer guard: the invocation fails all the same
                raise self.broken
            self.cp["findings"] = [f.to_dict() for f in findings]
            self.save()
        findings = [Finding.from_dict(f) for f in self.cp["findings"]]
        final = findings[0] if findings else None
        planner_name = "rules"
        if self.inv.model_planner is not None:
            planner_name = self.inv.model_planner.name
            if not self.cp["model_done"]:
                outcome = self._consult_model(findings)
                if outcome is _CONTINUE:
                    return None
                self.cp["model_done"] = True
                self.cp["model_finding"] = outcome.to_dict() if outcome else None
            if self.cp.get("model_finding"):
                final = Finding.from_dict(self.cp["model_finding"])
        if final is not None:  # what is posted is checked, whoever wrote it (shared/output_policy.py)
            final = screen_checkpoint(final, self.cp, self.inv.settings.doc_hosts, findings)
        return self._diagnosis(final, planner_name)

    def _consult_model(self, findings: Sequence[Finding]) -> Finding | None | object:
        settings = self.inv.settings
        best = findings[0] if findings else None
        if is_conclusive(best, settings.model_skip_confidence):
            self.cp["notes"].append("analyzer finding was confident; no model call needed")
            return best
        recurring = memory.last_for_fingerprint(self.inv.store, self.incident, settings.memory_ttl_s)
        if recurring is not None and (best is None or best.category == recurring.get("category")):
            self.cp["notes"].append(
                f"recurring incident: answered from diagnosis {recurring.get('investigation_id')}"
            )
            return _finding_from_diagnosis(recurring)
        from shared.planners.model_client import ModelUnavailable

        prior = memory.recall(self.inv.store, self.incident)
        session = self.cp["session"]
        while True:
            if self._total_spent():
                self.cp["exhausted"] = True
                return best
            if self._invocation_spent():
                return _CONTINUE
            # A model call can take a while: the lease is extended first (or the invocation stops here).
            leases.renew_or_stop(self.inv.store, self.lease, settings.lease_ttl_s)
            try:
                step = self.inv.model_planner.step(
                    session, self.incident, findings, prior, self._model_tool, self.inv.render,
                    deadline=self.deadline,
                )
            except ModelUnavailable as exc:
                log.warning("model unavailable; finishing with the rules planner: %s", exc,
                            extra={"error": redact(str(exc))})
                self.cp["degraded"] = True
                self.cp["notes"].append(f"model unavailable ({exc}); diagnosis from the rules planner")
                return best
            self.cp["steps"] += 1
            self.steps_now += 1
            self.save()
            if step.done:
                if getattr(step, "budget_exhausted", False):
                    self.cp["notes"].append("token budget reached")
                return step.finding or best

    def _diagnosis(self, finding: Finding | None, planner: str) -> Diagnosis:
        cp = self.cp
        tokens = Tokens(**{k: int(v) for k, v in (cp["session"].get("tokens") or {}).items()
                           if k in Tokens.__dataclass_fields__})
        occurrences = coalescing.occurrences(self.inv.store, cp["investigation_id"]) or 1
        partial = finding is None or cp["exhausted"]
        finding = finding or Finding(
            category="unknown",
            summary=f"No known failure pattern explains {self.incident.reason} on "
            f"{self.incident.object_kind.lower()}/{self.incident.object_name}",
            root_cause="The evidence read matched no known failure class; a person should look.",
            recommendations=("Read the pod's events and previous logs; check recent changes to the workload.",),
            commands=tuple(_default_commands(self.incident)),
            confidence=0.1,
        )
        return Diagnosis(
            investigation_id=cp["investigation_id"],
            incident=screen_incident(cp, self.inv.settings.doc_hosts),  # what sinks get: shared/output_policy.py
            specialist=cp["specialist"],
            status="partial" if partial else "completed",
            summary=finding.summary,
            root_cause=finding.root_cause,
            category=finding.category,
            evidence=finding.evidence,
            recommendations=finding.recommendations,
            commands=finding.commands,
            confidence=finding.confidence,
            planner=planner,
            steps=cp["steps"],
            tool_calls=cp["tool_calls"],
            tokens=tokens,
            occurrences=occurrences,
            started_at=cp["started_at"],
            finished_at=_now_iso(),
            degraded=cp["degraded"],
            notes=tuple(cp["notes"]),
            chain=finding.chain,
            produced_by={"claude": planner, "memory": "memory"}.get(finding.analyzer, "rules"),
        )


_CONTINUE: Final = object()


def _traced(run_tool: Callable[..., ToolResult], call: ToolCall, deadline: float) -> ToolResult:
    from shared.telemetry import record_tool_call, span

    with span("kubetriage.tool", **{"kubetriage.tool": call.tool}) as current:
        # The executor bounds its timeout and retries by the deadline; a plain function (tests) has none.
        result = run_tool(call, deadline=deadline) if _takes_deadline(run_tool) else run_tool(call)
        current.set_attributes({"kubetriage.tool.ok": result.ok, "kubetriage.tool.attempts": result.attempts,
                                "kubetriage.tool.error": result.error})
    record_tool_call(call.tool, result.ms, result.ok)
    return result


def _takes_deadline(fn: Callable[..., Any]) -> bool:
    import inspect

    try:
        return "deadline" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _finding_from_diagnosis(diagnosis: Mapping[str, Any]) -> Finding:
    data = {k: diagnosis[k] for k in ("category", "summary", "root_cause") if k in diagnosis}
    data.update(
        evidence=diagnosis.get("evidence", []),
        recommendations=diagnosis.get("recommendations", []),
        commands=diagnosis.get("commands", []),
        confidence=diagnosis.get("confidence", 0.5),
        analyzer="memory",
        chain=diagnosis.get("chain") or [],
    )
    return Finding.from_dict(data)


def _default_commands(incident: Incident) -> list[str]:
    ns = incident.namespace
    if incident.pod:
        return [
            f"kubectl -n {ns} describe pod {incident.pod}",
            f"kubectl -n {ns} logs {incident.pod} --all-containers --previous",
        ]
    return [f"kubectl -n {ns} get events --sort-by=.lastTimestamp"]


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
