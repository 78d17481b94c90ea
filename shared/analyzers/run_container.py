"""RunContainerError / StartError: the runtime cannot start the entrypoint (missing, not executable, wrong arch)."""

from __future__ import annotations

import re
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import NamespacedAnalyzer, events_of, item, make_finding, name_of, ns_of, owner_hint
from shared.analyzers.kube_facts import now_of
from shared.analyzers.strength import Strength
from shared.analyzers.target import container_states, is_settled, target_pods
from shared.diagnosis import Finding

_EXEC = re.compile(r"exec: \"?([^\s\":]+)\"?: (?:stat \S+: )?(executable file not found in \$PATH|"
                   r"no such file or directory|permission denied)|exec (\S+): (no such file or directory|exec format error|permission denied)|"
                   r"(exec format error)", re.I)
_START_ERRORS = ("RunContainerError", "StartError", "ContainerCannotRun", "CreateContainerError")


class RunContainerAnalyzer(NamespacedAnalyzer):
    name = "run_container"
    family = "run_container"
    looks_for = "bad entrypoints (no runtime start error)"

    def conclude(self, evidence: Evidence) -> Finding | None:
        now = now_of(evidence)
        for pod in target_pods(evidence)[:3]:
            for c in container_states(pod):
                if is_settled(c, pod, now):  # an old start error of a container Ready for a while is history
                    continue
                last = c.last_exit or {}
                texts = [c.waiting_message or "", str(last.get("message") or "")]
                started = c.waiting_reason in _START_ERRORS or last.get("reason") in _START_ERRORS or (
                    last.get("exitCode") in (126, 127, 128) and "exec" in texts[1].lower())
                if not started:
                    # The runtime started it but the kernel refused the binary: the container's only
                    # output is the exec error (wrong CPU architecture, or a missing interpreter).
                    if c.waiting_reason == "CrashLoopBackOff" or c.restarts:
                        log = evidence.logs(ns_of(pod), name_of(pod), c.name, previous=True, tail_lines=5) or ""
                        tail = log.strip().splitlines()[-1:] or [""]
                        if (m := _EXEC.search(tail[0])) and len(log.strip().splitlines()) <= 3:
                            return self._finding(evidence, pod, c, m, tail[0])
                    continue
                texts += [str(e.get("message", "")) for e in events_of(evidence, pod) if e.get("reason") == "Failed"]
                for text in texts:
                    if m := _EXEC.search(text):
                        return self._finding(evidence, pod, c, m, text)
        return None

    def _finding(self, evidence: Evidence, pod: dict[str, Any], c: Any, m: re.Match[str], text: str) -> Finding:
        ns, pod_name = ns_of(pod), name_of(pod)
        command = m.group(1) or m.group(3) or " ".join(c.spec.get("command") or []) or "the entrypoint"
        problem = (m.group(2) or m.group(4) or m.group(5) or "").lower()
        target, workload = owner_hint(evidence, pod)
        node = evidence.get("nodes", (pod.get("spec") or {}).get("nodeName", "")) if "format" in problem else None
        arch = ((node or {}).get("metadata") or {}).get("labels", {}).get("kubernetes.io/arch")
        if "format" in problem:
            why = (f"the image's binary is built for another CPU architecture than the node"
                   f"{f' ({arch})' if arch else ''} (exec format error)")
            fix = f"Build/push a multi-arch image (or one for {arch or 'the node architecture'}) for {target}."
        elif "permission" in problem:
            why = f"{command} is not executable in the image"
            fix = f"Make {command} executable in the image (chmod +x) or run it through its interpreter."
        else:
            why = f"{command} does not exist in the image (not on $PATH or at that path)"
            fix = (f"Fix command/args of {c.name} in {target} to a binary that exists in {c.spec.get('image')}, "
                   "or drop the override to use the image's entrypoint.")
        return make_finding(
            "run_container_error_bad_entrypoint",
            f"{workload}: container {c.name} cannot start: {why}",
            f"The runtime fails to start container {c.name} of pod {pod_name}: {why} (“{m.group(0)}”).",
            [item(f"pod/{ns}/{pod_name} status", f"container {c.name}: {c.waiting_reason or 'terminated'}"),
             item(f"pod/{ns}/{pod_name} message", text)],
            [fix],
            [f"kubectl -n {ns} describe pod {pod_name}",
             f"kubectl -n {ns} get {target} -o jsonpath='{{.spec.template.spec.containers[*].command}}'"],
            Strength.SCHEDULER_SAYS,  # the runtime's own start error (or the exec error, its only output)
            self.name,
        )


ANALYZER: Final = RunContainerAnalyzer()
