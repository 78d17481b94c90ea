"""Every tool kubetriage has: one literal registry, all read-only."""

from __future__ import annotations

from typing import Final

from shared.tools.core import GET_RESOURCE, LIST_RESOURCES, OBJECT_EVENTS, POD_LOGS
from shared.tools.spec import ToolSpec
from shared.tools.views import CONFIGMAP_KEYS, LIST_EVENTS, NODE_STATUS, ROLLOUT_HISTORY

TOOLS: Final[dict[str, ToolSpec]] = {
    spec.name: spec
    for spec in (GET_RESOURCE, LIST_RESOURCES, POD_LOGS, OBJECT_EVENTS, ROLLOUT_HISTORY, NODE_STATUS,
                 LIST_EVENTS, CONFIGMAP_KEYS)
}
