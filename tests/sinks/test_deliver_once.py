"""deliver_once under the lease: the per-sink claim, posts in doubt, a fenced-out holder, the deadline."""

import time

import pytest

from devtools.http_capture import CaptureServer
from shared.errors import DeliveryError, LeaseLost
from shared.outbound import post_json
from shared.sinks import deliver_once
from shared.state import deliveries, leases
from tests.sinks.test_sinks import _diagnosis


class Recording:
    def __init__(self, name, idempotent):
        self.name, self.idempotent, self.posts = name, idempotent, 0

    def deliver(self, diagnosis, deadline=None):
        self.posts += 1


def _died_while_posting(store, investigation_id, sink_names):
    """An invocation that claimed the sinks, posted, and was killed before recording it."""
    dead = leases.acquire(store, investigation_id, leases.new_holder(), 0.2)
    for name in sink_names:
        assert deliveries.claim_sink(store, dead, name)[0] == "claimed"
    time.sleep(0.3)  # its lease lapses


def test_a_post_in_doubt_is_repeated_only_to_a_sink_that_drops_repeats(store):
    diagnosis = _diagnosis()
    _died_while_posting(store, diagnosis.investigation_id, ["k_sink", "slack"])
    k_sink, slack = Recording("k_sink", True), Recording("slack", False)
    assert deliver_once(store, diagnosis, [k_sink, slack]) == ["k_sink"]
    assert (k_sink.posts, slack.posts) == (1, 0)
    assert deliver_once(store, diagnosis, [k_sink, slack]) == []  # both recorded as done now
    assert deliveries.was_delivered(store, diagnosis.investigation_id, "slack")


def test_a_fenced_out_holder_posts_nothing(store):
    diagnosis = _diagnosis()
    mine = leases.acquire(store, diagnosis.investigation_id, leases.new_holder(), 0.2)
    time.sleep(0.3)
    leases.acquire(store, diagnosis.investigation_id, leases.new_holder(), 30)  # another took it over
    sink = Recording("k_sink", True)
    with pytest.raises(LeaseLost):
        deliver_once(store, diagnosis, [sink], lease=mine)
    assert sink.posts == 0


def test_a_sink_that_said_no_is_posted_again_by_the_redelivery(store):
    diagnosis = _diagnosis()

    class Down(Recording):
        def deliver(self, diagnosis, deadline=None):
            self.posts += 1
            raise DeliveryError("HTTP 503", sink=self.name)

    with pytest.raises(DeliveryError):
        deliver_once(store, diagnosis, [Down("slack", False)])
    slack = Recording("slack", False)
    assert deliver_once(store, diagnosis, [slack]) == ["slack"] and slack.posts == 1


def test_an_outbound_post_gives_up_at_its_deadline():
    with CaptureServer(statuses=[503] * 10) as server:
        started = time.monotonic()
        with pytest.raises(DeliveryError) as err:
            post_json(server.url, {}, sink="emitter", attempts=10, backoff_s=1.0, deadline=time.monotonic() + 0.5)
    assert err.value.retryable and len(server.requests) == 1  # the 1 s backoff would end past the deadline
    assert time.monotonic() - started < 1.0  # it did not wait out the backoff
