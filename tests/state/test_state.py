"""Domain state on both stores: coalescing, leases and fencing, checkpoints, memory, breaker, admission."""

import threading
from dataclasses import replace

import pytest

from shared.diagnosis import Diagnosis, Tokens
from shared.errors import LeaseHeld, LeaseLost, OverAdmissionLimit
from shared.incident import Incident
from shared.state import admission, checkpoints, coalescing, leases, memory
from shared.state.breaker import Breaker

INCIDENT = Incident(fingerprint="fp-" + "a" * 20, source="apiserver", family="crashloop", reason="BackOff",
                    message="m", cluster="prod", namespace="shop", object_kind="Pod", object_name="api-x",
                    workload_kind="Deployment", workload="api")


def _diagnosis(inv, category="crashloop_missing_env"):
    return Diagnosis(inv, INCIDENT.to_dict(), "k8s_troubleshooter", "completed", "s", "r", category, (), (), (),
                     0.9, "rules", 1, 1, Tokens(), 1, "t0", "t1")


def test_repeats_in_the_window_join_one_investigation_and_count(store):
    first = coalescing.coalesce(store, INCIDENT, 600)
    second = coalescing.coalesce(store, INCIDENT, 600)
    assert first.created and not second.created
    assert second.investigation_id == first.investigation_id and second.occurrences == 2
    assert coalescing.load_incident(store, first.investigation_id) == INCIDENT


def test_the_same_delivery_again_answers_as_first_and_counts_nothing(store):
    first = coalescing.coalesce(store, INCIDENT, 600, delivery="ce:abc:0")
    again = coalescing.coalesce(store, INCIDENT, 600, delivery="ce:abc:0")
    other = coalescing.coalesce(store, INCIDENT, 600, delivery="ce:def:0")
    assert (again.investigation_id, again.created, again.occurrences) == (first.investigation_id, True, 1)
    assert again.redelivery and not first.redelivery and not other.redelivery
    assert other.occurrences == 2
    coalescing.mark_handed_off(store, first.investigation_id)
    assert coalescing.coalesce(store, INCIDENT, 600, delivery="ce:abc:0").handed_off is True


def test_two_replicas_racing_on_one_incident_start_one_investigation(store):
    results, barrier = [], threading.Barrier(6)

    def replica():
        barrier.wait()
        results.append(coalescing.coalesce(store, INCIDENT, 600))

    threads = [threading.Thread(target=replica) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sum(r.created for r in results) == 1
    assert len({r.investigation_id for r in results}) == 1
    assert max(r.occurrences for r in results) == 6


def test_an_investigation_not_handed_off_is_reported_so_it_is_handed_off_again(store):
    first = coalescing.coalesce(store, INCIDENT, 600)
    assert coalescing.coalesce(store, INCIDENT, 600).handed_off is False
    coalescing.mark_handed_off(store, first.investigation_id)
    assert coalescing.coalesce(store, INCIDENT, 600).handed_off is True


def test_after_the_window_a_new_investigation_starts(store):
    first = coalescing.coalesce(store, INCIDENT, 1)
    import time

    time.sleep(1.2)
    assert coalescing.coalesce(store, INCIDENT, 1).investigation_id != first.investigation_id


def test_a_held_lease_refuses_others_and_an_expired_one_is_taken_with_a_higher_token(store):
    a = leases.acquire(store, "inv-1", "a", 0.3)
    with pytest.raises(LeaseHeld):
        leases.acquire(store, "inv-1", "b", 0.3)
    import time

    time.sleep(0.45)
    b = leases.acquire(store, "inv-1", "b", 5)
    assert b.token > a.token


def test_a_fenced_out_holder_cannot_save_its_checkpoint(store):
    a = leases.acquire(store, "inv-2", "a", 0.2)
    checkpoints.save(store, a, {"steps": 1}, 60)
    import time

    time.sleep(0.3)
    leases.acquire(store, "inv-2", "b", 5)
    with pytest.raises(LeaseLost):
        checkpoints.save(store, a, {"steps": 2}, 60)
    assert checkpoints.load(store, "inv-2") == {"steps": 1}


def test_memory_recalls_by_fingerprint_and_workload_but_never_across_namespaces(store):
    memory.remember(store, INCIDENT, _diagnosis("inv-a"), 60)
    sibling = replace(INCIDENT, fingerprint="fp-other", object_name="api-y")
    other_ns = replace(INCIDENT, namespace="payments")
    assert [d["investigation_id"] for d in memory.recall(store, INCIDENT)] == ["inv-a"]
    assert [d["investigation_id"] for d in memory.recall(store, sibling)] == ["inv-a"]  # same workload
    assert memory.recall(store, other_ns) == []
    assert memory.last_for_fingerprint(store, INCIDENT, 60)["investigation_id"] == "inv-a"


def test_the_breaker_opens_after_failures_lets_one_probe_through_and_closes_on_success(store):
    now = [1000.0]
    breaker = Breaker(store, "model", failure_threshold=3, open_s=30, clock=lambda: now[0])
    other_replica = Breaker(store, "model", failure_threshold=3, open_s=30, clock=lambda: now[0])
    for _ in range(3):
        breaker.record_failure()
    assert other_replica.state() == "open" and not other_replica.allow()
    now[0] += 31
    assert breaker.allow() is True and other_replica.allow() is False  # one probe
    breaker.record_success()
    assert other_replica.state() == "closed" and other_replica.allow()


def test_admission_refuses_over_the_limit_with_a_retry_after(store):
    for _ in range(3):
        admission.admit(store, "router", 3, 60)
    with pytest.raises(OverAdmissionLimit) as err:
        admission.admit(store, "router", 3, 60)
    assert 1 <= err.value.retry_after_s <= 61


def test_a_router_that_did_not_see_the_window_open_still_joins_it(store):
    # Another replica opened the window: this process's guess is wrong, and it asks again naming the id.
    first = coalescing.coalesce(store, INCIDENT, 600, delivery="ce:replica-a:0")
    coalescing._RECENT.clear()
    joined = coalescing.coalesce(store, INCIDENT, 600, delivery="ce:replica-b:0")
    coalescing._RECENT[INCIDENT.fingerprint] = "inv-stale-0000000000"
    again = coalescing.coalesce(store, INCIDENT, 600, delivery="ce:replica-c:0")
    assert joined.investigation_id == again.investigation_id == first.investigation_id
    assert (joined.created, joined.occurrences, again.occurrences) == (False, 2, 3)
