"""The KeyValueStore adapters: Redis when REDIS_URL is set, the embedded SQLite file otherwise."""

from __future__ import annotations

from pathlib import Path

from shared.ports import KeyValueStore
from shared.settings import Settings


def open_store(settings: Settings) -> KeyValueStore:
    if settings.redis_url:
        from shared.stores.redis import RedisStore

        return RedisStore(settings.redis_url, prefix=settings.redis_prefix)
    from shared.stores.sqlite import SqliteStore

    return SqliteStore(str(Path(settings.state_dir) / "state.sqlite3"))
