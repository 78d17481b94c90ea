"""Admission on both stores: a budget that binds in every window, and deferrals kept until handed off."""

import pytest

from shared.state import admission, coalescing, deferrals


def _grants(store, limit, window, attempts):
    return [t for t in attempts if admission.try_admit(store, "test", limit, window, now=t)]


def _most_in_any_window(times, window):
    return max(sum(1 for u in times if t <= u < t + window) for t in times)


@pytest.mark.parametrize(("limit", "window"), [(3, 10.0), (10, 60.0)], ids=["3 per 10 s", "10 per minute"])
def test_no_window_ever_holds_more_than_the_limit(store, limit, window):
    attempts = [1_000_000.0 + i * window / 23 for i in range(23 * 6)]  # steady pressure for six windows
    granted = _grants(store, limit, window, attempts)
    assert _most_in_any_window(granted, window) <= limit
    assert len(granted) >= limit * 4  # and it does admit: at least the limit in most windows


def test_a_burst_at_the_edge_of_a_fixed_window_is_still_bounded(store):
    edge = 2_000_000.0
    burst = [edge - 0.5 + i * 0.01 for i in range(100)]  # straddles a minute boundary
    assert len(_grants(store, 5, 60.0, burst)) == 5


def test_deferred_investigations_are_handed_off_in_order_as_the_budget_allows(store):
    ids = [f"inv-defertest{n}" for n in range(5)]
    for n, investigation in enumerate(ids):
        deferrals.defer(store, investigation, now=3_000_000.0 + n)
    handed = []

    def allow(budget):
        def hand_off(investigation):
            if len(handed) >= budget:
                return False
            coalescing.mark_handed_off(store, investigation)
            handed.append(investigation)
            return True
        return hand_off

    first = deferrals.drain(store, allow(2), now=3_000_100.0)
    assert (first.handed_off, first.pending) == (2, True)
    rest = deferrals.drain(store, allow(5), now=3_000_200.0)
    assert (rest.handed_off, rest.pending) == (3, False)
    assert handed == ids
    assert deferrals.drain(store, allow(99), now=3_000_300.0).handed_off == 0


def test_a_failing_hand_off_stays_queued(store):
    deferrals.defer(store, "inv-deferfail1", now=4_000_000.0)

    def broken(_):
        raise RuntimeError("broker down")

    assert deferrals.drain(store, broken, now=4_000_050.0) == deferrals.Drained(0, True, failed=True)

    def works(investigation):
        coalescing.mark_handed_off(store, investigation)
        return True

    assert deferrals.drain(store, works, now=4_000_060.0).handed_off == 1
