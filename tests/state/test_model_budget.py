"""The shared model budget: requests and tokens per minute, one budget for every replica, under a storm."""

from __future__ import annotations

import multiprocessing
import threading
import time
import uuid
from dataclasses import replace

import pytest

from devtools.messages_api import message, serve_messages_api, text
from shared.state.model_budget import ModelBudget, OverModelBudget
from tests.store_fixtures import REDIS_URL, redis_listening, remove_keys


class Clock:
    def __init__(self, now: float = 1_000_020.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_requests_and_tokens_are_refused_past_the_limit_and_free_again_next_window(store):
    clock = Clock()
    budget = ModelBudget(store, requests_per_window=3, tokens_per_window=1000, window_s=60, clock=clock,
                         name=uuid.uuid4().hex)
    first = budget.reserve(400)
    budget.settle(first, 100)  # the model used less than reserved: the rest is free again
    budget.reserve(400)
    with pytest.raises(OverModelBudget, match="tokens"):
        budget.reserve(600)
    budget.reserve(100)
    with pytest.raises(OverModelBudget, match="requests"):
        budget.reserve(1)
    assert budget.used() == (3, 600)
    clock.now += 60
    assert budget.used() == (0, 0)
    budget.reserve(1000)


def _worker(redis_url: str, prefix: str, api_url: str, threads: int, calls: int, requests: int,
            tokens: int) -> tuple[int, int]:
    """One replica: `threads` threads each asking the model `calls` times through the shared budget."""
    from shared.planners.model_client import ModelClient, ModelUnavailable
    from shared.stores.redis import RedisStore

    budget = None
    if requests:
        budget = ModelBudget(RedisStore(redis_url, prefix=prefix), requests, tokens)
    client = ModelClient(api_key="test-key", base_url=api_url, budget=budget, max_attempts=1)
    counts = {"granted": 0, "skipped": 0}
    lock = threading.Lock()

    def run() -> None:
        for _ in range(calls):
            try:
                client.create(model="claude-sonnet-4-6", max_tokens=200, messages=[{"role": "user", "content": "hi"}])
                outcome = "granted"
            except ModelUnavailable as exc:
                assert "model skipped for budget" in str(exc)
                outcome = "skipped"
            with lock:
                counts[outcome] += 1

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return counts["granted"], counts["skipped"]


PROCESSES, THREADS, CALLS = 2, 4, 5  # 40 model calls asked for at once, from two replicas


def _storm(requests: int, tokens: int) -> dict:
    """Every process and thread asks at once; what the local Messages API server received."""
    prefix = f"test:{uuid.uuid4().hex}:"
    answer = message([text("ok")], input_tokens=100, output_tokens=50)
    try:
        with serve_messages_api(lambda body: answer) as api:
            started = time.time()
            with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
                results = pool.starmap(_worker, [(REDIS_URL, prefix, api.url, THREADS, CALLS, requests, tokens)]
                                       * PROCESSES)
            finished = time.time()
            received = len(api.requests)
    finally:
        remove_keys(prefix)
    windows = int(finished // 60) - int(started // 60) + 1  # fixed windows the storm spanned
    return {"received": received, "granted": sum(g for g, _ in results), "skipped": sum(s for _, s in results),
            "windows": windows}


needs_redis = pytest.mark.skipif(not redis_listening(), reason=f"no Redis at {REDIS_URL} (.ci/run starts one)")


def test_without_a_budget_every_call_of_a_storm_reaches_the_model():
    """The behaviour before the budget (no budget given), in one process: every call is sent."""
    answer = message([text("ok")], input_tokens=100, output_tokens=50)
    with serve_messages_api(lambda body: answer) as api:
        granted, skipped = _worker(REDIS_URL, "unused:", api.url, THREADS, CALLS, 0, 0)
        assert len(api.requests) == granted == THREADS * CALLS and skipped == 0


@needs_redis
@pytest.mark.slow
def test_a_storm_from_several_processes_and_threads_stays_within_the_shared_request_budget():
    storm = _storm(requests=20, tokens=10_000_000)
    assert storm["received"] == storm["granted"] <= 20 * storm["windows"]
    assert storm["granted"] >= 20  # the budget is spent, not starved by the contention
    assert storm["granted"] + storm["skipped"] == PROCESSES * THREADS * CALLS


@needs_redis
@pytest.mark.slow
def test_a_storm_stays_within_the_shared_token_budget():
    storm = _storm(requests=10_000, tokens=3000)
    assert storm["received"] * 150 <= 3000 * storm["windows"]  # each answer used 100 + 50 tokens
    assert storm["received"] >= 3000 // 260  # the estimate (prompt/3 + max_tokens) lets a fair share through
    assert storm["granted"] + storm["skipped"] == PROCESSES * THREADS * CALLS


@needs_redis
def test_over_the_budget_the_rules_planner_answers_and_the_diagnosis_says_the_model_was_skipped(tmp_path):
    from devtools.scenarios import render_suite
    from shared.cli import diagnose
    from shared.settings import Settings
    from shared.stores.redis import RedisStore

    (path,) = render_suite(tmp_path / "s", ["crashloop-app-error-flyway"])
    prefix = f"test:{uuid.uuid4().hex}:"
    store = RedisStore(REDIS_URL, prefix=prefix)
    try:
        now = time.time()
        for clock in (lambda: now, lambda: now + 60):  # another replica spent this minute's one request (and
            ModelBudget(store, 1, 1_000_000, clock=clock).reserve(10)  # the next one's, should the minute turn)
        with serve_messages_api([]) as api:
            settings = replace(Settings(), anthropic_api_key="test-key", anthropic_base_url=api.url,
                               model_requests_per_min=1)
            (d,), _ = diagnose(settings, path, "event", (path / "event.json").read_bytes(), store=store)
        assert api.requests == []
        assert d["category"] == "crashloop_app_error" and d["produced_by"] == "rules"
        assert any("model skipped for budget" in n for n in d["notes"])
    finally:
        remove_keys(prefix)
