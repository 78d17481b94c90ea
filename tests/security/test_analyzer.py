"""The auditor's analyzer over a cluster: the worst issue is the answer, danger said, nothing found said honestly."""

import copy

import pytest

from shared.security.analyzer import SecurityAnalyzer
from tests.analyzers.cluster_builders import evidence, incident, obj

RBAC = "rbac.authorization.k8s.io/v1"
SAFE_SC = {"allowPrivilegeEscalation": False, "runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"},
           "capabilities": {"drop": ["ALL"]}}


def _deploy(name, ns="payments", sa="app", image="registry.acme.io/app:1.4.2", sc=None, **pod):
    spec = {"serviceAccountName": sa, "automountServiceAccountToken": False,
            "containers": [{"name": name, "image": image, "securityContext": sc or SAFE_SC}], **pod}
    return obj("Deployment", name, ns, "apps/v1", spec={"selector": {"matchLabels": {"app": name}},
                                                         "template": {"metadata": {"labels": {"app": name}},
                                                                      "spec": spec}})


DENY = obj("NetworkPolicy", "default-deny", "payments", "networking.k8s.io/v1",
           spec={"podSelector": {}, "policyTypes": ["Ingress"]})
READER = obj("ClusterRole", "secret-reader", None, RBAC,
             rules=[{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}])
BIND_READER = obj("RoleBinding", "api-reads-secrets", "payments", RBAC,
                  roleRef={"kind": "ClusterRole", "name": "secret-reader"},
                  subjects=[{"kind": "ServiceAccount", "name": "app", "namespace": "payments"}])
ADMIN = obj("ClusterRole", "cluster-admin", None, RBAC, rules=[{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
CALICO = _deploy("calico-node", ns="kube-system", sa="calico-node",
                 sc={**SAFE_SC, "privileged": True})


def _audit(objects, **inc):
    inc = {"namespace": "payments", "object_kind": "Namespace", "object_name": "payments", "family": "security",
           "source": "manual", **inc}
    return SecurityAnalyzer(["registry.acme.io"]).conclude(evidence(incident(**inc), copy.deepcopy(objects)))


def test_a_restricted_namespace_is_healthy_and_says_what_was_checked():
    finding = _audit([_deploy("checkout"), DENY])
    assert finding.category == "healthy"
    assert "workloads against the Pod Security Standards" in finding.root_cause


@pytest.mark.parametrize(
    ("objects", "category", "mentions"),
    [
        ([_deploy("checkout", sc={**SAFE_SC, "privileged": True}), DENY], "security_privileged_workload",
         ["Deployment/payments/checkout", "Privileged Containers"]),
        ([_deploy("checkout"), DENY, ADMIN, obj("ClusterRoleBinding", "ci-admin", None, RBAC,
                                                 roleRef={"kind": "ClusterRole", "name": "cluster-admin"},
                                                 subjects=[{"kind": "ServiceAccount", "name": "ci",
                                                            "namespace": "payments"}])],
         "security_cluster_admin_binding", ["ServiceAccount/payments/ci", "5.1.1"]),
        ([_deploy("checkout", image="nginx:latest"), DENY], "security_image_policy", ["nginx:latest"]),
        ([_deploy("checkout")], "security_network_unrestricted", ["default-deny"]),
    ],
    ids=["a privileged workload", "a service account bound to cluster-admin", "an unpinned image from Docker Hub",
         "a namespace with no default deny"],
)
def test_the_most_severe_issue_is_the_answer(objects, category, mentions):
    finding = _audit(objects)
    assert finding.category == category
    text = " ".join([finding.summary, finding.root_cause, *finding.recommendations])
    for m in mentions:
        assert m in text, m


def test_a_privileged_pod_whose_account_can_read_secrets_is_worse_and_says_why():
    plain = _audit([_deploy("checkout", sc={**SAFE_SC, "runAsUser": 0, "runAsNonRoot": None}), DENY])
    risky = _audit([_deploy("checkout", sc={**SAFE_SC, "runAsUser": 0, "runAsNonRoot": None}), DENY, READER,
                    BIND_READER])
    assert "high" in plain.evidence[0].source
    root_item = next(e for e in risky.evidence if "runs_as_root" in e.source)
    assert root_item.source.startswith("critical") and "ServiceAccount/payments/app can" in root_item.excerpt and "Secret" in root_item.excerpt


def test_a_cni_daemonset_privileged_by_design_is_not_reported():
    finding = _audit([CALICO], namespace="kube-system", object_name="kube-system")
    assert "privileged" not in {e.source.split(" · ")[-1] for e in finding.evidence}
    assert "Deployment/kube-system/calico-node" in finding.root_cause  # said as by design


def test_every_suggested_command_only_reads():
    finding = _audit([_deploy("checkout", sc={**SAFE_SC, "privileged": True}), READER, BIND_READER])
    assert finding.commands
    from shared.output_policy import check_command

    assert all(check_command(c) == (c, "") for c in finding.commands)  # a read: posted as is, never marked


def test_a_falco_shell_alert_says_what_the_pods_account_could_reach():
    pod = obj("Pod", "checkout-7c9d8-x2x4q", "payments", spec={"serviceAccountName": "app", "containers": [
        {"name": "checkout", "image": "registry.acme.io/app:1.4.2", "securityContext": SAFE_SC}]},
        metadata={"ownerReferences": [{"kind": "ReplicaSet", "name": "checkout-7c9d8"}]})
    finding = _audit([_deploy("checkout"), pod, DENY, READER, BIND_READER], object_kind="Pod",
                     object_name="checkout-7c9d8-x2x4q", pod="checkout-7c9d8-x2x4q",
                     reason="Falco Terminal shell in container", message="A shell was spawned (user=root bash)")
    assert finding.category == "security_runtime_alert"
    assert "Terminal shell in container" in finding.summary and "Secret" in finding.summary
    assert "ServiceAccount/payments/app" in finding.root_cause


def test_the_registry_allow_list_comes_from_settings():
    from shared.security.analyzer import build_analyzers
    from shared.settings import Settings

    settings = Settings.from_env({"KUBETRIAGE_ALLOWED_REGISTRIES": "registry.acme.io, ghcr.io/acme"})
    (analyzer,) = build_analyzers(settings).values()
    finding = analyzer.conclude(evidence(incident(namespace="payments", object_kind="Namespace",
                                                  object_name="payments", family="security", source="manual"),
                                         [_deploy("checkout", image="quay.io/other/app:1.0"), DENY]))
    assert finding.category == "security_image_policy" and "quay.io" in finding.root_cause


def test_every_command_the_auditor_suggests_survives_the_output_policy():
    """What the screen would remove never reaches a person: `auth can-i --as` impersonates and is refused."""
    from shared.intake.alertmanager import incidents_from_webhook
    from shared.output_policy import check_command
    from tests.security.test_security_intake import FALCO

    pod = obj("Pod", "checkout-7c9d8-x2x4q", "payments", spec={"serviceAccountName": "app", "containers": [
        {"name": "checkout", "image": "registry.acme.io/app:1.4.2", "securityContext": SAFE_SC}]})
    findings = [
        _audit([_deploy("checkout", sc={**SAFE_SC, "privileged": True}), READER, BIND_READER]),
        SecurityAnalyzer().conclude(evidence(incidents_from_webhook(FALCO, "prod")[0], [pod, READER, BIND_READER])),
    ]
    for finding in findings:
        for command in finding.commands:
            assert check_command(command) == (command, ""), command
