"""Against a live (API-shaped) cluster: SIGKILL after step k resumes without re-reading anything, and two
processes handed one investigation at once: one advances, the other backs off with 409."""

import json
import signal
import threading
from collections import Counter

import pytest

from devtools.http_capture import CaptureServer
from devtools.kubeapi import Fault, serve_cluster
from devtools.run_local import start_functions, stop_group
from devtools.scenarios import render_suite
from shared.cluster.snapshot import load_snapshot
from tests.e2e.test_functions_over_http import _env, _free_port, _post, _requested_incident, _wait_for, _wait_listening

SCENARIO = "crashloop-missing-env-python-checkout"


@pytest.fixture
def world(tmp_path):
    (snapshot,) = render_suite(tmp_path / "suite", [SCENARIO])
    procs = []
    with serve_cluster(load_snapshot(snapshot)) as api, CaptureServer() as broker, CaptureServer() as sink:
        kubeconfig = api.write_kubeconfig(tmp_path / "kubeconfig")
        yield {"tmp": tmp_path, "snapshot": snapshot, "api": api, "broker": broker, "sink": sink,
               "kubeconfig": kubeconfig, "procs": procs}
    for p in procs:
        stop_group(p, signal.SIGKILL)
        p.wait(10)


def _specialist(world, steps, port=None):
    env = _env(world["tmp"], world["snapshot"], world["sink"].url, KUBETRIAGE_STEPS_PER_INVOCATION=str(steps),
               KUBETRIAGE_BROKER_URL=world["broker"].url, KUBECONFIG=str(world["kubeconfig"]))
    env.pop("KUBETRIAGE_SNAPSHOT")  # the live backend, through the kubernetes client
    port = port or _free_port()
    procs = start_functions(env, {"k8s_troubleshooter": port})
    world["procs"].extend(procs.values())
    _wait_listening(port, list(procs.values()))
    return port, procs["k8s_troubleshooter"]


def _requested(world, investigation_id, ce_id):
    incident = {**_requested_incident(world["tmp"], world["snapshot"]), "investigation_id": investigation_id}
    headers = {"ce-specversion": "1.0", "ce-type": "io.kubetriage.investigation.requested",
               "ce-source": "/kubetriage/router", "ce-id": ce_id, "ce-specialist": "k8s_troubleshooter",
               "Content-Type": "application/json"}
    return json.dumps(incident).encode(), headers


def _reads(api, since):
    return Counter((r["path"], tuple(sorted(r["query"].items()))) for r in api.requests[since:])


@pytest.mark.parametrize("k", [1, 4], ids=["killed after the first step", "killed after the fourth step"])
def test_sigkill_after_step_k_then_redelivery_gives_one_diagnosis_and_reads_nothing_twice(world, k):
    api, sink, broker = world["api"], world["sink"], world["broker"]
    port, proc = _specialist(world, steps=50)
    mark = len(api.requests)
    status, _ = _post(f"http://127.0.0.1:{port}/", *_requested(world, "inv-baseline", "b1"))
    assert status == 200
    baseline = _reads(api, mark)
    stop_group(proc, signal.SIGKILL)

    port, proc = _specialist(world, steps=k)
    mark = len(api.requests)
    status, reply = _post(f"http://127.0.0.1:{port}/", *_requested(world, f"inv-kill-{k}", f"k{k}"))
    assert status == 202 and reply["status"] == "continuing"
    stop_group(proc, signal.SIGKILL)
    proc.wait(10)
    port, _ = _specialist(world, steps=50, port=port)
    continued = broker.requests[-1]
    for _ in range(2):  # the Broker redelivers
        status, _ = _post(f"http://127.0.0.1:{port}/", continued.body, continued.headers)
        assert status == 200
    assert _reads(api, mark) == baseline  # every read once, across the kill
    assert _wait_for(lambda: len(sink.requests) == 2)
    assert [r.headers["ce-id"] for r in sink.requests] == ["diagnosis-inv-baseline", f"diagnosis-inv-kill-{k}"]


def test_two_processes_handed_the_same_investigation_at_once_one_advances_the_other_backs_off(world):
    world["api"].faults.append(Fault(path=r"/pods/checkout-", status=0, count=1, delay_s=8.0))  # a slow API
    a, _ = _specialist(world, steps=50)
    b, _ = _specialist(world, steps=50)
    for port in (a, b):  # built before the race (a loaded machine may take seconds to build one)
        body, headers = _requested(world, "inv-warm-up", f"warm-{port}")
        assert _post(f"http://127.0.0.1:{port}/", body, {**headers, "ce-type": "io.kubetriage.nothing"})[0] == 400
    results = {}

    def deliver(name, port, ce_id):
        results[name] = _post(f"http://127.0.0.1:{port}/", *_requested(world, "inv-shared", ce_id))

    first = threading.Thread(target=deliver, args=("a", a, "s1"))
    first.start()
    # b is delivered only once a is inside its (slow) read, holding the lease: on a loaded machine a may
    # take many seconds to get there, so wait for it rather than racing it.
    assert _wait_for(lambda: any(r["path"].endswith("/pods/" + r["path"].rsplit("/", 1)[-1]) and "checkout-" in r["path"]
                                 for r in world["api"].requests), seconds=60)
    deliver("b", b, "s2")
    first.join(60)
    statuses = sorted(status for status, _ in results.values())
    assert statuses == [200, 409]
    assert len(world["sink"].requests) == 1
