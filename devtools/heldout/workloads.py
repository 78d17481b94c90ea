"""Workload builders: Deployments with their ReplicaSets and pods, and DaemonSets."""

from dataclasses import dataclass, field
from typing import Any

from devtools.heldout import shapes
from devtools.heldout.ids import template_hash
from devtools.heldout.states import Run
from devtools.heldout.store import DAY, Store


@dataclass
class Workload:
    """What a builder made: the controller object, its ReplicaSets and its pods."""

    obj: dict[str, Any]
    pods: list[dict[str, Any]] = field(default_factory=list)
    replicasets: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pod(self) -> dict[str, Any]:
        return self.pods[0]


def template(
    labels: dict[str, str],
    containers: list[dict[str, Any]],
    *,
    init: list[dict[str, Any]] | None = None,
    volumes: list[dict[str, Any]] | None = None,
    service_account: str = "",
    restart: str = "Always",
    spec: dict[str, Any] | None = None,
) -> dict[str, Any]:
    s: dict[str, Any] = {}
    if volumes:
        s["volumes"] = volumes
    if init:
        s["initContainers"] = [shapes.ordered(c, shapes.CONTAINER_KEYS) for c in init]
    s["containers"] = [shapes.ordered(c, shapes.CONTAINER_KEYS) for c in containers]
    s.update(restartPolicy=restart, terminationGracePeriodSeconds=30, dnsPolicy="ClusterFirst")
    if service_account:
        s.update(serviceAccountName=service_account, serviceAccount=service_account)
    s.update(securityContext={}, schedulerName="default-scheduler")
    s.update(spec or {})
    return {
        "metadata": {"creationTimestamp": None, "labels": dict(sorted(labels.items()))},
        "spec": shapes.ordered(s, shapes.POD_SPEC_KEYS),
    }


def _with_label(tpl: dict[str, Any], key: str, value: str) -> dict[str, Any]:
    labels = dict(sorted({**tpl["metadata"]["labels"], key: value}.items()))
    return {"metadata": {**tpl["metadata"], "labels": labels}, "spec": tpl["spec"]}


def _deploy_condition(
    kind: str, status: str, updated: str, changed: str, reason: str, msg: str
) -> dict[str, Any]:
    return {
        "type": kind,
        "status": status,
        "lastUpdateTime": updated,
        "lastTransitionTime": changed,
        "reason": reason,
        "message": msg,
    }


class WorkloadBuilder(Store):
    """Adds the controllers; pods are placed round-robin on the schedulable nodes."""

    worker_nodes: list[str]

    def _place(self, name: str, i: int, nodes: list[str] | None) -> str:
        pool = nodes or self.worker_nodes
        return pool[(sum(map(ord, name)) + i) % len(pool)]

    def deployment(
        self,
        ns: str,
        name: str,
        containers: list[dict[str, Any]],
        *,
        replicas: int = 2,
        labels: dict[str, str] | None = None,
        runs: list[dict[str, Run]] | None = None,
        created: float = 40 * DAY,
        updated: float = 6 * DAY,
        revision: int = 3,
        init: list[dict[str, Any]] | None = None,
        volumes: list[dict[str, Any]] | None = None,
        spec: dict[str, Any] | None = None,
        previous: list[dict[str, Any]] | None = None,
        nodes: list[str] | None = None,
        unschedulable: str = "",
        service_account: str = "",
        strategy: dict[str, Any] | None = None,
        pod_extra: dict[str, Any] | None = None,
        progress_deadline_exceeded: bool | None = None,
    ) -> Workload:
        """A Deployment; with `previous`, the rollout from those containers to `containers` is under way."""
        sel = {"app.kubernetes.io/name": name}
        all_labels = {**sel, "app.kubernetes.io/part-of": ns, **(labels or {})}
        tpl = template(
            all_labels,
            containers,
            init=init,
            volumes=volumes,
            service_account=service_account or name,
            spec=spec,
        )
        dep_meta = self.meta(
            name,
            ns,
            created,
            labels=all_labels,
            generation=revision + 1,
            annotations={"deployment.kubernetes.io/revision": str(revision)},
        )
        dep_ref = {"apiVersion": "apps/v1", "kind": "Deployment", **dep_meta}
        runs = runs or [{} for _ in range(replicas)]
        wl = Workload({})
        revisions: list[tuple[dict[str, Any], list[dict[str, Run]], int, float]] = []
        if previous is not None:
            old_tpl = template(
                all_labels,
                previous,
                init=init,
                volumes=volumes,
                service_account=service_account or name,
                spec=spec,
            )
            revisions.append((old_tpl, [{} for _ in range(replicas)], revision - 1, 9 * DAY))
        revisions.append((tpl, runs, revision, updated))
        for r_tpl, r_runs, r_rev, r_created in revisions:
            h = template_hash(f"{ns}/{name}/{r_rev}/{r_tpl['spec']['containers'][0]['image']}")
            rs_name = f"{name}-{h}"
            hashed = _with_label(r_tpl, "pod-template-hash", h)
            rs_meta = self.meta(
                rs_name,
                ns,
                r_created,
                labels=hashed["metadata"]["labels"],
                owner=dep_ref,
                generation=2,
                annotations={
                    "deployment.kubernetes.io/desired-replicas": str(replicas),
                    "deployment.kubernetes.io/max-replicas": str(replicas + max(1, replicas // 4)),
                    "deployment.kubernetes.io/revision": str(r_rev),
                },
            )
            rs_ref = {"apiVersion": "apps/v1", "kind": "ReplicaSet", **rs_meta}
            pods = []
            for i, pod_runs in enumerate(r_runs):
                pod_created = min(r_created, 40 * DAY) if not pod_runs else min(r_created, 70.0)
                node = None if unschedulable else self._place(name, i, nodes)
                pods.append(
                    self.pod(
                        ns,
                        f"{rs_name}-{self.ids.suffix()}",
                        hashed,
                        node=node,
                        created=pod_created,
                        runs=pod_runs,
                        owner=rs_ref,
                        generate_name=f"{rs_name}-",
                        unschedulable=unschedulable,
                        **(pod_extra or {}),
                    )
                )
            ready = sum(1 for p in pods if _is_ready(p))
            rs_status: dict[str, Any] = {"replicas": len(pods), "fullyLabeledReplicas": len(pods)}
            if ready:
                rs_status.update(readyReplicas=ready, availableReplicas=ready)
            rs_status["observedGeneration"] = 2
            rs = {
                "metadata": rs_meta,
                "spec": {
                    "replicas": len(pods),
                    "selector": {"matchLabels": {**sel, "pod-template-hash": h}},
                    "template": hashed,
                },
                "status": rs_status,
            }
            self.dump[ns]["replicasets"].append(rs)
            wl.replicasets.append(rs)
            wl.pods.extend(pods)
        ready = sum(1 for p in wl.pods if _is_ready(p))
        new_pods = len(runs)
        d_status: dict[str, Any] = {
            "observedGeneration": revision + 1,
            "replicas": len(wl.pods),
            "updatedReplicas": new_pods,
        }
        if ready:
            d_status.update(readyReplicas=ready, availableReplicas=ready)
        if len(wl.pods) - ready > 0:
            d_status["unavailableReplicas"] = len(wl.pods) - ready
        ago = self.clock.ago
        new_rs = wl.replicasets[-1]["metadata"]["name"]
        available = ready >= max(replicas - max(1, replicas // 4), 1) if replicas else True
        conds = [
            _deploy_condition(
                "Available",
                "True" if available else "False",
                ago(minutes=created - 2),
                ago(minutes=created - 2) if available else ago(minutes=updated),
                "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                "Deployment has minimum availability."
                if available
                else "Deployment does not have minimum availability.",
            )
        ]
        all_new_ready = ready == len(wl.pods) and previous is None
        stuck = progress_deadline_exceeded if progress_deadline_exceeded is not None else not all_new_ready
        if all_new_ready:
            conds.append(
                _deploy_condition(
                    "Progressing",
                    "True",
                    ago(minutes=updated - 1),
                    ago(minutes=created),
                    "NewReplicaSetAvailable",
                    f'ReplicaSet "{new_rs}" has successfully progressed.',
                )
            )
        elif stuck:
            conds.append(
                _deploy_condition(
                    "Progressing",
                    "False",
                    ago(minutes=updated - 10),
                    ago(minutes=updated - 10),
                    "ProgressDeadlineExceeded",
                    f'ReplicaSet "{new_rs}" has timed out progressing.',
                )
            )
        else:
            conds.append(
                _deploy_condition(
                    "Progressing",
                    "True",
                    ago(minutes=updated),
                    ago(minutes=created),
                    "ReplicaSetUpdated",
                    f'ReplicaSet "{new_rs}" is progressing.',
                )
            )
        d_status["conditions"] = conds
        wl.obj = {
            "metadata": dep_meta,
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": sel},
                "template": tpl,
                "strategy": strategy
                or {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                "revisionHistoryLimit": 10,
                "progressDeadlineSeconds": 600,
            },
            "status": d_status,
        }
        self.dump[ns]["deployments"].append(wl.obj)
        return wl

    def daemonset(
        self,
        ns: str,
        name: str,
        containers: list[dict[str, Any]],
        *,
        labels: dict[str, str] | None = None,
        runs: dict[str, dict[str, Run]] | None = None,
        created: float = 120 * DAY,
        volumes: list[dict[str, Any]] | None = None,
        spec: dict[str, Any] | None = None,
        nodes: list[str] | None = None,
        priority_class: str = "system-node-critical",
    ) -> Workload:
        """A DaemonSet with one pod per node (`runs` overrides the state on named nodes)."""
        sel = {"app.kubernetes.io/name": name}
        all_labels = {**sel, **(labels or {})}
        extra = {"priorityClassName": priority_class, **(spec or {})} if priority_class else dict(spec or {})
        tpl = template(all_labels, containers, volumes=volumes, service_account=name, spec=extra)
        meta = self.meta(
            name,
            ns,
            created,
            labels=all_labels,
            generation=4,
            annotations={"deprecated.daemonset.template.generation": "4"},
        )
        ref = {"apiVersion": "apps/v1", "kind": "DaemonSet", **meta}
        rev = template_hash(f"{ns}/{name}/ds")
        pod_tpl = _with_label(
            _with_label(tpl, "controller-revision-hash", rev), "pod-template-generation", "4"
        )
        wl = Workload({})
        runs = runs or {}
        priority = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}.get(
            priority_class, 0
        )
        for node in nodes or sorted(self.nodes):
            wl.pods.append(
                self.pod(
                    ns,
                    f"{name}-{self.ids.suffix()}",
                    pod_tpl,
                    node=node,
                    created=min(created, 20 * DAY),
                    runs=runs.get(node, {}),
                    owner=ref,
                    generate_name=f"{name}-",
                    daemon=True,
                    extra_spec={"priority": priority},
                )
            )
        desired = len(wl.pods)
        ready = sum(1 for p in wl.pods if _is_ready(p))
        status: dict[str, Any] = {
            "currentNumberScheduled": desired,
            "numberMisscheduled": 0,
            "desiredNumberScheduled": desired,
            "numberReady": ready,
            "observedGeneration": 4,
            "updatedNumberScheduled": desired,
            "numberAvailable": ready,
        }
        if desired - ready:
            status["numberUnavailable"] = desired - ready
        wl.obj = {
            "metadata": meta,
            "spec": {
                "selector": {"matchLabels": sel},
                "template": tpl,
                "updateStrategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
                },
                "revisionHistoryLimit": 10,
            },
            "status": status,
        }
        self.dump[ns]["daemonsets"].append(wl.obj)
        return wl


def _is_ready(pod: dict[str, Any]) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", []))
