"""Broken on purpose: a SIGKILL or a store error at each named fault point, for both planners, over HTTP
with real processes and Redis: 0 lost, 0 doubled, 0 wrong.

Named points (shared.faults): after a tool ran and before its result was saved; after the sink post and
before it was recorded (once after K_SINK's post, once after Slack's); inside a model call (claude only:
the rules planner makes none); during the router's hand-off (after the emit, before it is recorded).
"""

import json
import uuid

import pytest

from devtools.http_capture import CaptureServer
from devtools.scenarios import render_suite
from shared import faults
from shared.cli import request_for
from tests.delivery.platform import Platform, base_env, counts, model_script, serve_messages_api
from tests.store_fixtures import REDIS_URL, redis_listening, remove_keys

SCENARIO = "crashloop-missing-env-python-checkout"
EXPECTED = "crashloop_missing_env"

pytestmark = pytest.mark.slow

CASES = [
    (faults.AFTER_TOOL_BEFORE_SAVE, "k8s_troubleshooter", 0),
    (faults.AFTER_TOOL_BEFORE_SAVE, "k8s_troubleshooter", 3),  # a later read, in a later invocation
    (faults.AFTER_SINK_POST_BEFORE_MARK, "k8s_troubleshooter", 0),  # after K_SINK (drops repeats)
    (faults.AFTER_SINK_POST_BEFORE_MARK, "k8s_troubleshooter", 1),  # after Slack (cannot)
    (faults.INSIDE_MODEL_CALL, "k8s_troubleshooter", 0),
    (faults.DURING_HAND_OFF, "router", 0),
]


@pytest.fixture(scope="module", params=["rules", "claude"])
def platform(request, tmp_path_factory):
    if not redis_listening():
        pytest.skip(f"no Redis at {REDIS_URL}")
    tmp = tmp_path_factory.mktemp("faults")
    (snapshot,) = render_suite(tmp / "suite", [SCENARIO])
    event = (snapshot / "event.json").read_bytes()
    namespace = json.loads(event)["involvedObject"]["namespace"]
    prefix = f"test:{uuid.uuid4().hex}:"
    with CaptureServer() as broker, CaptureServer() as sink, CaptureServer() as slack, \
            serve_messages_api(model_script(namespace, EXPECTED)) as api:
        env = base_env(tmp, snapshot, REDIS_URL, prefix, broker.url, sink.url, slack.url)
        if request.param == "claude":
            env.update(ANTHROPIC_API_KEY="test-key", ANTHROPIC_BASE_URL=api.url,
                       KUBETRIAGE_MODEL_SKIP_CONFIDENCE="0.999")  # every finding goes to the model
        world = Platform(env)
        try:
            world.start("router")
            world.start("k8s_troubleshooter")
            yield {"world": world, "broker": broker, "sink": sink, "slack": slack, "api": api, "event": event,
                   "prefix": prefix, "planner": request.param}
        finally:
            world.stop()
            remove_keys(prefix)


@pytest.mark.parametrize("action", ["kill", "store_error"])
@pytest.mark.parametrize("point,target,skip", CASES,
                         ids=[f"{p} in the {t} (hit {s + 1})" for p, t, s in CASES])
def test_a_fault_at_a_named_point_loses_nothing_doubles_nothing_and_answers_right(platform, point, target, skip,
                                                                                  action):
    if point == faults.INSIDE_MODEL_CALL and platform["planner"] == "rules":
        pytest.skip("the rules planner makes no model call")
    world, broker, sink, slack = platform["world"], platform["broker"], platform["sink"], platform["slack"]
    remove_keys(platform["prefix"])  # a fresh incident: no window, memory or Slack record from the last case
    sink.requests.clear()
    slack.requests.clear()
    calls_before = len(platform["api"].requests)
    world.disarm()
    world.arm(target, point, action, skip=skip)

    path, headers = request_for("event", platform["event"])
    headers["ce-id"] = uuid.uuid4().hex
    status, answer = world.deliver("router", platform["event"], headers, path=path)
    assert status == 202, answer
    (accepted,) = answer["accepted"]
    world.pump(broker)
    world.disarm()

    found = counts(sink, slack, {accepted["investigation_id"]: EXPECTED})
    assert (found["lost"], found["doubled"], found["wrong"], found["slack_lost"]) == (0, 0, 0, 0), found
    if platform["planner"] == "claude":
        assert len(platform["api"].requests) > calls_before  # the model was consulted
    if point == faults.AFTER_SINK_POST_BEFORE_MARK and skip == 0 and action == "kill":
        assert found["repeated_same_id"] == 1  # in doubt: posted again with the same event id
