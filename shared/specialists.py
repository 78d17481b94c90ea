"""The specialists that exist: one literal registry of where each one's analyzers and tools come from.

Entries are import paths, not imports: the router reads the names without loading any specialist, and
each function's cold start loads only its own analyzers and tools.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final


@dataclass(frozen=True)
class SpecialistParts:
    """Where one specialist's parts live, as `module:attribute`.

    `tools` names a dict of ToolSpec, or a function `(settings, environ) -> dict` for tools that need
    configuration (the cost analyzer's AWS reads). `analyzers` names a dict, or a function
    `(settings) -> dict` for analyzers that need settings (the auditor's registry allow-list). `analyze` names the rules planner's entry point,
    `(analyzers, evidence) -> list[Finding]`.
    `brief` names what the Claude planner tells the model (a shared.planners.prompts.Brief: role, classes,
    rules); empty means the troubleshooter's.
    """

    analyzers: str
    tools: str
    analyze: str = ""
    brief: str = ""


SPECIALISTS: Final[dict[str, SpecialistParts]] = {
    "k8s_troubleshooter": SpecialistParts("shared.analyzers.registry:ANALYZERS", "shared.tools.catalog:TOOLS",
                                          "shared.planners.rules:analyze"),
    "cost_analyzer": SpecialistParts("shared.cost.analyzers:ANALYZERS", "shared.cost.tools:build_tools",
                                     "shared.cost.planner:analyze", "shared.cost.brief:BRIEF"),
    "security_auditor": SpecialistParts("shared.security.analyzer:build_analyzers", "shared.security.tools:TOOLS",
                                        "shared.security.planner:analyze", "shared.security.brief:BRIEF"),
}
DEFAULT: Final = "k8s_troubleshooter"  # takes what is routed to a specialist nobody runs


def deployed(names: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The registered specialists, restricted to `names` when given; the default one first, always."""
    chosen = [n for n in SPECIALISTS if names is None or n in names or n == DEFAULT]
    return tuple(sorted(chosen, key=lambda n: n != DEFAULT))


def _load(ref: str) -> Any:
    module, _, attribute = ref.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class Loaded:
    analyzers: Mapping[str, Any]
    tools: Mapping[str, Any]
    analyze: Callable[..., Any] | None
    brief: Any = None  # None: the troubleshooter's


def load_parts(name: str, settings: Any, environ: Mapping[str, str] | None) -> Loaded:
    """Import one specialist's analyzers and tools (and only its own)."""
    parts = SPECIALISTS[name]
    tools = _load(parts.tools)
    if callable(tools):
        tools = tools(settings, environ or {})
    analyzers = _load(parts.analyzers)
    if callable(analyzers):
        analyzers = analyzers(settings)
    return Loaded(analyzers, tools, _load(parts.analyze) if parts.analyze else None,
                  _load(parts.brief) if parts.brief else None)
