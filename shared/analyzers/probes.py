"""Liveness, readiness and startup probe failures: which probe, what it hits, and why it fails.

Reads the `Unhealthy` events (status code, connection refused, timeout, exec output), the probe spec
(path, port, scheme, delays, thresholds) and the container's declared ports, the way an SRE lines up
`kubectl describe pod` with the Deployment's YAML.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import NamespacedAnalyzer, events_of, item, make_finding, name_of, ns_of, owner_hint
from shared.analyzers.kube_facts import minutes_before, now_of, parse_time
from shared.analyzers.strength import Strength
from shared.analyzers.target import ContainerState, container_states, is_settled, target_pods
from shared.diagnosis import Finding
from shared.tools.core import event_time

_KIND = re.compile(r"^(Liveness|Readiness|Startup) probe (?:failed|errored)", re.I)
_STATUS = re.compile(r"statuscode: (\d{3})", re.I)
RECENT_MINUTES: Final = 10  # a probe failure older than this on a container that passes now is history
_CATEGORY: Final = {"liveness": "liveness_probe_failure", "readiness": "readiness_probe_failure",
                    "startup": "startup_probe_failure"}


def _probe_target(probe: dict[str, Any]) -> tuple[str, str]:
    """(human description, port) of what a probe checks."""
    if http := probe.get("httpGet"):
        scheme = str(http.get("scheme", "HTTP")).lower()
        return f"{scheme} GET {http.get('path', '/')} on port {http.get('port')}", str(http.get("port"))
    if tcp := probe.get("tcpSocket"):
        return f"a TCP connect to port {tcp.get('port')}", str(tcp.get("port"))
    if ex := probe.get("exec"):
        return f"the command `{' '.join(ex.get('command') or [])}`", ""
    if grpc := probe.get("grpc"):
        return f"gRPC health on port {grpc.get('port')}", str(grpc.get("port"))
    return "an unknown check", ""


def _declared_ports(c: ContainerState) -> dict[str, str]:
    ports = {}
    for p in c.spec.get("ports") or []:
        ports[str(p.get("containerPort"))] = str(p.get("containerPort"))
        if p.get("name"):
            ports[str(p["name"])] = str(p.get("containerPort"))
    return ports


def _why(kind: str, probe: dict[str, Any], c: ContainerState, message: str, log: str) -> tuple[str, str, Strength]:
    """(cause, fix, strength) for a failing probe.

    The kubelet names the failing probe; the strength says whether the probe is the root (a wrong path or
    port, shown against the spec) or a symptom (5xx from a health check that tests a dependency, a timeout).
    """
    what, port = _probe_target(probe)
    ports = _declared_ports(c)
    delay = int(probe.get("initialDelaySeconds", 0))
    period, threshold = int(probe.get("periodSeconds", 10)), int(probe.get("failureThreshold", 3))
    timeout = int(probe.get("timeoutSeconds", 1))
    budget = delay + period * threshold
    listen = re.findall(r"(?:listen(?:ing)?|serving|started|bound)\D{0,40}?(?:port\s*|:)(\d{2,5})", log, re.I)
    if m := _STATUS.search(message):
        code = m.group(1)
        if code == "404":
            return (f"the probe's {what} answers 404: the application has no such endpoint",
                    f"Point the {kind} probe at the health path the application really serves.",
                    Strength.SCHEDULER_SAYS)
        if code.startswith("5"):
            from shared.analyzers.logsignals import last_error_line

            said = last_error_line(log)
            return (f"the probe's {what} answers {code}: the application reports itself unhealthy "
                    f"(a dependency it checks is failing)" + (f"; it logs “{said[:220]}”" if said else ""),
                    "Fix what the health endpoint checks (see the logs), or make the probe check only the "
                    "process itself.", Strength.SYMPTOM)
        return (f"the probe's {what} answers HTTP {code}", f"Make {what} return 2xx/3xx, or fix the probe.",
                Strength.SCHEDULER_SAYS)
    if re.search(r"connection refused|connect: connection reset|no route", message, re.I):
        if port and port not in ports and ports:
            return (f"the probe checks port {port}, but the container declares port(s) "
                    f"{', '.join(sorted(set(ports.values())))}: nothing listens on {port}",
                    f"Set the {kind} probe's port to the one the application listens on.", Strength.SCHEDULER_SAYS)
        number = ports.get(port, port)  # a named port (`management`) is the number the container declares
        if listen and number and number not in listen:
            named = f"{number} ({port})" if number != port else number
            heard = list(dict.fromkeys(listen))
            return (f"the probe checks port {named}, but the application logs that it listens on "
                    f"{' and '.join(heard)}", f"Set the {kind} probe's port to the one the application serves its "
                    f"health on ({' or '.join(heard)}).", Strength.SCHEDULER_SAYS)
        return (f"nothing accepts connections on port {port} when the {kind} probe runs "
                f"(initialDelaySeconds {delay} + failureThreshold {threshold} × periodSeconds {period} = {budget}s "
                f"before it gives up): the application is not listening yet or on another port",
                "Give the application time to start (startupProbe, or initialDelaySeconds above its start "
                "time) or fix the port.", Strength.SCHEDULER_SAYS)
    if re.search(r"timeout|deadline exceeded|timed out", message, re.I):
        return (f"the {what} does not answer within timeoutSeconds {timeout}: the application is too slow "
                f"to respond (overloaded, blocked, or starting)",
                f"Raise timeoutSeconds of the {kind} probe above the endpoint's real latency, or make the "
                f"health endpoint cheap.", Strength.LOG_SIGNAL)
    return (f"the {kind} check ({what}) fails: “{message[:160]}”", f"Fix the {kind} probe or the check it runs.",
            Strength.LOG_SIGNAL)


class ProbesAnalyzer(NamespacedAnalyzer):
    name = "probes"
    family = "probe"
    looks_for = "probe failures (no current liveness/readiness/startup failures)"

    def conclude(self, evidence: Evidence) -> Finding | None:
        for pod in target_pods(evidence)[:3]:
            found = self._for_pod(evidence, pod)
            if found:
                return found
        return None

    def _for_pod(self, evidence: Evidence, pod: dict[str, Any]) -> Finding | None:
        events = events_of(evidence, pod)
        failures: Counter[str] = Counter()
        last_message: dict[str, str] = {}
        last_at: dict[str, str] = {}
        for e in events:
            msg = str(e.get("message", ""))
            if e.get("reason") == "Unhealthy" and (m := _KIND.match(msg)):
                kind = m.group(1).lower()
                failures[kind] += int(e.get("count") or 1)
                last_message[kind] = msg
                last_at[kind] = event_time(e)
        states = [c for c in container_states(pod) if not c.init]
        kills = any(e.get("reason") == "Killing" and re.search(r"failed (liveness|startup)", str(e.get("message")))
                    for e in events)
        restarted = any(c.restarts for c in states)
        kind = None
        if failures.get("startup") and (restarted or kills):
            kind = "startup"
        elif failures.get("liveness") and (restarted or kills):
            kind = "liveness"
        elif failures.get("readiness"):
            kind = "readiness"
        elif failures:
            kind = failures.most_common(1)[0][0]
        if kind is None:
            return None
        container = self._container(states, kind, last_message.get(kind, ""))
        if container is None or self._is_history(evidence, pod, container, kind, last_at.get(kind)):
            return None
        threshold = int((container.spec.get(f"{kind}Probe") or {}).get("failureThreshold", 3))
        if kind == "readiness" and container.ready and failures[kind] < threshold:
            return None  # fewer failures than the threshold never made a Ready pod unready: a blip
        probe = container.spec.get(f"{kind}Probe") or {}
        ns, pod_name = ns_of(pod), name_of(pod)
        log = evidence.logs(ns, pod_name, container.name, previous=kind != "readiness", tail_lines=100) or ""
        if kind != "readiness":  # the running instance may have logged its ports since the last kill
            log += "\n" + (evidence.logs(ns, pod_name, container.name, tail_lines=100) or "")
        message = last_message.get(kind, "")
        cause, fix, strength = _why(kind, probe, container, message, log)
        what, _ = _probe_target(probe)
        target, workload = owner_hint(evidence, pod)
        effect = ("the kubelet keeps killing and restarting it" if kind in ("liveness", "startup") else
                  "the pod never becomes Ready and gets no traffic")
        return make_finding(
            _CATEGORY[kind],
            f"{workload}: {kind} probe of {container.name} fails ({what})",
            f"The {kind} probe of container {container.name} in pod {pod_name} fails, so {effect}: {cause}.",
            [item(f"events pod/{ns}/{pod_name}", f"{message} (×{failures[kind]})"),
             item(f"pod/{ns}/{pod_name} spec", f"{kind}Probe: {what}, initialDelaySeconds "
                  f"{probe.get('initialDelaySeconds', 0)}, periodSeconds {probe.get('periodSeconds', 10)}, "
                  f"timeoutSeconds {probe.get('timeoutSeconds', 1)}, failureThreshold "
                  f"{probe.get('failureThreshold', 3)}; restarts {container.restarts}")],
            [fix + f" (in {target})"],
            [f"kubectl -n {ns} describe pod {pod_name}",
             f"kubectl -n {ns} get {target} -o jsonpath='{{.spec.template.spec.containers[*].{kind}Probe}}'",
             f"kubectl -n {ns} logs {pod_name} -c {container.name}" + (" --previous" if kind != "readiness" else "")],
            strength if probe else Strength.SYMPTOM,
            self.name,
        )

    @staticmethod
    def _is_history(evidence: Evidence, pod: dict[str, Any], c: ContainerState, kind: str, last: str | None) -> bool:
        """A probe that failed a while ago and passes now (Ready, or running settled) is history, not the failure."""
        if kind == "readiness" and c.ready:
            ready = next((cond for cond in (pod.get("status") or {}).get("conditions") or []
                          if cond.get("type") == "Ready"), {})
            since = minutes_before(parse_time(ready.get("lastTransitionTime")), last)
            if since is not None and since > 0:
                return True  # the pod became Ready after the last failure: the probe has passed since
        age = minutes_before(now_of(evidence), last)
        if age is None or age < RECENT_MINUTES:
            return False
        return c.ready if kind == "readiness" else is_settled(c, pod, now_of(evidence))

    @staticmethod
    def _container(states: list[ContainerState], kind: str, message: str) -> ContainerState | None:
        with_probe = [c for c in states if c.spec.get(f"{kind}Probe")]
        for c in with_probe:
            what, port = _probe_target(c.spec[f"{kind}Probe"])
            if port and f":{port}/" in message or f":{port}:" in message:
                return c
        return with_probe[0] if with_probe else (states[0] if states else None)


ANALYZER: Final = ProbesAnalyzer()
