"""Checkpoint cost per loop step (Redis and the embedded store) and state kept per finished investigation."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from devtools.scenarios import SCENARIOS, render_suite
from shared.cli import diagnose
from shared.settings import Settings
from shared.state import checkpoints, leases


def _stores(tmp: str) -> dict[str, Any]:
    from shared.stores.redis import RedisStore
    from shared.stores.sqlite import SqliteStore

    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    return {"redis": RedisStore(url, prefix=f"bench:{uuid.uuid4().hex[:8]}:"),
            "sqlite": SqliteStore(str(Path(tmp) / "bench.sqlite3"))}


def run(steps: int = 400) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        snapshots = render_suite(Path(tmp) / "suite", sorted(SCENARIOS))
        sizes, checkpoint = [], None
        from shared.stores.sqlite import SqliteStore

        for snapshot in snapshots:
            store = SqliteStore(str(Path(tmp) / f"{snapshot.name}.sqlite3"))
            kind = next(k for k, f in (("event", "event.json"), ("alert", "alert.json"), ("ask", "ask.json"))
                        if (snapshot / f).exists())
            diagnose(Settings(), snapshot, kind, (snapshot / f"{kind}.json").read_bytes(), store=store)
            rows = store._db().execute("SELECT key, value FROM kv WHERE key LIKE 'inv:%'").fetchall()
            sizes.append(sum(len(k) + len(v) for k, v in rows))
            cp = next((json.loads(v) for k, v in rows if k.endswith(":checkpoint")), None)
            if cp and (checkpoint is None or len(json.dumps(cp)) > len(json.dumps(checkpoint))):
                checkpoint = cp  # the largest real checkpoint: the worst case per step
        out["state_per_investigation_kib"] = {"median": round(statistics.median(sizes) / 1024, 1),
                                              "max": round(max(sizes) / 1024, 1), "target_max": 64,
                                              "met": max(sizes) <= 64 * 1024}
        for name, store in _stores(tmp).items():
            lease = leases.acquire(store, "inv-bench", "bench", 60)
            times = []
            for _ in range(steps):
                started = time.perf_counter()
                checkpoints.save(store, lease, checkpoint, 3600)
                times.append((time.perf_counter() - started) * 1000)
            store.delete("inv:inv-bench:checkpoint")
            leases.release(store, lease)
            median = statistics.median(times)
            out[f"checkpoint_ms_{name}"] = {"median": round(median, 3), "p95": round(sorted(times)[int(steps * .95)], 3),
                                            "bytes": len(json.dumps(checkpoint)), "target": 2.0, "met": median <= 2.0}
    return out
