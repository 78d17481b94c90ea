"""CrashLoopBackOff: the container starts and dies; the cause is in its exit and its last words.

Reads, like an SRE: the container's lastState.terminated (exit code, reason, termination message),
then `logs --previous` (the instance that died), finds the error it died of by structure
(`terminal_error`), and classifies that: missing env var, missing file, bad command or flag, permission
denied, port in use, or the application's own error (naming the missing module or the host it could not
reach). OOMKilled exits belong to the oomkilled analyzer; kills by a failing liveness probe to probes.
A container Running and Ready now, whose restarts are history, is not crash-looping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final

from shared.analyzers import app_error_hints, logsignals
from shared.analyzers.base import Evidence
from shared.analyzers.facts import (
    ContainerAnalyzer,
    events_of,
    item,
    make_finding,
    name_of,
    ns_of,
    owner_hint,
    warning_messages,
)
from shared.analyzers.kube_facts import now_of, parse_time
from shared.analyzers.target import ContainerState, is_settled
from shared.analyzers.terminal_error import TerminalError, find_terminal_error
from shared.diagnosis import Finding

EXIT_MEANINGS: Final = {
    1: "a generic application error",
    2: "a usage or argument error",
    126: "the command is not executable",
    127: "the command was not found",
    128: "the container runtime could not start it",
    134: "SIGABRT (the process aborted)",
    137: "SIGKILL (killed: OOM, a failed liveness probe, or eviction)",
    139: "SIGSEGV (segmentation fault)",
    143: "SIGTERM (asked to stop and exited)",
}


def exit_meaning(code: int | None) -> str:
    if code is None:
        return "an unknown exit"
    return EXIT_MEANINGS.get(code, f"exit code {code}")


RECENT_CRASH_MINUTES: Final = 10  # a crash younger than this is the incident, even if the container is Ready now


def _crashing(c: ContainerState) -> bool:
    last = c.last_exit or {}
    if c.waiting_reason == "CrashLoopBackOff":
        return True
    return bool(c.restarts) and bool(last) and last.get("exitCode", 0) != 0


def _running_fine(c: ContainerState, pod: dict[str, Any], now: datetime | None) -> bool:
    """Running and Ready now, its last crash minutes old or more: its restarts are history, not a crash loop."""
    if not c.ready or c.waiting_reason or c.terminated:
        return False
    ready = next((cond for cond in (pod.get("status") or {}).get("conditions") or [] if cond.get("type") == "Ready"),
                 None)
    if ready is not None and ready.get("status") != "True":
        return False
    finished = parse_time((c.last_terminated or {}).get("finishedAt"))
    stamps = [now] + [parse_time(cond.get("lastTransitionTime"))
                                  for cond in (pod.get("status") or {}).get("conditions") or []]
    newest = max([t for t in stamps if t is not None], default=None)
    return finished is None or newest is None or (newest - finished).total_seconds() >= RECENT_CRASH_MINUTES * 60


def _killed_by_probe(events: list[dict[str, Any]], container: str) -> bool:
    for _reason, message in warning_messages(events, "Unhealthy", "Killing"):
        if "liveness" in message.lower() or "startup" in message.lower():
            return True
    return any(
        e.get("reason") == "Killing" and "failed liveness" in str(e.get("message", "")).lower()
        for e in events
    )


class CrashLoopAnalyzer(ContainerAnalyzer):
    name = "crashloop"
    family = "crashloop"
    looks_for = "crash loops (no container restarting now)"

    def matches(self, evidence: Evidence, pod: dict[str, Any], c: ContainerState) -> bool:
        now = now_of(evidence)
        return not c.init and _crashing(c) and not is_settled(c, pod, now) and not _running_fine(c, pod, now)

    def explain(self, evidence: Evidence, pod: dict[str, Any], c: ContainerState) -> Finding | None:
        last = dict(c.last_exit or {})
        if last.get("reason") == "OOMKilled":
            return None
        code = last.get("exitCode")
        pod_name, ns = name_of(pod), ns_of(pod)
        events = events_of(evidence, pod)
        if code in (137, 143) and _killed_by_probe(events, c.name):
            return None
        log = evidence.logs(ns, pod_name, c.name, previous=True, tail_lines=200)
        if not log:
            log = evidence.logs(ns, pod_name, c.name, tail_lines=200)
        message = str(last.get("message") or "")
        from_message, from_log = find_terminal_error(message), find_terminal_error(log)
        terminal = from_message if from_message and (from_message.signal or not from_log) else from_log
        signal = terminal.signal if terminal else None
        signal = signal or logsignals.usage_signal(message, code) or logsignals.usage_signal(log, code)
        target, workload = owner_hint(evidence, pod)
        source = (f"logs {ns}/{pod_name}/{c.name} (previous)" if terminal is None or terminal is from_log
                  else f"pod/{ns}/{pod_name} termination message")
        ev = [item(f"pod/{ns}/{pod_name} status",
                   f"container {c.name}: {c.waiting_reason or 'restarting'}, restarts {c.restarts}, last exit "
                   f"{code} ({last.get('reason', '?')})")]
        if terminal is not None:
            ev.append(item(source, " | ".join(terminal.excerpt[:3]) or terminal.text))
        base_cmds = [f"kubectl -n {ns} logs {pod_name} -c {c.name} --previous",
                     f"kubectl -n {ns} describe pod {pod_name}"]
        if signal is None or signal.category == "crashloop_app_error":
            return self._app_error(pod, c, code, terminal, signal, log or "", ev, base_cmds, target, workload)
        if terminal is None or signal.line not in terminal.excerpt:
            ev.append(item(source, signal.line))
        facts = _Facts(evidence, pod, c, signal, ev, base_cmds, target, workload, code, log or "")
        finding = _FOR_SIGNAL[signal.category](facts)
        if terminal is None or not terminal.certain:  # the signal sits in a guessed last line: not conclusive
            finding = replace(finding, confidence=min(finding.confidence, GUESSED_CONFIDENCE))
        return finding

    def _app_error(self, pod: dict[str, Any], c: ContainerState, code: int | None, terminal: TerminalError | None,
                   signal: logsignals.LogSignal | None, log: str, ev: list[Any], cmds: list[str], target: str,
                   workload: str) -> Finding:
        ns, pod_name = ns_of(pod), name_of(pod)
        said, headline, confidence = _what_it_said(terminal, signal)
        found = app_error_hints.hints(terminal, c.spec, log)
        said += "".join(f". {hint.said}" for hint in found)
        recommendations = [*(hint.recommendation for hint in found), f"Fix the application error shown in the previous logs of {c.name}, or roll back "
                           f"{target} to the last working revision (kubectl -n {ns} rollout undo {target}).",
                           "Check what changed recently: image, configuration, and the dependencies it connects to."]
        commands = [*cmds, f"kubectl -n {ns} rollout history {target}"]
        if signal is not None and signal.kind == "missing_module":
            recommendations.insert(0, f"Add {signal.fact} to the application's dependencies (requirements, "
                                      f"package.json, pom/gradle, the image's packages) and rebuild the image.")
        elif signal is not None and signal.kind == "host_unreachable":
            host = signal.fact.split(":")[0]
            recommendations.insert(0, f"Check {signal.fact}: the Service {host} and its endpoints (are its pods "
                                      f"Ready?), the name and port the application is configured with, and "
                                      f"NetworkPolicies between them.")
            if not re.fullmatch(r"[\d.]+", host):
                commands.append(f"kubectl -n {ns} get service,endpoints {host.split('.')[0]}")
        if code in (137, 143):
            confidence = min(confidence, 0.5)
        return make_finding(
            "crashloop_app_error",
            f"{workload}: container {c.name} crash-loops, exiting with {code} ({exit_meaning(code)})" + headline,
            f"The {c.name} container of pod {pod_name} exits with code {code}, {exit_meaning(code)}, "
            f"right after starting{said}. The application itself fails; Kubernetes only restarts it.",
            ev,
            recommendations,
            commands,
            confidence,
            self.name,
        )


GUESSED_CONFIDENCE: Final = 0.8  # a known signal read from an unstructured last line: below the model gate
_EXPLAINED_CONFIDENCE: Final = {"missing_module": 0.88, "host_unreachable": 0.8}


def _what_it_said(terminal: TerminalError | None, signal: logsignals.LogSignal | None) -> tuple[str, str, float]:
    """(the sentence quoting the terminal error, the summary's tail, the confidence) of an app error."""
    if terminal is None:
        return " (it logged no error before exiting)", "", 0.55
    where = f" at {terminal.frame}" if terminal.frame else ""
    if terminal.source:
        where += f" (in `{terminal.source[:160]}`)"
    # An exception type says something ("KeyError"); a level or marker ("emerg", "panic") is in the text.
    kind = f"{terminal.kind} " if re.fullmatch(r"[A-Z][a-z]\w*", terminal.kind) and terminal.kind != "Error" else ""
    said = (f": it died of {kind}“{terminal.text[:200]}”{where}" if terminal.certain
            else f": the last thing it logged was “{terminal.text[:200]}”")
    causes = [line for line in terminal.excerpt[1:3] if line != terminal.text]
    if causes and terminal.certain and terminal.runtime in ("java", "python", "rust"):
        said += f" (with “{causes[0][:160]}”)"
    if signal is not None and signal.kind == "missing_module":
        return (said + f". The dependency {signal.fact} is not in the image", f": {signal.fact} is missing",
                _EXPLAINED_CONFIDENCE["missing_module"] if terminal.certain else GUESSED_CONFIDENCE - 0.1)
    if signal is not None and signal.kind == "host_unreachable":
        return (said + f". It cannot reach {signal.fact}, a dependency it needs to start",
                f": cannot reach {signal.fact}",
                _EXPLAINED_CONFIDENCE["host_unreachable"] if terminal.certain else GUESSED_CONFIDENCE - 0.1)
    return said, "", 0.7 if terminal.certain else 0.6


@dataclass(frozen=True)
class _Facts:
    """What a cause handler needs: the evidence, the pod and container, the signal, and the log."""

    evidence: Evidence
    pod: dict[str, Any]
    c: ContainerState
    signal: logsignals.LogSignal
    ev: list[Any]
    cmds: list[str]
    target: str
    workload: str
    code: int | None
    log: str


_USAGE_FLAG = re.compile(r"^\s+(--?[a-zA-Z][\w-]*)")


def accepted_flags(log: str) -> list[str]:
    """The flags a program's usage text lists (Go flag, cobra, argparse), in order."""
    flags, in_usage = [], False
    for line in log.splitlines():
        if re.match(r"\s*(usage|Usage of|Flags:|options:|optional arguments:)", line, re.I):
            in_usage = True
            continue
        if in_usage and (m := _USAGE_FLAG.match(line)) and m.group(1) not in flags:
            flags.append(m.group(1))
    return flags[:12]


def _declares_env(c: ContainerState, name: str) -> bool:
    return any(e.get("name") == name for e in c.spec.get("env") or [])


def _missing_env(f: _Facts) -> Finding:
    pod, c, signal, ev, cmds, target, workload, code = f.pod, f.c, f.signal, f.ev, f.cmds, f.target, f.workload, f.code
    ns, var = ns_of(pod), signal.fact
    declared = _declares_env(c, var)
    where = ("it is declared in the pod spec but resolves empty or wrong" if declared else
             "the container spec does not set it (neither env nor envFrom provides it)")
    return make_finding(
        "crashloop_missing_env",
        f"{workload}: container {c.name} crash-loops because environment variable {var} is missing",
        f"The {c.name} container exits ({code}) at startup because the required environment variable "
        f"{var} is not set; {where}.",
        ev,
        [f"Set {var} on {target} (env, or a key in the ConfigMap/Secret it loads with envFrom).",
         "Roll out and watch the pod become Ready."],
        [*cmds, f"kubectl -n {ns} set env {target} {var}=<value>",
         f"kubectl -n {ns} get {target} -o jsonpath='{{.spec.template.spec.containers[*].env}}'"],
        0.82 if declared else 0.92,
        "crashloop",
    )


def _missing_file(f: _Facts) -> Finding:
    pod, c, signal, ev, cmds, target, workload, code = f.pod, f.c, f.signal, f.ev, f.cmds, f.target, f.workload, f.code
    ns, path = ns_of(pod), signal.fact
    mounts = [m.get("mountPath", "") for m in c.spec.get("volumeMounts") or []]
    covered = [m for m in mounts if path.startswith(m.rstrip("/") + "/") or path == m]
    how = (f"{path} lies under the mount {covered[0]}, so the volume behind it lacks that file"
           f"{_volume_contents(f.evidence, pod, c, covered[0])}" if covered else
           f"no volume is mounted at {path} or a parent directory, and the image does not contain it")
    return make_finding(
        "crashloop_missing_config_file",
        f"{workload}: container {c.name} crash-loops because {path} does not exist",
        f"The {c.name} container exits ({code}) because it cannot open its file {path}: {how}.",
        ev,
        [f"Provide {path}: mount the ConfigMap/Secret that holds it at the right path, or fix the key/items "
         f"so the file name matches, on {target}.",
         "Or point the application at the path where the file really is."],
        [*cmds, f"kubectl -n {ns} get {target} -o jsonpath='{{.spec.template.spec.volumes}}'"],
        0.9,
        "crashloop",
    )


def _object_keys(evidence: Evidence, kind: str, name: str, namespace: str) -> list[str]:
    obj = evidence.get(kind.lower() + "s", name, namespace)
    if obj is None:
        return []
    if kind == "Secret":
        return list(obj.get("keys") or [])
    return sorted((obj.get("data") or {}) | (obj.get("binaryData") or {}))


def _volume_contents(evidence: Evidence, pod: dict[str, Any], c: ContainerState, mount_path: str) -> str:
    """What the mounted ConfigMap/Secret provides (key names only), so a name mismatch shows."""
    mount = next((m for m in c.spec.get("volumeMounts") or [] if m.get("mountPath") == mount_path), {})
    volume = next((v for v in (pod.get("spec") or {}).get("volumes") or [] if v.get("name") == mount.get("name")), {})
    source = volume.get("configMap") or volume.get("secret") or {}
    kind = "ConfigMap" if "configMap" in volume else "Secret" if "secret" in volume else None
    name = source.get("name") or source.get("secretName")
    if not kind or not name:
        return " (check the volume's items/subPath)"
    keys = [i.get("path") or i.get("key") for i in source.get("items") or []] or _object_keys(evidence, kind, name,
                                                                                                ns_of(pod))
    provided = f"; {kind} {name} provides {', '.join(keys)}" if keys else f" ({kind} {name})"
    return provided + " (check the key names, items and subPath)"


def _bad_command(f: _Facts) -> Finding:
    pod, c, signal, ev, cmds, target, workload, code = f.pod, f.c, f.signal, f.ev, f.cmds, f.target, f.workload, f.code
    ns = ns_of(pod)
    given = " ".join([*(c.spec.get("command") or []), *(c.spec.get("args") or [])]) or "the image's default"
    return make_finding(
        "crashloop_bad_command",
        f"{workload}: container {c.name} crash-loops on a bad command or argument ({signal.fact})",
        f"The {c.name} container exits ({code}) because its command line is wrong: “{signal.line[:160]}”. "
        f"It runs `{given[:160]}`." + (f" The program accepts: {', '.join(accepted_flags(f.log))}."
                                        if accepted_flags(f.log) else ""),
        ev,
        [f"Fix command/args of container {c.name} in {target} ({signal.fact} is not accepted by the program "
         f"or not in the image).",
         "Check the program's --help for the image version you deploy."],
        [*cmds, f"kubectl -n {ns} get {target} -o jsonpath='{{.spec.template.spec.containers[*].args}}'"],
        0.88,
        "crashloop",
    )


def _permission(f: _Facts) -> Finding:
    pod, c, signal, ev, cmds, target, workload, code = f.pod, f.c, f.signal, f.ev, f.cmds, f.target, f.workload, f.code
    ns = ns_of(pod)
    sc = {**(pod.get("spec") or {}).get("securityContext", {}), **(c.spec.get("securityContext") or {})}
    who = ", ".join(f"{k}={v}" for k, v in sc.items() if k in ("runAsUser", "runAsNonRoot", "fsGroup",
                                                               "readOnlyRootFilesystem")) or "default user"
    return make_finding(
        "crashloop_permission_denied",
        f"{workload}: container {c.name} crash-loops with permission denied on {signal.fact}",
        f"The {c.name} container exits ({code}) because it may not use {signal.fact} "
        f"(“{signal.line[:160]}”); it runs with {who}.",
        ev,
        [f"Give the container's user access to {signal.fact}: set securityContext.fsGroup / runAsUser on "
         f"{target}, mount a writable volume (emptyDir) there, or fix the file ownership in the image.",
         "For a port below 1024 as non-root, listen on a high port or add NET_BIND_SERVICE."],
        [*cmds, f"kubectl -n {ns} get {target} -o jsonpath='{{.spec.template.spec.securityContext}}'"],
        0.88,
        "crashloop",
    )


def _port_in_use(f: _Facts) -> Finding:
    pod, c, signal, ev, cmds, target, workload, code = f.pod, f.c, f.signal, f.ev, f.cmds, f.target, f.workload, f.code
    ns, port = ns_of(pod), signal.fact
    holders = [
        other.get("name") for other in (pod.get("spec") or {}).get("containers") or []
        if other.get("name") != c.name and any(str(p.get("containerPort")) == port for p in other.get("ports") or [])
    ]
    host_net = (pod.get("spec") or {}).get("hostNetwork")
    why = (f"container {holders[0]} in the same pod already listens on it" if holders else
           "the node's network namespace already has it bound (hostNetwork)" if host_net else
           "another process in the pod's network namespace already holds it")
    return make_finding(
        "crashloop_port_in_use",
        f"{workload}: container {c.name} crash-loops because port {port} is already in use",
        f"The {c.name} container exits ({code}) because it cannot bind port {port}: {why}.",
        ev,
        [f"Make {c.name} listen on a free port (and update containerPort, probes and the Service "
         f"targetPort), or move the other listener off {port}, in {target}."],
        [*cmds, f"kubectl -n {ns} get pod {name_of(pod)} -o jsonpath='{{.spec.containers[*].ports}}'"],
        0.9,
        "crashloop",
    )


_FOR_SIGNAL: Final = {
    "crashloop_missing_env": _missing_env,
    "crashloop_missing_config_file": _missing_file,
    "crashloop_bad_command": _bad_command,
    "crashloop_permission_denied": _permission,
    "crashloop_port_in_use": _port_in_use,
}

ANALYZER: Final = CrashLoopAnalyzer()
