"""The dependency walk: from a failing pod, along what it depends on, to the first broken thing.

A link is followed only when the symptom points at it: a host in the connection failure it died of (or,
weaker, in its env when the failure names no host), a Job or host its init container waits for, the pods
behind a Service, the claim, node or ConfigMap a dependency pod is stuck on. Each dependency pod is
explained by the registry's own analyzers, run about that pod; when its failure is itself only a symptom,
the walk goes on from there. Bounded: at most MAX_DEPTH dependency hops, a fixed read budget, and an
object already on the path is never visited twice.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from shared.analyzers import dependencies as deps
from shared.analyzers.base import Analyzer, Evidence
from shared.analyzers.chain_pods import (
    Link,
    Symptom,
    leaf_links,
    pod_observation,
    quota_links,
    readers_for,
    symptom_of,
)
from shared.analyzers.chain_reads import OutOfReads, ReadBudget, ScopedEvidence, explain, incident_about
from shared.analyzers.kube_facts import clip, condition, is_true, labels_of, name_of
from shared.analyzers.target import is_unhealthy
from shared.cluster.selectors import matches_match_labels
from shared.diagnosis import Finding

MAX_DEPTH: Final = 3  # dependency hops from the symptom; the objects a stuck pod names (claim, node) are leaves
# Failure classes that are only symptoms when a dependency is broken: the walk goes on behind them.
# Failure classes of a pod that are only its symptom: a root in the same pod's own configuration keeps them.
POD_SYMPTOMS: Final = frozenset({"crashloop_app_error", "init_container_failure", "readiness_probe_failure",
                                 "liveness_probe_failure", "startup_probe_failure", "unknown"})
SYMPTOMS: Final = POD_SYMPTOMS | {"service_no_endpoints", "job_backoff_limit"}


@dataclass(frozen=True)
class Trail:
    """A walk's result: the links symptom first, root last, and what the root is."""

    links: tuple[Link, ...]
    category: str
    root: Finding | None  # the root's own explanation, from the analyzer that recognised it
    confidence: float  # how sure the root's own reading is (links aside)
    stopped: str = ""  # why the walk stopped before the end, if it did


class Walk:
    def __init__(self, evidence: Evidence, analyzers: Mapping[str, Analyzer]) -> None:
        self.base = evidence
        self.analyzers = analyzers
        self.budget = ReadBudget()
        self.ev = ScopedEvidence(evidence, evidence.incident, self.budget)
        self.seen: set[str] = set()

    # --- from a symptom -------------------------------------------------------------------------

    def from_pod(self, pod: dict[str, Any], depth: int = 0) -> Trail | None:
        """The broken dependency behind this pod's symptom, or None when none is found broken."""
        symptom = symptom_of(pod)
        if symptom is None:
            return None
        self.seen.add(_ref(pod))
        observed, inferred, failure = self._named(pod, symptom)
        for named, is_observed in [(n, True) for n in observed] + [(n, False) for n in inferred]:
            trail = self._follow(named, pod, depth + 1)
            if trail is not None:
                first = Link(_ref(pod), symptom.observation(named, failure), observed=True)
                links = trail.links
                if not is_observed:
                    links = (replace(links[0], observed=False, observation=f"{links[0].observation} (inferred: "
                                     f"{named.where} names it; the failure itself names no host)"), *links[1:])
                return replace(trail, links=(first, *links))
        return None

    def own_root(self, pod: dict[str, Any]) -> Trail | None:
        """A pod whose own failure lies in another object it needs: its claim and class, node, ConfigMap."""
        finding = self._explain("Pod", name_of(pod), _ns(pod), pod=name_of(pod), readers=readers_for(pod))
        if finding is None:
            return None
        leaves, category = leaf_links(self.ev, pod, finding, own=True)
        if not leaves or category != finding.category:
            return None
        return Trail((Link(_ref(pod), pod_observation(pod, None)), *leaves), category, finding, finding.confidence)

    def from_service(self, namespace: str, name: str) -> Trail | None:
        svc = self.ev.get("services", name, namespace)
        return self._service_trail(svc, namespace, name, 1) if svc is not None else None

    def _named(self, pod: dict[str, Any], symptom: Symptom) -> tuple[list[deps.Named], list[deps.Named], str]:
        """Dependencies the symptom names itself (observed), those only its env names (inferred), the failure."""
        ns, name = _ns(pod), name_of(pod)
        log = self.ev.logs(ns, name, symptom.container, previous=symptom.previous, tail_lines=symptom.tail)
        if not log and symptom.previous:
            log = self.ev.logs(ns, name, symptom.container, tail_lines=symptom.tail)
        named = deps.waits_of(symptom.spec) if symptom.init else []
        named += deps.hosts_in_log(log, f"logs of {symptom.container}")
        failure = deps.failure_in_log(log)
        if named or failure is None:
            return named, [], ""
        line = failure[1].strip().splitlines()[0]
        return named, deps.hosts_in_env(symptom.spec.get("env") or [], self._configmap_env(pod, symptom)), line

    def _configmap_env(self, pod: dict[str, Any], symptom: Symptom) -> dict[str, str]:
        """Env values a container loads from ConfigMaps (never Secrets), by variable name."""
        out: dict[str, str] = {}
        for e in symptom.spec.get("env") or []:
            ref = (e.get("valueFrom") or {}).get("configMapKeyRef") or {}
            if ref.get("name") and (cm := self.ev.get("configmaps", ref["name"], _ns(pod))):
                out[str(e.get("name"))] = str((cm.get("data") or {}).get(ref.get("key"), ""))
        for source in symptom.spec.get("envFrom") or []:
            ref = source.get("configMapRef") or {}
            if ref.get("name") and (cm := self.ev.get("configmaps", ref["name"], _ns(pod))):
                out.update({f"{source.get('prefix', '')}{k}": str(v) for k, v in (cm.get("data") or {}).items()})
        return out

    # --- one named dependency -----------------------------------------------------------------------

    def _follow(self, named: deps.Named, pod: dict[str, Any], depth: int) -> Trail | None:
        if depth > MAX_DEPTH:
            return None
        ns = _ns(pod)
        if named.job:
            return self._job_trail(ns, named.host, depth)
        if deps.is_ip(named.host):
            svc = next((s for s in self._all_services() if (s.get("spec") or {}).get("clusterIP") == named.host), None)
            return self._service_trail(svc, _ns(svc), name_of(svc), depth) if svc else None
        where = deps.service_of_host(named.host, ns)
        if where is None:
            return None
        svc_ns, svc_name = where
        svc = self.ev.get("services", svc_name, svc_ns)
        if svc is not None and named.how == deps.HOW_DNS:
            # The Service exists, yet its name does not resolve: the cluster DNS is what to look at first.
            dns = self.ev.get("services", "kube-dns", "kube-system")
            trail = self._service_trail(dns, "kube-system", "kube-dns", depth) if dns else None
            if trail is not None:
                return trail
        if svc is not None:
            return self._service_trail(svc, svc_ns, svc_name, depth)
        if named.how not in (deps.HOW_DNS, deps.HOW_WAITS) or "." in named.host and ".svc" not in named.host:
            return None  # an outside name, or a name that is not known to fail: not evidence of anything
        return self._missing_service(svc_ns, svc_name)

    def _all_services(self) -> list[dict[str, Any]]:
        return self.ev.list("services")

    def _missing_service(self, ns: str, name: str) -> Trail:
        elsewhere = [f"{name}.{_ns(s)}.svc" for s in self._all_services() if name_of(s) == name and _ns(s) != ns]
        here = [name_of(s) for s in self._all_services() if _ns(s) == ns]
        stem = name.split("-", 1)[0]
        close = list(dict.fromkeys(difflib.get_close_matches(name, here, n=2, cutoff=0.5)
                                   + [h for h in here if h.split("-", 1)[0] == stem and h != name]))[:3]
        said = f"Service {name} does not exist in namespace {ns}"
        if elsewhere:
            said += f"; a Service of that name exists as {', '.join(elsewhere)}"
        if close:
            said += f"; Services with similar names here: {', '.join(close)}"
        return Trail((Link(f"Service/{ns}/{name}", said),), "", None, 0.88)

    def _job_trail(self, ns: str, name: str, depth: int) -> Trail | None:
        ref = f"Job/{ns}/{name}"
        if ref in self.seen:
            return None
        self.seen.add(ref)
        job = self.ev.get("jobs", name, ns)
        if job is None:
            return Trail((Link(ref, f"Job {name} does not exist in namespace {ns}"),), "", None, 0.85)
        if not is_true(condition(job, "Failed")):
            return None  # running or complete: the wait is not stuck on a broken Job
        finding = self._explain("Job", name, ns, readers=("jobs",))
        link = Link(ref, clip(job_failure(job) + (f"; {finding.summary}" if finding else ""), 300))
        deeper = self._behind_job(ns, name, depth)
        if deeper is not None:
            return replace(deeper, links=(link, *deeper.links))
        category = finding.category if finding else "job_backoff_limit"
        return Trail((link,), category, finding, finding.confidence if finding else 0.8)

    def _behind_job(self, ns: str, name: str, depth: int) -> Trail | None:
        """What the Job's latest failed pod depends on that is broken, if anything."""
        pods = [p for p in self.ev.list("pods", ns, label_selector=f"job-name={name}") if symptom_of(p)]
        pods.sort(key=lambda p: str((p.get("metadata") or {}).get("creationTimestamp", "")))
        return self.from_pod(pods[-1], depth) if pods and depth < MAX_DEPTH else None

    def from_job(self, ns: str, name: str) -> Trail | None:
        """From a failed Job the incident names: the Job, its failed pod, the broken thing behind it."""
        job = self.ev.get("jobs", name, ns)
        if job is None or not is_true(condition(job, "Failed")):
            return None
        self.seen.add(f"Job/{ns}/{name}")
        deeper = self._behind_job(ns, name, 0)
        return replace(deeper, links=(Link(f"Job/{ns}/{name}", job_failure(job)), *deeper.links)) if deeper else None

    # --- a Service and the pods behind it -------------------------------------------------------------

    def _service_trail(self, svc: dict[str, Any], ns: str, name: str, depth: int) -> Trail | None:
        ref = f"Service/{ns}/{name}"
        spec = svc.get("spec") or {}
        selector = spec.get("selector") or {}
        if ref in self.seen or not selector or spec.get("type") == "ExternalName":
            return None  # endpoints managed by hand, or outside the cluster: not ours to judge
        self.seen.add(ref)
        pods = [p for p in self.ev.list("pods", ns) if matches_match_labels(labels_of(p), {"matchLabels": selector})]
        if any(_is_ready(p) for p in pods):
            return None
        sel = ",".join(f"{k}={v}" for k, v in selector.items())
        if not pods:
            return self._nothing_selected(ns, name, sel, selector)
        fresh = [p for p in pods if _ref(p) not in self.seen]
        if not fresh:
            return None  # its pods are already on the path: a cycle, not a new broken thing
        pod = sorted(fresh, key=lambda p: (not is_unhealthy(p), name_of(p)))[0]
        link = Link(ref, f"no ready endpoints: {len(pods)} pod(s) match {sel}, none is ready")
        try:
            trail = self._pod_trail(pod, depth)
        except OutOfReads:
            trail = None
        if trail is None:
            return Trail((link,), "service_no_endpoints", None, 0.8,
                         stopped="the read budget was spent" if self.budget.spent else "")
        if not trail.category:  # nothing explains why its pods are not ready: the Service is what is seen
            trail = replace(trail, category="service_no_endpoints")
        return replace(trail, links=(link, *trail.links))

    def _nothing_selected(self, ns: str, name: str, sel: str, selector: dict[str, str]) -> Trail:
        ref = f"Service/{ns}/{name}"
        for kind in ("deployments", "statefulsets"):
            for w in self.ev.list(kind, ns):
                labels = (((w.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("labels") or {}
                if matches_match_labels(labels, {"matchLabels": selector}):
                    replicas = (w.get("spec") or {}).get("replicas", 1)
                    kind_name = "Deployment" if kind == "deployments" else "StatefulSet"
                    said = (f"scaled to 0 replicas: {kind_name} {name_of(w)} runs no pod for {sel}" if replicas == 0
                            else f"wants {replicas} replicas but has no pod for {sel}")
                    links = [Link(ref, f"no endpoints: selector {sel} matches no pod"),
                             Link(f"{kind_name}/{ns}/{name_of(w)}", said)]
                    finding = None if replicas == 0 else self._explain(kind_name, name_of(w), ns,
                                                                        readers=("quota", "rollout"))
                    if finding is None:
                        return Trail(tuple(links), "service_no_endpoints", None, 0.9)
                    links[-1] = Link(links[-1].object, clip(f"{said} — {finding.summary}", 300))
                    return Trail((*links, *quota_links(finding, ns)), finding.category, finding, finding.confidence)
        pods = self.ev.list("pods", ns)
        near = _near_labels(pods, selector)
        said = f"no endpoints: selector {sel} matches no pod in {ns}" + (
            f" (pods that look intended carry {near})" if near else "")
        return Trail((Link(ref, said),), "service_no_endpoints", None, 0.9)

    def _explain(self, kind: str, name: str, ns: str, pod: str | None = None,
                 readers: tuple[str, ...] = ()) -> Finding | None:
        """The registry's best finding about one object, as if its own event had triggered an investigation."""
        try:
            return explain(self.analyzers, ScopedEvidence(self.base, incident_about(
                self.base.incident, kind, name, ns, pod=pod), self.budget), readers)
        except OutOfReads:
            return None

    def _pod_trail(self, pod: dict[str, Any], depth: int) -> Trail | None:
        """Why a dependency pod is not ready: its own root, or (a symptom itself) the walk behind it."""
        ref = _ref(pod)
        if ref in self.seen:
            return None
        ns, name = _ns(pod), name_of(pod)
        finding = self._explain("Pod", name, ns, pod=name, readers=readers_for(pod))
        link = Link(ref, pod_observation(pod, finding))
        symptom_only = finding is None or finding.category in SYMPTOMS
        if symptom_only and depth < MAX_DEPTH:
            deeper = self.from_pod(pod, depth)
            if deeper is not None:
                if not deeper.category:  # it names a Service or Job that does not exist: its own mistake
                    deeper = replace(deeper, category=finding.category if finding else "", root=finding)
                return replace(deeper, links=(replace(deeper.links[0], observation=link.observation),
                                              *deeper.links[1:]))
        self.seen.add(ref)
        stopped = (f"at most {MAX_DEPTH} dependency hops are followed, and {name} only shows a symptom itself"
                   if symptom_only and depth >= MAX_DEPTH and symptom_of(pod) is not None else "")
        if finding is None:
            return Trail((link,), "", None, 0.6, stopped)
        leaves, category = leaf_links(self.ev, pod, finding)
        return Trail((link, *leaves), category, finding, finding.confidence, stopped)


def job_failure(job: Mapping[str, Any]) -> str:
    failed = condition(job, "Failed") or {}
    return f"Failed ({failed.get('reason', 'Failed')}): {failed.get('message', '')}".strip(": ")


def _is_ready(pod: Mapping[str, Any]) -> bool:
    return is_true(condition(pod, "Ready")) and not (pod.get("metadata") or {}).get("deletionTimestamp")


def _near_labels(pods: list[dict[str, Any]], selector: dict[str, str]) -> str:
    """The labels of the pod that shares the most of the selector's keys or values: what was likely meant."""
    best, score = None, 0
    for p in pods:
        labels = labels_of(p)
        s = sum(1 for k in selector if k in labels) + sum(
            1 for v in selector.values() if any(v in str(lv) or str(lv) in v for lv in labels.values()))
        if s > score:
            best, score = labels, s
    if not best:
        return ""
    return ",".join(f"{k}={v}" for k, v in best.items() if k in selector or k in ("app", "app.kubernetes.io/name"))


def _ns(obj: Mapping[str, Any] | None) -> str:
    return str(((obj or {}).get("metadata") or {}).get("namespace", ""))


def _ref(obj: Mapping[str, Any]) -> str:
    kind, ns = str(obj.get("kind") or "Pod"), _ns(obj)
    return f"{kind}/{ns}/{name_of(obj)}" if ns else f"{kind}/{name_of(obj)}"
