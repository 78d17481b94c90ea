"""Event storm: 20,000 ApiServerSource events for 200 crash-looping pods, half noise, through one router."""

from __future__ import annotations

import http.client
import json
import os
import statistics
import threading
import time
import uuid
from typing import Any

from bench.procs import ROOT, first_answer, free_port, start, stop
from devtools.http_capture import CaptureServer

PODS, UPDATES, CLIENTS = 200, 50, 8
ROUTER = ROOT / "functions/router/main.py"


def events(pods: int = PODS, updates: int = UPDATES) -> list[tuple[dict[str, str], bytes]]:
    """Each pod's BackOff Event updated `updates` times, interleaved with as many Normal events.

    CloudEvent ids are unique per run, as ApiServerSource's are (a rerun must not look like a redelivery).
    """
    run = uuid.uuid4().hex[:8]
    out = []
    for n in range(updates):
        for p in range(pods):
            pod = f"worker-{p:03d}-7c9f8d6b5-x{p % 10}k4q"
            base = {"apiVersion": "v1", "kind": "Event", "involvedObject": {
                "kind": "Pod", "name": pod, "namespace": "storm", "fieldPath": "spec.containers{worker}"},
                "metadata": {"name": f"{pod}.17f", "namespace": "storm"}, "source": {"component": "kubelet"}}
            failing = {**base, "type": "Warning", "reason": "BackOff", "count": n + 1,
                       "message": f"Back-off restarting failed container worker in pod {pod}_storm(uid)"}
            normal = {**base, "type": "Normal", "reason": "Pulled", "count": n + 1,
                      "message": "Container image \"worker:1\" already present on machine"}
            for i, event in enumerate((failing, normal)):
                headers = {"ce-specversion": "1.0", "ce-type": "dev.knative.apiserver.resource.update",
                           "ce-source": "https://k8s/apiserver", "ce-id": f"{run}-{p}-{n}-{i}",
                           "Content-Type": "application/json"}
                out.append((headers, json.dumps(event).encode()))
    return out


Batch = list[tuple[dict[str, str], bytes]]


def feed(port: int, batch: Batch) -> tuple[float, list[dict[str, Any]], Batch]:
    """Events per second over CLIENTS keep-alive connections; the JSON answers (for counting); the
    events answered with a retryable status, which the platform would deliver again."""
    answers: list[dict[str, Any]] = []
    again: Batch = []
    lock, chunks = threading.Lock(), [batch[i::CLIENTS] for i in range(CLIENTS)]

    def client(chunk: Batch) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for headers, body in chunk:
            conn.request("POST", "/", body, headers)
            response = conn.getresponse()
            data = response.read()
            with lock:
                if response.status >= 300:
                    again.append((headers, body))
                if response.getheader("Content-Type", "").startswith("application/json"):
                    answers.append(json.loads(data))
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(c,)) for c in chunks]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return len(batch) / (time.monotonic() - started), answers, again


def run(repeats: int = 3, updates: int = UPDATES, pods: int = PODS) -> dict[str, Any]:
    router_eps, floor_eps, started, redelivered = [], [], [], []
    with CaptureServer() as specialist:
        for _ in range(repeats):
            batch = events(pods=pods, updates=updates)
            env = {**os.environ, "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
                   "KUBETRIAGE_CLUSTER": f"bench-{uuid.uuid4().hex[:8]}", "KUBETRIAGE_ADMISSION_LIMIT": "100000",
                   "KUBETRIAGE_SPECIALIST_URLS": f"k8s_troubleshooter={specialist.url}"}
            env.pop("ANTHROPIC_API_KEY", None)
            for source, results in ((ROUTER, router_eps), (ROOT / "bench/empty_function.py", floor_eps)):
                port = free_port()
                proc = start(source, port, env)
                try:
                    first_answer(port, batch[1][1], batch[1][0])  # a Normal event: warm, changes nothing
                    eps, answers, again = feed(port, batch)
                    if source == ROUTER:  # as the platform would, untimed: nothing may be lost
                        redelivered.append(len(again))
                        answers += feed(port, again)[1] if again else []
                finally:
                    stop(proc)
                results.append(eps)
                if source == ROUTER:
                    started.append(sum(1 for a in answers for item in a.get("accepted", []) if item.get("new")))
    router, floor = statistics.median(router_eps), statistics.median(floor_eps)
    handed_off = len(specialist.requests)  # every run's, through one stand-in specialist
    return {"events": len(batch), "pods": pods, "repeats": repeats, "router_events_per_s": round(router, 1),
            "floor_events_per_s": round(floor, 1), "ratio": round(floor / router, 3),
            "investigations_started": started, "handed_off": handed_off, "redelivered": redelivered, "target_ratio": 1.5,
            "met": floor / router <= 1.5 and all(s == pods for s in started) and handed_off == pods * repeats}
