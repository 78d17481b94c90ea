"""CreateContainerConfigError: the pod references a ConfigMap, Secret or key that does not exist."""

from __future__ import annotations

import re
from typing import Any, Final

from shared.analyzers.base import Evidence
from shared.analyzers.facts import ContainerAnalyzer, events_of, item, make_finding, name_of, ns_of, owner_hint
from shared.analyzers.strength import Strength
from shared.diagnosis import Finding

_MISSING_KEY = re.compile(r"couldn't find key ([\w.-]+) in (Secret|ConfigMap) ([\w.-]+)/([\w.-]+)", re.I)
_MISSING_OBJ = re.compile(r"(configmap|secret) \"?([\w.-]+)\"? not found", re.I)


def _references(c: Any, kind: str, name: str) -> list[str]:
    """Where a container refers to the object: env var names, envFrom."""
    key_ref = "configMapKeyRef" if kind == "configmap" else "secretKeyRef"
    env_from = "configMapRef" if kind == "configmap" else "secretRef"
    refs = [f"env {e.get('name')}" for e in c.spec.get("env") or []
            if ((e.get("valueFrom") or {}).get(key_ref) or {}).get("name") == name]
    refs += ["envFrom" for e in c.spec.get("envFrom") or [] if (e.get(env_from) or {}).get("name") == name]
    return refs


class ContainerConfigAnalyzer(ContainerAnalyzer):
    name = "container_config"
    family = "container_config"
    looks_for = "missing ConfigMaps, Secrets or keys (no CreateContainerConfigError)"

    def matches(self, evidence: Evidence, pod: dict[str, Any], c: Any) -> bool:
        return c.waiting_reason in ("CreateContainerConfigError", "CreateContainerError")

    def explain(self, evidence: Evidence, pod: dict[str, Any], c: Any) -> Finding | None:
        messages = [c.waiting_message or ""] + [
            str(e.get("message", "")) for e in events_of(evidence, pod) if e.get("reason") == "Failed"
        ]
        return next((f for message in messages if (f := self._explain(evidence, pod, c, message))), None)

    def _explain(self, evidence: Evidence, pod: dict[str, Any], c: Any, message: str) -> Finding | None:
        ns, pod_name = ns_of(pod), name_of(pod)
        target, workload = owner_hint(evidence, pod)
        ev = [item(f"pod/{ns}/{pod_name} status", f"container {c.name}: {c.waiting_reason}"),
              item(f"events pod/{ns}/{pod_name}", message)]
        cmds = [f"kubectl -n {ns} describe pod {pod_name}"]
        if m := _MISSING_KEY.search(message):
            key, kind, _, obj = m.group(1), m.group(2).lower(), m.group(3), m.group(4)
            refs = ", ".join(_references(c, kind, obj)) or "its env"
            category = ("create_container_config_missing_secret_key" if kind == "secret"
                        else "create_container_config_missing_configmap")
            return make_finding(
                category,
                f"{workload}: container {c.name} cannot start: key {key} is missing from {kind.title()} {obj}",
                f"Container {c.name} of pod {pod_name} reads key {key} from {kind.title()} {obj} ({refs}), but "
                f"{obj} has no key {key}, so the kubelet cannot build the container's environment.",
                ev,
                [f"Add the key {key} to {kind.title()} {obj} in namespace {ns}, or fix the key name referenced "
                 f"by {target}."],
                [*cmds, f"kubectl -n {ns} get {kind} {obj} -o jsonpath='{{.data}}' | jq 'keys'"
                 if kind == "configmap" else f"kubectl -n {ns} describe secret {obj}"],
                Strength.SCHEDULER_SAYS,  # the kubelet names the missing key
                self.name,
            )
        if m := _MISSING_OBJ.search(message):
            kind, obj = m.group(1).lower(), m.group(2)
            exists = evidence.get(kind, obj, ns) is not None
            refs = ", ".join(_references(c, kind, obj)) or "its env/envFrom"
            category = ("create_container_config_missing_secret" if kind == "secret"
                        else "create_container_config_missing_configmap")
            now = " (it exists now: the pod may just need to retry)" if exists else ""
            return make_finding(
                category,
                f"{workload}: container {c.name} cannot start: {kind.title()} {obj} does not exist",
                f"Container {c.name} of pod {pod_name} takes configuration from {kind.title()} {obj} ({refs}), "
                f"which does not exist in namespace {ns}{now}.",
                ev,
                [f"Create {kind.title()} {obj} in namespace {ns} (or fix the name referenced by {target}); "
                 "mark the reference optional only if the app can run without it."],
                [*cmds, f"kubectl -n {ns} get {kind}s", f"kubectl -n {ns} create {kind} {obj} ..."],
                Strength.OBJECT_MISSING if not exists else Strength.SYMPTOM,
                self.name,
            )
        return None


ANALYZER: Final = ContainerConfigAnalyzer()
