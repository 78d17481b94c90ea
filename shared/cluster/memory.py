"""A Cluster over objects held in memory: what a snapshot loads into, and what tests build."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from shared.cluster.kinds import CLUSTER_SCOPED, CUSTOM, resource_for_kind
from shared.cluster.selectors import matches_field_selector, matches_label_selector
from shared.errors import Forbidden, NotFound

CONSTRAINTS_GROUP = "constraints.gatekeeper.sh/"  # Gatekeeper: one kind per ConstraintTemplate

LogKey = tuple[str, str, str, bool]  # namespace, pod, container, previous


class InMemoryCluster:
    """Read-only cluster over API-shaped objects (each carrying `kind`) and log texts."""

    def __init__(
        self,
        objects: Iterable[Mapping[str, Any]] = (),
        logs: Mapping[LogKey, str] | None = None,
        name: str = "snapshot",
    ) -> None:
        self.name = name
        self._objects: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
        self._logs: dict[LogKey, str] = dict(logs or {})
        for obj in objects:
            self.add(obj)

    def add(self, obj: Mapping[str, Any]) -> None:
        """Add or replace one object (placed by its own kind and namespace)."""
        resource = resource_for_kind(obj.get("kind", ""))
        meta = obj.get("metadata") or {}
        namespace = "" if resource in CLUSTER_SCOPED else meta.get("namespace", "") or ""
        item = dict(obj)
        if resource == "secrets":
            item = _secret_metadata(item)
        self._objects.setdefault(resource, {})[(namespace, meta.get("name", ""))] = item

    def add_log(self, namespace: str, pod: str, container: str, text: str, previous: bool = False) -> None:
        self._logs[(namespace, pod, container, previous)] = text

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        resource = resource_for_kind(kind)
        ns = "" if resource in CLUSTER_SCOPED else namespace or ""
        found = self._objects.get(resource, {}).get((ns, name))
        return copy.deepcopy(found) if found is not None else None

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict[str, Any]]:
        resource = resource_for_kind(kind)
        if resource in CUSTOM and resource not in self._objects:
            # As the API server answers where the CRD is not installed (a snapshot holding none of them).
            raise NotFound(f"the server could not find the requested resource ({resource}: not installed)")
        items = []
        for (ns, _), obj in sorted(self._objects.get(resource, {}).items()):
            if namespace and resource not in CLUSTER_SCOPED and ns != namespace:
                continue
            labels = (obj.get("metadata") or {}).get("labels") or {}
            if label_selector and not matches_label_selector(labels, label_selector):
                continue
            if field_selector and not matches_field_selector(obj, field_selector):
                continue
            items.append(copy.deepcopy(obj))
        return items

    def metrics(self, kind: str, namespace: str | None = None) -> list[dict[str, Any]] | None:
        """metrics.k8s.io readings (`pods` or `nodes`), as a snapshot's extra/metrics/ holds them; None: none held."""
        resource = {"pods": "podmetrics", "nodes": "nodemetrics"}[kind]
        held = self._objects.get(resource)
        if held is None:
            return None
        return [copy.deepcopy(o) for (ns, _), o in sorted(held.items()) if not namespace or kind == "nodes"
                or ns == namespace]

    def constraints(self) -> list[dict[str, Any]] | None:
        """Every Gatekeeper constraint (whatever its kind); None: Gatekeeper's constraints API is not here."""
        found = [copy.deepcopy(o) for held in self._objects.values() for _, o in sorted(held.items())
                 if str(o.get("apiVersion", "")).startswith(CONSTRAINTS_GROUP)]
        return sorted(found, key=lambda o: (o.get("kind", ""), (o.get("metadata") or {}).get("name", ""))) or None

    def logs(
        self,
        namespace: str,
        pod: str,
        container: str,
        *,
        previous: bool = False,
        tail_lines: int | None = None,
        since_seconds: int | None = None,
    ) -> str | None:
        text = self._logs.get((namespace, pod, container, previous))
        if text is None and previous:
            # The kubelet serves a CrashLoopBackOff container's last terminated instance as its
            # current log too, so a dump's logs.txt stands in for a missing --previous.
            text = self._logs.get((namespace, pod, container, False)) if _is_restarted(
                self.get("pods", pod, namespace), container
            ) else None
        if text is None:
            return None
        if tail_lines is not None and tail_lines >= 0:
            lines = text.splitlines()
            text = "\n".join(lines[-tail_lines:]) if tail_lines else ""
        return text


def _is_restarted(pod: Mapping[str, Any] | None, container: str) -> bool:
    if not pod:
        return False
    status = pod.get("status") or {}
    for cs in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []):
        if cs.get("name") == container:
            return bool(cs.get("restartCount")) or bool((cs.get("lastState") or {}).get("terminated"))
    return False


def _secret_metadata(secret: dict[str, Any]) -> dict[str, Any]:
    """A Secret with its values dropped: key names are all kubetriage ever keeps."""
    stripped = {k: v for k, v in secret.items() if k not in ("data", "stringData")}
    keys = sorted(set(secret.get("data") or {}) | set(secret.get("stringData") or {}))
    if keys:
        stripped["keys"] = keys
    return stripped


def refuse_secret_data(kind: str) -> None:
    """Raise Forbidden for a read that would return Secret values."""
    if resource_for_kind(kind) == "secrets":
        raise Forbidden("Secret data is never read; only Secret names and key names are available")


__all__ = ["InMemoryCluster", "LogKey", "refuse_secret_data"]
