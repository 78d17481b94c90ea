"""What Kyverno and Gatekeeper write, as ApiServerSource delivers it (core/v1 view), for the intake and analyzer tests.

Shapes from the engines' own code: Kyverno pkg/event (events.k8s.io/v1 Events: `regarding` shown as
`involvedObject`, `note` as `message`, reportingController `kyverno-scan`), pkg/utils/report (results with
`process` and `exceptions` properties, `autogen-` rules on Pod controllers); Gatekeeper pkg/audit/manager.go
`emitEvent` (AuditViolation, annotations `constraint_*`/`resource_*`, involvedObject in gatekeeper-system
unless --audit-events-involved-namespace) and pkg/webhook/policy.go (FailedAdmission, WarningAdmission,
DryrunViolation); the wgpolicyk8s.io/v1alpha2 PolicyReport CRD.
"""

import uuid
from typing import Any

POD = "card-tokenizer-6d8f9b7c5-k2x7p"
PRIVILEGED_MSG = ("validation error: Privileged mode is disallowed. The fields spec.containers[*].securityContext"
                  ".privileged, spec.initContainers[*].securityContext.privileged, and spec.ephemeralContainers[*]"
                  ".securityContext.privileged must be unset or set to `false`. rule privileged-containers failed at "
                  "path /spec/containers/0/securityContext/privileged/")


def kyverno_event_on_policy(result: str = "fail", pod: str = POD, ns: str = "payments",
                            rule: str = "privileged-containers", blocked: bool = False) -> dict[str, Any]:
    """Kyverno's NewPolicyFailEvent: regarding the ClusterPolicy, related the resource (event in `default`)."""
    return {
        "kind": "Event", "apiVersion": "v1",
        "metadata": {"name": "disallow-privileged-containers.18a2b3c4d5e6f7a8", "namespace": "default",
                     "uid": "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", "creationTimestamp": "2026-12-07T10:00:00Z"},
        "involvedObject": {"kind": "ClusterPolicy", "name": "disallow-privileged-containers",
                           "apiVersion": "kyverno.io/v1", "uid": "5c6d7e8f-9a0b-1c2d-3e4f-5a6b7c8d9e0f"},
        "related": {"kind": "Pod", "namespace": ns, "name": pod, "apiVersion": "v1",
                    "uid": "7a8b9c0d-1e2f-3a4b-5c6d-7e8f9a0b1c2d"},
        "reason": "PolicyViolation",
        "message": f"Pod {ns}/{pod}: [{rule}] {result}{' (blocked)' if blocked else ''}; {PRIVILEGED_MSG}",
        "source": {}, "firstTimestamp": None, "lastTimestamp": None,
        "eventTime": "2026-12-07T10:00:00.123456Z", "type": "Warning",
        "action": "Resource Blocked" if blocked else "Resource Passed",
        "reportingComponent": "kyverno-scan", "reportingInstance": "kyverno-scan-kyverno-background-controller-0",
    }


def kyverno_event_on_resource(kind: str = "Pod", name: str = POD, ns: str = "payments",
                              rule: str = "privileged-containers", result: str = "fail") -> dict[str, Any]:
    """Kyverno's NewResourceViolationEvent: regarding the resource itself."""
    return {
        "kind": "Event", "apiVersion": "v1",
        "metadata": {"name": f"{name}.18a2b3c4d5e6f7b9", "namespace": ns, "creationTimestamp": "2026-12-07T10:00:00Z"},
        "involvedObject": {"kind": kind, "name": name, "namespace": ns, "apiVersion": "v1" if kind == "Pod" else
                           "apps/v1", "uid": "7a8b9c0d-1e2f-3a4b-5c6d-7e8f9a0b1c2d"},
        "reason": "PolicyViolation",
        "message": f"policy disallow-privileged-containers/{rule} {result}: {PRIVILEGED_MSG}",
        "source": {}, "eventTime": "2026-12-07T10:00:00.223456Z", "type": "Warning", "action": "Resource Passed",
        "reportingComponent": "kyverno-scan", "reportingInstance": "kyverno-scan-kyverno-background-controller-0",
    }


GATEKEEPER_MSG = 'Privileged container is not allowed: tokenizer, securityContext: {"privileged": true}'


def gatekeeper_event(reason: str = "AuditViolation", pod: str = POD, ns: str = "payments",
                     annotated: bool = True, involved_namespace: bool = False) -> dict[str, Any]:
    """Gatekeeper's emitEvent (audit) or the webhook's admission event, in gatekeeper-system by default."""
    audit = reason == "AuditViolation"
    prefix = {"AuditViolation": "", "FailedAdmission": 'Admission webhook "validation.gatekeeper.sh" denied request, ',
              "WarningAdmission": 'Admission webhook "validation.gatekeeper.sh" raised a warning for this request, ',
              "DryrunViolation": "Dryrun violation, "}[reason]
    where = "" if involved_namespace else f"Resource Namespace: {ns}, "
    annotations = {
        "process": "audit" if audit else "admission", "event_type": "violation_audited" if audit else "violation",
        "constraint_group": "constraints.gatekeeper.sh", "constraint_api_version": "v1beta1",
        "constraint_kind": "K8sPSPPrivilegedContainer", "constraint_name": "psp-privileged-container",
        "constraint_namespace": "",
        "constraint_action": {"FailedAdmission": "deny", "WarningAdmission": "warn"}.get(reason, "dryrun"),
        "resource_group": "", "resource_api_version": "v1", "resource_kind": "Pod", "resource_namespace": ns,
        "resource_name": pod, **({"auditTimestamp": "2026-12-07T10:00:00Z"} if audit else
                                 {"request_username": "system:serviceaccount:kube-system:replicaset-controller"}),
    }
    event_ns = ns if involved_namespace else "gatekeeper-system"
    return {
        "kind": "Event", "apiVersion": "v1",
        "metadata": {"name": f"{pod}.18a2b3c4d5e6f7c0", "namespace": event_ns,
                     "creationTimestamp": "2026-12-07T10:00:01Z", **({"annotations": annotations} if annotated else {})},
        "involvedObject": {"kind": "Pod", "name": pod, "namespace": event_ns,
                           "uid": f"Pod/{ns}/{pod}/K8sPSPPrivilegedContainer//psp-privileged-container"},
        "reason": reason,
        "message": f"{prefix}{where}Constraint: psp-privileged-container, Message: {GATEKEEPER_MSG}",
        "source": {"component": "gatekeeper-audit" if audit else "gatekeeper-webhook"},
        "firstTimestamp": "2026-12-07T10:00:01Z", "lastTimestamp": "2026-12-07T10:00:01Z", "count": 1,
        "type": "Warning",
    }


def report_result(policy: str, rule: str, result: str, *, severity: str = "medium",
                  category: str = "Pod Security Standards (Baseline)", message: str = "",
                  exceptions: str = "", resources: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    properties = {"process": "background scan", **({"exceptions": exceptions} if exceptions else {})}
    return {"policy": policy, "rule": rule, "result": result, "scored": True, "severity": severity,
            "category": category, "source": "kyverno", "message": message or (
                PRIVILEGED_MSG if result == "fail" else f"validation rule '{rule}' passed."),
            "properties": properties, "timestamp": {"seconds": 1765101600, "nanos": 0},
            **({"resources": resources} if resources else {})}


def policy_report(results: list[dict[str, Any]], *, kind: str = "Deployment", name: str = "card-tokenizer",
                  ns: str = "payments") -> dict[str, Any]:
    """Kyverno's per-resource report (1.10+): named by the resource's uid, `scope` the resource."""
    summary = {k: sum(1 for r in results if r["result"] == k) for k in ("pass", "fail", "warn", "error", "skip")}
    scope = {"apiVersion": "apps/v1" if kind != "Pod" else "v1", "kind": kind, "name": name, "namespace": ns,
             "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{ns}/{kind}/{name}"))}
    return {"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport",
            "metadata": {"name": scope["uid"], "namespace": ns, "resourceVersion": "48213",
                         "labels": {"app.kubernetes.io/managed-by": "kyverno"},
                         "ownerReferences": [{"apiVersion": scope["apiVersion"], "kind": kind, "name": name,
                                              "uid": scope["uid"]}]},
            "scope": scope, "summary": summary, "results": results}


def privileged_report(result: str = "fail", **kw: Any) -> dict[str, Any]:
    """The Deployment's report: privileged fails (autogen rule), two other baseline rules pass."""
    return policy_report([
        report_result("disallow-privileged-containers", "autogen-privileged-containers", result),
        report_result("disallow-host-path", "autogen-host-path", "pass"),
        report_result("disallow-host-namespaces", "autogen-host-namespaces", "pass"),
    ], **kw)


def constraint(kind: str = "K8sPSPPrivilegedContainer", name: str = "psp-privileged-container",
               violations: list[dict[str, Any]] | None = None, action: str = "dryrun") -> dict[str, Any]:
    """A Gatekeeper constraint with its audit results in status (pkg/audit StatusViolation)."""
    found = violations if violations is not None else [
        {"group": "", "version": "v1", "kind": "Pod", "namespace": "payments", "name": POD,
         "message": GATEKEEPER_MSG, "enforcementAction": action}]
    return {"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": kind, "metadata": {"name": name},
            "spec": {"enforcementAction": action, "match": {"kinds": [{"apiGroups": [""], "kinds": ["Pod"]}]}},
            "status": {"auditTimestamp": "2026-12-07T10:00:00Z", "totalViolations": len(found),
                       "violations": found}}
