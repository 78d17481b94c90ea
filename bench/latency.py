"""Offline diagnosis latency per incident with the rules planner on a snapshot (process start excluded)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from devtools.scenarios import SCENARIOS, render_suite
from shared.cli import diagnose
from shared.settings import Settings


def run(repeats: int = 3) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        snapshots = render_suite(Path(tmp) / "suite", sorted(SCENARIOS))
        triggers = []
        for s in snapshots:
            kind = next(k for k, f in (("event", "event.json"), ("alert", "alert.json"), ("ask", "ask.json"))
                        if (s / f).exists())
            triggers.append((s, kind, (s / f"{kind}.json").read_bytes()))
        diagnose(Settings(), *triggers[0])  # imports and first-use costs are not per-incident
        per_incident = []
        for s, kind, body in triggers:
            runs = []
            for _ in range(repeats):
                started = time.perf_counter()
                diagnose(Settings(), s, kind, body)
                runs.append((time.perf_counter() - started) * 1000)
            per_incident.append(statistics.median(runs))
    median = statistics.median(per_incident)
    return {"incidents": len(per_incident), "median_ms": round(median, 1), "max_ms": round(max(per_incident), 1),
            "target_ms": 50, "met": median <= 50}
