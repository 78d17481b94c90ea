"""Sinks over real HTTP on loopback: the CloudEvent to K_SINK, retries, Slack escaping, once only."""

import pytest

from devtools.http_capture import CaptureServer
from shared.diagnosis import Diagnosis, EvidenceItem, Tokens
from shared.errors import DeliveryError
from shared.sinks import deliver_once
from shared.sinks.cloudevent import DIAGNOSIS_COMPLETED, CloudEventSink
from shared.sinks.slack import SlackSink
from shared.sinks.webhook import WebhookSink
from shared.stores.sqlite import SqliteStore


def _diagnosis(**over):
    base = dict(
        investigation_id="inv-abc123",
        incident={"namespace": "shop", "pod": "api-7c9f8d6b5-x2k4q", "object_name": "api-7c9f8d6b5-x2k4q"},
        specialist="k8s_troubleshooter",
        status="completed",
        summary="api crash-loops: DATABASE_URL is not set",
        root_cause="The container exits 1 because DATABASE_URL is missing from its environment.",
        category="crashloop_missing_env",
        evidence=(EvidenceItem("logs shop/api/api (previous)", "KeyError: 'DATABASE_URL'"),),
        recommendations=("Set DATABASE_URL on deploy/api",),
        commands=("kubectl -n shop set env deploy/api DATABASE_URL=...",),
        confidence=0.9,
        planner="rules",
        steps=4,
        tool_calls=4,
        tokens=Tokens(),
        occurrences=3,
        started_at="2026-12-05T10:00:00Z",
        finished_at="2026-12-05T10:00:01Z",
    )
    base.update(over)
    return Diagnosis(**base)


def test_k_sink_gets_a_binary_cloudevent_whose_id_derives_from_the_investigation():
    with CaptureServer() as server:
        CloudEventSink(server.url).deliver(_diagnosis())
    (req,) = server.requests
    assert req.headers["ce-type"] == DIAGNOSIS_COMPLETED
    assert req.headers["ce-id"] == "diagnosis-inv-abc123"
    assert req.headers["ce-specversion"] == "1.0"
    assert req.json()["category"] == "crashloop_missing_env"


@pytest.mark.parametrize(
    ("statuses", "attempts", "retryable"),
    [([500, 503], 3, None), ([429], 2, None), ([500, 500, 500], 3, True), ([400], 1, False)],
    ids=[
        "two server errors are retried until the sink takes it",
        "a 429 is retried",
        "three server errors give up with a retryable error",
        "a 400 is not retried and is not retryable",
    ],
)
def test_http_sinks_retry_only_transient_failures(statuses, attempts, retryable):
    with CaptureServer(statuses=list(statuses)) as server:
        sink = WebhookSink(server.url)
        if retryable is None:
            sink.deliver(_diagnosis())
        else:
            with pytest.raises(DeliveryError) as err:
                sink.deliver(_diagnosis())
            assert err.value.retryable is retryable
    assert len(server.requests) == attempts


def test_a_sink_error_names_the_host_but_never_the_webhook_path():
    with CaptureServer(statuses=[404]) as server, pytest.raises(DeliveryError) as err:
        SlackSink(server.url + "services/T000/B000/XXXXSECRET").deliver(_diagnosis())
    assert "XXXXSECRET" not in str(err.value)
    assert "127.0.0.1" in str(err.value)


def test_slack_escapes_cluster_text_so_it_cannot_ping_the_channel():
    d = _diagnosis(summary="<!channel> crash", root_cause="see <https://evil.example|here>")
    with CaptureServer() as server:
        SlackSink(server.url).deliver(d)
    text = server.requests[0].json()["text"]
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "<https://evil.example|here>" not in text


def test_deliver_once_posts_each_sink_once_even_when_called_again(tmp_path):
    store = SqliteStore(str(tmp_path / "s.sqlite3"))
    with CaptureServer() as a, CaptureServer(statuses=[500, 500, 500]) as b:
        sinks = [WebhookSink(a.url), CloudEventSink(b.url)]
        with pytest.raises(DeliveryError):
            deliver_once(store, _diagnosis(), sinks)  # b fails: the platform would redeliver
        posted = deliver_once(store, _diagnosis(), sinks)  # the redelivery
        again = deliver_once(store, _diagnosis(), sinks)
    assert posted == ["k_sink"] and again == []
    assert len(a.requests) == 1
    assert len(b.requests) == 4  # three failed attempts, then the one that took it


def test_deliver_once_redacts_credentials_before_any_sink_sees_them(tmp_path):
    store = SqliteStore(str(tmp_path / "s.sqlite3"))
    leaked = "connect failed: postgres://app:hunter2secret@db:5432/app"
    with CaptureServer() as server:
        deliver_once(store, _diagnosis(root_cause=leaked), [WebhookSink(server.url)])
    assert "hunter2secret" not in server.requests[0].body.decode()
