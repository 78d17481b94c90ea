"""Init container failures: the pod never starts because an init container fails or waits forever."""

from __future__ import annotations

from typing import Any, Final

from shared.analyzers import logsignals
from shared.analyzers.base import Evidence
from shared.analyzers.facts import ContainerAnalyzer, item, make_finding, name_of, ns_of, owner_hint
from shared.analyzers.strength import Strength
from shared.diagnosis import Finding

# An init container that cannot even be created/pulled is better named by that specific class.
_DEFER: Final = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError")


def _failing(c: Any) -> bool:
    last = c.last_exit or {}
    return c.waiting_reason == "CrashLoopBackOff" or bool(last and last.get("exitCode", 0) != 0)


def _running(c: Any) -> bool:
    """Running without completing: waiting on something (a database, a Job, a file)."""
    return not _failing(c) and not c.ready and c.terminated is None and c.waiting_reason is None


class InitContainerAnalyzer(ContainerAnalyzer):
    name = "init_container"
    family = "init_container"
    looks_for = "init containers (none failing or stuck)"

    def matches(self, evidence: Evidence, pod: dict[str, Any], c: Any) -> bool:
        return c.init and c.waiting_reason not in _DEFER and (_failing(c) or _running(c))

    def explain(self, evidence: Evidence, pod: dict[str, Any], c: Any) -> Finding | None:
        last = c.last_exit or {}
        failing, running = _failing(c), _running(c)
        ns, pod_name = ns_of(pod), name_of(pod)
        log = evidence.logs(ns, pod_name, c.name, previous=bool(failing), tail_lines=100) or (
            evidence.logs(ns, pod_name, c.name, tail_lines=100) or "")
        line = logsignals.last_error_line(log) or (log.strip().splitlines() or [""])[-1]
        target, workload = owner_hint(evidence, pod)
        command = " ".join([*(c.spec.get("command") or []), *(c.spec.get("args") or [])])[:160]
        if failing:
            state = f"exits with code {last.get('exitCode')} ({c.restarts} restarts)"
        else:
            state = "keeps running without completing (waiting on something)"
        return make_finding(
            "init_container_failure",
            f"{workload}: init container {c.name} {state}; the pod cannot start",
            f"Init container {c.name} of pod {pod_name} {state}, so the app containers never start. "
            f"It runs `{command or c.spec.get('image')}`" + (f" and last logged “{line[:200]}”." if line
                                                              else "."),
            [item(f"pod/{ns}/{pod_name} status", f"init container {c.name}: "
                  f"{c.waiting_reason or ('running' if running else 'terminated')}, exit {last.get('exitCode')}"),
             *([item(f"logs {ns}/{pod_name}/{c.name}", line)] if line else [])],
            [f"Fix what init container {c.name} waits for or fails on (the dependency it checks, its "
             f"command or its configuration) in {target}."],
            [f"kubectl -n {ns} logs {pod_name} -c {c.name}" + (" --previous" if failing else ""),
             f"kubectl -n {ns} describe pod {pod_name}"],
            # Failing: its state names the class; running forever: only its log says what it waits for.
            Strength.STATE_SAYS if failing else Strength.LOG_SIGNAL,
            self.name,
        )


ANALYZER: Final = InitContainerAnalyzer()
