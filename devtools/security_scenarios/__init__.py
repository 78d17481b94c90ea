"""The security auditor's scenarios: audits, binding events and Falco alerts, with look-alikes that must stay quiet.

Each is the held-out suite's base cluster (kube-system, ingress, monitoring) plus one team namespace
built restricted (Pod Security Standards restricted, pinned images, a default-deny policy, own service
accounts), with one thing planted that an auditor must find, or nothing planted (a CNI that is
privileged by design, a binding to `view`) where it must find nothing. `python -m devtools.security_scenarios
OUT_DIR [NAME ...]` renders them.
"""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final

from devtools.heldout.base import base_cluster
from devtools.heldout.cluster import Cluster
from devtools.heldout.scenario import Scenario
from devtools.heldout.shapes import container, port, resources
from devtools.heldout.store import DAY

RBAC: Final = "rbac.authorization.k8s.io/v1"
RESTRICTED: Final = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": True,
                     "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}}
_POD: Final = {"automountServiceAccountToken": False}


def _team(name: str, ns: str, apps: Iterable[str] = ("api", "worker"), *, deny: bool = True) -> Cluster:
    """A cluster whose namespace `ns` runs `apps` restricted, each with its own service account."""
    c = base_cluster(name, apps=False)
    c.namespace(ns, created=200 * DAY, labels={"team": ns, "pod-security.kubernetes.io/enforce": "baseline"})
    for app in apps:
        _app(c, ns, app)
    if deny:
        _policy(c, ns, "default-deny", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]})
    return c


def _app(c: Cluster, ns: str, app: str, *, security: dict[str, Any] | None = None, image: str = "",
         spec: dict[str, Any] | None = None, volumes: list[dict[str, Any]] | None = None,
         account: str = "") -> Any:
    c.add_extra("serviceaccounts.json", "ServiceAccount", "v1",
                {"metadata": c.meta(account or app, ns, 90 * DAY), "automountServiceAccountToken": False})
    box = container(app, image or c.image(f"{ns}/{app}:4.12.3"), ports=[port(8080)],
                    resources=resources("100m", "128Mi", memory_limit="256Mi"),
                    security=RESTRICTED if security is None else security)
    return c.deployment(ns, app, [box], replicas=2, spec={**_POD, **(spec or {})}, volumes=volumes,
                        service_account=account or app)


def _policy(c: Cluster, ns: str, name: str, spec: dict[str, Any]) -> None:
    c.add_extra("networkpolicies.json", "NetworkPolicy", "networking.k8s.io/v1",
                {"metadata": c.meta(name, ns, 150 * DAY), "spec": spec})


def _role(c: Cluster, kind: str, name: str, ns: str | None, rules: list[dict[str, Any]], **extra: Any) -> None:
    filename = "roles.json" if kind == "Role" else "clusterroles.json"
    c.add_extra(filename, kind, RBAC, {"metadata": c.meta(name, ns, 60 * DAY), "rules": rules, **extra})


def _binding(c: Cluster, kind: str, name: str, ns: str | None, role_kind: str, role: str,
             subjects: list[dict[str, Any]], created: float = 30 * DAY) -> dict[str, Any]:
    filename = "rolebindings.json" if kind == "RoleBinding" else "clusterrolebindings.json"
    return c.add_extra(filename, kind, RBAC, {"metadata": c.meta(name, ns, created),
                                              "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind,
                                                          "name": role}, "subjects": subjects})


def _sa(name: str, ns: str) -> dict[str, str]:
    return {"kind": "ServiceAccount", "name": name, "namespace": ns}


def _audit(ns: str) -> dict[str, Any]:
    return {"namespace": ns, "question": f"audit namespace {ns}", "specialist": "security_auditor"}


def _cluster_admin(c: Cluster) -> None:
    _role(c, "ClusterRole", "cluster-admin", None, [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                                                    {"nonResourceURLs": ["*"], "verbs": ["*"]}])


def _scenario(name: str, c: Cluster, trigger_file: str, trigger: dict[str, Any], cls: str,
              mentions: tuple[str, ...], notes: str) -> Scenario:
    return Scenario(name, c, trigger_file, trigger, cls, mentions, notes)


def privileged_workload() -> Scenario:
    name = "security-privileged-workload-audit"
    c = _team(name, "payments", ("api",))
    _app(c, "payments", "card-tokenizer", security={**RESTRICTED, "privileged": True, "allowPrivilegeEscalation": True})
    return _scenario(name, c, "ask.json", _audit("payments"), "security_privileged_workload",
                     ("card-tokenizer", "privileged"),
                     "card-tokenizer runs a privileged container in a namespace otherwise restricted.")


def docker_socket() -> Scenario:
    name = "security-host-path-docker-socket-audit"
    c = _team(name, "ci", ("runner-api",))
    _app(c, "ci", "image-builder", volumes=[{"name": "docker", "hostPath": {"path": "/var/run/docker.sock",
                                                                             "type": "Socket"}}])
    return _scenario(name, c, "ask.json", _audit("ci"), "security_host_access", ("image-builder", "docker.sock"),
                     "image-builder mounts the node's container runtime socket: root on the node.")


def root_with_secret_reader() -> Scenario:
    name = "security-root-pod-whose-account-reads-secrets"
    c = _team(name, "reporting", ("api",))
    _app(c, "reporting", "exporter", security={**RESTRICTED, "runAsUser": 0, "runAsNonRoot": False})
    _role(c, "Role", "exporter-config", "reporting",
          [{"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["get", "list", "watch"]}])
    _binding(c, "RoleBinding", "exporter-config", "reporting", "Role", "exporter-config", [_sa("exporter", "reporting")])
    return _scenario(name, c, "ask.json", _audit("reporting"), "security_runs_as_root",
                     ("exporter", "secret"),
                     "exporter runs as UID 0 and its service account can list Secrets: a compromise of the "
                     "process reads every Secret in the namespace. The danger makes root critical here.")


def wildcard_role() -> Scenario:
    name = "security-wildcard-role-audit"
    c = _team(name, "data", ("api", "loader"))
    _role(c, "Role", "loader-everything", "data", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
    _binding(c, "RoleBinding", "loader-everything", "data", "Role", "loader-everything", [_sa("loader", "data")])
    return _scenario(name, c, "ask.json", _audit("data"), "security_rbac_overprivileged",
                     ("loader-everything", "loader"), "A Role with * on * in data, bound to loader's account.")


def cluster_admin_binding_event() -> Scenario:
    name = "security-cluster-admin-binding-event"
    c = _team(name, "tools", ("deployer",))
    _cluster_admin(c)
    binding = _binding(c, "ClusterRoleBinding", "deployer-admin", None, "ClusterRole", "cluster-admin",
                       [_sa("deployer", "tools")], created=0.2)
    return _scenario(name, c, "event.json", binding, "security_cluster_admin_binding",
                     ("deployer", "cluster-admin"),
                     "ApiServerSource (mode Resource on RBAC) delivers a new ClusterRoleBinding granting "
                     "cluster-admin to tools/deployer.")


def view_binding_event_lookalike() -> Scenario:
    name = "security-view-binding-event-lookalike"
    c = _team(name, "web", ("frontend",))
    _role(c, "ClusterRole", "view", None, [{"apiGroups": ["", "apps"], "resources": ["pods", "services",
                                                                                    "deployments", "configmaps"],
                                            "verbs": ["get", "list", "watch"]}])
    binding = _binding(c, "RoleBinding", "frontend-view", "web", "ClusterRole", "view", [_sa("frontend", "web")],
                       created=0.1)
    return _scenario(name, c, "event.json", binding, "healthy", ("web",),
                     "A RoleBinding to view (no Secrets, no exec) in a restricted namespace: nothing to report.")


def restricted_namespace_healthy() -> Scenario:
    name = "security-restricted-namespace-healthy"
    c = _team(name, "ledger", ("api", "worker", "scheduler"))
    return _scenario(name, c, "ask.json", _audit("ledger"), "healthy", ("ledger",),
                     "Every workload restricted, own accounts, pinned images, a default deny: nothing to report.")


def cni_by_design_lookalike() -> Scenario:
    name = "security-cni-privileged-by-design-lookalike"
    c = _team(name, "calico-system", ("calico-kube-controllers",))
    node = container("calico-node", "docker.io/calico/node:v3.27.2", security={"privileged": True},
                     resources=resources("250m", "256Mi"))
    c.daemonset("calico-system", "calico-node", [node], labels={"k8s-app": "calico-node"},
                spec={"hostNetwork": True, "serviceAccountName": "calico-node"},
                volumes=[{"name": "lib-modules", "hostPath": {"path": "/lib/modules"}}])
    return _scenario(name, c, "ask.json", _audit("calico-system"), "healthy", ("calico-node",),
                     "calico-node must be privileged with hostNetwork: it is the CNI. Said as by design, not reported.")


def unpinned_images() -> Scenario:
    name = "security-unpinned-images-audit"
    c = _team(name, "marketing", ("api",))
    _app(c, "marketing", "landing", image="nginx:latest")
    _app(c, "marketing", "mailer", image="bitnami/postfix")
    return _scenario(name, c, "ask.json", _audit("marketing"), "security_image_policy", ("nginx:latest",),
                     "Two images with no version: what runs can change under the same name.")


def no_default_deny() -> Scenario:
    name = "security-no-default-deny-audit"
    c = _team(name, "search", ("api", "indexer"), deny=False)
    return _scenario(name, c, "ask.json", _audit("search"), "security_network_unrestricted",
                     ("search", "default-deny"), "A restricted namespace without any NetworkPolicy.")


def exec_group() -> Scenario:
    name = "security-group-can-exec-audit"
    c = _team(name, "orders", ("api",))
    _role(c, "Role", "debug-shell", "orders", [{"apiGroups": [""], "resources": ["pods", "pods/exec"],
                                                 "verbs": ["get", "list", "create"]}])
    _binding(c, "RoleBinding", "contractors-debug", "orders", "Role", "debug-shell",
             [{"kind": "Group", "name": "contractors", "apiGroup": "rbac.authorization.k8s.io"}])
    return _scenario(name, c, "ask.json", _audit("orders"), "security_rbac_overprivileged",
                     ("contractors", "exec"), "The contractors group can open a shell in every pod of orders.")


def falco_shell() -> Scenario:
    name = "security-falco-shell-in-secret-reader-pod"
    c = _team(name, "billing", ())
    workload = _app(c, "billing", "invoices")
    _policy(c, "billing", "default-deny", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]})
    _role(c, "Role", "invoices-secrets", "billing", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}])
    _binding(c, "RoleBinding", "invoices-secrets", "billing", "Role", "invoices-secrets", [_sa("invoices", "billing")])
    pod = workload.pods[0]
    labels = {"source": "falco", "rule": "Terminal shell in container", "priority": "Notice",
              "severity": "information", "eventsource": "syscall", "k8s_ns_name": "billing",
              "k8s_pod_name": pod["metadata"]["name"], "container_name": "invoices", "proc_cmdline": "bash",
              "user_name": "root"}
    alert = {"version": "4", "status": "firing", "receiver": "kubetriage", "groupKey": "{}:{rule=\"shell\"}",
             "groupLabels": {"rule": "Terminal shell in container"}, "commonLabels": labels, "commonAnnotations": {},
             "externalURL": "http://alertmanager-main.monitoring:9093", "truncatedAlerts": 0,
             "alerts": [{"status": "firing", "labels": labels, "startsAt": "2026-01-01T00:00:00Z",
                         "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "5d1e0c2a9b7f3e41", "generatorURL": "",
                         "annotations": {"summary": "Terminal shell in container",
                                         "description": "A shell was spawned in a container with an attached "
                                                        "terminal (user=root shell=bash)"}}]}
    return _scenario(name, c, "alert.json", alert, "security_runtime_alert", ("Terminal shell", "secret"),
                     "Falco saw a shell in an invoices pod whose account can read Secrets.")


SCENARIOS: Final[dict[str, Callable[[], Scenario]]] = {
    "security-privileged-workload-audit": privileged_workload,
    "security-host-path-docker-socket-audit": docker_socket,
    "security-root-pod-whose-account-reads-secrets": root_with_secret_reader,
    "security-wildcard-role-audit": wildcard_role,
    "security-cluster-admin-binding-event": cluster_admin_binding_event,
    "security-view-binding-event-lookalike": view_binding_event_lookalike,
    "security-restricted-namespace-healthy": restricted_namespace_healthy,
    "security-cni-privileged-by-design-lookalike": cni_by_design_lookalike,
    "security-unpinned-images-audit": unpinned_images,
    "security-no-default-deny-audit": no_default_deny,
    "security-group-can-exec-audit": exec_group,
    "security-falco-shell-in-secret-reader-pod": falco_shell,
}

# The policy-engine scenarios build on the helpers above (imported here, after them, to avoid a cycle).
from devtools.security_scenarios.policy import SCENARIOS as _POLICY  # noqa: E402

SCENARIOS.update(_POLICY)


def render_suite(out_dir: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Write the named scenarios (all by default) under `out_dir`; returns their directories."""
    selected = list(names) if names is not None else sorted(SCENARIOS)
    unknown = [n for n in selected if n not in SCENARIOS]
    if unknown:
        raise KeyError(f"unknown scenario(s): {', '.join(unknown)}")
    return [SCENARIOS[n]().write(Path(out_dir)) for n in selected]
