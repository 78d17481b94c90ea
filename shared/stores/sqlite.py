"""The embedded store: one SQLite file, safe across threads and processes (WAL, BEGIN IMMEDIATE)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from shared.errors import StoreError

T = TypeVar("T")

_SCHEMA = "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL)"
_LIVE = "(expires IS NULL OR expires > ?)"
PURGE_EVERY = 1000


def _expiry(ttl_s: float | None) -> float | None:
    return None if ttl_s is None else time.time() + ttl_s


class SqliteStore:
    """KeyValueStore over a local file; a connection per thread, writes in immediate transactions."""

    def __init__(self, path: str) -> None:
        self.path = path
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._writes = 0
        with self._tx() as db:
            db.execute(_SCHEMA)
        self.purge_expired()

    def purge_expired(self) -> int:
        """Delete every expired row (reads already ignore them; this keeps the file from growing)."""
        return self._run(lambda db: db.execute(
            "DELETE FROM kv WHERE expires IS NOT NULL AND expires <= ?", (time.time(),)).rowcount)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
        return db

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"sqlite store {self.path}: {exc}") from exc
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        else:
            db.execute("COMMIT")

    def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        self._writes += 1
        if self._writes % PURGE_EVERY == 0:  # on open, then every so many writes
            self.purge_expired()
        try:
            with self._tx() as db:
                return fn(db)
        except sqlite3.Error as exc:
            raise StoreError(f"sqlite store {self.path}: {exc}") from exc

    def _live_value(self, db: sqlite3.Connection, key: str) -> str | None:
        row = db.execute(f"SELECT value FROM kv WHERE key = ? AND {_LIVE}", (key, time.time())).fetchone()
        return row[0] if row else None

    def ping(self) -> bool:
        return self._run(lambda db: db.execute("SELECT 1").fetchone() is not None)

    def get(self, key: str) -> str | None:
        try:
            return self._live_value(self._db(), key)
        except sqlite3.Error as exc:
            raise StoreError(f"sqlite store {self.path}: {exc}") from exc

    def put(self, key: str, value: str, ttl_s: float | None = None) -> None:
        self._run(lambda db: db.execute(
            "INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)", (key, value, _expiry(ttl_s))
        ))

    def put_if_absent(self, key: str, value: str, ttl_s: float | None = None) -> bool:
        def op(db: sqlite3.Connection) -> bool:
            if self._live_value(db, key) is not None:
                return False
            db.execute("INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)",
                       (key, value, _expiry(ttl_s)))
            return True

        return self._run(op)

    def put_if_absent_or_get(self, key: str, value: str, ttl_s: float | None = None) -> tuple[bool, str | None]:
        def op(db: sqlite3.Connection) -> tuple[bool, str | None]:
            current = self._live_value(db, key)
            if current is not None:
                return False, current
            db.execute("INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)",
                       (key, value, _expiry(ttl_s)))
            return True, value

        return self._run(op)

    def put_if_guard(
        self, key: str, value: str, guard_key: str, guard_value: str, ttl_s: float | None = None
    ) -> bool:
        def op(db: sqlite3.Connection) -> bool:
            if self._live_value(db, guard_key) != guard_value:
                return False
            db.execute("INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)",
                       (key, value, _expiry(ttl_s)))
            return True

        return self._run(op)

    def claim(
        self, key: str, value: str, guard_key: str, guard_value: str, final: str, ttl_s: float
    ) -> tuple[str, str | None]:
        def op(db: sqlite3.Connection) -> tuple[str, str | None]:
            if self._live_value(db, guard_key) != guard_value:
                return "lost", None
            previous = self._live_value(db, key)
            if previous == final:
                return "final", final
            db.execute("INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)",
                       (key, value, _expiry(ttl_s)))
            return "claimed", previous

        return self._run(op)

    def delete(self, key: str) -> None:
        self._run(lambda db: db.execute("DELETE FROM kv WHERE key = ?", (key,)))

    def delete_if_equal(self, key: str, value: str) -> bool:
        def op(db: sqlite3.Connection) -> bool:
            if self._live_value(db, key) != value:
                return False
            db.execute("DELETE FROM kv WHERE key = ?", (key,))
            return True

        return self._run(op)

    def incr(self, key: str, amount: int = 1, ttl_s: float | None = None) -> int:
        def op(db: sqlite3.Connection) -> int:
            current = self._live_value(db, key)
            if current is None:
                db.execute("INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)",
                           (key, str(amount), _expiry(ttl_s)))
                return amount
            new = int(current) + amount
            db.execute("UPDATE kv SET value = ? WHERE key = ?", (str(new), key))
            return new

        return self._run(op)

    def ttl(self, key: str) -> float | None:
        row = self._db().execute(
            f"SELECT expires FROM kv WHERE key = ? AND {_LIVE}", (key, time.time())
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return max(0.0, row[0] - time.time())
