"""The router over its HTTP contract: accepted, coalesced, noise, bad input, hand-off failures."""

import json
from pathlib import Path

import pytest

from devtools.http_capture import CaptureServer
from shared.events import INVESTIGATION_REQUESTED, HttpEmitter
from shared.router import Router
from shared.settings import Settings
from shared.stores.sqlite import SqliteStore

FIXTURES = Path(__file__).parent / "fixtures"
EVENT = json.loads((FIXTURES / "backoff_event.json").read_text())
ALERT = json.loads((FIXTURES / "alert_image_pull.json").read_text())


def _binary(ce_id, ce_type="dev.knative.apiserver.resource.update"):
    return {"ce-specversion": "1.0", "ce-type": ce_type, "ce-source": "https://k8s.example/apiserver",
            "ce-id": ce_id, "Content-Type": "application/json"}


@pytest.fixture
def store(tmp_path):
    return SqliteStore(str(tmp_path / "state.sqlite3"))


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
    assert again.status == first.status
    assert again.body["accepted"] == first.body["accepted"]
    assert len(specialist.requests) == 1


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
    ids = {r.json()["investigation_id"] for r in specialist.requests}
    assert len(ids) == 1 and len(specialist.requests) == 4


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
