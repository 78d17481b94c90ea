"""The objects of one scenario cluster, with the primitives every builder uses (meta, pods, events, logs)."""

import hashlib
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from devtools.heldout import shapes
from devtools.heldout.ids import Clock, Ids
from devtools.heldout.states import Run, container_status

DAY = 60 * 24  # minutes


class Store:
    """Holds the objects by namespace and kind; every builder adds through these primitives."""

    def __init__(self, seed: str, now: datetime, *, registry: str, cluster_name: str) -> None:
        self.ids = Ids(seed)
        self.clock = Clock(now)
        self.registry = registry
        self.cluster_name = cluster_name
        self.nodes: dict[str, dict[str, Any]] = {}
        self.namespaces: dict[str, dict[str, Any]] = {}
        self.dump: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        self.extra: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.logs: dict[tuple[str, str, str], str] = {}
        self.previous_logs: dict[tuple[str, str, str], str] = {}

    # -- metadata -----------------------------------------------------------------------------------
    def meta(
        self,
        name: str,
        namespace: str | None,
        created: float,
        *,
        labels: dict[str, str] | None = None,
        annotations: dict[str, str] | None = None,
        owner: dict[str, Any] | None = None,
        generation: int | None = None,
        generate_name: str = "",
    ) -> dict[str, Any]:
        m: dict[str, Any] = {"name": name}
        if generate_name:
            m["generateName"] = generate_name
        if namespace is not None:
            m["namespace"] = namespace
        m["uid"] = self.ids.uid()
        m["resourceVersion"] = self.ids.resource_version()
        if generation is not None:
            m["generation"] = generation
        m["creationTimestamp"] = self.clock.ago(minutes=created)
        if labels:
            m["labels"] = dict(sorted(labels.items()))
        if annotations:
            m["annotations"] = dict(sorted(annotations.items()))
        if owner:
            m["ownerReferences"] = [owner_ref(owner)]
        return m

    def image(self, path: str) -> str:
        return path if "/" in path.split(":")[0] and "." in path.split("/")[0] else f"{self.registry}/{path}"

    def image_id(self, image: str) -> str:
        repo = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
        # One image, one digest: every pod running `image` reports the same imageID.
        return f"{repo}@sha256:{hashlib.sha256(image.encode()).hexdigest()}"

    # -- pods ---------------------------------------------------------------------------------------
    def pod(
        self,
        namespace: str,
        name: str,
        template: dict[str, Any],
        *,
        node: str | None,
        created: float,
        runs: dict[str, Run] | None = None,
        owner: dict[str, Any] | None = None,
        generate_name: str = "",
        phase: str = "",
        reason: str = "",
        message: str = "",
        unschedulable: str = "",
        sandbox_ready: bool = True,
        extra_spec: dict[str, Any] | None = None,
        daemon: bool = False,
    ) -> dict[str, Any]:
        """A pod created from a template, scheduled on `node` (or unschedulable), in the given states."""
        runs = runs or {}
        tmeta = template.get("metadata", {})
        spec = {k: v for k, v in template["spec"].items()}
        sa_volume = f"kube-api-access-{self.ids.suffix(5)}"
        spec["volumes"] = [*spec.get("volumes", []), shapes.sa_token_volume(sa_volume)]
        sa_mount = shapes.mount(sa_volume, shapes.SA_MOUNT_PATH, read_only=True)
        for key in ("initContainers", "containers"):
            if key in spec:
                spec[key] = [
                    shapes.ordered(
                        {**c, "volumeMounts": [*c.get("volumeMounts", []), sa_mount]}, shapes.CONTAINER_KEYS
                    )
                    for c in spec[key]
                ]
        if node:
            spec["nodeName"] = node
        tolerations = list(spec.get("tolerations", []))
        if daemon:
            tolerations += list(shapes.DAEMONSET_TOLERATIONS)
            spec["affinity"] = {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
                        ]
                    }
                }
            }
        else:
            tolerations += list(shapes.DEFAULT_TOLERATIONS)
        spec["tolerations"] = tolerations
        spec.setdefault("priority", 0)
        spec["enableServiceLinks"] = True
        spec["preemptionPolicy"] = "PreemptLowerPriority"
        spec.update(extra_spec or {})
        spec = shapes.ordered(spec, shapes.POD_SPEC_KEYS)
        metadata = self.meta(
            name,
            namespace,
            created,
            labels=tmeta.get("labels"),
            annotations=tmeta.get("annotations"),
            owner=owner,
            generate_name=generate_name,
        )
        pod = {"metadata": metadata, "spec": spec}
        pod["status"] = self._pod_status(
            pod, node, created, runs, phase, reason, message, unschedulable, sandbox_ready
        )
        self.dump[namespace]["pods"].append(pod)
        return pod

    def _pod_status(
        self,
        pod: dict[str, Any],
        node: str | None,
        created: float,
        runs: dict[str, Run],
        phase: str,
        reason: str,
        message: str,
        unschedulable: str,
        sandbox_ready: bool,
    ) -> dict[str, Any]:
        spec, ago = pod["spec"], self.clock.ago
        qos = _qos_class(spec["containers"])
        if not node:
            return {
                "phase": "Pending",
                "conditions": [
                    _condition("PodScheduled", "False", ago(minutes=created), "Unschedulable", unschedulable)
                ],
                "qosClass": qos,
            }
        ref = f"{pod['metadata']['name']}_{pod['metadata']['namespace']}({pod['metadata']['uid']})"
        inits = spec.get("initContainers", [])
        init_runs = {c["name"]: runs.get(c["name"], _completed_init(created)) for c in inits}
        main_runs = {
            c["name"]: runs.get(c["name"], Run("running", since=created - 0.2)) for c in spec["containers"]
        }
        init_done = all(r.state == "terminated" and r.exit_code == 0 for r in init_runs.values())
        unready = [n for n, r in main_runs.items() if not (r.state == "running" and r.ready)]
        if not init_done:
            unready = list(main_runs)
        restart_always = spec.get("restartPolicy", "Always") == "Always"
        if not phase:
            if not init_done or all(r.is_pending for r in main_runs.values()):
                phase = "Pending"
            elif restart_always or any(r.state == "running" for r in main_runs.values()):
                phase = "Running"
            else:
                phase = "Succeeded" if all(r.exit_code == 0 for r in main_runs.values()) else "Failed"
        finished = phase in ("Succeeded", "Failed")
        ready_reason = "PodCompleted" if finished and reason != "Evicted" else "ContainersNotReady"
        if reason == "Evicted":
            ready_reason = "PodFailed"
        t_sched, t_ready = ago(minutes=created), ago(minutes=max(created - 0.25, 0))
        conditions: list[dict[str, Any]] = []
        if reason == "Evicted":
            conditions.append(
                _condition("DisruptionTarget", "True", ago(minutes=1.0), "TerminationByKubelet", message)
            )
        conditions.append(
            _condition(
                "PodReadyToStartContainers",
                "True" if sandbox_ready and not finished else "False",
                ago(minutes=max(created - 0.03, 0)),
            )
        )
        incomplete = [n for n, r in init_runs.items() if not (r.state == "terminated" and r.exit_code == 0)]
        conditions.append(
            _condition(
                "Initialized",
                "True" if init_done else "False",
                t_sched,
                "" if init_done else "ContainersNotInitialized",
                "" if init_done else f"containers with incomplete status: [{' '.join(incomplete)}]",
            )
        )
        for kind in ("Ready", "ContainersReady"):
            if unready:
                msg = (
                    ""
                    if ready_reason != "ContainersNotReady"
                    else (f"containers with unready status: [{' '.join(unready)}]")
                )
                conditions.append(_condition(kind, "False", t_ready, ready_reason, msg))
            else:
                conditions.append(_condition(kind, "True", t_ready))
        conditions.append(_condition("PodScheduled", "True", t_sched))
        status: dict[str, Any] = {"phase": phase, "conditions": conditions}
        if message:
            status["message"] = message
        if reason:
            status["reason"] = reason
        host_ip = self.nodes[node]["ip"]
        status["hostIP"] = host_ip
        status["hostIPs"] = [{"ip": host_ip}]
        if sandbox_ready and not finished:
            pod_ip = host_ip if spec.get("hostNetwork") else _pod_ip(host_ip, self.ids)
            status["podIP"] = pod_ip
            status["podIPs"] = [{"ip": pod_ip}]
        status["startTime"] = t_sched
        for key, group, sts in (
            ("initContainerStatuses", inits, init_runs),
            ("containerStatuses", spec["containers"], main_runs),
        ):
            if group:
                status[key] = [
                    self._status(c, sts[c["name"]], ref, init=key.startswith("init")) for c in group
                ]
        status["qosClass"] = qos
        return status

    def _status(self, c: dict[str, Any], run: Run, ref: str, *, init: bool) -> dict[str, Any]:
        return container_status(
            run,
            name=c["name"],
            image=c["image"],
            image_id=self.image_id(c["image"]),
            container_id=f"containerd://{self.ids.hex(64)}",
            last_id=f"containerd://{self.ids.hex(64)}",
            pod_ref=ref,
            clock=self.clock,
            init=init,
        )

    # -- logs and extras ----------------------------------------------------------------------------
    def log(self, pod: dict[str, Any], container: str, text: str, *, previous: str | None = None) -> None:
        key = (pod["metadata"]["namespace"], pod["metadata"]["name"], container)
        self.logs[key] = text if text.endswith("\n") or not text else text + "\n"
        if previous is not None:
            self.previous_logs[key] = previous if previous.endswith("\n") else previous + "\n"

    def crash_log(self, pod: dict[str, Any], container: str, text: str) -> None:
        """The kubelet serves the last terminated instance both as current and as --previous."""
        self.log(pod, container, text, previous=text)

    def add_extra(self, filename: str, kind: str, api_version: str, obj: dict[str, Any]) -> dict[str, Any]:
        full = {"apiVersion": api_version, "kind": kind, **obj}
        self.extra[filename].append(full)
        return full

    # -- events -------------------------------------------------------------------------------------
    def event(
        self,
        involved: dict[str, Any],
        reason: str,
        message: str,
        *,
        kind: str = "Pod",
        api_version: str = "v1",
        type_: str = "Warning",
        count: int = 1,
        first: float = 5.0,
        last: float | None = None,
        component: str = "kubelet",
        host: str = "",
        field_path: str = "",
        instance: str | None = None,
    ) -> dict[str, Any]:
        """A core/v1 Event about `involved`, as the recorder in `component` writes it."""
        last = first if last is None else last
        meta = involved["metadata"]
        namespace = meta.get("namespace", "default")
        first_dt = self.clock.now - timedelta(minutes=first)
        name = f"{meta['name']}.{int(first_dt.timestamp() * 1e9) + self.ids._rng.randrange(10**6):x}"
        ev_meta = {
            "name": name,
            "namespace": namespace,
            "uid": self.ids.uid(),
            "resourceVersion": self.ids.resource_version(),
            "creationTimestamp": self.clock.ago(minutes=first),
        }
        obj_ref: dict[str, Any] = {"kind": kind}
        if kind != "Node":
            obj_ref["namespace"] = namespace
        obj_ref["name"] = meta["name"]
        obj_ref["uid"] = meta["name"] if kind == "Node" and component == "kubelet" else meta["uid"]
        obj_ref["apiVersion"] = api_version
        if kind != "Node":
            obj_ref["resourceVersion"] = meta["resourceVersion"]
        if field_path:
            obj_ref["fieldPath"] = field_path
        source: dict[str, Any] = {"component": component}
        if host:
            source["host"] = host
        ev = {
            "metadata": ev_meta,
            "involvedObject": obj_ref,
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": self.clock.ago(minutes=first),
            "lastTimestamp": self.clock.ago(minutes=last),
            "count": count,
            "type": type_,
            "eventTime": None,
            "reportingComponent": component if component != "kubelet" or host else component,
            "reportingInstance": host if instance is None else instance,
        }
        self.dump[namespace]["events"].append(ev)
        return ev

    def scheduler_event(
        self, pod: dict[str, Any], message: str, *, count: int, first: float, last: float
    ) -> dict[str, Any]:
        """FailedScheduling as the scheduler writes it through the events.k8s.io API."""
        meta = pod["metadata"]
        first_dt = self.clock.now - timedelta(minutes=first)
        last_dt = self.clock.now - timedelta(minutes=last)
        ev: dict[str, Any] = {
            "metadata": {
                "name": f"{meta['name']}.{int(first_dt.timestamp() * 1e9):x}",
                "namespace": meta["namespace"],
                "uid": self.ids.uid(),
                "resourceVersion": self.ids.resource_version(),
                "creationTimestamp": self.clock.ago(minutes=first),
            },
            "involvedObject": {
                "kind": "Pod",
                "namespace": meta["namespace"],
                "name": meta["name"],
                "uid": meta["uid"],
                "apiVersion": "v1",
                "resourceVersion": meta["resourceVersion"],
            },
            "reason": "FailedScheduling",
            "message": message,
            "source": {},
            "firstTimestamp": None,
            "lastTimestamp": None,
            "type": "Warning",
            "eventTime": first_dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{first_dt.microsecond:06d}Z",
        }
        if count > 1:
            ev["series"] = {
                "count": count,
                "lastObservedTime": last_dt.strftime("%Y-%m-%dT%H:%M:%S.") + "482913Z",
            }
        ev.update(
            action="Scheduling",
            reportingComponent="default-scheduler",
            reportingInstance="default-scheduler-" + sorted(self.nodes)[0] if self.nodes else "",
        )
        self.dump[meta["namespace"]]["events"].append(ev)
        return ev


def owner_ref(obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "name": obj["name"],
        "uid": obj["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def _condition(kind: str, status: str, when: str, reason: str = "", message: str = "") -> dict[str, Any]:
    c: dict[str, Any] = {"type": kind, "status": status, "lastProbeTime": None, "lastTransitionTime": when}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def _completed_init(created: float) -> Run:
    return Run(
        "terminated", since=max(created - 0.1, 0), ready=False, exit_code=0, reason="Completed", ran_for=0.05
    )


def _pod_ip(host_ip: str, ids: Ids) -> str:
    a, b, c, _ = host_ip.split(".")
    return f"{a}.{b}.{c}.{ids._rng.randrange(20, 250)}"


def _qos_class(containers: list[dict[str, Any]]) -> str:
    res = [c.get("resources", {}) for c in containers]
    if all(not r for r in res):
        return "BestEffort"
    for r in res:
        lim, req = r.get("limits", {}), r.get("requests", {})
        if not (
            lim.get("cpu")
            and lim.get("memory")
            and req.get("cpu", lim["cpu"]) == lim["cpu"]
            and req.get("memory", lim["memory"]) == lim["memory"]
        ):
            return "Burstable"
    return "Guaranteed"
