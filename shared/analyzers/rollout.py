"""A stuck rollout: the newest revision does not become available; name what changed and how it fails.

Strength: STATE_SAYS when the incident is about the rollout itself (the Deployment/ReplicaSet, a rollout
alert), corroborated by ProgressDeadlineExceeded; CONTEXT when it is about one failing pod. A pod-level
cause that the kubelet or the process names (the bad tag, the missing variable) is stronger and wins:
the rollout is stuck *because* of it.
"""

from __future__ import annotations

import re
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import NamespacedAnalyzer, item, make_finding, name_of, ns_of
from shared.analyzers.kube_facts import condition
from shared.analyzers.strength import Strength
from shared.analyzers.target import container_states, target_workload
from shared.cluster.selectors import matches_match_labels
from shared.diagnosis import Finding

_ABOUT_ROLLOUT: Final = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet")


def _revision(rs: dict[str, Any]) -> int:
    annotations = (rs.get("metadata") or {}).get("annotations") or {}
    return int(annotations.get("deployment.kubernetes.io/revision", 0) or 0)


def _containers(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c.get("name"): c for c in ((template or {}).get("spec") or {}).get("containers") or []}


def template_changes(new: dict[str, Any], old: dict[str, Any]) -> list[str]:
    """What a person would call the change between two pod templates."""
    changes = []
    new_c, old_c = _containers(new), _containers(old)
    for name, c in new_c.items():
        before = old_c.get(name)
        if before is None:
            changes.append(f"container {name} added")
            continue
        if c.get("image") != before.get("image"):
            changes.append(f"{name} image {before.get('image')} → {c.get('image')}")
        env_new = {e.get("name"): e for e in c.get("env") or []}
        env_old = {e.get("name"): e for e in before.get("env") or []}
        for var in sorted(set(env_new) - set(env_old)):
            changes.append(f"{name} env {var} added")
        for var in sorted(set(env_old) - set(env_new)):
            changes.append(f"{name} env {var} removed")
        for var in sorted(set(env_new) & set(env_old)):
            if env_new[var] != env_old[var]:
                value = env_new[var].get("value")
                changes.append(f"{name} env {var} changed" + (f" to {value!r}" if value is not None else ""))
        for field in ("command", "args", "resources", "livenessProbe", "readinessProbe", "startupProbe",
                      "envFrom", "volumeMounts", "ports"):
            if c.get(field) != before.get(field):
                changes.append(f"{name} {field} changed")
    if (new.get("spec") or {}).get("volumes") != (old.get("spec") or {}).get("volumes"):
        changes.append("volumes changed")
    return changes


def _pod_state(pod: dict[str, Any]) -> str:
    for c in container_states(pod):
        if c.waiting_reason:
            return f"{c.name} {c.waiting_reason}"
        last = c.last_exit or {}
        if c.restarts and last:
            return f"{c.name} restarting (exit {last.get('exitCode')} {last.get('reason', '')})".strip()
        if not c.ready and not c.init:
            return f"{c.name} not ready"
    return str((pod.get("status") or {}).get("phase", "?"))


class RolloutAnalyzer(NamespacedAnalyzer):
    name = "rollout"
    family = "rollout"
    looks_for = "rollouts (none stuck)"

    def conclude(self, evidence: Evidence) -> Finding | None:
        deploy = target_workload(evidence)
        if deploy is None or deploy.get("kind") != "Deployment":
            return None
        ns, name = ns_of(deploy), name_of(deploy)
        spec, status = deploy.get("spec") or {}, deploy.get("status") or {}
        selector = spec.get("selector")
        rses = sorted((rs for rs in evidence.list("replicasets", ns)
                       if matches_match_labels((rs.get("metadata") or {}).get("labels") or {}, selector)),
                      key=_revision, reverse=True)
        progressing = condition(deploy, "Progressing")
        deadline = progressing is not None and progressing.get("reason") == "ProgressDeadlineExceeded"
        if not rses:
            return None
        new = rses[0]
        old = next((rs for rs in rses[1:] if (rs.get("status") or {}).get("replicas")), rses[1] if len(rses) > 1
                   else None)
        new_status = new.get("status") or {}
        unavailable = (new_status.get("replicas", 0) or 0) > (new_status.get("availableReplicas", 0) or 0)
        old_running = old is not None and (old.get("status") or {}).get("readyReplicas", 0)
        paused = bool(spec.get("paused"))
        if not (deadline or paused or (unavailable and old_running)):
            return None
        hash_ = ((new.get("metadata") or {}).get("labels") or {}).get("pod-template-hash")
        new_pods = [p for p in evidence.list("pods", ns)
                    if ((p.get("metadata") or {}).get("labels") or {}).get("pod-template-hash") == hash_]
        states = sorted({_pod_state(p) for p in new_pods})
        changes = template_changes((new.get("spec") or {}).get("template") or {},
                                   (old.get("spec") or {}).get("template") or {}) if old else []
        changed = "; ".join(changes) or "no template change found (an external dependency changed?)"
        how = ", ".join(states) or "no new pod running"
        incident = evidence.incident
        asked_about_rollout = bool(re.search(r"roll ?out|stuck|progress", incident.question or "", re.I))
        about = incident.family == "rollout" or (
            incident.object_kind in _ABOUT_ROLLOUT and (incident.source != "manual" or asked_about_rollout))
        ev = [item(f"deployment/{ns}/{name} status", f"Progressing: {progressing.get('reason') if progressing else '?'}"
                   f" ({(progressing or {}).get('message', '')}); updated {status.get('updatedReplicas', 0)}, "
                   f"available {status.get('availableReplicas', 0)} of {spec.get('replicas', 1)}"),
              item(f"replicaset/{ns}/{name_of(new)} (revision {_revision(new)})", f"new pods: {how}")]
        if old is not None:
            ev.append(item(f"rollout history deployment/{ns}/{name}",
                           f"revision {_revision(old)} → {_revision(new)}: {changed}"))
        if paused:
            summary = f"deployment {name}: rollout is paused (spec.paused)"
            cause = f"Deployment {name} is paused, so its new revision {_revision(new)} is never rolled out."
            recs = [f"Resume it: kubectl -n {ns} rollout resume deploy/{name}"]
        else:
            summary = f"deployment {name}: rollout of revision {_revision(new)} is stuck ({how})"
            cause = (f"The new revision {_revision(new)} of Deployment {name} ({name_of(new)}) never becomes "
                     f"available: its pods are {how}, while the previous revision keeps serving. What changed: "
                     f"{changed}.")
            recs = [f"Roll back to revision {_revision(old) if old else 'previous'} "
                    f"(kubectl -n {ns} rollout undo deploy/{name}) and fix the change ({changed}) before "
                    f"rolling out again."]
        return make_finding(
            "stuck_rollout",
            summary,
            cause,
            ev,
            recs,
            [f"kubectl -n {ns} rollout status deploy/{name}", f"kubectl -n {ns} rollout history deploy/{name}",
             f"kubectl -n {ns} rollout undo deploy/{name}"],
            Strength.STATE_SAYS if about else Strength.CONTEXT,
            self.name,
            corroborated=about and deadline,
        )


ANALYZER: Final = RolloutAnalyzer()
