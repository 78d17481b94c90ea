"""python -m bench [--quick]: run every benchmark, print the table, write bench/results/<time>.json."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from bench import coldstart, context, delivery, latency, redaction, state, storm

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    quick = "--quick" in sys.argv
    results = {"cores": os.cpu_count(), "quick": quick, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    plan = [("offline_latency", lambda: latency.run(repeats=1 if quick else 3)),
            ("state", lambda: state.run(steps=100 if quick else 400)),
            ("context_economy", context.run),
            ("cold_start", lambda: coldstart.run(repeats=2 if quick else 5)),
            ("storm", lambda: storm.run(repeats=1 if quick else 3, updates=5 if quick else 50)),
            ("delivery", lambda: delivery.run(incidents=100 if quick else 1000)),
            ("redaction", redaction.run)]
    for name, fn in plan:
        print(f"running {name} …", file=sys.stderr, flush=True)
        try:
            results[name] = fn()
        except Exception as exc:  # noqa: BLE001 - one broken bench must not hide the others
            results[name] = {"error": f"{type(exc).__name__}: {exc}", "met": False}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(table(results))
    print(f"\nresults: {path}")
    return 0


def table(r: dict) -> str:
    def verdict(x: dict) -> str:
        return "met" if x.get("met") else ("ERROR " + x["error"] if "error" in x else "MISSED")

    lines = [f"kubetriage bench on {r['cores']} cores{' (quick: fewer events and repeats)' if r['quick'] else ''}",
             f"{'measure':<44} {'value':>14} {'floor/target':>22}  verdict"]
    s = r.get("storm", {})
    if "error" not in s:
        lines.append(f"{'storm: router events/s':<44} {s['router_events_per_s']:>14} {s['floor_events_per_s']:>15} floor"
                     f"  ratio {s['ratio']} (≤1.5), started {s['investigations_started']} of {s['pods']}, "
                     f"handed off {s.get('handed_off')}, redelivered {s.get('redelivered')}: {verdict(s)}")
    else:
        lines.append(f"storm: {verdict(s)}")
    dl = r.get("delivery", {})
    if "lost" in dl:
        lines.append(f"{'delivery: incidents lost / doubled':<44} {str(dl['lost']) + ' / ' + str(dl['doubled']):>14} "
                     f"{'0 / 0':>22}  {dl['incidents']} incidents in {dl['sightings']} sightings over "
                     f"{dl['routers']} routers, {dl['hand_offs']} hand-offs ({dl['duplicated_hand_offs']} twice at "
                     f"once) to {dl['troubleshooters']} troubleshooters, {dl['redelivered']} redelivered, "
                     f"{dl['repeats_same_id']} same-id repeats: {verdict(dl)}")
    elif "error" in dl:
        lines.append(f"delivery: {verdict(dl)}")
    c = r.get("cold_start", {})
    for name in ("router", "k8s_troubleshooter", "cost_analyzer", "security_auditor"):
        if name in c:
            lines.append(f"{'cold start: ' + name + ' (s)':<44} {c[name]['seconds']:>14} {c['floor_s']:>15} floor"
                         f"  ratio {c[name]['ratio']} (≤{c[name]['target']}): {verdict(c[name])}")
    if "error" in c:
        lines.append(f"cold start: {verdict(c)}")
    st = r.get("state", {})
    for name in ("redis", "sqlite"):
        x = st.get(f"checkpoint_ms_{name}")
        if x:
            lines.append(f"{'checkpoint per step, ' + name + ' (ms, median)':<44} {x['median']:>14} {'≤2.0':>22}  "
                         f"{verdict(x)}")
    if "state_per_investigation_kib" in st:
        x = st["state_per_investigation_kib"]
        lines.append(f"{'state per investigation (KiB, max)':<44} {x['max']:>14} {'≤64':>22}  {verdict(x)}")
    if "error" in st:
        lines.append(f"state: {verdict(st)}")
    ce = r.get("context_economy", {})
    if "ratio" in ce:
        lines.append(f"{'context: bytes to the model vs naive loop':<44} {ce['ratio']:>14} {'≤0.2':>22}  "
                     f"({ce['bytes_ours_total']} vs {ce['bytes_naive_total']} bytes)")
        lines.append(f"{'context: diagnosed with no model call':<44} {ce['no_model_call_share']:>14} {'≥0.6':>22}  "
                     f"{verdict(ce)}")
    else:
        lines.append(f"context: {verdict(ce)}")
    lat = r.get("offline_latency", {})
    if "median_ms" in lat:
        lines.append(f"{'offline diagnosis latency (ms, median)':<44} {lat['median_ms']:>14} {'≤50':>22}  {verdict(lat)}")
    lines += [line for x in r.values() if isinstance(x, dict) for line in x.get("table", [])]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
