"""StatefulSets (with their claims), Jobs and CronJobs: the kinds the dump leaves to `extra/`."""

from typing import Any

from devtools.heldout.ids import template_hash
from devtools.heldout.states import Run, terminated
from devtools.heldout.store import DAY
from devtools.heldout.workloads import Workload, WorkloadBuilder, _is_ready, _with_label, template

_CSI_IDENTITY = "1718000000000-8081-ebs.csi.aws.com"


class StatefulBuilder(WorkloadBuilder):
    """StatefulSets, Jobs and CronJobs."""

    def claim(
        self,
        ns: str,
        name: str,
        *,
        size: str = "20Gi",
        storage_class: str = "gp3",
        bound: bool = True,
        created: float = 60 * DAY,
        access: str = "ReadWriteOnce",
        labels: dict[str, str] | None = None,
        node: str = "",
    ) -> dict[str, Any]:
        """A PersistentVolumeClaim (and, when bound, its PersistentVolume) in extra/."""
        annotations = {
            "volume.beta.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
            "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
        }
        if bound:
            annotations.update(
                {"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes"}
            )
        if node:
            annotations["volume.kubernetes.io/selected-node"] = node
        meta = self.meta(name, ns, created, labels=labels, annotations=annotations)
        meta["finalizers"] = ["kubernetes.io/pvc-protection"]
        pv_name = f"pvc-{meta['uid']}"
        spec: dict[str, Any] = {
            "accessModes": [access],
            "resources": {"requests": {"storage": size}},
            "storageClassName": storage_class,
            "volumeMode": "Filesystem",
        }
        status: dict[str, Any] = {"phase": "Pending"}
        if bound:
            spec["volumeName"] = pv_name
            status = {"accessModes": [access], "capacity": {"storage": size}, "phase": "Bound"}
        pvc = self.add_extra(
            "persistentvolumeclaims.json",
            "PersistentVolumeClaim",
            "v1",
            {"metadata": meta, "spec": spec, "status": status},
        )
        if bound:
            pv_meta = self.meta(
                pv_name,
                None,
                created,
                annotations={
                    "pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com",
                    "volume.kubernetes.io/provisioner-deletion-secret-name": "",
                    "volume.kubernetes.io/provisioner-deletion-secret-namespace": "",
                },
            )
            pv_meta["finalizers"] = [
                "external-provisioner.volume.kubernetes.io/finalizer",
                "kubernetes.io/pv-protection",
            ]
            zone = self.nodes[node]["zone"] if node else "eu-west-1a"
            self.add_extra(
                "persistentvolumes.json",
                "PersistentVolume",
                "v1",
                {
                    "metadata": pv_meta,
                    "spec": {
                        "accessModes": [access],
                        "capacity": {"storage": size},
                        "claimRef": {
                            "apiVersion": "v1",
                            "kind": "PersistentVolumeClaim",
                            "name": name,
                            "namespace": ns,
                            "resourceVersion": meta["resourceVersion"],
                            "uid": meta["uid"],
                        },
                        "csi": {
                            "driver": "ebs.csi.aws.com",
                            "fsType": "ext4",
                            "volumeAttributes": {
                                "storage.kubernetes.io/csiProvisionerIdentity": _CSI_IDENTITY
                            },
                            "volumeHandle": f"vol-0{self.ids.hex(16)}",
                        },
                        "nodeAffinity": {
                            "required": {
                                "nodeSelectorTerms": [
                                    {
                                        "matchExpressions": [
                                            {
                                                "key": "topology.kubernetes.io/zone",
                                                "operator": "In",
                                                "values": [zone],
                                            }
                                        ]
                                    }
                                ]
                            }
                        },
                        "persistentVolumeReclaimPolicy": "Delete",
                        "storageClassName": storage_class,
                        "volumeMode": "Filesystem",
                    },
                    "status": {"lastPhaseTransitionTime": self.clock.ago(minutes=created), "phase": "Bound"},
                },
            )
        return pvc

    def statefulset(
        self,
        ns: str,
        name: str,
        containers: list[dict[str, Any]],
        *,
        replicas: int = 3,
        labels: dict[str, str] | None = None,
        runs: list[dict[str, Run]] | None = None,
        created: float = 90 * DAY,
        claim_size: str = "",
        storage_class: str = "gp3",
        volumes: list[dict[str, Any]] | None = None,
        init: list[dict[str, Any]] | None = None,
        spec: dict[str, Any] | None = None,
        unbound_claims: tuple[int, ...] = (),
        unschedulable: str = "",
        pod_created: float = 12 * DAY,
    ) -> Workload:
        """A StatefulSet with ordinal pods and, with `claim_size`, one `data-<pod>` claim each."""
        sel = {"app.kubernetes.io/name": name}
        all_labels = {**sel, **(labels or {})}
        tpl = template(all_labels, containers, init=init, volumes=volumes, service_account=name, spec=spec)
        meta = self.meta(name, ns, created, labels=all_labels, generation=3)
        ref = {"apiVersion": "apps/v1", "kind": "StatefulSet", **meta}
        revision = f"{name}-{template_hash(ns + name)[:10]}"
        runs = runs or [{} for _ in range(replicas)]
        wl = Workload({})
        for i, pod_runs in enumerate(runs):
            pod_name = f"{name}-{i}"
            pod_tpl = _with_label(
                _with_label(
                    _with_label(tpl, "controller-revision-hash", revision),
                    "statefulset.kubernetes.io/pod-name",
                    pod_name,
                ),
                "apps.kubernetes.io/pod-index",
                str(i),
            )
            node = None if unschedulable and i in unbound_claims else self._place(name, i, None)
            if claim_size:
                vols = [
                    *pod_tpl["spec"].get("volumes", []),
                    {"name": "data", "persistentVolumeClaim": {"claimName": f"data-{pod_name}"}},
                ]
                pod_tpl = {"metadata": pod_tpl["metadata"], "spec": {**pod_tpl["spec"], "volumes": vols}}
                self.claim(
                    ns,
                    f"data-{pod_name}",
                    size=claim_size,
                    storage_class=storage_class,
                    bound=i not in unbound_claims,
                    labels=sel,
                    node=node or "",
                    created=pod_created if i in unbound_claims else created,
                )
            wl.pods.append(
                self.pod(
                    ns,
                    pod_name,
                    pod_tpl,
                    node=node,
                    created=pod_created if i not in unbound_claims else 50,
                    runs=pod_runs,
                    owner=ref,
                    generate_name=f"{name}-",
                    unschedulable=unschedulable if i in unbound_claims else "",
                    extra_spec={"hostname": pod_name, "subdomain": f"{name}-headless"},
                )
            )
        ready = sum(1 for p in wl.pods if _is_ready(p))
        s: dict[str, Any] = {
            "replicas": replicas,
            "selector": {"matchLabels": sel},
            "template": tpl,
            "serviceName": f"{name}-headless",
            "podManagementPolicy": "OrderedReady",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "revisionHistoryLimit": 10,
            "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
        }
        if claim_size:
            s["volumeClaimTemplates"] = [
                {
                    "apiVersion": "v1",
                    "kind": "PersistentVolumeClaim",
                    "metadata": {"creationTimestamp": None, "name": "data"},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": claim_size}},
                        "storageClassName": storage_class,
                        "volumeMode": "Filesystem",
                    },
                    "status": {"phase": "Pending"},
                }
            ]
        status = {
            "observedGeneration": 3,
            "replicas": len(wl.pods),
            "readyReplicas": ready,
            "currentReplicas": len(wl.pods),
            "updatedReplicas": len(wl.pods),
            "currentRevision": revision,
            "updateRevision": revision,
            "collisionCount": 0,
            "availableReplicas": ready,
        }
        wl.obj = self.add_extra(
            "statefulsets.json", "StatefulSet", "apps/v1", {"metadata": meta, "spec": s, "status": status}
        )
        return wl

    def job(
        self,
        ns: str,
        name: str,
        containers: list[dict[str, Any]],
        *,
        attempts: list[Run],
        backoff_limit: int = 6,
        created: float = 30.0,
        owner: dict[str, Any] | None = None,
        labels: dict[str, str] | None = None,
        restart: str = "Never",
        volumes: list[dict[str, Any]] | None = None,
    ) -> Workload:
        """A Job and one pod per attempt; it failed once the attempts exceed `backoff_limit`."""
        meta = self.meta(
            name,
            ns,
            created,
            labels=labels,
            owner=owner,
            generation=1,
            annotations={"batch.kubernetes.io/job-tracking": ""},
        )
        uid = meta["uid"]
        ctl = {
            "batch.kubernetes.io/controller-uid": uid,
            "batch.kubernetes.io/job-name": name,
            "controller-uid": uid,
            "job-name": name,
        }
        meta["labels"] = dict(sorted({**(labels or {}), **ctl}.items()))
        tpl = template({**(labels or {}), **ctl}, containers, restart=restart, volumes=volumes)
        ref = {"apiVersion": "batch/v1", "kind": "Job", **meta}
        wl = Workload({})
        for i, run in enumerate(attempts):
            wl.pods.append(
                self.pod(
                    ns,
                    f"{name}-{self.ids.suffix()}",
                    tpl,
                    node=self._place(name, i, None),
                    created=run.since + run.ran_for + 0.1,
                    runs={containers[0]["name"]: run},
                    owner=ref,
                    generate_name=f"{name}-",
                )
            )
        failed = sum(1 for r in attempts if r.state == "terminated" and r.exit_code != 0)
        succeeded = sum(1 for r in attempts if r.state == "terminated" and r.exit_code == 0)
        ago = self.clock.ago
        status: dict[str, Any] = {
            "startTime": ago(minutes=created),
            "terminating": 0,
            "ready": 0,
            "uncountedTerminatedPods": {},
        }
        last = min(r.since for r in attempts) if attempts else 0
        if failed > backoff_limit:
            status["conditions"] = [
                {
                    "lastProbeTime": ago(minutes=last),
                    "lastTransitionTime": ago(minutes=last),
                    "message": "Job has reached the specified backoff limit",
                    "reason": "BackoffLimitExceeded",
                    "status": "True",
                    "type": "FailureTarget",
                },
                {
                    "lastProbeTime": ago(minutes=last),
                    "lastTransitionTime": ago(minutes=last),
                    "message": "Job has reached the specified backoff limit",
                    "reason": "BackoffLimitExceeded",
                    "status": "True",
                    "type": "Failed",
                },
            ]
        elif succeeded:
            status["completionTime"] = ago(minutes=last)
            status["conditions"] = [
                {
                    "lastProbeTime": ago(minutes=last),
                    "lastTransitionTime": ago(minutes=last),
                    "message": "Reached expected number of succeeded pods",
                    "reason": "CompletionsReached",
                    "status": "True",
                    "type": "SuccessCriteriaMet",
                },
                {
                    "lastProbeTime": ago(minutes=last),
                    "lastTransitionTime": ago(minutes=last),
                    "message": "Reached expected number of succeeded pods",
                    "reason": "CompletionsReached",
                    "status": "True",
                    "type": "Complete",
                },
            ]
        if failed:
            status["failed"] = failed
        if succeeded:
            status["succeeded"] = succeeded
        spec = {
            "parallelism": 1,
            "completions": 1,
            "backoffLimit": backoff_limit,
            "completionMode": "NonIndexed",
            "manualSelector": False,
            "podReplacementPolicy": "TerminatingOrFailed",
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}},
            "suspend": False,
            "template": tpl,
        }
        wl.obj = self.add_extra(
            "jobs.json", "Job", "batch/v1", {"metadata": meta, "spec": spec, "status": status}
        )
        return wl

    def cronjob(
        self,
        ns: str,
        name: str,
        schedule: str,
        containers: list[dict[str, Any]],
        *,
        runs: list[tuple[float, list[Run]]],
        backoff_limit: int = 2,
        created: float = 80 * DAY,
        labels: dict[str, str] | None = None,
    ) -> list[Workload]:
        """A CronJob and its retained Jobs: `runs` holds (minutes ago scheduled, attempts) per Job."""
        meta = self.meta(name, ns, created, labels=labels, generation=1)
        ref = {"apiVersion": "batch/v1", "kind": "CronJob", **meta}
        jobs = []
        for scheduled, attempts in runs:
            epoch_min = int((self.clock.now.timestamp() - scheduled * 60) // 60)
            jobs.append(
                self.job(
                    ns,
                    f"{name}-{epoch_min}",
                    containers,
                    attempts=attempts,
                    backoff_limit=backoff_limit,
                    created=scheduled,
                    owner=ref,
                    labels=labels,
                    restart="OnFailure" if backoff_limit < 0 else "Never",
                )
            )
        last_scheduled = min(s for s, _ in runs)
        tpl = template(labels or {}, containers, restart="Never")
        status: dict[str, Any] = {"lastScheduleTime": self.clock.ago(minutes=last_scheduled)}
        succeeded = [s for s, a in runs if any(r.state == "terminated" and r.exit_code == 0 for r in a)]
        if succeeded:
            status["lastSuccessfulTime"] = self.clock.ago(minutes=min(succeeded) - 2)
        self.add_extra(
            "cronjobs.json",
            "CronJob",
            "batch/v1",
            {
                "metadata": meta,
                "spec": {
                    "concurrencyPolicy": "Forbid",
                    "failedJobsHistoryLimit": 1,
                    "schedule": schedule,
                    "successfulJobsHistoryLimit": 3,
                    "suspend": False,
                    "timeZone": "Etc/UTC",
                    "jobTemplate": {
                        "metadata": {"creationTimestamp": None},
                        "spec": {"backoffLimit": backoff_limit, "template": tpl},
                    },
                },
                "status": status,
            },
        )
        return jobs


def succeeded_attempt(since: float, ran_for: float = 2.0) -> Run:
    return terminated(0, since, ran_for=ran_for)
