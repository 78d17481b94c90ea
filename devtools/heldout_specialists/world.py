"""The held-out specialists' cluster: its own EKS-shaped base, RBAC as EKS ships it, metrics and AWS state.

Written without reading the cost or security analyzers (nor their suites); it reuses only the bundled
suite's format machinery (devtools.scenarios: World, render_world), which writes kubectl's dump format.
Every running pod gets a metrics.k8s.io reading, by default a healthy share of what it requests; a
scenario names the workloads that use less or more. Nodes read their pods' usage plus the system's share.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devtools.scenarios.kube import container, http_probe, meta, safe, ts
from devtools.scenarios.render import render_world
from devtools.scenarios.world import World

ACCOUNT = "418295730162"
ECR = f"{ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com"
EKS_ECR = "602401143452.dkr.ecr.us-east-2.amazonaws.com"
NODES = ("ip-10-42-11-87.us-east-2.compute.internal", "ip-10-42-12-140.us-east-2.compute.internal",
         "ip-10-42-13-22.us-east-2.compute.internal", "ip-10-42-11-203.us-east-2.compute.internal",
         "ip-10-42-12-9.us-east-2.compute.internal")
RBAC = "rbac.authorization.k8s.io/v1"
# Pod Security Standards "restricted", as a careful team writes it.
RESTRICTED_POD = {"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001,
                  "seccompProfile": {"type": "RuntimeDefault"}}
RESTRICTED_CONTAINER = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
                        "readOnlyRootFilesystem": True, "runAsNonRoot": True}


@dataclass
class Cluster:
    world: World
    usage: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)  # (ns, workload) -> shares
    aws: dict[str, Any] | None = None
    pinned: set[str] = field(default_factory=set)  # pods placed by hand (kept where they are)
    late_nodes: set[str] = field(default_factory=set)  # nodes joined after the workloads were scheduled


def base(seed: str, *, apps: bool = True, extra_nodes: int = 0) -> Cluster:
    """General m6i.2xlarge nodes, EKS add-ons as EKS installs them, monitoring and the company's services,
    about 70 % of CPU requested and a healthy share of that used (no node mostly empty)."""
    w = World(seed)
    for name in NODES + tuple(f"ip-10-42-14-{31 + 17 * i}.us-east-2.compute.internal" for i in range(extra_nodes)):
        w.node(name, cpu="8", memory="32086000Ki", labels={
            "eks.amazonaws.com/nodegroup": "general-m6i", "node.kubernetes.io/instance-type": "m6i.2xlarge",
            "eks.amazonaws.com/capacityType": "ON_DEMAND"})
    ks = "kube-system"
    w.daemonset(ks, "aws-node", [container("aws-node", f"{EKS_ECR}/amazon-k8s-cni:v1.19.0-eksbuild.1", port=61678,
                                           port_name="metrics", cpu="25m", memory="64Mi", limit_memory=None,
                                           security={"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}})])
    patch_daemonset(w, ks, "aws-node", {"hostNetwork": True, "serviceAccountName": "aws-node",
                                        "priorityClassName": "system-node-critical",
                                        "volumes": [_host("cni-bin-dir", "/opt/cni/bin"),
                                                    _host("cni-net-dir", "/etc/cni/net.d"),
                                                    _host("xtables-lock", "/run/xtables.lock", "FileOrCreate")],
                                        "initContainers": [{"name": "aws-vpc-cni-init",
                                                            "image": f"{EKS_ECR}/amazon-k8s-cni-init:v1.19.0-eksbuild.1",
                                                            "securityContext": {"privileged": True},
                                                            "volumeMounts": [{"name": "cni-bin-dir",
                                                                              "mountPath": "/host/opt/cni/bin"}]}]})
    w.daemonset(ks, "kube-proxy", [container("kube-proxy", f"{EKS_ECR}/eks/kube-proxy:v1.31.2-minimal-eksbuild.3",
                                             port=None, cpu="100m", memory="50Mi", limit_memory=None,
                                             security={"privileged": True})])
    patch_daemonset(w, ks, "kube-proxy", {"hostNetwork": True, "serviceAccountName": "kube-proxy",
                                          "priorityClassName": "system-node-critical",
                                          "volumes": [_host("varlog", "/var/log"),
                                                      _host("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
                                                      _host("lib-modules", "/lib/modules")]})
    w.daemonset(ks, "ebs-csi-node", [container("ebs-plugin", "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.37.0",
                                               port=9808, port_name="healthz", cpu="10m", memory="40Mi",
                                               limit_memory="256Mi", security={"privileged": True, "readOnlyRootFilesystem": True},
                                               mounts=[{"name": "kubelet-dir", "mountPath": "/var/lib/kubelet",
                                                        "mountPropagation": "Bidirectional"},
                                                       {"name": "device-dir", "mountPath": "/dev"}])])
    patch_daemonset(w, ks, "ebs-csi-node", {"serviceAccountName": "ebs-csi-node-sa",
                                            "priorityClassName": "system-node-critical",
                                            "volumes": [_host("kubelet-dir", "/var/lib/kubelet", "Directory"),
                                                        _host("plugin-dir", "/var/lib/kubelet/plugins/ebs.csi.aws.com/",
                                                              "DirectoryOrCreate"),
                                                        _host("device-dir", "/dev", "Directory")]})
    w.deployment(ks, "coredns", [container("coredns", f"{EKS_ECR}/eks/coredns:v1.11.3-eksbuild.2", port=53,
                                           port_name="dns", cpu="100m", memory="70Mi", limit_memory="170Mi",
                                           liveness=http_probe("/health", 8080, 60), readiness=http_probe("/ready", 8181),
                                           security={"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                                     "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}})],
                 revision=2, spec_extra={"serviceAccountName": "coredns", "priorityClassName": "system-cluster-critical"})
    w.deployment(ks, "metrics-server", [container("metrics-server", "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
                                                  port=10250, port_name="https", cpu="100m", memory="200Mi",
                                                  security=RESTRICTED_CONTAINER)], replicas=2, revision=3,
                 spec_extra={"serviceAccountName": "metrics-server", "securityContext": RESTRICTED_POD})
    w.deployment(ks, "cluster-autoscaler", [container("cluster-autoscaler",
                                                      "registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.0",
                                                      port=8085, cpu="100m", memory="600Mi", limit_memory="600Mi")],
                 replicas=1, revision=5, spec_extra={"serviceAccountName": "cluster-autoscaler"})
    w.statefulset("monitoring", "prometheus-kps-prometheus", [container(
        "prometheus", "quay.io/prometheus/prometheus:v2.54.1", port=9090, cpu="2", memory="8Gi", limit_memory="8Gi")],
        replicas=1)
    w.deployment("monitoring", "kps-kube-state-metrics", [container(
        "kube-state-metrics", "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0", cpu="50m",
        memory="150Mi")], replicas=1, revision=4, spec_extra={"serviceAccountName": "kps-kube-state-metrics"})
    if apps:
        shop(w)
    eks_rbac(w)
    return Cluster(w)


def shop(w: World) -> None:
    """The company's own services: the storefront, orders with Kafka, search, billing."""
    w.deployment("storefront", "web", [container("web", f"{ECR}/storefront/web:2024.11.3", cpu="1", memory="2Gi",
                                                 limit_memory="2Gi", readiness=http_probe("/healthz", "http"))],
                 replicas=6, revision=41)
    w.deployment("storefront", "cart", [container("cart", f"{ECR}/storefront/cart:3.8.0", cpu="500m", memory="1Gi",
                                                  limit_memory="1536Mi")], replicas=4, revision=17)
    w.deployment("orders", "orders-api", [container("orders-api", f"{ECR}/orders/orders-api:5.2.1", cpu="1",
                                                    memory="2Gi", limit_memory="2Gi")], replicas=4, revision=63)
    w.statefulset("orders", "kafka", [container("kafka", "docker.io/bitnami/kafka:3.8.0", port=9092, cpu="2",
                                                memory="8Gi", limit_memory="8Gi")], replicas=3)
    w.statefulset("search", "opensearch", [container("opensearch", "opensearchproject/opensearch:2.17.1", port=9200,
                                                     cpu="2", memory="8Gi", limit_memory="8Gi")], replicas=3)
    w.deployment("billing", "invoicer", [container("invoicer", f"{ECR}/billing/invoicer:1.22.4", cpu="500m",
                                                   memory="1Gi", limit_memory="1Gi")], replicas=3, revision=9)
    for ns, name in (("storefront", "web"), ("storefront", "cart"), ("orders", "orders-api"), ("billing", "invoicer")):
        w.service(ns, name, {"app.kubernetes.io/name": name})


def _host(name: str, path: str, type_: str = "") -> dict[str, Any]:
    return {"name": name, "hostPath": {"path": path, **({"type": type_} if type_ else {})}}


# --- shaping workloads after the fact ---------------------------------------------------------------

def patch_daemonset(w: World, ns: str, name: str, spec: dict[str, Any]) -> None:
    """Pod-spec fields (hostNetwork, volumes, serviceAccountName, …) on a DaemonSet's template and its pods."""
    for ds in w.dump[ns]["daemonsets"]:
        if ds["metadata"]["name"] == name:
            ds["spec"]["template"]["spec"].update(spec)
    for pod in w.dump[ns]["pods"]:
        owner = pod["metadata"].get("ownerReferences", [{}])[0]
        if owner.get("kind") == "DaemonSet" and owner.get("name") == name:
            _update_pod_spec(pod, spec)


def patch_workload(w: World, ns: str, name: str, spec: dict[str, Any]) -> None:
    """Pod-spec fields on a Deployment's template, its ReplicaSets' templates and its pods."""
    for kind in ("deployments", "replicasets"):
        for obj in w.dump[ns][kind]:
            labels = obj["spec"]["template"]["metadata"]["labels"]
            if labels.get("app.kubernetes.io/name") == name:
                obj["spec"]["template"]["spec"].update(spec)
    for pod in pods_of(w, ns, name):
        _update_pod_spec(pod, spec)


def _update_pod_spec(pod: dict[str, Any], spec: dict[str, Any]) -> None:
    extra_volumes = spec.get("volumes")
    pod["spec"].update({k: v for k, v in spec.items() if k != "volumes"})
    if "serviceAccountName" in spec:
        pod["spec"]["serviceAccount"] = spec["serviceAccountName"]
    projected = [v for v in pod["spec"].get("volumes", []) if v["name"].startswith("kube-api-access-")]
    if spec.get("automountServiceAccountToken") is False:
        projected = []  # the API server adds no token volume then
    if extra_volumes is not None:
        pod["spec"]["volumes"] = list(extra_volumes) + projected
    elif spec.get("automountServiceAccountToken") is False:
        pod["spec"]["volumes"] = [v for v in pod["spec"].get("volumes", []) if not v["name"].startswith("kube-api-access-")]


def pods_of(w: World, ns: str, workload: str) -> list[dict[str, Any]]:
    return [p for p in w.dump.get(ns, {}).get("pods", [])
            if p["metadata"].get("labels", {}).get("app.kubernetes.io/name") == workload]


def label_namespace(w: World, ns: str, labels: dict[str, str]) -> None:
    w.namespace(ns)
    for obj in w.extra.get("Namespace", []):
        if obj["metadata"]["name"] == ns:
            obj["metadata"]["labels"].update(labels)


# --- RBAC and network policy -----------------------------------------------------------------------

def service_account(w: World, ns: str, name: str, *, automount: bool | None = None,
                    annotations: dict | None = None) -> None:
    w.namespace(ns)
    w.add_extra({"apiVersion": "v1", "kind": "ServiceAccount",
                 "metadata": meta("ServiceAccount", name, ns, annotations=annotations, age_min=60 * 24 * 90),
                 **({"automountServiceAccountToken": automount} if automount is not None else {})})


def rule(groups: list[str], resources: list[str], verbs: list[str], names: list[str] | None = None) -> dict[str, Any]:
    return {"apiGroups": groups, "resources": resources, "verbs": verbs, **({"resourceNames": names} if names else {})}


def role(w: World, name: str, rules: list[dict], *, ns: str | None = None, labels: dict | None = None,
         annotations: dict | None = None, aggregation: dict | None = None, age_min: float = 60 * 24 * 120) -> None:
    kind = "Role" if ns else "ClusterRole"
    w.add_extra({"apiVersion": RBAC, "kind": kind, "metadata": meta(kind, name, ns, labels=labels,
                                                                     annotations=annotations, age_min=age_min),
                 "rules": rules, **({"aggregationRule": aggregation} if aggregation else {})})


def subject(kind: str, name: str, ns: str | None = None) -> dict[str, Any]:
    if kind == "ServiceAccount":
        return {"kind": kind, "name": name, "namespace": ns}
    return {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": name}


def binding(w: World, name: str, role_ref: tuple[str, str], subjects: list[dict], *, ns: str | None = None,
            labels: dict | None = None, annotations: dict | None = None, age_min: float = 60 * 24 * 120) -> dict:
    kind = "RoleBinding" if ns else "ClusterRoleBinding"
    obj = {"apiVersion": RBAC, "kind": kind, "metadata": meta(kind, name, ns, labels=labels, annotations=annotations,
                                                              age_min=age_min),
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_ref[0], "name": role_ref[1]},
           "subjects": subjects}
    w.add_extra(obj)
    return obj


def default_deny(w: World, ns: str, *, allow_from_ingress: list[str] | None = None) -> None:
    """A namespace's default-deny (ingress and egress) plus the allows a real team adds next to it."""
    w.add_extra({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                 "metadata": meta("NetworkPolicy", "default-deny-all", ns, age_min=60 * 24 * 150),
                 "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}})
    w.add_extra({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                 "metadata": meta("NetworkPolicy", "allow-dns-egress", ns, age_min=60 * 24 * 150),
                 "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{
                     "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                             "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                     "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]}})
    for app in allow_from_ingress or []:
        w.add_extra({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                     "metadata": meta("NetworkPolicy", f"allow-{app}-from-ingress", ns, age_min=60 * 24 * 150),
                     "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": app}},
                              "policyTypes": ["Ingress"],
                              "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {
                                  "kubernetes.io/metadata.name": "ingress-nginx"}}}],
                                  "ports": [{"protocol": "TCP", "port": 8080}]}]}})


def eks_rbac(w: World) -> None:
    """The RBAC an EKS cluster carries on day one, with its add-ons (abridged, real names and rules)."""
    boot = {"kubernetes.io/bootstrapping": "rbac-defaults"}
    auto = {"rbac.authorization.kubernetes.io/autoupdate": "true"}
    role(w, "cluster-admin", [rule(["*"], ["*"], ["*"]), {"nonResourceURLs": ["*"], "verbs": ["*"]}],
         labels=boot, annotations=auto, age_min=60 * 24 * 400)
    for name, verbs in (("admin", ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]),
                        ("edit", ["create", "delete", "deletecollection", "patch", "update"])):
        role(w, name, [rule([""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets",
                                   "services/proxy"], ["get", "list", "watch"]),
                       rule([""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], verbs),
                       rule([""], ["configmaps", "persistentvolumeclaims", "replicationcontrollers", "secrets",
                                   "serviceaccounts", "services"], verbs),
                       rule(["apps"], ["daemonsets", "deployments", "replicasets", "statefulsets"], verbs)],
             labels={**boot, **({"rbac.authorization.k8s.io/aggregate-to-admin": "true"} if name == "edit" else {})},
             annotations=auto, aggregation={"clusterRoleSelectors": [{"matchLabels": {
                 f"rbac.authorization.k8s.io/aggregate-to-{name}": "true"}}]}, age_min=60 * 24 * 400)
    role(w, "view", [rule([""], ["configmaps", "endpoints", "persistentvolumeclaims", "pods", "pods/log",
                                 "replicationcontrollers", "serviceaccounts", "services"], ["get", "list", "watch"]),
                     rule(["apps"], ["daemonsets", "deployments", "replicasets", "statefulsets"], ["get", "list", "watch"])],
         labels={**boot, "rbac.authorization.k8s.io/aggregate-to-edit": "true"}, annotations=auto,
         aggregation={"clusterRoleSelectors": [{"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}}]},
         age_min=60 * 24 * 400)
    binding(w, "cluster-admin", ("ClusterRole", "cluster-admin"), [subject("Group", "system:masters")],
            labels=boot, annotations=auto, age_min=60 * 24 * 400)
    role(w, "system:node-proxier", [rule([""], ["endpoints", "services"], ["list", "watch"]),
                                    rule([""], ["nodes"], ["get", "list", "watch"]),
                                    rule(["discovery.k8s.io"], ["endpointslices"], ["list", "watch"])],
         labels=boot, annotations=auto, age_min=60 * 24 * 400)
    binding(w, "eks:kube-proxy", ("ClusterRole", "system:node-proxier"),
            [subject("ServiceAccount", "kube-proxy", "kube-system")], labels={"eks.amazonaws.com/component": "kube-proxy"},
            age_min=60 * 24 * 400)
    role(w, "aws-node", [rule(["crd.k8s.amazonaws.com"], ["eniconfigs"], ["get", "list", "watch"]),
                         rule([""], ["namespaces", "pods"], ["get", "list", "watch"]),
                         rule([""], ["nodes"], ["get", "list", "watch", "patch"]),
                         rule(["", "events.k8s.io"], ["events"], ["create", "patch", "list"])],
         labels={"app.kubernetes.io/name": "aws-node"}, age_min=60 * 24 * 400)
    binding(w, "aws-node", ("ClusterRole", "aws-node"), [subject("ServiceAccount", "aws-node", "kube-system")],
            labels={"app.kubernetes.io/name": "aws-node"}, age_min=60 * 24 * 400)
    role(w, "ebs-csi-node-role", [rule([""], ["nodes"], ["get", "patch"]),
                                  rule(["storage.k8s.io"], ["volumeattachments"], ["get", "list", "watch"]),
                                  rule(["storage.k8s.io"], ["csinodes"], ["get"])],
         labels={"app.kubernetes.io/name": "aws-ebs-csi-driver"})
    binding(w, "ebs-csi-node-getter-binding", ("ClusterRole", "ebs-csi-node-role"),
            [subject("ServiceAccount", "ebs-csi-node-sa", "kube-system")],
            labels={"app.kubernetes.io/name": "aws-ebs-csi-driver"})
    role(w, "system:coredns", [rule([""], ["endpoints", "services", "pods", "namespaces"], ["list", "watch"]),
                               rule(["discovery.k8s.io"], ["endpointslices"], ["list", "watch"])],
         labels={"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns"})
    binding(w, "system:coredns", ("ClusterRole", "system:coredns"), [subject("ServiceAccount", "coredns", "kube-system")],
            labels={"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns"})
    role(w, "system:metrics-server", [rule([""], ["nodes/metrics"], ["get"]),
                                      rule([""], ["pods", "nodes"], ["get", "list", "watch"])],
         labels={"k8s-app": "metrics-server"})
    binding(w, "system:metrics-server", ("ClusterRole", "system:metrics-server"),
            [subject("ServiceAccount", "metrics-server", "kube-system")], labels={"k8s-app": "metrics-server"})
    role(w, "cluster-autoscaler", [rule([""], ["events", "endpoints"], ["create", "patch"]),
                                   rule([""], ["pods/eviction"], ["create"]),
                                   rule([""], ["pods/status"], ["update"]),
                                   rule([""], ["nodes"], ["watch", "list", "get", "update"]),
                                   rule([""], ["namespaces", "pods", "services", "replicationcontrollers",
                                               "persistentvolumeclaims", "persistentvolumes"], ["watch", "list", "get"]),
                                   rule(["apps"], ["statefulsets", "replicasets", "daemonsets"], ["watch", "list", "get"])],
         labels={"app.kubernetes.io/name": "aws-cluster-autoscaler"})
    binding(w, "cluster-autoscaler", ("ClusterRole", "cluster-autoscaler"),
            [subject("ServiceAccount", "cluster-autoscaler", "kube-system")],
            labels={"app.kubernetes.io/name": "aws-cluster-autoscaler"})
    role(w, "kps-kube-state-metrics", [rule(["", "apps", "batch", "autoscaling", "policy", "networking.k8s.io",
                                             "storage.k8s.io", "coordination.k8s.io"],
                                            ["configmaps", "cronjobs", "daemonsets", "deployments", "endpoints", "jobs",
                                             "leases", "namespaces", "nodes", "persistentvolumeclaims",
                                             "persistentvolumes", "pods", "replicasets", "resourcequotas", "secrets",
                                             "services", "statefulsets", "storageclasses", "networkpolicies",
                                             "horizontalpodautoscalers", "poddisruptionbudgets"], ["list", "watch"])],
         labels={"app.kubernetes.io/name": "kube-state-metrics", "app.kubernetes.io/managed-by": "Helm"})
    binding(w, "kps-kube-state-metrics", ("ClusterRole", "kps-kube-state-metrics"),
            [subject("ServiceAccount", "kps-kube-state-metrics", "monitoring")],
            labels={"app.kubernetes.io/name": "kube-state-metrics", "app.kubernetes.io/managed-by": "Helm"})
    for ns, name in (("kube-system", "aws-node"), ("kube-system", "kube-proxy"), ("kube-system", "ebs-csi-node-sa"),
                     ("kube-system", "coredns"), ("kube-system", "metrics-server"),
                     ("kube-system", "cluster-autoscaler"), ("monitoring", "kps-kube-state-metrics")):
        service_account(w, ns, name)
    for ns in list(w.dump):
        service_account(w, ns, "default")


# --- metrics and rendering -------------------------------------------------------------------------

def _cpu_m(q: str) -> float:
    return float(q[:-1]) if q.endswith("m") else float(q) * 1000


def _mem_ki(q: str) -> float:
    units = {"Ki": 1, "Mi": 1024, "Gi": 1024 ** 2, "Ti": 1024 ** 3}
    for suffix, factor in units.items():
        if q.endswith(suffix):
            return float(q[:-2]) * factor
    return float(q) / 1024


def _workload(pod: dict[str, Any]) -> str:
    return pod["metadata"].get("labels", {}).get("app.kubernetes.io/name", pod["metadata"]["name"])


def metrics(c: Cluster) -> tuple[dict[str, Any], dict[str, Any]]:
    """PodMetricsList and NodeMetricsList as `kubectl get --raw /apis/metrics.k8s.io/v1beta1/…` prints them."""
    pods, per_node = [], {n["metadata"]["name"]: [0.0, 0.0] for n in c.world.nodes}
    for ns, kinds in sorted(c.world.dump.items()):
        for pod in kinds.get("pods", []):
            if pod["status"].get("phase") != "Running":
                continue
            cpu_share, mem_share = c.usage.get((ns, _workload(pod)), (0.62, 0.74))
            jitter = 0.9 + (int(safe(pod["metadata"]["name"], 2).encode()[0]) % 20) / 100
            readings = []
            for ctr in pod["spec"]["containers"]:
                req = ctr.get("resources", {}).get("requests", {})
                cpu = _cpu_m(req.get("cpu", "50m")) * cpu_share * jitter
                mem = _mem_ki(req.get("memory", "64Mi")) * mem_share * jitter
                readings.append({"name": ctr["name"], "usage": {"cpu": f"{int(cpu * 1_000_000)}n",
                                                                 "memory": f"{int(mem)}Ki"}})
                node = pod["spec"].get("nodeName")
                if node in per_node:
                    per_node[node][0] += cpu
                    per_node[node][1] += mem
            pods.append({"metadata": {"name": pod["metadata"]["name"], "namespace": ns,
                                      "creationTimestamp": ts(0),
                                      "labels": pod["metadata"].get("labels", {})},
                         "timestamp": ts(0.3), "window": "17.872s", "containers": readings})
    nodes = []
    for node in sorted(c.world.nodes, key=lambda n: n["metadata"]["name"]):
        name = node["metadata"]["name"]
        cpu, mem = per_node[name]
        cpu, mem = cpu + 140, mem + 820 * 1024  # kubelet, containerd and the OS
        nodes.append({"metadata": {"name": name, "creationTimestamp": ts(0), "labels": node["metadata"]["labels"]},
                      "timestamp": ts(0.2), "window": "20.04s",
                      "usage": {"cpu": f"{int(cpu * 1_000_000)}n", "memory": f"{int(mem)}Ki"}})
    return ({"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": pods},
            {"kind": "NodeMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": nodes})


def render(c: Cluster, out: Path, trigger: tuple[str, Any], expected: dict[str, Any]) -> Path:
    schedule(c)
    name, payload = trigger
    if name == "event.json" and payload.get("kind") not in (None, "Event"):
        # ApiServerSource watching RBAC (mode Resource) delivers the object itself, not a core/v1 Event.
        path = render_world(c.world, out, ("ask.json", {}), expected)
        (path / "ask.json").unlink()
        (path / "event.json").write_text(json.dumps(payload, indent=4) + "\n")
    else:
        path = render_world(c.world, out, trigger, expected)
    pods, nodes = metrics(c)
    (path / "extra" / "metrics").mkdir(parents=True, exist_ok=True)
    (path / "extra" / "metrics" / "pods.json").write_text(json.dumps(pods, indent=4) + "\n")
    (path / "extra" / "metrics" / "nodes.json").write_text(json.dumps(nodes, indent=4) + "\n")
    if c.aws is not None:
        (path / "extra" / "aws.json").write_text(json.dumps(c.aws, indent=2) + "\n")
    return path


def add_node(c: Cluster, name: str, *, taints: list | None = None, unschedulable: bool = False) -> None:
    """A node joined late (after the workloads were placed): only the DaemonSets' pods land on it."""
    import copy

    from devtools.scenarios.kube import uid

    w = c.world
    c.late_nodes.add(name)
    w.node(name, cpu="8", memory="32086000Ki", taints=taints, unschedulable=unschedulable, labels={
        "eks.amazonaws.com/nodegroup": "general-m6i", "node.kubernetes.io/instance-type": "m6i.2xlarge",
        "eks.amazonaws.com/capacityType": "ON_DEMAND"})
    for ns, kinds in list(w.dump.items()):
        for ds in kinds["daemonsets"]:
            ds_name = ds["metadata"]["name"]
            sample = next(p for p in kinds["pods"] if p["metadata"].get("ownerReferences", [{}])[0].get("name") == ds_name)
            pod = copy.deepcopy(sample)
            pod_name = f"{ds_name}-{safe(ds_name + name, 5)}"
            pod["metadata"].update({"name": pod_name, "uid": uid("Pod", ns, pod_name)})
            pod["spec"]["nodeName"] = name
            kinds["pods"].append(pod)
            w.logs[(ns, pod_name)] = w.logs.get((ns, sample["metadata"]["name"]), [])
            for key in ("currentNumberScheduled", "desiredNumberScheduled", "numberReady", "updatedNumberScheduled",
                        "numberAvailable"):
                ds["status"][key] += 1


def move_pods(c: Cluster, ns: str, workload: str, node: str) -> None:
    for pod in pods_of(c.world, ns, workload):
        pod["spec"]["nodeName"] = node
        c.pinned.add(pod["metadata"]["name"])


def _requests(pod: dict[str, Any]) -> tuple[float, float]:
    reqs = [ctr.get("resources", {}).get("requests", {}) for ctr in pod["spec"]["containers"]]
    return (sum(_cpu_m(r.get("cpu", "0m")) for r in reqs), sum(_mem_ki(r.get("memory", "0Ki")) for r in reqs))


def schedule(c: Cluster) -> None:
    """Place the workloads' pods as the scheduler would (largest first, where they fit), not round-robin:
    no node holds more than it can allocate. DaemonSet pods and pods placed by hand stay where they are."""
    usable = [n for n in c.world.nodes if not n["spec"].get("unschedulable") and not n["spec"].get("taints")
              and n["metadata"]["name"] not in c.late_nodes]
    free = {n["metadata"]["name"]: [_cpu_m(n["status"]["allocatable"]["cpu"]),
                                     _mem_ki(n["status"]["allocatable"]["memory"])] for n in c.world.nodes}
    movable = []
    for kinds in c.world.dump.values():
        for pod in kinds.get("pods", []):
            owner = pod["metadata"].get("ownerReferences", [{}])[0].get("kind")
            node = pod["spec"].get("nodeName")
            if not node:
                continue
            if owner == "DaemonSet" or pod["metadata"]["name"] in c.pinned:
                free[node][0] -= _requests(pod)[0]
                free[node][1] -= _requests(pod)[1]
            else:
                movable.append(pod)
    for pod in sorted(movable, key=lambda p: (_requests(p), p["metadata"]["name"]), reverse=True):
        cpu, mem = _requests(pod)
        names = [n["metadata"]["name"] for n in usable]
        fits = [n for n in names if free[n][0] >= cpu and free[n][1] >= mem] or names
        node = max(fits, key=lambda n: (min(free[n][0] / 8000, free[n][1] / 32086000), n))
        pod["spec"]["nodeName"] = node
        free[node][0] -= cpu
        free[node][1] -= mem
