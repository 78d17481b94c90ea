"""The bench's own plumbing: what it feeds, what it counts, what its table says. No timings asserted."""

import json

import pytest

from bench import delivery, storm
from bench.__main__ import table
from tests.store_fixtures import redis_listening


def test_the_storm_is_half_noise_over_every_pod_with_unique_cloudevent_ids():
    batch = storm.events(pods=7, updates=3)
    bodies = [json.loads(body) for _, body in batch]
    assert len(batch) == 7 * 3 * 2
    assert sum(b["type"] == "Warning" and b["reason"] == "BackOff" for b in bodies) == len(batch) / 2
    assert len({b["involvedObject"]["name"] for b in bodies}) == 7
    assert len({headers["ce-id"] for headers, _ in batch}) == len(batch)
    assert storm.events(pods=1, updates=1)[0][0]["ce-id"] != storm.events(pods=1, updates=1)[0][0]["ce-id"]


@pytest.mark.skipif(not redis_listening(), reason="no Redis for the tests (.ci/run starts one)")
def test_a_small_storm_through_the_real_router_process_starts_and_hands_off_one_investigation_per_pod():
    result = storm.run(repeats=1, updates=3, pods=5)
    assert result["investigations_started"] == [5]
    assert result["handed_off"] == 5  # with what was answered 409 and delivered again
    assert result["events"] == 30 and result["router_events_per_s"] > 0 and result["floor_events_per_s"] > 0


def _results(**overrides):
    base = {
        "cores": 2, "quick": False,
        "storm": {"router_events_per_s": 900.0, "floor_events_per_s": 1500.0, "ratio": 1.667,
                  "investigations_started": [200], "pods": 200, "met": False},
        "offline_latency": {"median_ms": 12.0, "met": True},
    }
    return {**base, **overrides}


def test_the_table_names_a_missed_target_and_a_met_one_and_the_core_count():
    text = table(_results())
    storm_line = next(line for line in text.splitlines() if line.startswith("storm"))
    latency_line = next(line for line in text.splitlines() if line.startswith("offline diagnosis latency"))
    assert "MISSED" in storm_line and "ratio 1.667" in storm_line
    assert latency_line.endswith("met")
    assert "on 2 cores" in text.splitlines()[0]


def test_a_bench_that_broke_shows_its_error_in_the_table():
    text = table(_results(storm={"error": "TimeoutError: no answer on 4242", "met": False}))
    assert "storm: ERROR TimeoutError: no answer on 4242" in text


@pytest.mark.slow
@pytest.mark.skipif(not redis_listening(), reason="no Redis for the tests (.ci/run starts one)")
def test_incidents_sent_many_times_with_duplicated_hand_offs_reach_the_sink_once_each():
    result = delivery.run(incidents=30)
    assert result["sightings"] >= 30 and result["duplicated_hand_offs"] > 0
    assert (result["lost"], result["doubled"], result["unattributed_posts"]) == (0, 0, 0), result
    assert result["posts"] == 30 + result["repeats_same_id"]


def test_the_table_shows_the_delivery_figures():
    figures = {"incidents": 1000, "sightings": 5500, "routers": 4, "troubleshooters": 2, "hand_offs": 1000,
               "duplicated_hand_offs": 300, "redelivered": 12, "repeats_same_id": 0, "lost": 0, "doubled": 1,
               "met": False}
    line = next(x for x in table(_results(delivery=figures)).splitlines() if x.startswith("delivery"))
    assert "0 / 1" in line and "MISSED" in line and "300 twice" in line


def test_the_table_shows_each_specialists_cold_start_beside_the_troubleshooters():
    cold = {"floor_s": 0.2, "repeats": 1, **{n: {"seconds": 0.3, "ratio": 1.5, "target": 2.0, "met": True}
                                            for n in ("router", "k8s_troubleshooter", "cost_analyzer",
                                                      "security_auditor")}}
    text = table(_results(cold_start=cold))
    for name in ("k8s_troubleshooter", "cost_analyzer", "security_auditor"):
        assert any(line.startswith(f"cold start: {name} (s)") for line in text.splitlines()), name
