"""RBAC as a graph: bindings, aggregated roles, what each subject can do and why it is dangerous."""

import pytest

from shared.security.rbac import RbacGraph, audit_rbac, subject_key


def _crole(name, rules=(), labels=None, aggregate=None):
    role = {"kind": "ClusterRole", "metadata": {"name": name, "labels": labels or {}}, "rules": list(rules)}
    if aggregate:
        role["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": aggregate}]}
    return role


def _crb(name, role, *subjects):
    return {"kind": "ClusterRoleBinding", "metadata": {"name": name},
            "roleRef": {"kind": "ClusterRole", "name": role}, "subjects": list(subjects)}


def _rb(name, ns, role_kind, role, *subjects):
    return {"kind": "RoleBinding", "metadata": {"name": name, "namespace": ns},
            "roleRef": {"kind": role_kind, "name": role}, "subjects": list(subjects)}


def _sa(name, ns):
    return {"kind": "ServiceAccount", "name": name, "namespace": ns}


SECRETS_READER = _crole("secret-reader", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}])
EXEC = {"kind": "Role", "metadata": {"name": "debug", "namespace": "shop"},
        "rules": [{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}]}
AGG = _crole("monitoring-edit", aggregate={"rbac.example.com/aggregate-to-monitoring": "true"})
AGG_PART = _crole("secrets-part", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}],
                  labels={"rbac.example.com/aggregate-to-monitoring": "true"})


def _graph(bindings=(), cluster_bindings=()):
    return RbacGraph([EXEC], [SECRETS_READER, AGG, AGG_PART, _crole("cluster-admin", [{"apiGroups": ["*"],
                     "resources": ["*"], "verbs": ["*"]}])], list(bindings), list(cluster_bindings))


@pytest.mark.parametrize(
    ("bindings", "cluster_bindings", "subject", "check", "severity"),
    [
        ((), (_crb("ci-admin", "cluster-admin", _sa("ci", "tools")),), subject_key("ServiceAccount", "ci", "tools"),
         "cluster_admin_binding", "critical"),
        ((_rb("reader", "shop", "ClusterRole", "secret-reader", _sa("api", "shop")),), (),
         subject_key("ServiceAccount", "api", "shop"), "can_get_secrets", "high"),
        ((_rb("debuggers", "shop", "Role", "debug", {"kind": "Group", "name": "devs"}),), (), "Group/devs",
         "can_create_pods_exec", "high"),
        ((), (_crb("mon", "monitoring-edit", _sa("prom", "monitoring")),),
         subject_key("ServiceAccount", "prom", "monitoring"), "can_get_secrets", "high"),
        ((_rb("d", "shop", "Role", "debug", _sa("default", "shop")),), (),
         subject_key("ServiceAccount", "default", "shop"), "default_sa_bound", "medium"),
    ],
    ids=["a service account bound to cluster-admin is critical",
         "a RoleBinding to a secret-reading ClusterRole lets the account read Secrets in its namespace",
         "a group that can exec into pods is found through its Role",
         "an aggregated ClusterRole carries the rules of the roles its selector matches",
         "a default service account with bindings is reported"],
)
def test_dangerous_permissions_are_found_with_the_binding_that_grants_them(bindings, cluster_bindings, subject,
                                                                            check, severity):
    issues = [i for i in audit_rbac(_graph(bindings, cluster_bindings)) if i.object == subject]
    hit = [i for i in issues if i.check == check]
    assert hit and hit[0].severity == severity
    assert "CIS" in hit[0].rule


def test_system_subjects_are_the_control_planes_own_and_not_reported():
    graph = _graph(cluster_bindings=(_crb("system:kube-controller-manager", "cluster-admin",
                                          {"kind": "User", "name": "system:kube-controller-manager"}),))
    assert audit_rbac(graph) == []


def test_can_answers_through_which_role_and_binding():
    graph = _graph(bindings=(_rb("reader", "shop", "ClusterRole", "secret-reader", _sa("api", "shop")),))
    (grant, *_) = graph.can(subject_key("ServiceAccount", "api", "shop"), "get", "secrets", "shop")
    assert grant.role == "ClusterRole/secret-reader" and grant.binding == "RoleBinding/shop/reader"
    assert graph.can(subject_key("ServiceAccount", "api", "shop"), "get", "secrets", "other") == []
    assert graph.can(subject_key("ServiceAccount", "api", "shop"), "delete", "secrets", "shop") == []
