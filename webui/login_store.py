"""Sign-in failure counters in a SQLite file, shared by every process of one machine.

`limits`' memory:// storage counts per process, so `kb serve --workers N` would give a client N
times the allowed failures. This storage (scheme `kb+sqlite:///path`) keeps the moving windows in
one SQLite file under KB_DATA instead: each hit is one `BEGIN IMMEDIATE` transaction, so parallel
attempts in different workers are counted one after another. It is the single-machine default; a
cluster sets RATELIMIT_STORAGE_URI to Redis (docs/operations.md).
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import MovingWindowSupport, Storage

SCHEME = "kb+sqlite"
COUNTS_FILE = "login_counts.sqlite3"
SCHEMA = """CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS hits_key_at ON hits (key, at);"""


def storage_uri(path: Path) -> str:
    return f"{SCHEME}://{Path(path).resolve()}"


class SQLiteStorage(Storage, MovingWindowSupport):
    """A `limits` storage for the moving-window strategy (the one webui.login_limit uses)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        self.path = Path(uri[len(SCHEME) + 3:]) if uri else Path("login_counts.sqlite3")
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid: int | None = None
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        """One connection per process (opened again after a fork)."""
        if self._conn is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)    # owner-only, like kb.sqlite3
            os.close(fd)
            self._conn, self._pid = self._open(), os.getpid()
        return self._conn

    def _open(self) -> sqlite3.Connection:
        """A connection to the counts file in WAL mode with its table. Two workers opening a new file at
        once can meet in SQLite's lock upgrade (one switching the file to WAL, the other creating the
        table), where SQLite answers "database is locked" at once instead of waiting: try again."""
        deadline = time.monotonic() + 10
        while True:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(SCHEMA)
                return conn
            except sqlite3.OperationalError:
                conn.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        with self._lock:
            db = self._db()
            db.execute("BEGIN IMMEDIATE")          # one writer at a time, across processes
            try:
                db.execute("DELETE FROM hits WHERE key = ? AND at <= ?", (key, now - expiry))
                (count,) = db.execute("SELECT COUNT(*) FROM hits WHERE key = ?", (key,)).fetchone()
                if count + amount > limit:
                    db.execute("COMMIT")
                    return False
                db.executemany("INSERT INTO hits (key, at) VALUES (?, ?)", [(key, now)] * amount)
                db.execute("COMMIT")
                return True
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        with self._lock:
            oldest, count = self._db().execute("SELECT MIN(at), COUNT(*) FROM hits WHERE key = ? AND at > ?",
                                               (key, now - expiry)).fetchone()
        return (oldest if oldest is not None else now), count

    def clear(self, key: str) -> None:
        with self._lock:
            self._db().execute("DELETE FROM hits WHERE key = ?", (key,))

    def reset(self) -> int | None:
        with self._lock:
            return self._db().execute("DELETE FROM hits").rowcount

    def check(self) -> bool:
        try:
            with self._lock:
                self._db().execute("SELECT 1")
            return True
        except sqlite3.Error:
            return False

    # the fixed-window calls of the Storage interface (not used by the moving window)
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        for _ in range(amount):
            self.acquire_entry(key, 1 << 30, expiry)
        return self.get(key)

    def get(self, key: str) -> int:
        with self._lock:
            return self._db().execute("SELECT COUNT(*) FROM hits WHERE key = ?", (key,)).fetchone()[0]

    def get_expiry(self, key: str) -> float:
        with self._lock:
            (latest,) = self._db().execute("SELECT MAX(at) FROM hits WHERE key = ?", (key,)).fetchone()
        return latest or time.time()
