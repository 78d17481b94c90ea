"""The two KeyValueStore implementations, for contract tests: the embedded SQLite and the real Redis."""

import socket
import uuid

import pytest

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_listening() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "sqlite":
        from shared.stores.sqlite import SqliteStore

        return SqliteStore(str(tmp_path / "state.sqlite3"))
    if not redis_listening():
        pytest.skip("no Redis at 127.0.0.1:6379 (.ci/run starts one)")
    from shared.stores.redis import RedisStore

    return RedisStore(REDIS_URL, prefix=f"test:{uuid.uuid4().hex}:")
