"""End to end over real HTTP: router and troubleshooter as separate functions-framework processes.

Each diagnosis must reach the sink exactly once: across redeliveries of the same events, and after a
SIGKILL of the troubleshooter in the middle of an investigation.
"""

import json
import os
import signal
import socket
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from devtools.http_capture import CaptureServer
from devtools.run_local import start_functions, stop_group
from devtools.scenarios import render_suite
from shared.cli import request_for

SCENARIOS = ["crashloop-missing-env-python-checkout", "image-pull-not-found-tag-prefix", "oom-killed-jvm-heap"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url, body, headers, timeout=30):
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _wait_listening(port, procs, seconds=30):
    """Until the function answers HTTP at all (a bound socket alone may have no worker behind it yet)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert all(p.poll() is None for p in procs), "a function exited at start"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answers on {port}")


def _wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _env(tmp_path, snapshot, sink_url, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUBETRIAGE_", "K_SINK", "REDIS_URL"))}
    env.pop("ANTHROPIC_API_KEY", None)
    env.update({"KUBETRIAGE_SNAPSHOT": str(snapshot), "KUBETRIAGE_STATE_DIR": str(tmp_path / "state"),
                "K_SINK": sink_url, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}, **extra)
    return env


@pytest.fixture
def stop_all():
    procs = []
    yield procs
    for p in procs:
        stop_group(p, signal.SIGKILL)
        p.wait(10)


def _payload(snapshot: Path):
    for kind, file in (("event", "event.json"), ("alert", "alert.json"), ("ask", "ask.json")):
        if (snapshot / file).exists():
            return kind, (snapshot / file).read_bytes()
    raise AssertionError("no trigger")


def test_each_incident_reaches_the_sink_exactly_once_even_when_redelivered(tmp_path, stop_all):
    snapshots = render_suite(tmp_path / "suite", SCENARIOS)
    with CaptureServer() as sink:
        for snapshot in snapshots:
            ports = {"router": _free_port(), "k8s_troubleshooter": _free_port()}
            procs = start_functions(_env(tmp_path / snapshot.name, snapshot, sink.url), ports)
            stop_all.extend(procs.values())
            for port in ports.values():
                _wait_listening(port, list(procs.values()))
            kind, body = _payload(snapshot)
            path, headers = request_for(kind, body)
            url = f"http://127.0.0.1:{ports['router']}{path}"
            for _ in range(2):  # the source delivers twice
                status, reply = _post(url, body, headers)
                assert status in (200, 202), reply
            for proc in procs.values():
                stop_group(proc, signal.SIGTERM)
        assert _wait_for(lambda: len(sink.requests) >= len(SCENARIOS))
        time.sleep(0.5)
    ids = [r.headers["ce-id"] for r in sink.requests]
    assert len(ids) == len(SCENARIOS) == len(set(ids))
    expected = {json.loads((s / "expected.json").read_text())["class"] for s in snapshots}
    assert {r.json()["category"] for r in sink.requests} == expected


def test_a_sigkill_mid_investigation_and_a_redelivery_still_give_one_diagnosis(tmp_path, stop_all):
    (snapshot,) = render_suite(tmp_path / "suite", SCENARIOS[:1])
    with CaptureServer() as broker, CaptureServer() as sink:
        port = _free_port()
        env = _env(tmp_path, snapshot, sink.url, KUBETRIAGE_STEPS_PER_INVOCATION="2",
                   KUBETRIAGE_BROKER_URL=broker.url)
        procs = start_functions(env, {"k8s_troubleshooter": port})
        stop_all.extend(procs.values())
        _wait_listening(port, list(procs.values()))
        # The router's hand-off, as the Broker delivers it: an investigation.requested event.
        incident = _requested_incident(tmp_path, snapshot)
        headers = {"ce-specversion": "1.0", "ce-type": "io.kubetriage.investigation.requested",
                   "ce-source": "/kubetriage/router", "ce-id": "req-1", "ce-specialist": "k8s_troubleshooter",
                   "Content-Type": "application/json"}
        status, reply = _post(f"http://127.0.0.1:{port}/", json.dumps(incident).encode(), headers)
        assert status == 202 and reply["status"] == "continuing"
        assert broker.requests[-1].headers["ce-type"] == "io.kubetriage.investigation.continued"
        stop_group(procs["k8s_troubleshooter"], signal.SIGKILL)  # dies between steps, checkpoint half done
        procs["k8s_troubleshooter"].wait(10)
        assert sink.requests == []

        env["KUBETRIAGE_STEPS_PER_INVOCATION"] = "50"
        restarted = start_functions(env, {"k8s_troubleshooter": port})
        stop_all.extend(restarted.values())
        _wait_listening(port, list(restarted.values()))
        continued = broker.requests[-1]
        for _ in range(2):  # the Broker redelivers the continued event
            status, reply = _post(f"http://127.0.0.1:{port}/", continued.body, continued.headers)
            assert status == 200, reply
        assert _wait_for(lambda: len(sink.requests) >= 1)
        time.sleep(0.5)
    assert len(sink.requests) == 1
    assert sink.requests[0].json()["category"] == "crashloop_missing_env"


def _requested_incident(tmp_path, snapshot):
    """The incident the router would hand off for this scenario's event (intake is pure)."""
    from shared.intake.http import parse_request

    kind, body = _payload(snapshot)
    path, headers = request_for(kind, body)
    (incident,) = parse_request(path, headers, body, "default").items
    return {**incident.to_dict(), "investigation_id": "inv-e2e-kill", "specialist": "k8s_troubleshooter"}


if sys.platform != "linux":  # pragma: no cover
    pytestmark = pytest.mark.skip("process tests need Linux signals")
