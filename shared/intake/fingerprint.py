"""The stable fingerprint: where a failure is and what family it is, never which pod instance."""

from __future__ import annotations

import hashlib


def fingerprint(cluster: str, namespace: str, subject: str, container: str | None, family: str) -> str:
    """sha256 over (cluster, namespace, workload-or-object, container, family).

    The pod name, event uid, counts and timestamps are left out on purpose: the same pod
    crash-looping again, or its replacement failing the same way, is the same incident.
    """
    raw = "\x1f".join((cluster, namespace, subject, container or "", family))
    return hashlib.sha256(raw.encode()).hexdigest()


def subject_of(
    object_kind: str, object_name: str, workload_kind: str | None, workload: str | None
) -> str:
    if workload_kind and workload:
        return f"{workload_kind}/{workload}"
    return f"{object_kind}/{object_name}"
