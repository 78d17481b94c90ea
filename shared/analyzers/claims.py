"""Why a pod's PersistentVolumeClaims are not bound: missing claim, missing StorageClass, no PV."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.analyzers.base import Evidence
from shared.analyzers.kube_facts import name_of

_DEFAULT_CLASS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)


@dataclass(frozen=True)
class ClaimProblem:
    claim: str
    storage_class: str | None  # None: no class set and no default class
    problem: str  # one sentence naming what is missing
    wait_for_first_consumer: bool
    event: Mapping[str, Any] | None  # the claim's latest warning (ProvisioningFailed, FailedBinding)


def claim_names(pod: Mapping[str, Any]) -> list[str]:
    return [
        v["persistentVolumeClaim"]["claimName"]
        for v in (pod.get("spec") or {}).get("volumes") or []
        if (v.get("persistentVolumeClaim") or {}).get("claimName")
    ]


def _default_class(evidence: Evidence) -> str | None:
    for sc in evidence.list("storageclasses"):
        annotations = (sc.get("metadata") or {}).get("annotations") or {}
        if any(annotations.get(a) == "true" for a in _DEFAULT_CLASS):
            return name_of(sc)
    return None


def unbound_claims(evidence: Evidence, pod: Mapping[str, Any]) -> list[ClaimProblem]:
    """The pod's claims that are missing or Pending, each with what keeps it from binding."""
    namespace = (pod.get("metadata") or {}).get("namespace")
    problems = []
    for claim in claim_names(pod):
        pvc = evidence.get("persistentvolumeclaims", claim, namespace)
        if pvc is None:
            problems.append(
                ClaimProblem(claim, None, f'PersistentVolumeClaim "{claim}" does not exist', False, None)
            )
            continue
        if (pvc.get("status") or {}).get("phase") not in ("Pending", None):
            continue
        spec = pvc.get("spec") or {}
        warnings = [
            e
            for e in evidence.events_for("PersistentVolumeClaim", claim, namespace)
            if e.get("type") == "Warning"
        ]
        event = warnings[-1] if warnings else None
        sc_name = spec.get("storageClassName")
        if sc_name is None:
            sc_name = _default_class(evidence)
        sc = evidence.get("storageclasses", sc_name) if sc_name else None
        wffc = bool(sc) and (sc or {}).get("volumeBindingMode") == "WaitForFirstConsumer"
        size = ((spec.get("resources") or {}).get("requests") or {}).get("storage", "?")
        modes = ",".join(spec.get("accessModes") or [])
        size = f"{size}, {modes}" if modes else size
        if sc_name is None:
            problem = (
                f'PVC "{claim}" ({size}) sets no storageClassName and the cluster has no default '
                "StorageClass, so only a pre-created PersistentVolume can bind it and none matches"
            )
        elif sc is None and sc_name:
            problem = f'PVC "{claim}" asks for StorageClass "{sc_name}", which does not exist'
        elif sc_name == "" or (sc or {}).get("provisioner") == "kubernetes.io/no-provisioner":
            problem = (
                f'PVC "{claim}" ({size}, storage class "{sc_name}") needs a pre-created '
                "PersistentVolume and no available PV matches its size, access modes and class"
            )
        else:
            problem = (
                f'PVC "{claim}" ({size}) of StorageClass "{sc_name}" '
                f"(provisioner {(sc or {}).get('provisioner')}) is still Pending"
            )
        if event is not None:
            problem += f"; its last event: {_ends(str(event.get('message', '')))}"
        problems.append(ClaimProblem(claim, sc_name or None, problem, wffc, event))
    return problems


def _ends(message: str, head: int = 110, tail: int = 200) -> str:
    """A long provisioning error, its start and its end: wrapped errors (CSI, cloud APIs) say the cause last."""
    message = " ".join(message.split())
    return message if len(message) <= head + tail else f"{message[:head]} … {message[-tail:]}"
