"""API-shaped objects as a real API server returns them, built deterministically from names."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

NOW = datetime(2025, 6, 3, 10, 30, 0)
SAFE = "bcdfghjklmnpqrstvwxz2456789"


def ts(minutes_ago: float = 0) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def uid(*parts: str) -> str:
    h = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def safe(seed: str, n: int) -> str:
    h = hashlib.sha256(seed.encode()).digest()
    return "".join(SAFE[b % len(SAFE)] for b in h[:n])


def rv(seed: str) -> str:
    return str(40_000_000 + int(hashlib.sha256(seed.encode()).hexdigest()[:6], 16) % 9_000_000)


def meta(kind: str, name: str, ns: str | None = None, *, age_min: float = 60 * 24 * 30, labels: dict | None = None,
         owner: tuple[str, str, str] | None = None, annotations: dict | None = None) -> dict[str, Any]:
    m: dict[str, Any] = {"name": name}
    if ns:
        m["namespace"] = ns
    m["uid"] = uid(kind, ns or "", name)
    m["resourceVersion"] = rv(kind + (ns or "") + name)
    m["generation"] = 1
    m["creationTimestamp"] = ts(age_min)
    if labels:
        m["labels"] = dict(labels)
    if annotations:
        m["annotations"] = dict(annotations)
    if owner:
        okind, oname, api = owner
        m["ownerReferences"] = [{"apiVersion": api, "kind": okind, "name": oname, "uid": uid(okind, ns or "", oname),
                                 "controller": True, "blockOwnerDeletion": True}]
    if kind not in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"):
        m.pop("generation")
    return m


def container(name: str, image: str, *, port: int | None = 8080, env: list | None = None, env_from: list | None = None,
              command: list | None = None, args: list | None = None, cpu: str = "100m", memory: str = "128Mi",
              limit_memory: str | None = "256Mi", limit_cpu: str | None = None, liveness: dict | None = None,
              readiness: dict | None = None, startup: dict | None = None, mounts: list | None = None,
              security: dict | None = None, port_name: str = "http") -> dict[str, Any]:
    c: dict[str, Any] = {"name": name, "image": image}
    if command:
        c["command"] = command
    if args:
        c["args"] = args
    if port:
        c["ports"] = [{"name": port_name, "containerPort": port, "protocol": "TCP"}]
    if env_from:
        c["envFrom"] = env_from
    if env:
        c["env"] = env
    limits = {k: v for k, v in (("cpu", limit_cpu), ("memory", limit_memory)) if v}
    c["resources"] = {"requests": {"cpu": cpu, "memory": memory}, **({"limits": limits} if limits else {})}
    if mounts:
        c["volumeMounts"] = mounts
    for key, probe in (("livenessProbe", liveness), ("readinessProbe", readiness), ("startupProbe", startup)):
        if probe:
            c[key] = {"timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3,
                      **probe}
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    c["imagePullPolicy"] = "IfNotPresent"
    if security:
        c["securityContext"] = security
    return c


def http_probe(path: str, port: int | str, delay: int = 0, **extra: Any) -> dict[str, Any]:
    # Go's omitempty: the API server never returns initialDelaySeconds 0.
    return {"httpGet": {"path": path, "port": port, "scheme": "HTTP"},
            **({"initialDelaySeconds": delay} if delay else {}), **extra}


def env(name: str, value: str | None = None, *, cm: tuple[str, str] | None = None,
        secret: tuple[str, str] | None = None) -> dict[str, Any]:
    if cm:
        return {"name": name, "valueFrom": {"configMapKeyRef": {"name": cm[0], "key": cm[1]}}}
    if secret:
        return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret[0], "key": secret[1]}}}
    return {"name": name, "value": value or ""}


# --- container statuses -------------------------------------------------------------------------

def running(started_min: float = 60 * 24 * 3, restarts: int = 0, last: dict | None = None, ready: bool = True):
    s = {"state": {"running": {"startedAt": ts(started_min)}}, "ready": ready, "restartCount": restarts,
         "started": True}
    if last:
        s["lastState"] = {"terminated": last}
    return s


def terminated(exit_code: int, reason: str = "Error", minutes_ago: float = 2, ran_s: float = 1,
               message: str | None = None) -> dict[str, Any]:
    t = {"exitCode": exit_code, "reason": reason, "startedAt": ts(minutes_ago + ran_s / 60),
         "finishedAt": ts(minutes_ago)}
    if message:
        t["message"] = message
    return t


def crashloop(name: str, pod: str, ns: str, exit_code: int = 1, reason: str = "Error", restarts: int = 14,
              message: str | None = None) -> dict[str, Any]:
    return {"state": {"waiting": {"reason": "CrashLoopBackOff", "message":
                                  f"back-off 5m0s restarting failed container={name} pod={pod}_{ns}({uid('Pod', ns, pod)})"}},
            "lastState": {"terminated": terminated(exit_code, reason, message=message)}, "ready": False,
            "restartCount": restarts, "started": False}


def waiting(reason: str, message: str, restarts: int = 0) -> dict[str, Any]:
    return {"state": {"waiting": {"reason": reason, "message": message}}, "ready": False,
            "restartCount": restarts, "started": False}
