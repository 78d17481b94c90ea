"""The router over its HTTP contract: accepted, coalesced, noise, bad input, hand-off failures."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from devtools.http_capture import CaptureServer
from shared.events import INVESTIGATION_REQUESTED, HttpEmitter
from shared.router import Router
from shared.settings import Settings
from tests import store_fixtures

FIXTURES = Path(__file__).parent / "fixtures"
EVENT = json.loads((FIXTURES / "backoff_event.json").read_text())
ALERT = json.loads((FIXTURES / "alert_image_pull.json").read_text())
store = store_fixtures.store  # both stores: the SQLite steps and the Redis script


def _binary(ce_id, ce_type="dev.knative.apiserver.resource.update"):
    return {"ce-specversion": "1.0", "ce-type": ce_type, "ce-source": "https://k8s.example/apiserver",
            "ce-id": ce_id, "Content-Type": "application/json"}


def _router(store, url, **settings):
    emitter = HttpEmitter(None, {"k8s_troubleshooter": url}, "/kubetriage/router")
    return Router(settings=Settings(**settings), store=store, emitter=emitter)


def test_a_crashloop_event_is_handed_to_the_troubleshooter_as_investigation_requested(store):
    with CaptureServer() as specialist:
        reply = _router(store, specialist.url).handle("/", _binary("e1"), json.dumps(EVENT).encode())
    assert reply.status == 202
    (item,) = reply.body["accepted"]
    assert item["new"] and item["specialist"] == "k8s_troubleshooter"
    (req,) = specialist.requests
    assert req.headers["ce-type"] == INVESTIGATION_REQUESTED
    assert req.headers["ce-specialist"] == "k8s_troubleshooter"
    assert req.json()["investigation_id"] == item["investigation_id"]
    assert req.json()["pod"] == EVENT["involvedObject"]["name"]


def test_repeats_of_one_failure_start_one_investigation_and_count_occurrences(store):
    with CaptureServer() as specialist:
        router = _router(store, specialist.url)
        replies = []
        for n in range(3):
            update = {**EVENT, "count": EVENT["count"] + n}
            replies.append(router.handle("/", _binary(f"e{n}"), json.dumps(update).encode()))
    items = [r.body["accepted"][0] for r in replies]
    assert len({i["investigation_id"] for i in items}) == 1
    assert [i["new"] for i in items] == [True, False, False]
    assert items[-1]["occurrences"] == 3
    assert len(specialist.requests) == 1


def test_a_redelivered_cloudevent_answers_as_before_and_counts_nothing(store):
    with CaptureServer() as specialist:
        router = _router(store, specialist.url)
        first = router.handle("/", _binary("same"), json.dumps(EVENT).encode())
        again = router.handle("/", _binary("same"), json.dumps(EVENT).encode())
    assert again.status == first.status and again.body["redelivery"] is True
    (before,), (after,) = first.body["accepted"], again.body["accepted"]
    assert after.pop("redelivery") is True and after == before
    assert len(specialist.requests) == 1


def test_a_redelivery_counts_no_occurrence_while_a_new_update_does(store):
    with CaptureServer() as specialist:
        router = _router(store, specialist.url)
        router.handle("/", _binary("u1"), json.dumps(EVENT).encode())
        router.handle("/", _binary("u1"), json.dumps(EVENT).encode())
        update = router.handle("/", _binary("u2"), json.dumps({**EVENT, "count": 9}).encode())
    (item,) = update.body["accepted"]
    assert item["occurrences"] == 2 and "redelivery" not in update.body


def test_a_normal_event_is_acknowledged_and_dropped_with_its_reason(store):
    normal = {**EVENT, "type": "Normal", "reason": "Pulled"}
    with CaptureServer() as specialist:
        reply = _router(store, specialist.url).handle("/", _binary("n1"), json.dumps(normal).encode())
    assert reply.status == 200
    assert reply.body["accepted"] == [] and reply.body["dropped"]
    assert specialist.requests == []


@pytest.mark.parametrize(
    ("body", "headers"),
    [(b"{not json", _binary("b1")), (b"{}", {**_binary("b2"), "ce-type": "com.example.unknown"}),
     (b'{"version": "4", "alerts": "nope"}', {"Content-Type": "application/json"})],
    ids=["broken JSON is a 400", "an unknown CloudEvent type is a 400", "a malformed webhook is a 400"],
)
def test_bad_input_gets_a_clear_json_400(store, body, headers):
    path = "/alertmanager" if "ce-type" not in headers else "/"
    with CaptureServer() as specialist:
        reply = _router(store, specialist.url).handle(path, headers, body)
    assert reply.status == 400
    assert reply.body["error"] == "invalid input" and reply.body["problems"]


def test_a_failed_hand_off_is_a_503_and_the_redelivery_hands_it_off(store):
    with CaptureServer(statuses=[503, 503, 503]) as specialist:
        router = _router(store, specialist.url)
        failed = router.handle("/", _binary("h1"), json.dumps(EVENT).encode())
        retried = router.handle("/", _binary("h1"), json.dumps(EVENT).encode())
    assert failed.status == 503 and "Retry-After" in failed.headers
    assert retried.status == 202
    (item,) = retried.body["accepted"]
    assert item["new"] and item["occurrences"] == 1  # the failed attempt's sighting, not a second one
    ids = {r.json()["investigation_id"] for r in specialist.requests}
    assert len(ids) == 1 and len(specialist.requests) == 4


def test_a_retried_alertmanager_webhook_whose_hand_off_failed_is_handed_off_not_called_a_replica(store):
    body = json.dumps(ALERT).encode()
    with CaptureServer(statuses=[503, 503, 503]) as specialist:
        router = _router(store, specialist.url)
        failed = router.handle("/alertmanager", {"Content-Type": "application/json"}, body)
        retried = router.handle("/alertmanager", {"Content-Type": "application/json"}, body)
        replica = router.handle("/alertmanager", {"Content-Type": "application/json"}, body)
    assert failed.status == 503 and retried.status == 202
    assert "duplicate" not in retried.body["accepted"][0]
    assert replica.body["accepted"][0]["duplicate"]
    assert len(specialist.requests) == 4  # three failed tries, then the one hand-off


def test_sightings_racing_a_hand_off_under_way_get_409_and_their_retries_do_not_hand_off_again(store):
    barrier = threading.Barrier(6)
    with CaptureServer(on_request=lambda _: time.sleep(0.3)) as specialist:  # a slow Broker
        router = _router(store, specialist.url)

        def sighting(n):
            barrier.wait()
            return router.handle("/", _binary(f"race-{n}"), json.dumps({**EVENT, "count": n}).encode())

        with ThreadPoolExecutor(6) as pool:
            first = list(pool.map(sighting, range(6)))
        retried = [router.handle("/", _binary(f"race-{n}"), json.dumps({**EVENT, "count": n}).encode())
                   for n, reply in enumerate(first) if reply.status == 409]
    assert {r.status for r in first} <= {202, 409} and all(r.status == 202 for r in retried)
    assert all("Retry-After" in r.headers for r in first if r.status == 409)
    assert len(specialist.requests) == 1
    occurrences = [r.body["accepted"][0]["occurrences"] for r in first + retried if r.status == 202]
    assert max(occurrences) == 6  # every sighting once, the retries none


def test_alertmanager_replicas_sending_the_same_alert_start_one_investigation(store):
    with CaptureServer() as specialist:
        router = _router(store, specialist.url)
        body = json.dumps(ALERT).encode()
        a = router.handle("/alertmanager", {"Content-Type": "application/json"}, body)
        b = router.handle("/alertmanager", {"Content-Type": "application/json"}, body)
    assert a.status == 202 and b.status == 202
    assert len(specialist.requests) == 1


def test_the_alertmanager_endpoint_requires_the_bearer_token_when_one_is_set(store):
    body = json.dumps(ALERT).encode()
    with CaptureServer() as specialist:
        router = _router(store, specialist.url, alertmanager_token="s3cret")
        denied = router.handle("/alertmanager", {"Content-Type": "application/json"}, body)
        allowed = router.handle("/alertmanager", {"Authorization": "Bearer s3cret"}, body)
    assert denied.status == 401 and allowed.status == 202


def test_a_failure_that_persists_stays_one_investigation_past_the_window_and_records_when_last_seen(store):
    from shared.state import coalescing

    with CaptureServer() as specialist:
        router = _router(store, specialist.url, coalesce_window_s=1)
        replies = []
        for n in range(5):  # an update every 0.4 s for 2 s: twice the window, never quiet for a window
            replies.append(router.handle("/", _binary(f"p{n}"), json.dumps({**EVENT, "count": 10 + n}).encode()))
            time.sleep(0.4)
        items = [r.body["accepted"][0] for r in replies]
        investigation = items[0]["investigation_id"]
        first_seen_by_router = coalescing.last_seen(store, investigation)
        assert {i["investigation_id"] for i in items} == {investigation}
        assert items[-1]["occurrences"] == 5 and len(specialist.requests) == 1
        time.sleep(1.3)  # quiet for longer than the window: the failure stopped; a new one is new
        later = router.handle("/", _binary("p9"), json.dumps({**EVENT, "count": 30}).encode())
    assert later.body["accepted"][0]["new"] and later.body["accepted"][0]["investigation_id"] != investigation
    assert coalescing.last_seen(store, investigation) >= first_seen_by_router


def test_a_redelivery_of_a_deferred_event_does_not_skip_admission(store):
    with CaptureServer() as specialist:
        router = _router(store, specialist.url, admission_limit=1)
        router.admission_window_s = 30.0  # the budget stays spent for the whole test
        router.background_drain = False
        router.handle("/", _binary("d1"), json.dumps(EVENT).encode())
        other = {**EVENT, "involvedObject": {**EVENT["involvedObject"], "name": "billing-7d9f8b6c5d-x2x9k"}}
        deferred = router.handle("/", _binary("d2"), json.dumps(other).encode())
        redelivered = router.handle("/", _binary("d2"), json.dumps(other).encode())
        time.sleep(0.3)
    assert deferred.status == redelivered.status == 202
    assert deferred.body["accepted"][0]["deferred"] and redelivered.body["accepted"][0]["deferred"]
    assert len(specialist.requests) == 1  # the budget binds: the redelivery waits like the first
