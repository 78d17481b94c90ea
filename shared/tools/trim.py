"""Trimming API objects to what diagnosis needs: no managedFields, no last-applied blobs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_NOISY_ANNOTATIONS = (
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
)


def trim_object(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of an API object without fields no diagnosis reads."""
    out = dict(obj)
    meta = dict(out.get("metadata") or {})
    meta.pop("managedFields", None)
    annotations = {
        k: v for k, v in (meta.get("annotations") or {}).items() if k not in _NOISY_ANNOTATIONS
    }
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    out["metadata"] = meta
    return out
