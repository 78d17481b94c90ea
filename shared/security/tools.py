"""The security auditor's tools: reads of who can do what and how workloads run (no logs: not its question)."""

from __future__ import annotations

from typing import Final

from shared.tools.core import GET_RESOURCE, LIST_RESOURCES, OBJECT_EVENTS
from shared.tools.describe import DESCRIBE_POD, LIST_PODS
from shared.tools.infra import NETWORK_POLICIES, SECRET_KEYS
from shared.tools.spec import ToolSpec
from shared.tools.views import LIST_EVENTS

TOOLS: Final[dict[str, ToolSpec]] = {
    spec.name: spec
    for spec in (GET_RESOURCE, LIST_RESOURCES, OBJECT_EVENTS, LIST_EVENTS, DESCRIBE_POD, LIST_PODS, NETWORK_POLICIES,
                 SECRET_KEYS)
}
