"""Security events reach the auditor: a Falco alert through falcosidekick, a binding seen by ApiServerSource."""

import pytest

from shared.intake import Noise
from shared.intake.alertmanager import incidents_from_webhook
from shared.intake.apiserver import incident_from_event
from shared.routing import route

FALCO = {  # falcosidekick's Alertmanager output, relayed in an Alertmanager v4 webhook
    "version": "4", "status": "firing", "receiver": "kubetriage", "groupKey": "{}:{rule=\"Terminal shell in container\"}",
    "alerts": [{"status": "firing", "startsAt": "2026-12-07T10:00:00Z", "fingerprint": "9a1b",
                "labels": {"source": "falco", "rule": "Terminal shell in container", "priority": "Notice",
                           "severity": "information", "eventsource": "syscall", "hostname": "ip-10-0-1-7",
                           "k8s_ns_name": "payments", "k8s_pod_name": "checkout-7c9d8-x2x4q",
                           "container_name": "checkout", "proc_cmdline": "bash", "user_name": "root"},
                "annotations": {"summary": "Terminal shell in container",
                                "description": "A shell was spawned in a container with an attached terminal"}}]}


def _binding(name, role, ns=None, kind="ClusterRoleBinding"):
    meta = {"name": name, "creationTimestamp": "2026-12-07T09:59:00Z", **({"namespace": ns} if ns else {})}
    return {"kind": kind, "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": meta,
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
            "subjects": [{"kind": "ServiceAccount", "name": "ci", "namespace": "tools"}]}


def test_a_falco_alert_is_a_security_incident_about_its_pod_and_goes_to_the_auditor():
    (incident,) = incidents_from_webhook(FALCO, "prod")
    assert incident.family == "security" and incident.reason == "Falco Terminal shell in container"
    assert (incident.namespace, incident.pod, incident.container) == ("payments", "checkout-7c9d8-x2x4q", "checkout")
    assert route(incident).specialist == "security_auditor"


@pytest.mark.parametrize(
    ("binding", "severity"),
    [(_binding("ci-admin", "cluster-admin"), "critical"), (_binding("ci-view", "view", "tools", "RoleBinding"),
                                                           "warning")],
    ids=["a new binding to cluster-admin is critical", "a namespaced binding to view is worth an audit"],
)
def test_a_binding_seen_by_apiserversource_is_a_security_incident(binding, severity):
    incident = incident_from_event({"type": "dev.knative.apiserver.resource.add"}, binding, "prod")
    assert incident.family == "security" and incident.severity == severity
    assert incident.object_kind == binding["kind"] and incident.object_name == binding["metadata"]["name"]
    assert "ServiceAccount/tools/ci" in incident.message and route(incident).specialist == "security_auditor"


def test_the_control_planes_own_bindings_are_noise():
    noise = incident_from_event({"type": "dev.knative.apiserver.resource.update"},
                                _binding("system:kube-scheduler", "system:kube-scheduler"), "prod")
    assert isinstance(noise, Noise)


@pytest.mark.parametrize(
    "broken",
    [{"roleRef": {"kind": "ClusterRole", "name": ["cluster-admin"]}}, {"metadata": "ci-admin"}],
    ids=["a roleRef name that is not a string is a 400 naming it", "metadata that is not an object is a 400"],
)
def test_a_broken_binding_is_invalid_input_not_a_crash(broken):
    from shared.errors import InvalidInput

    with pytest.raises(InvalidInput):
        incident_from_event({"type": "dev.knative.apiserver.resource.add"},
                            {**_binding("ci-admin", "cluster-admin"), **broken}, "prod")
