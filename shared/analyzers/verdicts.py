"""Verdicts that are not failures, and the honest `unknown`.

`not_found`: the object the trigger names does not exist; say so and name what exists nearby (the same
name in another namespace, a similar name, the workloads of the namespace). Decided before any analyzer
reads, so an alert for a missing HPA is never answered with another object's crash loop.
`healthy`: the object exists and nothing fails now; past trouble (old restarts, old probe blips) is said
as history, with when. `unknown`: something is not right and no analyzer explained it; say what was
checked and what was ruled out.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import item, make_finding, name_of, ns_of
from shared.analyzers.kube_facts import WORKLOAD_KINDS, condition, is_true, parse_time
from shared.analyzers.strength import Strength
from shared.analyzers.target import container_states, is_unhealthy, owner_of, target_pods, target_workload
from shared.categories import HEALTHY, NOT_FOUND, UNKNOWN
from shared.cluster.kinds import CLUSTER_SCOPED, resource_for_kind
from shared.diagnosis import EvidenceItem, Finding
from shared.tools.core import event_time

# Kinds whose absence a trigger can name; pods and workloads are resolved through target_pods/_workload.
_OBJECT_KINDS: Final = ("HorizontalPodAutoscaler", "PersistentVolumeClaim", "Service", "Node", "Job", "CronJob",
                        "StatefulSet", "DaemonSet", "Deployment", "ReplicaSet")
_LISTED_WORKLOADS: Final = ("deployments", "statefulsets", "daemonsets", "cronjobs")


def subject_of(evidence: Evidence) -> tuple[str, str, str]:
    """(kind, name, namespace) of what the trigger names: the pod, else the object, else the namespace."""
    inc = evidence.incident
    if inc.pod:
        return "Pod", inc.pod, inc.namespace
    if inc.object_kind and inc.object_name and inc.object_kind != "Namespace":
        return inc.object_kind, inc.object_name, inc.namespace
    if inc.workload_kind and inc.workload:
        return inc.workload_kind, inc.workload, inc.namespace
    return "Namespace", inc.namespace, ""


def is_sweep(evidence: Evidence) -> bool:
    """A manual request that names only a namespace."""
    inc = evidence.incident
    return inc.source == "manual" and subject_of(evidence)[0] == "Namespace"


def not_found(evidence: Evidence) -> Finding | None:
    """A `not_found` verdict when the named object does not exist (nor, for a pod, its workload).

    The subject is read first (the analyzers read it too, so this costs nothing when it exists); the
    namespace only when the subject is missing. A read that failed is not an absence: no verdict then.
    """
    kind, name, ns = subject_of(evidence)
    if not name:
        return None
    if kind == "Namespace":
        exists = namespace_exists(evidence, name)
        return None if exists or reads_failed(evidence) else _namespace_missing(evidence, name)
    if kind == "Pod":
        if evidence.get("pods", name, ns) is not None:
            return None
        replacements = target_pods(evidence)
        if any(is_unhealthy(p) for p in replacements):
            return None  # replaced, and the replacements fail too: the investigation follows them
        workload = target_workload(evidence)
        if replacements or workload is not None:
            return _missing(evidence, kind, name, ns, now=_now_running(workload, replacements))
    elif kind in WORKLOAD_KINDS and evidence.incident.source == "manual":
        if target_workload(evidence) is not None:
            return None
    elif kind in _OBJECT_KINDS:
        if evidence.get(resource_for_kind(kind), name, ns or None) is not None:
            return None
    else:
        return None  # a kind we cannot look up: no verdict either way
    if reads_failed(evidence):
        return None
    scoped = resource_for_kind(kind) not in CLUSTER_SCOPED
    return _missing(evidence, kind, name, ns, namespace_missing=bool(ns) and scoped and not namespace_exists(
        evidence, ns))


def reads_failed(evidence: Evidence) -> bool:
    """True when some read failed (refused, timed out, out of budget): absence then proves nothing."""
    return any(not r.ok for r in (getattr(evidence, "results", None) or {}).values())


def namespace_exists(evidence: Evidence, ns: str) -> bool:
    if evidence.get("namespaces", ns) is not None:
        return True
    # A dump has no Namespace objects: a namespace exists when something lives in it.
    return any(evidence.list(kind, ns) for kind in ("pods", "deployments", "services", "events"))


def _now_running(workload: Mapping[str, Any] | None, pods: Sequence[Mapping[str, Any]]) -> str:
    """What replaced a pod that is gone: its workload and the pods it runs now, all healthy."""
    owner = f"{workload.get('kind', 'workload')} {name_of(workload)}" if workload is not None else "its workload"
    return (f"{owner} exists and now runs {len(pods)} pod(s), all Running and Ready "
            f"({', '.join(name_of(p) for p in pods[:4])}): the pod was replaced and the trigger is stale")


def _missing(evidence: Evidence, kind: str, name: str, ns: str, namespace_missing: bool = False,
             now: str = "") -> Finding:
    resource = resource_for_kind(kind)
    near: list[str] = []
    elsewhere = [o for o in evidence.list(resource) if name_of(o) == name and ns_of(o) != ns] \
        if resource not in CLUSTER_SCOPED else []
    near += [f"{kind} {name} exists in namespace {ns_of(o)}" for o in elsewhere[:3]]
    same_kind = [name_of(o) for o in evidence.list(resource, ns or None)]
    near += [f"a {kind} named {n}" for n in difflib.get_close_matches(name, same_kind, n=3, cutoff=0.6)]
    workloads = workload_names(evidence, ns) if ns else []
    stem = name.rsplit("-", 2)[0] if kind == "Pod" else name
    near += [f"workload {w}" for w in difflib.get_close_matches(stem, [w.split("/", 1)[1] for w in workloads],
                                                                   n=3, cutoff=0.6)
             if not any(w in n for n in near)]
    where = f" in namespace {ns}" if ns and resource not in CLUSTER_SCOPED else ""
    if namespace_missing:
        near.append(f"namespace {ns} itself does not exist")
    if now:
        near.insert(0, now)
    nearby = "; ".join(near) if near else "nothing with a similar name"
    listing = f" The workloads in {ns}: {', '.join(workloads[:10])}." if workloads else ""
    return make_finding(
        NOT_FOUND,
        f"{kind} {name} does not exist{where}",
        f"The {kind} {name} that the {_trigger(evidence)} names does not exist{where}, so there is nothing to "
        f"diagnose there. Nearby: {nearby}.{listing}",
        [item(f"{resource}{'/' + ns if where else ''}", f"no {kind} named {name}; nearby: {nearby}")],
        [f"Check the name and namespace the {_trigger(evidence)} uses" + (
            f" (did it mean {near[0]}?)" if near else "") + "; if the object was deleted, resolve the alert "
         "or remove the rule that still targets it."],
        [f"kubectl get {resource} -A | grep {stem}"],
        Strength.OBJECT_MISSING,
        "verdicts",
    )


def _namespace_missing(evidence: Evidence, ns: str, what: str = "") -> Finding:
    names = sorted({name_of(n) for n in evidence.list("namespaces")} | {ns_of(p) for p in evidence.list("pods")})
    close = difflib.get_close_matches(ns, names, n=3, cutoff=0.6)
    hint = f" Similar namespaces: {', '.join(close)}." if close else ""
    subject = f"{what} in namespace {ns}" if what else f"Namespace {ns}"
    return make_finding(
        NOT_FOUND,
        f"namespace {ns} does not exist",
        f"{subject}: namespace {ns} does not exist in this cluster.{hint} Namespaces: {', '.join(names[:12])}.",
        [item("namespaces", f"no namespace {ns}; present: {', '.join(names[:12])}")],
        [f"Check the namespace name (did it mean {close[0]}?)." if close else "Check the namespace name."],
        ["kubectl get namespaces"],
        Strength.OBJECT_MISSING,
        "verdicts",
    )


def workload_names(evidence: Evidence, ns: str) -> list[str]:
    return [f"{o.get('kind', r[:-1]).lower()}/{name_of(o)}" for r in _LISTED_WORKLOADS for o in evidence.list(r, ns)]


def _trigger(evidence: Evidence) -> str:
    return {"alertmanager": f"alert {evidence.incident.reason}", "manual": "request"}.get(
        evidence.incident.source, f"event {evidence.incident.reason}")


def healthy_or_unknown(evidence: Evidence, checked: Sequence[str]) -> Finding:
    """No analyzer found a failure: healthy when the subject shows none now, else an honest unknown."""
    pods = target_pods(evidence)
    workload = target_workload(evidence)
    kind, name, ns = subject_of(evidence)
    broken = [p for p in pods if is_unhealthy(p) and (p.get("status") or {}).get("phase") != "Succeeded"
              and not _retried_job_pod(evidence, p)]
    short = _replicas_short(workload) or _hpa_short(evidence, kind, name, ns)
    if not broken and not short and not reads_failed(evidence) and (
            pods or workload is not None or kind not in ("Pod", "Namespace")):
        return healthy(evidence, f"{kind} {name}", pods, workload)
    return unknown(evidence, checked, broken or pods, short)


def _retried_job_pod(evidence: Evidence, pod: Mapping[str, Any]) -> bool:
    """A failed attempt of a Job that then completed (within its backoffLimit): history, not a failure."""
    owner = owner_of(pod)
    if (pod.get("status") or {}).get("phase") != "Failed" or not owner or owner[0] != "Job":
        return False
    job = evidence.get("jobs", owner[1], ns_of(pod))
    return is_true(condition(job, "Complete"))


def healthy(evidence: Evidence, subject: str, pods: Sequence[Mapping[str, Any]],
            workload: Mapping[str, Any] | None, looked_at: Sequence[str] = ()) -> Finding:
    history = history_of(evidence, pods)
    ready = f"{len(pods)}/{len(pods)} pods Running and Ready" if pods else "no failing condition"
    if workload is not None:
        status = workload.get("status") or {}
        want = (workload.get("spec") or {}).get("replicas", status.get("replicas"))
        if want is not None:
            ready = f"{status.get('readyReplicas', 0)}/{want} replicas Ready"
    past = (" History only (not failing now): " + "; ".join(h.excerpt for h in history[:4]) + ".") if history \
        else " No restarts or warnings on record."
    checked = f" Checked: {', '.join(looked_at[:12])}." if looked_at else ""
    return make_finding(
        HEALTHY,
        f"{subject} is healthy: {ready}",
        f"{subject} exists and shows no failure now ({ready}).{checked}{past}",
        [item(f"{subject.lower().replace(' ', '/')} status", ready), *history[:6]],
        ["Nothing to fix now. If a person saw a problem, check what calls this workload and when it happened."
         if not history else "Nothing to fix now; if the past trouble recurs, it will show as a new failure."],
        [f"kubectl -n {evidence.incident.namespace} get pods -o wide",
         f"kubectl -n {evidence.incident.namespace} get events --sort-by=.lastTimestamp"],
        Strength.STATE_SAYS,
        "verdicts",
    )


def history_of(evidence: Evidence, pods: Iterable[Mapping[str, Any]]) -> list[EvidenceItem]:
    """Past trouble of pods that are fine now: restarts with their last exit, warnings, each with when."""
    out = []
    for pod in list(pods)[:5]:
        ns, pod_name = ns_of(pod), name_of(pod)
        for c in container_states(pod):
            last = c.last_terminated or {}
            if c.restarts and last:
                out.append(item(f"pod/{ns}/{pod_name} history",
                                f"container {c.name} restarted {c.restarts} time(s), last exit {last.get('exitCode')} "
                                f"({last.get('reason', '?')}) at {_when(last.get('finishedAt'))}"))
        for e in evidence.events_for("Pod", pod_name, ns):
            if e.get("type") == "Warning":
                count = e.get("count") or 1
                out.append(item(f"events pod/{ns}/{pod_name} history",
                                f"{e.get('reason')} x{count}, last at {_when(event_time(e))}: {e.get('message', '')}"))
    return out


def _when(stamp: Any) -> str:
    parsed = parse_time(stamp)
    return parsed.strftime("%Y-%m-%d %H:%M UTC") if parsed else "an unknown time"


def _replicas_short(workload: Mapping[str, Any] | None) -> str:
    if workload is None:
        return ""
    spec, status = workload.get("spec") or {}, workload.get("status") or {}
    if workload.get("kind") in ("Deployment", "StatefulSet", "ReplicaSet"):
        want, ready = spec.get("replicas", 1), status.get("readyReplicas", 0) or 0
        return f"{name_of(workload)}: {ready}/{want} replicas ready" if ready < want else ""
    if workload.get("kind") == "DaemonSet":
        want, ready = status.get("desiredNumberScheduled", 0), status.get("numberReady", 0)
        return f"{name_of(workload)}: {ready}/{want} pods ready" if ready < want else ""
    return ""


def _hpa_short(evidence: Evidence, kind: str, name: str, ns: str) -> str:
    """An HPA that does not have the replicas it wants is not healthy, whatever its conditions say."""
    if kind != "HorizontalPodAutoscaler":
        return ""
    status = (evidence.get("horizontalpodautoscalers", name, ns) or {}).get("status") or {}
    want, have = status.get("desiredReplicas"), status.get("currentReplicas")
    return f"HPA {name} wants {want} replicas and has {have}" if want is not None and want != have else ""


def unknown(evidence: Evidence, checked: Sequence[str], pods: Sequence[Mapping[str, Any]], short: str) -> Finding:
    kind, name, ns = subject_of(evidence)
    seen = [f"pod {name_of(p)}: {_state(p)}" for p in pods[:4]] + ([short] if short else [])
    looked = ", ".join(seen) or f"{kind} {name}"
    ruled = ", ".join(checked) or "no known failure class applied"
    return make_finding(
        UNKNOWN,
        f"{kind} {name}: something is not right, and no known failure pattern explains it",
        f"Checked {looked}, with their events and logs. Ruled out: {ruled}. A person should look at what "
        "changed recently and at the pod's events as they happen.",
        [item(f"{kind.lower()}/{ns}/{name}", looked)],
        ["Read the pod's events and logs (current and previous); check recent changes to the workload "
         "and to what it depends on."],
        [f"kubectl -n {ns} describe {kind.lower()} {name}", f"kubectl -n {ns} get events --sort-by=.lastTimestamp"],
        Strength.GUESS,
        "verdicts",
        confidence=0.2,
    )


def _state(pod: Mapping[str, Any]) -> str:
    for c in container_states(pod):
        if c.waiting_reason:
            return f"{c.name} waiting {c.waiting_reason}"
        if not c.ready and not c.init:
            return f"{c.name} not ready"
    return str((pod.get("status") or {}).get("phase", "?"))
