"""Held-out scenarios for the cost analyzer and the security auditor, written blind to both.

Their author read the contracts (ARCHITECTURE.md, README, issue 15) and the scenario format, never the
analyzers, planners or the specialists' own suites, so `make eval` measures these two specialists on
cases nobody tuned them against. Expectations are what a senior SRE, FinOps engineer or auditor would
conclude from the evidence; about a third are look-alikes, healthy cases or questions that must come
back `unknown`. `python -m devtools.heldout_specialists OUT_DIR [NAME ...]` writes each scenario as a
snapshot directory (kubectl's dump, `extra/` RBAC, network policies, metrics, and `extra/aws.json`
where the case has an AWS account), like the other suites.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

from devtools.heldout_specialists import cost, security

SCENARIOS: Final = {**cost.CASES, **security.CASES}


def render_suite(out_dir: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Render the named scenarios (default: all) under out_dir; their directories, sorted."""
    from devtools.heldout_specialists.world import render

    out_dir = Path(out_dir)
    paths = []
    for name in sorted(names) if names is not None else sorted(SCENARIOS):
        cluster, trigger, expected = SCENARIOS[name]()
        paths.append(render(cluster, out_dir / name, trigger, expected))
    return paths
