"""Admission under a storm, on the real Redis: four routers, one budget, nothing dropped, nothing doubled.

200 crash-looping pods, each event delivered one to three times (the Broker's at-least-once), through
four router replicas that share one Redis. The budget (40 new investigations per 2 s) must hold in every
window across all four, every deferred incident must still be handed off, and each exactly once.
"""

import json
import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from shared.router import Router
from shared.settings import Settings
from tests.recording import RecordingEmitter
from tests.store_fixtures import REDIS_URL, redis_listening, remove_keys

EVENT = json.loads((Path(__file__).parent / "fixtures" / "backoff_event.json").read_text())
PODS, LIMIT, WINDOW_S, REPLICAS = 200, 40, 2.0, 4
# Hand-offs are timed where they are emitted, a few milliseconds after the grant: the bound is checked
# on windows that much shorter than the admission window.
SLACK_S = 0.1

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not redis_listening(), reason=f"no Redis at {REDIS_URL}")]


def _event(n):
    pod = f"storm-{n:03d}-7d9f8b6c5d-x2x9k"
    return {**EVENT, "involvedObject": {**EVENT["involvedObject"], "name": pod, "namespace": "storm"},
            "metadata": {**EVENT.get("metadata", {}), "name": f"{pod}.17f", "namespace": "storm"}}


def _headers(n):
    return {"ce-specversion": "1.0", "ce-type": "dev.knative.apiserver.resource.update",
            "ce-source": "https://k8s.example/apiserver", "ce-id": f"storm-{n}", "Content-Type": "application/json"}


def _deliver(router, n):
    """As the Broker delivers: a 409 (hand-off under way elsewhere) or a 429 is retried (Retry-After shortened)."""
    for _ in range(20):
        reply = router.handle("/", _headers(n), json.dumps(_event(n)).encode())
        if reply.status not in (409, 429):
            return reply
        time.sleep(0.05)
    return reply


def _most_in_any_window(times, window):
    times = sorted(times)
    return max(sum(1 for u in times[i:] if u < t + window) for i, t in enumerate(times))


def test_one_budget_across_four_routers_binds_and_every_deferred_incident_is_handed_off_once():
    from shared.stores.redis import RedisStore

    prefix = f"test:{uuid.uuid4().hex}:"
    emitter = RecordingEmitter()
    routers = [Router(settings=Settings(admission_limit=LIMIT), store=RedisStore(REDIS_URL, prefix=prefix),
                      emitter=emitter, admission_window_s=WINDOW_S) for _ in range(REPLICAS)]
    rng = random.Random(13)
    deliveries = [n for n in range(PODS) for _ in range(rng.randint(1, 3))]
    rng.shuffle(deliveries)
    try:
        started = time.time()
        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda n: _deliver(rng.choice(routers), n), deliveries))
        deadline = time.time() + 60
        while len(set(emitter.investigation_ids())) < PODS and time.time() < deadline:
            time.sleep(0.2)
        took = time.time() - started
        time.sleep(1.0)  # a double would come now, if ever
        ids, times = emitter.investigation_ids(), list(emitter.times)
    finally:
        remove_keys(prefix)
        for router in routers:
            if router._drainer is not None:
                router._drainer.join(10)
    statuses = sorted({r.status for r in replies})
    deferred = sum(1 for r in replies for a in r.body.get("accepted", []) if a.get("deferred"))
    busiest = _most_in_any_window(times, WINDOW_S - SLACK_S)
    busiest_full = _most_in_any_window(times, WINDOW_S)
    print(f"\nadmission storm: {len(deliveries)} deliveries of {PODS} incidents over {REPLICAS} routers, "
          f"statuses {statuses}, {deferred} answers deferred, {len(set(ids))} handed off ({len(ids)} hand-offs), "
          f"busiest {WINDOW_S - SLACK_S:g} s window {busiest}, busiest {WINDOW_S:g} s window {busiest_full} "
          f"(limit {LIMIT}), all handed off after {took:.1f} s")
    assert statuses == [202]
    assert deferred > 0  # the storm really was over the budget
    assert len(ids) == len(set(ids)) == PODS  # nothing dropped, nothing doubled
    assert busiest <= LIMIT
