"""The local Messages API refuses what the real one refuses (400, its words), so a protocol mistake of the
claude planner fails here: max_tokens in the middle of a tool_use, pause_turn, refusal; and the deadline."""

import time

import anthropic
import pytest

from devtools.messages_api import error, message, serve_messages_api, text, tool_use
from shared.planners.model_client import ModelClient, ModelUnavailable
from tests.planners.test_claude import FINDING, SUBMIT, Tools, _planner, _run

USER = {"role": "user", "content": "why does api-1 crash?"}


def _send(url, messages):
    client = anthropic.Anthropic(api_key="k", base_url=url, max_retries=0)
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64, messages=messages)


@pytest.mark.parametrize("messages,said", [
    ([USER, USER], 'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row'),
    ([{"role": "assistant", "content": "hi"}, USER], 'messages: first message must use the "user" role'),
    ([USER, {"role": "assistant", "content": [tool_use("list_events", {}, "toolu_1")]},
      {"role": "user", "content": "go on"}],
     "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1. Each "
     "`tool_use` block must have a corresponding `tool_result` block in the next message."),
    ([USER, {"role": "assistant", "content": [text("ok")]},
      {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_9", "content": "x"}]}],
     "messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_9. Each `tool_result` "
     "block must have a corresponding `tool_use` block in the previous message."),
], ids=["two user turns in a row", "an assistant turn first", "a tool_use left unanswered",
        "a tool_result answering nothing"])
def test_the_local_api_refuses_a_broken_conversation_as_the_real_one_does(messages, said):
    with serve_messages_api([message([text("never sent")])]) as api, \
            pytest.raises(anthropic.BadRequestError) as refused:
        _send(api.url, messages)
    assert refused.value.status_code == 400
    assert refused.value.body["error"] == {"type": "invalid_request_error", "message": said}


def test_a_paused_turn_is_sent_back_as_it_came_and_continued():
    script = [message([text("Looking at the events first.")], "pause_turn"),
              message([tool_use("submit_diagnosis", SUBMIT, "toolu_s")], "tool_use")]
    with serve_messages_api(script) as api:
        outcome = _run(_planner(api.url), {}, Tools())
    assert api.refused == []
    assert api.requests[1]["messages"][-1] == {"role": "assistant",
                                               "content": [text("Looking at the events first.")]}
    assert outcome.done and outcome.finding.category == "crashloop_missing_env"


def test_max_tokens_in_the_middle_of_a_tool_use_is_not_sent_back_unanswered():
    cut = {"type": "tool_use", "id": "toolu_cut", "name": "list_events", "input": {}}
    script = [message([text("I will read the events"), cut], "max_tokens"),
              message([tool_use("submit_diagnosis", SUBMIT, "toolu_s")], "tool_use")]
    with serve_messages_api(script) as api:
        tools = Tools()
        outcome = _run(_planner(api.url), {}, tools)
    assert api.refused == []  # the cut-off tool_use is dropped, not left without its tool_result
    assert tools.calls == []  # and never run: its input was cut off
    assert outcome.done and outcome.finding.category == "crashloop_missing_env"


def test_a_refusal_ends_the_model_path_with_the_analyzers_finding():
    with serve_messages_api([message([], "refusal")]) as api:
        outcome = _run(_planner(api.url), {}, Tools())
    assert len(api.requests) == 1 and api.refused == []
    assert outcome.done and outcome.finding == FINDING


def test_retries_stop_at_the_deadline_even_when_the_api_asks_to_wait():
    client = ModelClient(api_key="k", base_url=None, max_attempts=4, timeout_s=60)
    with serve_messages_api([error(529, retry_after=20)] * 4) as api:
        client = ModelClient(api_key="k", base_url=api.url, max_attempts=4, timeout_s=60)
        started = time.monotonic()
        with pytest.raises(ModelUnavailable):
            client.create(deadline=time.monotonic() + 3, model="m", max_tokens=8, messages=[USER])
    assert time.monotonic() - started < 3 and len(api.requests) == 1  # a 20 s wait would end past it


def test_no_call_is_started_without_time_left_for_an_answer():
    with serve_messages_api([message([text("late")])]) as api:
        client = ModelClient(api_key="k", base_url=api.url)
        with pytest.raises(ModelUnavailable):
            client.create(deadline=time.monotonic() + 0.2, model="m", max_tokens=8, messages=[USER])
    assert api.requests == []
