"""Delivery under duplication: incidents sent 1-10 times to 4 routers, 30 % of hand-offs delivered twice
at once to 2 troubleshooters, over HTTP on one Redis. Counts what reached K_SINK: lost and doubled.

The Broker here redelivers as Knative does: again after 409/429/5xx (or a broken connection) until the
answer is final. A duplicated hand-off goes to both troubleshooters at the same moment, so the two race
for the investigation's lease; a sighting repeated by the source goes to any router.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.procs import ROOT, free_port, start, stop
from devtools.http_capture import CaptureServer

ROUTERS, TROUBLESHOOTERS, CLIENTS = 4, 2, 8
DUPLICATED_SHARE = 0.3
RETRYABLE = frozenset({409, 429, 500, 502, 503, 504})


def _post(port: int, body: bytes, headers: dict[str, str]) -> tuple[int | None, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST", "/", body, headers)
        response = conn.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data or b"{}")
        except ValueError:
            return response.status, {}
    except (OSError, http.client.HTTPException):
        return None, {}
    finally:
        conn.close()


def _until_final(port: int, body: bytes, headers: dict[str, str], counter: Counter, tries: int = 200) -> dict[str, Any]:
    for _ in range(tries):
        status, answer = _post(port, body, headers)
        counter["deliveries"] += 1
        if status is not None and status not in RETRYABLE:
            return {"status": status, **answer}
        counter["redelivered"] += 1
        time.sleep(0.05)
    return {"status": None}


def events(incidents: int, namespace: str, rng: random.Random) -> list[tuple[int, dict[str, str], bytes]]:
    """Each incident's BackOff Event sent 1-10 times: a redelivery (same CloudEvent id) or an update."""
    run = uuid.uuid4().hex[:8]
    out = []
    for i in range(incidents):
        pod = f"bench-{run}-{i:04d}-7c9f8d6b5-x2k4q"
        ce_id = f"{run}-{i}-0"
        for n in range(rng.randint(1, 10)):
            if n and rng.random() < 0.5:
                ce_id = f"{run}-{i}-{n}"  # ApiServerSource gives every update of an Event a new id
            event = {"apiVersion": "v1", "kind": "Event", "type": "Warning", "reason": "BackOff", "count": n + 1,
                     "involvedObject": {"kind": "Pod", "name": pod, "namespace": namespace,
                                        "fieldPath": "spec.containers{app}"},
                     "metadata": {"name": f"{pod}.17f", "namespace": namespace}, "source": {"component": "kubelet"},
                     "message": f"Back-off restarting failed container app in pod {pod}_{namespace}(uid)"}
            headers = {"ce-specversion": "1.0", "ce-type": "dev.knative.apiserver.resource.update",
                       "ce-source": "https://k8s/apiserver", "ce-id": ce_id, "Content-Type": "application/json"}
            out.append((i, headers, json.dumps(event).encode()))
    rng.shuffle(out)
    return out


def run(incidents: int = 1000, seed: int = 13) -> dict[str, Any]:
    from devtools.scenarios import render_suite

    rng = random.Random(seed)
    counter: Counter = Counter()
    prefix = f"bench-delivery:{uuid.uuid4().hex[:8]}:"
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    with tempfile.TemporaryDirectory(prefix="kubetriage-delivery-") as tmp, CaptureServer() as broker, \
            CaptureServer() as sink:
        (snapshot,) = render_suite(Path(tmp) / "suite", ["crashloop-missing-env-python-checkout"])
        namespace = json.loads((snapshot / "event.json").read_text())["involvedObject"]["namespace"]
        env = {**{k: v for k, v in os.environ.items() if not k.startswith(("KUBETRIAGE_", "ANTHROPIC_", "SLACK_"))},
               "REDIS_URL": redis_url, "KUBETRIAGE_REDIS_PREFIX": prefix, "KUBETRIAGE_SNAPSHOT": str(snapshot),
               "KUBETRIAGE_CLUSTER": f"bench-{uuid.uuid4().hex[:8]}", "KUBETRIAGE_ADMISSION_LIMIT": "100000",
               "KUBETRIAGE_BROKER_URL": broker.url, "K_SINK": sink.url, "THREADS": "4",
               "KUBETRIAGE_LEASE_TTL_S": "30"}
        procs, ports = [], {"router": [], "k8s_troubleshooter": []}
        try:
            for name, count in (("router", ROUTERS), ("k8s_troubleshooter", TROUBLESHOOTERS)):
                for _ in range(count):
                    port = free_port()
                    procs.append(start(ROOT / "functions" / name / "main.py", port, env))
                    ports[name].append(port)
            for port in ports["router"] + ports["k8s_troubleshooter"]:
                _wait(port)
            started = time.monotonic()
            batch = events(incidents, namespace, rng)
            incident_of: dict[str, int] = {}
            lock = threading.Lock()

            def send(item: tuple[int, dict[str, str], bytes]) -> None:
                index, headers, body = item
                answer = _until_final(rng.choice(ports["router"]), body, headers, counter)
                with lock:
                    for accepted in answer.get("accepted") or []:
                        incident_of.setdefault(accepted["investigation_id"], index)

            with ThreadPoolExecutor(CLIENTS) as pool:
                list(pool.map(send, batch))
                done = 0
                while True:  # the Broker: every emitted event to a troubleshooter, 30 % of hand-offs twice
                    fresh = broker.requests[done:]
                    if not fresh:
                        time.sleep(0.3)  # a last emit may still be on its way
                        if len(broker.requests) == done:
                            break
                        continue
                    done += len(fresh)
                    futures = []
                    for event in fresh:
                        twice = event.headers.get("ce-type", "").endswith(".requested") and \
                            rng.random() < DUPLICATED_SHARE
                        counter["hand_offs" if ".requested" in event.headers.get("ce-type", "") else "continued"] += 1
                        counter["duplicated_hand_offs"] += twice
                        targets = rng.sample(ports["k8s_troubleshooter"], 2) if twice else \
                            [rng.choice(ports["k8s_troubleshooter"])]
                        futures += [pool.submit(_until_final, port, event.body, dict(event.headers), counter)
                                    for port in targets]
                    [f.result() for f in futures]
            seconds = time.monotonic() - started
        finally:
            for proc in procs:
                stop(proc)
            _remove_keys(redis_url, prefix)
        return summarize(incidents, len(batch), incident_of, sink, counter, seconds)


def summarize(incidents: int, sightings: int, incident_of: dict[str, int], sink: CaptureServer, counter: Counter,
              seconds: float) -> dict[str, Any]:
    """Lost: an incident with no diagnosis at the sink. Doubled: an incident with more than one distinct
    diagnosis event (two investigations, or one posted under two ids). Repeats of one event id (a post
    whose record was lost and is repeated to a sink that drops repeats) are counted apart."""
    posts: dict[int, Counter] = {}
    for request in sink.requests:
        inv = json.loads(request.body)["investigation_id"]
        index = incident_of.get(inv, -1)
        posts.setdefault(index, Counter())[request.headers.get("ce-id")] += 1
    lost = sum(1 for i in range(incidents) if i not in posts)
    doubled = sum(1 for i, ids in posts.items() if i >= 0 and len(ids) > 1)
    repeats = sum(sum(ids.values()) - len(ids) for ids in posts.values())
    return {"incidents": incidents, "sightings": sightings, "hand_offs": counter["hand_offs"],
            "duplicated_hand_offs": counter["duplicated_hand_offs"], "continued": counter["continued"],
            "deliveries": counter["deliveries"],
            "redelivered": counter["redelivered"], "posts": len(sink.requests), "lost": lost, "doubled": doubled,
            "repeats_same_id": repeats, "unattributed_posts": sum(posts.get(-1, Counter()).values()),
            "routers": ROUTERS, "troubleshooters": TROUBLESHOOTERS, "seconds": round(seconds, 1),
            "met": lost == 0 and doubled == 0 and not posts.get(-1)}


def _wait(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _ = _post(port, b"{}", {"Content-Type": "application/json"})
        if status is not None:
            return
        time.sleep(0.1)
    raise TimeoutError(f"no answer on {port}")


def _remove_keys(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        client.delete(key)
    client.close()
