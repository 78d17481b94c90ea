"""Slack against a loopback Slack that refuses what the real one refuses: shape, limits, repeats, retries."""

import dataclasses
import time

import pytest

from devtools.slack_api import SlackServer, block_problems
from shared.diagnosis import EvidenceItem
from shared.errors import DeliveryError
from shared.sinks.slack import SlackSink
from shared.sinks.slack_blocks import render
from tests.sinks.test_sinks import _diagnosis

TOKEN = "xoxb-test-token"


def _incident(**over):
    inc = {"namespace": "shop", "pod": "api-7c9f8d6b5-x2k4q", "object_name": "api-7c9f8d6b5-x2k4q",
           "object_kind": "Pod", "cluster": "prod-eu", "fingerprint": "fp-api", "severity": "warning"}
    return {**inc, **over}


def _texts(body):
    out = [body["text"]]
    for block in body["blocks"]:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [f["text"] for f in block.get("fields", [])] + [e["text"] for e in block.get("elements", [])]
    return "\n".join(out)


def test_the_message_leads_with_the_summary_and_ends_with_a_footer_a_person_can_act_on():
    d = _diagnosis(incident=_incident(), tokens=dataclasses.replace(_diagnosis().tokens, input=900, output=100))
    with SlackServer() as slack:
        SlackSink(slack.webhook_url).deliver(d)
    (req,) = slack.posts
    body = req["body"]
    assert block_problems(body) == []
    header, *rest = body["blocks"]
    assert header["type"] == "header" and "DATABASE_URL is not set" in header["text"]["text"]
    text = _texts(body)
    assert "crashloop_missing_env" in text and "The container exits 1" in text
    assert "```KeyError: 'DATABASE_URL'```" in text  # evidence as code
    assert "kubectl -n shop set env deploy/api DATABASE_URL=..." in text
    footer = body["blocks"][-1]
    assert footer["type"] == "context"
    foot = footer["elements"][0]["text"]
    for fact in ("prod-eu", "shop", "inv-abc123", "planner rules", "tokens 1000", "took 1.0 s", "seen 3×"):
        assert fact in foot, fact


def test_the_chain_from_symptom_to_root_is_shown_in_order():
    d = _diagnosis(incident=_incident())
    chain = [{"object": "Pod/shop/cart-api-1", "observation": "crash-loops: ECONNREFUSED redis:6379"},
             {"object": "StorageClass/fast-ssd", "observation": "does not exist"}]
    object.__setattr__(d, "chain", chain)  # the field the chain work adds to Diagnosis
    text = _texts(render(d))
    assert text.index("Pod/shop/cart-api-1") < text.index("StorageClass/fast-ssd")


def test_a_rules_diagnosis_says_no_model_was_called():
    foot = render(_diagnosis(incident=_incident()))["blocks"][-1]["elements"][0]["text"]
    assert "no model call" in foot


def test_cluster_text_cannot_ping_the_channel_link_elsewhere_or_break_out_of_a_code_block():
    d = _diagnosis(incident=_incident(), summary="<!channel> crash",
                   root_cause="see <https://evil.example|here>",
                   evidence=(EvidenceItem("logs", "```\n*bold* <!here>"),))
    body = render(d)
    assert body["blocks"][0]["text"]["type"] == "plain_text"  # Slack never parses mentions in plain text
    body = {**body, "blocks": body["blocks"][1:]}
    text = _texts(body)
    assert "<!channel>" not in text and "<!here>" not in text and "<https://evil.example|here>" not in text
    evidence_block = next(b for b in body["blocks"] if "*logs*" in b.get("text", {}).get("text", ""))
    assert evidence_block["text"]["text"].count("```") == 2


def test_a_message_far_over_slacks_limits_is_trimmed_with_a_note_and_accepted():
    huge = "x" * 20_000
    d = _diagnosis(incident=_incident(), summary="s" * 400, root_cause=huge,
                   evidence=tuple(EvidenceItem(f"logs {i}", huge) for i in range(80)),
                   recommendations=tuple(huge for _ in range(30)), commands=tuple(huge for _ in range(30)))
    with SlackServer() as slack:
        SlackSink(slack.webhook_url).deliver(d)
    body = slack.posts[0]["body"]
    assert block_problems(body) == []
    assert "trimmed" in _texts(body) and "kubetriage show inv-abc123" in _texts(body)
    assert "77 more evidence items" in _texts(body)


def test_a_bot_updates_its_message_when_the_same_diagnosis_comes_again(store):
    first = _diagnosis(incident=_incident(), occurrences=3)
    again = _diagnosis(incident=_incident(last_seen="2026-12-05T11:00:00Z"), investigation_id="inv-later",
                       occurrences=4)
    with SlackServer(bot_token=TOKEN) as slack:
        sink = SlackSink(bot_token=TOKEN, channel="C0ONCALL", api_url=slack.api_url, store=store)
        sink.deliver(first)
        sink.deliver(again)
    post, update = slack.posts
    assert post["path"].endswith("/chat.postMessage") and update["path"].endswith("/chat.update")
    (ts,) = slack.messages
    assert update["body"]["ts"] == ts and update["body"]["channel"] == "C0ONCALL"
    foot = update["body"]["blocks"][-1]["elements"][0]["text"]
    assert "seen 7×" in foot and "2026-12-05T11:00:00Z" in foot


def test_a_changed_diagnosis_is_news_and_gets_a_message_of_its_own(store):
    first = _diagnosis(incident=_incident())
    changed = _diagnosis(incident=_incident(), investigation_id="inv-later", category="oom_killed",
                         summary="api is OOMKilled at 512Mi")
    with SlackServer(bot_token=TOKEN) as slack:
        sink = SlackSink(bot_token=TOKEN, channel="C0ONCALL", api_url=slack.api_url, store=store)
        sink.deliver(first)
        sink.deliver(changed)
    assert [p["path"].rsplit("/", 1)[-1] for p in slack.posts] == ["chat.postMessage", "chat.postMessage"]
    assert len(slack.messages) == 2


def test_through_a_webhook_an_unchanged_repeat_posts_nothing_and_a_change_posts(store):
    with SlackServer() as slack:
        sink = SlackSink(slack.webhook_url, store=store)
        sink.deliver(_diagnosis(incident=_incident()))
        sink.deliver(_diagnosis(incident=_incident(), investigation_id="inv-2"))
        assert len(slack.posts) == 1
        sink.deliver(_diagnosis(incident=_incident(), investigation_id="inv-3", summary="api: new cause"))
    assert len(slack.posts) == 2


def test_a_429_is_retried_after_the_retry_after_slack_asked_for():
    with SlackServer(queued=[(429, {"Retry-After": "1"})]) as slack:
        SlackSink(slack.webhook_url).deliver(_diagnosis(incident=_incident()))
    first, second = slack.posts
    assert second["at"] - first["at"] >= 0.95


def test_server_errors_are_retried_and_then_left_to_the_platform_as_retryable():
    with SlackServer(queued=[(503, {}), (500, {}), (502, {})]) as slack, pytest.raises(DeliveryError) as err:
        SlackSink(slack.webhook_url).deliver(_diagnosis(incident=_incident()))
    assert err.value.retryable and len(slack.posts) == 3


@pytest.mark.parametrize(
    ("token", "queued", "retryable"),
    [("xoxb-wrong", [], False), (TOKEN, [(429, {"Retry-After": "60"})], True)],
    ids=["a wrong bot token is refused for good", "a rate limit longer than we wait goes back to the platform"],
)
def test_web_api_failures_say_whether_a_retry_can_help(token, queued, retryable):
    with SlackServer(bot_token=TOKEN, queued=list(queued)) as slack, pytest.raises(DeliveryError) as err:
        start = time.monotonic()
        SlackSink(bot_token=token, channel="C0ONCALL", api_url=slack.api_url).deliver(_diagnosis(incident=_incident()))
    assert err.value.retryable is retryable
    assert time.monotonic() - start < 5  # never sleeps through a long Retry-After inside the invocation


def test_repeats_of_a_diagnosed_incident_update_the_bots_message_at_most_once_a_minute(tmp_path):
    """Through the router: the event again and again; the message says how often, no second message."""
    import json as _json
    from dataclasses import replace

    from devtools.scenarios import render_suite
    from shared.cli import request_for
    from shared.cluster.snapshot import load_snapshot
    from shared.runtime import build_local
    from shared.settings import Settings
    from shared.stores.sqlite import SqliteStore

    (snapshot,) = render_suite(tmp_path / "suite", ["crashloop-missing-env-python-checkout"])
    event = _json.loads((snapshot / "event.json").read_text())
    store = SqliteStore(str(tmp_path / "state.sqlite3"))
    with SlackServer(bot_token=TOKEN) as slack:
        settings = replace(Settings(), snapshot=str(snapshot), state_dir=str(tmp_path), slack_bot_token=TOKEN,
                           slack_channel="C0ONCALL", slack_api_url=slack.api_url)
        router, emitter = build_local(settings, store, cluster=load_snapshot(snapshot))
        for i in range(4):
            body = _json.dumps({**event, "count": event.get("count", 1) + i}).encode()
            path, headers = request_for("event", body)
            assert router.handle(path, headers, body).status == 202
            emitter.drain()
    methods = [p["path"].rsplit("/", 1)[-1] for p in slack.posts]
    assert methods == ["chat.postMessage", "chat.update"]  # one message; one refresh inside the minute
    (message,) = slack.messages.values()
    assert "seen 2×" in message["blocks"][-1]["elements"][0]["text"]
