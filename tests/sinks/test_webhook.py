"""The webhook sink: a signature a receiver can check, retries, and a dead letter for what never got through."""

import json

import pytest

from devtools.http_capture import CaptureServer
from shared.errors import DeliveryError
from shared.sinks import deliver_once
from shared.sinks.webhook import REPLAY_WINDOW_S, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookSink, verify
from shared.state import dead_letters
from tests.sinks.test_sinks import _diagnosis

SECRET = "whsec-test-0123456789"


def _signed_request(clock=lambda: 1_800_000_000.0):
    with CaptureServer() as server:
        WebhookSink(server.url, secret=SECRET, clock=clock).deliver(_diagnosis())
    (req,) = server.requests
    return req


def test_the_receiver_can_verify_the_signature_over_timestamp_and_body():
    req = _signed_request()
    assert verify(SECRET, req.headers[TIMESTAMP_HEADER.lower()], req.body, req.headers[SIGNATURE_HEADER.lower()],
                  now=1_800_000_010.0)
    assert req.json()["investigation_id"] == "inv-abc123"
    assert req.headers["idempotency-key"] == "diagnosis-inv-abc123"


@pytest.mark.parametrize(
    ("tamper", "now"),
    [
        (lambda body, ts: (body.replace(b"crashloop_missing_env", b"healthy"), ts), 1_800_000_010.0),
        (lambda body, ts: (body, str(int(ts) + 1)), 1_800_000_010.0),
        (lambda body, ts: (body, ts), 1_800_000_000.0 + REPLAY_WINDOW_S + 1),
    ],
    ids=["a changed body fails", "a changed timestamp fails", "a replay after the window fails"],
)
def test_a_tampered_or_replayed_request_fails_verification(tamper, now):
    req = _signed_request()
    body, ts = tamper(req.body, req.headers[TIMESTAMP_HEADER.lower()])
    assert not verify(SECRET, ts, body, req.headers[SIGNATURE_HEADER.lower()], now=now)


def test_without_a_secret_nothing_claims_to_be_signed():
    with CaptureServer() as server:
        WebhookSink(server.url).deliver(_diagnosis())
    assert SIGNATURE_HEADER.lower() not in server.requests[0].headers


def test_what_never_got_through_is_a_dead_letter_until_a_later_delivery_clears_it(store):
    d = _diagnosis()
    with CaptureServer(statuses=[503, 503, 503]) as server:
        sinks = [WebhookSink(server.url, secret=SECRET, store=store)]
        with pytest.raises(DeliveryError):
            deliver_once(store, d, sinks)
        (letter,) = [x for x in dead_letters.undelivered(store) if x["investigation_id"] == d.investigation_id]
        assert letter["sink"] == "webhook" and "HTTP 503" in letter["error"]
        assert letter["payload"]["summary"] == d.summary
        deliver_once(store, d, sinks)  # the platform's redelivery gets through
    assert not [x for x in dead_letters.undelivered(store) if x["investigation_id"] == d.investigation_id]
    assert len(server.requests) == 4
    store.delete(dead_letters.INDEX_KEY)


def test_a_refused_post_is_a_dead_letter_too_and_is_not_retried(store):
    with CaptureServer(statuses=[410]) as server, pytest.raises(DeliveryError) as err:
        WebhookSink(server.url, store=store).deliver(_diagnosis())
    assert not err.value.retryable and len(server.requests) == 1
    assert json.dumps(dead_letters.undelivered(store)).count("HTTP 410") == 1
    store.delete(dead_letters.INDEX_KEY)
    store.delete("deadletter:inv-abc123:webhook")
