"""Render every bundled scenario suite into one directory the CLI reads: `python -m devtools.suites OUT_DIR`.

`kubetriage eval` and `kubetriage demo` never import devtools; `make eval` and `make demo` render the
suites here first (deterministic, a few seconds), into OUT_DIR/<suite>/<scenario>/. The adversarial
suite is included when its package is present.
"""

from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path
from typing import Final

# suite directory name -> the devtools package that renders it (render_suite(out_dir) -> [paths])
SUITES: Final = {"bundled": "devtools.scenarios", "heldout": "devtools.heldout",
                 "adversarial": "devtools.adversarial", "cost": "devtools.cost_scenarios",
                 "security": "devtools.security_scenarios",
                 "heldout_specialists": "devtools.heldout_specialists"}
REQUIRED: Final = ("bundled", "heldout")


def render_all(out_dir: Path) -> dict[str, int]:
    """Render each available suite under out_dir/<suite>; how many scenarios each has."""
    out_dir = Path(out_dir)
    counts = {}
    for suite, package in SUITES.items():
        try:
            module = importlib.import_module(package)
        except ModuleNotFoundError:
            if suite in REQUIRED:
                raise
            continue
        target = out_dir / suite
        if target.exists():
            shutil.rmtree(target)  # a scenario removed from the suite must not linger
        counts[suite] = len(module.render_suite(target))
    return counts


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: python -m devtools.suites OUT_DIR", file=sys.stderr)
        return 2
    for suite, count in render_all(Path(argv[0])).items():
        print(f"{suite}: {count} scenarios under {Path(argv[0]) / suite}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
