"""FailedMount / FailedAttachVolume: the pod is stuck ContainerCreating because a volume will not mount."""

from __future__ import annotations

import re
from typing import Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import NamespacedAnalyzer, events_of, item, make_finding, name_of, ns_of, owner_hint
from shared.analyzers.strength import Strength
from shared.analyzers.target import target_pods
from shared.diagnosis import Finding

_VOLUME = re.compile(r"for volume \"([\w.-]+)\"", re.I)
_MISSING = re.compile(r"(configmap|secret)s? \"([\w.-]+)\" not found", re.I)
_MULTI = re.compile(r"Multi-Attach error for volume \"([\w.-]+)\".*?(?:used by|attached to)[^\n]*", re.I)
_UNMOUNTED = re.compile(r"unmounted volumes=\[([^\]]*)\]", re.I)


class MountsAnalyzer(NamespacedAnalyzer):
    name = "mounts"
    family = "mount"
    looks_for = "volume mounts (no FailedMount)"

    def conclude(self, evidence: Evidence) -> Finding | None:
        for pod in target_pods(evidence)[:3]:
            if (pod.get("status") or {}).get("phase") not in ("Pending", None):
                continue
            failures = [e for e in events_of(evidence, pod) if e.get("reason") in ("FailedMount", "FailedAttachVolume",
                                                                                     "FailedMapVolume")]
            if not failures:
                continue
            ns, pod_name = ns_of(pod), name_of(pod)
            messages = [str(e.get("message", "")) for e in failures]
            specific = next((msg for msg in reversed(messages) if _MISSING.search(msg) or _MULTI.search(msg)), None)
            message = specific or messages[-1]
            volume = (m.group(1) if (m := _VOLUME.search(message)) else
                      (m.group(1) if (m := _UNMOUNTED.search(message)) else "a volume"))
            target, workload = owner_hint(evidence, pod)
            if m := _MISSING.search(message):
                kind, obj = m.group(1).lower(), m.group(2)
                kind_name = {"configmap": "ConfigMap", "secret": "Secret"}.get(kind, kind.title())
                cause = (f"volume {volume} of pod {pod_name} mounts {kind_name} {obj}, which does not exist in "
                         f"{ns}, so the pod stays in ContainerCreating.")
                fix = f"Create {kind_name} {obj} in {ns} or fix the volume's {kind} name in {target}."
            elif m := _MULTI.search(message):
                cause = (f"volume {m.group(1)} is a ReadWriteOnce disk still attached to another node ({m.group(0)[:160]}); "
                         f"pod {pod_name} on a different node cannot attach it.")
                fix = ("Let the old pod/node release it (delete the old pod, or force-detach the VolumeAttachment), use "
                       "a Recreate strategy for single-writer volumes, or schedule onto the same node.")
            else:
                cause = f"volume {volume} of pod {pod_name} fails to mount: {message[:220]}"
                fix = f"Fix the volume source of {volume} (PVC binding, storage driver, NFS/CSI server reachability)."
            return make_finding(
                "failed_mount",
                f"{workload}: pod {pod_name} cannot mount volume {volume}",
                cause[0].upper() + cause[1:],  # not capitalize(): it lowercases the kubelet's own words
                [item(f"events pod/{ns}/{pod_name}", message)],
                [fix],
                [f"kubectl -n {ns} describe pod {pod_name}", f"kubectl -n {ns} get pvc,configmap,secret",
                 "kubectl get volumeattachments"],
                Strength.SCHEDULER_SAYS if specific else Strength.LOG_SIGNAL,
                self.name,
            )
        return None


ANALYZER: Final = MountsAnalyzer()
