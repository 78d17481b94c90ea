"""An adversarial scenario suite (issue 12, part 6), written blind to the analyzers against the issue's list.

Healthy workloads with scary history, targets that do not exist, INFO/WARN lines that name variables before
the real crash, red herrings, cascades whose root is one or two objects away, namespace sweeps, and alerts
labelled as kube-prometheus and kube-prometheus-stack label them. It reuses devtools/heldout's builders and
renderer. `python -m devtools.adversarial OUT_DIR [NAME ...]` writes each scenario as a snapshot directory.
"""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final

from devtools.adversarial import (
    catalog_alerts,
    catalog_cascades,
    catalog_dying,
    catalog_healthy,
    catalog_herrings,
    catalog_missing,
    catalog_sweeps,
)
from devtools.adversarial.kit import Scenario

_CATALOGS = (catalog_healthy, catalog_missing, catalog_dying, catalog_herrings, catalog_cascades, catalog_sweeps,
             catalog_alerts)

SCENARIOS: Final[dict[str, Callable[[], Scenario]]] = {
    name: build for catalog in _CATALOGS for name, build in catalog.SCENARIOS.items()
}


def render_suite(out_dir: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Write the named scenarios (all by default) under `out_dir`; returns their directories."""
    out_dir = Path(out_dir)
    selected = list(names) if names is not None else sorted(SCENARIOS)
    unknown = [n for n in selected if n not in SCENARIOS]
    if unknown:
        raise KeyError(f"unknown scenario(s): {', '.join(unknown)}")
    return [SCENARIOS[name]().write(out_dir) for name in selected]
