"""Policy engines' verdicts reach the auditor: Kyverno and Gatekeeper Events, PolicyReports seen by ApiServerSource.

A violation is one incident per (policy, rule, resource): the Event on the policy, the Event on the resource and
the report's fail result about the same object coalesce; a report re-written every scan joins its episode; a
pass result closes it; pass, skip and error results never start an investigation.
"""

import json

import pytest

from devtools.http_capture import CaptureServer
from shared.events import HttpEmitter
from shared.incident import Incident
from shared.intake import Noise, Resolved
from shared.intake.apiserver import items_from_event
from shared.router import Router
from shared.routing import route
from shared.settings import Settings
from tests import store_fixtures
from tests.security import policy_shapes as shapes

store = store_fixtures.store
ADD = {"type": "dev.knative.apiserver.resource.add"}
UPDATE = {"type": "dev.knative.apiserver.resource.update"}


def _one(data, attrs=UPDATE) -> Incident:
    (item,) = items_from_event(attrs, data, "prod")
    assert isinstance(item, Incident), item
    return item


@pytest.mark.parametrize(
    "event",
    [shapes.kyverno_event_on_policy(), shapes.kyverno_event_on_resource(), shapes.gatekeeper_event(),
     shapes.gatekeeper_event(annotated=False), shapes.gatekeeper_event(involved_namespace=True, annotated=False),
     shapes.gatekeeper_event("FailedAdmission"), shapes.gatekeeper_event("DryrunViolation")],
    ids=["a Kyverno violation Event on the ClusterPolicy (event in default, the pod in related)",
         "a Kyverno violation Event on the pod itself",
         "a Gatekeeper audit Event (in gatekeeper-system, the pod named in its annotations)",
         "a Gatekeeper audit Event without annotations (the namespace read from its message)",
         "a Gatekeeper audit Event emitted in the pod's own namespace",
         "a Gatekeeper admission denial", "a Gatekeeper dry-run violation"],
)
def test_a_policy_violation_event_is_a_security_incident_about_the_resource(event):
    incident = _one(event)
    assert incident.family == "security" and route(incident).specialist == "security_auditor"
    assert (incident.namespace, incident.object_kind, incident.object_name) == ("payments", "Pod", shapes.POD)
    assert (incident.workload_kind, incident.workload) == ("Deployment", "card-tokenizer")
    assert incident.labels["policy"] in ("disallow-privileged-containers", "psp-privileged-container")
    assert incident.labels["policy_engine"] in ("kyverno", "gatekeeper")
    assert incident.dedupe_key  # an episode: re-sent every scan, it joins the same investigation


def test_kyverno_events_on_the_policy_on_the_pod_and_on_its_deployment_are_one_incident():
    on_policy = _one(shapes.kyverno_event_on_policy())
    on_pod = _one(shapes.kyverno_event_on_resource())
    on_deployment = _one(shapes.kyverno_event_on_resource("Deployment", "card-tokenizer",
                                                          rule="autogen-privileged-containers"))
    assert on_policy.fingerprint == on_pod.fingerprint == on_deployment.fingerprint
    assert on_policy.dedupe_key == on_pod.dedupe_key == on_deployment.dedupe_key
    assert on_policy.labels["rule"] == "privileged-containers"


def test_another_rule_on_the_same_pod_is_another_incident():
    privileged = _one(shapes.kyverno_event_on_resource())
    host_path = _one(shapes.kyverno_event_on_resource(rule="host-path"))
    assert privileged.fingerprint != host_path.fingerprint


def test_a_gatekeeper_event_names_the_constraint_kind_as_the_rule_and_its_action():
    incident = _one(shapes.gatekeeper_event("FailedAdmission"))
    assert incident.labels["rule"] == "K8sPSPPrivilegedContainer"
    assert incident.labels["policy_action"] == "deny" and "denied" in incident.message


@pytest.mark.parametrize(
    "event",
    [shapes.kyverno_event_on_resource(result="error"), {**shapes.kyverno_event_on_resource(), "type": "Normal",
                                                          "reason": "PolicyApplied"},
     {**shapes.kyverno_event_on_policy(), "reason": "PolicySkipped", "type": "Normal"}],
    ids=["a rule Kyverno could not evaluate (error) is not a finding about the pod",
         "a policy applied (Normal) is not a failure", "a rule skipped by a PolicyException is not a failure"],
)
def test_what_is_not_a_violation_is_noise(event):
    (item,) = items_from_event(UPDATE, event, "prod")
    assert isinstance(item, Noise)


def test_a_policy_report_with_a_fail_result_is_one_incident_per_failing_rule_and_pass_results_close_episodes():
    items = items_from_event(ADD, shapes.privileged_report(), "prod")
    incidents = [i for i in items if isinstance(i, Incident)]
    closed = [i for i in items if isinstance(i, Resolved)]
    (incident,) = incidents
    assert (incident.namespace, incident.workload_kind, incident.workload) == ("payments", "Deployment",
                                                                               "card-tokenizer")
    assert incident.labels["rule"] == "privileged-containers" and incident.family == "security"
    assert route(incident).specialist == "security_auditor"
    assert incident.fingerprint == _one(shapes.kyverno_event_on_policy()).fingerprint  # the Event's violation
    assert len(closed) == 2  # the two passing rules close their episodes, if any is open


def test_a_report_with_only_pass_and_skip_results_starts_nothing():
    report = shapes.policy_report([
        shapes.report_result("disallow-privileged-containers", "autogen-privileged-containers", "skip",
                             exceptions="card-tokenizer-privileged"),
        shapes.report_result("disallow-host-path", "autogen-host-path", "pass")])
    items = items_from_event(UPDATE, report, "prod")
    assert not [i for i in items if isinstance(i, Incident)]


def test_a_deleted_report_is_noise():
    (item,) = items_from_event({"type": "dev.knative.apiserver.resource.delete"}, shapes.privileged_report(), "prod")
    assert isinstance(item, Noise)


@pytest.mark.parametrize(
    ("broken", "field"),
    [({"results": "fail"}, "data.results"), ({"results": [{"policy": ["x"], "result": "fail"}]}, "data.results[0]"),
     ({"metadata": "payments"}, "data.metadata")],
    ids=["results that are not a list", "a result whose policy is not a string", "metadata that is not an object"],
)
def test_a_broken_report_is_a_400_naming_the_field(broken, field):
    from shared.errors import InvalidInput

    with pytest.raises(InvalidInput) as raised:
        items_from_event(UPDATE, {**shapes.privileged_report(), **broken}, "prod")
    assert field in str(raised.value)


def _binary(ce_id):
    return {"ce-specversion": "1.0", "ce-type": "dev.knative.apiserver.resource.update",
            "ce-source": "https://kubernetes.default.svc", "ce-id": ce_id, "Content-Type": "application/json"}


def test_a_report_rewritten_every_scan_stays_one_investigation_until_it_passes(store):
    """Kyverno re-writes the report at every background scan (each a new ApiServerSource id), long after the
    coalescing window: one investigation while it fails; pass closes it; failing again is a new one."""
    with CaptureServer() as auditor:
        emitter = HttpEmitter(None, {"security_auditor": auditor.url, "k8s_troubleshooter": auditor.url},
                              "/kubetriage/router")
        router = Router(settings=Settings(coalesce_window_s=1), store=store, emitter=emitter)
        body = json.dumps(shapes.privileged_report()).encode()
        first = router.handle("/", _binary("scan-1"), body)
        import time

        time.sleep(1.2)  # the sliding window is gone: only the episode holds it together
        second = router.handle("/", _binary("scan-2"), body)
        router.handle("/", _binary("scan-3"), json.dumps(shapes.privileged_report("pass")).encode())
        time.sleep(1.2)
        again = router.handle("/", _binary("scan-4"), body)
    (a,), (b,), (c,) = first.body["accepted"], second.body["accepted"], again.body["accepted"]
    assert a["specialist"] == "security_auditor" and a["new"]
    assert b["investigation_id"] == a["investigation_id"] and not b["new"]
    assert c["investigation_id"] != a["investigation_id"] and c["new"]
    assert len(auditor.requests) == 2


def test_a_huge_namespace_report_is_bounded_work_and_says_what_it_left():
    """An old-style report per namespace: 400 failing and 400 passing results; one update is bounded work."""
    from shared.intake.policy_events import MAX_PER_REPORT, MAX_RESOLVED_PER_REPORT

    pods = [{"kind": "Pod", "namespace": "payments", "name": f"batch-{i:04d}"} for i in range(400)]
    results = [shapes.report_result("disallow-host-path", "host-path", "fail", resources=[p]) for p in pods] + [
        shapes.report_result("disallow-privileged-containers", "privileged-containers", "pass", resources=[p])
        for p in pods]
    items = items_from_event(UPDATE, shapes.policy_report(results, kind="Namespace", name="payments"), "prod")
    assert sum(isinstance(i, Incident) for i in items) == MAX_PER_REPORT
    assert sum(isinstance(i, Resolved) for i in items) == MAX_RESOLVED_PER_REPORT
    assert any(isinstance(i, Noise) and "375 more failing results" in i.reason for i in items)


def test_a_binding_listed_again_is_the_same_investigation_and_a_changed_one_is_new(store):
    """The bindings source re-lists on restart (an `add` per binding) and may resync: the same resourceVersion
    joins its investigation long after the window; a changed binding (a new resourceVersion) is new."""
    import time

    binding = {"kind": "ClusterRoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1",
               "metadata": {"name": "ci-admin", "resourceVersion": "7731", "creationTimestamp": "2026-12-07T09:59:00Z"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
               "subjects": [{"kind": "ServiceAccount", "name": "ci", "namespace": "tools"}]}
    changed = {**binding, "metadata": {**binding["metadata"], "resourceVersion": "9120"},
               "subjects": [*binding["subjects"], {"kind": "ServiceAccount", "name": "deployer", "namespace": "tools"}]}
    with CaptureServer() as auditor:
        emitter = HttpEmitter(None, {"security_auditor": auditor.url, "k8s_troubleshooter": auditor.url},
                              "/kubetriage/router")
        router = Router(settings=Settings(coalesce_window_s=1), store=store, emitter=emitter)
        first = router.handle("/", _binary("b-1"), json.dumps(binding).encode())
        time.sleep(1.2)
        relisted = router.handle("/", _binary("b-2"), json.dumps(binding).encode())
        time.sleep(1.2)
        edited = router.handle("/", _binary("b-3"), json.dumps(changed).encode())
    (a,), (b,), (c,) = first.body["accepted"], relisted.body["accepted"], edited.body["accepted"]
    assert b["investigation_id"] == a["investigation_id"] and not b["new"]
    assert c["investigation_id"] != a["investigation_id"] and c["new"]
    assert len(auditor.requests) == 2
