"""A policy engine's verdict becomes the auditor's finding: severity, object, the report's line as evidence, the
policy/rule with the PSS control and CIS item it maps to, the fix as text, and what makes it dangerous here;
checked against the live object (fixed since, excepted, gone) instead of repeated as current."""

import copy

import pytest

from shared.cluster.memory import InMemoryCluster
from shared.evidence import RecordedEvidence
from shared.intake.policy_events import incident_from_policy_event, items_from_report
from shared.security.analyzer import SecurityAnalyzer
from shared.security.tools import TOOLS
from shared.tools.spec import ToolResult
from tests.analyzers.cluster_builders import obj
from tests.security import policy_shapes as shapes
from tests.security.test_analyzer import DENY, READER, SAFE_SC, _deploy

RBAC = "rbac.authorization.k8s.io/v1"
HOST_PID = ("validation error: Sharing the host namespaces is disallowed. The fields spec.hostNetwork, spec.hostIPC, "
            "and spec.hostPID must be unset or set to `false`. rule autogen-host-namespaces failed at path "
            "/spec/template/spec/hostPID/")


def _pod(name, deployment, ns="payments"):
    """A running pod of `deployment` (its template's spec), owned through its ReplicaSet."""
    spec = copy.deepcopy(deployment["spec"]["template"]["spec"])
    owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": name.rsplit("-", 1)[0], "controller": True}
    return obj("Pod", name, ns, spec=spec, metadata={"ownerReferences": [owner]},
               status={"phase": "Running"})


def _reader_binding(account, ns="payments"):
    return obj("RoleBinding", f"{account}-reads-secrets", ns, RBAC, roleRef={"kind": "ClusterRole",
                                                                            "name": "secret-reader"},
               subjects=[{"kind": "ServiceAccount", "name": account, "namespace": ns}])


def _conclude(incident, objects):
    cluster = InMemoryCluster(copy.deepcopy(objects))

    def run(call):
        try:
            return ToolResult(call.tool, call.args, True, TOOLS[call.tool].run(cluster, call.args))
        except Exception as exc:  # noqa: BLE001 - a failed read is evidence too
            return ToolResult(call.tool, call.args, False, error=f"{type(exc).__name__}: {exc}")

    return SecurityAnalyzer(["registry.acme.io"]).conclude(RecordedEvidence(incident, run))


def _text(finding):
    return " ".join([finding.summary, finding.root_cause, *finding.recommendations, *finding.commands,
                     *(e.excerpt for e in finding.evidence), *(e.source for e in finding.evidence)])


PRIVILEGED = _deploy("card-tokenizer", sa="card-tokenizer", sc={**SAFE_SC, "privileged": True})
KYVERNO_ON_POD = incident_from_policy_event(shapes.kyverno_event_on_policy(), "prod")


def test_a_kyverno_violation_is_a_finding_with_its_rule_standard_evidence_fix_and_danger():
    finding = _conclude(KYVERNO_ON_POD, [PRIVILEGED, _pod(shapes.POD, PRIVILEGED), DENY, READER,
                                         _reader_binding("card-tokenizer"), shapes.privileged_report()])
    text = _text(finding)
    assert finding.category == "security_privileged_workload"
    assert finding.summary.startswith("Critical")
    for said in ("Deployment/payments/card-tokenizer", "disallow-privileged-containers/privileged-containers",
                 "Pod Security Standards baseline: Privileged Containers", "CIS 5.2.1", "privileged: true",
                 "Privileged mode is disallowed", "Remove privileged: true"):
        assert said in text, said
    assert "dangerous here: its service account ServiceAccount/payments/card-tokenizer can" in finding.root_cause
    assert "Secret" in finding.root_cause.partition("dangerous here")[2]
    from shared.output_policy import check_command

    assert all(check_command(c) == (c, "") for c in finding.commands), finding.commands


@pytest.mark.parametrize(("reader", "severity"), [(True, "Critical"), (False, "High")],
                         ids=["hostPID in a pod whose account can read Secrets is critical",
                              "the same hostPID whose account can do nothing stays high"])
def test_what_the_pods_account_can_do_decides_how_dangerous_the_violation_is(reader, severity):
    debugger = _deploy("node-debugger", sa="node-debugger", hostPID=True)
    report = shapes.policy_report([shapes.report_result("disallow-host-namespaces", "autogen-host-namespaces", "fail",
                                                        message=HOST_PID)], name="node-debugger")
    (incident, *_) = items_from_report("dev.knative.apiserver.resource.update", report, "prod")
    objects = [debugger, DENY, READER, report] + ([_reader_binding("node-debugger")] if reader else [])
    finding = _conclude(incident, objects)
    assert finding.category == "security_host_access" and finding.summary.startswith(severity)
    assert ("dangerous here" in finding.root_cause and "Secret" in finding.root_cause) is reader


def test_in_a_sweep_the_violation_whose_account_reads_secrets_ranks_first():
    quiet = _deploy("aaa-batch", sa="aaa-batch", sc={**SAFE_SC, "privileged": True})
    loud = _deploy("zzz-agent", sa="zzz-agent", sc={**SAFE_SC, "privileged": True})  # both critical already
    inc = {"namespace": "payments", "object_kind": "Namespace", "object_name": "payments", "family": "security",
           "source": "manual"}
    from tests.analyzers.cluster_builders import incident

    finding = _conclude(incident(**inc), [quiet, loud, DENY, READER, _reader_binding("zzz-agent")])
    assert "zzz-agent" in finding.summary, finding.summary


def test_a_violation_fixed_since_the_report_is_said_as_history():
    fixed = _deploy("card-tokenizer", sa="card-tokenizer")  # privileged removed; the pod named was replaced
    finding = _conclude(KYVERNO_ON_POD, [fixed, _pod("card-tokenizer-58d7c9f4b6-q7wzt", fixed), DENY, READER,
                                         _reader_binding("card-tokenizer")])
    assert finding.category == "healthy"
    assert "no longer" in finding.root_cause and "card-tokenizer" in finding.root_cause


def test_a_violation_under_a_policy_exception_is_accepted_not_reported():
    report = shapes.policy_report([shapes.report_result(
        "disallow-privileged-containers", "autogen-privileged-containers", "skip",
        exceptions="payments/card-tokenizer-privileged")])
    finding = _conclude(KYVERNO_ON_POD, [PRIVILEGED, _pod(shapes.POD, PRIVILEGED), DENY, report])
    assert finding.category == "healthy"
    assert "PolicyException" in finding.root_cause and "payments/card-tokenizer-privileged" in finding.root_cause


def test_a_violation_of_an_object_that_no_longer_exists_is_not_found():
    finding = _conclude(KYVERNO_ON_POD, [DENY, _deploy("checkout")])
    assert finding.category == "not_found" and shapes.POD in finding.root_cause


def test_a_policy_kubetriage_has_no_check_for_is_reported_on_the_reports_word():
    labels = shapes.policy_report([shapes.report_result(
        "require-labels", "check-for-labels", "fail", severity="low", category="Best Practices",
        message="validation error: The label `app.kubernetes.io/name` is required. rule check-for-labels failed at "
                "path /metadata/labels/app.kubernetes.io/name/")], name="checkout")
    (incident, *_) = items_from_report("dev.knative.apiserver.resource.update", labels, "prod")
    finding = _conclude(incident, [_deploy("checkout"), DENY, labels])
    text = _text(finding)
    assert finding.category == "security_policy_violation" and finding.summary.startswith("Low")
    assert "require-labels/check-for-labels" in text and "app.kubernetes.io/name` is required" in text


def test_a_parameterised_rule_kubetriage_cannot_recheck_stands_on_the_reports_word():
    """Gatekeeper's K8sPSPAllowedUsers with ranges 1000-65535: UID 500 is not root, so kubetriage's own check is
    silent; that is not 'fixed since'."""
    uid500 = _deploy("report-renderer", sa="report-renderer", sc={**SAFE_SC, "runAsUser": 500})
    constraint = shapes.constraint("K8sPSPAllowedUsers", "psp-pods-allowed-user-ranges", violations=[
        {"group": "apps", "version": "v1", "kind": "Deployment", "namespace": "payments", "name": "report-renderer",
         "message": "Container report-renderer is attempting to run as disallowed user 500",
         "enforcementAction": "dryrun"}])
    event = shapes.gatekeeper_event(pod="report-renderer")
    event["metadata"]["annotations"].update(constraint_kind="K8sPSPAllowedUsers",
                                            constraint_name="psp-pods-allowed-user-ranges", resource_kind="Deployment")
    finding = _conclude(incident_from_policy_event(event, "prod"), [uid500, DENY, constraint])
    assert finding.category == "security_runs_as_root"
    assert "psp-pods-allowed-user-ranges" in _text(finding) and "no longer" not in finding.root_cause


def test_an_admission_denial_points_at_the_workload_whose_template_still_violates():
    denied = incident_from_policy_event(shapes.gatekeeper_event("FailedAdmission"), "prod")
    finding = _conclude(denied, [PRIVILEGED, DENY])  # the pod was never created: its ReplicaSet keeps trying
    assert finding.category == "security_privileged_workload"
    assert "denied" in finding.root_cause and "Deployment/payments/card-tokenizer" in finding.root_cause


def _sweep(objects):
    from tests.analyzers.cluster_builders import incident

    return _conclude(incident(namespace="payments", object_kind="Namespace", object_name="payments",
                              family="security", source="manual"), objects)


def test_an_audit_reports_what_only_the_policy_engine_can_see():
    labels = shapes.policy_report([shapes.report_result(
        "require-labels", "check-for-labels", "fail", severity="medium", category="Best Practices",
        message="validation error: The label `team` is required.")], name="checkout")
    finding = _sweep([_deploy("checkout"), DENY, labels])
    assert finding.category == "security_policy_violation"
    assert "require-labels/check-for-labels" in _text(finding) and "`team` is required" in _text(finding)


def test_an_audit_does_not_repeat_an_engine_result_the_live_object_no_longer_breaks():
    stale = shapes.privileged_report()  # says card-tokenizer is privileged; the Deployment was fixed since
    finding = _sweep([_deploy("card-tokenizer", sa="card-tokenizer"), DENY, stale])
    assert finding.category == "healthy", finding.summary
    assert "3 policy engine results (1 failing" in finding.root_cause  # read, and judged on the live object


def test_a_cluster_report_about_a_namespace_is_a_finding_about_that_namespace():
    report = {"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "ClusterPolicyReport",
              "metadata": {"name": "8d1c5e2a-6f3b-4a7c-9e0d-1b2c3d4e5f6a"},
              "scope": {"apiVersion": "v1", "kind": "Namespace", "name": "payments"},
              "results": [shapes.report_result("require-ns-labels", "check-team-label", "fail", category="Multi-Tenancy",
                                               message="validation error: The label `team` is required.")]}
    (incident,) = [i for i in items_from_report("dev.knative.apiserver.resource.update", report, "prod")
                   if hasattr(i, "labels")]
    assert (incident.namespace, incident.object_kind, incident.object_name) == ("payments", "Namespace", "payments")
    finding = _conclude(incident, [obj("Namespace", "payments", None), _deploy("checkout"), DENY, report])
    assert finding.category == "security_policy_violation", finding.summary
    assert "require-ns-labels/check-team-label" in _text(finding) and "Namespace/payments" in _text(finding)
    assert "kubectl get namespace payments -o yaml" in finding.commands
    assert "kubectl get clusterpolicyreports -o wide" in finding.commands
