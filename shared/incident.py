"""The Incident: what is wrong, where, since when, how often, under a stable fingerprint."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SOURCES = ("apiserver", "alertmanager", "manual")


@dataclass(frozen=True)
class Incident:
    """One normalized incident, whatever form it arrived in.

    `family` is the coarse failure family used for the fingerprint and routing (`crashloop`,
    `image_pull`, `probe`, `scheduling`, ...); it is not the diagnosis category, which only an
    investigation can tell.
    """

    fingerprint: str
    source: str  # one of SOURCES
    family: str
    reason: str  # the Event reason, the alertname, or "ManualRequest"
    message: str
    cluster: str
    namespace: str
    object_kind: str  # the involved object: Pod, Node, Deployment, Job, Service, ...
    object_name: str
    pod: str | None = None
    container: str | None = None
    workload_kind: str | None = None  # Deployment, StatefulSet, DaemonSet, Job, CronJob, ...
    workload: str | None = None
    node: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    count: int = 1
    severity: str = "warning"
    question: str | None = None
    specialist: str | None = None  # asked for explicitly (manual requests)
    labels: Mapping[str, str] = field(default_factory=dict)
    dedupe_key: str | None = None  # Alertmanager fingerprint+startsAt, for HA replicas

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)  # every field is a scalar but labels: no deep copy (router hot path)
        data["labels"] = dict(self.labels)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Incident:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["labels"] = dict(values.get("labels") or {})
        return cls(**values)

    @property
    def scope(self) -> str:
        """Memory scope: cluster and namespace."""
        return f"{self.cluster}/{self.namespace}"

    @property
    def workload_ref(self) -> str | None:
        if self.workload_kind and self.workload:
            return f"{self.workload_kind}/{self.workload}"
        return None
