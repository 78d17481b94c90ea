"""Pod Security Standards: each control a spec breaks, named with its level; node agents by design are not findings."""

import pytest

from shared.security.posture import audit_pod_spec, is_by_design

SAFE_CONTAINER = {"name": "app", "image": "registry.example.com/app:1.2.3",
                  "securityContext": {"allowPrivilegeEscalation": False, "runAsNonRoot": True,
                                      "seccompProfile": {"type": "RuntimeDefault"},
                                      "capabilities": {"drop": ["ALL"]}}}


def _spec(container_overrides=None, **pod):
    container = {**SAFE_CONTAINER, **(container_overrides or {})}
    return {"serviceAccountName": "app", "containers": [container], **pod}


@pytest.mark.parametrize(
    ("spec", "check", "severity", "rule"),
    [
        (_spec({"securityContext": {**SAFE_CONTAINER["securityContext"], "privileged": True}}), "privileged",
         "critical", "baseline: Privileged Containers"),
        (_spec(hostNetwork=True), "hostnetwork", "high", "baseline: Host Namespaces"),
        (_spec(volumes=[{"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}]), "host_path", "critical",
         "baseline: HostPath Volumes"),
        (_spec({"securityContext": {**SAFE_CONTAINER["securityContext"], "capabilities": {"add": ["SYS_ADMIN"]}}}),
         "added_capabilities", "critical", "baseline: Capabilities"),
        (_spec({"securityContext": {**SAFE_CONTAINER["securityContext"], "runAsUser": 0, "runAsNonRoot": None}}),
         "runs_as_root", "high", "restricted: Running as Non-root"),
        (_spec({"securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}}),
         "privilege_escalation", "medium", "restricted: Privilege Escalation"),
        (_spec({"securityContext": {**SAFE_CONTAINER["securityContext"], "seccompProfile": None}}), "no_seccomp",
         "low", "restricted: Seccomp"),
    ],
    ids=["a privileged container is critical", "host networking is high", "the container runtime socket is critical",
         "SYS_ADMIN is critical", "UID 0 is high", "privilege escalation allowed is medium", "no seccomp is low"],
)
def test_each_broken_control_is_named_with_its_level(spec, check, severity, rule):
    hit = [i for i in audit_pod_spec("Deployment/shop/app", spec) if i.check == check]
    assert hit and hit[0].severity == severity and rule in hit[0].rule


def test_a_restricted_spec_has_nothing_to_report():
    assert audit_pod_spec("Deployment/shop/app", _spec(automountServiceAccountToken=False)) == []


@pytest.mark.parametrize(
    ("namespace", "name", "labels", "expected"),
    [("kube-system", "calico-node", {"k8s-app": "calico-node"}, True),
     ("kube-system", "ebs-csi-node", {"app": "ebs-csi-node"}, True),
     ("shop", "calico-node", {}, False),
     ("kube-system", "metrics-forwarder", {"app": "metrics-forwarder"}, False)],
    ids=["the CNI node agent in kube-system is privileged by design", "a CSI node plugin too",
         "the same name outside a system namespace is not", "any other kube-system workload is not"],
)
def test_node_agents_that_need_the_host_are_recognised(namespace, name, labels, expected):
    assert is_by_design(namespace, name, labels) is expected
