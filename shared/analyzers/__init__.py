"""The rules planner's knowledge: one analyzer per failure reason, one literal registry, keyed by family.

`ANALYZERS` names every analyzer; `FAMILIES` says which of them apply to a failure family, so that only
those read anything (`shared.analyzers.families` tells an incident's families from its trigger and from
the state of the pods it names). Adding a failure reason: one module, one line in each dict, one table
test beside it (tests/analyzers/test_<name>.py).

The registry lives in `shared.analyzers.registry`; the names below are loaded from it on first use, so that
importing a shared piece of this package (the Analyzer protocol, facts, strengths, quantities), as the cost
analyzer and the security auditor do, loads none of the troubleshooter's analyzers.
"""

from __future__ import annotations

from typing import Any

_REGISTRY = frozenset({"ANALYZERS", "FAMILIES", "POD_LEVEL"})


def __getattr__(name: str) -> Any:
    if name in _REGISTRY:
        from shared.analyzers import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
