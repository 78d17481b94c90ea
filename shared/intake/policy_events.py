"""Policy engines' verdicts as security incidents: Kyverno and Gatekeeper Events, and PolicyReports.

One violation is one incident per (engine, policy, rule, resource): the resource is lifted to its workload
(a replacement pod, or the Deployment Kyverno checks with an `autogen-` rule, is the same violation), so
Kyverno's two Events (on the policy and on the resource) and the report's fail result coalesce. Engines
repeat themselves every scan (Kyverno's background scan re-writes reports and Events, Gatekeeper audits
every 60 s), long after the coalescing window: each violation is an *episode* (`dedupe_key`), as an alert is,
so a repeat joins its investigation for as long as it is reported, and a report saying `pass` for it closes
the episode (failing again later is a new investigation). Pass, skip (a PolicyException) and error (the
engine could not evaluate: a policy problem, not a finding about the resource) start nothing.

Event shapes: Kyverno pkg/event (reason PolicyViolation; on the policy: `related` is the resource and the
message `Pod ns/name: [rule] fail; …`; on the resource: `policy P/R fail: …`); Gatekeeper (reason
AuditViolation from the audit with --emit-audit-events, FailedAdmission / WarningAdmission / DryrunViolation
from the webhook with --emit-admission-events; annotations `constraint_*` and `resource_*`; the Event sits in
gatekeeper-system unless the *-events-involved-namespace flag is set, so the resource's namespace is read from
the annotations or the message, never from the Event).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from shared.errors import InvalidInput
from shared.incident import Incident
from shared.intake import Noise, Resolved
from shared.intake.fingerprint import fingerprint, subject_of
from shared.intake.workload_names import workload_from_owner, workload_from_pod_name
from shared.security.policy_reports import FAILING, PolicyResult, base_rule, results_of_report

KYVERNO_REASON: Final = "PolicyViolation"
GATEKEEPER_REASONS: Final = {"AuditViolation": "audit", "FailedAdmission": "deny", "WarningAdmission": "warn",
                             "DryrunViolation": "dryrun"}
REASONS: Final = frozenset({KYVERNO_REASON, *GATEKEEPER_REASONS})
MAX_PER_REPORT: Final = 25  # a namespace-wide report failing everywhere: the rest are said, not investigated
# Closing an episode is a store read per passing result: bounded too (an episode left open ends by its TTL).
MAX_RESOLVED_PER_REPORT: Final = 100
_ON_POLICY = re.compile(r"^(?P<kind>[A-Za-z]+) (?:(?P<ns>[^/\s]+)/)?(?P<name>[^:\s]+): \[(?P<rule>[^\]]*)\] "
                        r"(?P<result>[a-z]+)(?P<blocked> \(blocked\))?(?:; (?P<msg>.*))?$", re.S)
_ON_RESOURCE = re.compile(r"^policy (?P<policy>[^/\s]+(?:/[^/\s]+)?)/(?P<rule>[^\s/]+) (?P<result>[a-z]+): ?"
                          r"(?P<msg>.*)$", re.S)
_GATEKEEPER_MSG = re.compile(r"(?:Resource Namespace: (?P<ns>[^,]*), )?Constraint: (?P<constraint>[^,]+), "
                             r"Message: (?P<msg>.*)$", re.S)


def is_policy_event(data: Mapping[str, Any]) -> bool:
    return isinstance(data.get("reason"), str) and data["reason"] in REASONS


def incident_from_policy_event(data: Mapping[str, Any], cluster: str) -> Incident | Noise:
    """A Kyverno or Gatekeeper violation Event (core/v1 as ApiServerSource sends it) as a security incident."""
    involved = data.get("involvedObject") or data.get("regarding")
    if not isinstance(involved, Mapping) or not isinstance(data.get("message") or data.get("note") or "", str):
        raise InvalidInput("data.involvedObject (an object) and data.message (a string) are required")
    message = str(data.get("message") or data.get("note") or "")
    when = data.get("lastTimestamp") or data.get("eventTime") or data.get("firstTimestamp")
    if data["reason"] == KYVERNO_REASON:
        result = _kyverno(involved, data.get("related"), message)
    else:
        result = _gatekeeper(str(data["reason"]), involved, data.get("metadata"), message)
    if result is None:
        return Noise(f"{data['reason']} Event whose message names no policy and rule", str(involved.get("kind", "")),
                     str(involved.get("name", "")))
    if result.result not in FAILING:
        return Noise(f"{result.engine} {result.policy}/{result.rule} {result.result}: the engine could not evaluate "
                     "the rule, or it passed; nothing about the resource to audit", result.kind, result.name)
    return violation_incident(result, cluster, reason=str(data["reason"]), when=when if isinstance(when, str)
                              else None)


def _kyverno(involved: Mapping[str, Any], related: Any, message: str) -> PolicyResult | None:
    if str(involved.get("apiVersion", "")).startswith("kyverno.io") or involved.get("kind") in ("ClusterPolicy",
                                                                                                  "Policy"):
        m = _ON_POLICY.match(message)
        if m is None:
            return None
        ref = related if isinstance(related, Mapping) else {}
        return PolicyResult("kyverno", str(involved.get("name", "")), base_rule(m["rule"]), m["result"],
                            str(ref.get("kind") or m["kind"]), str(ref.get("namespace") or m["ns"] or ""),
                            str(ref.get("name") or m["name"]), (m["msg"] or "").strip(),
                            action="deny" if m["blocked"] else "")
    m = _ON_RESOURCE.match(message)
    if m is None:
        return None
    return PolicyResult("kyverno", m["policy"].rpartition("/")[2], base_rule(m["rule"]), m["result"],
                        str(involved.get("kind", "")), str(involved.get("namespace") or ""),
                        str(involved.get("name", "")), m["msg"].strip())


def _gatekeeper(reason: str, involved: Mapping[str, Any], meta: Any, message: str) -> PolicyResult | None:
    notes = (meta or {}).get("annotations") if isinstance(meta, Mapping) else None
    notes = {k: v for k, v in (notes or {}).items() if isinstance(v, str)} if isinstance(notes, Mapping) else {}
    m = _GATEKEEPER_MSG.search(message)
    constraint = notes.get("constraint_name") or (m["constraint"] if m else "")
    if not constraint:
        return None
    # Without --*-events-involved-namespace the Event sits in Gatekeeper's namespace: never the resource's.
    namespace = notes.get("resource_namespace") or (m["ns"] if m and m["ns"] is not None else None)
    if namespace is None:
        namespace = str(involved.get("namespace") or "")
    return PolicyResult(
        "gatekeeper", constraint, notes.get("constraint_kind", ""), "fail",
        notes.get("resource_kind") or str(involved.get("kind", "")), namespace,
        notes.get("resource_name") or str(involved.get("name", "")), (m["msg"] if m else message).strip(),
        action=notes.get("constraint_action") or GATEKEEPER_REASONS[reason])


def _subject(result: PolicyResult) -> tuple[str | None, str | None, str]:
    if result.kind == "Pod":
        workload_kind, workload = workload_from_pod_name(result.name)
    else:
        workload_kind, workload = workload_from_owner(result.kind, result.name)
    return workload_kind, workload, subject_of(result.kind, result.name, workload_kind, workload)


def _namespace(result: PolicyResult) -> str:
    """Where the violation is: a Namespace's own (a ClusterPolicyReport about it) is its name."""
    return result.name if result.kind == "Namespace" else result.namespace


def _keys(result: PolicyResult, cluster: str) -> tuple[str, str]:
    """(fingerprint, episode) of one violation: engine, policy, rule and the resource's workload."""
    _, _, subject = _subject(result)
    what = f"security:{result.engine}:{result.policy}/{result.rule}"
    print_ = fingerprint(cluster, _namespace(result), subject, None, what)
    return print_, f"policy|{print_}"


def violation_incident(result: PolicyResult, cluster: str, *, reason: str, when: str | None = None) -> Incident:
    workload_kind, workload, _ = _subject(result)
    print_, episode = _keys(result, cluster)
    verdict = {"deny": "denied at admission", "warn": "warned at admission", "dryrun": "reported (dry run)"}.get(
        result.action, result.result)
    return Incident(
        fingerprint=print_, source="apiserver", family="security", reason=reason,
        message=f"{result.engine} {result.policy}/{result.rule} {verdict} on {result.resource}: {result.message}"[
            :2000],
        cluster=cluster, namespace=_namespace(result), object_kind=result.kind, object_name=result.name,
        pod=result.name if result.kind == "Pod" else None, workload_kind=workload_kind, workload=workload,
        first_seen=when, last_seen=when,
        severity="critical" if result.severity in ("critical", "high") else "warning",
        labels={k: v for k, v in (("policy_engine", result.engine), ("policy", result.policy), ("rule", result.rule),
                                  ("policy_result", result.result), ("policy_action", result.action),
                                  ("policy_severity", result.severity)) if v},
        dedupe_key=episode)


def items_from_report(ce_type: str, report: Mapping[str, Any], cluster: str) -> list[Incident | Noise | Resolved]:
    """A PolicyReport seen by ApiServerSource: an incident per failing result, a closed episode per passing one."""
    results = results_of_report(report)  # validates first: a broken report is a 400 even when deleted
    name = str((report.get("metadata") or {}).get("name", ""))
    if ce_type.endswith(".delete"):
        return [Noise(f"{report.get('kind')} {name} was deleted (its resource is gone)", str(report.get("kind")),
                      name)]
    items: list[Incident | Noise | Resolved] = []
    failing = [r for r in results if r.result in FAILING and r.kind and r.name]
    for result in failing[:MAX_PER_REPORT]:
        items.append(violation_incident(result, cluster, reason="PolicyReport"))
    if len(failing) > MAX_PER_REPORT:
        items.append(Noise(f"{len(failing) - MAX_PER_REPORT} more failing results in {report.get('kind')} {name}: "
                           f"the first {MAX_PER_REPORT} are investigated, the audit lists the rest"))
    passing = [r for r in results if r.result == "pass" and r.kind and r.name]
    for result in passing[:MAX_RESOLVED_PER_REPORT]:
        print_, episode = _keys(result, cluster)
        items.append(Resolved(f"{result.policy}/{result.rule} passes on {result.resource}", print_, episode, 0))
    if not items:
        items.append(Noise(f"{report.get('kind')} {name} holds no failing result", str(report.get("kind")), name))
    return items
