"""The `Cluster` builder: nodes, namespaces, services, config objects, autoscalers and quotas."""

from typing import Any

from devtools.heldout.stateful import StatefulBuilder
from devtools.heldout.store import DAY
from devtools.heldout.workloads import Workload


class Cluster(StatefulBuilder):
    """A scenario cluster, built up call by call and written out by `render.write_scenario`."""

    worker_nodes: list[str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.worker_nodes = []
        self.workloads: dict[str, Workload] = {}

    def node(
        self,
        ip: str,
        *,
        zone: str,
        instance_type: str = "m6i.xlarge",
        nodegroup: str = "ng-general",
        cpu: int = 4,
        memory_gi: int = 16,
        created: float = 30 * DAY,
        taints: list[dict[str, Any]] | None = None,
        unschedulable: bool = False,
        labels: dict[str, str] | None = None,
        conditions: dict[str, tuple[str, str, str, float]] | None = None,
        region: str = "eu-west-1",
        heartbeat: float = 0.5,
        pods: int = 58,
    ) -> dict[str, Any]:
        """An EKS-shaped Node; `conditions` maps type -> (status, reason, message, minutes since change)."""
        name = f"ip-{ip.replace('.', '-')}.{region}.compute.internal"
        all_labels = {
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/instance-type": instance_type,
            "beta.kubernetes.io/os": "linux",
            "eks.amazonaws.com/capacityType": "ON_DEMAND",
            "eks.amazonaws.com/nodegroup": nodegroup,
            "eks.amazonaws.com/nodegroup-image": "ami-0c4e1d2b8a7f3e915",
            "failure-domain.beta.kubernetes.io/region": region,
            "failure-domain.beta.kubernetes.io/zone": zone,
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": instance_type,
            "topology.kubernetes.io/region": region,
            "topology.kubernetes.io/zone": zone,
            **(labels or {}),
        }
        meta = self.meta(
            name,
            None,
            created,
            labels=all_labels,
            annotations={
                "alpha.kubernetes.io/provided-node-ip": ip,
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        )
        spec: dict[str, Any] = {"providerID": f"aws:///{zone}/i-0{self.ids.hex(16)}"}
        if unschedulable:
            spec["unschedulable"] = True
        if taints:
            spec["taints"] = taints
        ago = self.clock.ago
        defaults = {
            "MemoryPressure": (
                "False",
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available",
            ),
            "DiskPressure": ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            "PIDPressure": ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            "Ready": ("True", "KubeletReady", "kubelet is posting ready status"),
        }
        conds = []
        for kind, (status, reason, message) in defaults.items():
            since = created
            if conditions and kind in conditions:
                status, reason, message, since = conditions[kind]
            conds.append(
                {
                    "type": kind,
                    "status": status,
                    "lastHeartbeatTime": ago(minutes=heartbeat),
                    "lastTransitionTime": ago(minutes=since),
                    "reason": reason,
                    "message": message,
                }
            )
        mem_ki = memory_gi * 1024 * 1024 - 160_000
        status_obj = {
            "capacity": {
                "cpu": str(cpu),
                "ephemeral-storage": "104845292Ki",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": f"{mem_ki}Ki",
                "pods": str(pods),
            },
            "allocatable": {
                "cpu": f"{cpu * 1000 - 90 - 10 * cpu}m",
                "ephemeral-storage": "95551679124",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": f"{mem_ki - 1_500_000 - memory_gi * 20_000}Ki",
                "pods": str(pods),
            },
            "conditions": conds,
            "addresses": [
                {"type": "InternalIP", "address": ip},
                {"type": "InternalDNS", "address": name},
                {"type": "Hostname", "address": name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": self.ids.hex(32),
                "systemUUID": self.ids.uid(),
                "bootID": self.ids.uid(),
                "kernelVersion": "6.1.141-155.222.amzn2023.x86_64",
                "osImage": "Amazon Linux 2023.7.20250623",
                "containerRuntimeVersion": "containerd://1.7.27",
                "kubeletVersion": "v1.32.5-eks-5d4a308",
                "kubeProxyVersion": "v1.32.5-eks-5d4a308",
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
            "features": {"supplementalGroupsPolicy": True},
        }
        node = {"metadata": meta, "spec": spec, "status": status_obj}
        self.nodes[name] = {"ip": ip, "zone": zone, "obj": node}
        if not unschedulable and not taints and (not conditions or "Ready" not in conditions):
            self.worker_nodes.append(name)
        return node

    def namespace(
        self, name: str, *, created: float = 200 * DAY, labels: dict[str, str] | None = None
    ) -> None:
        meta = self.meta(name, None, created, labels={"kubernetes.io/metadata.name": name, **(labels or {})})
        self.namespaces[name] = {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": meta,
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        }
        self.dump[name]  # every namespace gets its seven files, even when empty

    def service(
        self,
        ns: str,
        name: str,
        selector: dict[str, str] | None,
        ports: list[tuple[Any, ...]],
        *,
        kind: str = "ClusterIP",
        created: float = 100 * DAY,
        labels: dict[str, str] | None = None,
        headless: bool = False,
    ) -> dict[str, Any]:
        """A Service; `ports` holds (name, port, targetPort)."""
        meta = self.meta(name, ns, created, labels=labels or selector)
        ip = (
            "None"
            if headless
            else f"172.20.{self.ids._rng.randrange(1, 254)}.{self.ids._rng.randrange(1, 254)}"
        )
        spec: dict[str, Any] = {
            "ports": [
                {"name": n, "protocol": proto[0] if proto else "TCP", "port": p, "targetPort": t}
                for n, p, t, *proto in ports
            ]
        }
        if kind == "LoadBalancer":
            for p in spec["ports"]:
                p["nodePort"] = 30000 + self.ids._rng.randrange(2767)
        if selector:
            spec["selector"] = selector
        spec.update(
            clusterIP=ip,
            clusterIPs=[ip],
            type=kind,
            sessionAffinity="None",
            ipFamilies=["IPv4"],
            ipFamilyPolicy="SingleStack",
        )
        if kind == "LoadBalancer":
            spec.update(allocateLoadBalancerNodePorts=True, externalTrafficPolicy="Cluster")
        spec["internalTrafficPolicy"] = "Cluster"
        status: dict[str, Any] = {"loadBalancer": {}}
        if kind == "LoadBalancer":
            status = {
                "loadBalancer": {
                    "ingress": [
                        {"hostname": f"a{self.ids.hex(31)}-{self.ids.hex(16)}.elb.eu-west-1.amazonaws.com"}
                    ]
                }
            }
        svc = {"metadata": meta, "spec": spec, "status": status}
        self.dump[ns]["services"].append(svc)
        return svc

    def configmap(
        self,
        ns: str,
        name: str,
        data: dict[str, str],
        *,
        created: float = 60 * DAY,
        labels: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        return self.add_extra(
            "configmaps.json",
            "ConfigMap",
            "v1",
            {"data": dict(sorted(data.items())), "metadata": self.meta(name, ns, created, labels=labels)},
        )

    def secret(
        self,
        ns: str,
        name: str,
        keys: tuple[str, ...] = (),
        *,
        kind: str = "Opaque",
        created: float = 60 * DAY,
    ) -> dict[str, Any]:
        """A Secret as metadata only; key names go in an annotation-free `keys` comment, never values."""
        del keys  # never written: the suite holds no Secret data, not even placeholder values
        return self.add_extra(
            "secrets.json", "Secret", "v1", {"metadata": self.meta(name, ns, created), "type": kind}
        )

    def hpa(
        self,
        ns: str,
        name: str,
        target: str,
        *,
        min_replicas: int,
        max_replicas: int,
        current: int,
        desired: int,
        cpu_target: int = 70,
        cpu_current: int | None = None,
        conditions: list[tuple[str, str, str, str]],
        created: float = 50 * DAY,
    ) -> dict[str, Any]:
        """An autoscaling/v2 HPA; `conditions` holds (type, status, reason, message)."""
        ago = self.clock.ago
        status: dict[str, Any] = {
            "conditions": [
                {"lastTransitionTime": ago(minutes=35), "message": m, "reason": r, "status": s, "type": t}
                for t, s, r, m in conditions
            ],
            "currentMetrics": [],
            "currentReplicas": current,
            "desiredReplicas": desired,
        }
        if cpu_current is not None:
            status["currentMetrics"] = [
                {
                    "resource": {
                        "current": {"averageUtilization": cpu_current, "averageValue": f"{cpu_current * 3}m"},
                        "name": "cpu",
                    },
                    "type": "Resource",
                }
            ]
            status["lastScaleTime"] = ago(minutes=22)
        else:
            status["currentMetrics"] = None
        return self.add_extra(
            "horizontalpodautoscalers.json",
            "HorizontalPodAutoscaler",
            "autoscaling/v2",
            {
                "metadata": self.meta(name, ns, created),
                "spec": {
                    "maxReplicas": max_replicas,
                    "metrics": [
                        {
                            "resource": {
                                "name": "cpu",
                                "target": {"averageUtilization": cpu_target, "type": "Utilization"},
                            },
                            "type": "Resource",
                        }
                    ],
                    "minReplicas": min_replicas,
                    "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
                },
                "status": status,
            },
        )

    def quota(
        self, ns: str, name: str, hard: dict[str, str], used: dict[str, str], *, created: float = 120 * DAY
    ) -> dict[str, Any]:
        return self.add_extra(
            "resourcequotas.json",
            "ResourceQuota",
            "v1",
            {
                "metadata": self.meta(name, ns, created),
                "spec": {"hard": hard},
                "status": {"hard": hard, "used": used},
            },
        )

    def storage_class(
        self,
        name: str,
        *,
        default: bool = False,
        binding: str = "WaitForFirstConsumer",
        provisioner: str = "ebs.csi.aws.com",
        parameters: dict[str, str] | None = None,
    ) -> None:
        annotations = {"storageclass.kubernetes.io/is-default-class": "true"} if default else None
        self.add_extra(
            "storageclasses.json",
            "StorageClass",
            "storage.k8s.io/v1",
            {
                "allowVolumeExpansion": True,
                "metadata": self.meta(name, None, 300 * DAY, annotations=annotations),
                "parameters": parameters or {"encrypted": "true", "type": "gp3"},
                "provisioner": provisioner,
                "reclaimPolicy": "Delete",
                "volumeBindingMode": binding,
            },
        )

    def ingress(self, ns: str, name: str, host: str, service: str, port: int) -> None:
        self.add_extra(
            "ingresses.json",
            "Ingress",
            "networking.k8s.io/v1",
            {
                "metadata": self.meta(
                    name, ns, 90 * DAY, annotations={"nginx.ingress.kubernetes.io/proxy-body-size": "8m"}
                ),
                "spec": {
                    "ingressClassName": "nginx",
                    "rules": [
                        {
                            "host": host,
                            "http": {
                                "paths": [
                                    {
                                        "backend": {"service": {"name": service, "port": {"number": port}}},
                                        "path": "/",
                                        "pathType": "Prefix",
                                    }
                                ]
                            },
                        }
                    ],
                    "tls": [{"hosts": [host], "secretName": f"{name}-tls"}],
                },
                "status": {
                    "loadBalancer": {
                        "ingress": [{"hostname": "k8s-ingress-nginx-4f2a.elb.eu-west-1.amazonaws.com"}]
                    }
                },
            },
        )

    def limit_range(self, ns: str, name: str, default_memory: str, default_cpu: str) -> None:
        self.add_extra(
            "limitranges.json",
            "LimitRange",
            "v1",
            {
                "metadata": self.meta(name, ns, 120 * DAY),
                "spec": {
                    "limits": [
                        {
                            "default": {"cpu": default_cpu, "memory": default_memory},
                            "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
                            "type": "Container",
                        }
                    ]
                },
            },
        )
