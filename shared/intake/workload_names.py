"""Guessing a pod's workload from its name, when the event names only the pod.

Controllers name pods predictably; the guess is exact for Deployments (pod-template-hash
alphabet) and CronJob Jobs, and a good guess for the rest. The investigation reads the real
ownerReferences; the guess only keys coalescing, so replacement pods coalesce.
"""

from __future__ import annotations

import re

_SAFE = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery rand.SafeEncodeString alphabet
_DEPLOYMENT_POD = re.compile(rf"^(?P<w>.+)-[{_SAFE}]{{5,10}}-[{_SAFE}]{{5}}$")
_CRONJOB_POD = re.compile(rf"^(?P<w>.+)-\d{{8}}-[{_SAFE}]{{5}}$")
_STATEFUL_POD = re.compile(r"^(?P<w>.+)-\d+$")
_SUFFIXED_POD = re.compile(rf"^(?P<w>.+)-[{_SAFE}]{{5}}$")
_REPLICASET = re.compile(rf"^(?P<w>.+)-[{_SAFE}]{{5,10}}$")
_CRONJOB_JOB = re.compile(r"^(?P<w>.+)-\d{8}$")


def workload_from_pod_name(pod: str) -> tuple[str | None, str | None]:
    """(kind, name) of the controller that probably owns the pod, or (None, None)."""
    if m := _CRONJOB_POD.match(pod):
        return "CronJob", m.group("w")
    if m := _DEPLOYMENT_POD.match(pod):
        return "Deployment", m.group("w")
    if m := _STATEFUL_POD.match(pod):
        return "StatefulSet", m.group("w")
    if m := _SUFFIXED_POD.match(pod):
        # DaemonSet or Job pods: both are <name>-<5>. Which one the cluster will tell.
        return "DaemonSet", m.group("w")
    return None, None


def workload_from_owner(kind: str, name: str) -> tuple[str, str]:
    """An event's involved object lifted to the workload a person thinks of."""
    if kind == "ReplicaSet" and (m := _REPLICASET.match(name)):
        return "Deployment", m.group("w")
    if kind == "Job" and (m := _CRONJOB_JOB.match(name)):
        return "CronJob", m.group("w")
    return kind, name
