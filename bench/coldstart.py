"""Cold start: process start to the first answered event, against an empty functions-framework function."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.procs import ROOT, first_answer, free_port, start, stop
from devtools.scenarios import render_suite


def _measure(source: Path, body: bytes, headers: dict[str, str], env: dict[str, str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        port = free_port()
        proc = start(source, port, env)
        try:
            times.append(first_answer(port, body, headers))
        finally:
            stop(proc)
    return statistics.median(times)


def run(repeats: int = 5) -> dict[str, Any]:
    from devtools.http_capture import CaptureServer

    with tempfile.TemporaryDirectory() as tmp, CaptureServer() as specialist:
        (snapshot,) = render_suite(Path(tmp) / "s", ["crashloop-missing-env-python-checkout"])
        event = (snapshot / "event.json").read_bytes()
        base = {k: v for k, v in os.environ.items() if not k.startswith(("KUBETRIAGE_", "ANTHROPIC_"))}
        # The router's hand-off goes to a stand-in specialist, as the Broker would take it.
        env = {**base, "KUBETRIAGE_SNAPSHOT": str(snapshot), "KUBETRIAGE_STATE_DIR": tmp,
               "KUBETRIAGE_SPECIALIST_URLS": f"k8s_troubleshooter={specialist.url}"}
        router_headers = {"ce-specversion": "1.0", "ce-type": "dev.knative.apiserver.resource.update",
                          "ce-source": "https://k8s", "ce-id": "", "Content-Type": "application/json"}
        incident = {"fingerprint": "f" * 64, "source": "apiserver", "family": "crashloop", "reason": "BackOff",
                    "message": "x", "cluster": "c", "namespace": "payments", "object_kind": "Pod",
                    "object_name": "checkout-2bmbjrdtwc-ktrgv", "pod": "checkout-2bmbjrdtwc-ktrgv"}
        floor = _measure(ROOT / "bench/empty_function.py", event, router_headers, env, repeats)
        results: dict[str, Any] = {"floor_s": round(floor, 3)}
        for name, body, headers in (
            ("router", event, router_headers),
            ("k8s_troubleshooter", None, {**router_headers, "ce-type": "io.kubetriage.investigation.requested",
                                          "ce-specialist": "k8s_troubleshooter"}),
        ):
            # A new id and investigation each start: a cold process answering a real first event.
            def measured(n=name, b=body, h=headers):
                runs = []
                for i in range(repeats):
                    hh = {**h, "ce-id": f"cold-{n}-{i}-{os.getpid()}"}
                    bb = b if b is not None else json.dumps({**incident, "investigation_id": f"inv-cold-{i}-{os.getpid()}"}).encode()
                    runs.append(_measure(ROOT / f"functions/{n}/main.py", bb, hh,
                                         {**env, "KUBETRIAGE_STATE_DIR": tempfile.mkdtemp(dir=tmp)}, 1))
                return statistics.median(runs)

            seconds = measured()
            target = 1.3 if name == "router" else 2.0
            results[name] = {"seconds": round(seconds, 3), "ratio": round(seconds / floor, 3), "target": target,
                             "met": seconds / floor <= target}
        return results
