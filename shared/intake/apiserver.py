"""ApiServerSource events (core/v1 or events.k8s.io/v1 Event objects) into Incidents."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from shared.errors import InvalidInput
from shared.incident import Incident
from shared.intake import Noise, Resolved
from shared.intake.families import family_for_event, is_noise_reason
from shared.intake.fingerprint import fingerprint, subject_of
from shared.intake.policy_events import incident_from_policy_event, is_policy_event, items_from_report
from shared.intake.rbac_events import BINDING_KINDS, incident_from_binding
from shared.intake.workload_names import workload_from_owner, workload_from_pod_name
from shared.security.policy_reports import REPORT_KINDS

ADD: Final = "dev.knative.apiserver.resource.add"
UPDATE: Final = "dev.knative.apiserver.resource.update"
DELETE: Final = "dev.knative.apiserver.resource.delete"
TYPES: Final = (ADD, UPDATE, DELETE)

_FIELD_CONTAINER = re.compile(r"(?:spec\.)?(?:initContainers|containers|ephemeralContainers)\{([^}]+)\}")
_MESSAGE_CONTAINER = re.compile(r"(?:failed container|container) \"?([a-z0-9]([-a-z0-9]*[a-z0-9])?)\"? ")


def items_from_event(attrs: Mapping[str, str], data: Any, cluster: str) -> list[Incident | Noise | Resolved]:
    """What one ApiServerSource CloudEvent holds: one Event or binding, or a PolicyReport's every result."""
    if isinstance(data, Mapping) and isinstance(data.get("kind"), str) and data["kind"] in REPORT_KINDS:  # a source watching wgpolicyk8s.io
        return items_from_report(str(attrs.get("type") or ""), data, cluster)
    return [incident_from_event(attrs, data, cluster)]


def incident_from_event(attrs: Mapping[str, str], data: Any, cluster: str) -> Incident | Noise:
    """Normalize one Event; Normal events, deletions and non-failure reasons come back as Noise."""
    if attrs.get("type") == DELETE:
        return Noise("the Event was deleted (expired); nothing new happened")
    if not isinstance(data, Mapping):
        raise InvalidInput("data must be a core/v1 Event object")
    if isinstance(data.get("kind"), str) and data["kind"] in BINDING_KINDS:  # ApiServerSource watching RBAC (mode Resource): a security event
        return incident_from_binding(str(attrs.get("type") or ""), data, cluster)
    if data.get("kind") not in (None, "Event"):
        raise InvalidInput(f"data.kind must be Event, got {data.get('kind')!r}")
    obj = data.get("involvedObject") or data.get("regarding")
    meta = data.get("metadata") or {}
    problems = []
    if not isinstance(obj, Mapping):
        problems.append("data.involvedObject (or regarding) is required")
        obj = {}
    if not data.get("reason"):
        problems.append("data.reason is required")
    if not obj.get("kind") or not obj.get("name"):
        problems.append("data.involvedObject.kind and .name are required")
    problems += _type_problems(data, obj, meta)
    if problems:
        raise InvalidInput(problems)
    reason = str(data["reason"])
    message = str(data.get("message") or data.get("note") or "")
    kind, name = str(obj["kind"]), str(obj["name"])
    if data.get("type", "Warning") == "Normal":
        return Noise(f"Normal event {reason} is not a failure", kind, name)
    if is_policy_event(data):  # Kyverno's or Gatekeeper's verdict about another object: a security incident
        return incident_from_policy_event(data, cluster)
    if is_noise_reason(reason):
        return Noise(f"Warning {reason} is not a failure kubetriage investigates", kind, name)
    namespace = str(obj.get("namespace") or meta.get("namespace") or "")
    family = family_for_event(reason, message)
    container = _container(obj.get("fieldPath") or "", message) if kind == "Pod" else None
    pod = name if kind == "Pod" else None
    if kind == "Pod":
        workload_kind, workload = workload_from_pod_name(name)
    elif kind == "Node":
        workload_kind, workload = None, None
    else:
        workload_kind, workload = workload_from_owner(kind, name)
    source = data.get("source") or {}
    node = name if kind == "Node" else source.get("host") or data.get("reportingInstance") or None
    series = data.get("series") or {}
    count = data.get("count") or data.get("deprecatedCount") or series.get("count") or 1
    subject = subject_of(kind, name, workload_kind, workload)
    return Incident(
        fingerprint=fingerprint(cluster, namespace, subject, container, family),
        source="apiserver",
        family=family,
        reason=reason,
        message=message[:2000],
        cluster=cluster,
        namespace=namespace,
        object_kind=kind,
        object_name=name,
        pod=pod,
        container=container,
        workload_kind=workload_kind,
        workload=workload,
        node=node,
        first_seen=data.get("firstTimestamp") or data.get("eventTime") or meta.get("creationTimestamp"),
        last_seen=data.get("lastTimestamp") or series.get("lastObservedTime") or data.get("eventTime"),
        count=int(count),
        severity="warning",
    )


_TEXT_FIELDS: Final = ("reason", "message", "note", "type", "firstTimestamp", "lastTimestamp", "eventTime",
                        "reportingInstance", "reportingController")
_OBJECT_TEXT: Final = ("kind", "name", "namespace", "fieldPath", "uid", "apiVersion")


def _type_problems(data: Mapping[str, Any], obj: Mapping[str, Any], meta: Any) -> list[str]:
    """Every field the normalization reads, with the type it must have, named as `data.<path>`."""
    problems = [f"data.{name} must be a string" for name in _TEXT_FIELDS
                if data.get(name) is not None and not isinstance(data[name], str)]
    problems += [f"data.involvedObject.{name} must be a string" for name in _OBJECT_TEXT
                 if obj.get(name) is not None and not isinstance(obj[name], str)]
    for name in ("source", "series", "metadata"):
        if data.get(name) is not None and not isinstance(data[name], Mapping):
            problems.append(f"data.{name} must be an object")
    if isinstance(meta, Mapping) and meta.get("namespace") is not None and not isinstance(meta["namespace"], str):
        problems.append("data.metadata.namespace must be a string")
    source = data.get("source")
    if isinstance(source, Mapping) and source.get("host") is not None and not isinstance(source["host"], str):
        problems.append("data.source.host must be a string")
    series = data.get("series") if isinstance(data.get("series"), Mapping) else {}
    for where, count in (("count", data.get("count")), ("deprecatedCount", data.get("deprecatedCount")),
                         ("series.count", series.get("count"))):
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
            problems.append(f"data.{where} must be a non-negative integer")
    if series.get("lastObservedTime") is not None and not isinstance(series["lastObservedTime"], str):
        problems.append("data.series.lastObservedTime must be a string")
    return problems


def _container(field_path: str, message: str) -> str | None:
    if m := _FIELD_CONTAINER.search(field_path):
        return m.group(1)
    if m := _MESSAGE_CONTAINER.search(message):
        return m.group(1)
    return None
