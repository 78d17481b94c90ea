"""The security auditor's analyzer: read the namespace (or the cluster) and report what the audit finds.

Every read goes through Evidence, so it is a recorded, checkpointed tool call like the
troubleshooter's. What triggered it sets the subject: a binding event, or a request naming a workload
(or a bare pod), is an audit of that object (its findings or its healthy/by-design verdict are the
answer, the rest of the namespace is context); a runtime alert (Falco) puts its pod first and says what
its account can do; an audit request sweeps the namespace and its most severe finding heads. Nothing
found is said as such, with what was checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import make_finding
from shared.analyzers.strength import Strength
from shared.categories import HEALTHY
from shared.diagnosis import EvidenceItem, Finding
from shared.incident import Incident
from shared.security.audit import Audit, audit, category_of, rank_key, strength_of
from shared.security.issues import SecurityIssue
from shared.security.policy_findings import engine_issues, is_policy_incident, policy_finding
from shared.security.rbac import RbacGraph, bindings_of
from shared.security.subject import Subject, now_from, trigger_subject
from shared.tools.spec import ToolCall

SHOWN: Final = 8
_NOTHING: Final = ("nothing breaks the Pod Security Standards, no binding grants more than its role needs, images are "
                   "pinned")
_NOTHING_ON_BINDING: Final = "the binding grants nothing the auditor rates dangerous (what it does grant is noted below)"
_WORKLOADS: Final = ("deployments", "statefulsets", "daemonsets", "cronjobs")


class SecurityAnalyzer:
    name = "security_audit"

    def __init__(self, allowed_registries: Sequence[str] = ()) -> None:
        self._allowed = tuple(allowed_registries)

    def handles(self, incident: Incident) -> bool:
        return True  # the auditor's only analyzer: every incident routed here is an audit

    def first_tools(self, incident: Incident) -> list[ToolCall]:
        ns = incident.namespace or None
        reads = [("roles", ns), ("rolebindings", ns), ("clusterroles", None), ("clusterrolebindings", None),
                 ("nodes", None)]  # the nodes' heartbeats are the cluster's "now": how old a grant is
        if incident.object_kind not in ("RoleBinding", "ClusterRoleBinding"):
            reads += [("networkpolicies", ns), ("pods", ns), *((kind, ns) for kind in _WORKLOADS)]
        calls = [ToolCall("list_resources", {k: v for k, v in (("kind", kind), ("namespace", n)) if v})
                 for kind, n in reads]
        if is_policy_incident(incident) or (ns and incident.object_kind not in ("RoleBinding", "ClusterRoleBinding")):
            calls.append(ToolCall("policy_reports", {"namespace": ns} if ns else {}))
        return calls

    def conclude(self, evidence: Evidence) -> Finding | None:
        inc = evidence.incident
        ns = inc.namespace or None
        graph = RbacGraph(evidence.list("roles", ns), evidence.list("clusterroles"), evidence.list("rolebindings", ns),
                          evidence.list("clusterrolebindings"))
        if inc.object_kind in ("RoleBinding", "ClusterRoleBinding"):
            # A binding event is about who can do what: the cluster's workloads are another audit.
            pods, workloads = [], []
        else:
            pods = evidence.list("pods", ns)
            owned = [p for p in pods if not (p.get("metadata") or {}).get("ownerReferences")]
            workloads = [w for kind in _WORKLOADS for w in evidence.list(kind, ns)] + owned
        on_binding = inc.object_kind in ("RoleBinding", "ClusterRoleBinding")
        result = audit(ns, workloads, graph, evidence.list("networkpolicies", ns) if ns else (), pods, self._allowed,
                       now=_now(evidence), network=not on_binding)
        if is_policy_incident(inc):  # a policy engine's verdict: checked against the live object
            reports = evidence.read("policy_reports", {"namespace": ns} if ns else {})
            return policy_finding(inc, reports, [*pods, *workloads], result, self._allowed, evidence.get)
        if ns and inc.object_kind not in ("RoleBinding", "ClusterRoleBinding"):  # what the policy engines see that the audit cannot (custom rules, their own parameters)
            seen, said = engine_issues(evidence.read("policy_reports", {"namespace": ns}), result.issues)
            result = replace(result, issues=tuple(sorted([*result.issues, *seen], key=rank_key)),
                             checked=(*result.checked, said))
        if inc.reason.startswith("Falco ") and inc.pod:
            return _runtime_finding(inc, pods, graph, _focus(result.issues, inc))
        subject = trigger_subject(inc, graph, workloads)
        if subject is None:  # a namespace (or cluster) audit: the most severe finding heads
            return _finding(inc, result, result.issues)
        own = [i for i in result.issues if subject.owns(i)]
        return _finding(inc, result, own, [i for i in result.issues if i not in own], subject)


def _now(evidence: Evidence) -> Any:
    inc = evidence.incident
    return now_from([inc.last_seen, inc.first_seen, *(c.get("lastHeartbeatTime") for n in evidence.list("nodes")
                                                      for c in (n.get("status") or {}).get("conditions") or [])])


def _focus(issues: Sequence[SecurityIssue], inc: Incident) -> list[SecurityIssue]:
    """The trigger's own object first (the binding an event named, the pod a Falco alert names)."""
    named = {f"{inc.object_kind}/{inc.namespace}/{inc.object_name}", f"{inc.object_kind}/{inc.object_name}"}
    if inc.pod:
        named.add(f"Pod/{inc.namespace}/{inc.pod}")
    if inc.workload_kind and inc.workload:
        named.add(f"{inc.workload_kind}/{inc.namespace}/{inc.workload}")
    first = [i for i in issues if i.object in named or any(n in i.evidence for n in named if "/" in n)]
    return first + [i for i in issues if i not in first]


def _runtime_finding(inc: Incident, pods: Sequence[dict[str, Any]], graph: RbacGraph,
                     issues: Sequence[SecurityIssue]) -> Finding:
    """A runtime alert (Falco) about a pod: what happened, and what the pod's account could do with it."""
    rule = inc.reason.removeprefix("Falco ")
    pod = next((p for p in pods if (p.get("metadata") or {}).get("name") == inc.pod), None)
    account = ((pod or {}).get("spec") or {}).get("serviceAccountName") or "default"
    subject = f"ServiceAccount/{inc.namespace}/{account}"
    powers = [i for i in issues if i.object == subject and i.check.startswith(("can_", "cluster_admin"))]
    reach = "; ".join(i.evidence for i in powers) or f"{subject} holds no dangerous permission"
    where = f"Pod/{inc.namespace}/{inc.pod}"
    alive = "The pod still runs" if pod else "The pod no longer exists (look for a replacement and the node's logs)"
    evidence = [EvidenceItem(f"falco · {where}", inc.message), EvidenceItem(f"rbac · {subject}", reach)]
    evidence += [EvidenceItem(f"{i.severity} · {i.object} · {i.check}", i.evidence) for i in issues[:4]
                 if i not in powers]
    return make_finding(
        "security_runtime_alert", f"Falco: {rule} in {where}" + (" whose account can " + powers[0].danger[0]
                                                                 .removeprefix("can ") if powers and powers[0].danger
                                                                 else ""),
        f"Falco reports '{rule}' in {where} ({inc.message}). {alive}. What the pod could reach: {reach}.",
        evidence,
        ["Find who opened it: the API audit log (pods/exec by user), the node's Falco output for the process tree",
         f"If it was not a person on call, isolate the pod (a deny-all NetworkPolicy on its labels) and rotate what "
         f"{subject} can read",
         *(f"[{i.severity}] {i.fix}" for i in powers[:3])],
        [f"kubectl -n {inc.namespace} get pod {inc.pod} -o yaml",
         bindings_of(inc.namespace, account),
         f"kubectl -n {inc.namespace} get events --field-selector involvedObject.name={inc.pod}"],
        Strength.STATE_SAYS, SecurityAnalyzer.name)


def _finding(inc: Incident, result: Audit, issues: Sequence[SecurityIssue],
             context: Sequence[SecurityIssue] = (), subject: Subject | None = None) -> Finding:
    """The audit's answer: its subject's most severe finding, or an honest healthy (with what was checked)."""
    where = subject.name if subject else f"namespace {inc.namespace}" if inc.namespace else "the cluster"
    checked = "; ".join(result.checked)
    by_design = (f" Privileged by design and not reported: {', '.join(result.by_design)}."
                 if result.by_design and not subject else "")
    notes = [n for n in result.notes if not subject or subject.name in n]
    noted = f" Not findings: {'; '.join(notes)}." if notes else ""
    aside = ""
    if subject and context:
        aside = (f" Elsewhere (context, not this audit's subject): {len(context)} findings, the worst "
                 f"{context[0].severity} {context[0].check.replace('_', ' ')} on {context[0].object}.")
    shown_context = [EvidenceItem(f"context · {i.severity} · {i.object} · {i.check}", i.evidence) for i in context[:3]]
    if not issues:
        said, strength = subject.healthy(result) if subject else ("", Strength.STATE_SAYS)
        if notes and any("known, managed grant" in n for n in notes):
            strength = min(strength, Strength.CONTEXT)  # a judgement about a grant, not a reading
        return make_finding(
            HEALTHY, f"No security findings on {where}" + (" (by design)" if "by design" in said else ""),
            f"{said}Checked {checked}: {_NOTHING_ON_BINDING if subject and subject.is_binding else _NOTHING}."
            f"{by_design}{noted}{aside}",
            [EvidenceItem("checked", checked), *(EvidenceItem("note", n) for n in notes), *shown_context],
            ["Review the members of the group in the identity provider" for n in notes if "known, managed" in n][:1],
            [f"kubectl get rolebindings,networkpolicies -n {inc.namespace}" if inc.namespace
             else "kubectl get clusterrolebindings"], strength, SecurityAnalyzer.name)
    top = issues[0]
    counts = {s: sum(1 for i in issues if i.severity == s) for s in ("critical", "high", "medium", "low")}
    tally = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    danger = f" What makes it dangerous here: {'; '.join(top.danger)}." if top.danger else ""
    root = (f"{top.object}: {top.evidence}. This breaks {top.rule}.{danger} {len(issues)} findings in {where} "
            f"({tally}).{by_design}{noted}{aside}")
    evidence = [EvidenceItem(f"{i.severity} · {i.object} · {i.check}",
                             f"{i.evidence} (breaks {i.rule})" + (f"; {'; '.join(i.danger)}" if i.danger else ""))
                for i in issues[:SHOWN]]
    recommendations = list(dict.fromkeys(f"[{i.severity}] {i.fix}" for i in issues[:SHOWN]))
    return make_finding(category_of(top), f"{top.severity.capitalize()}: {top.check.replace('_', ' ')} on "
                        f"{top.object} ({tally} in {where})", root, [*evidence, *shown_context], recommendations,
                        _commands(inc, issues[:SHOWN]), strength_of(top), SecurityAnalyzer.name)


def _commands(inc: Incident, issues: Sequence[SecurityIssue]) -> list[str]:
    """Read-only commands that show each issue to a person (never a fix: those are text)."""
    commands: list[str] = []
    for issue in issues:
        kind, _, rest = issue.object.partition("/")
        if kind == "ServiceAccount":
            commands.append(bindings_of(*rest.partition("/")[::2]))
        elif kind in ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Pod"):
            ns, _, name = rest.partition("/")
            commands.append(f"kubectl -n {ns} get {kind.lower()} {name} -o yaml")
        elif kind == "Namespace":
            commands.append(f"kubectl -n {rest} get networkpolicies")
    return list(dict.fromkeys(commands))[:6] or [f"kubectl get rolebindings -n {inc.namespace}"]


def build_analyzers(settings: Any = None) -> dict[str, SecurityAnalyzer]:
    """The auditor's registry (one analyzer: the audit), with the image registry allow-list from settings."""
    allowed = tuple(getattr(settings, "allowed_registries", ()) or ())
    return {"security_audit": SecurityAnalyzer(allowed)}
