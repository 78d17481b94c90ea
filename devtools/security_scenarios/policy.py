"""Scenarios where a policy engine speaks: Kyverno Events and PolicyReports, a Gatekeeper audit Event.

Each cluster also holds what the engine wrote beside the trigger, in `extra/`: Kyverno's per-resource
PolicyReports (`extra/policyreports.json`, as `kubectl get policyreports -A -o json` writes them) and
Gatekeeper's constraints with their audit status (`extra/constraints.json`, `kubectl get constraints -o json`).
A ClusterPolicyReport about a Namespace checks a house rule only the engine knows. Two look-alikes must stay quiet: a violation fixed since the engine reported it (the Deployment no longer
asks for privileged, its pods were replaced) and one the team accepted with a Kyverno PolicyException.
"""

from typing import Any, Final

from devtools.heldout.cluster import Cluster
from devtools.heldout.scenario import Scenario
from devtools.heldout.store import DAY
from devtools.security_scenarios import RESTRICTED, _app, _binding, _role, _sa, _team

REPORTS: Final = "wgpolicyk8s.io/v1alpha2"
PRIVILEGED: Final = ("validation error: Privileged mode is disallowed. The fields spec.containers[*].securityContext"
                     ".privileged, spec.initContainers[*].securityContext.privileged, and spec.ephemeralContainers[*]"
                     ".securityContext.privileged must be unset or set to `false`. rule {rule} failed at path "
                     "/spec/{path}containers/0/securityContext/privileged/")
HOST_NAMESPACES: Final = ("validation error: Sharing the host namespaces is disallowed. The fields spec.hostNetwork, "
                          "spec.hostIPC, and spec.hostPID must be unset or set to `false`. rule {rule} failed at path "
                          "/spec/{path}hostPID/")
_BASELINE: Final = (("disallow-privileged-containers", "privileged-containers"), ("disallow-host-path", "host-path"),
                    ("disallow-host-namespaces", "host-namespaces"), ("disallow-capabilities", "adding-capabilities"))


def _result(c: Cluster, policy: str, rule: str, result: str, message: str = "", exceptions: str = "") -> dict[str, Any]:
    props = {"process": "background scan", **({"exceptions": exceptions} if exceptions else {})}
    return {"category": "Pod Security Standards (Baseline)", "message": message or f"validation rule '{rule}' passed.",
            "policy": policy, "properties": props, "result": result, "rule": rule, "scored": True,
            "severity": "medium", "source": "kyverno",
            "timestamp": {"nanos": 0, "seconds": int(c.clock.now.timestamp()) - 1800}}


def _report(c: Cluster, obj: dict[str, Any], results: list[dict[str, Any]]) -> dict[str, Any]:
    """Kyverno's per-resource report: named by the resource's uid, scoped to it (1.10+)."""
    meta = obj["metadata"]
    kind, api = ("Pod", "v1") if "containers" in (obj.get("spec") or {}) else ("Deployment", "apps/v1")
    scope = {"apiVersion": api, "kind": kind, "name": meta["name"],
             "namespace": meta["namespace"], "uid": meta["uid"]}
    summary = {k: sum(1 for r in results if r["result"] == k) for k in ("error", "fail", "pass", "skip", "warn")}
    body = {"metadata": {**c.meta(meta["uid"], meta["namespace"], 60, labels={
        "app.kubernetes.io/managed-by": "kyverno"}), "ownerReferences": [
            {"apiVersion": scope["apiVersion"], "kind": scope["kind"], "name": meta["name"], "uid": meta["uid"]}]},
        "scope": scope, "summary": summary, "results": results}
    return c.add_extra("policyreports.json", "PolicyReport", REPORTS, body)


def _baseline(c: Cluster, obj: dict[str, Any], failing: dict[str, str], *, autogen: bool,
              exceptions: str = "") -> dict[str, Any]:
    """The four baseline policies' results for one resource: `failing` maps a policy to its failure message."""
    results = []
    for policy, rule in _BASELINE:
        name = f"autogen-{rule}" if autogen else rule
        if policy in failing:
            verdict = "skip" if exceptions else "fail"
            results.append(_result(c, policy, name, verdict, failing[policy].format(
                rule=name, path="template/spec/" if autogen else ""), exceptions))
        else:
            results.append(_result(c, policy, name, "pass"))
    return _report(c, obj, results)


def _kyverno_event(c: Cluster, ns: str, pod: str, policy: str, rule: str, message: str, minutes: float
                   ) -> dict[str, Any]:
    """Kyverno's violation Event on the ClusterPolicy (events.k8s.io/v1 seen as core/v1): `related` is the pod."""
    when = c.clock.ago(minutes=minutes)
    event = {
        "kind": "Event", "apiVersion": "v1",
        "metadata": {"name": f"{policy}.{c.ids.uid()[:16].replace('-', '')}", "namespace": "default",
                     "uid": c.ids.uid(), "resourceVersion": c.ids.resource_version(), "creationTimestamp": when},
        "involvedObject": {"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "name": policy,
                           "uid": c.ids.uid()},
        "related": {"apiVersion": "v1", "kind": "Pod", "name": pod, "namespace": ns, "uid": c.ids.uid()},
        "reason": "PolicyViolation", "message": f"Pod {ns}/{pod}: [{rule}] fail; {message}",
        "source": {}, "firstTimestamp": None, "lastTimestamp": None, "eventTime": when, "type": "Warning",
        "action": "Resource Passed", "reportingComponent": "kyverno-scan",
        "reportingInstance": "kyverno-scan-kyverno-background-controller-7b9f6d5c8-x2lq4",
    }
    c.dump["default"]["events"].append({k: v for k, v in event.items() if k not in ("kind", "apiVersion")})
    return event


def _secret_reader(c: Cluster, ns: str, account: str) -> None:
    _role(c, "Role", f"{account}-secrets", ns, [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}])
    _binding(c, "RoleBinding", f"{account}-secrets", ns, "Role", f"{account}-secrets", [_sa(account, ns)])


def kyverno_privileged_event() -> Scenario:
    name = "security-kyverno-privileged-pod-whose-account-reads-secrets"
    c = _team(name, "payments", ("api",))
    tokenizer = _app(c, "payments", "card-tokenizer", security={**RESTRICTED, "privileged": True})
    _secret_reader(c, "payments", "card-tokenizer")
    _baseline(c, tokenizer.obj, {"disallow-privileged-containers": PRIVILEGED}, autogen=True)
    for pod in tokenizer.pods:
        _baseline(c, pod, {"disallow-privileged-containers": PRIVILEGED}, autogen=False)
    _baseline(c, _deployment(c, "payments", "api"), {}, autogen=True)
    pod = tokenizer.pods[0]["metadata"]["name"]
    event = _kyverno_event(c, "payments", pod, "disallow-privileged-containers", "privileged-containers",
                           PRIVILEGED.format(rule="privileged-containers", path=""), 12)
    return Scenario(name, c, "event.json", event, "security_privileged_workload",
                    ("card-tokenizer", "disallow-privileged-containers", "Privileged Containers", "secret"),
                    "Kyverno (audit mode) reports card-tokenizer's pod privileged; its service account can read "
                    "Secrets in payments, which is what makes it critical here.")


def _deployment(c: Cluster, ns: str, name: str) -> dict[str, Any]:
    return next(d for d in c.dump[ns]["deployments"] if d["metadata"]["name"] == name)


def policyreport_host_pid() -> Scenario:
    name = "security-policyreport-host-pid-fail"
    c = _team(name, "observability", ("collector",))
    debugger = _app(c, "observability", "node-debugger", spec={"hostPID": True})
    report = _baseline(c, debugger.obj, {"disallow-host-namespaces": HOST_NAMESPACES}, autogen=True)
    for pod in debugger.pods:
        _baseline(c, pod, {"disallow-host-namespaces": HOST_NAMESPACES}, autogen=False)
    return Scenario(name, c, "event.json", report, "security_host_access",
                    ("node-debugger", "disallow-host-namespaces", "hostPID"),
                    "ApiServerSource (watching wgpolicyk8s.io) delivers node-debugger's PolicyReport with a new fail: "
                    "hostPID shares the node's process table (every process, its environment, /proc/<pid>/root).")


def gatekeeper_audit_root() -> Scenario:
    name = "security-gatekeeper-audit-runs-as-root"
    c = _team(name, "reporting", ("api",))
    c.namespace("gatekeeper-system", created=300 * DAY, labels={"admission.gatekeeper.sh/ignore": "no-self-managing"})
    renderer = _app(c, "reporting", "report-renderer", security={**RESTRICTED, "runAsUser": 0, "runAsNonRoot": False})
    pod = renderer.pods[0]["metadata"]["name"]
    message = "Container report-renderer is attempting to run as disallowed user 0. Allowed runAsUser: {'ranges': " \
              "[{'max': 65535, 'min': 1000}], 'rule': 'MustRunAs'}"
    violations = [{"enforcementAction": "dryrun", "group": "", "kind": "Pod", "message": message,
                   "name": p["metadata"]["name"], "namespace": "reporting", "version": "v1"} for p in renderer.pods]
    c.add_extra("constraints.json", "K8sPSPAllowedUsers", "constraints.gatekeeper.sh/v1beta1", {
        "metadata": c.meta("psp-pods-allowed-user-ranges", None, 90 * DAY),
        "spec": {"enforcementAction": "dryrun", "match": {"kinds": [{"apiGroups": [""], "kinds": ["Pod"]}]},
                 "parameters": {"runAsUser": {"rule": "MustRunAs", "ranges": [{"min": 1000, "max": 65535}]}}},
        "status": {"auditTimestamp": c.clock.ago(minutes=2), "totalViolations": len(violations),
                   "violations": violations}})
    gk = {"metadata": {"name": "gatekeeper-audit", "namespace": "gatekeeper-system", "uid": c.ids.uid(),
                       "resourceVersion": c.ids.resource_version()}}
    event = c.event(gk, "AuditViolation", f"Resource Namespace: reporting, Constraint: psp-pods-allowed-user-ranges, "
                    f"Message: {message}", first=3, component="gatekeeper-audit", instance="")
    event["involvedObject"] = {"kind": "Pod", "name": pod, "namespace": "gatekeeper-system",
                               "uid": f"Pod/reporting/{pod}/K8sPSPAllowedUsers//psp-pods-allowed-user-ranges"}
    event["metadata"]["name"] = f"{pod}.{event['metadata']['name'].rpartition('.')[2]}"
    event["metadata"]["annotations"] = {
        "auditTimestamp": c.clock.ago(minutes=3), "constraint_action": "dryrun",
        "constraint_api_version": "v1beta1", "constraint_enforcement_actions": "",
        "constraint_group": "constraints.gatekeeper.sh", "constraint_kind": "K8sPSPAllowedUsers",
        "constraint_name": "psp-pods-allowed-user-ranges", "constraint_namespace": "", "event_type": "violation_audited",
        "process": "audit", "resource_api_version": "v1", "resource_group": "", "resource_kind": "Pod",
        "resource_name": pod, "resource_namespace": "reporting"}
    return Scenario(name, c, "event.json", {"kind": "Event", "apiVersion": "v1", **event}, "security_runs_as_root",
                    ("report-renderer", "psp-pods-allowed-user-ranges", "UID 0"),
                    "Gatekeeper's audit (--emit-audit-events; the Event sits in gatekeeper-system) reports "
                    "report-renderer's pod running as root against K8sPSPAllowedUsers in dry-run.")


def kyverno_fixed_since_lookalike() -> Scenario:
    name = "security-kyverno-violation-fixed-since-lookalike"
    c = _team(name, "payments", ("api",))
    tokenizer = _app(c, "payments", "card-tokenizer")  # restricted now: privileged was removed an hour ago
    _secret_reader(c, "payments", "card-tokenizer")
    _baseline(c, tokenizer.obj, {}, autogen=True)
    for pod in tokenizer.pods:
        _baseline(c, pod, {}, autogen=False)
    gone = "card-tokenizer-58d7c9f4b6-q7wzt"  # the pod of the revision before the fix
    event = _kyverno_event(c, "payments", gone, "disallow-privileged-containers", "privileged-containers",
                           PRIVILEGED.format(rule="privileged-containers", path=""), 95)
    return Scenario(name, c, "event.json", event, "healthy", ("card-tokenizer", "no longer"),
                    "Kyverno's Event is 95 minutes old: the Deployment was fixed since (no privileged), the pod it "
                    "named was replaced, and the reports say pass. History, not a finding.")


def kyverno_exception_lookalike() -> Scenario:
    name = "security-kyverno-violation-under-policy-exception-lookalike"
    c = _team(name, "storage", ("api",))
    agent = _app(c, "storage", "csi-snapshot-agent", security={**RESTRICTED, "privileged": True})
    c.add_extra("policyexceptions.json", "PolicyException", "kyverno.io/v2", {
        "metadata": c.meta("csi-snapshot-agent-privileged", "storage", 2 * 60),
        "spec": {"exceptions": [{"policyName": "disallow-privileged-containers",
                                 "ruleNames": ["privileged-containers", "autogen-privileged-containers"]}],
                 "match": {"any": [{"resources": {"kinds": ["Pod", "Deployment"], "namespaces": ["storage"],
                                                  "names": ["csi-snapshot-agent*"]}}]}}})
    exception = "storage/csi-snapshot-agent-privileged"
    _baseline(c, agent.obj, {"disallow-privileged-containers": PRIVILEGED}, autogen=True, exceptions=exception)
    for pod in agent.pods:
        _baseline(c, pod, {"disallow-privileged-containers": PRIVILEGED}, autogen=False, exceptions=exception)
    pod = agent.pods[0]["metadata"]["name"]
    event = _kyverno_event(c, "storage", pod, "disallow-privileged-containers", "privileged-containers",
                           PRIVILEGED.format(rule="privileged-containers", path=""), 150)
    return Scenario(name, c, "event.json", event, "healthy", ("csi-snapshot-agent", "PolicyException"),
                    "The Event predates the PolicyException the storage team created two hours ago; the reports now "
                    "skip the rule under it. An accepted exception, said as such, not a new finding.")


def cluster_report_namespace_label() -> Scenario:
    name = "security-clusterpolicyreport-namespace-without-owner"
    c = _team(name, "payments", ("api", "worker"))
    ns = c.namespaces["payments"]
    results = [_result(c, "require-ns-owner", "check-owner-label", "fail",
                       "validation error: Every namespace needs the label `owner` (the team paged for it) and "
                       "`pod-security.kubernetes.io/enforce: restricted`. rule check-owner-label failed at path "
                       "/metadata/labels/owner/"),
               _result(c, "require-ns-pss", "check-pss-label", "pass")]
    for r in results:
        r["category"], r["severity"] = "Multi-Tenancy", "high" if r["result"] == "fail" else "medium"
    meta = ns["metadata"]
    report = c.add_extra("clusterpolicyreports.json", "ClusterPolicyReport", REPORTS, {
        "metadata": {**c.meta(meta["uid"], None, 60, labels={"app.kubernetes.io/managed-by": "kyverno"}),
                     "ownerReferences": [{"apiVersion": "v1", "kind": "Namespace", "name": "payments",
                                          "uid": meta["uid"]}]},
        "scope": {"apiVersion": "v1", "kind": "Namespace", "name": "payments", "uid": meta["uid"]},
        "summary": {"error": 0, "fail": 1, "pass": 1, "skip": 0, "warn": 0}, "results": results})
    return Scenario(name, c, "event.json", report, "security_policy_violation",
                    ("payments", "require-ns-owner", "owner"),
                    "Kyverno's ClusterPolicyReport about the Namespace payments fails a house rule the auditor has "
                    "no check of its own for: reported on the engine's word, about the namespace itself.")


SCENARIOS: Final = {
    "security-clusterpolicyreport-namespace-without-owner": cluster_report_namespace_label,
    "security-kyverno-privileged-pod-whose-account-reads-secrets": kyverno_privileged_event,
    "security-policyreport-host-pid-fail": policyreport_host_pid,
    "security-gatekeeper-audit-runs-as-root": gatekeeper_audit_root,
    "security-kyverno-violation-fixed-since-lookalike": kyverno_fixed_since_lookalike,
    "security-kyverno-violation-under-policy-exception-lookalike": kyverno_exception_lookalike,
}
