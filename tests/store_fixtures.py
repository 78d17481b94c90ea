"""The two KeyValueStore implementations, for contract tests: the embedded SQLite and the real Redis."""

import os
import socket
import uuid
from urllib.parse import urlparse

import pytest

# Tests take their Redis from the environment (.ci/run starts one on the default); every key a test
# writes sits under a unique prefix and is removed by the test or expires.
REDIS_URL = os.environ.get("KUBETRIAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_listening() -> bool:
    url = urlparse(REDIS_URL)
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    yield from _store(request, tmp_path)


@pytest.fixture(params=["sqlite", "redis", "redis-cluster"])
def contract_store(request, tmp_path):
    """The stores the contract tests run on: the embedded one, one Redis, a three-master Redis Cluster."""
    if request.param == "redis-cluster":
        from tests.redis_cluster import cluster_store

        store, remove = cluster_store(request.getfixturevalue("redis_cluster_url"))
        yield store
        remove()
        return
    yield from _store(request, tmp_path)


def _store(request, tmp_path):
    if request.param == "sqlite":
        from shared.stores.sqlite import SqliteStore

        yield SqliteStore(str(tmp_path / "state.sqlite3"))
        return
    if not redis_listening():
        pytest.skip(f"no Redis at {REDIS_URL} (.ci/run starts one)")
    from shared.stores.redis import RedisStore

    prefix = f"test:{uuid.uuid4().hex}:"
    yield RedisStore(REDIS_URL, prefix=prefix)
    remove_keys(prefix)


def remove_keys(prefix: str) -> None:
    """Delete every key a test wrote under its prefix (tests leave no keys behind)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}*", count=500):
        client.delete(key)
    client.close()
