"""Alertmanager's contract: 2xx, 400/401/413 or 5xx (it retries only 5xx and drops every 4xx)."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from devtools.http_capture import CaptureServer
from shared.events import HttpEmitter
from shared.router import Router
from shared.settings import Settings
from tests import store_fixtures
from tests.intake.kube_prometheus import LABEL_SETS, alert, webhook
from tests.recording import RecordingEmitter

store = store_fixtures.store
JSON = {"Content-Type": "application/json"}
ALLOWED = {200, 202, 400, 401, 413, 500, 502, 503, 504}


def _router(store, url, **settings):
    emitter = HttpEmitter(None, {"k8s_troubleshooter": url}, "/kubetriage/router")
    return Router(settings=Settings(**settings), store=store, emitter=emitter)


def _at_once(store, senders):
    """One crash-loop webhook sent by `senders` replicas at the same moment to a slow specialist."""
    body = json.dumps(webhook(alert(LABEL_SETS["KubePodCrashLooping"]))).encode()
    barrier = threading.Barrier(senders)
    with CaptureServer(on_request=lambda _: time.sleep(0.3)) as specialist:
        router = _router(store, specialist.url)

        def send(_):
            barrier.wait()
            return router.handle("/alertmanager", JSON, body)

        with ThreadPoolExecutor(senders) as pool:
            return list(pool.map(send, range(senders))), specialist


def test_both_ha_replicas_at_once_never_get_a_409(store):
    replies, specialist = _at_once(store, 4)
    assert {r.status for r in replies} <= ALLOWED, [r.body for r in replies]
    assert len(specialist.requests) == 1


def test_over_the_admission_limit_alertmanager_never_gets_a_429(store):
    first = json.dumps(webhook(alert(LABEL_SETS["KubePodCrashLooping"], fingerprint="f1"))).encode()
    second = json.dumps(webhook(alert(LABEL_SETS["KubeJobFailed"], fingerprint="f2"))).encode()
    with CaptureServer() as specialist:
        router = _router(store, specialist.url, admission_limit=1)
        replies = [router.handle("/alertmanager", JSON, first), router.handle("/alertmanager", JSON, second)]
    assert {r.status for r in replies} <= ALLOWED, [r.body for r in replies]


# Episodes: fingerprint + startsAt, alive until the alert resolves (plus a margin), whatever the window.

def _am(router, *alerts, status="firing"):
    return router.handle("/alertmanager", JSON, json.dumps(webhook(*alerts, status=status)).encode())


def _local(store, **settings):
    emitter = RecordingEmitter()
    return Router(settings=Settings(**settings), store=store, emitter=emitter), emitter


def test_a_firing_alert_re_sent_after_the_coalescing_window_is_the_same_investigation(store):
    router, emitter = _local(store, coalesce_window_s=1)
    crash = alert(LABEL_SETS["KubePodCrashLooping"])
    first = _am(router, crash)
    time.sleep(1.3)  # past the window: repeat_interval re-sends come hours later
    again = _am(router, crash)
    assert first.status == again.status == 202
    assert again.body["accepted"][0]["investigation_id"] == first.body["accepted"][0]["investigation_id"]
    assert again.body["accepted"][0]["new"] is False
    assert len(emitter.events) == 1


def test_a_group_update_starts_only_the_new_alert(store):
    router, emitter = _local(store)
    crash = alert(LABEL_SETS["KubePodCrashLooping"], fingerprint="f-crash")
    job = alert(LABEL_SETS["KubeJobFailed"], fingerprint="f-job")
    _am(router, crash)
    update = _am(router, crash, job)  # the group grew: Alertmanager sends the whole group again
    assert [a["new"] for a in update.body["accepted"]] == [False, True]
    assert len(emitter.events) == 2


def test_the_same_alert_firing_again_after_it_resolved_is_a_new_investigation(store):
    router, emitter = _local(store)  # inside the 600 s window on purpose
    labels = LABEL_SETS["KubePodCrashLooping"]
    _am(router, alert(labels, starts_at="2026-12-07T20:00:00Z"))
    resolved = _am(router, alert(labels, starts_at="2026-12-07T20:00:00Z", status="resolved"), status="resolved")
    refire = _am(router, alert(labels, starts_at="2026-12-07T20:30:00Z"))
    assert resolved.status == 200 and resolved.body["dropped"]
    assert refire.body["accepted"][0]["new"] is True
    assert len(set(emitter.investigation_ids())) == 2


def test_a_late_firing_copy_from_the_other_replica_after_the_resolution_starts_nothing(store):
    router, emitter = _local(store)
    crash = alert(LABEL_SETS["KubePodCrashLooping"])
    _am(router, crash)
    _am(router, {**crash, "status": "resolved"}, status="resolved")
    late = _am(router, crash)  # replica B had not heard of the resolution yet
    assert late.status == 202 and late.body["accepted"][0]["new"] is False
    assert len(emitter.events) == 1


def test_re_sends_do_not_count_as_occurrences_but_record_when_the_alert_was_last_seen(store):
    from shared.state import coalescing

    router, _ = _local(store)
    crash = alert(LABEL_SETS["KubePodCrashLooping"])
    first = _am(router, crash)
    investigation = first.body["accepted"][0]["investigation_id"]
    seen_first = coalescing.last_seen(store, investigation)
    time.sleep(1.1)
    _am(router, crash)
    assert coalescing.occurrences(store, investigation) == 1
    assert coalescing.last_seen(store, investigation) > seen_first


def test_a_deferred_alert_over_the_admission_limit_is_a_2xx_and_handed_off_later(store):
    router, emitter = _local(store, admission_limit=1)
    router.admission_window_s = 1.0
    first = _am(router, alert(LABEL_SETS["KubePodCrashLooping"], fingerprint="f1"))
    second = _am(router, alert(LABEL_SETS["KubeJobFailed"], fingerprint="f2"))
    assert first.status == second.status == 202
    assert second.body["accepted"][0]["deferred"] is True
    assert len(emitter.events) == 1
    deadline = time.time() + 5
    while len(emitter.events) < 2 and time.time() < deadline:
        time.sleep(0.1)
    assert len(emitter.events) == 2  # kept, then handed off when the budget allowed
    assert len(set(emitter.investigation_ids())) == 2


# A hand-off under way in another request: Alertmanager never sends a 2xx again, so a 2xx must mean done.

def test_a_claim_left_by_a_killed_worker_gets_a_5xx_until_it_lapses_then_the_retry_hands_off(store):
    from shared.state import coalescing

    router, emitter = _local(store)
    router.hand_off_wait_s = 0.2
    emitter.fail_times = 1  # the first sighting is stored, its hand-off fails: 503, nothing handed off
    crash = alert(LABEL_SETS["KubePodCrashLooping"])
    assert _am(router, crash).status == 503
    (investigation,) = _investigations(store)
    # The retry's worker claims the hand-off, and is SIGKILLed mid-emit: the claim stays until it lapses.
    assert coalescing.claim_hand_off(store, investigation, "a-killed-worker")
    retry = _am(router, crash)  # the other replica, or the dead worker's own sender retrying
    assert retry.status == 503 and retry.body.get("retry") is True, retry.body
    assert emitter.events == []
    coalescing.release_hand_off(store, investigation, "a-killed-worker")  # the claim lapsed
    assert _am(router, crash).status == 202
    assert emitter.investigation_ids() == [investigation]


def test_ha_replicas_at_once_wait_for_the_hand_off_under_way_and_all_get_a_2xx(store):
    replies, specialist = _at_once(store, 2)
    assert [r.status for r in replies] == [202, 202], [r.body for r in replies]
    assert len(specialist.requests) == 1


def _investigations(store):
    from shared.investigations import ListQuery, recent

    return [i["investigation_id"] for i in recent(store, ListQuery())]
