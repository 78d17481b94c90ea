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


def compile_like_the_image() -> None:
    """Byte-compile the sources as the Dockerfile does, so a start measures the deployed artifact.

    Without this, a machine with PYTHONDONTWRITEBYTECODE (the image sets it; so do many CI hosts)
    would recompile every module on every start and charge the router for what no deployment pays.
    Checked hashes: an edited source is still seen.
    """
    import compileall
    import py_compile

    for folder in ("shared", "functions", "bench"):
        compileall.compile_dir(ROOT / folder, quiet=1,
                               invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)


def _measure(source: Path, body: bytes, headers: dict[str, str], env: dict[str, str]) -> float:
    port = free_port()
    proc = start(source, port, env)
    try:
        return first_answer(port, body, headers)
    finally:
        stop(proc)


def run(repeats: int = 5) -> dict[str, Any]:
    from devtools.http_capture import CaptureServer

    compile_like_the_image()
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
        # Rounds interleave the floor and each function (a warm-up round first, not counted): the
        # machine's drift between measurements then moves all three alike, and the ratios stay honest.
        # The cost analyzer answers a namespace question (no AWS words: its cluster side, boto3 never loaded).
        cost_incident = {**incident, "family": "cost", "source": "manual", "reason": "ManualRequest",
                         "object_kind": "Namespace", "object_name": "payments", "pod": None,
                         "question": "what in namespace payments is over-provisioned?"}
        # The security auditor answers an audit request (RBAC, posture, images, network policies).
        audit_incident = {**cost_incident, "family": "security", "question": "audit namespace payments"}
        functions = ("router", "k8s_troubleshooter", "cost_analyzer", "security_auditor")
        times: dict[str, list[float]] = {"floor": [], **{n: [] for n in functions}}
        for i in range(repeats + 1):
            state = {**env, "KUBETRIAGE_STATE_DIR": tempfile.mkdtemp(dir=tmp)}
            # A new id and investigation each time: a cold process answering a real first event.
            ce_id = f"cold-{i}-{os.getpid()}"
            runs = {
                "floor": _measure(ROOT / "bench/empty_function.py", event, {**router_headers, "ce-id": ce_id}, state),
                "router": _measure(ROOT / "functions/router/main.py", event, {**router_headers, "ce-id": ce_id},
                                   state),
                "k8s_troubleshooter": _measure(
                    ROOT / "functions/k8s_troubleshooter/main.py",
                    json.dumps({**incident, "investigation_id": f"inv-{ce_id}"}).encode(),
                    {**router_headers, "ce-id": ce_id, "ce-type": "io.kubetriage.investigation.requested",
                     "ce-specialist": "k8s_troubleshooter"}, state),
                "cost_analyzer": _measure(
                    ROOT / "functions/cost_analyzer/main.py",
                    json.dumps({**cost_incident, "investigation_id": f"cost-{ce_id}"}).encode(),
                    {**router_headers, "ce-id": ce_id, "ce-type": "io.kubetriage.investigation.requested",
                     "ce-specialist": "cost_analyzer"}, state),
                "security_auditor": _measure(
                    ROOT / "functions/security_auditor/main.py",
                    json.dumps({**audit_incident, "investigation_id": f"audit-{ce_id}"}).encode(),
                    {**router_headers, "ce-id": ce_id, "ce-type": "io.kubetriage.investigation.requested",
                     "ce-specialist": "security_auditor"}, state),
            }
            if i:
                for name, seconds in runs.items():
                    times[name].append(seconds)
        floor = statistics.median(times["floor"])
        results: dict[str, Any] = {"floor_s": round(floor, 3), "repeats": repeats}
        for name in functions:
            seconds = statistics.median(times[name])
            target = 1.3 if name == "router" else 2.0
            results[name] = {"seconds": round(seconds, 3), "ratio": round(seconds / floor, 3), "target": target,
                             "met": seconds / floor <= target}
        return results
