"""One contract, two stores: the embedded SQLite file and the real Redis server behave alike."""

import multiprocessing
import threading
import time

import pytest

from shared.stores.sqlite import SqliteStore


def test_put_and_get_round_trip(store):
    store.put("k", "v")
    assert store.get("k") == "v"
    assert store.get("missing") is None


def test_values_expire_after_their_ttl(store):
    store.put("short", "v", ttl_s=0.2)
    assert store.get("short") == "v" and 0 < store.ttl("short") <= 0.2
    time.sleep(0.35)
    assert store.get("short") is None
    assert store.put_if_absent("short", "again", ttl_s=5)


def test_put_if_absent_stores_only_once(store):
    assert store.put_if_absent("once", "a") is True
    assert store.put_if_absent("once", "b") is False
    assert store.get("once") == "a"


def test_put_if_guard_writes_only_while_the_guard_holds(store):
    # A guarded write and its guard share a hash tag: one slot, so Redis Cluster can run it atomically.
    store.put("{inv-1}:lease", "holder-1")
    assert store.put_if_guard("{inv-1}:cp", "one", "{inv-1}:lease", "holder-1") is True
    store.put("{inv-1}:lease", "holder-2")
    assert store.put_if_guard("{inv-1}:cp", "two", "{inv-1}:lease", "holder-1") is False
    assert store.get("{inv-1}:cp") == "one"


def test_delete_if_equal_leaves_another_value_alone(store):
    store.put("lease", "mine")
    assert store.delete_if_equal("lease", "theirs") is False
    assert store.delete_if_equal("lease", "mine") is True
    assert store.get("lease") is None


def test_incr_counts_from_zero_and_sets_the_ttl_on_creation(store):
    assert store.incr("n", ttl_s=60) == 1
    assert store.incr("n", 2, ttl_s=60) == 3
    assert store.ttl("n") is not None and store.ttl("n") <= 60
    assert store.ttl("no-such-key") is None


def test_racing_threads_let_exactly_one_put_if_absent_win(store):
    wins = []
    barrier = threading.Barrier(8)

    def race(n):
        barrier.wait()
        if store.put_if_absent("race", str(n)):
            wins.append(n)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1 and store.get("race") == str(wins[0])


def _race_in_process(path, n, results):
    results.put(SqliteStore(path).put_if_absent("proc-race", str(n)))


def test_racing_processes_share_one_sqlite_file_and_one_wins(tmp_path):
    path = str(tmp_path / "shared.sqlite3")
    SqliteStore(path)
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    procs = [ctx.Process(target=_race_in_process, args=(path, n, results)) for n in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    outcomes = [results.get(timeout=5) for _ in procs]
    assert outcomes.count(True) == 1


def test_put_if_absent_or_get_answers_the_winner_and_the_value_already_there(store):
    assert store.put_if_absent_or_get("k", "first", ttl_s=60) == (True, "first")
    assert store.put_if_absent_or_get("k", "second", ttl_s=60) == (False, "first")


def test_the_embedded_store_purges_what_has_expired(tmp_path):
    store = SqliteStore(str(tmp_path / "purge.sqlite3"))
    store.put("gone", "v", ttl_s=0.05)
    store.put("kept", "v", ttl_s=60)
    time.sleep(0.1)
    assert store.purge_expired() == 1
    rows = store._db().execute("SELECT key FROM kv").fetchall()
    assert rows == [("kept",)]
    store.put("gone-too", "v", ttl_s=0.05)
    time.sleep(0.1)
    assert SqliteStore(str(tmp_path / "purge.sqlite3"))._db().execute(  # opening purges
        "SELECT count(*) FROM kv WHERE key = 'gone-too'").fetchone() == (0,)


def test_claim_stores_only_under_the_guard_and_never_over_the_final_value(store):
    store.put("{inv-2}:lease", "holder-1|1", ttl_s=60)
    assert store.claim("{inv-2}:sink", "posting|holder-1|1", "{inv-2}:lease", "holder-1|1", "done", 60) == ("claimed", None)
    assert store.claim("{inv-2}:sink", "posting|holder-1|1", "{inv-2}:lease", "holder-2|2", "done", 60) == ("lost", None)
    store.put("{inv-2}:lease", "holder-2|2", ttl_s=60)
    assert store.claim("{inv-2}:sink", "posting|holder-2|2", "{inv-2}:lease", "holder-2|2", "done", 60) == (
        "claimed", "posting|holder-1|1")
    store.put("{inv-2}:sink", "done", ttl_s=60)
    assert store.claim("{inv-2}:sink", "posting|holder-2|2", "{inv-2}:lease", "holder-2|2", "done", 60) == ("final", "done")
    assert store.get("{inv-2}:sink") == "done" and 0 < store.ttl("{inv-2}:sink") <= 60


def test_a_guarded_write_across_hash_slots_is_a_store_error_on_a_cluster(contract_store, request):
    from shared.errors import StoreError

    if request.node.callspec.params["contract_store"] != "redis-cluster":
        pytest.skip("only a cluster has slots")
    with pytest.raises(StoreError):
        contract_store.put_if_guard("{a}:cp", "v", "{b}:lease", "holder")
