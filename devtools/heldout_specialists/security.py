"""Held-out security cases: what an auditor would be shown, and what they would conclude.

Each case returns (cluster, trigger, expected). The audited namespace is hardened everywhere except where
the case plants its issue, so the issue is the worst thing in it; look-alikes are things a careful
auditor accepts (node agents privileged by design, a break-glass group kept in Git, a team's own edit
binding, a digest-pinned image whose tag reads latest, a restricted namespace).
"""

from __future__ import annotations

from typing import Any

from devtools.heldout_specialists.triggers import ask, expected, falco
from devtools.heldout_specialists.world import (
    ECR,
    RESTRICTED_CONTAINER,
    RESTRICTED_POD,
    Cluster,
    base,
    binding,
    default_deny,
    label_namespace,
    patch_workload,
    role,
    rule,
    schedule,
    service_account,
    subject,
)
from devtools.scenarios.kube import container, safe, uid

SEC = "security_auditor"


def _digest(seed: str) -> str:
    return (uid(seed) + uid(seed + "2")).replace("-", "")[:64]


def team_app(c: Cluster, ns: str, name: str, image: str, *, replicas: int = 2, sa: str | None = None,
             pod_security: dict | None = None, security: dict | None = None, automount: bool = False,
             volumes: list | None = None, mounts: list | None = None, **kw: Any) -> list[str]:
    """A Deployment as a careful team writes it (restricted, its own account, no token) unless told otherwise."""
    sa = sa or name
    service_account(c.world, ns, sa, automount=automount if not automount else None)
    ctr = container(name, image, security=dict(RESTRICTED_CONTAINER if security is None else security),
                    mounts=mounts, **kw)
    pods = c.world.deployment(ns, name, [ctr], replicas=replicas, volumes=volumes, spec_extra={
        "serviceAccountName": sa, "securityContext": dict(RESTRICTED_POD if pod_security is None else pod_security)})
    patch_workload(c.world, ns, name, {"serviceAccountName": sa, "automountServiceAccountToken": automount,
                                       **({"volumes": volumes} if volumes else {})})
    return pods


def _binding_event(obj: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The RBAC object as ApiServerSource in mode Resource delivers it (the object, with its kind)."""
    return "event.json", obj


# --- RBAC ------------------------------------------------------------------------------------------

def cluster_admin_to_ci_deployer():
    c = base("hs-sec-crb-ci")
    w = c.world
    team_app(c, "ci", "jenkins", "docker.io/jenkins/jenkins:2.479.1-lts-jdk17", replicas=1, sa="jenkins-deployer",
             automount=True, port=8080)
    crb = binding(w, "jenkins-deployer-admin", ("ClusterRole", "cluster-admin"),
                  [subject("ServiceAccount", "jenkins-deployer", "ci")], age_min=12)
    default_deny(w, "ci", allow_from_ingress=["jenkins"])
    return c, _binding_event(crb), expected(
        "security_cluster_admin_binding", ["jenkins-deployer"],
        "positive: a ClusterRoleBinding made 12 minutes ago (kubectl create, no labels) gives the service account "
        "ci/jenkins-deployer cluster-admin, and the Jenkins pod mounts that account's token: anyone who runs a "
        "job owns the cluster (CIS 5.1.1)")


def break_glass_group_cluster_admin():
    c = base("hs-sec-crb-breakglass")
    crb = binding(c.world, "platform-break-glass", ("ClusterRole", "cluster-admin"),
                  [subject("Group", "oidc:platform-break-glass")], age_min=60 * 24 * 310,
                  labels={"app.kubernetes.io/managed-by": "argocd", "argocd.argoproj.io/instance": "platform-rbac",
                          "platform.acme.io/tier": "break-glass"},
                  annotations={"platform.acme.io/owner": "sre",
                               "platform.acme.io/runbook": "runbooks/access/break-glass.md"})
    return c, _binding_event(crb), expected(
        "healthy", ["platform-break-glass"],
        "look-alike (judgement): the platform's break-glass binding, 310 days old, kept in Git by Argo CD, to an "
        "IdP group rather than an account with a token; the event is a resync. CIS 5.1.1 allows cluster-admin "
        "'where required' and emergency access is that case; the control lives in the IdP's group membership. "
        "Not a finding to raise; at most a note to review the group's members")


def pods_exec_escalation():
    c = base("hs-sec-escalation")
    w = c.world
    team_app(c, "ops", "runbook-bot", f"{ECR}/ops/runbook-bot:1.9.0", replicas=1, automount=True)
    team_app(c, "ops", "status-page", f"{ECR}/ops/status-page:2.3.1")
    service_account(w, "ops", "node-drainer")
    role(w, "runbook-automation", [rule([""], ["pods"], ["create", "delete", "get", "list", "watch"]),
                                   rule([""], ["pods/exec"], ["create"]), rule([""], ["pods/log"], ["get"]),
                                   rule(["apps"], ["deployments"], ["get", "list", "patch"])], ns="ops")
    binding(w, "runbook-automation", ("Role", "runbook-automation"), [subject("ServiceAccount", "runbook-bot", "ops")],
            ns="ops")
    role(w, "node-drainer", [rule([""], ["nodes"], ["get", "list", "patch"]), rule([""], ["pods"], ["get", "list"]),
                             rule([""], ["pods/eviction"], ["create"])])
    binding(w, "node-drainer", ("ClusterRole", "node-drainer"), [subject("ServiceAccount", "node-drainer", "ops")])
    default_deny(w, "ops", allow_from_ingress=["status-page"])
    return c, ask("ops", "Audit namespace ops before the SOC 2 review.", SEC), expected(
        "security_rbac_escalation", ["runbook-bot"],
        "positive: runbook-bot's account can create pods and pods/exec in ops, so it can start a pod as any "
        "account of the namespace (node-drainer: patch nodes, evict pods cluster-wide) and exec into every pod; "
        "its token is mounted. Class name chosen without a documented security vocabulary")


def wildcard_clusterrole_to_workflow_sa():
    c = base("hs-sec-wildcard")
    w = c.world
    team_app(c, "argo", "workflow-controller", "quay.io/argoproj/workflow-controller:v3.5.11", replicas=1,
             sa="argo", automount=True, port=9090)
    service_account(w, "argo", "argo-workflow")
    role(w, "argo-workflows-everything", [rule(["*"], ["*"], ["*"])], age_min=7,
         labels={"app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/instance": "data-pipelines"})
    crb = binding(w, "argo-workflows-everything", ("ClusterRole", "argo-workflows-everything"),
                  [subject("ServiceAccount", "argo-workflow", "argo")], age_min=7,
                  labels={"app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/instance": "data-pipelines"})
    default_deny(w, "argo")
    return c, _binding_event(crb), expected(
        "security_cluster_admin_binding", ["argo-workflow"],
        "positive: a ClusterRole with '*' verbs on '*' resources in every API group is cluster-admin by another "
        "name, bound to the account every workflow step runs as (CIS 5.1.1, 5.1.3)")


def team_edit_rolebinding():
    c = base("hs-sec-team-edit")
    w = c.world
    team_app(c, "growth", "experiments-api", f"{ECR}/growth/experiments-api:0.42.0")
    default_deny(w, "growth", allow_from_ingress=["experiments-api"])
    rb = binding(w, "team-growth-edit", ("ClusterRole", "edit"), [subject("Group", "oidc:team-growth")], ns="growth",
                 age_min=2, labels={"app.kubernetes.io/managed-by": "argocd",
                                    "argocd.argoproj.io/instance": "tenant-growth"})
    return c, _binding_event(rb), expected(
        "healthy", ["team-growth-edit"],
        "look-alike: onboarding a team: its IdP group gets the built-in edit role in its own namespace only, "
        "from Git. That is the per-namespace tenancy model, not an escalation")


# --- workload posture ------------------------------------------------------------------------------

def privileged_transcoder():
    c = base("hs-sec-privileged")
    w = c.world
    team_app(c, "media", "video-transcoder", f"{ECR}/media/video-transcoder:5.0.1", replicas=2, pod_security={},
             security={"privileged": True}, cpu="2", memory="4Gi", limit_memory="4Gi",
             volumes=[{"name": "dri", "hostPath": {"path": "/dev/dri"}}], mounts=[{"name": "dri", "mountPath": "/dev/dri"}])
    team_app(c, "media", "thumbnailer", f"{ECR}/media/thumbnailer:1.4.0")
    default_deny(w, "media")
    return c, ask("media", "Audit namespace media.", SEC), expected(
        "security_privileged_workload", ["video-transcoder"],
        "positive: an application Deployment runs privileged (for /dev/dri), which the Baseline Pod Security "
        "Standard forbids; a device plugin would give it the GPU without root on the node")


def csi_node_privileged_by_design():
    c = base("hs-sec-csi")
    return c, ask("kube-system", "Kyverno's report flags ebs-csi-node as privileged. Is that a problem?", SEC,
                  workload="daemonset/ebs-csi-node"), expected(
        "healthy", ["ebs-csi-node"],
        "look-alike: the EBS CSI node plugin must run privileged with Bidirectional mount propagation on "
        "/var/lib/kubelet to mount volumes; it is the vendor's DaemonSet in kube-system, by design")


def docker_socket_ci_agents():
    c = base("hs-sec-docker-sock")
    w = c.world
    team_app(c, "ci", "build-agent", "docker.io/jenkins/inbound-agent:3261.v9c670a_4748a_9-1-jdk17", replicas=3,
             pod_security={}, security={}, port=None, cpu="2", memory="4Gi", limit_memory="4Gi",
             volumes=[{"name": "docker-sock", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}}],
             mounts=[{"name": "docker-sock", "mountPath": "/var/run/docker.sock"}])
    default_deny(w, "ci")
    return c, ask("ci", "Audit namespace ci: the build agents build images.", SEC), expected(
        "security_host_path", ["docker.sock"],
        "positive: the build agents mount the node's /var/run/docker.sock (hostPath, forbidden by the Baseline "
        "standard): any build can start a privileged container on the node, i.e. root on the node. Class name "
        "chosen without a documented security vocabulary")


def runs_as_root_pdf_renderer():
    c = base("hs-sec-root")
    w = c.world
    team_app(c, "reporting", "pdf-renderer", f"{ECR}/reporting/pdf-renderer:3.2.0",
             pod_security={"seccompProfile": {"type": "RuntimeDefault"}},
             security={"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}})
    team_app(c, "reporting", "report-api", f"{ECR}/reporting/report-api:3.2.0")
    default_deny(w, "reporting", allow_from_ingress=["report-api"])
    return c, ask("reporting", "Audit namespace reporting.", SEC), expected(
        "security_runs_as_root", ["pdf-renderer"],
        "positive: pdf-renderer sets neither runAsNonRoot nor runAsUser, so it runs as the image's root (the "
        "restricted standard's 'Running as Non-root' control); everything else in the namespace is restricted")


def node_debugger_left_behind():
    c = base("hs-sec-node-debugger")
    w = c.world
    node = "ip-10-42-12-140.us-east-2.compute.internal"
    name = f"node-debugger-{node}-x{safe(node, 4)}"
    w.pod("default", name, [{"name": "debugger", "image": "docker.io/library/busybox:1.36", "stdin": True, "tty": True,
                             "securityContext": {"privileged": True},
                             "volumeMounts": [{"name": "host-root", "mountPath": "/host"}],
                             "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                             "imagePullPolicy": "IfNotPresent", "resources": {}}],
          labels={}, owner=None, node=node, age_min=60 * 24 * 9,
          volumes=[{"name": "host-root", "hostPath": {"path": "/", "type": ""}}],
          spec_extra={"hostIPC": True, "hostNetwork": True, "hostPID": True, "restartPolicy": "Never",
                      "tolerations": [{"operator": "Exists"}]})
    c.pinned.add(name)
    return c, ask("default", "Audit namespace default.", SEC), expected(
        "security_privileged_workload", ["node-debugger"],
        "positive: a `kubectl debug node --profile=sysadmin` pod left running for 9 days: privileged, host PID, "
        "network and IPC, the node's / mounted at /host")


# --- images and network ----------------------------------------------------------------------------

def latest_from_docker_hub_user():
    c = base("hs-sec-latest")
    w = c.world
    team_app(c, "marketing", "landing", f"{ECR}/marketing/landing:2025.05.28")
    pods = team_app(c, "marketing", "wp-sync", "docker.io/wpsyncer/wp-plugin-sync:latest", replicas=1, port=None)
    for kind in ("deployments", "replicasets"):
        for obj in w.dump["marketing"][kind]:
            for ctr in obj["spec"]["template"]["spec"]["containers"]:
                if ctr["name"] == "wp-sync":
                    ctr["imagePullPolicy"] = "Always"
    for pod in w.dump["marketing"]["pods"]:
        if pod["metadata"]["name"] in pods:
            pod["spec"]["containers"][0]["imagePullPolicy"] = "Always"
    default_deny(w, "marketing", allow_from_ingress=["landing"])
    return c, ask("marketing", "Audit namespace marketing.", SEC), expected(
        "security_image_policy", ["wp-plugin-sync"],
        "positive: wp-sync runs a personal Docker Hub account's image by its mutable :latest tag, pulled "
        "again on every start; whoever controls that account controls the pod")


def digest_pinned_latest_tag():
    c = base("hs-sec-digest")
    w = c.world
    label_namespace(w, "checkout", {"pod-security.kubernetes.io/enforce": "restricted",
                                    "pod-security.kubernetes.io/enforce-version": "latest"})
    for app in ("checkout-api", "payment-gateway"):
        team_app(c, "checkout", app, f"{ECR}/checkout/{app}:latest@sha256:{_digest(app)}")
    default_deny(w, "checkout", allow_from_ingress=["checkout-api"])
    return c, ask("checkout", "Audit namespace checkout; a scanner complains about :latest tags.", SEC), expected(
        "healthy", [],
        "look-alike: the images read ':latest' but are pinned by digest (repo:tag@sha256:…), which is what the "
        "runtime pulls; own registry, restricted pods, default deny")


def no_default_deny_payments():
    c = base("hs-sec-netpol")
    for app in ("ledger", "settlement-api", "fx-rates"):
        team_app(c, "payments", app, f"{ECR}/payments/{app}:{len(app)}.4.1")
        c.world.service("payments", app, {"app.kubernetes.io/name": app})
    return c, ask("payments", "Audit namespace payments.", SEC), expected(
        "security_network_unrestricted", ["payments"],
        "positive: payments has no NetworkPolicy at all, so every pod in the cluster can reach the ledger; the "
        "workloads themselves are restricted (CIS 5.3.2)")


def restricted_identity_namespace():
    c = base("hs-sec-clean")
    w = c.world
    label_namespace(w, "identity", {"pod-security.kubernetes.io/enforce": "restricted",
                                    "pod-security.kubernetes.io/enforce-version": "v1.31",
                                    "pod-security.kubernetes.io/audit": "restricted"})
    for app in ("authn", "token-service"):
        team_app(c, "identity", app, f"{ECR}/identity/{app}:4.7.0@sha256:{_digest(app)}")
        w.service("identity", app, {"app.kubernetes.io/name": app})
    default_deny(w, "identity", allow_from_ingress=["authn"])
    return c, ask("identity", "Audit namespace identity.", SEC), expected(
        "healthy", [],
        "healthy: restricted enforced and met by every pod, no token mounted, accounts bound to nothing, images "
        "from the company's ECR pinned by digest, default deny with narrow allows")


# --- runtime (Falco through falcosidekick) ---------------------------------------------------------

def _shell(ns: str, pod: str, ctr: str, image: str, tag: str, node: str) -> tuple[str, dict[str, Any]]:
    cid = uid(pod).replace("-", "")[:12]
    fields = {"evt.type": "execve", "evt.arg.flags": "EXE_WRITABLE|EXE_LOWER_LAYER", "user.name": "root",
              "user.uid": "0", "user.loginuid": "-1", "proc.name": "bash", "proc.exepath": "/usr/bin/bash",
              "proc.pname": "runc", "proc.cmdline": "bash", "proc.tty": "34816", "container.id": cid,
              "container.name": ctr, "container.image.repository": image, "container.image.tag": tag,
              "k8s.ns.name": ns, "k8s.pod.name": pod}
    output = ("10:26:41.118374527: Notice A shell was spawned in a container with an attached terminal | "
              "evt_type=execve user=root user_uid=0 user_loginuid=-1 process=bash proc_exepath=/usr/bin/bash "
              "parent=runc command=bash terminal=34816 exe_flags=EXE_WRITABLE|EXE_LOWER_LAYER "
              f"container_id={cid} container_name={ctr} container_image_repository={image} "
              f"container_image_tag={tag} k8s_pod_name={pod} k8s_ns_name={ns}")
    return falco("Terminal shell in container", "Notice", output, fields,
                 ["maturity_stable", "container", "shell", "mitre_execution", "T1059"], node)


def falco_shell_sa_reads_secrets():
    c = base("hs-sec-falco-secrets")
    w = c.world
    pods = team_app(c, "payments", "settlement-api", f"{ECR}/payments/settlement-api:3.14.2", replicas=2,
                    automount=True, pod_security={}, security={})
    team_app(c, "payments", "ledger", f"{ECR}/payments/ledger:8.2.0")
    role(w, "settlement-api", [rule([""], ["secrets"], ["get", "list", "watch"]),
                               rule([""], ["configmaps"], ["get", "list", "watch"])], ns="payments")
    binding(w, "settlement-api", ("Role", "settlement-api"), [subject("ServiceAccount", "settlement-api", "payments")],
            ns="payments")
    default_deny(w, "payments", allow_from_ingress=["settlement-api"])
    schedule(c)  # the node Falco reports is where the scheduler put the pod
    pod = next(p for p in w.dump["payments"]["pods"] if p["metadata"]["name"] == pods[0])
    return c, _shell("payments", pods[0], "settlement-api", f"{ECR}/payments/settlement-api", "3.14.2",
                     pod["spec"]["nodeName"]), expected(
        "security_runtime_alert", [pods[0], "secret"],
        "positive: an interactive root shell in a payments pod whose mounted token can list and read every "
        "Secret in payments (card processor keys, DB credentials): treat as a possible compromise")


def falco_shell_powerless_sa():
    c = base("hs-sec-falco-powerless")
    w = c.world
    patch_workload(w, "storefront", "web", {"automountServiceAccountToken": False})
    default_deny(w, "storefront", allow_from_ingress=["web"])
    schedule(c)
    pod = w.dump["storefront"]["pods"][0]
    return c, _shell("storefront", pod["metadata"]["name"], "web", f"{ECR}/storefront/web", "2024.11.3",
                     pod["spec"]["nodeName"]), expected(
        "security_runtime_alert", [pod["metadata"]["name"]],
        "positive (lower blast radius): the same shell in a storefront pod whose account has no token mounted "
        "and no bindings; still an event to verify (who exec'd, from where), but the account reaches nothing")


CASES = {
    "sec-cluster-admin-binding-ci-deployer-event": cluster_admin_to_ci_deployer,
    "sec-lookalike-break-glass-group-cluster-admin-event": break_glass_group_cluster_admin,
    "sec-sa-create-pods-exec-escalation-ask": pods_exec_escalation,
    "sec-wildcard-clusterrole-workflow-sa-event": wildcard_clusterrole_to_workflow_sa,
    "sec-lookalike-team-edit-rolebinding-event": team_edit_rolebinding,
    "sec-privileged-transcoder-app-namespace-ask": privileged_transcoder,
    "sec-lookalike-csi-node-privileged-by-design-ask": csi_node_privileged_by_design,
    "sec-docker-socket-hostpath-build-agents-ask": docker_socket_ci_agents,
    "sec-runs-as-root-pdf-renderer-ask": runs_as_root_pdf_renderer,
    "sec-node-debugger-pod-left-behind-ask": node_debugger_left_behind,
    "sec-latest-image-docker-hub-user-ask": latest_from_docker_hub_user,
    "sec-lookalike-latest-tag-pinned-by-digest-ask": digest_pinned_latest_tag,
    "sec-no-default-deny-payments-ask": no_default_deny_payments,
    "sec-healthy-restricted-identity-namespace-ask": restricted_identity_namespace,
    "sec-falco-shell-sa-reads-secrets-alert": falco_shell_sa_reads_secrets,
    "sec-falco-shell-powerless-sa-alert": falco_shell_powerless_sa,
}
