"""Jobs that hit their backoff limit (or deadline): why their pods failed."""

from __future__ import annotations

from typing import Any, Final

from shared.analyzers import logsignals
from shared.analyzers.base import Evidence
from shared.analyzers.facts import NamespacedAnalyzer, item, make_finding, name_of, ns_of
from shared.analyzers.kube_facts import condition
from shared.analyzers.strength import Strength
from shared.analyzers.target import container_states, owner_of
from shared.analyzers.terminal_error import find_terminal_error
from shared.diagnosis import Finding


def _jobs(evidence: Evidence) -> list[dict[str, Any]]:
    incident = evidence.incident
    ns = incident.namespace
    if incident.object_kind == "Job" or incident.workload_kind == "Job":
        name = incident.object_name if incident.object_kind == "Job" else incident.workload
        job = evidence.get("jobs", name or "", ns)
        return [job] if job else []
    if incident.pod:
        pod = evidence.get("pods", incident.pod, ns)
        owner = owner_of(pod) if pod else None
        if owner and owner[0] == "Job":
            job = evidence.get("jobs", owner[1], ns)
            return [job] if job else []
    cronjob = incident.workload if incident.workload_kind == "CronJob" else None
    if cronjob or incident.labels.get("job_name"):
        jobs = [j for j in evidence.list("jobs", ns)
                if (owner_of(j) or ("", ""))[1] == cronjob or name_of(j) == incident.labels.get("job_name")]
        return sorted(jobs, key=lambda j: (j.get("status") or {}).get("startTime", ""), reverse=True)
    return []


class JobsAnalyzer(NamespacedAnalyzer):
    name = "jobs"
    family = "job"
    looks_for = "Jobs (none failed)"

    def conclude(self, evidence: Evidence) -> Finding | None:
        for job in _jobs(evidence):
            failed = condition(job, "Failed")
            if not failed or failed.get("status") != "True":
                continue
            ns, name = ns_of(job), name_of(job)
            reason = failed.get("reason", "Failed")
            pods = [p for p in evidence.list("pods", ns, label_selector=f"job-name={name}")]
            pods.sort(key=lambda p: (p.get("metadata") or {}).get("creationTimestamp", ""))
            detail, ev = "", [item(f"job/{ns}/{name} status", f"Failed: {reason}: {failed.get('message', '')}")]
            for pod in reversed(pods):
                for c in container_states(pod):
                    last = c.terminated or c.last_terminated or {}
                    if last.get("exitCode"):
                        log = evidence.logs(ns, name_of(pod), c.name, tail_lines=100) or evidence.logs(
                            ns, name_of(pod), c.name, previous=True, tail_lines=100)
                        terminal = find_terminal_error(log)
                        line = terminal.text if terminal else logsignals.last_error_line(log)
                        causes = [x for x in (terminal.excerpt if terminal else ())[1:3] if x != line]
                        said = f"“{line[:200]}”" + (f" (with “{causes[0][:160]}”)" if causes else "")
                        detail = f" Its pods exit with code {last.get('exitCode')}" + (
                            f"; the last one died of {said}." if line else ".")
                        if line:
                            ev.append(item(f"logs {ns}/{name_of(pod)}/{c.name}", " | ".join(
                                terminal.excerpt[:3]) if terminal else line))
                        break
                if detail:
                    break
            limit = (job.get("spec") or {}).get("backoffLimit", 6)
            cron = owner_of(job)
            parent = f" (created by CronJob {cron[1]})" if cron and cron[0] == "CronJob" else ""
            what = (f"ran past activeDeadlineSeconds {(job.get('spec') or {}).get('activeDeadlineSeconds')}"
                    if reason == "DeadlineExceeded" else f"failed {limit + 1} times (backoffLimit {limit})")
            return make_finding(
                "job_backoff_limit",
                f"job {name}{parent} failed: {reason}",
                f"Job {name}{parent} {what} and was marked Failed ({reason}).{detail}",
                ev,
                ["Fix the error its pods hit (see the logs), then re-run the Job"
                 + (f" or wait for CronJob {cron[1]}'s next schedule." if parent else ".")],
                [f"kubectl -n {ns} describe job {name}", f"kubectl -n {ns} logs job/{name}",
                 f"kubectl -n {ns} get pods -l job-name={name}"],
                Strength.STATE_SAYS if detail else Strength.SYMPTOM,
                self.name,
            )
        return None


ANALYZER: Final = JobsAnalyzer()
