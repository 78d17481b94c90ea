"""Every tool kubetriage has: one literal registry, all read-only."""

from __future__ import annotations

from typing import Final

from shared.tools.core import GET_RESOURCE, LIST_RESOURCES, OBJECT_EVENTS, POD_LOGS
from shared.tools.describe import DESCRIBE_POD, LIST_PODS, WORKLOAD_STATUS
from shared.tools.infra import (
    HPA_STATUS,
    INGRESSES,
    NETWORK_POLICIES,
    PVC_STATUS,
    QUOTA_STATUS,
    SECRET_KEYS,
    SERVICE_ENDPOINTS,
)
from shared.tools.spec import ToolSpec
from shared.tools.views import CONFIGMAP_KEYS, LIST_EVENTS, NODE_STATUS, ROLLOUT_HISTORY

TOOLS: Final[dict[str, ToolSpec]] = {
    spec.name: spec
    for spec in (GET_RESOURCE, LIST_RESOURCES, POD_LOGS, OBJECT_EVENTS, DESCRIBE_POD, LIST_PODS, WORKLOAD_STATUS,
                 ROLLOUT_HISTORY, NODE_STATUS, LIST_EVENTS, CONFIGMAP_KEYS, SECRET_KEYS, PVC_STATUS,
                 SERVICE_ENDPOINTS, HPA_STATUS, QUOTA_STATUS, NETWORK_POLICIES, INGRESSES)
}
