"""A cluster under construction: nodes, workloads with their ReplicaSets and pods, events, logs."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devtools.scenarios.kube import NOW, meta, running, rv, safe, ts, uid

PodStatus = Callable[[int, str], dict[str, Any]]  # (index, pod name) -> {"containers": [...], ...}

DUMP_KINDS = ("events", "replication-controllers", "services", "daemonsets", "deployments", "replicasets", "pods")


def healthy(i: int, pod: str) -> dict[str, Any]:
    return {}


@dataclass
class World:
    seed: str
    nodes: list[dict[str, Any]] = field(default_factory=list)
    dump: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)  # ns -> kind -> items
    extra: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # resource -> items (with kind)
    logs: dict[tuple[str, str], list[tuple[str, str | None]]] = field(default_factory=dict)
    previous: dict[tuple[str, str, str], str] = field(default_factory=dict)
    _node_cycle: int = 0

    # --- structure ---------------------------------------------------------------------------------
    def namespace(self, ns: str) -> None:
        if ns not in self.dump:
            self.dump[ns] = {k: [] for k in DUMP_KINDS}
            self.add_extra({"apiVersion": "v1", "kind": "Namespace", "metadata": meta("Namespace", ns, labels={
                "kubernetes.io/metadata.name": ns}, age_min=60 * 24 * 200), "spec": {"finalizers": ["kubernetes"]},
                "status": {"phase": "Active"}})

    def add_extra(self, obj: dict[str, Any]) -> dict[str, Any]:
        self.extra.setdefault(obj["kind"], []).append(obj)
        return obj

    def node(self, name: str, *, cpu: str = "4", memory: str = "15896Mi", ready: bool = True, labels: dict | None = None,
             taints: list | None = None, conditions: dict | None = None, arch: str = "amd64",
             unschedulable: bool = False) -> dict[str, Any]:
        base_conditions = {"MemoryPressure": ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                           "DiskPressure": ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                           "PIDPressure": ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                           "Ready": ("True", "KubeletReady", "kubelet is posting ready status") if ready else
                           ("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")}
        base_conditions.update(conditions or {})
        node = {
            "metadata": meta("Node", name, labels={"kubernetes.io/arch": arch, "kubernetes.io/os": "linux",
                                                   "kubernetes.io/hostname": name,
                                                   "node.kubernetes.io/instance-type": "m6i.xlarge",
                                                   "topology.kubernetes.io/zone": f"us-east-2{'abc'[len(self.nodes) % 3]}",
                                                   **(labels or {})}, age_min=60 * 24 * 40),
            "spec": {"providerID": f"aws:///us-east-2a/i-0{safe(name, 16)}",
                     **({"taints": taints} if taints else {}), **({"unschedulable": True} if unschedulable else {})},
            "status": {
                "capacity": {"cpu": cpu, "memory": memory, "pods": "58", "ephemeral-storage": "83873772Ki"},
                "allocatable": {"cpu": f"{int(cpu) * 1000 - 70}m", "memory": memory, "pods": "58",
                                "ephemeral-storage": "76224326324"},
                "conditions": [{"type": t, "status": s, "lastHeartbeatTime": ts(1 if t != "Ready" or ready else 40),
                                "lastTransitionTime": ts(60 * 24 * 40 if s in ("False",) or (t == "Ready" and ready)
                                                         else 38), "reason": r, "message": m}
                               for t, (s, r, m) in base_conditions.items()],
                "addresses": [{"type": "InternalIP", "address": f"10.0.{len(self.nodes) + 1}.{20 + len(self.nodes)}"},
                              {"type": "Hostname", "address": name}],
                "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                "nodeInfo": {"machineID": safe(name + "m", 32), "systemUUID": uid("sys", name), "bootID": uid("boot", name),
                             "kernelVersion": "6.1.109-118.189.amzn2023.x86_64", "osImage": "Amazon Linux 2023.5.20240916",
                             "containerRuntimeVersion": "containerd://1.7.20", "kubeletVersion": "v1.30.4-eks-a737599",
                             "kubeProxyVersion": "v1.30.4-eks-a737599", "operatingSystem": "linux", "architecture": arch},
            },
        }
        self.nodes.append(node)
        return node

    def next_node(self) -> str:
        schedulable = [n for n in self.nodes if not n["spec"].get("taints") and n["status"]["conditions"][-1][
            "status"] == "True"]
        node = schedulable[self._node_cycle % len(schedulable)]
        self._node_cycle += 1
        return node["metadata"]["name"]

    # --- workloads ---------------------------------------------------------------------------------
    def pod(self, ns: str, name: str, containers: list[dict], *, labels: dict, owner: tuple[str, str, str] | None,
            status: dict | None = None, node: str | None = None, age_min: float = 60 * 24 * 3,
            init: list[dict] | None = None, volumes: list | None = None, spec_extra: dict | None = None) -> dict:
        self.namespace(ns)
        status = status or {}
        scheduled = status.get("phase") != "Pending" or status.get("scheduled")
        node = node if node is not None else (self.next_node() if scheduled else None)
        spec: dict[str, Any] = {"volumes": (volumes or []) + [{"name": f"kube-api-access-{safe(name, 5)}", "projected": {
            "sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}], "defaultMode": 420}}]}
        if init:
            spec["initContainers"] = copy.deepcopy(init)
        spec["containers"] = copy.deepcopy(containers)
        spec.update({"restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
                     "serviceAccountName": "default", "serviceAccount": "default", "securityContext": {},
                     "schedulerName": "default-scheduler",
                     "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                                      "effect": "NoExecute", "tolerationSeconds": 300},
                                     {"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                                      "effect": "NoExecute", "tolerationSeconds": 300}],
                     "priority": 0, "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority"})
        if node:
            spec["nodeName"] = node
        spec.update(spec_extra or {})
        phase = status.get("phase", "Running")
        statuses = status.get("containers") or [running() for _ in containers]
        init_statuses = status.get("init") or ([{"state": {"terminated": {"exitCode": 0, "reason": "Completed",
                                                                         "startedAt": ts(age_min), "finishedAt": ts(age_min)}},
                                                 "ready": True, "restartCount": 0}] * len(init or []))
        pod_status: dict[str, Any] = {"phase": phase}
        if status.get("reason"):
            pod_status["reason"] = status["reason"]
            pod_status["message"] = status.get("message", "")
        ready = all(s.get("ready") for s in statuses) and phase == "Running"
        if not node:
            pod_status["conditions"] = [{"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                                         "lastTransitionTime": ts(age_min), "reason": "Unschedulable",
                                         "message": status.get("unschedulable", "")}]
        else:
            conds = [("PodReadyToStartContainers", "True"), ("Initialized", "True" if all(
                s.get("ready") for s in init_statuses) else "False"), ("Ready", "True" if ready else "False"),
                ("ContainersReady", "True" if ready else "False"), ("PodScheduled", "True")]
            pod_status["conditions"] = [{"type": t, "status": s, "lastProbeTime": None,
                                         "lastTransitionTime": ts(age_min if s == "True" else 5)} for t, s in conds]
        if node:
            idx = int(safe(name, 2).encode()[0]) % 200
            pod_status.update({"hostIP": "10.0.1.20", "podIP": f"10.0.{idx % 250}.{(idx * 7) % 250 + 2}"})
        pod_status["startTime"] = ts(age_min)

        def full(c: dict, s: dict) -> dict:
            image = c["image"]
            out = {"name": c["name"], **copy.deepcopy(s), "image": image,
                   "imageID": "" if "waiting" in s.get("state", {}) and s["state"]["waiting"]["reason"] in (
                       "ErrImagePull", "ImagePullBackOff", "ContainerCreating", "CreateContainerConfigError")
                   else f"{image.split(':')[0]}@sha256:{uid(image).replace('-', '')}{uid(image)[:32].replace('-', '')}"}
            if "running" in s.get("state", {}) or "lastState" in s:
                out["containerID"] = f"containerd://{uid(name, c['name'])}".replace("-", "")
            out.setdefault("lastState", {})
            return out

        if init:
            pod_status["initContainerStatuses"] = [full(c, s) for c, s in zip(init, init_statuses, strict=False)]
        if node or phase != "Pending":
            pod_status["containerStatuses"] = [full(c, s) for c, s in zip(containers, statuses, strict=False)]
        pod_status["qosClass"] = "Burstable"
        pod = {"metadata": meta("Pod", name, ns, labels=labels, owner=owner, age_min=age_min), "spec": spec,
               "status": pod_status}
        self.dump[ns]["pods"].append(pod)
        logs = status.get("logs") or {}
        self.logs[(ns, name)] = [(c["name"], logs.get(c["name"], _default_log(c["name"])))
                                 for c in (init or []) + containers]
        for cname, text in (status.get("previous") or {}).items():
            self.previous[(ns, name, cname)] = text
        return pod

    def deployment(self, ns: str, name: str, containers: list[dict], *, replicas: int = 2,
                   status: PodStatus = healthy, revision: int = 3, old: list[dict] | None = None,
                   old_ready: int = 0, age_min: float = 60 * 24 * 20, init: list[dict] | None = None,
                   volumes: list | None = None, spec_extra: dict | None = None, labels: dict | None = None,
                   progress_deadline_exceeded: bool = False, pods: int | None = None,
                   rollout_min: float = 60 * 24 * 2, paused: bool = False) -> list[str]:
        self.namespace(ns)
        sel = {"app.kubernetes.io/name": name, **(labels or {})}
        template = {"metadata": {"creationTimestamp": None, "labels": dict(sel)}, "spec": {"containers": containers, **(
            {"initContainers": init} if init else {}), **({"volumes": volumes} if volumes else {}), **(spec_extra or {})}}
        rs_name = f"{name}-{safe(ns + name + str(revision), 10)}"
        pod_names = [f"{rs_name}-{safe(rs_name + str(i), 5)}" for i in range(replicas if pods is None else pods)]
        built = [self.pod(ns, p, containers, labels={**sel, "pod-template-hash": rs_name.rsplit("-", 1)[1]},
                          owner=("ReplicaSet", rs_name, "apps/v1"), status=status(i, p), init=init, volumes=volumes,
                          spec_extra=spec_extra, age_min=min(rollout_min, age_min)) for i, p in enumerate(pod_names)]
        ready = sum(1 for p in built if _is_ready(p))
        if old is not None:
            old_rs = f"{name}-{safe(ns + name + str(revision - 1), 10)}"
            old_tpl = {"metadata": {"creationTimestamp": None, "labels": dict(sel)}, "spec": {"containers": old}}
            old_pods = [f"{old_rs}-{safe(old_rs + str(i), 5)}" for i in range(old_ready)]
            for p in old_pods:
                self.pod(ns, p, old, labels={**sel, "pod-template-hash": old_rs.rsplit("-", 1)[1]},
                         owner=("ReplicaSet", old_rs, "apps/v1"), age_min=age_min / 2)
            self._rs(ns, old_rs, name, old_tpl, old_ready, old_ready, revision - 1, age_min / 2)
            ready += old_ready
        self._rs(ns, rs_name, name, template, len(pod_names), sum(
            1 for p in built if _is_ready(p)), revision, min(rollout_min, age_min))
        available = "True" if ready >= max(1, replicas - 1) else "False"
        progressing = ("False", "ProgressDeadlineExceeded", f'ReplicaSet "{rs_name}" has timed out progressing.') \
            if progress_deadline_exceeded else ("True", "NewReplicaSetAvailable",
                                               f'ReplicaSet "{rs_name}" has successfully progressed.')
        self.dump[ns]["deployments"].append({
            "metadata": meta("Deployment", name, ns, labels=sel, age_min=age_min,
                             annotations={"deployment.kubernetes.io/revision": str(revision)}),
            "spec": {"replicas": replicas, "selector": {"matchLabels": sel}, "template": template,
                     "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                     "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600, **({"paused": True} if paused else {})},
            "status": {**_omit_zero({"observedGeneration": revision, "replicas": len(pod_names) + (old_ready if old else 0),
                       "updatedReplicas": len(pod_names), "readyReplicas": ready, "availableReplicas": ready}),
                       **({"unavailableReplicas": replicas - ready} if ready < replicas else {}),
                       "conditions": [{"type": "Available", "status": available, "lastUpdateTime": ts(30),
                                       "lastTransitionTime": ts(30), "reason": "MinimumReplicasAvailable" if available
                                       == "True" else "MinimumReplicasUnavailable",
                                       "message": "Deployment has minimum availability." if available == "True"
                                       else "Deployment does not have minimum availability."},
                                      {"type": "Progressing", "status": progressing[0], "lastUpdateTime": ts(20),
                                       "lastTransitionTime": ts(20), "reason": progressing[1],
                                       "message": progressing[2]}]},
        })
        return pod_names

    def _rs(self, ns: str, rs: str, deploy: str, template: dict, replicas: int, ready: int, revision: int,
            age: float) -> None:
        self.dump[ns]["replicasets"].append({
            "metadata": meta("ReplicaSet", rs, ns, labels={**template["metadata"]["labels"],
                                                           "pod-template-hash": rs.rsplit("-", 1)[1]},
                             owner=("Deployment", deploy, "apps/v1"), age_min=age,
                             annotations={"deployment.kubernetes.io/desired-replicas": str(replicas),
                                          "deployment.kubernetes.io/max-replicas": str(replicas + 1),
                                          "deployment.kubernetes.io/revision": str(revision)}),
            "spec": {"replicas": replicas, "selector": {"matchLabels": {**template["metadata"]["labels"],
                                                                          "pod-template-hash": rs.rsplit("-", 1)[1]}},
                     "template": {**template, "metadata": {"creationTimestamp": None, "labels": {**template["metadata"]["labels"],
                                                                      "pod-template-hash": rs.rsplit("-", 1)[1]}}}},
            "status": _omit_zero({"replicas": replicas, "fullyLabeledReplicas": replicas, "readyReplicas": ready,
                                  "availableReplicas": ready, "observedGeneration": 1}, keep=("replicas",)),
        })

    def daemonset(self, ns: str, name: str, containers: list[dict], status: PodStatus = healthy) -> None:
        self.namespace(ns)
        sel = {"app.kubernetes.io/name": name}
        for i, node in enumerate(n["metadata"]["name"] for n in self.nodes):
            pod = f"{name}-{safe(name + node, 5)}"
            self.pod(ns, pod, containers, labels={**sel, "controller-revision-hash": safe(name, 10)},
                     owner=("DaemonSet", name, "apps/v1"), node=node, status=status(i, pod), age_min=60 * 24 * 30)
        n = len(self.nodes)
        self.dump[ns]["daemonsets"].append({
            "metadata": meta("DaemonSet", name, ns, labels=sel),
            "spec": {"selector": {"matchLabels": sel}, "template": {"metadata": {"creationTimestamp": None, "labels": sel},
                                                                     "spec": {"containers": containers}},
                     "updateStrategy": {"type": "RollingUpdate"}},
            "status": {"currentNumberScheduled": n, "numberMisscheduled": 0, "desiredNumberScheduled": n,
                       "numberReady": n, "observedGeneration": 1, "updatedNumberScheduled": n, "numberAvailable": n}})

    def statefulset(self, ns: str, name: str, containers: list[dict], *, replicas: int = 1,
                    status: PodStatus = healthy, volumes: list | None = None) -> list[str]:
        self.namespace(ns)
        sel = {"app.kubernetes.io/name": name}
        pods = [f"{name}-{i}" for i in range(replicas)]
        built = [self.pod(ns, p, containers, labels={**sel, "statefulset.kubernetes.io/pod-name": p},
                          owner=("StatefulSet", name, "apps/v1"), status=status(i, p), volumes=volumes)
                 for i, p in enumerate(pods)]
        ready = sum(1 for p in built if p["status"].get("phase") == "Running")
        self.add_extra({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta("StatefulSet", name, ns, labels=sel),
                        "spec": {"replicas": replicas, "selector": {"matchLabels": sel}, "serviceName": name,
                                 "template": {"metadata": {"creationTimestamp": None, "labels": sel}, "spec": {"containers": containers}}},
                        "status": {"replicas": replicas, "readyReplicas": ready, "currentReplicas": replicas,
                                   "updatedReplicas": replicas, "availableReplicas": ready}})
        return pods

    def service(self, ns: str, name: str, selector: dict[str, str] | None, port: int = 80,
                target: int | str = "http", ready_ips: int | None = None) -> None:
        self.namespace(ns)
        spec: dict[str, Any] = {"ports": [{"name": "http", "protocol": "TCP", "port": port, "targetPort": target}],
                                "clusterIP": f"172.20.{len(name)}.{len(ns) * 7 % 250}", "type": "ClusterIP",
                                "sessionAffinity": "None"}
        if selector:
            spec["selector"] = selector
        self.dump[ns]["services"].append({"metadata": meta("Service", name, ns, labels={"app.kubernetes.io/name": name}),
                                          "spec": spec, "status": {"loadBalancer": {}}})
        if ready_ips is not None:
            subsets = [{"addresses": [{"ip": f"10.0.3.{10 + i}"} for i in range(ready_ips)],
                        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}] if ready_ips else []
            self.add_extra({"apiVersion": "v1", "kind": "Endpoints", "metadata": meta("Endpoints", name, ns),
                            **({"subsets": subsets} if subsets else {})})

    # --- events and logs ---------------------------------------------------------------------------
    def event(self, ns: str, kind: str, name: str, reason: str, message: str, *, type_: str = "Warning",
              count: int = 1, first_min: float = 10, last_min: float = 1, component: str = "kubelet",
              host: str | None = None, field_path: str | None = None, api: str = "v1") -> dict[str, Any]:
        self.namespace(ns) if ns else None
        suffix = format(int(safe(name + reason + message, 8).encode().hex()[:12], 16), "x")[:16]
        involved = {"kind": kind, "namespace": ns, "name": name, "uid": uid(kind, ns, name),
                    "apiVersion": api, "resourceVersion": rv(name)}
        if not ns:
            involved.pop("namespace")
        if field_path:
            involved["fieldPath"] = field_path
        src = {"component": component, **({"host": host} if host else {})}
        event = {"metadata": {"name": f"{name}.{suffix}", "namespace": ns or "default",
                              "uid": uid("Event", name, reason, message), "resourceVersion": rv(name + reason),
                              "creationTimestamp": ts(first_min)},
                 "involvedObject": involved, "reason": reason, "message": message, "source": src,
                 "firstTimestamp": ts(first_min), "lastTimestamp": ts(last_min), "count": count, "type": type_,
                 "eventTime": None, "reportingComponent": component, "reportingInstance": host or ""}
        self.dump.setdefault(ns or "default", {k: [] for k in DUMP_KINDS})["events"].append(event)
        return event


def _omit_zero(status: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Go's omitempty: the API server leaves out zero counts (except fields declared without it)."""
    return {k: v for k, v in status.items() if v != 0 or k in keep}


def _is_ready(pod: dict[str, Any]) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", []))


def _default_log(container: str) -> str:
    return (f'{{"level":"info","ts":"{NOW.strftime("%Y-%m-%dT%H:%M:%S")}.120Z","msg":"request served",'
            f'"component":"{container}","status":200,"duration_ms":12}}\n')
