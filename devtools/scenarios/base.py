"""The cluster every scenario starts from: busy, healthy, with the ordinary noise of a real one."""

from __future__ import annotations

from devtools.scenarios.kube import container, http_probe, running, terminated
from devtools.scenarios.world import World

NODES = ("ip-10-0-1-23.us-east-2.compute.internal", "ip-10-0-2-117.us-east-2.compute.internal",
         "ip-10-0-3-54.us-east-2.compute.internal", "ip-10-0-1-201.us-east-2.compute.internal")
GPU_NODE = "ip-10-0-4-12.us-east-2.compute.internal"


def base_world(seed: str, *, gpu_node: bool = True) -> World:
    w = World(seed)
    for name in NODES:
        w.node(name, labels={"eks.amazonaws.com/nodegroup": "general"})
    if gpu_node:
        w.node(GPU_NODE, cpu="8", memory="62Gi", labels={"eks.amazonaws.com/nodegroup": "gpu",
                                                        "nvidia.com/gpu.present": "true"},
               taints=[{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}])
    ks = "kube-system"
    w.daemonset(ks, "aws-node", [container("aws-node", "602401143452.dkr.ecr.us-east-2.amazonaws.com/amazon-k8s-cni:v1.18.3",
                                           port=61678, port_name="metrics")])
    w.daemonset(ks, "kube-proxy", [container("kube-proxy", "602401143452.dkr.ecr.us-east-2.amazonaws.com/eks/kube-proxy:v1.30.3",
                                             port=None)])
    w.deployment(ks, "coredns", [container("coredns", "602401143452.dkr.ecr.us-east-2.amazonaws.com/eks/coredns:v1.11.3",
                                           port=53, port_name="dns", liveness=http_probe("/health", 8080, 60),
                                           readiness=http_probe("/ready", 8181))], revision=1)
    w.deployment(ks, "metrics-server", [container("metrics-server", "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
                                                  port=10250, port_name="https")], replicas=1, revision=2)
    w.deployment(ks, "ebs-csi-controller", [container("ebs-plugin", "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.35.0",
                                                      port=9808, port_name="healthz")], revision=4)
    w.deployment(ks, "cluster-autoscaler", [container("cluster-autoscaler",
                                                      "registry.k8s.io/autoscaling/cluster-autoscaler:v1.30.2",
                                                      port=8085)], replicas=1, revision=2)
    w.deployment("ingress-nginx", "ingress-nginx-controller", [container(
        "controller", "registry.k8s.io/ingress-nginx/controller:v1.11.2", port=80,
        readiness=http_probe("/healthz", 10254))], revision=6)
    w.service("ingress-nginx", "ingress-nginx-controller", {"app.kubernetes.io/name": "ingress-nginx-controller"})
    w.deployment("monitoring", "kube-state-metrics", [container("kube-state-metrics",
                                                                "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0")],
                 replicas=1)
    w.deployment("monitoring", "grafana", [container("grafana", "grafana/grafana:11.2.0", port=3000)], replicas=1)
    # The shop: healthy neighbours, one of which restarted once yesterday (a red herring).
    w.deployment("shop", "storefront", [container("storefront", "ghcr.io/acme/storefront:4.12.0",
                                                  readiness=http_probe("/healthz", "http"))], replicas=3, revision=27)
    w.deployment("shop", "catalog", [container("catalog", "ghcr.io/acme/catalog:2.3.1")], replicas=2,
                 status=lambda i, p: {"containers": [running(restarts=1, last=terminated(
                     2, "Error", minutes_ago=60 * 20))]} if i == 0 else {}, revision=9)
    w.service("shop", "storefront", {"app.kubernetes.io/name": "storefront"})
    w.service("shop", "catalog", {"app.kubernetes.io/name": "catalog"})
    w.deployment("payments", "ledger", [container("ledger", "ghcr.io/acme/ledger:1.8.4", memory="256Mi",
                                                  limit_memory="512Mi")], replicas=2, revision=14)
    w.service("payments", "ledger", {"app.kubernetes.io/name": "ledger"})
    # Everyday warnings in other places.
    coredns = w.dump[ks]["pods"][len(NODES) * 2]["metadata"]["name"]
    w.event(ks, "Pod", coredns, "DNSConfigForming", "Nameserver limits were exceeded, some nameservers have been "
            "omitted, the applied nameserver line is: 10.0.0.2 1.1.1.1 8.8.8.8", count=212, first_min=60 * 24,
            last_min=2, host=NODES[0])
    sf = w.dump["shop"]["pods"][0]["metadata"]["name"]
    w.event("shop", "Pod", sf, "Unhealthy", "Readiness probe failed: Get \"http://10.0.2.41:8080/healthz\": "
            "context deadline exceeded (Client.Timeout exceeded while awaiting headers)", count=2, first_min=48,
            last_min=47, host=NODES[1], field_path="spec.containers{storefront}")
    return w
