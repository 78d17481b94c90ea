"""One diagnosis per investigation at the sink, in one process: redeliveries racing a slow sink, two
requests on two threads, and a store that fails at every checkpoint save in turn (never a wrong answer)."""

import threading
import time
from collections import Counter

import pytest

from devtools.scenarios import render_suite
from shared.cluster.snapshot import load_snapshot
from shared.errors import DeliveryError, StoreError
from shared.events import InProcessEmitter
from shared.runtime import build_specialist
from shared.settings import Settings
from tests.e2e.test_functions_over_http import _requested_incident

SCENARIO = "crashloop-missing-env-python-checkout"


class SlowSink:
    """A sink that takes `delay_s` per post and counts what it was given, by diagnosis event id."""

    name = "k_sink"
    idempotent = True

    def __init__(self, delay_s=0.0):
        self.delay_s = delay_s
        self.posts = []
        self._lock = threading.Lock()

    def deliver(self, diagnosis, deadline=None):
        time.sleep(self.delay_s)
        with self._lock:
            self.posts.append((diagnosis.investigation_id, diagnosis.category))


class FailingStore:
    """Delegates to a real store; fails the n-th checkpoint save (StoreError, or a fenced-out save)."""

    def __init__(self, inner, fail_at, how="error"):
        self._inner = inner
        self.fail_at = fail_at
        self.how = how
        self.saves = 0

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def put_if_guard(self, key, value, guard_key, guard_value, ttl_s=None):
        if key.endswith(":checkpoint"):
            self.saves += 1
            if self.saves == self.fail_at:
                if self.how == "error":
                    raise StoreError("injected: redis connection reset at a checkpoint save")
                return False  # fenced out: another holder took the lease
        return self._inner.put_if_guard(key, value, guard_key, guard_value, ttl_s)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("suite")
    (snapshot,) = render_suite(tmp, [SCENARIO])
    return snapshot, load_snapshot(snapshot), tmp


def _specialist(scenario, store, sink, **settings):
    snapshot, cluster, _ = scenario
    settings.setdefault("steps_per_invocation", 50)  # one invocation finishes it
    specialist = build_specialist(Settings(snapshot=str(snapshot), **settings), store, cluster=cluster,
                                  emitter=InProcessEmitter())
    specialist.sinks = [sink]
    return specialist


def _event(scenario, investigation_id, ce_id):
    snapshot, _, tmp = scenario
    data = {**_requested_incident(tmp, snapshot), "investigation_id": investigation_id}
    attrs = {"specversion": "1.0", "type": "io.kubetriage.investigation.requested", "id": ce_id,
             "source": "/kubetriage/router", "specialist": "k8s_troubleshooter"}
    return attrs, data


def _settle(specialist, attrs, data, tries=40):
    """Deliver as the Broker does: again after every retryable answer, until one is final."""
    for _ in range(tries):
        reply = specialist.handle(attrs, data)
        if reply.status in (200, 400):
            return reply
        time.sleep(0.05)
    raise AssertionError(f"never settled: {reply}")


def test_the_same_hand_off_delivered_twice_250_ms_apart_to_a_slow_sink_posts_once(scenario, store):
    sink = SlowSink(delay_s=1.0)
    specialist = _specialist(scenario, store, sink)
    attrs, data = _event(scenario, "inv-twice-250ms", "requested-inv-twice-250ms")
    replies = {}
    first = threading.Thread(target=lambda: replies.setdefault("first", specialist.handle(attrs, data)))
    first.start()
    time.sleep(0.25)
    replies["second"] = specialist.handle(attrs, data)
    first.join(30)
    assert replies["first"].status == 200
    assert replies["second"].status in (200, 409)  # 409: retried by the Broker, then answered as the first
    _settle(specialist, attrs, data)
    assert sink.posts == [("inv-twice-250ms", "crashloop_missing_env")]


class DownSink:
    name = "k_sink"
    idempotent = True

    def deliver(self, diagnosis, deadline=None):
        raise DeliveryError("HTTP 503 from http://sink", sink=self.name, retryable=True)


def test_two_requests_in_one_process_never_both_hold_the_lease(scenario, store):
    # Diagnosed, but the sink was down: the platform will redeliver, and two redeliveries (different
    # events for one investigation) reach two threads of one process at once.
    specialist = _specialist(scenario, store, DownSink())
    assert specialist.handle(*_event(scenario, "inv-two-threads", "ce-first")).status == 503
    sink = SlowSink(delay_s=0.5)
    specialist.sinks = [sink]
    barrier = threading.Barrier(2)
    statuses = []

    def deliver(ce_id):
        attrs, data = _event(scenario, "inv-two-threads", ce_id)
        barrier.wait()
        statuses.append(specialist.handle(attrs, data).status)

    threads = [threading.Thread(target=deliver, args=(f"ce-{n}",)) for n in range(2)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert sorted(statuses) in ([200, 409], [200, 200])
    for n in range(2):
        _settle(specialist, *_event(scenario, "inv-two-threads", f"ce-{n}"))
    assert sink.posts == [("inv-two-threads", "crashloop_missing_env")]


def _baseline(scenario, tmp_path):
    from shared.stores.sqlite import SqliteStore

    sink = SlowSink()
    store = SqliteStore(str(tmp_path / "baseline.sqlite3"))
    reply = _settle(_specialist(scenario, store, sink), *_event(scenario, "inv-baseline", "b1"))
    saves = FailingStore(store, fail_at=0)
    _settle(_specialist(scenario, saves, SlowSink()), *_event(scenario, "inv-count", "c1"))
    return reply.body["category"], saves.saves


@pytest.mark.parametrize("how", ["error", "fenced"], ids=["a store error", "a fenced-out save"])
def test_a_failed_checkpoint_save_anywhere_fails_the_invocation_and_the_redelivery_is_right(
        scenario, store, tmp_path, how):
    expected, total_saves = _baseline(scenario, tmp_path)
    assert total_saves >= 3
    outcomes = Counter()
    for position in range(1, total_saves + 1):
        sink = SlowSink()
        failing = FailingStore(store, fail_at=position, how=how)
        specialist = _specialist(scenario, failing, sink)
        inv = f"inv-save-{how}-{position}"
        attrs, data = _event(scenario, inv, f"ce-{inv}")
        first = specialist.handle(attrs, data)
        assert first.status != 200 or first.body.get("category") == expected, (position, first)
        assert first.status in (200, 409, 503), (position, first)
        outcomes[first.status] += 1
        final = _settle(specialist, attrs, data)  # the platform redelivers; the checkpoint resumes
        assert final.status == 200 and final.body["category"] == expected, (position, final)
        assert sink.posts == [(inv, expected)], position
    assert outcomes[200] == 0, outcomes  # every position's failure reached the platform


def test_every_key_an_incident_leaves_in_redis_expires(scenario):
    import uuid

    from shared.cli import diagnose
    from shared.stores.redis import RedisStore
    from tests.store_fixtures import REDIS_URL, redis_listening, remove_keys

    if not redis_listening():
        pytest.skip("no Redis for the tests")
    snapshot = scenario[0]
    prefix = f"test:{uuid.uuid4().hex}:"
    try:
        (diagnosis,), _ = diagnose(Settings(), snapshot, "event", (snapshot / "event.json").read_bytes(),
                                   store=RedisStore(REDIS_URL, prefix=prefix))
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        assert any(b":fence" in k for k in keys) and any(b":sink:" in k for k in keys)
        forever = [k for k in keys if client.pttl(k) < 0]
        assert forever == []  # Redis runs noeviction: a key without expiry is there for good
    finally:
        remove_keys(prefix)
