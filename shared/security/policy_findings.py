"""A policy engine's verdict on one object, checked against the live object, as the auditor's finding.

The engine's word is where the investigation starts, not its answer: the report or Event may be an hour old.
The object (or, for a pod, the workload that makes its pods) is read now and judged by the auditor's own
check for that rule (shared.security.policy_rules): confirmed, it is a finding with the engine's line and the
live field as evidence, made worse by what the workload's account can do; silent where the check decides the
same thing as the rule, the violation was fixed since (history, `healthy`); skipped under a PolicyException,
it is the team's accepted exception (`healthy`, said so); gone with its workload, `not_found`. A rule the
auditor has no check for, or one with parameters of its own, stands on the engine's word and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

from shared.analyzers.facts import make_finding
from shared.analyzers.strength import Strength
from shared.categories import HEALTHY, NOT_FOUND
from shared.cluster.kinds import CLUSTER_SCOPED, known_resource
from shared.diagnosis import EvidenceItem, Finding
from shared.incident import Incident
from shared.intake.workload_names import workload_from_owner
from shared.security.audit import WORKLOAD_KINDS, Audit, account_risks, category_of, rank_key, with_account_danger
from shared.security.images import audit_images
from shared.security.issues import SEVERITIES, SecurityIssue
from shared.security.policy_reports import PolicyResult
from shared.security.policy_rules import policy_check
from shared.security.posture import audit_pod_spec, is_by_design, workload_pod_spec
from shared.security.rbac import bindings_of, subject_key

ANALYZER: Final = "security_audit"
Fetch = Callable[[str, str, "str | None"], "Mapping[str, Any] | None"]
_VERDICT: Final = {"deny": "denied at admission", "warn": "warned at admission", "dryrun": "reported in dry run"}


def is_policy_incident(incident: Incident) -> bool:
    return bool(incident.labels.get("policy") and incident.labels.get("policy_engine"))


def policy_finding(inc: Incident, reports: Mapping[str, Any] | None, objects: Sequence[Mapping[str, Any]],
                   audit: Audit, allowed_registries: Sequence[str], fetch: Fetch) -> Finding:
    """The finding about the violation the incident names; `objects` are the namespace's workloads and pods,
    `fetch(kind, name, namespace)` reads any other object the engine may name (a Namespace, a binding)."""
    engine, policy, rule = inc.labels["policy_engine"], inc.labels["policy"], inc.labels.get("rule", "")
    named = _names(inc)
    current = [PolicyResult.from_dict(r) for r in (reports or {}).get("failing") or []]
    excepted = [PolicyResult.from_dict(r) for r in (reports or {}).get("excepted") or []]
    mine = [r for r in current if _same(r, engine, policy, rule) and r.resource in named]
    excused = [r for r in excepted if _same(r, engine, policy, rule) and r.resource in named]
    line = mine[0].line if mine else inc.message
    if excused and not mine:
        return _excepted(inc, excused, line)
    live = _live(inc, objects) or _other(inc, fetch)
    if live is None:
        return _gone(inc, objects, line)
    owner, obj = live
    meta = obj.get("metadata") or {}
    if is_by_design(meta.get("namespace"), meta.get("name", ""), meta.get("labels") or {}):
        return _history(inc, owner, line, f"{owner} is a node agent whose privileges are its job (by design)")
    runs_pods = obj.get("kind") in WORKLOAD_KINDS
    spec = workload_pod_spec(obj) if runs_pods else {}
    account = subject_key("ServiceAccount", spec.get("serviceAccountName") or "default", inc.namespace) if \
        runs_pods else ""
    risk = account_risks(audit.issues).get(account)
    own = sorted(with_account_danger(audit_pod_spec(owner, spec) + audit_images(owner, spec, allowed_registries),
                                     risk, account), key=rank_key) if runs_pods else []
    known = policy_check(engine, policy, rule)
    confirmed = [i for i in own if known and i.check in known.checks]
    if known and known.exact and not confirmed:
        return _history(inc, owner, line, f"the live {owner} no longer breaks it: {', '.join(known.checks)} "
                        "checked on its pod spec now. Fixed since; the report changes at the engine's next scan")
    severity = (mine[0].severity if mine else inc.labels.get("policy_severity", "")) or "medium"
    if confirmed:
        issue = confirmed[0]
        standard = f"{engine} {policy}/{rule}; {issue.rule}"
    else:
        issue = SecurityIssue(known.checks[0] if known else "policy_violation",
                              severity if severity in SEVERITIES else "low", owner, line,
                              f"{engine} {policy}/{rule}" + (f"; {known.standard}" if known else ""),
                              f"Bring {owner} in line with {policy}/{rule}: {_message(mine, inc)}")
        issue = with_account_danger([issue], risk, account)[0] if known else replace(
            issue, danger=(f"its service account {account} {risk.danger[0]}",) if risk and risk.danger else ())
    return _violation(inc, issue, standard if confirmed else issue.rule, line, bool(confirmed), account, audit)


def _same(result: PolicyResult, engine: str, policy: str, rule: str) -> bool:
    return result.engine == engine and result.policy == policy and (not rule or result.rule == rule)


def _names(inc: Incident) -> set[str]:
    names = {f"{inc.object_kind}/{inc.namespace}/{inc.object_name}"}
    if inc.workload_kind and inc.workload:
        names.add(f"{inc.workload_kind}/{inc.namespace}/{inc.workload}")
    return names


def _live(inc: Incident, objects: Sequence[Mapping[str, Any]]) -> tuple[str, Mapping[str, Any]] | None:
    """The object that makes the violation now: the workload behind a pod, else the object itself."""
    by_ref = {f"{o.get('kind')}/{inc.namespace}/{(o.get('metadata') or {}).get('name')}": o for o in objects}
    pod = by_ref.get(f"Pod/{inc.namespace}/{inc.object_name}") if inc.object_kind == "Pod" else None
    wanted = []
    for ref in ((pod or {}).get("metadata") or {}).get("ownerReferences") or []:
        kind, name = workload_from_owner(str(ref.get("kind", "")), str(ref.get("name", "")))
        wanted.append(f"{kind}/{inc.namespace}/{name}")
    if inc.workload_kind and inc.workload:
        wanted.append(f"{inc.workload_kind}/{inc.namespace}/{inc.workload}")
    wanted.append(f"{inc.object_kind}/{inc.namespace}/{inc.object_name}")
    return next(((ref, by_ref[ref]) for ref in wanted if ref in by_ref), None)


def _other(inc: Incident, fetch: Fetch) -> tuple[str, Mapping[str, Any]] | None:
    """An object that runs no pods (a Namespace, a binding, a Service): read it; a kind kubetriage does not read
    (another custom resource) is taken as the engine names it."""
    if inc.object_kind in WORKLOAD_KINDS:
        return None
    ref = _ref(inc)
    if known_resource(inc.object_kind) is None:
        return ref, {"kind": inc.object_kind, "metadata": {"name": inc.object_name}}
    found = fetch(inc.object_kind, inc.object_name, None if _is_cluster_scoped(inc.object_kind) else
                  inc.namespace or None)
    return (ref, found) if found is not None else None


def _message(mine: Sequence[PolicyResult], inc: Incident) -> str:
    return mine[0].message if mine else inc.message.partition(": ")[2] or inc.message


def _verdict(inc: Incident) -> str:
    return _VERDICT.get(inc.labels.get("policy_action", ""), inc.labels.get("policy_result", "fail"))


def _is_cluster_scoped(kind: str) -> bool:
    resource = known_resource(kind)
    return resource is not None and resource in CLUSTER_SCOPED


def _ref(inc: Incident) -> str:
    """The object the engine named, Kind/namespace/name (Kind/name when it has no namespace)."""
    scoped = not _is_cluster_scoped(inc.object_kind) and inc.namespace
    return "/".join(p for p in (inc.object_kind, inc.namespace if scoped else "", inc.object_name) if p)


def _said(inc: Incident) -> str:
    labels = inc.labels
    return (f"{labels['policy_engine']} reported {labels['policy']}/{labels.get('rule', '')} {_verdict(inc)} on "
            f"{_ref(inc)}")


def _commands(inc: Incident, owner: str = "", account: str = "") -> list[str]:
    engine, cluster_wide = inc.labels["policy_engine"], _is_cluster_scoped(inc.object_kind)
    commands = [f"kubectl get {inc.labels.get('rule', 'constraints').lower()} {inc.labels['policy']} -o yaml"
                if engine == "gatekeeper" else "kubectl get clusterpolicyreports -o wide" if cluster_wide else
                f"kubectl -n {inc.namespace} get policyreports -o wide"]
    if owner:
        kind, name = owner.partition("/")[0], owner.rpartition("/")[2]
        scope = "" if _is_cluster_scoped(kind) else f"-n {inc.namespace} "
        commands.append(f"kubectl {scope}get {kind.lower()} {name} -o yaml")
    if account:
        commands.append(bindings_of(*account.partition("/")[2].partition("/")[::2]))
    return commands


def _excepted(inc: Incident, excused: Sequence[PolicyResult], line: str) -> Finding:
    names = ", ".join(sorted({r.exceptions for r in excused}))
    root = (f"{_said(inc)}, but the current report skips it under PolicyException {names} ({excused[0].report}): an "
            "exception the team recorded, not a new finding. The exception keeps the weakness itself: review that "
            "its reason still holds.")
    return make_finding(HEALTHY, f"{inc.labels['policy']}/{inc.labels.get('rule', '')} on {inc.object_name} is "
                        f"covered by PolicyException {names}", root,
                        [EvidenceItem(f"{inc.labels['policy_engine']} · trigger", line),
                         EvidenceItem(f"report · {excused[0].report}", excused[0].line)],
                        [f"Review PolicyException {names}: who asked for it, and whether it can end"],
                        [*_commands(inc), "kubectl get policyexceptions -A"], Strength.STATE_SAYS, ANALYZER)


def _history(inc: Incident, owner: str, line: str, why: str) -> Finding:
    root = f"{_said(inc)}; {why}."
    return make_finding(HEALTHY, f"{inc.labels['policy']}/{inc.labels.get('rule', '')} on {owner}: no longer a finding",
                        root, [EvidenceItem(f"{inc.labels['policy_engine']} · trigger", line),
                               EvidenceItem(f"live · {owner}", why)], [], _commands(inc, owner), Strength.STATE_SAYS,
                        ANALYZER)


def _gone(inc: Incident, objects: Sequence[Mapping[str, Any]], line: str) -> Finding:
    nearby = sorted({f"{o.get('kind')}/{(o.get('metadata') or {}).get('name')}" for o in objects
                     if o.get("kind") != "Pod"})[:8]
    root = (f"{_said(inc)}, but {_ref(inc)} does not exist now"
            + (f", nor its {inc.workload_kind} {inc.workload}" if inc.workload else "")
            + f". In {inc.namespace}: {', '.join(nearby) or 'no workloads'}.")
    return make_finding(NOT_FOUND, f"{inc.object_kind} {inc.object_name} named by {inc.labels['policy']} no longer "
                        "exists", root, [EvidenceItem(f"{inc.labels['policy_engine']} · trigger", line)], [],
                        [f"kubectl -n {inc.namespace} get all"], Strength.OBJECT_MISSING, ANALYZER)


def _violation(inc: Incident, issue: SecurityIssue, standard: str, line: str, confirmed: bool, account: str,
               audit: Audit) -> Finding:
    engine = inc.labels["policy_engine"]
    danger = f" What makes it dangerous here: {'; '.join(issue.danger)}." if issue.danger else ""
    seen = (f"Checked now on {issue.object}: {issue.evidence}." if confirmed else
            f"kubetriage has no check of its own for this rule: the engine's word stands for {issue.object}."
            if issue.check == "policy_violation" else
            f"kubetriage's own check ({issue.check}) decides less than this rule (the rule has parameters of its "
            f"own) and is silent: the engine's word stands for {issue.object}.")
    denied = (f" The request was denied, so the object never ran; {issue.object} keeps asking for it."
              if inc.labels.get("policy_action") == "deny" else "")
    root = f"{_said(inc)}: {_message([], inc).rstrip('/. ')}. {seen}{denied} This breaks {standard}.{danger}"
    others = [i for i in audit.issues if i.object != issue.object or i.check != issue.check][:5]
    evidence = [EvidenceItem(f"{engine} · {inc.labels['policy']}/{inc.labels.get('rule', '')}", line)]
    if confirmed:
        evidence.append(EvidenceItem(f"live · {issue.object}", issue.evidence))
    evidence += [EvidenceItem(f"{i.severity} · {i.object} · {i.check}", f"{i.evidence} (breaks {i.rule})")
                 for i in others]
    fixes = [f"[{issue.severity}] {issue.fix}",
             "If it must stay, record it where the engine reads it (a Kyverno PolicyException, or the constraint's "
             "match.excludedNamespaces in Gatekeeper) with its reason, instead of leaving the violation standing"]
    return make_finding(category_of(issue), f"{issue.severity.capitalize()}: {inc.labels['policy']}/"
                        f"{inc.labels.get('rule', '')} on {issue.object} ({engine}, {_verdict(inc)})", root, evidence,
                        fixes, _commands(inc, issue.object, account), Strength.STATE_SAYS if confirmed else
                        Strength.SCHEDULER_SAYS, ANALYZER, corroborated=confirmed, caveats=0 if confirmed else 1)


def engine_issues(reports: Mapping[str, Any] | None, own: Sequence[SecurityIssue]) -> tuple[list[SecurityIssue], str]:
    """For an audit: what only the engines see (rules with no check of the auditor's, or parameters of their own),
    one per (policy, rule, workload); results the auditor's own check decides are already judged on the live
    object (reported above when they hold, and stale when they do not). Also what was read, for `checked`."""
    if not reports:
        return [], "policy engine results: none read"
    issues: dict[tuple[str, str, str, str], SecurityIssue] = {}
    for result in (PolicyResult.from_dict(r) for r in reports.get("failing") or []):
        known = policy_check(result.engine, result.policy, result.rule)
        where = _workload_of(result)
        if result.result == "error" or (known and (known.exact or any(
                i.object == where and i.check in known.checks for i in own))):
            continue
        severity = {"info": "low", "": "medium"}.get(result.severity, result.severity)
        issues.setdefault((result.engine, result.policy, result.rule, where), SecurityIssue(
            known.checks[0] if known else "policy_violation", severity if severity in SEVERITIES else "medium", where,
            result.line, f"{result.engine} {result.policy}/{result.rule}" + (f"; {known.standard}" if known else ""),
            f"Bring {where} in line with {result.policy}/{result.rule}: {result.message}"))
    summary = reports.get("summary") or {}
    said = (f"{sum(summary.values())} policy engine results ({summary.get('fail', 0)} failing, "
            f"{summary.get('skip', 0)} skipped; " + ", ".join(f"{k} {v}" for k, v in (reports.get("sources") or {})
                                                               .items()) + ")")
    return list(issues.values()), said


def _workload_of(result: PolicyResult) -> str:
    """A pod's result lifted to the workload that makes it (Kyverno reports the pod and its Deployment both)."""
    if result.kind != "Pod":
        return result.resource
    from shared.intake.workload_names import workload_from_pod_name

    kind, name = workload_from_pod_name(result.name)
    return f"{kind}/{result.namespace}/{name}" if kind and name else result.resource
