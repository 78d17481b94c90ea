"""The auditor's judgement: the worst finding heads, a named workload is the subject, RBAC read in context,
and confidence follows the evidence (the object's own spec, an engine's word, an inference)."""

import copy

import pytest

from shared.security.analyzer import SecurityAnalyzer
from tests.analyzers.cluster_builders import evidence, incident, obj

RBAC = "rbac.authorization.k8s.io/v1"
SAFE_SC = {"allowPrivilegeEscalation": False, "runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"},
           "capabilities": {"drop": ["ALL"]}}
NOW = "2025-05-14T08:40:00Z"
GITOPS = {"app.kubernetes.io/managed-by": "argocd", "argocd.argoproj.io/instance": "cluster-access"}


def _deploy(name, ns, sa=None, sc=None, kind="Deployment", **pod):
    spec = {"serviceAccountName": sa or name, "automountServiceAccountToken": False,
            "containers": [{"name": name, "image": "registry.acme.io/app:1.4.2", "securityContext": sc or SAFE_SC}],
            **pod}
    return obj(kind, name, ns, "apps/v1", spec={"selector": {"matchLabels": {"app": name}},
                                                 "template": {"metadata": {"labels": {"app": name}}, "spec": spec}})


def _deny(ns):
    return obj("NetworkPolicy", "deny-all", ns, "networking.k8s.io/v1",
               spec={"podSelector": {}, "policyTypes": ["Ingress"]})


def _node(heartbeat=NOW):
    return obj("Node", "worker-a", None, status={"conditions": [
        {"type": "Ready", "status": "True", "lastHeartbeatTime": heartbeat}]})


def _crole(name, rules):
    return obj("ClusterRole", name, None, RBAC, rules=rules)


def _binding(kind, name, ns, role_kind, role, subjects, created=NOW, labels=None):
    meta = {"creationTimestamp": created, "labels": labels or {}}
    return obj(kind, name, ns, RBAC, metadata=meta, roleRef={"kind": role_kind, "name": role}, subjects=subjects)


def _sa(name, ns):
    return {"kind": "ServiceAccount", "name": name, "namespace": ns}


def _group(name):
    return {"kind": "Group", "name": name, "apiGroup": "rbac.authorization.k8s.io"}


EVERYTHING = [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]
ADMIN = _crole("cluster-admin", EVERYTHING)
EDIT = _crole("edit", [{"apiGroups": [""], "resources": ["pods", "pods/exec", "secrets", "configmaps"],
                        "verbs": ["get", "list", "create", "update", "delete"]}])
VIEW = _crole("view", [{"apiGroups": [""], "resources": ["pods", "configmaps"], "verbs": ["get", "list"]}])


def _ask(objects, ns, **inc):
    inc = {"namespace": ns, "object_kind": "Namespace", "object_name": ns, "family": "security",
           "source": "manual", **inc}
    return SecurityAnalyzer(["registry.acme.io"]).conclude(evidence(incident(**inc), copy.deepcopy(objects)))


def _event(binding, objects):
    meta = binding["metadata"]
    return _ask([binding, *objects], meta.get("namespace", ""), object_kind=binding["kind"],
                object_name=meta["name"], source="apiserver", reason="BindingChanged",
                last_seen=meta["creationTimestamp"])


# --- 1. ranking -------------------------------------------------------------------------------------

SHELL_POD = obj("Pod", "scratch-shell", "labs", spec={
    "hostPID": True, "hostNetwork": True, "volumes": [{"name": "root", "hostPath": {"path": "/"}}],
    "containers": [{"name": "sh", "image": "registry.acme.io/tools/sh:1.0", "securityContext": {"privileged": True}}]})


@pytest.mark.parametrize(
    ("objects", "category", "named"),
    [
        ([SHELL_POD], "security_privileged_workload", "Pod/labs/scratch-shell"),
        ([_deploy("tracer", "labs", sc={**SAFE_SC, "privileged": True},
                  volumes=[{"name": "sock", "hostPath": {"path": "/run/containerd/containerd.sock"}}]),
          _deploy("web", "labs")], "security_privileged_workload", "Deployment/labs/tracer"),
        ([_deploy("builder", "labs", volumes=[{"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}]),
          _deploy("web", "labs")], "security_host_access", "Deployment/labs/builder"),
    ],
    ids=["a bare privileged pod with the node's / outranks the namespace's missing default deny",
         "a privileged container outranks its own hostPath at the same severity",
         "a critical hostPath outranks the missing default deny"],
)
def test_in_a_namespace_audit_the_most_severe_finding_heads(objects, category, named):
    finding = _ask(objects, "labs")  # no NetworkPolicy at all: a medium finding about Namespace/labs
    assert finding.category == category
    assert named in finding.summary and finding.summary.startswith("Critical")


# --- 2. a named workload is the subject ---------------------------------------------------------------

CILIUM = _deploy("cilium-agent", "kube-system", kind="DaemonSet", sc={**SAFE_SC, "privileged": True},
                 hostNetwork=True)
RELAY = _deploy("metrics-relay", "kube-system", sc={"runAsNonRoot": True})  # privilege escalation not off
CRUNCHER = _deploy("cruncher", "finance", sc={**SAFE_SC, "privileged": True})
REPORTS = _deploy("report-builder", "finance", sc={**SAFE_SC, "runAsUser": 0, "runAsNonRoot": None})


@pytest.mark.parametrize(
    ("objects", "ns", "workload", "category", "about", "not_headline"),
    [
        ([CILIUM, RELAY, _deny("kube-system")], "kube-system", ("DaemonSet", "cilium-agent"), "healthy",
         ["DaemonSet/kube-system/cilium-agent", "by design"], "metrics-relay"),
        ([CRUNCHER, REPORTS, _deny("finance")], "finance", ("Deployment", "report-builder"), "security_runs_as_root",
         ["Deployment/finance/report-builder"], "cruncher"),
        ([CRUNCHER, _deploy("ledger", "finance"), _deny("finance")], "finance", ("Deployment", "ledger"), "healthy",
         ["Deployment/finance/ledger"], "cruncher"),
        ([CRUNCHER, obj("Pod", "one-off-export", "finance", spec={"serviceAccountName": "export", "containers": [
            {"name": "x", "image": "registry.acme.io/x:1.0", "securityContext": {**SAFE_SC, "runAsUser": 0}}]}),
          _deny("finance")], "finance", ("Pod", "one-off-export"), "security_runs_as_root",
         ["Pod/finance/one-off-export"], "cruncher"),
    ],
    ids=["a node agent asked about by name is healthy by design though a neighbour has a finding",
         "the named workload's own finding heads though a neighbour's is critical",
         "a clean named workload is healthy though a neighbour is privileged",
         "a bare pod a person names is the subject though a neighbour is privileged"],
)
def test_a_request_naming_a_workload_audits_that_workload(objects, ns, workload, category, about, not_headline):
    kind, name = workload
    named = {"pod": name} if kind == "Pod" else {"workload_kind": kind, "workload": name}
    finding = _ask(objects, ns, object_kind=kind, object_name=name, **named)
    assert finding.category == category
    for text in about:
        assert text in finding.summary + " " + finding.root_cause, text
    assert not_headline not in finding.summary


# --- 3. RBAC in context -------------------------------------------------------------------------------

PIPELINE_ALL = _crole("pipeline-runner-all", EVERYTHING)
NODE_PATCHER = _crole("node-patcher", [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "patch"]}])
LAUNCHER = obj("Role", "job-launcher", "batch", RBAC,
               rules=[{"apiGroups": [""], "resources": ["pods"], "verbs": ["create", "get", "list"]}])


@pytest.mark.parametrize(
    ("binding", "objects", "category", "said"),
    [
        (_binding("ClusterRoleBinding", "pipeline-runner-all", None, "ClusterRole", "pipeline-runner-all",
                  [_sa("pipeline-runner", "ci")]), [PIPELINE_ALL], "security_cluster_admin_binding",
         ["cluster-admin", "ServiceAccount/ci/pipeline-runner"]),
        (_binding("RoleBinding", "billing-devs-edit", "billing", "ClusterRole", "edit", [_group("oidc:billing-devs")]),
         [EDIT], "healthy", ["tenancy"]),
        (_binding("RoleBinding", "dana-admin", "billing", "ClusterRole", "admin",
                  [{"kind": "User", "name": "dana@acme.io"}]), [_crole("admin", EDIT["rules"])], "healthy",
         ["tenancy"]),
        (_binding("RoleBinding", "auditors-view", "billing", "ClusterRole", "view", [_group("oidc:auditors")]),
         [VIEW], "healthy", ["tenancy"]),
        (_binding("RoleBinding", "sync-edit", "billing", "ClusterRole", "edit", [_sa("sync", "billing")]), [EDIT],
         "security_rbac_overprivileged", ["ServiceAccount/billing/sync", "Secrets"]),
        (_binding("ClusterRoleBinding", "oncall-admin", None, "ClusterRole", "cluster-admin",
                  [_group("oidc:oncall")], created="2024-10-01T09:00:00Z", labels=GITOPS), [ADMIN, _node()],
         "healthy", ["Group/oidc:oncall", "managed", "review"]),
        (_binding("ClusterRoleBinding", "oncall-admin", None, "ClusterRole", "cluster-admin",
                  [_group("oidc:oncall")], created="2025-05-12T09:00:00Z", labels=GITOPS), [ADMIN, _node()],
         "security_cluster_admin_binding", ["Group/oidc:oncall"]),
        (_binding("ClusterRoleBinding", "deployer-admin", None, "ClusterRole", "cluster-admin",
                  [_sa("deployer", "ci")], created="2024-10-01T09:00:00Z", labels=GITOPS), [ADMIN, _node()],
         "security_cluster_admin_binding", ["ServiceAccount/ci/deployer"]),
        (_binding("ClusterRoleBinding", "oncall-admin", None, "ClusterRole", "cluster-admin",
                  [_group("oidc:oncall")], created="2024-10-01T09:00:00Z"), [ADMIN, _node()],
         "security_cluster_admin_binding", ["Group/oidc:oncall"]),
    ],
    ids=["a ClusterRole granting * on * in every API group is cluster-admin in all but name",
         "a group's built-in edit role in its own namespace is the tenancy model",
         "a user's built-in admin role in one namespace is the tenancy model",
         "a group's view role in its namespace is the tenancy model",
         "a ServiceAccount bound to edit can still read Secrets: a finding",
         "a long-standing GitOps-managed cluster-admin group binding is a known grant, noted",
         "the same GitOps group binding added two days ago is still critical",
         "a GitOps-managed cluster-admin binding to a ServiceAccount is still critical",
         "a long-standing cluster-admin group binding kept by no GitOps tool is still critical"],
)
def test_a_binding_event_is_judged_in_context(binding, objects, category, said):
    finding = _event(binding, objects)
    assert finding.category == category
    text = " ".join([finding.summary, finding.root_cause, *finding.recommendations])
    for s in said:
        assert s in text, s
    if category == "security_cluster_admin_binding":
        assert finding.summary.startswith("Critical")


def test_a_known_managed_grant_is_said_with_less_confidence_than_a_reading():
    known = _event(_binding("ClusterRoleBinding", "oncall-admin", None, "ClusterRole", "cluster-admin",
                            [_group("oidc:oncall")], created="2024-10-01T09:00:00Z", labels=GITOPS), [ADMIN, _node()])
    assert known.confidence < 0.8


@pytest.mark.parametrize(
    ("extra", "category", "said"),
    [
        ([NODE_PATCHER, _binding("ClusterRoleBinding", "cache-purger-nodes", None, "ClusterRole", "node-patcher",
                                 [_sa("cache-purger", "batch")])],
         "security_rbac_escalation", ["ServiceAccount/batch/cache-purger", "ServiceAccount/batch/launcher"]),
        ([], "security_rbac_overprivileged", ["ServiceAccount/batch/launcher", "create pods"]),
    ],
    ids=["create pods is followed to the namespace's most powerful account a pod could run as",
         "create pods with no more powerful account to borrow stays what it is"],
)
def test_create_pods_is_followed_to_the_account_a_new_pod_could_run_as(extra, category, said):
    objects = [_deploy("launcher", "batch"), _deploy("purger", "batch", sa="cache-purger"), _deny("batch"), LAUNCHER,
               _binding("RoleBinding", "launcher", "batch", "Role", "job-launcher", [_sa("launcher", "batch")]),
               *extra]
    finding = _ask(objects, "batch")
    assert finding.category == category
    text = " ".join([finding.summary, finding.root_cause])
    for s in said:
        assert s in text, s


# --- 4. confidence follows the evidence -----------------------------------------------------------------

def test_confidence_follows_the_evidence():
    spec_says = _ask([_deploy("tracer", "labs", sc={**SAFE_SC, "privileged": True}), _deny("labs")], "labs")
    inferred = _ask([_deploy("launcher", "batch"), _deny("batch"), LAUNCHER, NODE_PATCHER,
                     _binding("RoleBinding", "launcher", "batch", "Role", "job-launcher", [_sa("launcher", "batch")]),
                     _binding("ClusterRoleBinding", "cache-purger-nodes", None, "ClusterRole", "node-patcher",
                              [_sa("cache-purger", "batch")])], "batch")
    by_design = _ask([CILIUM, _deny("kube-system")], "kube-system", object_kind="DaemonSet",
                     object_name="cilium-agent", workload_kind="DaemonSet", workload="cilium-agent")
    assert spec_says.confidence == 0.88  # the object's own spec breaks a PSS control: STATE_SAYS
    assert inferred.category == "security_rbac_escalation" and inferred.confidence < spec_says.confidence
    assert by_design.category == "healthy" and by_design.confidence < spec_says.confidence
