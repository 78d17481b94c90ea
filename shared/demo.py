"""`make demo`: the bundled incidents through router and troubleshooter on the embedded defaults.

No cluster, no API key, no Redis: each incident's cluster is a bundled snapshot (rendered by `make demo`
under the state dir's `suites/`; the product never imports devtools), state is the
embedded file store under the state dir, so a second run recognises the incidents it has seen.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final, TextIO

from shared.settings import Settings

DEMO_PICKS: Final = ("crashloop-missing-env-python", "image-pull-not-found", "oom-killed-jvm", "pending-insufficient",
                     "probe-liveness", "stuck-rollout")


def run_demo(settings: Settings, out: TextIO) -> int:
    from dataclasses import replace

    from shared.cli import RENDER_HINT, TRIGGERS, rendered_suites, request_for
    from shared.cluster.snapshot import load_snapshot
    from shared.diagnosis import Diagnosis
    from shared.runtime import build_local
    from shared.sinks.stdout import render_text
    from shared.state import checkpoints
    from shared.stores import open_store

    state = Path(settings.state_dir)
    bundled = rendered_suites(settings) / "bundled"
    available = {p.parent.name: p.parent for p in sorted(bundled.glob("*/expected.json"))}
    if not available:
        import sys

        print(f"kubetriage: no rendered scenarios under {bundled}; {RENDER_HINT}", file=sys.stderr)
        return 2
    snapshots = [available[name] for name in _pick(sorted(available))]
    local = replace(settings, redis_url=settings.redis_url, k_sink=None, slack_webhook_url=None,
                    webhook_url=None, alertmanager_token=None)
    store = open_store(local)
    out.write(f"kubetriage demo: {len(snapshots)} incidents, planner {local.planner_name}, "
              f"state {'redis' if local.redis_url else state / 'state.sqlite3'}\n\n")
    for snapshot in snapshots:
        kind, file = next((k, f) for k, f in TRIGGERS.items() if (snapshot / f).exists())
        payload = (snapshot / file).read_bytes()
        router, emitter = build_local(replace(local, snapshot=str(snapshot)), store, stream=out,
                                      cluster=load_snapshot(snapshot))
        out.write(f"--- {snapshot.name}: {kind} {file}\n")
        path, headers = request_for(kind, payload)
        reply = router.handle(path, headers, payload)
        emitter.drain()
        for item in reply.body.get("accepted", []):
            if (item.get("new") and not reply.body.get("redelivery")) or not item.get("investigation_id"):
                continue
            cp = checkpoints.load(store, item["investigation_id"]) or {}
            if cp.get("diagnosis"):
                out.write(f"(seen before: occurrence {item.get('occurrences', '?')} of investigation "
                          f"{item['investigation_id']}; its diagnosis:)\n")
                out.write(render_text(Diagnosis.from_dict(cp["diagnosis"])) + "\n")
        if reply.status >= 400:
            out.write(f"router answered {reply.status}: {json.dumps(reply.body)}\n")
    return 0


def _pick(names: list[str]) -> list[str]:
    picked = []
    for key in DEMO_PICKS:
        match = next((n for n in names if key in n and n not in picked), None)
        if match:
            picked.append(match)
    return picked or names[:4]
